// The sparse outlier side path (lowbit.sparse_matmul: CSR rows of f16
// values at i16 columns, gathered from the unquantized activations) beside
// quantized kernels, on every x86 target entry this host runs and on the
// reference lowering, against lowbit::quant's decoder plus the side matrix
// in double precision: decode (1 token) and prefill (6), rows whose CSR
// range is shorter and longer than a vector (5 % density: 0-25 per row of
// 200), threaded rows, and a NaN token (its outputs all NaN).
// REQUIRES: avx2
// RUN: for t in x86-64 x86-64-v3 host; do for s in q4_0 q6_k iq4_xs b3:g64:asym; do \
// RUN:   lowbit-kernel-check --scheme=$s --rows=37 --cols=200 --tokens=1 --sparse-fraction=0.05 --target=$t || exit 1; \
// RUN:   lowbit-kernel-check --scheme=$s --rows=37 --cols=200 --tokens=6 --sparse-fraction=0.05 --target=$t --parallel-threshold=1 || exit 1; \
// RUN: done; done | FileCheck %s
// CHECK-COUNT-24: sparse {{.*}} OK
// CHECK-NOT: FAIL
// RUN: lowbit-kernel-check --scheme=q4_k --rows=37 --cols=300 --tokens=3 --sparse-fraction=0.05 --reference | FileCheck %s --check-prefix=REF
// REF: + {{[0-9]+}} sparse [reference]{{.*}} OK
// RUN: lowbit-kernel-check --scheme=q4_0 --rows=37 --cols=200 --tokens=6 --sparse-fraction=0.05 --nan-token=4 | FileCheck %s --check-prefix=NAN
// NAN: not NaN: 0 OK
