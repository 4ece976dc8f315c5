// Kernels whose token count is known only at run time (`_tN_`, as every
// weight function of a model's IR takes them: tensor<?xK>) against the
// same double-precision reference as every other kernel: one row (the
// decode body), 6 rows (a 4-token tile and 2 single tokens) and 9, on the
// int8 and the float path, with a NaN token, and with a sparse side
// matrix. lowbit-kernel-check exits 1 on any error above 1e-5 of sum |w x|
// or a NaN token whose outputs are not all NaN.
// RUN: for s in q4_0 q8_0 q5_1 q2_k q3_k q4_k q6_k iq4_xs b3:g64:asym b4:g32:sym:f16:nf4; do \
// RUN:   lowbit-kernel-check --dynamic-rows --scheme=$s --rows=37 --cols=300 --tokens=1 --nan-token=0 --target=x86-64-v3 || exit 1; \
// RUN:   lowbit-kernel-check --dynamic-rows --scheme=$s --rows=37 --cols=200 --tokens=6 --nan-token=5 --target=x86-64-v3 || exit 1; \
// RUN:   lowbit-kernel-check --dynamic-rows --scheme=$s --rows=37 --cols=200 --tokens=9 --target=x86-64-v3 --float-path || exit 1; \
// RUN:   lowbit-kernel-check --dynamic-rows --scheme=$s --rows=21 --cols=200 --tokens=6 --target=x86-64 || exit 1; \
// RUN: done | FileCheck %s
// RUN: lowbit-kernel-check --dynamic-rows --scheme=q4_k --rows=37 --cols=200 --tokens=6 --target=x86-64-v3 --sparse-fraction=0.05 | FileCheck %s --check-prefix=SPARSE
// CHECK-COUNT-40: (rows at run time) {{.*}} OK
// CHECK-NOT: FAIL
// SPARSE: q4_k 37x200 t6 (rows at run time) + {{[0-9]+}} sparse {{.*}} OK
