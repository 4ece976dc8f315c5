// Above --weights-threshold, packed weights leave the object for a weights
// file that the program maps at start-up; the object keeps the offsets,
// size and checksum. Same tokens and perplexity as with weights inside,
// byte-identical outputs, and a wrong file is refused.
// RUN: rm -rf %t.dir && mkdir -p %t.dir/in %t.dir/ext
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --quantize="recipe=q4_k_m" -o %t.dir/in/m.o --emit-header %t.dir/in/lowbit_model.h
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --quantize="recipe=q4_k_m" -o %t.dir/ext/m.o --emit-header %t.dir/ext/lowbit_model.h --weights-threshold=1
// RUN: FileCheck %s --check-prefix=HEADER < %t.dir/ext/lowbit_model.h
// HEADER: #define LOWBIT_MODEL_EXTERNAL_WEIGHTS 1
// HEADER: #define LOWBIT_MODEL_WEIGHTS_FILE "m.weights"
// RUN: FileCheck %s --check-prefix=INHEADER < %t.dir/in/lowbit_model.h
// INHEADER: #define LOWBIT_MODEL_EXTERNAL_WEIGHTS 0
// RUN: not ls %t.dir/in/m.weights
// RUN: llvm-nm %t.dir/ext/m.o | FileCheck %s --check-prefix=SYMS
// SYMS-DAG: R lowbit_model_weights_checksum
// SYMS-DAG: R lowbit_model_weight_offsets
// SYMS-DAG: B lowbit_model_weight_slots
// RUN: %python -c "import os, sys; a, b, w = (os.path.getsize(p) for p in sys.argv[1:]); sys.exit(0 if b + w > a > b + w // 2 and w > 150000 else 1)" %t.dir/in/m.o %t.dir/ext/m.o %t.dir/ext/m.weights

// The same input gives byte-identical object and weights.
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --quantize="recipe=q4_k_m" -o %t.dir/again.o --weights-file=%t.dir/again.weights --weights-threshold=1
// RUN: cmp %t.dir/ext/m.weights %t.dir/again.weights

// The C example maps the file and generates what the in-object build does.
// RUN: %cc -O2 -Wall -Werror -I%t.dir/in %S/../../examples/generate.c %t.dir/in/m.o %runtime_link -o %t.dir/in/gen
// RUN: %cc -O2 -Wall -Werror -I%t.dir/ext %S/../../examples/generate.c %t.dir/ext/m.o %runtime_link -o %t.dir/ext/gen
// RUN: %t.dir/in/gen 60 > %t.dir/in.txt
// RUN: env LOWBIT_WEIGHTS=%t.dir/ext/m.weights %t.dir/ext/gen 60 > %t.dir/ext.txt
// RUN: cmp %t.dir/in.txt %t.dir/ext.txt
// RUN: FileCheck %s --check-prefix=GEN < %t.dir/ext.txt
// GEN: Once upon a time

// A damaged, truncated or missing file is refused.
// RUN: %python -c "import sys; b = bytearray(open(sys.argv[1], 'rb').read()); b[1000] ^= 1; open(sys.argv[2], 'wb').write(b)" %t.dir/ext/m.weights %t.dir/bad.weights
// RUN: %python -c "import sys; open(sys.argv[2], 'wb').write(open(sys.argv[1], 'rb').read()[:1000])" %t.dir/ext/m.weights %t.dir/short.weights
// RUN: env LOWBIT_WEIGHTS=%t.dir/bad.weights not %t.dir/ext/gen 5 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: bad.weights: the weights file's checksum differs: not the weights this model was compiled with
// RUN: env LOWBIT_WEIGHTS=%t.dir/short.weights not %t.dir/ext/gen 5 2>&1 | FileCheck %s --check-prefix=SHORT
// SHORT: short.weights: the weights file's size differs from the compiled model's
// RUN: env LOWBIT_WEIGHTS=%t.dir/none.weights not %t.dir/ext/gen 5 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: none.weights: cannot open the weights file

// lowbit-run on a shared library finds the file beside it (or --weights).
// RUN: %cc -shared %t.dir/in/m.o %runtime_link -o %t.dir/in/m.so
// RUN: %cc -shared %t.dir/ext/m.o %runtime_link -o %t.dir/ext/m.so
// RUN: lowbit-run perplexity %t.dir/in/m.so %data/models/tinystories-valid-head/tinystories_valid_head.txt > %t.dir/in.ppl
// RUN: lowbit-run perplexity %t.dir/ext/m.so %data/models/tinystories-valid-head/tinystories_valid_head.txt > %t.dir/ext.ppl
// RUN: cmp %t.dir/in.ppl %t.dir/ext.ppl
// RUN: FileCheck %s --check-prefix=PPL < %t.dir/ext.ppl
// PPL: scored tokens 14829, {{.*}} perplexity 3.5{{[4-5]}}
// RUN: not lowbit-run perplexity %t.dir/ext/m.so %t.none --weights %t.dir/bad.weights 2>&1 | FileCheck %s --check-prefix=RUNBAD
// RUNBAD: lowbit-run: error: {{.*}}bad.weights: checksum differs: not the weights {{.*}}m.so was compiled with
// RUN: not lowbit-run perplexity %t.dir/ext/m.so %t.none --weights %t.dir/short.weights 2>&1 | FileCheck %s --check-prefix=RUNSHORT
// RUNSHORT: lowbit-run: error: {{.*}}short.weights: size 1000 differs from the compiled model's
// A FIFO as the weights file (or the library) is refused, not waited on
// (both used to block forever).
// RUN: rm -f %t.dir/fifo.weights %t.dir/fifo.so && mkfifo %t.dir/fifo.weights %t.dir/fifo.so
// RUN: not timeout 20 lowbit-run perplexity %t.dir/ext/m.so %t.none --weights %t.dir/fifo.weights 2>&1 | FileCheck %s --check-prefix=RUNFIFO
// RUNFIFO: lowbit-run: error: {{.*}}fifo.weights: not a regular file
// RUN: env LOWBIT_WEIGHTS=%t.dir/fifo.weights not timeout 20 %t.dir/ext/gen 5 2>&1 | FileCheck %s --check-prefix=GENFIFO
// GENFIFO: fifo.weights: the weights file is not a regular file
// RUN: not timeout 20 lowbit-run perplexity %t.dir/fifo.so %t.none 2>&1 | FileCheck %s --check-prefix=SOFIFO
// SOFIFO: lowbit-run: error: cannot load {{.*}}fifo.so: not a regular file

// --weights where there is nothing to map is an error, not ignored.
// RUN: not lowbit-run perplexity %t.dir/in/m.so %t.none --weights %t.dir/ext/m.weights 2>&1 | FileCheck %s --check-prefix=INSIDE
// INSIDE: lowbit-run: error: --weights {{.*}}m.weights: {{.*}}in/m.so keeps its weights inside
// RUN: not lowbit-run perplexity %S/lowbit-compile.mlir %t.none --weights %t.dir/ext/m.weights 2>&1 | FileCheck %s --check-prefix=IRWEIGHTS
// IRWEIGHTS: lowbit-run: error: --weights applies to shared libraries compiled with external weights, not to model IR

// A weights file name that cannot go in the header is an error.
// RUN: not lowbit-compile %data/models/stories260K/stories260K.bin -o %t.dir/q.o --weights-file='%t.dir/a"b.weights' --weights-threshold=1 2>&1 | FileCheck %s --check-prefix=BADNAME
// BADNAME: lowbit-compile: error: the weights file name cannot go in a C string: a"b.weights
