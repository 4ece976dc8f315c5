// The same kernels for every x86 entry of the target table this host can
// execute: AVX-VNNI (ymm vpdpbusd), AVX2 (vpmaddubsw), baseline SSE2.
// REQUIRES: avx_vnni
// RUN: for t in x86-64-v3-vnni x86-64-v3 x86-64 x86-64-v4; do for s in q4_0 q8_0 q4_k q6_k iq4_xs b4:g32:sym:f16:nf4; do \
// RUN:   lowbit-kernel-check --scheme=$s --rows=21 --cols=272 --tokens=5 --target=$t || exit 1; \
// RUN: done; done | FileCheck %s
// CHECK-COUNT-24: OK
// RUN: lowbit-kernel-check --scheme=q4_0 --rows=8 --cols=64 --target=x86-64-v3-vnni | FileCheck %s --check-prefix=YMM
// YMM: vpdpbusd ymm
