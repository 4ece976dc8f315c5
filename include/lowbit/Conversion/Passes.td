//===- Passes.td - lowbit lowerings ------------------------*- tablegen -*-===//
#ifndef LOWBIT_CONVERSION_PASSES_TD
#define LOWBIT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertLowBitToLinalgPass : Pass<"convert-lowbit-to-linalg"> {
  let summary = "Reference lowering: contractions that decode weights in place";
  let description = [{
    Lowers every lowbit op to upstream dialects so quantized IR runs through
    upstream MLIR (bufferization, linalg-to-loops, LLVM). Decoding is driven
    by the same layout tables as lowbit::quant: for each element a
    `linalg.generic` gathers its code, sub-scale and header bits from the
    packed bytes and evaluates the scheme's formula in the decoder's order,
    so results are bit-identical to lowbit::quant's dequantizer.
    `lowbit.dequantize` becomes such a decoding `linalg.generic`;
    `lowbit.matmul` becomes contractions (whole blocks, then the tail) that
    decode each weight inside their body, so float weights are never
    materialised.

    Before:

    ```mlir
    %y = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q4_0>)
        : tensor<1x64xf32>, tensor<8x36xi8> -> tensor<1x8xf32>
    ```

    After:

    ```mlir
    %y = linalg.generic {iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x : tensor<1x64xf32>) outs(%zero : tensor<1x8xf32>) {
      // linalg.index n, k; tensor.extract of the bytes of W[n, k], shifts,
      // masks, fp16 decode, (d * s) * level; then acc + x * w
    }
    ```

    This is the slow, obviously-correct path; fast vector code comes from
    convert-lowbit-to-vector.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // LOWBIT_CONVERSION_PASSES_TD
