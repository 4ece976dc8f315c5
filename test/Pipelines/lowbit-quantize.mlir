// The pipeline on the bundled real model (llama2.c -> model IR).
// RUN: lowbit-import %data/models/stories260K/stories260K.bin -o %t.mlirbc
// RUN: lowbit-opt %t.mlirbc --lowbit-quantize="recipe=q4_k_m report=-" -emit-bytecode -o %t.q.mlirbc | FileCheck %s --check-prefix=RECIPE
// RUN: lowbit-opt %t.q.mlirbc | FileCheck %s --check-prefix=IR
// A bits/weight budget is met from below within 1 %.
// RUN: lowbit-opt %t.mlirbc --lowbit-quantize="bpw=4.5 report=-" -o /dev/null | FileCheck %s --check-prefix=BPW45
// RUN: lowbit-opt %t.mlirbc --lowbit-quantize="bpw=3.2 assign-report=-" -o /dev/null | FileCheck %s --check-prefix=BPW32
// A budget pays for sparse outliers' CSR bytes: the quantized weights stay
// within 5.5 bits/weight with 0.5 % of them kept exactly.
// RUN: lowbit-opt %t.mlirbc --lowbit-quantize="bpw=5.5 outliers=weights outlier-weights=0.005 report=-" -o /dev/null | FileCheck %s --check-prefix=SPARSEBPW
// SPARSEBPW: model: 259328 quantized weights in 178164 bytes (5.4962 bits/weight)
// RUN: not lowbit-opt %t.mlirbc --lowbit-quantize="outliers=rows" -o /dev/null 2>&1 | FileCheck %s --check-prefix=OUTLIERS
// OUTLIERS: error: lowbit-quantize: outliers='rows' (expected columns, weights or columns+weights)
// RUN: not lowbit-opt %t.mlirbc --lowbit-quantize="outliers=columns+weights" -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOCAL
// NOCAL: error: lowbit-quantize: outliers=columns needs calibration= (the activation magnitudes it splits by)
// JSON report.
// RUN: lowbit-opt %t.mlirbc --lowbit-quantize="default=q8_0 rules=token_embd=keep report=%t.json" -o /dev/null
// RUN: FileCheck %s --check-prefix=JSON < %t.json
// llama.cpp's own Q4_K_M file: its tensors stay as they are, named in a
// warning and in both reports; the f16 ffn_down (which llama.cpp could not
// quantize) is quantized here. requantize=true requantizes all 37.
// RUN: lowbit-import %data/models/stories260K-gguf/Q4_K_M-default.gguf -o %t.g.mlirbc
// RUN: lowbit-opt %t.g.mlirbc --lowbit-quantize="recipe=q4_k_m report=-" -o /dev/null | FileCheck %s --check-prefix=GGUF
// RUN: lowbit-opt %t.g.mlirbc --lowbit-quantize="default=q2_k report=- assign-report=-" -o /dev/null 2>&1 | FileCheck %s --check-prefix=KEPT
// RUN: lowbit-opt %t.g.mlirbc --lowbit-quantize="default=q2_k requantize=true report=-" -o /dev/null 2>&1 | FileCheck %s --check-prefix=REQUANT --implicit-check-not=warning

// RECIPE: blk.2.attn_v.weight       32x64     q6_k
// RECIPE: blk.0.ffn_down.weight     64x172    q4_k         5.1163
// RECIPE: total                     259328 w  175424 B     5.4116
// RECIPE: model: 259328 quantized weights in 175424 bytes (5.4116 bits/weight), 704 float weights in 2816 bytes; whole model 5.4836 bits/weight

// IR-LABEL: func.func @blk_2_attn_v_weight
// IR: %[[W:.*]] = arith.constant {lowbit.name = "blk.2.attn_v.weight", lowbit.scheme = #lowbit.scheme<format = q6_k>} dense_resource<lowbit.blk.2.attn_v.weight> : tensor<32x54xi8>
// IR: lowbit.matmul %arg0, %[[W]] scheme(#lowbit.scheme<format = q6_k>)

// BPW45: model: 259328 quantized weights in {{14[45][0-9][0-9][0-9]}} bytes (4.4{{[5-9][0-9]*}} bits/weight)
// BPW32: quantized weights: 259328, bytes: {{10[34][0-9][0-9][0-9]}}, bits/weight: 3.{{1[7-9]|20}}

// JSON: "name": "blk.0.attn_q.weight",
// JSON: "scheme": "q8_0",
// JSON: "bits_per_weight": 8.5
// JSON: "summary": {
// JSON: "float_weights": 33472,
// JSON: "model_bits_per_weight":

// GGUF: blk.0.ffn_down.weight  64x172   q4_k
// GGUF: model: 292096 quantized weights

// KEPT: blk.0.ffn_down.weight  64x172  q2_k  default
// KEPT: output.weight  512x64  q8_0  arrived quantized, kept
// KEPT: blk.4.ffn_up.weight  172x64  q5_0  arrived quantized, kept
// KEPT: warning: lowbit-select-block-scales: 32 weights (q5_0: 29, q8_0: 3) arrived quantized and are kept as they are; lowbit-quantize{requantize=true} (or lowbit-decode-weights first) requantizes them
// KEPT: output.weight  512x64  q8_0  8.5000  arrived quantized, kept as it is
// KEPT: blk.0.ffn_down.weight  64x172  q2_k  2.7907
// KEPT: model: 292096 quantized weights in 196000 bytes

// REQUANT: output.weight  512x64  q2_k  3.0000
// REQUANT: blk.0.attn_q.weight  64x64  q2_k  3.0000
// REQUANT: model: 292096 quantized weights in 108096 bytes

// llama.cpp's imatrix weights the error of each input column: the
// importance-weighted quantization differs, and bad files are refused.
// RUN: lowbit-opt %t.mlirbc --lowbit-quantize="default=q3_k imatrix=%data/models/stories260K-gguf/imatrix-stories1-23.gguf report=-" -o /dev/null | FileCheck %s --check-prefix=IMATRIX
// IMATRIX: blk.0.attn_q.weight       64x64     q3_k
// RUN: not lowbit-opt %t.mlirbc --lowbit-quantize="imatrix=%data/models/stories260K-gguf/stories260K-f32.gguf" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADIMATRIX
// BADIMATRIX: error: lowbit-attach-importance: {{.*}}stories260K-f32.gguf: not an imatrix GGUF (general.type is not 'imatrix')

// An f16 checkpoint's tied table follows the quantized classifier too, as
// in llama.cpp: the lookup decodes a packed row instead of widening f16.
// RUN: rm -rf %t.hf16 && %python %S/../Import/Inputs/llama2c_to_hf.py %data/models/stories260K/stories260K.bin %t.hf16 f16
// RUN: lowbit-import %t.hf16/model.safetensors --tokenizer %data/models/stories260K/tok512.bin -o %t.f16.mlirbc
// RUN: lowbit-opt %t.f16.mlirbc --lowbit-quantize="recipe=q4_k_m" 2>&1 | FileCheck %s --check-prefix=F16TABLE
// F16TABLE-NOT: remark
// F16TABLE-LABEL: func.func private @lowbit_embedding
// F16TABLE: %[[T:.*]] = arith.constant {lowbit.lookup = "token_embd.weight"} dense_resource<{{.*}}> : tensor<512x54xi8>
// F16TABLE: %[[D:.*]] = lowbit.dequantize %[[T]] scheme(#lowbit.scheme<format = q6_k>) : tensor<512x54xi8> -> tensor<512x64xf32>
// F16TABLE-NEXT: %[[R:.*]] = tensor.extract_slice %[[D]]
// F16TABLE-NEXT: return %[[R]] : tensor<1x64xf32>

// The tied embedding lookup reads the quantized classifier table.
// IR-LABEL: func.func private @lowbit_embedding
// IR: %[[T:.*]] = arith.constant {lowbit.lookup = "token_embd.weight"} dense_resource<lowbit.token_embd.weight> : tensor<512x54xi8>
// IR: lowbit.dequantize %[[T]] scheme(#lowbit.scheme<format = q6_k>) : tensor<512x54xi8> -> tensor<512x64xf32>

// llama.cpp's --tensor-type ffn_down=f16 habit: float storage as f16 (not
// 4 bits with f16 scales); runs JIT and compiled, to the same perplexity.
// RUN: lowbit-opt %t.mlirbc --lowbit-quantize="recipe=q4_k_m rules=ffn_down=f16 report=-" -emit-bytecode -o %t.f16rule.mlirbc | FileCheck %s --check-prefix=F16RULE
// F16RULE: blk.0.ffn_down.weight     64x172    f16 (float)    16.0000   2.5
// RUN: lowbit-run perplexity %t.f16rule.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt | FileCheck %s --check-prefix=F16PPL
// RUN: lowbit-compile %t.f16rule.mlirbc -o %t.f16rule.o
// RUN: %cc -shared %t.f16rule.o %runtime_link -o %t.f16rule.so
// RUN: lowbit-run perplexity %t.f16rule.so %data/models/tinystories-valid-head/tinystories_valid_head.txt | FileCheck %s --check-prefix=F16PPL
// F16PPL: perplexity 3.5208
