// RUN: lowbit-opt %s -split-input-file --convert-lowbit-to-linalg | FileCheck %s

// A row of 40 in q8_0: the matmul decodes its weights inside the
// contraction (no float weight tensor): one contraction over the full
// block's 32 columns, then one over the padded tail's 8, accumulating.
// CHECK-LABEL: func @matmul_with_tail
// CHECK-SAME: (%[[X:.*]]: tensor<2x40xf32>, %[[W:.*]]: tensor<3x68xi8>)
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x3xf32>)
// CHECK: %[[XF:.*]] = tensor.extract_slice %[[X]][0, 0] [2, 32] [1, 1]
// CHECK: %[[A:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]{{.*}} ins(%[[XF]] : tensor<2x32xf32>) outs(%[[Z]] : tensor<2x3xf32>)
// CHECK:   tensor.extract %[[W]]
// CHECK:   arith.bitcast %{{.*}} : i16 to f16
// CHECK:   arith.extf %{{.*}} : f16 to f32
// CHECK:   arith.mulf
// CHECK:   arith.addf
// CHECK: %[[XT:.*]] = tensor.extract_slice %[[X]][0, 32] [2, 8] [1, 1]
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[XT]] : tensor<2x8xf32>) outs(%[[A]] : tensor<2x3xf32>)
// CHECK: return %[[Y]]
// CHECK-NOT: tensor<3x40xf32>
// CHECK-NOT: lowbit.
func.func @matmul_with_tail(%x: tensor<2x40xf32>, %w: tensor<3x68xi8>) -> tensor<2x3xf32> {
  %0 = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q8_0>) : tensor<2x40xf32>, tensor<3x68xi8> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// K-quant: value = (d x scale) x q - (dmin x min), in that order.
// CHECK-LABEL: func @dequantize_q4_k
// CHECK: linalg.generic
// CHECK: %[[D:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK: %[[DMIN:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK: %[[SC:.*]] = arith.sitofp %{{.*}} : i32 to f32
// CHECK: %[[DL:.*]] = arith.mulf %[[D]], %[[SC]] : f32
// CHECK: %[[Q:.*]] = arith.sitofp %{{.*}} : i32 to f32
// CHECK: %[[V:.*]] = arith.mulf %[[DL]], %[[Q]] : f32
// CHECK: %[[MC:.*]] = arith.sitofp %{{.*}} : i32 to f32
// CHECK: %[[ML:.*]] = arith.mulf %[[DMIN]], %[[MC]] : f32
// CHECK: %[[R:.*]] = arith.subf %[[V]], %[[ML]] : f32
// CHECK: linalg.yield %[[R]]
func.func @dequantize_q4_k(%w: tensor<4x144xi8>) -> tensor<4x256xf32> {
  %0 = lowbit.dequantize %w scheme(#lowbit.scheme<format = q4_k>) : tensor<4x144xi8> -> tensor<4x256xf32>
  return %0 : tensor<4x256xf32>
}

// -----

// Codebooks look their level up in a constant table.
// CHECK-LABEL: func @dequantize_iq4_nl
// CHECK-DAG: %[[CB:.*]] = arith.constant dense<[-1.270000e+02, -1.040000e+02, {{.*}}, 1.130000e+02]> : tensor<16xf32>
// CHECK: linalg.generic
// CHECK: tensor.extract %[[CB]][%{{.*}}] : tensor<16xf32>
func.func @dequantize_iq4_nl(%w: tensor<1x18xi8>) -> tensor<1x32xf32> {
  %0 = lowbit.dequantize %w scheme(#lowbit.scheme<format = iq4_nl>) : tensor<1x18xi8> -> tensor<1x32xf32>
  return %0 : tensor<1x32xf32>
}

// -----

// bf16 scales and an integer zero point: value = d x (v - z).
// CHECK-LABEL: func @dequantize_zero_point
// CHECK: arith.bitcast %{{.*}} : i16 to bf16
// CHECK: %[[V:.*]] = arith.subi %{{.*}}, %{{.*}} : i32
// CHECK: arith.sitofp %[[V]] : i32 to f32
func.func @dequantize_zero_point(%w: tensor<2x11xi8>) -> tensor<2x16xf32> {
  %0 = lowbit.dequantize %w scheme(#lowbit.scheme<bits = 4, block = 16, offset = zero_point, scale = bf16>) : tensor<2x11xi8> -> tensor<2x16xf32>
  return %0 : tensor<2x16xf32>
}

// -----

// An embedding lookup (one row of a dequantized table) slices the packed
// row first and decodes only it, not the whole table per token.
// CHECK-LABEL: func @embedding_row
// CHECK-SAME: (%[[T:.*]]: tensor<512x210xi8>, %[[I:.*]]: index)
// CHECK: %[[ROW:.*]] = tensor.extract_slice %[[T]][%[[I]], 0] [1, 210] [1, 1] : tensor<512x210xi8> to tensor<1x210xi8>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x256xf32>)
// CHECK-NOT: tensor<512x256xf32>
func.func @embedding_row(%t: tensor<512x210xi8>, %i: index) -> tensor<1x256xf32> {
  %0 = lowbit.dequantize %t scheme(#lowbit.scheme<format = q6_k>) : tensor<512x210xi8> -> tensor<512x256xf32>
  %1 = tensor.extract_slice %0[%i, 0] [1, 256] [1, 1] : tensor<512x256xf32> to tensor<1x256xf32>
  return %1 : tensor<1x256xf32>
}

// -----

// A slice of some columns must still decode whole rows.
// CHECK-LABEL: func @column_slice
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<4x256xf32>)
// CHECK: tensor.extract_slice %{{.*}}[0, 32] [4, 64] [1, 1] : tensor<4x256xf32> to tensor<4x64xf32>
func.func @column_slice(%t: tensor<4x210xi8>) -> tensor<4x64xf32> {
  %0 = lowbit.dequantize %t scheme(#lowbit.scheme<format = q6_k>) : tensor<4x210xi8> -> tensor<4x256xf32>
  %1 = tensor.extract_slice %0[0, 32] [4, 64] [1, 1] : tensor<4x256xf32> to tensor<4x64xf32>
  return %1 : tensor<4x64xf32>
}

// -----

// The outlier side path: the input's columns gathered (through a constant
// index table), then the float contraction with the f16 weight widened in
// the body (the shape lowbit-vectorize-float-contractions vectorizes).
// CHECK-LABEL: func @column_matmul
// CHECK: %[[IDX:.*]] = arith.constant dense<[3, 17, 40]> : tensor<3xindex>
// CHECK: %[[G:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x3xf32>)
// CHECK: %[[C:.*]] = linalg.index 1 : index
// CHECK: %[[K:.*]] = tensor.extract %[[IDX]][%[[C]]] : tensor<3xindex>
// CHECK: tensor.extract %arg0[%{{.*}}, %[[K]]] : tensor<2x64xf32>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[G]], %arg1 : tensor<2x3xf32>, tensor<8x3xf16>)
// CHECK: arith.extf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: lowbit.column_matmul
func.func @column_matmul(%x: tensor<2x64xf32>, %w: tensor<8x3xf16>) -> tensor<2x8xf32> {
  %0 = lowbit.column_matmul %x, %w columns [3, 17, 40] : tensor<2x64xf32>, tensor<8x3xf16> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// The sparse side path: a linalg.generic over [T, N] whose body walks row
// n's CSR range in order (scf.for), widening the f16 value and reading the
// i16 column as unsigned.
// CHECK-LABEL: func @sparse_matmul
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]} outs(%{{.*}} : tensor<2x4xf32>)
// CHECK: %[[N:.*]] = linalg.index 1 : index
// CHECK: tensor.extract %arg3[%[[N]]] : tensor<5xi32>
// CHECK: scf.for %[[P:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(
// CHECK: %[[C:.*]] = tensor.extract %arg2[%[[P]]] : tensor<3xi16>
// CHECK: arith.index_castui %[[C]] : i16 to index
// CHECK: tensor.extract %arg1[%[[P]]] : tensor<3xf16>
// CHECK: arith.extf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: lowbit.sparse_matmul
func.func @sparse_matmul(%x: tensor<2x64xf32>, %v: tensor<3xf16>, %c: tensor<3xi16>, %o: tensor<5xi32>) -> tensor<2x4xf32> {
  %0 = lowbit.sparse_matmul %x, %v, %c, %o : tensor<2x64xf32>, tensor<3xf16>, tensor<3xi16>, tensor<5xi32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
