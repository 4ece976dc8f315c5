//===- BlockCodec.cpp - Table-driven block encoder and decoder ------------===//

#include "lowbit/Quant/BlockCodec.h"

#include <algorithm>
#include <cstring>

namespace lowbit::quant {

void encodeBlock(const BlockLayout &l, const LogicalBlock &b, uint8_t *out) {
  std::memset(out, 0, l.bytes);
  writeScale(out + l.dOffset, l.scaleType, b.d);
  if (l.offset == Offset::FloatMin || l.offset == Offset::SubMin)
    writeScale(out + l.secondOffset, l.scaleType, b.second);
  if (l.offset == Offset::ZeroPoint)
    writeField(out, l.zeroPoint, l.code.encode(b.zeroPoint));
  if (l.hasSubScales) {
    for (unsigned j = 0; j < l.numSubBlocks(); ++j) {
      writeField(out, l.subScales[j], l.subScale.encode(b.subScales[j]));
      if (l.offset == Offset::SubMin)
        writeField(out, l.subMins[j], l.subMin.encode(b.subMins[j]));
    }
  }
  for (unsigned p = 0; p < l.elems; ++p)
    writeField(out, l.codes[p], l.code.encode(b.codes[p]));
}

void decodeBlock(const BlockLayout &l, const uint8_t *blk, float *out,
                 unsigned valid) {
  const float d = readScale(blk + l.dOffset, l.scaleType);
  const bool hasSecond =
      l.offset == Offset::FloatMin || l.offset == Offset::SubMin;
  const float second =
      hasSecond ? readScale(blk + l.secondOffset, l.scaleType) : 0.0f;
  const int zp = l.offset == Offset::ZeroPoint
                     ? l.code.decode(readField(blk, l.zeroPoint))
                     : 0;
  const bool codebook = !l.codebook.empty();
  for (unsigned j = 0, n = l.numSubBlocks(); j < n; ++j) {
    unsigned begin = j * l.subBlock;
    if (begin >= valid)
      break;
    unsigned end = std::min(valid, begin + l.subBlock);
    float dl = d;
    float ml = 0.0f;
    if (l.hasSubScales)
      dl = d * float(l.subScale.decode(readField(blk, l.subScales[j])));
    if (l.offset == Offset::SubMin)
      ml = second * float(l.subMin.decode(readField(blk, l.subMins[j])));
    for (unsigned p = begin; p < end; ++p) {
      int v = l.code.decode(readField(blk, l.codes[p]));
      float level = codebook ? l.codebook[v] : float(v - zp);
      float value = dl * level;
      if (l.offset == Offset::FloatMin)
        value = value + second;
      else if (l.offset == Offset::SubMin)
        value = value - ml;
      out[p] = value;
    }
  }
}

void decodeRow(const RowLayout &row, const uint8_t *bytes, float *out) {
  unsigned group = row.full.elems;
  for (unsigned b = 0; b < row.fullBlocks; ++b)
    decodeBlock(row.full, bytes + size_t(b) * row.full.bytes, out + b * group,
                group);
  if (row.hasTail)
    decodeBlock(row.tail, bytes + size_t(row.fullBlocks) * row.full.bytes,
                out + row.fullBlocks * group, row.tailValid);
}

} // namespace lowbit::quant
