// RUN: lowbit-opt %s -split-input-file --lowbit-split-outliers --verify-diagnostics | FileCheck %s
// RUN: lowbit-opt %s -split-input-file --lowbit-split-outliers="threshold=0 fraction=0.5 storage=f32" --verify-diagnostics | FileCheck %s --check-prefix=TOP
// RUN: not lowbit-opt %s --lowbit-split-outliers="mode=weights" 2>&1 | FileCheck %s --check-prefix=WEIGHTS
// RUN: not lowbit-opt %s --lowbit-split-outliers="mode=weights fraction=0.01 storage=f32" 2>&1 | FileCheck %s --check-prefix=WSTORAGE
// RUN: lowbit-opt %s -split-input-file --lowbit-split-outliers="mode=weights fraction=0.25" | FileCheck %s --check-prefix=MARK
// RUN: not lowbit-opt %s --lowbit-split-outliers="mode=rows" 2>&1 | FileCheck %s --check-prefix=MODE
// RUN: not lowbit-opt %s --lowbit-split-outliers="storage=i8" 2>&1 | FileCheck %s --check-prefix=STORAGE
// RUN: not lowbit-opt %s --lowbit-split-outliers="fraction=2" 2>&1 | FileCheck %s --check-prefix=FRACTION

// End to end on the bundled model, through lowbit-quantize{outliers=columns}:
// the side path's vector code (float path) and the reference lowering give
// the same mean NLL; the int8 path runs; the side path compiles for every
// target family; GGUF export refuses side data, naming the tensor.
// RUN: lowbit-import %data/models/stories260K-gguf/stories260K-f32.gguf --context=512 -o %t.f.mlirbc
// RUN: lowbit-run calibrate %t.f.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt --stories=1-23 -o %t.cal.gguf
// RUN: lowbit-opt %t.f.mlirbc --lowbit-quantize="default=q4_0 calibration=%t.cal.gguf outliers=columns outlier-threshold=0 outlier-fraction=0.05 report=-" -emit-bytecode -o %t.s.mlirbc | FileCheck %s --check-prefix=REPORT
// REPORT: model: 292096 quantized weights in 167904 bytes (4.5986 bits/weight), 12840 float weights in 27088 bytes; whole model 5.1156 bits/weight
// RUN: lowbit-run perplexity %t.s.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt --stories=24-46 --float-path | FileCheck %s --check-prefix=SAME
// RUN: lowbit-run perplexity %t.s.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt --stories=24-46 --reference-kernels | FileCheck %s --check-prefix=SAME
// SAME: mean NLL 1.319806 nats/token, perplexity 3.7427
// RUN: lowbit-run perplexity %t.s.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt --stories=24-46 | FileCheck %s --check-prefix=INT8
// INT8: scored tokens 7289, mean NLL 1.3
// RUN: lowbit-compile %t.s.mlirbc -o %t.arm.o -mtriple=aarch64-linux-gnu -mattr=+dotprod
// RUN: lowbit-compile %t.s.mlirbc -o %t.avx2.o -mcpu=haswell
// RUN: lowbit-compile %t.s.mlirbc -o %t.avx512.o -mcpu=znver4
// RUN: lowbit-compile %t.s.mlirbc -o %t.generic.o -mtriple=x86_64-linux-gnu
// RUN: not lowbit-export %t.s.mlirbc -o %t.gguf --unsupported=f16 2>&1 | FileCheck %s --check-prefix=EXPORT
// EXPORT: error: tensor '{{.*}}.outlier_columns' is outlier side data (lowbit.column_matmul, from outlier splitting), which GGUF cannot hold

// The same for mode=weights (lowbit-quantize{outliers=weights}): scale
// selection keeps 1 % of each weight exactly; the vector side path (float
// path) and the reference lowering give the same mean NLL, the int8 path
// runs, every target family compiles it, export refuses it. The whole
// model's bits count the CSR bytes (i32 offsets per row are 0.5 bits per
// weight at this model's K = 64).
// RUN: lowbit-opt %t.f.mlirbc --lowbit-quantize="default=q4_0 outliers=weights outlier-weights=0.01 report=-" -emit-bytecode -o %t.w.mlirbc | FileCheck %s --check-prefix=WREPORT
// WREPORT: blk.0.attn_q.weight 64x64 q4_0 +41 exact 5.3281
// WREPORT: model: 292096 quantized weights in 192448 bytes (5.2708 bits/weight), 704 float weights in 2816 bytes; whole model 5.3351 bits/weight
// RUN: lowbit-run perplexity %t.w.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt --stories=24-46 --float-path | FileCheck %s --check-prefix=WSAME
// RUN: lowbit-run perplexity %t.w.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt --stories=24-46 --reference-kernels | FileCheck %s --check-prefix=WSAME
// WSAME: mean NLL 1.30
// RUN: lowbit-run perplexity %t.w.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt --stories=24-46 | FileCheck %s --check-prefix=INT8
// RUN: lowbit-compile %t.w.mlirbc -o %t.warm.o -mtriple=aarch64-linux-gnu -mattr=+dotprod
// RUN: lowbit-compile %t.w.mlirbc -o %t.wavx2.o -mcpu=haswell
// RUN: lowbit-compile %t.w.mlirbc -o %t.wgeneric.o -mtriple=x86_64-linux-gnu
// RUN: not lowbit-export %t.w.mlirbc -o %t.w.gguf 2>&1 | FileCheck %s --check-prefix=WEXPORT
// WEXPORT: error: tensor 'output.weight.sparse_values' is outlier side data (lowbit.sparse_matmul, from outlier splitting), which GGUF cannot hold

// WEIGHTS: error: lowbit-split-outliers: mode=weights needs a fraction of weights to keep in (0, 1), got 0
// WSTORAGE: error: lowbit-split-outliers: mode=weights keeps its values in f16, storage 'f32' is not available
// MODE: error: lowbit-split-outliers: unknown mode 'rows' (expected columns or weights)
// STORAGE: error: lowbit-split-outliers: storage 'i8' (expected f16, bf16 or f32)
// FRACTION: error: lowbit-split-outliers: threshold must be >= 0 and fraction within [0, 1]

// Input channel 1 reached 9.0 (> 6): its column goes to an f16 side
// weight; W (the same constant, not a copy: only this contraction uses it)
// records it as a split column, which quantizers read as zero (and its
// importance is zero; GPTQ treats the split columns as silent, so the
// shared Gram is not copied); the main contraction reads x with channel 1
// zeroed, and the side result is added.
// CHECK-LABEL: func @split_one_column
// CHECK-DAG: %[[MASK:.*]] = arith.constant dense<[false, true, false, false]> : tensor<4xi1>
// CHECK-DAG: %[[W0:.*]] = arith.constant {lowbit.importance = dense_resource<importance.split.wq> : tensor<4xf32>, lowbit.max_abs = {{.*}}, lowbit.name = "wq", lowbit.split_columns = array<i64: 1>} dense<{{\[\[}}1.000000e-01, 4.500000e-01, 1.500000e-01, 2.000000e-01], {{.*}}> : tensor<2x4xf32>
// CHECK: %[[XM:.*]] = linalg.generic {{.*}} ins(%arg0, %[[MASK]] : tensor<1x4xf32>, tensor<4xi1>)
// CHECK: arith.select
// CHECK: %[[YM:.*]] = linalg.generic {{.*}} ins(%[[XM]], %[[W0]] : tensor<1x4xf32>, tensor<2x4xf32>)
// CHECK: %[[WS:.*]] = arith.constant {lowbit.name = "wq.outlier_columns"} dense_resource<wq.outlier_columns> : tensor<2x1xf16>
// CHECK: %[[YS:.*]] = lowbit.column_matmul %arg0, %[[WS]] columns [1] : tensor<1x4xf32>, tensor<2x1xf16> -> tensor<1x2xf32>
// CHECK: %[[Y:.*]] = linalg.add ins(%[[YM]], %[[YS]] : tensor<1x2xf32>, tensor<1x2xf32>)
// CHECK: return %[[Y]]
// The zeroed importance and the side weight's values.
// CHECK: importance.split.wq: "0x040000000000803F000000000000803F0000803F"
// CHECK: wq.outlier_columns: "0x0200000033376626"
// Mode weights marks the weight for scale selection.
// MARK-LABEL: func @split_one_column
// MARK: arith.constant {{{.*}}lowbit.sparse_outliers = 2.500000e-01 : f64} dense<
// MARK-NOT: lowbit.column_matmul
// TOP-LABEL: func @split_one_column
// TOP: lowbit.column_matmul %arg0, %{{.*}} columns [1, 2] : tensor<1x4xf32>, tensor<2x2xf32> -> tensor<1x2xf32>
func.func @split_one_column(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {lowbit.name = "wq", lowbit.importance = dense<1.0> : tensor<4xf32>, lowbit.max_abs = dense<[0.5, 9.0, 0.7, 0.2]> : tensor<4xf32>} dense<[[0.1, 0.45, 0.15, 0.2], [0.175, 0.025, 0.2, 0.3]]> : tensor<2x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(t, n, k) -> (t, k)>, affine_map<(t, n, k) -> (n, k)>, affine_map<(t, n, k) -> (t, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<1x4xf32>, tensor<2x4xf32>) outs(%i : tensor<1x2xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// No channel above the threshold: nothing changes.
// CHECK-LABEL: func @nothing_to_split
// CHECK-NOT: lowbit.column_matmul
func.func @nothing_to_split(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {lowbit.name = "wk", lowbit.max_abs = dense<[0.5, 1.0, 0.7, 0.2]> : tensor<4xf32>} dense<0.5> : tensor<2x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  %0 = linalg.matmul indexing_maps = [affine_map<(t, n, k) -> (t, k)>, affine_map<(t, n, k) -> (n, k)>, affine_map<(t, n, k) -> (t, n)>] ins(%x, %w : tensor<1x4xf32>, tensor<2x4xf32>) outs(%i : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// A weight without calibrated magnitudes is an error naming it.
func.func @no_max_abs(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {lowbit.name = "wv"} dense<0.5> : tensor<2x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-error @+1 {{lowbit-split-outliers: 'wv' has no lowbit.max_abs}}
  %0 = linalg.matmul indexing_maps = [affine_map<(t, n, k) -> (t, k)>, affine_map<(t, n, k) -> (n, k)>, affine_map<(t, n, k) -> (t, n)>] ins(%x, %w : tensor<1x4xf32>, tensor<2x4xf32>) outs(%i : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// Magnitudes of the wrong length.
func.func @max_abs_length(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %w = arith.constant {lowbit.name = "wo", lowbit.max_abs = dense<[7.0, 1.0]> : tensor<2xf32>} dense<0.5> : tensor<2x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x2xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-error @+1 {{lowbit-split-outliers: the max_abs of 'wo' must be 4 f32 values}}
  %0 = linalg.matmul indexing_maps = [affine_map<(t, n, k) -> (t, k)>, affine_map<(t, n, k) -> (n, k)>, affine_map<(t, n, k) -> (t, n)>] ins(%x, %w : tensor<1x4xf32>, tensor<2x4xf32>) outs(%i : tensor<1x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}
