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

#endif // LOWBIT_ATTRS_TD
