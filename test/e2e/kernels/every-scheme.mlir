// Compiled kernels (lowbit-lowering, JIT at -O3) against lowbit::quant's
// decoder for every scheme, with rows that leave a partial row group and
// columns that leave a partial block (200 = 6 x 32 + 8; 300 = 9 x 32 + 12),
// one token (decode) and 6 tokens (4-token tile + 2 tail tokens).
// lowbit-kernel-check exits 1 if any output is off by more than 1e-5 of
// sum |w x| (the int8 path's reference quantizes activations as the kernel).
// REQUIRES: avx512_vnni
// RUN: for s in q4_0 q4_1 q5_0 q5_1 q8_0 q2_k q3_k q4_k q5_k q6_k iq4_nl iq4_xs b3:g64:asym b4:g32:sym:f16:nf4 b5:g128:zp:bf16 b2:g16:asym:f16:sb256x4 b8:g24:sym:f32; do \
// RUN:   lowbit-kernel-check --scheme=$s --rows=37 --cols=200 --tokens=6 --target=x86-64-v4-vnni || exit 1; \
// RUN:   lowbit-kernel-check --scheme=$s --rows=37 --cols=300 --tokens=1 --target=x86-64-v4-vnni || exit 1; \
// RUN:   lowbit-kernel-check --scheme=$s --rows=37 --cols=200 --tokens=6 --target=x86-64-v4-vnni --float-path || exit 1; \
// RUN: done | FileCheck %s
// CHECK-COUNT-51: OK
// CHECK-NOT: FAIL
