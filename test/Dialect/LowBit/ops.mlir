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

// -----

// Codegen attributes and the kernel op print readably, defaults elided.
// CHECK: module attributes {lowbit.target = #lowbit.target<name = "aarch64-i8mm", vector_bytes = 16, dot = usdot, lookup = tbl, rows_per_group = 4>}
// CHECK-LABEL: func @kernel_matmul
// CHECK: %{{.*}} = lowbit.kernel_matmul ins(%{{.*}}, %{{.*}} : tensor<2x64xf32>, tensor<320xi8>) outs(%{{.*}} : tensor<2x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 16, scale_f16 = false, has_min = true, min_f16 = false, super_groups = 8, super_f16 = true>) parallel -> tensor<2x8xf32>
// CHECK: lowbit.kernel_matmul ins(%{{.*}}, %{{.*}} : memref<1x64xf32>, memref<288xi8>) outs(%{{.*}} : memref<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 16, zero_point = 127, table = [-1.270000e+02, -1.040000e+02, -8.300000e+01, -6.500000e+01, -4.900000e+01, -3.500000e+01, -2.200000e+01, -1.000000e+01, 1.000000e+00, 1.300000e+01, 2.500000e+01, 3.800000e+01, 5.300000e+01, 6.900000e+01, 8.900000e+01, 1.130000e+02], lookup = [0, 23, 45, 66, 85, 102, 117, 130, 140, 152, 164, 177, 191, 207, 223, 240]>) float_path
// BC: lowbit.kernel_matmul {{.*}} layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 16, scale_f16 = false, has_min = true, min_f16 = false, super_groups = 8, super_f16 = true>) parallel
module attributes {lowbit.target = #lowbit.target<name = "aarch64-i8mm", vector_bytes = 16, dot = usdot, lookup = tbl, rows_per_group = 4>} {
func.func @kernel_matmul(%x: tensor<2x64xf32>, %w: tensor<320xi8>, %y: tensor<2x8xf32>, %xm: memref<1x64xf32>, %wm: memref<288xi8>, %ym: memref<1x8xf32>) -> tensor<2x8xf32> {
  %r = lowbit.kernel_matmul ins(%x, %w : tensor<2x64xf32>, tensor<320xi8>) outs(%y : tensor<2x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 16, scale_f16 = false, has_min = true, min_f16 = false, super_groups = 8, super_f16 = true>) parallel -> tensor<2x8xf32>
  lowbit.kernel_matmul ins(%xm, %wm : memref<1x64xf32>, memref<288xi8>) outs(%ym : memref<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4, vector_bytes = 16, zero_point = 127, table = [-127.0, -104.0, -83.0, -65.0, -49.0, -35.0, -22.0, -10.0, 1.0, 13.0, 25.0, 38.0, 53.0, 69.0, 89.0, 113.0], lookup = [0, 23, 45, 66, 85, 102, 117, 130, 140, 152, 164, 177, 191, 207, 223, 240]>) float_path
  return %r : tensor<2x8xf32>
}
}

// -----

// The side path of outlier splitting.
// CHECK-LABEL: func @column_matmul
// CHECK: lowbit.column_matmul %arg0, %arg1 columns [3, 17, 40] : tensor<2x64xf32>, tensor<8x3xf16> -> tensor<2x8xf32>
// BC-LABEL: func @column_matmul
// BC: lowbit.column_matmul %arg0, %arg1 columns [3, 17, 40]
func.func @column_matmul(%x: tensor<2x64xf32>, %w: tensor<8x3xf16>) -> tensor<2x8xf32> {
  %0 = lowbit.column_matmul %x, %w columns [3, 17, 40] : tensor<2x64xf32>, tensor<8x3xf16> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// The sparse outlier side path (CSR) and its kernel op, on tensors and
// memrefs.
// CHECK-LABEL: func @sparse_matmul
// CHECK: lowbit.sparse_matmul %arg0, %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x64xf32>, tensor<3xf16>, tensor<3xi16>, tensor<5xi32> -> tensor<2x4xf32>
// BC-LABEL: func @sparse_matmul
// BC: lowbit.sparse_matmul
func.func @sparse_matmul(%x: tensor<2x64xf32>) -> tensor<2x4xf32> {
  %v = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf16>
  %c = arith.constant dense<[3, 17, 40]> : tensor<3xi16>
  %o = arith.constant dense<[0, 2, 2, 3, 3]> : tensor<5xi32>
  %0 = lowbit.sparse_matmul %x, %v, %c, %o : tensor<2x64xf32>, tensor<3xf16>, tensor<3xi16>, tensor<5xi32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// CHECK-LABEL: func @kernel_sparse_matmul
// CHECK: lowbit.kernel_sparse_matmul ins(%arg0, %arg1, %arg2, %arg3 : tensor<2x64xf32>, tensor<3xf16>, tensor<3xi16>, tensor<5xi32>) outs(%arg4 : tensor<2x4xf32>) parallel -> tensor<2x4xf32>
// CHECK: lowbit.kernel_sparse_matmul ins(%{{.*}} : memref<2x64xf32>, memref<3xf16>, memref<3xi32>, memref<5xi32>) outs(%{{.*}} : memref<2x4xf32>)
func.func @kernel_sparse_matmul(%x: tensor<2x64xf32>, %v: tensor<3xf16>, %c: tensor<3xi16>, %o: tensor<5xi32>, %e: tensor<2x4xf32>,
                                %xm: memref<2x64xf32>, %vm: memref<3xf16>, %cm: memref<3xi32>, %om: memref<5xi32>, %ym: memref<2x4xf32>) -> tensor<2x4xf32> {
  %0 = lowbit.kernel_sparse_matmul ins(%x, %v, %c, %o : tensor<2x64xf32>, tensor<3xf16>, tensor<3xi16>, tensor<5xi32>) outs(%e : tensor<2x4xf32>) parallel -> tensor<2x4xf32>
  lowbit.kernel_sparse_matmul ins(%xm, %vm, %cm, %om : memref<2x64xf32>, memref<3xf16>, memref<3xi32>, memref<5xi32>) outs(%ym : memref<2x4xf32>)
  return %0 : tensor<2x4xf32>
}
