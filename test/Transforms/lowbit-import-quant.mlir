// RUN: lowbit-opt %s -split-input-file --lowbit-import-quant -verify-diagnostics | FileCheck %s

// Sub-channel, symmetric: 8-bit codes, blocks of 32 along K, f32 scales.
// CHECK-LABEL: func @sub_channel
// CHECK: %[[P:.*]] = arith.constant {lowbit.name = "w"} dense_resource<quant_weight> : tensor<2x72xi8>
// CHECK: %[[D:.*]] = lowbit.dequantize %[[P]] scheme(#lowbit.scheme<bits = 8, scale = f32>) : tensor<2x72xi8> -> tensor<2x64xf32>
// CHECK-NOT: quant.
func.func @sub_channel() -> tensor<2x64xf32> {
  %c = arith.constant {lowbit.name = "w"} dense<3> : tensor<2x64xi8>
  %q = quant.scast %c : tensor<2x64xi8> to tensor<2x64x!quant.uniform<i8:f32:{0:1, 1:32}, {{2.0, 3.0}, {4.0, 5.0}}>>
  %f = quant.dcast %q : tensor<2x64x!quant.uniform<i8:f32:{0:1, 1:32}, {{2.0, 3.0}, {4.0, 5.0}}>> to tensor<2x64xf32>
  return %f : tensor<2x64xf32>
}

// -----

// Per row (axis 0) with zero points: unsigned codes and a zero point.
// CHECK-LABEL: func @per_axis
// CHECK: lowbit.dequantize %{{.*}} scheme(#lowbit.scheme<bits = 8, block = 64, offset = zero_point, scale = f32>) : tensor<2x69xi8> -> tensor<2x64xf32>
func.func @per_axis() -> tensor<2x64xf32> {
  %c = arith.constant dense<7> : tensor<2x64xi8>
  %q = quant.scast %c : tensor<2x64xi8> to tensor<2x64x!quant.uniform<i8:f32:0, {0.5:3, 0.25:-2}>>
  %f = quant.dcast %q : tensor<2x64x!quant.uniform<i8:f32:0, {0.5:3, 0.25:-2}>> to tensor<2x64xf32>
  return %f : tensor<2x64xf32>
}

// -----

// Per tensor.
// CHECK-LABEL: func @per_tensor
// CHECK: lowbit.dequantize %{{.*}} scheme(#lowbit.scheme<bits = 8, block = 128, scale = f32>) : tensor<4x132xi8> -> tensor<4x128xf32>
func.func @per_tensor() -> tensor<4x128xf32> {
  %c = arith.constant dense<-5> : tensor<4x128xi8>
  %q = quant.scast %c : tensor<4x128xi8> to tensor<4x128x!quant.uniform<i8:f32, 0.125>>
  %f = quant.dcast %q : tensor<4x128x!quant.uniform<i8:f32, 0.125>> to tensor<4x128xf32>
  return %f : tensor<4x128xf32>
}

// -----

// Types lowbit cannot express are left alone, saying why.
func.func @per_column() -> tensor<2x16xf32> {
  %c = arith.constant dense<1> : tensor<2x16xi8>
  %q = quant.scast %c : tensor<2x16xi8> to tensor<2x16x!quant.uniform<i8:f32:1, {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0}>>
  // expected-warning @+1 {{not converted to lowbit: per-axis scales must run over the rows (axis 0), not along the reduction dimension}}
  %f = quant.dcast %q : tensor<2x16x!quant.uniform<i8:f32:1, {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0}>> to tensor<2x16xf32>
  return %f : tensor<2x16xf32>
}

// -----

func.func @small_blocks() -> tensor<1x16xf32> {
  %c = arith.constant dense<1> : tensor<1x16xi8>
  %q = quant.scast %c : tensor<1x16xi8> to tensor<1x16x!quant.uniform<i8:f32:{0:1, 1:8}, {{1.0, 2.0}}>>
  // expected-warning @+1 {{not converted to lowbit: no lowbit scheme: block size must be a multiple of 8 in [16, 256], got 8}}
  %f = quant.dcast %q : tensor<1x16x!quant.uniform<i8:f32:{0:1, 1:8}, {{1.0, 2.0}}>> to tensor<1x16xf32>
  return %f : tensor<1x16xf32>
}
