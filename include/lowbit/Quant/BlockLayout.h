//===- BlockLayout.h - Byte layouts of blocks as data tables ----*- C++ -*-===//
//
// Every format, GGUF or generic, is described by the same tables: where the
// float header lives, and for each sub-block / element which bits of which
// bytes hold its integer. One table-driven encoder, decoder and IR lowering
// then serve all of them, so a new layout is a table, not new code.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_QUANT_BLOCKLAYOUT_H
#define LOWBIT_QUANT_BLOCKLAYOUT_H

#include "lowbit/Quant/Scheme.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lowbit::quant {

/// `width` bits of byte `byte`, starting at bit `shift`, land at bit `dst`
/// of the integer.
struct FieldPart {
  uint32_t byte = 0;
  uint8_t shift = 0;
  uint8_t width = 0;
  uint8_t dst = 0;
};

/// An integer stored in at most two pieces. Decoded as stored - bias, or
/// sign-extended from `bits` when twosComplement.
struct IntField {
  FieldPart parts[2];
  uint8_t numParts = 0;
};

struct IntEncoding {
  unsigned bits = 0;
  int bias = 0;
  bool twosComplement = false;
  int decode(uint32_t stored) const {
    if (twosComplement) {
      uint32_t sign = 1u << (bits - 1);
      return int(stored ^ sign) - int(sign);
    }
    return int(stored) - bias;
  }
  uint32_t encode(int value) const {
    uint32_t mask = bits >= 32 ? ~0u : (1u << bits) - 1;
    return uint32_t(twosComplement ? value : value + bias) & mask;
  }
};

struct BlockLayout {
  unsigned elems = 0;    ///< elements per block, padding included
  unsigned bytes = 0;    ///< bytes per block
  unsigned subBlock = 0; ///< elements per sub-block (== elems if none)
  Offset offset = Offset::None;
  ScaleType scaleType = ScaleType::F16;
  bool hasSubScales = false;
  unsigned dOffset = 0;      ///< header scale d
  unsigned secondOffset = 0; ///< m (FloatMin) or dmin (SubMin)
  IntEncoding code, subScale, subMin;
  std::vector<IntField> codes;     ///< one per element
  std::vector<IntField> subScales; ///< one per sub-block if hasSubScales
  std::vector<IntField> subMins;   ///< one per sub-block if SubMin
  IntField zeroPoint;              ///< if ZeroPoint
  std::vector<float> codebook;     ///< level of each code, empty if uniform

  unsigned numSubBlocks() const { return elems / subBlock; }
};

/// A row of K weights: `fullBlocks` blocks in `full`, then optionally one
/// `tail` block whose first `tailValid` elements are weights and the rest
/// padding. For super-block schemes the tail is a truncated super-block:
/// the header plus only the sub-blocks the row has, in the generic layout.
struct RowLayout {
  unsigned rowLength = 0;
  unsigned fullBlocks = 0;
  BlockLayout full;
  bool hasTail = false;
  BlockLayout tail;
  unsigned tailValid = 0;
  size_t rowBytes = 0;
};

/// Requires validateScheme(scheme) to be empty and rowLength > 0.
RowLayout makeRowLayout(const Scheme &scheme, unsigned rowLength);

/// The generic (lowbit-own) layout of one block of `elems` elements:
/// d [m|dmin] [sub-scales] [sub-mins] [zero point] codes, integers packed
/// LSB-first as bit streams.
BlockLayout makeGenericLayout(const Scheme &scheme, unsigned elems);

unsigned scaleTypeBytes(ScaleType t);
float readScale(const uint8_t *p, ScaleType t);
void writeScale(uint8_t *p, ScaleType t, float v);
/// The value a float becomes once stored in `t`.
float roundToScaleType(float v, ScaleType t);

inline uint32_t readField(const uint8_t *block, const IntField &f) {
  uint32_t v = 0;
  for (unsigned i = 0; i < f.numParts; ++i) {
    const FieldPart &p = f.parts[i];
    v |= ((uint32_t(block[p.byte]) >> p.shift) & ((1u << p.width) - 1))
         << p.dst;
  }
  return v;
}

inline void writeField(uint8_t *block, const IntField &f, uint32_t v) {
  for (unsigned i = 0; i < f.numParts; ++i) {
    const FieldPart &p = f.parts[i];
    uint32_t bits = (v >> p.dst) & ((1u << p.width) - 1);
    block[p.byte] |= uint8_t(bits << p.shift);
  }
}

} // namespace lowbit::quant

#endif // LOWBIT_QUANT_BLOCKLAYOUT_H
