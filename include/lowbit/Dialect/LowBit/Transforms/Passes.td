//===- Passes.td - lowbit quantization passes --------------*- tablegen -*-===//
#ifndef LOWBIT_TRANSFORMS_PASSES_TD
#define LOWBIT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

// Options lowbit-quantize shares with the passes it runs: declared once.
defvar DefaultSchemeOption = Option<"defaultScheme", "default", "std::string",
    "\"q4_k\"", "scheme for weights no rule, recipe or budget decides">;
defvar RulesOption = ListOption<"rules", "rules", "std::string",
    "ordered regex=scheme rules on weight names (keep = float)">;
defvar RecipeOption = Option<"recipe", "recipe", "std::string", "\"\"",
    "llama.cpp mix: q2_k, q3_k_s/m/l, q4_0, q4_1, q4_k_s/m, q5_0, "
    "q5_1, q5_k_s/m, q6_k, q8_0, iq4_nl, iq4_xs">;
defvar BpwOption = Option<"bpw", "bpw", "double", "0.0",
    "target average bits/weight over the quantized weights">;
defvar BytesOption = Option<"bytes", "bytes", "uint64_t", "0",
    "target total bytes of the quantized weights">;
defvar CandidatesOption = ListOption<"candidates", "candidates", "std::string",
    "schemes the budget solver chooses from "
    "(default: the twelve GGUF formats)">;
defvar MethodOption = Option<"method", "method", "std::string", "\"search\"",
    "scale selection: rtn (llama.cpp reference rounding), absmax, "
    "minmax or search (error-minimising, never worse than rtn)">;
defvar ThreadsOption = Option<"threads", "threads", "unsigned", "0",
    "quantization threads (0 = all cores); results do not depend on it">;
defvar StrictOption = Option<"strict", "strict", "bool", "false",
    "a contraction on a constant weight that cannot be quantized (dynamic "
    "shapes, unsupported layout) is an error (default: a warning and a "
    "report line, the weight stays float)">;
defvar ClampScalesOption = Option<"clampScales", "clamp-scales", "bool",
    "false",
    "clip the weights of blocks whose scale would overflow its type (a "
    "finite 1e6 in an f16-scaled block), with a warning per weight (default: "
    "an error naming weight, row and block)">;
defvar ErrorReportOption = Option<"report", "report", "std::string", "\"\"",
    "write a per-weight table (scheme, bits/weight, RMSE, max error) "
    "to this file (.json for JSON), '-' for stdout">;
defvar SelectSchemeOption = Option<"scheme", "scheme", "std::string", "\"q4_k\"",
    "GGUF format (q4_k, q8_0, iq4_xs, ...) or parametric spelling "
    "such as b3:g64:asym:f16:sb256x6 (see docs/Schemes.md)">;
defvar GptqDampOption = Option<"gptqDamp", "gptq-damp", "double", "0.01",
    "GPTQ: damping added to H's diagonal, as a fraction of its mean">;
defvar GptqActOrderOption = Option<"gptqActOrder", "gptq-act-order", "bool",
    "false",
    "GPTQ: quantize columns by decreasing H_ii, block parameters fixed up "
    "front (static groups; the stored format does not change)">;
defvar GptqBlockOption = Option<"gptqBlock", "gptq-block", "unsigned", "128",
    "GPTQ: columns per lazy update (rounded up to whole scheme blocks)">;

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

    Weights holding NaN or infinity are an error naming the weight and row,
    and so is a block whose scale would overflow its type (1e6 in an
    f16-scaled q4_0 block) unless `clamp-scales=true` clips it (a warning
    counts the clipped blocks).
    A contraction on a constant weight that cannot be quantized (dynamic
    shapes, a layout lowbit.matmul cannot express) stays float with a
    warning and a report line saying why; `strict=true` makes it an error.
  }];
  let dependentDialects = [
    "::lowbit::LowBitDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
  let options = [
    SelectSchemeOption, MethodOption, ThreadsOption, ErrorReportOption,
    StrictOption, ClampScalesOption
  ];
}

def LowBitQuantizeGptqPass
    : Pass<"lowbit-quantize-gptq", "::mlir::ModuleOp"> {
  let summary = "Quantizes constant weights with GPTQ's error compensation";
  let description = [{
    lowbit-select-block-scales with GPTQ (Frantar et al., 2022) choosing
    the codes: each weight's input Gram matrix H = XᵀX, attached as
    `lowbit.gram` by lowbit-attach-importance from a `lowbit-run calibrate
    --gram` file, is damped (`gptq-damp` x mean diagonal), factored (upper
    Cholesky of H⁻¹) and used to spread each column's rounding error over
    the columns not yet quantized. Block and super-block parameters are
    fitted with `method` and diag(H) as importance when a block's first
    column is reached (with `gptq-act-order`, up front), so the bytes are
    exactly the scheme's layout: GGUF formats stay exportable. Everything
    else is lowbit-select-block-scales': schemes from lowbit-assign-schemes
    or `scheme`, `lowbit.keep` and float storage, reports, strictness.
    Rows run on `threads` threads; the bytes do not depend on the count.
    A weight to quantize that has no Gram is an error naming it: no silent
    fallback to round-to-nearest.

    Before (a weight with its Gram, 64 x 65 / 2 values, attached):

    ```mlir
    %w = arith.constant {lowbit.name = "blk.0.attn_q.weight",
        lowbit.gram = dense_resource<gram.blk.0.attn_q.weight>
            : tensor<2080xf32>} dense<...> : tensor<32x64xf32>
    %0 = linalg.matmul ins(%x, %wt ...) ...
    ```

    After (`scheme=q4_0`):

    ```mlir
    %w = arith.constant {lowbit.name = "blk.0.attn_q.weight",
        lowbit.scheme = #lowbit.scheme<format = q4_0>}
        dense_resource<lowbit.blk.0.attn_q.weight> : tensor<32x36xi8>
    %0 = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q4_0>)
        : tensor<1x64xf32>, tensor<32x36xi8> -> tensor<1x32xf32>
    ```
  }];
  let dependentDialects = [
    "::lowbit::LowBitDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
  let options = [
    SelectSchemeOption, MethodOption, ThreadsOption, ErrorReportOption,
    StrictOption, ClampScalesOption, GptqDampOption, GptqActOrderOption,
    GptqBlockOption
  ];
}

def LowBitAssignSchemesPass
    : Pass<"lowbit-assign-schemes", "::mlir::ModuleOp"> {
  let summary = "Chooses a quantization scheme for every constant weight";
  let description = [{
    Annotates each float constant weight of a contraction (see
    lowbit-select-block-scales) with `lowbit.scheme`, or `lowbit.keep` to
    leave it in float. In order of precedence:

    1. `rules`: `regex=scheme` on the weight's name (`lowbit.name`), first
       match wins, like llama.cpp's `--tensor-type`; `keep` keeps float.
    2. `recipe`: llama.cpp's mixes (q4_k_m, q5_k_m, q3_k_m, q6_k, q8_0, ...).
       Where llama.cpp would substitute another type because a row does not
       fill a 256-wide super-block, lowbit keeps the recipe's type (its
       tails handle such rows) and the report shows what llama.cpp stores.
    3. `bpw` or `bytes`: a budget over all quantized weights (stored bytes,
       headers and padding included, x 8 / weights). Schemes are chosen from
       `candidates` per weight to minimise the total squared error under the
       budget (Lagrangian relaxation, then greedy use of what is left).
    4. `default`.

    Then lowbit-select-block-scales quantizes each weight in its scheme.

    Before:

    ```mlir
    %w = arith.constant {lowbit.name = "blk.0.attn_v.weight"} dense_resource<...> : tensor<32x64xf32>
    ```

    After (`recipe=q4_k_m`):

    ```mlir
    %w = arith.constant {lowbit.name = "blk.0.attn_v.weight",
                         lowbit.scheme = #lowbit.scheme<format = q6_k>} dense_resource<...> : tensor<32x64xf32>
    ```
  }];
  let dependentDialects = ["::lowbit::LowBitDialect"];
  let options = [
    DefaultSchemeOption,
    RulesOption, RecipeOption, BpwOption, BytesOption, CandidatesOption,
    MethodOption,
    Option<"report", "report", "std::string", "\"\"",
           "write the assignment (scheme and why, per weight) here, '-' = stdout">
  ];
}

def LowBitImportQuantPass : Pass<"lowbit-import-quant"> {
  let summary = "Turns upstream !quant.uniform weights into lowbit ops";
  let description = [{
    Rewrites `quant.dcast(quant.scast(arith.constant))` of a 2-D weight
    [N, K] whose type is `!quant.uniform` per tensor, per axis 0 (one scale
    per row) or sub-channel with blocks along K, into `lowbit.dequantize` of
    packed bytes in the equivalent parametric scheme: `bits` from the
    storage type, `block` from the block size, f32 scales, symmetric when
    every zero point is 0 on signed storage, else `offset = zero_point`.
    Decoded values are unchanged. Types lowbit cannot express (blocks along
    N, block sizes outside 16-256) are left alone with a warning.

    ```mlir
    %c = arith.constant dense<...> : tensor<8x64xi8>
    %q = quant.scast %c : tensor<8x64xi8> to tensor<8x64x!quant.uniform<i8:f32:{0:1, 1:32}, {...}>>
    %w = quant.dcast %q : tensor<8x64x!quant.uniform<...>> to tensor<8x64xf32>
    ```

    becomes

    ```mlir
    %p = arith.constant dense_resource<quant_weight> : tensor<8x72xi8>
    %w = lowbit.dequantize %p scheme(#lowbit.scheme<bits = 8, scale = f32>) : tensor<8x72xi8> -> tensor<8x64xf32>
    ```
  }];
  let dependentDialects = ["::lowbit::LowBitDialect",
                           "::mlir::arith::ArithDialect"];
}

def LowBitExportQuantPass : Pass<"lowbit-export-quant"> {
  let summary = "Expresses lowbit weights as upstream !quant.uniform types";
  let description = [{
    The inverse of lowbit-import-quant: `lowbit.dequantize` of constant
    packed bytes in a scheme `!quant.uniform` can hold (uniform levels, no
    codebook, no super-block, symmetric or integer zero point, rows that fill
    whole blocks: e.g. q8_0, q4_0, q5_0, `b4:g32:zp:f32`) becomes
    `quant.dcast(quant.scast(arith.constant))` with a sub-channel type whose
    scales (converted exactly to f32) and zero points live in the type.
    Decoded values are unchanged. Other schemes are left alone with a
    warning saying why.

    Before (q4_0, one block of 32 per row):

    ```mlir
    %w = arith.constant dense_resource<w0> : tensor<1x18xi8>
    %0 = lowbit.dequantize %w scheme(#lowbit.scheme<format = q4_0>)
        : tensor<1x18xi8> -> tensor<1x32xf32>
    ```

    After (codes are nibble - 8, the fp16 scale 0.5 exactly in f32):

    ```mlir
    %c = arith.constant dense<[[-8, -7, ...]]> : tensor<1x32xi4>
    %q = quant.scast %c : tensor<1x32xi4>
        to tensor<1x32x!quant.uniform<i4:f32:{0:1, 1:32}, {{5.000000e-01}}>>
    %0 = quant.dcast %q : tensor<1x32x!quant.uniform<...>> to tensor<1x32xf32>
    ```
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect",
                           "::mlir::arith::ArithDialect"];
}


def LowBitAttachTargetPass : Pass<"lowbit-attach-target", "::mlir::ModuleOp"> {
  let summary = "Sets the CPU target the module is compiled for";
  let description = [{
    Resolves `triple`, `cpu` and `features` as llc's `-mtriple`, `-mcpu`
    and `-mattr` do (all empty: the host), picks the most capable entry of
    lowbit's target table whose LLVM features that CPU has, and sets both
    on the module: upstream's `llvm.target` and lowbit's `lowbit.target`.
    Codegen passes (convert-lowbit-to-vector, lowbit-expand-kernels) ask
    the module for them. lowbit-compile and lowbit-run do the same from
    their own command lines. Unknown triples, CPUs and features, and CPUs
    the table has no entry for, are errors.

    Before:

    ```mlir
    module {
    }
    ```

    After (`cpu=x86-64-v3`):

    ```mlir
    module attributes {
      llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu", chip = "x86-64-v3">,
      lowbit.target = #lowbit.target<name = "x86-64-v3", vector_bytes = 32,
          dot = vpmaddubsw_ymm, lookup = vpshufb_ymm, rows_per_group = 4>} {
    }
    ```
  }];
  let options = [
    Option<"triple", "triple", "std::string", /*default=*/"\"\"",
           "LLVM target triple (default: the host's)">,
    Option<"cpu", "cpu", "std::string", /*default=*/"\"\"",
           "CPU as -mcpu spells it (default: the host's for the host "
           "triple, else generic; native = the host's)">,
    Option<"features", "features", "std::string", /*default=*/"\"\"",
           "LLVM features as -mattr spells them, e.g. +avx512vnni,-avx2">,
  ];
  let dependentDialects = ["::lowbit::LowBitDialect",
                           "::mlir::LLVM::LLVMDialect"];
}


def LowBitQuantizePass : Pass<"lowbit-quantize", "::mlir::ModuleOp"> {
  let summary = "Quantizes model IR: assign schemes, then select block scales";
  let description = [{
    Runs lowbit-assign-schemes (a recipe, `regex=scheme` rules, a bits/weight
    or byte budget, or `default`) and then lowbit-select-block-scales (scale
    search and packing) with the options below, which are theirs:
    `default` is the assignment's default and the scale selection's scheme,
    `report` the error table, `assign-report` the assignment table.
    `gptq=true` runs lowbit-quantize-gptq in place of
    lowbit-select-block-scales; `outliers=columns` and `outliers=weights`
    (or `columns+weights`) run lowbit-split-outliers in that mode after the
    calibration is attached.

    Before:

    ```mlir
    %w = arith.constant {lowbit.name = "blk.0.attn_v.weight"} dense_resource<...> : tensor<32x64xf32>
    %y = linalg.matmul ins(%x, %w_t : ...) ...
    ```

    After (`recipe=q4_k_m`):

    ```mlir
    %w = arith.constant {lowbit.name = "blk.0.attn_v.weight", lowbit.scheme = #lowbit.scheme<format = q6_k>}
        dense_resource<...> : tensor<32x210xi8>
    %y = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q6_k>)
        : tensor<1x64xf32>, tensor<32x210xi8> -> tensor<1x32xf32>
    ```
  }];
  let dependentDialects = [
    "::lowbit::LowBitDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
  let options = [
    RecipeOption, RulesOption, BpwOption, BytesOption, CandidatesOption,
    DefaultSchemeOption,
    MethodOption, ThreadsOption, ErrorReportOption, StrictOption,
    ClampScalesOption,
    Option<"calibration", "calibration", "std::string", "\"\"",
           "calibration file (llama.cpp imatrix GGUF or lowbit-run "
           "calibrate): runs lowbit-attach-importance first, so errors are "
           "weighted by each column's mean squared activation">,
    Option<"imatrix", "imatrix", "std::string", "\"\"",
           "llama.cpp's name for calibration= (an alias)">,
    Option<"assignReport", "assign-report", "std::string", "\"\"",
           "write the assignment (scheme and why, per weight) here, '-' = stdout">,
    Option<"requantize", "requantize", "bool", "false",
           "decode weights that arrive quantized and requantize them "
           "(default: keep them, with a warning)">,
    Option<"gptq", "gptq", "bool", "false",
           "choose codes with GPTQ (lowbit-quantize-gptq instead of "
           "lowbit-select-block-scales); needs Gram matrices (calibration= "
           "a file from lowbit-run calibrate --gram)">,
    GptqDampOption, GptqActOrderOption, GptqBlockOption,
    Option<"outliers", "outliers", "std::string", "\"\"",
           "split outliers (lowbit-split-outliers): columns "
           "(activation-outlier columns kept dense; needs calibration=), "
           "weights (sparse weights kept exactly) or columns+weights">,
    Option<"outlierThreshold", "outlier-threshold", "double", "6.0",
           "outliers=columns: channels whose calibrated max |x| exceeds "
           "this (0: none)">,
    Option<"outlierFraction", "outlier-fraction", "double", "0.0",
           "outliers=columns: also this fraction of each input's channels, "
           "largest max |x| first">,
    Option<"outlierWeights", "outlier-weights", "double", "0.01",
           "outliers=weights: the fraction of each weight kept exactly">
  ];
}

def LowBitDecodeWeightsPass
    : Pass<"lowbit-decode-weights", "::mlir::ModuleOp"> {
  let summary = "Turns pre-quantized weights back into float contractions";
  let description = [{
    A model imported from a quantized GGUF has most weights packed already
    (`lowbit.matmul` on a named i8 constant). This pass decodes each to f32
    (exactly the values the packed weight stands for) and rebuilds the
    float contraction the importer writes for float weights, so that
    lowbit-assign-schemes and lowbit-select-block-scales requantize it.
    Embedding lookups of a decoded table read the f32 table. Used by
    `lowbit-quantize{requantize=true}`. Memory: 4 bytes per decoded weight.

    Before:

    ```mlir
    %w = arith.constant {lowbit.name = "blk.0.ffn_up.weight"} dense_resource<...> : tensor<172x44xi8>
    %y = lowbit.matmul %x, %w scheme(#lowbit.scheme<format = q4_k>)
        : tensor<1x64xf32>, tensor<172x44xi8> -> tensor<1x172xf32>
    ```

    After:

    ```mlir
    %w = arith.constant {lowbit.name = "blk.0.ffn_up.weight"} dense_resource<decoded.blk.0.ffn_up.weight> : tensor<172x64xf32>
    %y = linalg.generic {...} ins(%x, %w : tensor<1x64xf32>, tensor<172x64xf32>) outs(%zero : tensor<1x172xf32>) {...}
    ```
  }];
  let dependentDialects = [
    "::lowbit::LowBitDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
  let options = [ThreadsOption];
}


def LowBitSplitOutliersPass
    : Pass<"lowbit-split-outliers", "::mlir::ModuleOp"> {
  let summary = "Splits outliers off float weights: activation columns (LLM.int8()) or sparse weights (SpQR)";
  let description = [{
    Mode `columns`: for each float contraction weight W [N, K] whose input
    calibration saw (`lowbit.max_abs`, attached by lowbit-attach-importance
    from a `lowbit-run calibrate` file), the input channels whose max |x|
    exceeds `threshold` (default 6.0, LLM.int8()'s; 0 = off) or that fall in
    the top `fraction` of channels by max |x| are split off:
    - their columns of W move to an N x C side weight stored dense in
      `storage` (f16 by default), named `<w>.outlier_columns`, multiplied
      by `lowbit.column_matmul`;
    - in W they become zero, and so does their importance; W records them
      as `lowbit.split_columns`, which GPTQ treats as channels the input
      never reaches (the shared Gram is not copied);
    - the main contraction reads the input with those channels zeroed, so
      the int8 activation quantization of the quantized kernel never sees
      them (that is where the benefit comes from on the integer path).
    The two results are added. Run it before lowbit-assign-schemes
    (`lowbit-quantize{outliers=columns}` does). Contractions whose input is
    not laid out [..., K] are left with a warning; a weight without
    `lowbit.max_abs` is an error naming it.

    Mode `weights` (SpQR's sparse part): `fraction` of the weights of every
    float contraction weight (2-D, quantized later; not tables only looked
    up) are to be kept exactly. Which ones depends on the quantization
    error, so this mode marks the weights (`lowbit.sparse_outliers =
    <fraction>`) and lowbit-select-block-scales or lowbit-quantize-gptq
    chooses them while quantizing: the weights whose keeping removes the
    most importance-weighted error (their own, or for a block's largest
    weights the whole block's after a refit without them), refits the
    blocks without them (GPTQ does not compensate their error), and adds
    `lowbit.sparse_matmul` on the residuals w - q in f16 at i16 columns
    (CSR), named `<w>.sparse_{values,columns,offsets}`. Calibration is not
    needed (importance, when attached, weights the errors).

    Before:
    ```mlir
    %w = arith.constant {lowbit.name = "wq", lowbit.max_abs = dense<[0.5, 9.0, 0.7, 0.2]> : tensor<4xf32>}
        dense<...> : tensor<2x4xf32>
    %y = linalg.generic ... ins(%x, %w : tensor<1x4xf32>, tensor<2x4xf32>) ...
    ```
    After:
    ```mlir
    %mask = arith.constant dense<[false, true, false, false]> : tensor<4xi1>
    %xm = linalg.generic ... // x with channel 1 zeroed
    %w0 = arith.constant {lowbit.name = "wq", ...} dense<...> : tensor<2x4xf32> // column 1 zero
    %ym = linalg.generic ... ins(%xm, %w0 ...)
    %ws = arith.constant {lowbit.name = "wq.outlier_columns"} dense<...> : tensor<2x1xf16>
    %ys = lowbit.column_matmul %x, %ws columns [1]
        : tensor<1x4xf32>, tensor<2x1xf16> -> tensor<1x2xf32>
    %y = linalg.add ins(%ym, %ys ...)
    ```
    Mode `weights`, after lowbit-select-block-scales:
    ```mlir
    %q = arith.constant {lowbit.name = "wq", ...} dense_resource<...> : tensor<2x18xi8>
    %yq = lowbit.matmul %x, %q scheme(#lowbit.scheme<format = q4_0>) ...
    %v = arith.constant {lowbit.name = "wq.sparse_values"} dense_resource<...> : tensor<1xf16>
    %c = arith.constant {lowbit.name = "wq.sparse_columns"} dense_resource<...> : tensor<1xi16>
    %o = arith.constant {lowbit.name = "wq.sparse_offsets"} dense_resource<...> : tensor<3xi32>
    %ys = lowbit.sparse_matmul %x, %v, %c, %o
        : tensor<1x32xf32>, tensor<1xf16>, tensor<1xi16>, tensor<3xi32> -> tensor<1x2xf32>
    %y = linalg.add ins(%yq, %ys ...)
    ```
  }];
  let dependentDialects = [
    "::lowbit::LowBitDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
  let options = [
    Option<"mode", "mode", "std::string", "\"columns\"",
           "columns (activation-outlier columns, LLM.int8()) or weights "
           "(sparse weight outliers kept exactly, SpQR)">,
    Option<"threshold", "threshold", "double", "6.0",
           "split input channels whose calibrated max |x| exceeds this "
           "(0: no threshold)">,
    Option<"fraction", "fraction", "double", "0.0",
           "columns: also split this fraction of each input's channels, "
           "largest max |x| first; weights: the fraction of each weight "
           "kept exactly">,
    Option<"storage", "storage", "std::string", "\"f16\"",
           "type of the side weight: f16, bf16 or f32 (weights: f16)">,
  ];
}

#endif // LOWBIT_TRANSFORMS_PASSES_TD
