// Row groups run on OpenMP threads; every row is computed by one thread in
// a fixed order, so the output bits do not depend on the thread count (or
// on threads being used at all).
// RUN: env OMP_NUM_THREADS=1 lowbit-kernel-check --scheme=q4_k --rows=300 --cols=512 --tokens=7 --parallel-threshold=1 --hash | FileCheck %s --check-prefix=HASH --dump-input=fail > %t.one
// RUN: env OMP_NUM_THREADS=1 lowbit-kernel-check --scheme=q4_k --rows=300 --cols=512 --tokens=7 --parallel-threshold=1 --hash | grep hash > %t.1
// RUN: env OMP_NUM_THREADS=2 lowbit-kernel-check --scheme=q4_k --rows=300 --cols=512 --tokens=7 --parallel-threshold=1 --hash | grep hash > %t.2
// RUN: env OMP_NUM_THREADS=3 lowbit-kernel-check --scheme=q4_k --rows=300 --cols=512 --tokens=7 --parallel-threshold=1 --hash | grep hash > %t.3
// RUN: lowbit-kernel-check --scheme=q4_k --rows=300 --cols=512 --tokens=7 --parallel-threshold=0 --hash | grep hash > %t.serial
// RUN: cmp %t.1 %t.2
// RUN: cmp %t.1 %t.3
// RUN: cmp %t.1 %t.serial
// HASH: OK
// HASH: hash 0x

// Decode kernels read two row groups half the weight apart per iteration;
// 75 row groups leave one unpaired. Same bits for any thread count.
// RUN: env OMP_NUM_THREADS=1 lowbit-kernel-check --scheme=q4_k --rows=300 --cols=512 --tokens=1 --parallel-threshold=1 --hash | FileCheck %s --check-prefix=HASH
// RUN: env OMP_NUM_THREADS=1 lowbit-kernel-check --scheme=q4_k --rows=300 --cols=512 --tokens=1 --parallel-threshold=1 --hash | grep hash > %t.d1
// RUN: env OMP_NUM_THREADS=2 lowbit-kernel-check --scheme=q4_k --rows=300 --cols=512 --tokens=1 --parallel-threshold=1 --hash | grep hash > %t.d2
// RUN: env OMP_NUM_THREADS=3 lowbit-kernel-check --scheme=q4_k --rows=300 --cols=512 --tokens=1 --parallel-threshold=1 --hash | grep hash > %t.d3
// RUN: lowbit-kernel-check --scheme=q4_k --rows=300 --cols=512 --tokens=1 --parallel-threshold=0 --hash | grep hash > %t.dserial
// RUN: cmp %t.d1 %t.d2
// RUN: cmp %t.d1 %t.d3
// RUN: cmp %t.d1 %t.dserial
