// RUN: lowbit-opt %s -split-input-file --lowbit-select-block-scales="scheme=q4_0" -verify-diagnostics
// RUN: not lowbit-opt %s -split-input-file --lowbit-select-block-scales="threads=99999" 2>&1 | FileCheck %s --check-prefix=THREADS --implicit-check-not="see current operation"
// THREADS: error: lowbit-select-block-scales: threads must be 0 (all cores) or at most 256, got 99999

func.func @nan_weight(%x: tensor<32xf32>) -> tensor<2xf32> {
  %w = arith.constant {lowbit.name = "layers.0.wq"} dense<[[1.0, 0x7FC00000, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]]> : tensor<2x32xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<2xf32>) -> tensor<2xf32>
  // expected-error @+1 {{layers.0.wq: row 0, column 1 holds NaN; weights must be finite}}
  %0 = linalg.matvec ins(%w, %x : tensor<2x32xf32>, tensor<32xf32>) outs(%i : tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @inf_weight(%x: tensor<32xf32>) -> tensor<1xf32> {
  %w = arith.constant dense<0x7F800000> : tensor<1x32xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1xf32>) -> tensor<1xf32>
  // expected-error @+1 {{weight: row 0, column 0 holds an infinity; weights must be finite}}
  %0 = linalg.matvec ins(%w, %x : tensor<1x32xf32>, tensor<32xf32>) outs(%i : tensor<1xf32>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

// Only the activation rows (tokens) may be dynamic.
func.func @dynamic_shape(%x: tensor<2x?xf32>, %i: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %w = arith.constant dense<1.0> : tensor<64x8xf32>
  // expected-warning @+1 {{weight not quantized: dynamic shapes are not supported (only the activation rows may be dynamic)}}
  %0 = linalg.matmul ins(%x, %w : tensor<2x?xf32>, tensor<64x8xf32>) outs(%i : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Under strict=true a weight that stays float is an error; by default a
// warning (above) and a report line (lowbit-select-block-scales.mlir).
// RUN: not lowbit-opt %s -split-input-file --lowbit-quantize="strict=true" 2>&1 | FileCheck %s --check-prefix=STRICT --implicit-check-not="see current operation"
// STRICT: error: weight not quantized: dynamic shapes are not supported (only the activation rows may be dynamic) (strict=true)
func.func @dynamic_named(%x: tensor<2x?xf32>, %i: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %w = arith.constant {lowbit.name = "dyn.weight"} dense<1.0> : tensor<64x8xf32>
  // expected-warning @+1 {{weight not quantized: dynamic shapes are not supported}}
  %0 = linalg.matmul ins(%x, %w : tensor<2x?xf32>, tensor<64x8xf32>) outs(%i : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// A finite weight whose q4_0 scale (1e6 / 8) overflows f16: an error naming
// weight, row and block, not a NaN block and "rmse": -nan in the report.
func.func @scale_overflow(%x: tensor<32xf32>) -> tensor<1xf32> {
  %w = arith.constant {lowbit.name = "blk.0.attn_q.weight"} dense<[[0.5, 0.5, 0.5, 1.0e+06, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]]> : tensor<1x32xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1xf32>) -> tensor<1xf32>
  // expected-error @+1 {{blk.0.attn_q.weight: row 0, block 0 (columns 0-31): its largest weight, 1e+06, needs a block scale beyond the range of f16; clamp-scales=true clips such blocks (with a warning)}}
  %0 = linalg.matvec ins(%w, %x : tensor<1x32xf32>, tensor<32xf32>) outs(%i : tensor<1xf32>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}

// -----

// A 0.6 KB splat claiming 2^32 rows: refused by size before anything is
// allocated (it ran out of memory).
func.func @huge_splat(%x: tensor<1x64xf32>) -> tensor<1x4294967296xf32> {
  %w = arith.constant dense<1.0> : tensor<4294967296x64xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4294967296xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x4294967296xf32>) -> tensor<1x4294967296xf32>
  // expected-error @+1 {{weight 'weight' has 274877906944 values, more than lowbit's bound of 2^36}}
  %0 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>] ins(%x, %w : tensor<1x64xf32>, tensor<4294967296x64xf32>) outs(%i : tensor<1x4294967296xf32>) -> tensor<1x4294967296xf32>
  return %0 : tensor<1x4294967296xf32>
}

// -----

// Importance is IR data, written inline here: one f32 per column.
func.func @short_importance(%x: tensor<32xf32>) -> tensor<1xf32> {
  %w = arith.constant {lowbit.name = "blk.0.attn_q.weight", lowbit.importance = dense<[1.0, 2.0]> : tensor<2xf32>} dense<0.5> : tensor<1x32xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1xf32>) -> tensor<1xf32>
  // expected-error @+1 {{the importance of 'blk.0.attn_q.weight' must be 32 f32 values, one per column (not a splat)}}
  %0 = linalg.matvec ins(%w, %x : tensor<1x32xf32>, tensor<32xf32>) outs(%i : tensor<1xf32>) -> tensor<1xf32>
  return %0 : tensor<1xf32>
}
