//===- LowBitDialect.td - The lowbit dialect ---------------*- tablegen -*-===//
#ifndef LOWBIT_DIALECT_TD
#define LOWBIT_DIALECT_TD

include "mlir/IR/OpBase.td"

def LowBit_Dialect : Dialect {
  let name = "lowbit";
  let cppNamespace = "::lowbit";
  let summary = "Block-quantized weights whose codes and scales are data";
  let description = [{
    The `lowbit` dialect describes weights quantized block-wise along the
    reduction dimension, as GGUF does. A weight of logical shape `N x K` is a
    plain byte tensor `tensor<N x R x i8>`: row `n` holds the `R` bytes of
    its blocks (codes, scales, mins, padding). Nothing quantized lives in a
    type; the `#lowbit.scheme` attribute says how to read the bytes.

    Every scheme decodes element `k` of a row as

    ```
    value = (d * s) * L(v)            symmetric
    value = (d * s) * L(v) + m        offset = min       (q4_1, q5_1)
    value = (d * s) * (v - z)         offset = zero_point
    value = (d * s) * v - (dmin * mc) offset = sub_min   (K-quants)
    ```

    where `d` (and `m` or `dmin`) is a float header per block or super-block
    stored in the scale type, `s` the integer sub-scale of the element's
    sub-block (1 without super-blocks), `mc` its integer sub-min, `v` the
    element's integer code and `L(v)` its level: `v` itself or
    `codebook[v]`. Products are evaluated in this order in float32, which
    makes decoding bit-identical to llama.cpp for the GGUF formats.

    A row of `K` weights is `K / G` whole groups (`G` = block or super-block
    size) and, if `K % G != 0`, a tail: a padded block, or for super-block
    schemes a truncated super-block that stores only the sub-blocks the row
    has. The valid length is `K`, taken from the logical shape.

    Valid:

    ```mlir
    %w = arith.constant dense_resource<w0> : tensor<64x40xi8>
    %y = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q4_k>)
        : tensor<1x64xf32>, tensor<64x40xi8> -> tensor<1x64xf32>
    ```

    Invalid (a q4_k row of 64 weights takes 40 bytes, not 36):

    ```mlir
    %y = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q4_k>)
        : tensor<1x64xf32>, tensor<64x36xi8> -> tensor<1x64xf32>
    ```
  }];
  let useDefaultAttributePrinterParser = 1;
  // Attributes lowbit's passes and tools put on other dialects' ops, each
  // with a generated helper (e.g. getNameAttrHelper().getAttr(op)).
  let discardableAttrs = (ins
    // A weight's tensor name (GGUF spelling) on its constant.
    "::mlir::StringAttr":$name,
    // The scheme lowbit-assign-schemes chose for a weight constant.
    "::lowbit::SchemeAttr":$scheme,
    // Keep this weight constant in float (a `keep` rule).
    "::mlir::UnitAttr":$keep,
    // With `keep`: store the weight as floats of this type (an f32, f16 or
    // bf16 rule, llama.cpp's --tensor-type x=f16) instead of the input's.
    "::mlir::TypeAttr":$float_storage,
    // Per input column of a weight constant: the mean squared activation
    // calibration measured (lowbit-attach-importance), weighting errors.
    "::mlir::ElementsAttr":$importance,
    // Per weight constant: the Gram matrix XᵀX of its input (f32, upper
    // triangle row by row, K(K+1)/2 values), shared by the weights of one
    // input; a blob that maps the calibration file.
    "::mlir::ElementsAttr":$gram,
    // Per input column of a weight constant: the largest |activation|
    // calibration saw (f32 [K]), for outlier splitting.
    "::mlir::ElementsAttr":$max_abs,
    // On a weight constant after lowbit-split-outliers: the input columns
    // moved to the side path (the main contraction's input is zero there).
    "::mlir::DenseI64ArrayAttr":$split_columns,
    // On a float weight constant, from lowbit-split-outliers mode
    // `weights`: the fraction of its weights scale selection keeps exactly
    // in a sparse side matrix (lowbit.sparse_matmul).
    "::mlir::FloatAttr":$sparse_outliers,
    // On the module, from lowbit-instrument-activations: per record id (one
    // distinct input), the names of the weights multiplying it.
    "::mlir::ArrayAttr":$recorded,
    // An embedding table's float copy used for lookups, by weight name.
    "::mlir::StringAttr":$lookup,
    // The model's hyper-parameters and source format, on the module.
    "::mlir::DictionaryAttr":$model,
    // The source's GGUF metadata (tokenizer included), in order, on the
    // module.
    "::mlir::ArrayAttr":$gguf,
    // The CPU target codegen passes generate kernels for, on the module.
    "::lowbit::TargetAttr":$target
  );
}

#endif // LOWBIT_DIALECT_TD
