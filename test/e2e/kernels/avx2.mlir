// Plain AVX2 (x86-64-v3): every scheme's integer kernels, decode
// (with paired row groups) and prefill (k-quads), against lowbit::quant.
// Codes above 63 (q8_0, b8, iq4 lookups) take the sign trick.
// REQUIRES: avx2
// RUN: for s in q4_0 q4_1 q5_0 q5_1 q8_0 q2_k q3_k q4_k q5_k q6_k iq4_nl iq4_xs b3:g64:asym:f16 b8:g32:sym:f16; do \
// RUN:   for t in 1 6; do \
// RUN:     lowbit-kernel-check --scheme=$s --rows=70 --cols=600 --tokens=$t --target=x86-64-v3 || exit 1; \
// RUN:   done; \
// RUN: done | FileCheck %s
// CHECK-COUNT-28: vpmaddubsw ymm{{.*}} OK
