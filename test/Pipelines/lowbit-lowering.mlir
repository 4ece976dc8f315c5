// The registered pipelines are built from typed passes; --dump-pass-pipeline
// prints them as text a user can rerun with --pass-pipeline.
// RUN: lowbit-opt %s --lowbit-lowering="float-path=1 parallel-threshold=0" --dump-pass-pipeline 2>&1 | FileCheck %s
// RUN: lowbit-opt %s --lowbit-reference-lowering --dump-pass-pipeline 2>&1 | FileCheck %s --check-prefix=REF
// RUN: lowbit-opt %s --lowbit-quantize="bpw=4.5 candidates=q4_0,q8_0" --dump-pass-pipeline 2>&1 | FileCheck %s --check-prefix=QUANT

// CHECK: builtin.module(
// CHECK-NEXT: convert-lowbit-to-vector{float-path=true parallel-threshold=0 report=false},
// CHECK-NEXT: convert-lowbit-to-linalg,
// CHECK-NEXT: inline
// CHECK-NEXT: one-shot-bufferize{{.*}}bufferize-function-boundaries=true{{.*}}function-boundary-type-conversion=identity-layout-map
// CHECK: ownership-based-buffer-deallocation
// CHECK: convert-bufferization-to-memref,
// CHECK-NEXT: lowbit-expand-kernels,
// CHECK-NEXT: lowbit-vectorize-float-contractions{parallel-threshold=0},
// CHECK-NEXT: convert-linalg-to-loops,
// CHECK-NEXT: convert-scf-to-openmp
// CHECK: reconcile-unrealized-casts
// CHECK-NEXT: )

// REF: builtin.module(
// REF-NEXT: convert-lowbit-to-linalg,
// REF-NEXT: inline
// REF-NOT: convert-lowbit-to-vector
// REF: lowbit-expand-kernels,
// REF-NOT: lowbit-vectorize-float-contractions
// REF: convert-linalg-to-loops,

// lowbit-quantize takes every option of the passes it runs (declared once
// in ODS), the budget's candidates included.
// QUANT: lowbit-quantize{{.*}}bpw=4.500000e+00{{.*}}candidates={q4_0,q8_0}
module {
}
