// The compiled model's C API refuses hostile calls (overflowing positions
// and counts, NULL pointers, a bad token after good ones) with -1 and
// without running anything, on the one-token and the batched entry; the
// batched entry's logits equal one token per call bit for bit (float
// weights here, int8 kernels on Q4_K_M below).
// RUN: rm -rf %t.dir && mkdir -p %t.dir/q
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --context=64 -o %t.dir/m.o --emit-header %t.dir/lowbit_model.h
// RUN: %cc -O1 -Wall -Werror -I%t.dir %S/Inputs/c_api.c %t.dir/m.o %runtime_link -o %t.dir/c_api
// RUN: %t.dir/c_api | FileCheck %s
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --context=64 --quantize=recipe=q4_k_m -o %t.dir/q.o --emit-header %t.dir/q/lowbit_model.h
// RUN: %cc -O1 -Wall -Werror -I%t.dir/q %S/Inputs/c_api.c %t.dir/q.o %runtime_link -o %t.dir/c_api_q
// RUN: %t.dir/c_api_q | FileCheck %s
// CHECK: ok
