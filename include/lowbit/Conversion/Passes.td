//===- Passes.td - lowbit lowerings ------------------------*- tablegen -*-===//
#ifndef LOWBIT_CONVERSION_PASSES_TD
#define LOWBIT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertLowBitToLinalgPass : Pass<"convert-lowbit-to-linalg"> {
  let summary = "Reference lowering: dequantize, then a float contraction";
  let description = [{
    Lowers every lowbit op to upstream dialects so quantized IR runs through
    upstream MLIR (bufferization, linalg-to-loops, LLVM). Decoding is driven
    by the same layout tables as lowbit::quant: for each element a
    `linalg.generic` gathers its code, sub-scale and header bits from the
    packed bytes and evaluates the scheme's formula in the decoder's order,
    so results are bit-identical to lowbit::quant's dequantizer. Then
    `lowbit.matmul` is a float `linalg.generic` contraction.

    Before:

    ```mlir
    %y = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q4_0>)
        : tensor<1x64xf32>, tensor<8x36xi8> -> tensor<1x8xf32>
    ```

    After:

    ```mlir
    %deq = linalg.generic ... ins() outs(%e : tensor<8x64xf32>) {
      // tensor.extract of bytes, shifts and masks, fp16 decode, mulf
    }
    %y = linalg.generic {iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x, %deq : ...) outs(%zero : tensor<1x8xf32>) { mulf, addf }
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
