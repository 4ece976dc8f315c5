//===- BlockLayout.cpp - GGUF and generic block layout tables -------------===//
//
// The GGUF tables follow the byte layouts of ggml's block_* structs (see
// data/gguf-vectors/README.md, "Byte layouts").
//
//===----------------------------------------------------------------------===//

#include "lowbit/Quant/BlockLayout.h"
#include "lowbit/Quant/Half.h"

#include <algorithm>
#include <cassert>

namespace lowbit::quant {

unsigned scaleTypeBytes(ScaleType t) { return t == ScaleType::F32 ? 4 : 2; }

float readScale(const uint8_t *p, ScaleType t) {
  if (t == ScaleType::F32) {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  }
  uint16_t h = uint16_t(p[0] | (p[1] << 8));
  return t == ScaleType::F16 ? halfToFloat(h) : bf16ToFloat(h);
}

void writeScale(uint8_t *p, ScaleType t, float v) {
  if (t == ScaleType::F32) {
    std::memcpy(p, &v, 4);
    return;
  }
  uint16_t h = t == ScaleType::F16 ? floatToHalf(v) : floatToBf16(v);
  p[0] = uint8_t(h);
  p[1] = uint8_t(h >> 8);
}

float roundToScaleType(float v, ScaleType t) {
  switch (t) {
  case ScaleType::F32:
    return v;
  case ScaleType::F16:
    return halfToFloat(floatToHalf(v));
  case ScaleType::BF16:
    return bf16ToFloat(floatToBf16(v));
  }
  return v;
}

namespace {

IntField field(uint32_t byte, unsigned shift, unsigned width) {
  IntField f;
  f.parts[0] = {byte, uint8_t(shift), uint8_t(width), 0};
  f.numParts = 1;
  return f;
}

IntField field2(uint32_t byte0, unsigned shift0, unsigned width0,
                uint32_t byte1, unsigned shift1, unsigned width1) {
  IntField f;
  f.parts[0] = {byte0, uint8_t(shift0), uint8_t(width0), 0};
  f.parts[1] = {byte1, uint8_t(shift1), uint8_t(width1), uint8_t(width0)};
  f.numParts = 2;
  return f;
}

/// The integer with index `i` of a `bits`-wide LSB-first bit stream.
IntField streamField(unsigned base, unsigned i, unsigned bits) {
  unsigned bit = i * bits;
  unsigned byte = base + bit / 8, shift = bit % 8;
  unsigned first = std::min(bits, 8 - shift);
  if (first == bits)
    return field(byte, shift, bits);
  return field2(byte, shift, first, byte + 1, 0, bits - first);
}

unsigned streamBytes(unsigned count, unsigned bits) {
  return (count * bits + 7) / 8;
}

/// Code encoding of the generic layout: symmetric uniform codes are signed
/// levels stored with a bias; asymmetric and codebook codes are indices.
IntEncoding codeEncoding(const Scheme &s) {
  IntEncoding e;
  e.bits = s.bits;
  e.bias = (s.offset == Offset::None && s.codebook == Codebook::None)
               ? 1 << (s.bits - 1)
               : 0;
  return e;
}

void fillSemantics(BlockLayout &l, const Scheme &s, unsigned elems) {
  l.elems = elems;
  l.offset = s.offset;
  l.scaleType = s.scaleType;
  l.hasSubScales = s.hasSuperBlocks();
  l.subBlock = s.hasSuperBlocks() ? s.blockSize : elems;
  l.codebook = codebookLevels(s);
  l.code = codeEncoding(s);
  if (l.hasSubScales) {
    l.subScale.bits = s.subScaleBits;
    // Symmetric super-blocks carry the sign in the sub-scale (as q3_K,
    // q6_K, iq4_xs); asymmetric ones keep scales and mins unsigned.
    l.subScale.bias = s.offset == Offset::None ? 1 << (s.subScaleBits - 1) : 0;
    l.subMin.bits = s.subScaleBits;
  }
}

BlockLayout ggufLayout(Format f) {
  Scheme s = ggufScheme(f);
  BlockLayout l;
  fillSemantics(l, s, s.groupSize());
  l.codes.resize(l.elems);
  auto legacyNibble = [](unsigned base, unsigned p) {
    return field(base + p % 16, 4 * (p / 16), 4);
  };
  switch (f) {
  case Format::Q8_0:
    l.bytes = 34;
    l.code = {8, 0, true};
    for (unsigned p = 0; p < 32; ++p)
      l.codes[p] = field(2 + p, 0, 8);
    break;
  case Format::Q4_0:
  case Format::IQ4_NL:
    l.bytes = 18;
    for (unsigned p = 0; p < 32; ++p)
      l.codes[p] = legacyNibble(2, p);
    break;
  case Format::Q4_1:
    l.bytes = 20;
    l.secondOffset = 2;
    for (unsigned p = 0; p < 32; ++p)
      l.codes[p] = legacyNibble(4, p);
    break;
  case Format::Q5_0:
  case Format::Q5_1: {
    bool hasMin = f == Format::Q5_1;
    unsigned qh = hasMin ? 4 : 2, qs = qh + 4;
    l.bytes = hasMin ? 24 : 22;
    l.secondOffset = hasMin ? 2 : 0;
    for (unsigned p = 0; p < 32; ++p)
      l.codes[p] = field2(qs + p % 16, 4 * (p / 16), 4, qh + p / 8, p % 8, 1);
    break;
  }
  case Format::Q2_K:
    l.bytes = 84;
    l.dOffset = 80;
    l.secondOffset = 82;
    for (unsigned p = 0; p < 256; ++p) {
      unsigned h = p / 128, g = (p % 128) / 32, i = p % 32;
      l.codes[p] = field(16 + 32 * h + i, 2 * g, 2);
    }
    for (unsigned j = 0; j < 16; ++j) {
      l.subScales.push_back(field(j, 0, 4));
      l.subMins.push_back(field(j, 4, 4));
    }
    break;
  case Format::Q3_K:
    l.bytes = 110;
    l.dOffset = 108;
    l.code.bias = 4;
    for (unsigned p = 0; p < 256; ++p) {
      unsigned h = p / 128, g = (p % 128) / 32, i = p % 32;
      l.codes[p] = field2(32 + 32 * h + i, 2 * g, 2, i, p / 32, 1);
    }
    for (unsigned j = 0; j < 16; ++j)
      l.subScales.push_back(
          field2(96 + j % 8, 4 * (j / 8), 4, 96 + 8 + j % 4, 2 * (j / 4), 2));
    break;
  case Format::Q4_K:
  case Format::Q5_K: {
    bool five = f == Format::Q5_K;
    l.bytes = five ? 176 : 144;
    l.dOffset = 0;
    l.secondOffset = 2;
    unsigned qs = five ? 48 : 16;
    for (unsigned p = 0; p < 256; ++p) {
      unsigned sb = p / 32;
      unsigned byte = qs + 32 * (p / 64) + p % 32;
      l.codes[p] = five ? field2(byte, 4 * (sb % 2), 4, 16 + p % 32, sb, 1)
                        : field(byte, 4 * (sb % 2), 4);
    }
    for (unsigned sb = 0; sb < 8; ++sb) {
      if (sb < 4) {
        l.subScales.push_back(field(4 + sb, 0, 6));
        l.subMins.push_back(field(4 + sb + 4, 0, 6));
      } else {
        l.subScales.push_back(field2(4 + sb + 4, 0, 4, 4 + sb - 4, 6, 2));
        l.subMins.push_back(field2(4 + sb + 4, 4, 4, 4 + sb, 6, 2));
      }
    }
    break;
  }
  case Format::Q6_K:
    l.bytes = 210;
    l.dOffset = 208;
    l.code.bias = 32;
    l.subScale = {8, 0, true};
    for (unsigned p = 0; p < 256; ++p) {
      unsigned h = p / 128, g = (p % 128) / 32, i = p % 32;
      l.codes[p] = field2(64 * h + 32 * (g % 2) + i, 4 * (g / 2), 4,
                          128 + 32 * h + i, 2 * g, 2);
    }
    for (unsigned j = 0; j < 16; ++j)
      l.subScales.push_back(field(192 + j, 0, 8));
    break;
  case Format::IQ4_XS:
    l.bytes = 136;
    for (unsigned p = 0; p < 256; ++p) {
      unsigned b = p / 32, q = p % 32;
      l.codes[p] = field(8 + 16 * b + q % 16, 4 * (q / 16), 4);
    }
    for (unsigned b = 0; b < 8; ++b)
      l.subScales.push_back(
          field2(4 + b / 2, 4 * (b % 2), 4, 2 + (2 * b) / 8, (2 * b) % 8, 2));
    break;
  case Format::Generic:
    assert(false && "not a GGUF format");
  }
  return l;
}

} // namespace

BlockLayout makeGenericLayout(const Scheme &s, unsigned elems) {
  BlockLayout l;
  fillSemantics(l, s, elems);
  unsigned sz = scaleTypeBytes(s.scaleType);
  unsigned off = 0;
  l.dOffset = off;
  off += sz;
  if (s.offset == Offset::FloatMin || s.offset == Offset::SubMin) {
    l.secondOffset = off;
    off += sz;
  }
  if (l.hasSubScales) {
    unsigned n = l.numSubBlocks();
    for (unsigned j = 0; j < n; ++j)
      l.subScales.push_back(streamField(off, j, s.subScaleBits));
    off += streamBytes(n, s.subScaleBits);
    if (s.offset == Offset::SubMin) {
      for (unsigned j = 0; j < n; ++j)
        l.subMins.push_back(streamField(off, j, s.subScaleBits));
      off += streamBytes(n, s.subScaleBits);
    }
  }
  if (s.offset == Offset::ZeroPoint) {
    l.zeroPoint = streamField(off, 0, s.bits);
    off += 1;
  }
  for (unsigned p = 0; p < elems; ++p)
    l.codes.push_back(streamField(off, p, s.bits));
  off += streamBytes(elems, s.bits);
  l.bytes = off;
  return l;
}

RowLayout makeRowLayout(const Scheme &s, unsigned rowLength) {
  RowLayout r;
  r.rowLength = rowLength;
  unsigned group = s.groupSize();
  r.full = s.format == Format::Generic ? makeGenericLayout(s, group)
                                       : ggufLayout(s.format);
  r.fullBlocks = rowLength / group;
  unsigned rest = rowLength % group;
  if (rest) {
    r.hasTail = true;
    r.tailValid = rest;
    if (s.hasSuperBlocks()) {
      // Truncated super-block: only the sub-blocks the row has.
      unsigned subs = (rest + s.blockSize - 1) / s.blockSize;
      Scheme generic = s;
      generic.format = Format::Generic;
      r.tail = makeGenericLayout(generic, subs * s.blockSize);
    } else {
      r.tail = r.full; // a padded block
    }
  }
  r.rowBytes = size_t(r.fullBlocks) * r.full.bytes + (rest ? r.tail.bytes : 0);
  return r;
}

} // namespace lowbit::quant
