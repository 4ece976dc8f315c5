// A NaN among one token's activations makes every output of that token NaN
// on every kernel path, and the other tokens stay exact: the int8 path's
// per-group scale takes a NaN-propagating maximum (maximumf, not maxnumf,
// which dropped the NaN as a zero code and gave finite logits), the float
// path propagates by IEEE rules. Decode (1 token) and prefill tiles (6).
// REQUIRES: avx2
// RUN: for t in x86-64 x86-64-v3; do for s in q4_0 q8_0 q5_1 q4_k q6_k iq4_xs b3:g64:asym; do \
// RUN:   lowbit-kernel-check --scheme=$s --rows=21 --cols=200 --tokens=6 --nan-token=4 --target=$t || exit 1; \
// RUN:   lowbit-kernel-check --scheme=$s --rows=21 --cols=300 --tokens=1 --nan-token=0 --target=$t || exit 1; \
// RUN:   lowbit-kernel-check --scheme=$s --rows=21 --cols=200 --tokens=6 --nan-token=1 --target=$t --float-path || exit 1; \
// RUN: done; done | FileCheck %s
// CHECK-COUNT-42: OK
// RUN: %if avx512bw %{ lowbit-kernel-check --scheme=q4_k --rows=21 --cols=200 --tokens=6 --nan-token=4 --target=x86-64-v4 %}
// RUN: %if avx512_vnni %{ lowbit-kernel-check --scheme=q4_k --rows=21 --cols=200 --tokens=6 --nan-token=4 --target=x86-64-v4-vnni %}
// RUN: %if avx512_vnni %{ lowbit-kernel-check --scheme=iq4_xs --rows=21 --cols=300 --tokens=1 --nan-token=0 --target=x86-64-v4-vnni %}
// RUN: %if avx_vnni %{ lowbit-kernel-check --scheme=q6_k --rows=21 --cols=200 --tokens=6 --nan-token=4 --target=x86-64-v3-vnni %}
// The reference lowering (convert-lowbit-to-linalg) too.
// RUN: lowbit-kernel-check --scheme=q4_k --rows=21 --cols=200 --tokens=6 --nan-token=2 --reference
