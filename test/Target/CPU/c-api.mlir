// The compiled model's C API refuses hostile calls (overflowing positions
// and counts, NULL pointers, a bad token after good ones) with -1 and
// without running anything.
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: lowbit-compile %data/models/stories260K/stories260K.bin --context=64 -o %t.dir/m.o --emit-header %t.dir/lowbit_model.h
// RUN: %cc -O1 -Wall -Werror -I%t.dir %S/Inputs/c_api.c %t.dir/m.o %runtime_link -o %t.dir/c_api
// RUN: %t.dir/c_api | FileCheck %s
// CHECK: ok
