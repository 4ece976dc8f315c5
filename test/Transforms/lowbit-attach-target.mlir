// RUN: lowbit-opt %s --lowbit-attach-target="triple=x86_64-unknown-linux-gnu cpu=x86-64-v3" | FileCheck %s
// RUN: lowbit-opt %s --lowbit-attach-target="triple=x86_64-unknown-linux-gnu cpu=znver4" | FileCheck %s --check-prefix=ZEN4
// RUN: lowbit-opt %s --lowbit-attach-target="triple=x86_64-unknown-linux-gnu cpu=x86-64-v3 features=+avxvnni,-avx512f" | FileCheck %s --check-prefix=FEATURES
// RUN: lowbit-opt %s --lowbit-attach-target="triple=aarch64-unknown-linux-gnu cpu=neoverse-v1" | FileCheck %s --check-prefix=ARM
// RUN: lowbit-opt %s --lowbit-attach-target | FileCheck %s --check-prefix=HOST
// RUN: not lowbit-opt %s --lowbit-attach-target="triple=x86_64-unknown-linux-gnu cpu=pentium9" 2>&1 | FileCheck %s --check-prefix=BADCPU
// RUN: not lowbit-opt %s --lowbit-attach-target="triple=x86_64-unknown-linux-gnu features=avx2" 2>&1 | FileCheck %s --check-prefix=BADFEATURE
// RUN: not lowbit-opt %s --lowbit-attach-target="triple=riscv64-unknown-linux-gnu" 2>&1 | FileCheck %s --check-prefix=NOENTRY

// The module gets upstream's #llvm.target as given and lowbit's entry of
// the target table for what that CPU has.
// CHECK: module attributes {llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu", chip = "x86-64-v3">, lowbit.target = #lowbit.target<name = "x86-64-v3", vector_bytes = 32, dot = vpmaddubsw_ymm, lookup = vpshufb_ymm, rows_per_group = 4>}
// ZEN4: lowbit.target = #lowbit.target<name = "x86-64-v4-vnni", vector_bytes = 64, dot = vpdpbusd_zmm, lookup = vpshufb_zmm, rows_per_group = 4>
// Features as -mattr spells them: AVX2 with AVX-VNNI.
// FEATURES: llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu", chip = "x86-64-v3", features = <["+avxvnni", "-avx512f"]>>
// FEATURES-SAME: lowbit.target = #lowbit.target<name = "x86-64-v3-vnni", vector_bytes = 32, dot = vpdpbusd_ymm
// ARM: lowbit.target = #lowbit.target<name = "aarch64-i8mm", vector_bytes = 16, dot = usdot, lookup = tbl, rows_per_group = 4>
// HOST: lowbit.target = #lowbit.target<name = "{{.*}}"
// BADCPU: error: lowbit-attach-target: unknown CPU 'pentium9' for x86_64-unknown-linux-gnu
// BADFEATURE: error: lowbit-attach-target: feature 'avx2' must start with + or -
// NOENTRY: error: lowbit-attach-target: no kernel target for riscv64-unknown-linux-gnu generic (the table knows x86-64, x86-64-v3, x86-64-v3-vnni, x86-64-v4, x86-64-v4-vnni, aarch64, aarch64-dotprod, aarch64-i8mm)
module {
}
