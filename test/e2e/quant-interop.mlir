// lowbit -> !quant.uniform -> (upstream lower-quant-ops | back to lowbit):
// llama.cpp's q8_0 / q4_0 / q5_0 bytes decode bit-identically either way
// (4 x 512 elements each).
// RUN: %python %S/Inputs/quant_interop.py %data/gguf-vectors > %t.mlir
// RUN: lowbit-opt %t.mlir --lowbit-export-quant --lower-quant-ops --canonicalize %lower_to_llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%runner_libs | FileCheck %s
// RUN: lowbit-opt %t.mlir --lowbit-export-quant --lowbit-import-quant --convert-lowbit-to-linalg %lower_to_llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%runner_libs | FileCheck %s
// CHECK-COUNT-3: {{^}}2048{{$}}
// CHECK-NOT: {{.}}
