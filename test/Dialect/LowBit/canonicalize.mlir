// RUN: lowbit-opt %s -split-input-file -canonicalize | FileCheck %s

// A slice of whole rows of a dequantized table (an embedding lookup)
// slices the packed bytes and decodes only that row.
// CHECK-LABEL: func @row_of_table
// CHECK-SAME: (%[[T:.*]]: tensor<512x210xi8>, %[[I:.*]]: index)
// CHECK: %[[ROW:.*]] = tensor.extract_slice %[[T]][%[[I]], 0] [1, 210] [1, 1] : tensor<512x210xi8> to tensor<1x210xi8>
// CHECK: %[[W:.*]] = lowbit.dequantize %[[ROW]] scheme(#lowbit.scheme<format = q6_k>) : tensor<1x210xi8> -> tensor<1x256xf32>
// CHECK: return %[[W]]
// CHECK-NOT: tensor<512x256xf32>
func.func @row_of_table(%t: tensor<512x210xi8>, %i: index) -> tensor<1x256xf32> {
  %0 = lowbit.dequantize %t scheme(#lowbit.scheme<format = q6_k>) : tensor<512x210xi8> -> tensor<512x256xf32>
  %1 = tensor.extract_slice %0[%i, 0] [1, 256] [1, 1] : tensor<512x256xf32> to tensor<1x256xf32>
  return %1 : tensor<1x256xf32>
}

// -----

// Several rows at a static offset, for a batched table.
// CHECK-LABEL: func @rows
// CHECK: tensor.extract_slice %{{.*}}[8, 0] [4, 36] [1, 1] : tensor<64x36xi8> to tensor<4x36xi8>
// CHECK: lowbit.dequantize %{{.*}} : tensor<4x36xi8> -> tensor<4x64xf32>
func.func @rows(%t: tensor<64x36xi8>) -> tensor<4x64xf32> {
  %0 = lowbit.dequantize %t scheme(#lowbit.scheme<format = q4_0>) : tensor<64x36xi8> -> tensor<64x64xf32>
  %1 = tensor.extract_slice %0[8, 0] [4, 64] [1, 1] : tensor<64x64xf32> to tensor<4x64xf32>
  return %1 : tensor<4x64xf32>
}

// -----

// Some columns of a row are not whole rows: decoding stays whole.
// CHECK-LABEL: func @columns
// CHECK: %[[W:.*]] = lowbit.dequantize %{{.*}} : tensor<4x210xi8> -> tensor<4x256xf32>
// CHECK: tensor.extract_slice %[[W]][0, 32] [4, 64] [1, 1]
func.func @columns(%t: tensor<4x210xi8>) -> tensor<4x64xf32> {
  %0 = lowbit.dequantize %t scheme(#lowbit.scheme<format = q6_k>) : tensor<4x210xi8> -> tensor<4x256xf32>
  %1 = tensor.extract_slice %0[0, 32] [4, 64] [1, 1] : tensor<4x256xf32> to tensor<4x64xf32>
  return %1 : tensor<4x64xf32>
}

// -----

// A rank-reducing slice (one row as a vector) is left alone.
// CHECK-LABEL: func @rank_reduced
// CHECK: lowbit.dequantize %{{.*}} : tensor<8x36xi8> -> tensor<8x64xf32>
// CHECK: tensor.extract_slice {{.*}} to tensor<64xf32>
func.func @rank_reduced(%t: tensor<8x36xi8>, %i: index) -> tensor<64xf32> {
  %0 = lowbit.dequantize %t scheme(#lowbit.scheme<format = q4_0>) : tensor<8x36xi8> -> tensor<8x64xf32>
  %1 = tensor.extract_slice %0[%i, 0] [1, 64] [1, 1] : tensor<8x64xf32> to tensor<64xf32>
  return %1 : tensor<64xf32>
}
