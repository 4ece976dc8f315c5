//===- SchemeAttr.cpp - #lowbit.scheme <-> lowbit::quant::Scheme ----------===//

#include "lowbit/Dialect/LowBit/IR/LowBit.h"
#include "lowbit/Quant/Quantizer.h"

using namespace mlir;
using namespace lowbit;

namespace {
// The dialect enums mirror lowbit::quant's, case for case.
quant::Format toQuant(Format f) { return quant::Format(unsigned(f)); }
Format fromQuant(quant::Format f) { return Format(unsigned(f)); }
quant::Offset toQuant(Offset o) { return quant::Offset(unsigned(o)); }
Offset fromQuant(quant::Offset o) { return Offset(unsigned(o)); }
quant::ScaleType toQuant(ScaleType t) { return quant::ScaleType(unsigned(t)); }
ScaleType fromQuant(quant::ScaleType t) { return ScaleType(unsigned(t)); }
quant::Codebook toQuant(Codebook c) { return quant::Codebook(unsigned(c)); }
Codebook fromQuant(quant::Codebook c) { return Codebook(unsigned(c)); }

static_assert(unsigned(quant::Format::IQ4_XS) == unsigned(Format::iq4_xs));
static_assert(unsigned(quant::Offset::SubMin) == unsigned(Offset::sub_min));
static_assert(unsigned(quant::ScaleType::BF16) == unsigned(ScaleType::bf16));
static_assert(unsigned(quant::Codebook::Custom) == unsigned(Codebook::custom));

quant::Scheme fromParams(unsigned bits, unsigned block, Offset offset,
                         ScaleType scale, unsigned superBlock,
                         unsigned subScaleBits, Codebook codebook,
                         DenseF32ArrayAttr levels) {
  quant::Scheme s;
  s.format = quant::Format::Generic;
  s.bits = bits;
  s.blockSize = block;
  s.offset = toQuant(offset);
  s.scaleType = toQuant(scale);
  s.superBlockSize = superBlock;
  s.subScaleBits = subScaleBits;
  s.codebook = toQuant(codebook);
  if (levels)
    s.levels.assign(levels.asArrayRef().begin(), levels.asArrayRef().end());
  return s;
}
} // namespace

LogicalResult SchemeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 Format format, unsigned bits, unsigned block,
                                 Offset offset, ScaleType scale,
                                 unsigned superBlock, unsigned subScaleBits,
                                 Codebook codebook, DenseF32ArrayAttr levels) {
  quant::Scheme given = fromParams(bits, block, offset, scale, superBlock,
                                   subScaleBits, codebook, levels);
  if (format != Format::generic) {
    // Spelled parameters (those not at their default) must agree.
    quant::Scheme fixed = quant::ggufScheme(toQuant(format));
    quant::Scheme defaults;
    auto check = [&](bool spelled, bool agrees, StringRef name) {
      if (spelled && !agrees) {
        emitError() << "parameter '" << name << "' disagrees with format "
                    << stringifyFormat(format)
                    << ", which fixes it; drop it or use format = generic";
        return false;
      }
      return true;
    };
    if (!check(bits != defaults.bits, bits == fixed.bits, "bits") ||
        !check(block != defaults.blockSize, block == fixed.blockSize,
               "block") ||
        !check(offset != Offset::none, toQuant(offset) == fixed.offset,
               "offset") ||
        !check(scale != ScaleType::f16, false, "scale") ||
        !check(superBlock != 0, superBlock == fixed.superBlockSize,
               "super_block") ||
        !check(subScaleBits != 0, subScaleBits == fixed.subScaleBits,
               "sub_scale_bits") ||
        !check(codebook != Codebook::none, toQuant(codebook) == fixed.codebook,
               "codebook") ||
        !check(bool(levels), false, "levels"))
      return failure();
    return success();
  }
  std::string error = quant::validateScheme(given);
  if (!error.empty())
    return emitError() << "invalid scheme: " << error;
  return success();
}

quant::Scheme SchemeAttr::toQuantScheme() const {
  if (getFormat() != Format::generic)
    return quant::ggufScheme(toQuant(getFormat()));
  return fromParams(getBits(), getBlock(), getOffset(), getScale(),
                    getSuperBlock(), getSubScaleBits(), getCodebook(),
                    getLevels());
}

SchemeAttr SchemeAttr::get(MLIRContext *ctx, const quant::Scheme &s) {
  if (s.format != quant::Format::Generic)
    return SchemeAttr::get(ctx, fromQuant(s.format), 4, 32, Offset::none,
                           ScaleType::f16, 0, 0, Codebook::none, nullptr);
  DenseF32ArrayAttr levels;
  if (s.codebook == quant::Codebook::Custom)
    levels = DenseF32ArrayAttr::get(ctx, s.levels);
  return SchemeAttr::get(ctx, Format::generic, s.bits, s.blockSize,
                         fromQuant(s.offset), fromQuant(s.scaleType),
                         s.superBlockSize, s.subScaleBits,
                         fromQuant(s.codebook), levels);
}

size_t SchemeAttr::rowBytes(unsigned rowLength) const {
  return quant::rowBytes(toQuantScheme(), rowLength);
}
