// The perplexity window defaults to min(512, context) and the stride to half
// of it, so models with short contexts (llama.cpp's stories260K GGUFs have
// 128) score without options; bad windows name the option.
// RUN: lowbit-import %data/models/stories260K-gguf/stories260K-f32.gguf -o %t.mlirbc
// RUN: head -c 3000 %data/models/tinystories-valid-head/tinystories_valid_head.txt > %t.txt
// RUN: lowbit-run perplexity %t.mlirbc %t.txt | FileCheck %s
// RUN: not lowbit-run perplexity %t.mlirbc %t.txt --window 512 2>&1 | FileCheck %s --check-prefix=WINDOW
// RUN: not lowbit-run perplexity %t.mlirbc %t.txt --window 64 --stride 65 2>&1 | FileCheck %s --check-prefix=STRIDE
// CHECK: stories {{[0-9]+}}, scored tokens {{[0-9]+}}, mean NLL {{[0-9.]+}} nats/token, perplexity {{[0-9.]+}}
// WINDOW: lowbit-run: error: --window must be in [2, the context 128], got 512
// STRIDE: lowbit-run: error: --stride must be in [1, the window 64], got 65
