//===- LowBitOps.td - lowbit operations --------------------*- tablegen -*-===//
#ifndef LOWBIT_OPS_TD
#define LOWBIT_OPS_TD

include "lowbit/Dialect/LowBit/IR/LowBitAttrs.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
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

    Canonicalization: rows decode independently, so a slice of whole rows
    of a dequantized table (an embedding lookup) slices the packed bytes
    first and dequantizes only those rows:

    ```mlir
    %t = lowbit.dequantize %p scheme(...) : tensor<512x210xi8> -> tensor<512x256xf32>
    %r = tensor.extract_slice %t[%i, 0] [1, 256] [1, 1] : tensor<512x256xf32> to tensor<1x256xf32>
    // becomes
    %b = tensor.extract_slice %p[%i, 0] [1, 210] [1, 1] : tensor<512x210xi8> to tensor<1x210xi8>
    %r = lowbit.dequantize %b scheme(...) : tensor<1x210xi8> -> tensor<1x256xf32>
    ```
  }];
  let arguments = (ins AnyStaticShapeTensor:$packed, LowBit_SchemeAttr:$scheme);
  let results = (outs AnyStaticShapeTensor:$result);
  let assemblyFormat = [{
    $packed `scheme` `(` qualified($scheme) `)` attr-dict `:` type($packed) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
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
  let arguments = (ins AnyRankedTensor:$input, AnyStaticShapeTensor:$packed,
                       LowBit_SchemeAttr:$scheme);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $packed `scheme` `(` qualified($scheme) `)` attr-dict `:` type($input) `,`
    type($packed) `->` type($result)
  }];
  let hasVerifier = 1;
}

def LowBit_ColumnMatmulOp : LowBit_Op<"column_matmul", [Pure]> {
  let summary = "a few activation columns times a small dense weight";
  let description = [{
    The side path of outlier splitting (lowbit-split-outliers, mode
    `columns`): `result[..., n] = sum_c input[..., columns[c]] * W[n, c]`
    with `W` the `N x C` weight of the outlier columns kept dense (f16, bf16
    or f32) while the rest of the matrix is quantized. `columns` are input
    columns: strictly increasing (sorted, no duplicates), within the
    input's last dimension, one per column of `W`. Its result is added to
    the quantized matmul's.

    ```mlir
    %s = lowbit.column_matmul %x, %w columns [3, 17, 40]
        : tensor<1x64xf32>, tensor<32x3xf16> -> tensor<1x32xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       AnyStaticShapeTensor:$weight,
                       DenseI64ArrayAttr:$columns);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `columns` $columns attr-dict `:` type($input) `,`
    type($weight) `->` type($result)
  }];
  let hasVerifier = 1;
}

def LowBit_SparseMatmulOp : LowBit_Op<"sparse_matmul", [Pure]> {
  let summary = "activations times a row-compressed (CSR) sparse weight";
  let description = [{
    The side path of sparse weight outliers (lowbit-split-outliers, mode
    `weights`): `result[..., n] = sum_p input[..., columns[p]] * values[p]`
    for `p` in `[offsets[n], offsets[n + 1])`, the `N x K` sparse matrix in
    CSR form: `values` (f16, bf16 or f32), their `columns` (i16 or i32, read
    as unsigned, strictly increasing within a row, below the input's last
    dimension `K`) and `offsets` (N + 1 i32 values: 0 first, nondecreasing,
    the number of values last). Constant operands have their data checked.
    Its result is added to the quantized matmul's.

    ```mlir
    %s = lowbit.sparse_matmul %x, %values, %columns, %offsets
        : tensor<1x64xf32>, tensor<3xf16>, tensor<3xi16>, tensor<33xi32>
          -> tensor<1x32xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       AnyStaticShapeTensor:$values,
                       AnyStaticShapeTensor:$columns,
                       AnyStaticShapeTensor:$offsets);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $values `,` $columns `,` $offsets attr-dict `:` type($input)
    `,` type($values) `,` type($columns) `,` type($offsets) `->` type($result)
  }];
  let hasVerifier = 1;
}

def LowBit_KernelSparseMatmulOp : LowBit_Op<"kernel_sparse_matmul", [
    DestinationStyleOpInterface,
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "the vector kernel of lowbit.sparse_matmul";
  let description = [{
    `init[t, n] = sum_p input[t, columns[p]] * values[p]` over row `n`'s
    range of `offsets`, for the `T x K` input: lowbit.sparse_matmul on a
    2-D input, as convert-lowbit-to-vector leaves it for
    lowbit-expand-kernels (every element of `init` written, none read;
    `parallel` spreads rows over OpenMP threads). Destination-style, so
    one-shot bufferization turns it into its memref form.

    ```mlir
    %y = lowbit.kernel_sparse_matmul ins(%x, %v, %c, %o : tensor<1x64xf32>,
        tensor<3xf16>, tensor<3xi16>, tensor<33xi32>)
        outs(%e : tensor<1x32xf32>) parallel -> tensor<1x32xf32>
    ```
  }];
  let arguments = (ins AnyShaped:$input, AnyShaped:$values,
                       AnyShaped:$columns, AnyShaped:$offsets,
                       AnyShaped:$init, UnitAttr:$parallel);
  let results = (outs Variadic<AnyRankedTensor>:$result);
  let assemblyFormat = [{
    `ins` `(` $input `,` $values `,` $columns `,` $offsets `:` type($input)
    `,` type($values) `,` type($columns) `,` type($offsets) `)`
    `outs` `(` $init `:` type($init) `)`
    (`parallel` $parallel^)? attr-dict (`->` type($result)^)?
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
  }];
}

def LowBit_KernelMatmulOp : LowBit_Op<"kernel_matmul", [
    DestinationStyleOpInterface,
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "a matmul on a weight repacked for the vector kernels";
  let description = [{
    `init[t, n] = sum_k input[t, k] * W[n, k]` for the `T x cols` input and
    the weight `W` repacked in `layout` (`rows` rows padded to whole row
    groups: `init` is `T x paddedRows`, every element written, none read).
    `float_path` decodes weights to f32 instead of running int8 dot
    products; `parallel` spreads row groups over OpenMP threads.

    A destination-style op, so upstream one-shot bufferization turns the
    tensor form into the memref form like any other op:

    ```mlir
    %y = lowbit.kernel_matmul ins(%x, %w : tensor<1x64xf32>, tensor<288xi8>)
        outs(%e : tensor<1x8xf32>) layout(#lowbit.kernel_layout<rows = 6,
        cols = 64, group = 32, rows_per_group = 4, vector_bytes = 64,
        zero_point = 8>) -> tensor<1x8xf32>
    // after bufferization
    lowbit.kernel_matmul ins(%xm, %wm : memref<1x64xf32>, memref<288xi8>)
        outs(%ym : memref<1x8xf32>) layout(...)
    ```

    `convert-lowbit-to-vector` creates it; `lowbit-expand-kernels` turns the
    memref form into a call of the generated kernel for the module's
    `#lowbit.target`.
  }];
  let arguments = (ins AnyShaped:$input, AnyShaped:$weight, AnyShaped:$init,
                       LowBit_KernelLayoutAttr:$layout,
                       UnitAttr:$float_path, UnitAttr:$parallel);
  let results = (outs Variadic<AnyRankedTensor>:$result);
  let assemblyFormat = [{
    `ins` `(` $input `,` $weight `:` type($input) `,` type($weight) `)`
    `outs` `(` $init `:` type($init) `)`
    `layout` `(` qualified($layout) `)`
    (`float_path` $float_path^)? (`parallel` $parallel^)?
    attr-dict (`->` type($result)^)?
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
    /// T: the rows of the input.
    int64_t getTokens() {
      return ::llvm::cast<::mlir::ShapedType>(getInput().getType())
          .getDimSize(0);
    }
  }];
}

#endif // LOWBIT_OPS_TD
