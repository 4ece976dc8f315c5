// GGUF files written by llama.cpp go through lowbit's IR and come back
// byte-identical (metadata, tokenizer, tensor order, alignment, bytes).
// RUN: lowbit-import %data/models/stories260K-gguf/Q4_K_M-default.gguf -o %t.q4km.mlirbc
// RUN: lowbit-export %t.q4km.mlirbc -o %t.q4km.gguf | FileCheck %s --check-prefix=Q4KM
// RUN: cmp %data/models/stories260K-gguf/Q4_K_M-default.gguf %t.q4km.gguf
// RUN: lowbit-import %data/models/stories260K-gguf/IQ4_NL-pure-w2f16.gguf -o %t.iq4.mlirbc
// RUN: lowbit-export %t.iq4.mlirbc -o %t.iq4.gguf
// RUN: cmp %data/models/stories260K-gguf/IQ4_NL-pure-w2f16.gguf %t.iq4.gguf
// Q4KM: lowbit-export: wrote 48 tensors (32 quantized) to

// Quantized by lowbit, exported, re-imported and exported again: identical.
// RUN: lowbit-import %data/models/stories260K-gguf/stories260K-f32.gguf -o %t.f32.mlirbc
// RUN: lowbit-opt %t.f32.mlirbc --lowbit-quantize="default=q8_0 rules=ffn_down=keep" -emit-bytecode -o %t.q8.mlirbc
// RUN: lowbit-export %t.q8.mlirbc -o %t.q8.gguf
// RUN: lowbit-import %t.q8.gguf -o %t.q8again.mlirbc
// RUN: lowbit-export %t.q8again.mlirbc -o %t.q8again.gguf
// RUN: cmp %t.q8.gguf %t.q8again.gguf
// RUN: lowbit-opt %t.q8again.mlirbc | FileCheck %s --check-prefix=REIMPORT
// REIMPORT: lowbit.matmul %arg0, %{{.*}} scheme(#lowbit.scheme<format = q8_0>) : tensor<?x64xf32>, tensor<32x68xi8>

// A llama2.c checkpoint gets llama.cpp's metadata and its tokenizer.
// RUN: lowbit-import %data/models/stories260K/stories260K.bin -o %t.l2c.mlirbc
// RUN: lowbit-opt %t.l2c.mlirbc --lowbit-quantize="default=q8_0 rules=ffn_down=keep" -o %t.l2c.q8.mlirbc
// RUN: lowbit-export %t.l2c.q8.mlirbc -o %t.l2c.gguf
// RUN: lowbit-import %t.l2c.gguf --emit-text | FileCheck %s --check-prefix=L2C
// L2C: ["tokenizer.ggml.tokens", {elem = "str", items = ["<unk>", "<s>", "</s>", "<0x00>"
// L2C-SAME: ["general.architecture", "llama"]
// L2C-SAME: ["llama.context_length", 512 : ui32]
// L2C-SAME: ["llama.rope.dimension_count", 8 : ui32]
// L2C-SAME: ["general.quantization_version", 2 : ui32]

// Tensors GGUF cannot hold are refused, or stored decoded on request.
// RUN: lowbit-opt %t.f32.mlirbc --lowbit-quantize="recipe=q4_k_m" -o %t.q4k.mlirbc
// RUN: not lowbit-export %t.q4k.mlirbc -o %t.bad.gguf 2>&1 | FileCheck %s --check-prefix=REFUSE
// REFUSE: lowbit-export: error: tensor 'token_embd.weight': rows of 64 leave a partial 256-weight block, which GGUF cannot store (pass --unsupported=f16 or f32 to store decoded values)
// RUN: lowbit-opt %t.f32.mlirbc --lowbit-quantize="default=b3:g32:asym:f16" -o %t.param.mlirbc
// RUN: lowbit-export %t.param.mlirbc -o %t.param.gguf --unsupported=f16 | FileCheck %s --check-prefix=CONVERT
// CONVERT: lowbit-export: token_embd.weight: scheme b3:g32:asym:f16 has no GGUF type; stored its decoded values as f16
// CONVERT: lowbit-export: wrote 48 tensors (0 quantized, 37 stored decoded as f16)
// RUN: not lowbit-export %t.param.mlirbc -o %t.x.gguf --unsupported=q9 2>&1 | FileCheck %s --check-prefix=BADOPT
// BADOPT: lowbit-export: error: --unsupported must be error, f16 or f32
