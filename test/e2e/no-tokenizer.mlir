// A checkpoint without a tokenizer beside it imports and compiles without
// one: the object says so (LOWBIT_MODEL_HAS_TOKENIZER 0), lowbit-run can
// still bench it (as model IR and as a shared library), and the commands
// that need text say why they cannot run.
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: cp %data/models/stories260K/stories260K.bin %t.dir/model.bin
// RUN: lowbit-import %t.dir/model.bin -o %t.dir/m.mlirbc
// RUN: lowbit-compile %t.dir/model.bin -o %t.dir/m.o --emit-header %t.dir/h.h
// RUN: FileCheck %s --check-prefix=HEADER < %t.dir/h.h
// HEADER: #define LOWBIT_MODEL_HAS_TOKENIZER 0
// RUN: %cc -shared %t.dir/m.o %runtime_link -o %t.dir/m.so
// RUN: lowbit-run bench %t.dir/m.so 8 -n 8 | FileCheck %s --check-prefix=BENCH
// RUN: lowbit-run bench %t.dir/m.mlirbc 8 -n 8 | FileCheck %s --check-prefix=BENCH
// BENCH: prompt 8 tokens: {{[0-9.]+}} tokens/s (batched, up to 512 per call); decode 8 tokens: {{[0-9.]+}} tokens/s (one per call)
// RUN: not lowbit-run generate %t.dir/m.mlirbc "Once" 2>&1 | FileCheck %s --check-prefix=NOTOK
// RUN: not lowbit-run perplexity %t.dir/m.so %t.none 2>&1 | FileCheck %s --check-prefix=NOTOK
// RUN: not lowbit-run kld %t.dir/m.so %t.none --reference %t.dir/m.so 2>&1 | FileCheck %s --check-prefix=NOTOK
// NOTOK: lowbit-run: error: {{.*}} carries no tokenizer: only bench can run it
