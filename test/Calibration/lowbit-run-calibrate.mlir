// lowbit-run calibrate: the float model, instrumented, run over stories
// 1-23 by llama-imatrix's protocol (stories joined by a blank line, one
// tokenization with BOS, chunks of 512 tokens, partial chunk dropped).
// RUN: lowbit-import %data/models/stories260K-gguf/stories260K-f32.gguf --context=512 -o %t.mlirbc
// RUN: lowbit-run calibrate %t.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt --stories=1-23 -o %t.gguf | FileCheck %s
// CHECK: calibrate: 14 chunks of 512 tokens, 36 weights' inputs recorded, wrote {{.*}}.gguf
//
// Against llama.cpp's own imatrix of the same stories (bundled, see its
// SOURCE note): same chunk count and size, identical token counts, and
// in_sum2 of inputs that do not pass through attention (layer 0's
// q/k/v: the normalized embeddings) within 1e-4 relative. Inputs after
// attention differ by up to 1.2e-3 in a few channels (medians 1e-5 to
// 1e-4), so they are held to 2e-3. The cause is llama.cpp's attention
// arithmetic, most of it the f16 accumulation of softmax x V in ggml's CPU
// flash attention: rounding K, V, Q and the softmax weights to f16 alone
// moved the worst case from 1.17e-3 to 1.18e-3, while also rounding the
// P.V accumulator to f16 after every add brought layer 0's attention
// output from 1.18e-3 to 1.3e-4 and the worst case to 7.0e-4 (tried on
// AMD Zen 4, not kept: lowbit's attention stays in f32).
// RUN: %python %S/Inputs/compare_imatrix.py %data/models/stories260K-gguf/imatrix-stories1-23.gguf %t.gguf 2e-3 'blk\.0\.attn_[qkv]\.weight=1e-4' '\.counts=0' | FileCheck %s --check-prefix=SAME
// SAME: tensors 70 OK
//
// The file is llama.cpp's layout (general.type imatrix, in_sum2/counts per
// weight) plus lowbit's statistics; lowbit attaches it like llama.cpp's.
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); import compare_imatrix as c; m, t = c.tensors('%t.gguf'); print(m['imatrix.chunk_size'], len(t)); print('\n'.join(sorted(n for n in t if n.startswith('blk.0.attn_q'))))" | FileCheck %s --check-prefix=LAYOUT
// LAYOUT: 512 144
// LAYOUT-NEXT: blk.0.attn_q.weight.counts
// LAYOUT-NEXT: blk.0.attn_q.weight.in_sum2
// LAYOUT-NEXT: blk.0.attn_q.weight.lowbit.max_abs
// LAYOUT-NEXT: blk.0.attn_q.weight.lowbit.sum_abs
// RUN: lowbit-opt %t.mlirbc --lowbit-quantize="default=q3_k calibration=%t.gguf report=-" -o /dev/null | FileCheck %s --check-prefix=QUANT
// QUANT: model: 292096 quantized weights
//
// Calibration in layer ranges (for models too big to calibrate at once).
// RUN: lowbit-run calibrate %t.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt --stories=1-3 --layers=1-2 --chunk=128 -o %t.part.gguf | FileCheck %s --check-prefix=LAYERS
// LAYERS: calibrate: {{[0-9]+}} chunks of 128 tokens, 14 weights' inputs recorded
//
// Errors.
// RUN: not lowbit-run calibrate %t.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt 2>&1 | FileCheck %s --check-prefix=NOOUT
// NOOUT: error: calibrate needs -o <statistics file>
// RUN: not lowbit-run calibrate %t.so %data/models/tinystories-valid-head/tinystories_valid_head.txt -o %t.x 2>&1 | FileCheck %s --check-prefix=SO
// SO: error: calibrate runs model IR (it instruments it), not a compiled library
// RUN: not lowbit-run calibrate %t.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt --stories=40-60 -o %t.x 2>&1 | FileCheck %s --check-prefix=STORIES
// STORIES: error: --stories 40-60 is outside the text's 1-46
// RUN: not lowbit-run calibrate %t.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt --layers=9-12 -o %t.x 2>&1 | FileCheck %s --check-prefix=NOLAYERS
// NOLAYERS: error: lowbit-instrument-activations: no named weight's contraction to record in layers 9-12
// RUN: not lowbit-run calibrate %t.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt --stories=1-1 -o %t.x 2>&1 | FileCheck %s --check-prefix=SHORT
// SHORT: error: the text has {{[0-9]+}} tokens, fewer than one chunk of 512
//
// --stories selects for perplexity too (evaluation on the other half).
// RUN: lowbit-run perplexity %t.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt --stories=24-46 | FileCheck %s --check-prefix=HALF
// HALF: stories 23, scored tokens
//
// Inputs shared by q/k/v (and gate/up) are recorded once; --gram adds each
// input's XᵀX once (under the first weight), whose diagonal is in_sum2.
// RUN: lowbit-opt %t.mlirbc --lowbit-instrument-activations | FileCheck %s --check-prefix=SHARED
// SHARED: ["blk.0.attn_q.weight", "blk.0.attn_k.weight", "blk.0.attn_v.weight"]
// SHARED-SAME: ["blk.0.ffn_gate.weight", "blk.0.ffn_up.weight"]
// RUN: lowbit-run calibrate %t.mlirbc %data/models/tinystories-valid-head/tinystories_valid_head.txt --stories=1-3 --chunk=128 --gram -o %t.gram.gguf
// RUN: %python -c "import sys; sys.path.insert(0, '%S/Inputs'); import compare_imatrix as c; m, t = c.tensors('%t.gram.gguf'); g = t['blk.2.ffn_down.weight.lowbit.gram']; s = t['blk.2.ffn_down.weight.in_sum2']; k = len(s); d = [g[i * k - i * (i - 1) // 2] for i in range(k)]; print(len(g) == k * (k + 1) // 2, max(abs(a - b) / max(s) for a, b in zip(d, s)) < 1e-6, 'blk.0.attn_k.weight.lowbit.gram' in t, len(m))" | FileCheck %s --check-prefix=GRAM
// GRAM: True True False
// Attached, each weight of an input gets the same Gram blob (mapping the
// file), beside its importance and its inputs' max |x| (for outlier
// splitting).
// RUN: lowbit-opt %t.mlirbc --lowbit-attach-importance="file=%t.gram.gguf" | FileCheck %s --check-prefix=GRAMIR
// GRAMIR: {lowbit.gram = dense_resource<gram.blk.0.attn_q.weight> : tensor<2080xf32>, lowbit.importance = dense_resource<importance.blk.0.attn_q.weight> : tensor<64xf32>, lowbit.max_abs = dense_resource<max_abs.blk.0.attn_q.weight> : tensor<64xf32>, lowbit.name = "blk.0.attn_q.weight"}
// GRAMIR: {lowbit.gram = dense_resource<gram.blk.0.attn_q.weight> : tensor<2080xf32>, lowbit.importance = dense_resource<importance.blk.0.attn_k.weight> : tensor<64xf32>, lowbit.max_abs = dense_resource<max_abs.blk.0.attn_k.weight> : tensor<64xf32>, lowbit.name = "blk.0.attn_k.weight"}
// GRAMIR: {lowbit.gram = dense_resource<gram.blk.0.ffn_down.weight> : tensor<14878xf32>
