// RUN: lowbit-opt %s -split-input-file | FileCheck %s
// Round trip through bytecode gives the same text.
// RUN: lowbit-opt %s -emit-bytecode | lowbit-opt | FileCheck %s --check-prefix=BC

// CHECK-LABEL: func @gguf_matmul
// CHECK: lowbit.matmul %{{.*}}, %{{.*}} scheme(#lowbit.scheme<format = q4_k>) : tensor<2x64xf32>, tensor<8x40xi8> -> tensor<2x8xf32>
// BC-LABEL: func @gguf_matmul
// BC: lowbit.matmul {{.*}} scheme(#lowbit.scheme<format = q4_k>)
func.func @gguf_matmul(%x: tensor<2x64xf32>, %w: tensor<8x40xi8>) -> tensor<2x8xf32> {
  %0 = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q4_k>) : tensor<2x64xf32>, tensor<8x40xi8> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func @matvec_tail
// CHECK: lowbit.matmul {{.*}} scheme(#lowbit.scheme<format = q4_0>) : tensor<172xf32>, tensor<64x108xi8> -> tensor<64xf32>
func.func @matvec_tail(%x: tensor<172xf32>, %w: tensor<64x108xi8>) -> tensor<64xf32> {
  %0 = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q4_0>) : tensor<172xf32>, tensor<64x108xi8> -> tensor<64xf32>
  return %0 : tensor<64xf32>
}

// -----

// CHECK-LABEL: func @batched_weights
// CHECK: lowbit.matmul {{.*}} : tensor<3x2x64xf32>, tensor<3x8x68xi8> -> tensor<3x2x8xf32>
func.func @batched_weights(%x: tensor<3x2x64xf32>, %w: tensor<3x8x68xi8>) -> tensor<3x2x8xf32> {
  %0 = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q8_0>) : tensor<3x2x64xf32>, tensor<3x8x68xi8> -> tensor<3x2x8xf32>
  return %0 : tensor<3x2x8xf32>
}

// -----

// Parametric schemes print only what differs from the defaults.
// CHECK-LABEL: func @parametric
// CHECK: lowbit.dequantize %{{.*}} scheme(#lowbit.scheme<bits = 3, block = 64, offset = min, scale = bf16>) : tensor<4x28xi8> -> tensor<4x64xf32>
// CHECK: lowbit.dequantize %{{.*}} scheme(#lowbit.scheme<bits = 2, block = 16, offset = sub_min, super_block = 256, sub_scale_bits = 4>) : tensor<4x24xi8> -> tensor<4x64xf32>
// CHECK: lowbit.dequantize %{{.*}} scheme(#lowbit.scheme<codebook = nf4>) : tensor<4x36xi8> -> tensor<4x64xf32>
// CHECK: lowbit.dequantize %{{.*}} scheme(#lowbit.scheme<bits = 2, codebook = custom, levels = [-1.500000e+00, -5.000000e-01, 5.000000e-01, 1.500000e+00]>) : tensor<4x20xi8> -> tensor<4x64xf32>
// BC-LABEL: func @parametric
// BC: scheme(#lowbit.scheme<bits = 3, block = 64, offset = min, scale = bf16>)
// BC: levels = [-1.500000e+00, -5.000000e-01, 5.000000e-01, 1.500000e+00]
func.func @parametric(%a: tensor<4x28xi8>, %b: tensor<4x24xi8>, %c: tensor<4x36xi8>, %d: tensor<4x20xi8>) {
  %0 = lowbit.dequantize %a scheme(#lowbit.scheme<bits = 3, block = 64, offset = min, scale = bf16>) : tensor<4x28xi8> -> tensor<4x64xf32>
  %1 = lowbit.dequantize %b scheme(#lowbit.scheme<bits = 2, block = 16, offset = sub_min, super_block = 256, sub_scale_bits = 4>) : tensor<4x24xi8> -> tensor<4x64xf32>
  %2 = lowbit.dequantize %c scheme(#lowbit.scheme<codebook = nf4>) : tensor<4x36xi8> -> tensor<4x64xf32>
  %3 = lowbit.dequantize %d scheme(#lowbit.scheme<bits = 2, codebook = custom, levels = [-1.5, -0.5, 0.5, 1.5]>) : tensor<4x20xi8> -> tensor<4x64xf32>
  return
}

// -----

// Packed weights as a resource blob: codes and scales are data.
// CHECK-LABEL: func @resource_weight
// CHECK: arith.constant dense_resource<w0> : tensor<1x18xi8>
// BC-LABEL: func @resource_weight
// BC: dense_resource<w0>
func.func @resource_weight(%x: tensor<32xf32>) -> tensor<1xf32> {
  %w = arith.constant dense_resource<w0> : tensor<1x18xi8>
  %0 = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q4_0>) : tensor<32xf32>, tensor<1x18xi8> -> tensor<1xf32>
  return %0 : tensor<1xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w0: "0x01000000003C88888888888888888888888888888888"
    }
  }
#-}
