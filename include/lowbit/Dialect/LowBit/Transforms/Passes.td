//===- Passes.td - lowbit quantization passes --------------*- tablegen -*-===//
#ifndef LOWBIT_TRANSFORMS_PASSES_TD
#define LOWBIT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowBitSelectBlockScalesPass
    : Pass<"lowbit-select-block-scales", "::mlir::ModuleOp"> {
  let summary = "Quantizes constant weights of contractions block-wise";
  let description = [{
    Finds contractions (`linalg.matmul` with or without transposed
    `indexing_maps`, `linalg.matvec`, `linalg.vecmat`, `linalg.batch_matmul`,
    `linalg.batch_matvec` and equivalent `linalg.generic`s) with exactly one
    float constant operand, the weight. The weight is quantized with
    lowbit::quant in `scheme`, blocks running along the reduction
    dimension, and the contraction becomes a `lowbit.matmul` reading the
    packed bytes from a `dense_resource` blob. Activations and results are
    transposed where the contraction's layout needs it; a non-zero init is
    added back.

    Before:

    ```mlir
    %w = arith.constant dense<...> : tensor<64x32xf32>
    %0 = linalg.matmul ins(%x, %w : tensor<1x64xf32>, tensor<64x32xf32>)
                       outs(%zero : tensor<1x32xf32>) -> tensor<1x32xf32>
    ```

    After (`scheme=q8_0`; the weight's rows are the 32 output columns):

    ```mlir
    %w = arith.constant dense_resource<lowbit_weight> : tensor<32x68xi8>
    %0 = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q8_0>)
        : tensor<1x64xf32>, tensor<32x68xi8> -> tensor<1x32xf32>
    ```

    Weights holding NaN or infinity are an error naming the weight and row.
  }];
  let dependentDialects = [
    "::lowbit::LowBitDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
  let options = [
    Option<"scheme", "scheme", "std::string", "\"q4_k\"",
           "GGUF format (q4_k, q8_0, iq4_xs, ...) or parametric spelling "
           "such as b3:g64:asym:f16:sb256x6 (see docs/Schemes.md)">,
    Option<"method", "method", "std::string", "\"search\"",
           "scale selection: rtn (llama.cpp reference rounding), absmax, "
           "minmax or search (error-minimising, never worse than rtn)">,
    Option<"threads", "threads", "unsigned", "0",
           "quantization threads (0 = all cores); results do not depend on it">,
    Option<"report", "report", "std::string", "\"\"",
           "write a per-weight table (scheme, bits/weight, RMSE, max error) "
           "to this file, '-' for stdout">,
  ];
}

#endif // LOWBIT_TRANSFORMS_PASSES_TD
