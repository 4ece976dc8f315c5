// RUN: lowbit-opt %s --lowbit-assign-schemes="recipe=q4_k_m" | FileCheck %s
// Recipe names are not case-sensitive, as scheme names are not.
// RUN: lowbit-opt %s --lowbit-assign-schemes="recipe=Q4_K_M" | FileCheck %s
// RUN: lowbit-opt %s --lowbit-assign-schemes="default=q8_0 rules=attn_v=q6_k,ffn_down=keep,blk\.1\..*=b3:g32:asym:f16" | FileCheck %s --check-prefix=RULES
// RUN: lowbit-opt %s --lowbit-assign-schemes="recipe=q4_k_m report=-" -o /dev/null | FileCheck %s --check-prefix=REPORT
// RUN: lowbit-opt %s --lowbit-assign-schemes="bpw=4.0 report=-" -o /dev/null | FileCheck %s --check-prefix=BUDGET
// RUN: not lowbit-opt %s --lowbit-assign-schemes="recipe=q4_k_z" 2>&1 | FileCheck %s --check-prefix=BADRECIPE --implicit-check-not="see current operation"
// RUN: not lowbit-opt %s --lowbit-assign-schemes="recipe=q4_k_m bpw=4" 2>&1 | FileCheck %s --check-prefix=BOTH
// RUN: not lowbit-opt %s --lowbit-assign-schemes="rules=attn(=q4_k" 2>&1 | FileCheck %s --check-prefix=BADREGEX
// RUN: not lowbit-opt %s --lowbit-assign-schemes="bpw=1.0" 2>&1 | FileCheck %s --check-prefix=TOOSMALL --implicit-check-not="see current operation"
// RUN: not lowbit-opt %s --lowbit-assign-schemes="rules=ffn_down=sym" 2>&1 | FileCheck %s --check-prefix=NOBITS
// RUN: lowbit-opt %s --lowbit-assign-schemes="default=q8_0 rules=ffn_down=f16,attn_q=BF16,output=f32" | FileCheck %s --check-prefix=FLOAT
// RUN: lowbit-opt %s --lowbit-assign-schemes="default=q8_0 rules=ffn_down=f16 report=-" -o /dev/null | FileCheck %s --check-prefix=FLOATREPORT
// RUN: lowbit-opt %s --lowbit-assign-schemes="rules=ffn_dwn=keep,attn_v=q8_0 report=-" -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNMATCHED

// Two layers of a Llama model (n_layer = 2 from lowbit.model): with q4_k_m,
// use_more_bits(i, 2) holds for layer 1 only (i >= 7n/8), so its attn_v and
// ffn_down get q6_k; the output gets q6_k; the rest q4_k.
// CHECK-DAG: lowbit.name = "blk.0.attn_q.weight", lowbit.scheme = #lowbit.scheme<format = q4_k>
// CHECK-DAG: lowbit.name = "blk.0.attn_v.weight", lowbit.scheme = #lowbit.scheme<format = q4_k>
// CHECK-DAG: lowbit.name = "blk.0.ffn_down.weight", lowbit.scheme = #lowbit.scheme<format = q4_k>
// CHECK-DAG: lowbit.name = "blk.1.attn_v.weight", lowbit.scheme = #lowbit.scheme<format = q6_k>
// CHECK-DAG: lowbit.name = "blk.1.ffn_down.weight", lowbit.scheme = #lowbit.scheme<format = q6_k>
// CHECK-DAG: lowbit.name = "output.weight", lowbit.scheme = #lowbit.scheme<format = q6_k>

// RULES-DAG: lowbit.name = "blk.0.attn_q.weight", lowbit.scheme = #lowbit.scheme<format = q8_0>
// RULES-DAG: lowbit.name = "blk.0.attn_v.weight", lowbit.scheme = #lowbit.scheme<format = q6_k>
// RULES-DAG: {lowbit.keep, lowbit.name = "blk.1.ffn_down.weight"}
// RULES-DAG: lowbit.name = "blk.1.attn_q.weight", lowbit.scheme = #lowbit.scheme<bits = 3, offset = min>

// REPORT: tensor {{.*}} scheme     why                      llama.cpp would store
// REPORT: blk.0.attn_q.weight          64x64      q4_k       recipe q4_k_m            q5_0 (rows of 64 do not fill its blocks)
// REPORT: blk.1.ffn_down.weight        64x172     q6_k       recipe q4_k_m            f16 (rows of 172 do not fill its blocks)
// REPORT: output.weight                512x64     q6_k       recipe q4_k_m            q8_0 (rows of 64 do not fill its blocks)
// REPORT: quantized weights: 67072, bytes: {{[0-9]+}}, bits/weight: {{[0-9.]+}}

// Constant weights have no error in any candidate, so the budget keeps the
// smallest (the budget on real weights is tested in Pipelines/).
// BUDGET: blk.0.attn_q.weight          64x64      {{q[0-9]_k}}       budget
// BUDGET: quantized weights: 67072

// BADRECIPE: error: lowbit-assign-schemes: unknown recipe 'q4_k_z' (known: q2_k, q3_k_s
// BOTH: error: lowbit-assign-schemes: give a recipe or a budget (bpw/bytes), not both
// BADREGEX: error: lowbit-assign-schemes: rule 'attn(=q4_k': bad regex:
// TOOSMALL: error: lowbit-assign-schemes: the budget of 8384 bytes is below the smallest candidates'
// A scheme spelling without a bit width is an error, not 4 bits; f32, f16
// and bf16 mean float storage of that type (llama.cpp's --tensor-type
// x=f16), not 4 bits with f16 scales.
// NOBITS: error: lowbit-assign-schemes: rule scheme 'sym': 'sym' names no bit width: a parametric scheme needs bN (e.g. b4:g32:sym:f16); float weights are f32, f16, bf16 or keep (as the input)
// FLOAT-DAG: {lowbit.float_storage = f16, lowbit.keep, lowbit.name = "blk.1.ffn_down.weight"}
// FLOAT-DAG: {lowbit.float_storage = bf16, lowbit.keep, lowbit.name = "blk.0.attn_q.weight"}
// FLOAT-DAG: {lowbit.float_storage = f32, lowbit.keep, lowbit.name = "output.weight"}
// FLOAT-DAG: lowbit.name = "blk.0.attn_v.weight", lowbit.scheme = #lowbit.scheme<format = q8_0>
// FLOATREPORT: blk.1.ffn_down.weight        64x172     f16 (float) rule ffn_down
// A rule that matches no weight is a warning, in the report too.
// UNMATCHED: warning: lowbit-assign-schemes: rule 'ffn_dwn' matches no weight
// UNMATCHED: warning: rule 'ffn_dwn' matches no weight

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>
module attributes {lowbit.model = {block_count = 2 : i64, attention.head_count = 8 : i64, attention.head_count_kv = 4 : i64}} {
  func.func @linear_64(%x: tensor<1x64xf32>, %w: tensor<64x64xf32>) -> tensor<1x64xf32> {
    %z = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<1x64xf32>
    %i = linalg.fill ins(%z : f32) outs(%e : tensor<1x64xf32>) -> tensor<1x64xf32>
    %0 = linalg.matmul indexing_maps = [#x, #w, #y] ins(%x, %w : tensor<1x64xf32>, tensor<64x64xf32>) outs(%i : tensor<1x64xf32>) -> tensor<1x64xf32>
    return %0 : tensor<1x64xf32>
  }
  func.func @layers(%x: tensor<1x64xf32>, %h: tensor<1x172xf32>) -> (tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x32xf32>, tensor<1x64xf32>, tensor<1x32xf32>, tensor<1x64xf32>, tensor<1x512xf32>) {
    %z = arith.constant 0.0 : f32
    %q0 = arith.constant {lowbit.name = "blk.0.attn_q.weight"} dense<0.01> : tensor<64x64xf32>
    %v0 = arith.constant {lowbit.name = "blk.0.attn_v.weight"} dense<0.02> : tensor<32x64xf32>
    %d0 = arith.constant {lowbit.name = "blk.0.ffn_down.weight"} dense<0.03> : tensor<64x172xf32>
    %q1 = arith.constant {lowbit.name = "blk.1.attn_q.weight"} dense<0.04> : tensor<64x64xf32>
    %v1 = arith.constant {lowbit.name = "blk.1.attn_v.weight"} dense<0.05> : tensor<32x64xf32>
    %d1 = arith.constant {lowbit.name = "blk.1.ffn_down.weight"} dense<0.06> : tensor<64x172xf32>
    %o = arith.constant {lowbit.name = "output.weight"} dense<0.07> : tensor<512x64xf32>
    %e64 = tensor.empty() : tensor<1x64xf32>
    %i64 = linalg.fill ins(%z : f32) outs(%e64 : tensor<1x64xf32>) -> tensor<1x64xf32>
    %e32 = tensor.empty() : tensor<1x32xf32>
    %i32 = linalg.fill ins(%z : f32) outs(%e32 : tensor<1x32xf32>) -> tensor<1x32xf32>
    %e512 = tensor.empty() : tensor<1x512xf32>
    %i512 = linalg.fill ins(%z : f32) outs(%e512 : tensor<1x512xf32>) -> tensor<1x512xf32>
    %0 = linalg.matmul indexing_maps = [#x, #w, #y] ins(%x, %q0 : tensor<1x64xf32>, tensor<64x64xf32>) outs(%i64 : tensor<1x64xf32>) -> tensor<1x64xf32>
    %1 = linalg.matmul indexing_maps = [#x, #w, #y] ins(%x, %v0 : tensor<1x64xf32>, tensor<32x64xf32>) outs(%i32 : tensor<1x32xf32>) -> tensor<1x32xf32>
    %2 = linalg.matmul indexing_maps = [#x, #w, #y] ins(%h, %d0 : tensor<1x172xf32>, tensor<64x172xf32>) outs(%i64 : tensor<1x64xf32>) -> tensor<1x64xf32>
    %3 = linalg.matmul indexing_maps = [#x, #w, #y] ins(%x, %q1 : tensor<1x64xf32>, tensor<64x64xf32>) outs(%i64 : tensor<1x64xf32>) -> tensor<1x64xf32>
    %4 = linalg.matmul indexing_maps = [#x, #w, #y] ins(%x, %v1 : tensor<1x64xf32>, tensor<32x64xf32>) outs(%i32 : tensor<1x32xf32>) -> tensor<1x32xf32>
    %5 = linalg.matmul indexing_maps = [#x, #w, #y] ins(%h, %d1 : tensor<1x172xf32>, tensor<64x172xf32>) outs(%i64 : tensor<1x64xf32>) -> tensor<1x64xf32>
    %6 = linalg.matmul indexing_maps = [#x, #w, #y] ins(%x, %o : tensor<1x64xf32>, tensor<512x64xf32>) outs(%i512 : tensor<1x512xf32>) -> tensor<1x512xf32>
    return %0, %3, %1, %2, %4, %5, %6 : tensor<1x64xf32>, tensor<1x64xf32>, tensor<1x32xf32>, tensor<1x64xf32>, tensor<1x32xf32>, tensor<1x64xf32>, tensor<1x512xf32>
  }
}
