// Metadata that disagrees with the tensors, absurd hyper-parameters and
// non-finite weights are refused at import with one line naming the key or
// tensor, before any IR is built (these used to fail as "the built IR does
// not verify", build forward text for 2^31 layers until out of memory, or
// import and give NaN logits). Files are llama.cpp's stories260K GGUFs with
// one value patched in place.
// RUN: %python %S/Inputs/gguf_patch.py %data/models/stories260K-gguf/stories260K-f32.gguf %t.layers.gguf llama.block_count=2147483647
// RUN: not lowbit-import %t.layers.gguf -o %t.out 2>&1 | FileCheck %s --check-prefix=LAYERS
// LAYERS: error: {{.*}}layers.gguf: block_count is 2147483647, outside [1, 2^24]
// RUN: %python %S/Inputs/gguf_patch.py %data/models/stories260K-gguf/stories260K-f32.gguf %t.layers6.gguf llama.block_count=6
// RUN: not lowbit-import %t.layers6.gguf -o %t.out 2>&1 | FileCheck %s --check-prefix=LAYERS6
// LAYERS6: error: {{.*}}layers6.gguf: block_count is 6 but the layers' tensors stop at layer 5
// RUN: %python %S/Inputs/gguf_patch.py %data/models/stories260K-gguf/stories260K-f32.gguf %t.layers4.gguf llama.block_count=4
// RUN: not lowbit-import %t.layers4.gguf -o %t.out 2>&1 | FileCheck %s --check-prefix=LAYERS4
// LAYERS4: error: {{.*}}layers4.gguf: block_count is 4 but tensors of layer 4 are present
// RUN: %python %S/Inputs/gguf_patch.py %data/models/stories260K-gguf/stories260K-f32.gguf %t.width.gguf llama.embedding_length=2147483648
// RUN: not lowbit-import %t.width.gguf -o %t.out 2>&1 | FileCheck %s --check-prefix=WIDTH
// WIDTH: error: {{.*}}width.gguf: embedding_length is 2147483648, outside [1, 2^24]
// RUN: %python %S/Inputs/gguf_patch.py %data/models/stories260K-gguf/stories260K-f32.gguf %t.ffn.gguf llama.feed_forward_length=160
// RUN: not lowbit-import %t.ffn.gguf -o %t.out 2>&1 | FileCheck %s --check-prefix=FFN
// FFN: error: {{.*}}ffn.gguf: tensor 'blk.0.ffn_gate.weight' is 172 x 64, the hyper-parameters imply 160 x 64
// RUN: %python %S/Inputs/gguf_patch.py %data/models/stories260K-gguf/stories260K-f32.gguf %t.heads.gguf llama.attention.head_count=7
// RUN: not lowbit-import %t.heads.gguf -o %t.out 2>&1 | FileCheck %s --check-prefix=HEADS
// HEADS: error: {{.*}}heads.gguf: embedding_length 64 with 7 heads and 4 KV heads: heads must divide the width into even head sizes and KV heads must divide heads
// RUN: %python %S/Inputs/gguf_patch.py %data/models/stories260K-gguf/stories260K-f32.gguf %t.rot.gguf llama.rope.dimension_count=4
// RUN: not lowbit-import %t.rot.gguf -o %t.out 2>&1 | FileCheck %s --check-prefix=ROT
// ROT: error: {{.*}}rot.gguf: rope.dimension_count is 4, not the head size 8 (partial rotary embeddings are not supported)
// RUN: %python %S/Inputs/gguf_patch.py %data/models/stories260K-gguf/stories260K-f32.gguf %t.ctx.gguf llama.context_length=4294967295
// RUN: not lowbit-import %t.ctx.gguf -o %t.out 2>&1 | FileCheck %s --check-prefix=CTX
// CTX: error: {{.*}}ctx.gguf: a context of 4294967295 tokens is outside [1, 1048576]; pass --context
// RUN: %python %S/Inputs/gguf_patch.py %data/models/stories260K-gguf/stories260K-f32.gguf %t.eps.gguf llama.attention.layer_norm_rms_epsilon=0
// RUN: not lowbit-import %t.eps.gguf -o %t.out 2>&1 | FileCheck %s --check-prefix=EPS
// EPS: error: {{.*}}eps.gguf: attention.layer_norm_rms_epsilon is 0.000000; it must be in (0, 1]
// RUN: %python %S/Inputs/gguf_patch.py %data/models/stories260K-gguf/stories260K-f32.gguf %t.epsnan.gguf llama.attention.layer_norm_rms_epsilon=nan
// RUN: not lowbit-import %t.epsnan.gguf -o %t.out 2>&1 | FileCheck %s --check-prefix=EPSNAN
// EPSNAN: error: {{.*}}epsnan.gguf: attention.layer_norm_rms_epsilon is nan; it must be in (0, 1]
// RUN: %python %S/Inputs/gguf_patch.py %data/models/stories260K-gguf/stories260K-f32.gguf %t.bos.gguf tokenizer.ggml.bos_token_id=512
// RUN: not lowbit-import %t.bos.gguf -o %t.out 2>&1 | FileCheck %s --check-prefix=BOS
// BOS: error: {{.*}}bos.gguf: tokenizer.ggml.bos_token_id is 512, outside the vocabulary of 512 tokens
// RUN: %python %S/Inputs/gguf_patch.py %data/models/stories260K-gguf/stories260K-f32.gguf %t.unk.gguf tokenizer.ggml.unknown_token_id=70000
// RUN: not lowbit-import %t.unk.gguf -o %t.out 2>&1 | FileCheck %s --check-prefix=UNK
// UNK: error: {{.*}}unk.gguf: tokenizer.ggml.unknown_token_id is 70000, outside the vocabulary of 512 tokens

// Every float tensor is read (norms included), and packed ones decoded.
// RUN: %python %S/Inputs/gguf_patch.py %data/models/stories260K-gguf/stories260K-f32.gguf %t.norm.gguf blk.1.attn_norm.weight@5=nan
// RUN: not lowbit-import %t.norm.gguf -o %t.out 2>&1 | FileCheck %s --check-prefix=NORM
// NORM: error: {{.*}}norm.gguf: tensor 'blk.1.attn_norm.weight' holds NaN or infinity at element 5; lowbit refuses non-finite weights
// RUN: %python %S/Inputs/gguf_patch.py %data/models/stories260K-gguf/stories260K-f32.gguf %t.inf.gguf blk.0.ffn_up.weight@100=inf
// RUN: not lowbit-import %t.inf.gguf -o %t.out 2>&1 | FileCheck %s --check-prefix=INF
// INF: error: {{.*}}inf.gguf: tensor 'blk.0.ffn_up.weight' holds NaN or infinity at row 1, column 36; lowbit refuses non-finite weights
// The second q8_0 block of a row gets an infinite f16 scale.
// RUN: %python %S/Inputs/gguf_patch.py %data/models/stories260K-gguf/Q8_0-pure-w2f16.gguf %t.scale.gguf blk.0.attn_q.weight+34=007c
// RUN: not lowbit-import %t.scale.gguf -o %t.out 2>&1 | FileCheck %s --check-prefix=SCALE
// SCALE: error: {{.*}}scale.gguf: tensor 'blk.0.attn_q.weight' holds NaN or infinity at row 0, column 32 (decoded: a block scale is not finite); lowbit refuses non-finite weights

// config.json claiming 2^24 layers (inside the reader's own bound) is
// refused at the first missing layer, without building anything.
// RUN: rm -rf %t.hf && %python %S/Inputs/llama2c_to_hf.py %data/models/stories260K/stories260K.bin %t.hf
// RUN: sed -i 's/"num_hidden_layers": 5/"num_hidden_layers": 16777216/' %t.hf/config.json
// RUN: not lowbit-import %t.hf/model.safetensors --tokenizer %data/models/stories260K/tok512.bin -o %t.out 2>&1 | FileCheck %s --check-prefix=HFLAYERS
// HFLAYERS: error: {{.*}}model.safetensors: block_count is 16777216 but the layers' tensors stop at layer 5
// RUN: rm -rf %t.hf2 && %python %S/Inputs/llama2c_to_hf.py %data/models/stories260K/stories260K.bin %t.hf2
// RUN: sed -i 's/"rope_theta": 10000.0/"rope_theta": -1.0/' %t.hf2/config.json
// RUN: not lowbit-import %t.hf2/model.safetensors --tokenizer %data/models/stories260K/tok512.bin -o %t.out 2>&1 | FileCheck %s --check-prefix=ROPE
// ROPE: error: {{.*}}model.safetensors: rope.freq_base is -1.000000; it must be in (1, 1e12]
