// llama2.c checkpoint: GGUF tensor names, float weights as contractions.
// RUN: lowbit-import %data/models/stories260K/stories260K.bin --emit-text | FileCheck %s --check-prefix=L2C
// L2C: lowbit.model = {attention.head_count = 8 : i64, attention.head_count_kv = 4 : i64, block_count = 5 : i64, context_length = 512 : i64, embedding_length = 64 : i64, feed_forward_length = 172 : i64, source_format = "llama2.c", vocab_size = 512 : i64}}
// L2C-LABEL: func.func @token_embd_weight(%arg0: tensor<?x64xf32>) -> tensor<?x512xf32>
// L2C: arith.constant {lowbit.name = "token_embd.weight"} dense_resource<token_embd.weight> : tensor<512x64xf32>
// L2C-LABEL: func.func @blk_0_ffn_down_weight(%arg0: tensor<?x172xf32>) -> tensor<?x64xf32>
// L2C: linalg.generic

// llama.cpp's Q4_K_M file: pre-quantized tensors are kept as they are.
// RUN: lowbit-import %data/models/stories260K-gguf/Q4_K_M-default.gguf --emit-text | FileCheck %s --check-prefix=GGUF
// GGUF: source_format = "gguf"
// GGUF-LABEL: func.func @blk_0_attn_q_weight
// GGUF: %[[W:.*]] = arith.constant {lowbit.name = "blk.0.attn_q.weight"} dense_resource<blk.0.attn_q.weight> : tensor<64x44xi8>
// GGUF: lowbit.matmul %arg0, %[[W]] scheme(#lowbit.scheme<format = q5_0>)
// GGUF-LABEL: func.func @blk_0_ffn_down_weight
// GGUF: tensor<64x172xf16>
// GGUF: arith.extf

// Bytecode output round-trips through lowbit-opt.
// RUN: lowbit-import %data/models/stories260K-gguf/Q8_0-pure-w2f16.gguf -o %t.mlirbc
// RUN: lowbit-opt %t.mlirbc | FileCheck %s --check-prefix=BC
// BC: lowbit.matmul {{.*}} scheme(#lowbit.scheme<format = q8_0>)

// The format is told by content, the same in every tool: a GGUF file
// under another name imports as GGUF, in lowbit-import and lowbit-compile.
// RUN: cp %data/models/stories260K-gguf/Q8_0-pure-w2f16.gguf %t.model
// RUN: lowbit-import %t.model --emit-text | FileCheck %s --check-prefix=BYCONTENT
// RUN: lowbit-compile %t.model -o %t.model.o --reference-kernels
// BYCONTENT: source_format = "gguf"
// A name that says one format over content of another is one clear line.
// RUN: cp %data/models/stories260K/stories260K.bin %t.lying.gguf
// RUN: not lowbit-import %t.lying.gguf 2>&1 | FileCheck %s --check-prefix=LYING
// RUN: not lowbit-compile %t.lying.gguf -o %t.lying.o 2>&1 | FileCheck %s --check-prefix=LYING
// LYING: error: {{.*}}lying.gguf: named .gguf but its content is not GGUF (no GGUF magic)

// Contexts outside [1, 2^20] are refused (the KV cache is allocated whole),
// in every tool that imports.
// RUN: not lowbit-import %data/models/stories260K/stories260K.bin --context=-5 -o %t.ctx 2>&1 | FileCheck %s --check-prefix=CONTEXT
// RUN: not lowbit-compile %data/models/stories260K/stories260K.bin --context=2000000 -o %t.ctx.o 2>&1 | FileCheck %s --check-prefix=CONTEXT
// CONTEXT: error: --context must be in [1, 1048576] (0: the model's), got

// Bad files: one message, non-zero exit.
// RUN: head -c 1000 %data/models/stories260K-gguf/stories260K-f32.gguf > %t.cut.gguf
// RUN: not lowbit-import %t.cut.gguf 2>&1 | FileCheck %s --check-prefix=CUT
// CUT: lowbit-import: error: {{.*}}cut.gguf: tensor count 48 cannot fit in the file
// RUN: head -c 8000 %data/models/stories260K-gguf/stories260K-f32.gguf > %t.cut2.gguf
// RUN: not lowbit-import %t.cut2.gguf 2>&1 | FileCheck %s --check-prefix=CUT2
// CUT2: lowbit-import: error: {{.*}}cut2.gguf: metadata 'tokenizer.ggml.scores': array of 512 elements cannot fit in the 1485 bytes left (at byte 6515)
// RUN: head -c 200000 %data/models/stories260K-gguf/stories260K-f32.gguf > %t.cut3.gguf
// RUN: not lowbit-import %t.cut3.gguf 2>&1 | FileCheck %s --check-prefix=CUT3
// CUT3: lowbit-import: error: {{.*}}cut3.gguf: tensor 'output.weight' needs bytes [131328, 262400) of a data section of 185824 (truncated or lying file)
// RUN: head -c 5000 %data/models/stories260K/stories260K.bin > %t.cut.bin
// RUN: not lowbit-import %t.cut.bin 2>&1 | FileCheck %s --check-prefix=CUTBIN
// CUTBIN: lowbit-import: error: {{.*}}cut.bin: truncated llama2.c file: tensor token_embd.weight needs bytes [28, 131100) but the file has 5000
// RUN: not lowbit-import %t.missing 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: lowbit-import: error: {{.*}}missing: cannot open: No such file or directory

// A Hugging Face checkpoint (safetensors + config.json), written from the
// llama2.c file by an independent script: GGUF names, q/k rows permuted.
// RUN: rm -rf %t.hf && %python %S/Inputs/llama2c_to_hf.py %data/models/stories260K/stories260K.bin %t.hf
// RUN: lowbit-import %t.hf/model.safetensors --tokenizer %data/models/stories260K/tok512.bin --emit-text | FileCheck %s --check-prefix=HF
// HF: source_format = "safetensors"
// HF-LABEL: func.func @blk_0_attn_q_weight
// HF: lowbit.name = "blk.0.attn_q.weight"
// RUN: not lowbit-import %t.hf/model.safetensors --config %t.missing.json 2>&1 | FileCheck %s --check-prefix=NOCONFIG
// NOCONFIG: lowbit-import: error: {{.*}}missing.json: cannot open
// RUN: head -c 20000 %t.hf/model.safetensors > %t.cut.safetensors
// RUN: not lowbit-import %t.cut.safetensors --config %t.hf/config.json 2>&1 | FileCheck %s --check-prefix=CUTST
// CUTST: lowbit-import: error: {{.*}}cut.safetensors: tensor {{.*}} data_offsets lie outside the {{[0-9]+}}-byte data section
// RUN: head -c 2000 %t.hf/model.safetensors > %t.cut2.safetensors
// RUN: not lowbit-import %t.cut2.safetensors --config %t.hf/config.json 2>&1 | FileCheck %s --check-prefix=CUTHEADER
// CUTHEADER: lowbit-import: error: {{.*}}cut2.safetensors: safetensors header claims {{[0-9]+}} bytes but the file has 1992 after it
