// RUN: lowbit-opt %s -split-input-file --lowbit-decode-weights -verify-diagnostics
// RUN: not lowbit-opt %s --lowbit-decode-weights="threads=99999" 2>&1 | FileCheck %s --check-prefix=THREADS --implicit-check-not="see current operation"
// THREADS: error: lowbit-decode-weights: threads must be 0 (all cores) or at most 256, got 99999

// One weight per batch is not what the importer builds: refused, named.
func.func @batched(%x: tensor<2x1x32xf32>) -> tensor<2x1x1xf32> {
  %w = arith.constant {lowbit.name = "experts"} dense<0> : tensor<2x1x34xi8>
  // expected-error @+1 {{cannot decode the pre-quantized weight 'experts': one weight per batch (3-D) is not supported}}
  %y = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q8_0>) : tensor<2x1x32xf32>, tensor<2x1x34xi8> -> tensor<2x1x1xf32>
  return %y : tensor<2x1x1xf32>
}
