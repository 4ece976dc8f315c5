//===- LowBitOps.td - lowbit operations --------------------*- tablegen -*-===//
#ifndef LOWBIT_OPS_TD
#define LOWBIT_OPS_TD

include "lowbit/Dialect/LowBit/IR/LowBitAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class LowBit_Op<string mnemonic, list<Trait> traits = []>
    : Op<LowBit_Dialect, mnemonic, traits>;

def LowBit_DequantizeOp : LowBit_Op<"dequantize", [Pure]> {
  let summary = "decodes packed rows into float weights";
  let description = [{
    `packed` holds `[B x] N` rows of bytes in `scheme`; the result is the
    `[B x] N x K` float32 weights. `K` (the result's last dimension) is the
    row length, so it also records how much of a tail block is valid.

    ```mlir
    %w = lowbit.dequantize %packed scheme(#lowbit.scheme<format = q4_0>)
        : tensor<64x108xi8> -> tensor<64x172xf32>
    ```
  }];
  let arguments = (ins AnyStaticShapeTensor:$packed, LowBit_SchemeAttr:$scheme);
  let results = (outs AnyStaticShapeTensor:$result);
  let assemblyFormat = [{
    $packed `scheme` `(` qualified($scheme) `)` attr-dict `:` type($packed) `->` type($result)
  }];
  let hasVerifier = 1;
}

def LowBit_MatmulOp : LowBit_Op<"matmul", [Pure]> {
  let summary = "float activations times a quantized weight";
  let description = [{
    Computes `result[..., m, n] = sum_k input[..., m, k] * W[n, k]` where `W`
    is the `N x K` weight packed in `scheme` (blocks run along `k`, the
    reduction dimension). With a 2-D `packed` the weight is shared and
    `input` may have any rank >= 1 (`[K]` is a mat-vec, `[M, K]` a matmul,
    `[B, M, K]` a batch sharing the weight). With a 3-D `packed`
    (`[B, N, R]`) every batch has its own weight and `input` is `[B, M, K]`.

    ```mlir
    %y = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q8_0>)
        : tensor<4x64xf32>, tensor<32x68xi8> -> tensor<4x32xf32>
    ```
  }];
  let arguments = (ins AnyStaticShapeTensor:$input, AnyStaticShapeTensor:$packed,
                       LowBit_SchemeAttr:$scheme);
  let results = (outs AnyStaticShapeTensor:$result);
  let assemblyFormat = [{
    $input `,` $packed `scheme` `(` qualified($scheme) `)` attr-dict `:` type($input) `,`
    type($packed) `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // LOWBIT_OPS_TD
