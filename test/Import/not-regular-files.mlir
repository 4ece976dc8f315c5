// Every reader opens files the same way (openRegularFile: O_NONBLOCK,
// fstat, regular files only): a FIFO as model, tokenizer, config, imatrix
// or model IR is refused with one line instead of blocking forever.
// (Weights files and libraries: e2e/lowbit-compile-external-weights.mlir.)
// RUN: rm -rf %t.dir && mkdir -p %t.dir && mkfifo %t.dir/fifo %t.dir/fifo.gguf %t.dir/fifo.mlirbc
// RUN: not timeout 20 lowbit-import %t.dir/fifo -o %t.out 2>&1 | FileCheck %s
// RUN: not timeout 20 lowbit-import %t.dir/fifo.gguf -o %t.out 2>&1 | FileCheck %s
// RUN: not timeout 20 lowbit-import %data/models/stories260K/stories260K.bin --tokenizer %t.dir/fifo -o %t.out 2>&1 | FileCheck %s
// RUN: not timeout 20 lowbit-compile %t.dir/fifo.mlirbc -o %t.o 2>&1 | FileCheck %s
// RUN: not timeout 20 lowbit-export %t.dir/fifo -o %t.gguf 2>&1 | FileCheck %s
// RUN: not timeout 20 lowbit-run perplexity %t.dir/fifo %t.none 2>&1 | FileCheck %s
// RUN: rm -rf %t.hf && %python %S/Inputs/llama2c_to_hf.py %data/models/stories260K/stories260K.bin %t.hf
// RUN: not timeout 20 lowbit-import %t.hf/model.safetensors --config %t.dir/fifo -o %t.out 2>&1 | FileCheck %s
// RUN: lowbit-import %data/models/stories260K/stories260K.bin -o %t.mlirbc
// RUN: not timeout 20 lowbit-opt %t.mlirbc --lowbit-quantize="imatrix=%t.dir/fifo" -o %t.q 2>&1 | FileCheck %s
// CHECK: {{.*}}fifo{{(\.gguf|\.mlirbc)?}}: not a regular file

// GGUF tensors may not share bytes (the safetensors reader already
// refused overlap): blk.0.attn_q.weight's offset is pointed at
// blk.0.attn_k.weight's data.
// RUN: %python %S/Inputs/gguf_patch.py %data/models/stories260K-gguf/stories260K-f32.gguf %t.alias.gguf blk.0.attn_q.weight:=blk.0.attn_k.weight
// RUN: not lowbit-import %t.alias.gguf -o %t.out 2>&1 | FileCheck %s --check-prefix=ALIAS
// ALIAS: error: {{.*}}alias.gguf: tensors '{{blk.0.attn_[qk].weight}}' and '{{blk.0.attn_[qk].weight}}' overlap in the data section
