//===- LowBitAttrs.td - The scheme attribute ---------------*- tablegen -*-===//
#ifndef LOWBIT_ATTRS_TD
#define LOWBIT_ATTRS_TD

include "lowbit/Dialect/LowBit/IR/LowBitDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

def LowBit_Format : I32EnumAttr<"Format", "byte layout of a block", [
    I32EnumAttrCase<"generic", 0>, I32EnumAttrCase<"q8_0", 1>,
    I32EnumAttrCase<"q4_0", 2>, I32EnumAttrCase<"q4_1", 3>,
    I32EnumAttrCase<"q5_0", 4>, I32EnumAttrCase<"q5_1", 5>,
    I32EnumAttrCase<"q2_k", 6>, I32EnumAttrCase<"q3_k", 7>,
    I32EnumAttrCase<"q4_k", 8>, I32EnumAttrCase<"q5_k", 9>,
    I32EnumAttrCase<"q6_k", 10>, I32EnumAttrCase<"iq4_nl", 11>,
    I32EnumAttrCase<"iq4_xs", 12>]> {
  let cppNamespace = "::lowbit";
  let genSpecializedAttr = 0;
}

def LowBit_Offset : I32EnumAttr<"Offset", "how asymmetric blocks shift", [
    I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"min", 1>,
    I32EnumAttrCase<"zero_point", 2>, I32EnumAttrCase<"sub_min", 3>]> {
  let cppNamespace = "::lowbit";
  let genSpecializedAttr = 0;
}

def LowBit_ScaleType : I32EnumAttr<"ScaleType", "storage type of scales", [
    I32EnumAttrCase<"f32", 0>, I32EnumAttrCase<"f16", 1>,
    I32EnumAttrCase<"bf16", 2>]> {
  let cppNamespace = "::lowbit";
  let genSpecializedAttr = 0;
}

def LowBit_Codebook : I32EnumAttr<"Codebook", "levels codes decode to", [
    I32EnumAttrCase<"none", 0>, I32EnumAttrCase<"nf4", 1>,
    I32EnumAttrCase<"iq4_nl", 2>, I32EnumAttrCase<"custom", 3>]> {
  let cppNamespace = "::lowbit";
  let genSpecializedAttr = 0;
}

def LowBit_SchemeAttr : AttrDef<LowBit_Dialect, "Scheme"> {
  let mnemonic = "scheme";
  let summary = "how a row of weights is quantized into bytes";
  let description = [{
    Either a GGUF format, whose parameters and byte layout are fixed:

    ```mlir
    #lowbit.scheme<format = q4_k>
    ```

    or a parametric scheme in lowbit's compact layout: `bits` 2-8, `block`
    a multiple of 8 in 16-256, `offset` none | min | zero_point | sub_min,
    `scale` f32 | f16 | bf16, optional `super_block` with `sub_scale_bits`
    (sub-scales quantized against a super-block scale), optional `codebook`
    nf4 | iq4_nl | custom with `levels`:

    ```mlir
    #lowbit.scheme<bits = 3, block = 64, offset = min, scale = bf16>
    #lowbit.scheme<bits = 2, block = 16, offset = sub_min, super_block = 256, sub_scale_bits = 4>
    #lowbit.scheme<codebook = nf4>
    #lowbit.scheme<bits = 2, codebook = custom, levels = [-1.5, -0.5, 0.5, 1.5]>
    ```

    Parameters left out take their defaults (bits 4, block 32, offset none,
    scale f16, no super-block, no codebook). With a GGUF format, any
    parameter that is spelled must agree with the format.
  }];
  let parameters = (ins
    DefaultValuedParameter<"::lowbit::Format", "::lowbit::Format::generic">:$format,
    DefaultValuedParameter<"unsigned", "4">:$bits,
    DefaultValuedParameter<"unsigned", "32">:$block,
    DefaultValuedParameter<"::lowbit::Offset", "::lowbit::Offset::none">:$offset,
    DefaultValuedParameter<"::lowbit::ScaleType", "::lowbit::ScaleType::f16">:$scale,
    DefaultValuedParameter<"unsigned", "0">:$super_block,
    DefaultValuedParameter<"unsigned", "0">:$sub_scale_bits,
    DefaultValuedParameter<"::lowbit::Codebook", "::lowbit::Codebook::none">:$codebook,
    OptionalParameter<"::mlir::DenseF32ArrayAttr">:$levels
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The scheme for lowbit::quant (GGUF formats expanded).
    ::lowbit::quant::Scheme toQuantScheme() const;
    /// The attribute spelling `scheme`; GGUF formats spell only the format.
    static SchemeAttr get(::mlir::MLIRContext *ctx,
                          const ::lowbit::quant::Scheme &scheme);
    /// Bytes one row of `rowLength` weights takes.
    size_t rowBytes(unsigned rowLength) const;
  }];
}


//===----------------------------------------------------------------------===//
// Codegen attributes: a weight repacked for the vector kernels, and the
// target the kernels are generated for.
//===----------------------------------------------------------------------===//

// `true` / `false`, elided when equal to `default`.
class LowBit_FlagParameter<string default>
    : AttrParameter<"bool", ""> {
  let parser = "::lowbit::parseFlag($_parser)";
  let printer = "$_printer << ($_self ? \"true\" : \"false\")";
  let defaultValue = default;
}

def LowBit_KernelLayoutAttr : AttrDef<LowBit_Dialect, "KernelLayout"> {
  let mnemonic = "kernel_layout";
  let summary = "a weight repacked for the vector kernels";
  let description = [{
    The byte layout `convert-lowbit-to-vector` repacks a packed weight into
    (see `lowbit/Codegen/KernelLayout.h`): groups of `group` weights,
    `w = d x (u - zero_point) + m` (float codebooks: `d x table[u] + m`),
    `rows_per_group` rows interleaved per record, codes of `code_bits` (4,
    6 as nibbles plus 2-bit planes, or 8) cut into registers of
    `vector_bytes`. One-level scales are per group and row (`scale`,
    `min_scale` f16 or f32); with `super_groups` = S > 0 they are a byte per
    group and row (`sub_signed`: int8) times one float per super-block of S
    groups and row (`super_scale`). `lookup` maps 4-bit codebook indices to
    codes with a byte shuffle; `quad` is the k-quad prefill layout (one row
    per i32 lane).

    ```mlir
    // q4_0 for AVX-512: nibbles, one half scale per group of 32, 4 rows.
    #lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4,
                          vector_bytes = 64, zero_point = 8>
    // q4_k: byte sub-scales and sub-mins, halves per super-block of 8 groups.
    #lowbit.kernel_layout<rows = 6, cols = 64, group = 32, rows_per_group = 4,
                          vector_bytes = 64, scale_f16 = false, has_min = true,
                          super_groups = 8, super_f16 = true>
    ```

    Parameters left out take their defaults (4-bit codes, zero point 0, f16
    scales, no min, no codebook, one-level scales, not k-quads). The
    verifier holds every assumption the kernels make.
  }];
  let parameters = (ins
    "unsigned":$rows,
    "unsigned":$cols,
    "unsigned":$group,
    "unsigned":$rows_per_group,
    "unsigned":$vector_bytes,
    DefaultValuedParameter<"unsigned", "4">:$code_bits,
    DefaultValuedParameter<"int", "0">:$zero_point,
    LowBit_FlagParameter<"true">:$scale_f16,
    LowBit_FlagParameter<"false">:$has_min,
    LowBit_FlagParameter<"true">:$min_f16,
    OptionalParameter<"::mlir::DenseF32ArrayAttr">:$table,
    OptionalParameter<"::mlir::DenseI32ArrayAttr">:$lookup,
    LowBit_FlagParameter<"false">:$quad,
    DefaultValuedParameter<"unsigned", "0">:$super_groups,
    LowBit_FlagParameter<"false">:$sub_signed,
    LowBit_FlagParameter<"false">:$super_f16
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The layout for lowbit::codegen.
    ::lowbit::codegen::KernelLayout toKernelLayout() const;
    static KernelLayoutAttr get(::mlir::MLIRContext *ctx,
                                const ::lowbit::codegen::KernelLayout &layout);
  }];
}

class LowBit_KindParameter<string cppType, string keyword, string parse>
    : AttrParameter<cppType, ""> {
  let parser = "::lowbit::parseKind($_parser, " # parse # ")";
  let printer = "$_printer << " # keyword # "($_self)";
}

def LowBit_TargetAttr : AttrDef<LowBit_Dialect, "Target"> {
  let mnemonic = "target";
  let summary = "what the vector kernels may use on the target CPU";
  let description = [{
    The entry of lowbit's target table (`lowbit/Codegen/Targets.h`) chosen
    for the module's CPU: vector width, int8 dot product, byte lookup and
    row interleave. The driver sets it once on the module as `lowbit.target`,
    beside upstream's `llvm.target` (`#llvm.target<triple, chip,
    features>`), with `lowbit-attach-target` or lowbit-compile's
    `-mtriple/-mcpu/-mattr`; every codegen pass asks the module for it.

    ```mlir
    module attributes {
      llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu",
                                 chip = "znver4", features = #llvm.target_features<["+avx512vnni"]>>,
      lowbit.target = #lowbit.target<name = "x86-64-v4-vnni", vector_bytes = 64,
                                     dot = vpdpbusd_zmm, lookup = vpshufb_zmm,
                                     rows_per_group = 4>} {
    }
    ```

    The fields must equal the named table entry (the table is the truth;
    the attribute makes it visible in the IR).
  }];
  let parameters = (ins
    StringRefParameter<"target table entry">:$name,
    "unsigned":$vector_bytes,
    LowBit_KindParameter<"::lowbit::codegen::DotKind",
                         "::lowbit::codegen::dotKindKeyword",
                         "::lowbit::codegen::parseDotKind">:$dot,
    LowBit_KindParameter<"::lowbit::codegen::LookupKind",
                         "::lowbit::codegen::lookupKindKeyword",
                         "::lowbit::codegen::parseLookupKind">:$lookup,
    "unsigned":$rows_per_group
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The target of `op`'s module (the dialect's `lowbit.target`
    /// attribute on it or an ancestor), or null.
    static TargetAttr lookup(::mlir::Operation *op);
    ::lowbit::codegen::KernelTarget toKernelTarget() const;
    static TargetAttr get(::mlir::MLIRContext *ctx,
                          const ::lowbit::codegen::TargetDesc &desc);
  }];
}

#endif // LOWBIT_ATTRS_TD
