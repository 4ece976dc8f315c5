//===- FormatTest.cpp - Byte layouts built by hand from the definitions ---===//

#include "lowbit/Quant/Half.h"
#include "lowbit/Quant/Quantizer.h"

#include <gtest/gtest.h>

using namespace lowbit::quant;

namespace {
std::vector<float> decode(const Scheme &s, const std::vector<uint8_t> &bytes,
                          unsigned k) {
  std::vector<float> out(k);
  dequantizeMatrix(s, bytes.data(), 1, k, out.data(), 1);
  return out;
}
} // namespace

TEST(Format, Q4_0BlockFromTheDefinition) {
  // d = 0.5; element k < 16 is the low nibble of byte 2 + k, k >= 16 the
  // high nibble of byte 2 + k - 16; value = (nibble - 8) x d.
  std::vector<uint8_t> b(18, 0);
  b[0] = 0x00, b[1] = 0x38; // fp16 0.5
  for (unsigned k = 0; k < 16; ++k)
    b[2 + k] = uint8_t((k & 15) | ((15 - k) << 4));
  std::vector<float> v = decode(ggufScheme(Format::Q4_0), b, 32);
  for (unsigned k = 0; k < 32; ++k) {
    int nibble = k < 16 ? int(k) : int(15 - (k - 16));
    EXPECT_EQ(v[k], float(nibble - 8) * 0.5f) << k;
  }
}

TEST(Format, Q4_KScalesAndMinsFromTheDefinition) {
  // d = 1, dmin = 0.25; sub-block s has scale s + 1 and min 2s (6-bit
  // packing with the high bits of s >= 4 in bytes 0..7); all codes 3.
  std::vector<uint8_t> b(144, 0);
  b[0] = 0x00, b[1] = 0x3c; // d = 1
  b[2] = 0x00, b[3] = 0x34; // dmin = 0.25
  uint8_t *sc = b.data() + 4;
  for (unsigned s = 0; s < 8; ++s) {
    unsigned scale = s + 1 + (s >= 4 ? 48 : 0), min = 2 * s + (s >= 6 ? 32 : 0);
    if (s < 4) {
      sc[s] = uint8_t(scale);
      sc[s + 4] = uint8_t(min);
    } else {
      sc[s + 4] = uint8_t((scale & 15) | ((min & 15) << 4));
      sc[s - 4] |= uint8_t((scale >> 4) << 6);
      sc[s] |= uint8_t((min >> 4) << 6);
    }
  }
  for (unsigned i = 0; i < 128; ++i)
    b[16 + i] = 0x33;
  std::vector<float> v = decode(ggufScheme(Format::Q4_K), b, 256);
  for (unsigned k = 0; k < 256; ++k) {
    unsigned s = k / 32;
    float scale = float(s + 1 + (s >= 4 ? 48 : 0));
    float min = float(2 * s + (s >= 6 ? 32 : 0));
    EXPECT_EQ(v[k], scale * 3.0f - 0.25f * min) << k;
  }
}

TEST(Format, GenericLayoutIsHeaderThenLsbFirstBitStream) {
  // b3:g16:sym:f16 — d (2 bytes) then 16 codes x 3 bits = 6 bytes; a code
  // stores level + 4.
  std::string err;
  Scheme s = *parseScheme("b3:g16:sym:f16", err);
  ASSERT_EQ(rowBytes(s, 16), 8u);
  std::vector<uint8_t> b(8, 0);
  b[0] = 0x00, b[1] = 0x3c; // d = 1
  uint64_t stream = 0;
  for (unsigned k = 0; k < 16; ++k)
    stream |= uint64_t(k % 8) << (3 * k);
  for (unsigned i = 0; i < 6; ++i)
    b[2 + i] = uint8_t(stream >> (8 * i));
  std::vector<float> v = decode(s, b, 16);
  for (unsigned k = 0; k < 16; ++k)
    EXPECT_EQ(v[k], float(int(k % 8) - 4)) << k;
}

TEST(Format, ZeroPointBlockFromTheDefinition) {
  // b4:g16:zp:f32 — f32 d, one zero-point byte (4 bits used), 8 code bytes.
  std::string err;
  Scheme s = *parseScheme("b4:g16:zp:f32", err);
  ASSERT_EQ(rowBytes(s, 16), 4u + 1u + 8u);
  std::vector<uint8_t> b(13, 0);
  float d = 0.125f;
  std::memcpy(b.data(), &d, 4);
  b[4] = 5; // z
  for (unsigned i = 0; i < 8; ++i)
    b[5 + i] = uint8_t((2 * i) | ((2 * i + 1) << 4));
  std::vector<float> v = decode(s, b, 16);
  for (unsigned k = 0; k < 16; ++k)
    EXPECT_EQ(v[k], 0.125f * float(int(k) - 5)) << k;
}

TEST(Format, TruncatedSuperBlockStoresOnlyPresentSubBlocks) {
  // A K-quant row of 64 holds 2 of 8 sub-blocks: d, dmin, 2 six-bit scales
  // (2 bytes), 2 six-bit mins (2 bytes), 64 four-bit codes (32 bytes).
  Scheme q4k = ggufScheme(Format::Q4_K);
  EXPECT_EQ(rowBytes(q4k, 64), 2u + 2u + 2u + 2u + 32u);
  // 172 = 6 sub-blocks of 32, the last one padded: 4 + 5 + 5 + 96.
  EXPECT_EQ(rowBytes(q4k, 172), 110u);
  // 300 = one full super-block (144 bytes) + 2 sub-blocks (40 bytes).
  EXPECT_EQ(rowBytes(q4k, 300), 144u + 40u);
  // Legacy formats pad the last block: 172 = 6 blocks of 18 bytes.
  EXPECT_EQ(rowBytes(ggufScheme(Format::Q4_0), 172), 108u);
  EXPECT_DOUBLE_EQ(bitsPerWeight(ggufScheme(Format::Q4_0), 172),
                   8.0 * 108 / 172);
  // q6_K tail of 64: d, 4 eight-bit scales, 64 six-bit codes.
  EXPECT_EQ(rowBytes(ggufScheme(Format::Q6_K), 64), 2u + 4u + 48u);
}

TEST(Format, EncodeDecodeRoundTripsLogicalBlocksInEveryLayout) {
  std::string err;
  std::vector<Scheme> schemes;
  for (Format f : allGgufFormats())
    schemes.push_back(ggufScheme(f));
  for (const char *t : {"b3:g64:asym:f16", "b5:g32:zp:bf16",
                        "b6:g16:sym:f32:sb128x5", "b2:g16:asym:f16:sb64x4"})
    schemes.push_back(*parseScheme(t, err));
  for (const Scheme &s : schemes) {
    RowLayout row = makeRowLayout(s, s.groupSize());
    const BlockLayout &l = row.full;
    // Every byte position is owned by at most one field bit.
    std::vector<uint8_t> owned(l.bytes, 0);
    auto claim = [&](const IntField &f) {
      for (unsigned i = 0; i < f.numParts; ++i) {
        const FieldPart &p = f.parts[i];
        ASSERT_LT(p.byte, l.bytes);
        uint8_t mask = uint8_t(((1u << p.width) - 1) << p.shift);
        EXPECT_EQ(owned[p.byte] & mask, 0) << printScheme(s);
        owned[p.byte] |= mask;
      }
    };
    for (const IntField &f : l.codes)
      claim(f);
    for (const IntField &f : l.subScales)
      claim(f);
    for (const IntField &f : l.subMins)
      claim(f);
  }
}
