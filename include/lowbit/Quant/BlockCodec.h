//===- BlockCodec.h - Logical blocks <-> bytes, through the tables -*- C++
//-*-===//
#ifndef LOWBIT_QUANT_BLOCKCODEC_H
#define LOWBIT_QUANT_BLOCKCODEC_H

#include "lowbit/Quant/BlockLayout.h"

namespace lowbit::quant {

/// The integers and header floats of one block before packing. `d` and
/// `second` hold the values as stored (already rounded to the scale type).
struct LogicalBlock {
  float d = 0, second = 0; ///< second: m (FloatMin) or dmin (SubMin)
  int zeroPoint = 0;
  std::vector<int> subScales, subMins, codes;
};

/// Packs `b` into `out` (layout.bytes bytes, overwritten).
void encodeBlock(const BlockLayout &layout, const LogicalBlock &b,
                 uint8_t *out);

/// Decodes the first `valid` elements of a block. The arithmetic order is
/// the GGUF one, ((d x s) x level) then +m or -(dmin x mc), so results are
/// bit-identical to ggml's dequantizers, signs of zero included.
void decodeBlock(const BlockLayout &layout, const uint8_t *block, float *out,
                 unsigned valid);

/// Decodes one row of a matrix laid out by `row`.
void decodeRow(const RowLayout &row, const uint8_t *bytes, float *out);

} // namespace lowbit::quant

#endif // LOWBIT_QUANT_BLOCKCODEC_H
