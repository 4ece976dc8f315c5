// RUN: lowbit-opt %s -split-input-file --lowbit-select-block-scales="scheme=q4_k" | FileCheck %s
// RUN: lowbit-opt %s -split-input-file --lowbit-select-block-scales="scheme=b3:g16:asym:bf16 method=minmax" | FileCheck %s --check-prefix=PARAM
// RUN: not lowbit-opt %s --lowbit-select-block-scales="scheme=q4_q" 2>&1 | FileCheck %s --check-prefix=BADSCHEME
// RUN: not lowbit-opt %s --lowbit-select-block-scales="scheme=q4_0 method=minmax" 2>&1 | FileCheck %s --check-prefix=BADMETHOD
// RUN: lowbit-opt %s -split-input-file --lowbit-select-block-scales="scheme=q8_0 report=-" | FileCheck %s --check-prefix=REPORT
// RUN: lowbit-opt %s -split-input-file --lowbit-select-block-scales="scheme=q4_0 clamp-scales=true report=-" 2>&1 | FileCheck %s --check-prefix=CLAMP
// RUN: lowbit-opt %s -split-input-file --lowbit-select-block-scales="scheme=q8_0" | FileCheck %s --check-prefix=SPLIT

// BADSCHEME: error: lowbit-select-block-scales: scheme 'q4_q': unknown scheme field 'q4_q'
// BADMETHOD: error: lowbit-select-block-scales: method minmax needs an asymmetric scheme, 'q4_0' is symmetric

// x[M,K] * W[K,N]: the weight's rows are its N columns; a q4_k row of 64
// is a truncated super-block of 40 bytes.
// CHECK-LABEL: func @matmul_weight_rhs
// CHECK-DAG: %[[W:.*]] = arith.constant {lowbit.name = "wq", lowbit.scheme = #lowbit.scheme<format = q4_k>} dense_resource<lowbit.wq> : tensor<8x40xi8>
// CHECK-NOT: linalg.matmul
// CHECK: %[[Y:.*]] = lowbit.matmul %arg0, %[[W]] scheme(#lowbit.scheme<format = q4_k>) : tensor<2x64xf32>, tensor<8x40xi8> -> tensor<2x8xf32>
// CHECK: return %[[Y]]
// PARAM-LABEL: func @matmul_weight_rhs
// PARAM: lowbit.matmul {{.*}} scheme(#lowbit.scheme<bits = 3, block = 16, offset = min, scale = bf16>) : tensor<2x64xf32>, tensor<8x40xi8>
// REPORT: tensor  shape  scheme        bpw
// REPORT: wq      64x8   q8_0       8.5000
func.func @matmul_weight_rhs(%x: tensor<2x64xf32>) -> tensor<2x8xf32> {
  %w = arith.constant {lowbit.name = "wq"} dense<0.5> : tensor<64x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x8xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<2x8xf32>) -> tensor<2x8xf32>
  %0 = linalg.matmul ins(%x, %w : tensor<2x64xf32>, tensor<64x8xf32>) outs(%i : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Transposed B (nn.Linear layout W[N,K]) via indexing_maps; 172-wide rows.
// CHECK-LABEL: func @matmul_transpose_b
// CHECK-DAG: %[[W:.*]] = arith.constant {{.*}} : tensor<4x110xi8>
// CHECK: lowbit.matmul %arg0, %[[W]] {{.*}} : tensor<3x172xf32>, tensor<4x110xi8> -> tensor<3x4xf32>
func.func @matmul_transpose_b(%x: tensor<3x172xf32>) -> tensor<3x4xf32> {
  %w = arith.constant dense<0.25> : tensor<4x172xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x4xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<3x4xf32>) -> tensor<3x4xf32>
  %0 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<3x172xf32>, tensor<4x172xf32>) outs(%i : tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func @matvec
// CHECK: lowbit.matmul %arg0, %{{.*}} : tensor<64xf32>, tensor<16x40xi8> -> tensor<16xf32>
func.func @matvec(%x: tensor<64xf32>) -> tensor<16xf32> {
  %w = arith.constant dense<1.0> : tensor<16x64xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<16xf32>) -> tensor<16xf32>
  %0 = linalg.matvec ins(%w, %x : tensor<16x64xf32>, tensor<64xf32>) outs(%i : tensor<16xf32>) -> tensor<16xf32>
  return %0 : tensor<16xf32>
}

// -----

// CHECK-LABEL: func @vecmat
// CHECK: lowbit.matmul %arg0, %{{.*}} : tensor<64xf32>, tensor<16x40xi8> -> tensor<16xf32>
func.func @vecmat(%x: tensor<64xf32>) -> tensor<16xf32> {
  %w = arith.constant dense<1.0> : tensor<64x16xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<16xf32>) -> tensor<16xf32>
  %0 = linalg.vecmat ins(%x, %w : tensor<64xf32>, tensor<64x16xf32>) outs(%i : tensor<16xf32>) -> tensor<16xf32>
  return %0 : tensor<16xf32>
}

// -----

// Every batch has its own weight: packed is [B, N, bytes].
// CHECK-LABEL: func @batch_matmul
// CHECK: lowbit.matmul %arg0, %{{.*}} : tensor<2x3x64xf32>, tensor<2x5x40xi8> -> tensor<2x3x5xf32>
func.func @batch_matmul(%x: tensor<2x3x64xf32>) -> tensor<2x3x5xf32> {
  %w = arith.constant dense<1.0> : tensor<2x64x5xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3x5xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  %0 = linalg.batch_matmul ins(%x, %w : tensor<2x3x64xf32>, tensor<2x64x5xf32>) outs(%i : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// Batched mat-vec: the missing row dimension becomes a unit one.
// CHECK-LABEL: func @batch_matvec
// CHECK: %[[X:.*]] = tensor.expand_shape %arg0 {{\[\[}}0], [1, 2]] output_shape [2, 1, 64]
// CHECK: %[[Y:.*]] = lowbit.matmul %[[X]], %{{.*}} : tensor<2x1x64xf32>, tensor<2x5x40xi8> -> tensor<2x1x5xf32>
// CHECK: tensor.collapse_shape %[[Y]] {{\[\[}}0], [1, 2]]
func.func @batch_matvec(%x: tensor<2x64xf32>) -> tensor<2x5xf32> {
  %w = arith.constant dense<1.0> : tensor<2x5x64xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x5xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<2x5xf32>) -> tensor<2x5xf32>
  %0 = linalg.batch_matvec ins(%w, %x : tensor<2x5x64xf32>, tensor<2x64xf32>) outs(%i : tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// Weight on the left (W[N,K] * X[K,M]): activations and result transposed,
// and a non-zero init is added back.
// CHECK-LABEL: func @weight_lhs_with_init
// CHECK: %[[XT:.*]] = linalg.transpose ins(%arg0 : tensor<64x3xf32>) {{.*}} permutation = [1, 0]
// CHECK: %[[Y:.*]] = lowbit.matmul %[[XT]], %{{.*}} : tensor<3x64xf32>, tensor<8x40xi8> -> tensor<3x8xf32>
// CHECK: %[[YT:.*]] = linalg.transpose ins(%[[Y]] : tensor<3x8xf32>) {{.*}} permutation = [1, 0]
// CHECK: linalg.add ins(%[[YT]], %arg1 : tensor<8x3xf32>, tensor<8x3xf32>)
func.func @weight_lhs_with_init(%x: tensor<64x3xf32>, %acc: tensor<8x3xf32>) -> tensor<8x3xf32> {
  %w = arith.constant dense<1.0> : tensor<8x64xf32>
  %0 = linalg.matmul ins(%w, %x : tensor<8x64xf32>, tensor<64x3xf32>) outs(%acc : tensor<8x3xf32>) -> tensor<8x3xf32>
  return %0 : tensor<8x3xf32>
}

// -----

// An equivalent linalg.generic contraction, f16 weight.
// CHECK-LABEL: func @generic_contraction
// CHECK: lowbit.matmul %arg0, %{{.*}} : tensor<2x64xf32>, tensor<4x40xi8> -> tensor<2x4xf32>
#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (n, k)>
#c = affine_map<(m, n, k) -> (m, n)>
func.func @generic_contraction(%x: tensor<2x64xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<0.5> : tensor<4x64xf16>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %0 = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
       ins(%x, %w : tensor<2x64xf32>, tensor<4x64xf16>) outs(%i : tensor<2x4xf32>) {
  ^bb0(%xa: f32, %wb: f16, %acc: f32):
    %wf = arith.extf %wb : f16 to f32
    %m = arith.mulf %xa, %wf : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Contractions without a constant weight stay as they are.
// CHECK-LABEL: func @no_constant
// CHECK: linalg.matmul
// CHECK-NOT: lowbit.matmul
func.func @no_constant(%x: tensor<2x64xf32>, %w: tensor<64x8xf32>, %i: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = linalg.matmul ins(%x, %w : tensor<2x64xf32>, tensor<64x8xf32>) outs(%i : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Dynamic activation rows (one weight function for decode and batched
// prefill, as lowbit-import writes them) are quantized like static ones; a
// weight that cannot be quantized stays float with a warning and a report
// line saying why (lowbit-select-block-scales-invalid.mlir).
// CHECK-LABEL: func @dynamic_rows
// CHECK: %[[Y:.*]] = lowbit.matmul %{{.*}}, %{{.*}} scheme(#lowbit.scheme<format = q4_k>) : tensor<?x64xf32>, tensor<8x40xi8> -> tensor<?x8xf32>
// CHECK: linalg.add ins(%[[Y]], %{{.*}} : tensor<?x8xf32>, tensor<?x8xf32>)
// REPORT: dyn.weight  64x8  q8_0
func.func @dynamic_rows(%x: tensor<?x64xf32>, %i: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %w = arith.constant {lowbit.name = "dyn.weight"} dense<1.0> : tensor<64x8xf32>
  %0 = linalg.matmul ins(%x, %w : tensor<?x64xf32>, tensor<64x8xf32>) outs(%i : tensor<?x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// clamp-scales=true clips a block whose q4_0 scale would overflow f16 (the
// default is an error: lowbit-select-block-scales-invalid.mlir).
// CLAMP: warning: blk.0.attn_q.weight: 1 block(s) clipped so that their scales fit f16 (clamp-scales=true)
// CLAMP: blk.0.attn_q.weight  1x32  q4_0  4.5000  8.414e+04  4.760e+05
func.func @scale_overflow(%x: tensor<32xf32>) -> tensor<1xf32> {
  %w = arith.constant {lowbit.name = "blk.0.attn_q.weight"} dense<[[0.5, 0.5, 0.5, 1.0e+06, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]]> : tensor<1x32xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1xf32>) -> tensor<1xf32>
  %0 = linalg.matvec ins(%w, %x : tensor<1x32xf32>, tensor<32xf32>) outs(%i : tensor<1xf32>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

// Float storage of another type (lowbit-assign-schemes' f16/bf16/f32
// rules): the constant is converted and the contraction (generalized when
// named) converts each element in its body.
// CHECK-LABEL: func @float_storage
// CHECK: %[[W:.*]] = arith.constant {lowbit.float_storage = f16, lowbit.keep, lowbit.name = "blk.0.ffn_down.weight"} dense<{{.*}}> : tensor<2x32xf16>
// CHECK: linalg.generic {{.*}} ins(%arg0, %[[W]] : tensor<1x32xf32>, tensor<2x32xf16>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %[[WV:.*]]: f16, %{{.*}}: f32):
// CHECK: arith.extf %[[WV]] : f16 to f32
// CHECK-NOT: lowbit.matmul
// CHECK: %[[B:.*]] = arith.constant {lowbit.float_storage = f32, lowbit.keep, lowbit.name = "blk.0.ffn_up.weight"} dense<{{.*}}> : tensor<2x32xf32>
// CHECK: linalg.generic {{.*}} ins(%arg0, %[[B]] : tensor<1x32xf32>, tensor<2x32xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// REPORT: blk.0.ffn_down.weight  2x32  f16 (float)  16.0000
// REPORT: blk.0.ffn_up.weight  2x32  f32 (float)  32.0000  0.000e+00
func.func @float_storage(%x: tensor<1x32xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %w = arith.constant {lowbit.keep, lowbit.float_storage = f16, lowbit.name = "blk.0.ffn_down.weight"} dense<0.1> : tensor<2x32xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %0 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%x, %w : tensor<1x32xf32>, tensor<2x32xf32>) outs(%i : tensor<1x2xf32>) -> tensor<1x2xf32>
  %b = arith.constant {lowbit.keep, lowbit.float_storage = f32, lowbit.name = "blk.0.ffn_up.weight"} dense<0.5> : tensor<2x32xbf16>
  %1 = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
       ins(%x, %b : tensor<1x32xf32>, tensor<2x32xbf16>) outs(%i : tensor<1x2xf32>) {
  ^bb0(%xa: f32, %wb: bf16, %acc: f32):
    %wf = arith.extf %wb : bf16 to f32
    %m = arith.mulf %xa, %wf : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x2xf32>
  return %0, %1 : tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// Importance (inline IR data) weights each column's error: with all weight
// on the last column, q4_0's search fits it exactly.
// REPORT-LABEL: blk.0.attn_v.weight
// REPORT-SAME: 1x32  q8_0
// CHECK-LABEL: func @weighted
func.func @weighted(%x: tensor<32xf32>) -> tensor<1xf32> {
  %w = arith.constant {lowbit.name = "blk.0.attn_v.weight", lowbit.importance = dense<[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]> : tensor<32xf32>} dense<[[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9]]> : tensor<1x32xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1xf32>) -> tensor<1xf32>
  %0 = linalg.matvec ins(%w, %x : tensor<1x32xf32>, tensor<32xf32>) outs(%i : tensor<1xf32>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

// Sparse outliers (lowbit-split-outliers mode=weights marked 2 of 64
// weights): the two planted large weights are kept exactly, in a CSR side
// matrix (f16 values, i16 columns 5 and 20, one per row) added to the
// quantized matmul; the report counts its bytes.
// CHECK-LABEL: func @sparse_outliers
// CHECK-DAG: %[[Q:.*]] = arith.constant {{.*}}lowbit.name = "ws"{{.*}} : tensor<2x{{[0-9]+}}xi8>
// CHECK: %[[YQ:.*]] = lowbit.matmul %arg0, %[[Q]]
// CHECK-DAG: %[[V:.*]] = arith.constant {lowbit.name = "ws.sparse_values"} dense_resource<lowbit.ws.sparse_values> : tensor<2xf16>
// CHECK-DAG: %[[C:.*]] = arith.constant {lowbit.name = "ws.sparse_columns"} dense_resource<lowbit.ws.sparse_columns> : tensor<2xi16>
// CHECK-DAG: %[[O:.*]] = arith.constant {lowbit.name = "ws.sparse_offsets"} dense_resource<lowbit.ws.sparse_offsets> : tensor<3xi32>
// CHECK: %[[YS:.*]] = lowbit.sparse_matmul %arg0, %[[V]], %[[C]], %[[O]] : tensor<1x32xf32>, tensor<2xf16>, tensor<2xi16>, tensor<3xi32> -> tensor<1x2xf32>
// CHECK: %[[Y:.*]] = linalg.add ins(%[[YQ]], %[[YS]] : tensor<1x2xf32>, tensor<1x2xf32>)
// CHECK: return %[[Y]]
// CHECK: lowbit.ws.sparse_columns: "0x0200000005001400"
// CHECK: lowbit.ws.sparse_offsets: "0x04000000000000000100000002000000"
// REPORT-LABEL: tensor
// REPORT: ws 2x32 q8_0 +2 exact 11.0000
func.func @sparse_outliers(%x: tensor<1x32xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {lowbit.name = "ws", lowbit.sparse_outliers = 3.125000e-02 : f64} dense<[[-0.03, -0.02, -0.01, 0.0, 0.01, 1.0, 0.03, -0.03, -0.02, -0.01, 0.0, 0.01, 0.02, 0.03, -0.03, -0.02, -0.01, 0.0, 0.01, 0.02, 0.03, -0.03, -0.02, -0.01, 0.0, 0.01, 0.02, 0.03, -0.03, -0.02, -0.01, 0.0], [-0.03, -0.02, -0.01, 0.0, 0.01, 0.02, 0.03, -0.03, -0.02, -0.01, 0.0, 0.01, 0.02, 0.03, -0.03, -0.02, -0.01, 0.0, 0.01, 0.02, -2.0, -0.03, -0.02, -0.01, 0.0, 0.01, 0.02, 0.03, -0.03, -0.02, -0.01, 0.0]]> : tensor<2x32xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %0 = linalg.matmul indexing_maps = [affine_map<(t, n, k) -> (t, k)>, affine_map<(t, n, k) -> (n, k)>, affine_map<(t, n, k) -> (t, n)>] ins(%x, %w : tensor<1x32xf32>, tensor<2x32xf32>) outs(%i : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// Columns lowbit-split-outliers moved to a side path (lowbit.split_columns)
// are read as zero: their codes are 0 in both rows (3E 00 5D 7C and
// 41 00 4A 6F after each row's f16 scale), though the constant (shared
// with no copy) still holds 0.45 and 0.025 there.
// SPLIT-LABEL: func @split_columns_read_as_zero
// SPLIT: lowbit.split: "0x010000009B163E005D7C{{0+}}881941004A6F{{0+}}"
func.func @split_columns_read_as_zero(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {lowbit.name = "split", lowbit.split_columns = array<i64: 1>} dense<[[0.1, 0.45, 0.15, 0.2], [0.175, 0.025, 0.2, 0.3]]> : tensor<2x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %0 = linalg.matmul indexing_maps = [affine_map<(t, n, k) -> (t, k)>, affine_map<(t, n, k) -> (n, k)>, affine_map<(t, n, k) -> (t, n)>] ins(%x, %w : tensor<1x4xf32>, tensor<2x4xf32>) outs(%i : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}
