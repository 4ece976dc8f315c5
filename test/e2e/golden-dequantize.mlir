// Decoding through convert-lowbit-to-linalg and upstream MLIR reproduces
// llama.cpp's dequantized floats bit for bit for all twelve GGUF formats
// (3 distributions, with and without importance: 4 rows of 512 each).
// RUN: %python %S/Inputs/golden_dequant.py %data/gguf-vectors > %t.mlir
// RUN: lowbit-opt %t.mlir --convert-lowbit-to-linalg %lower_to_llvm \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%runner_libs \
// RUN:   | FileCheck %s

// Elements equal to llama.cpp's, per format: q8_0 has 3 x 4 rows, the others 6 x 4.
// CHECK: 6144
// CHECK-COUNT-11: {{^}}12288{{$}}
// CHECK-NOT: {{.}}
