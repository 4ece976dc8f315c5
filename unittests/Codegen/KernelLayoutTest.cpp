//===- KernelLayoutTest.cpp - Repacked weights, byte for byte -------------===//
//
// An independent reader of the kernel layout (as KernelLayout.h documents
// it: records of R rows, crumb quads, nibble pairs, 5- and 6-bit
// planes, k-quads, one- and
// two-level scales, lookups) decodes every repacked weight and must agree
// bit for bit with lowbit::quant's decoder, for every GGUF format and
// parametric schemes, on every vector width the targets use.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Codegen/KernelLayout.h"
#include "lowbit/Quant/Half.h"
#include "lowbit/Quant/Quantizer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

using namespace lowbit;
using namespace lowbit::codegen;

namespace {

float readFloat(const uint8_t *p, bool half) {
  if (half) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return quant::halfToFloat(h);
  }
  float f;
  std::memcpy(&f, p, 4);
  return f;
}

/// Code of element e (0 <= e < R*G, row-major r*G + k) of a record.
uint32_t readCode(const KernelLayout &l, const uint8_t *rec, unsigned e) {
  const unsigned W = l.vectorBytes, G = l.group;
  // k-quads: chunk j holds codes 4j..4j+3 of every row.
  unsigned pos = e;
  if (l.quad) {
    unsigned r = e / G, k = e % G;
    pos = (k / 4) * W + 4 * r + k % 4;
  }
  if (l.codeBits == 8)
    return rec[pos];
  unsigned chunk = pos / W, i = pos % W;
  if (l.codeBits == 2) // chunk 4p + q in bits 2q..2q+1 of byte i of p
    return (rec[chunk / 4 * W + i] >> (2 * (chunk % 4))) & 3;
  uint8_t byte = rec[chunk / 2 * W + i];
  uint32_t code = chunk % 2 == 0 ? byte & 15 : byte >> 4;
  if (l.codeBits == 6) {
    // Plane byte j of pair p, bits 2k..2k+1: byte j + (k % 2) W/2 of chunk
    // 2p + k / 2.
    unsigned half = W / 2, p = chunk / 2;
    unsigned k = (chunk % 2) * 2 + i / half, j = i % half;
    uint8_t plane = rec[l.chunks() / 2 * W + p * half + j];
    code |= ((plane >> (2 * k)) & 3) << 4;
  } else if (l.codeBits == 5) {
    // Plane byte j of pair p, bit k: byte j + (k % 4) W/4 of chunk
    // 2p + k / 4.
    unsigned quarter = W / 4, p = chunk / 2;
    unsigned k = (chunk % 2) * 4 + i / quarter, j = i % quarter;
    uint8_t plane = rec[l.chunks() / 2 * W + p * quarter + j];
    code |= ((plane >> k) & 1) << 4;
  }
  return code;
}

/// Weight (row n, column c) as the kernels' float path computes it.
float decodeWeight(const KernelLayout &l, const std::vector<uint8_t> &bytes,
                   unsigned n, unsigned c) {
  const unsigned R = l.rowsPerGroup, G = l.group;
  unsigned g = n / R, r = n % R, b = c / G;
  const uint8_t *rec =
      bytes.data() + (size_t(g) * l.blocksPerRow() + b) * l.recordBytes();
  uint32_t u = readCode(l, rec, r * G + c % G);
  const uint8_t *ds = rec + l.codeBytes();
  const uint8_t *ms = ds + l.scaleBytes();
  float d, m = 0;
  if (l.twoLevel()) {
    const uint8_t *entry =
        bytes.data() + l.superOffset() +
        (size_t(g) * l.superBlocksPerRow() + b / l.superGroups) *
            l.superBytes();
    unsigned width = l.superF16 ? 2 : 4;
    float D = readFloat(entry + r * width, l.superF16);
    float sub = l.subSigned ? float(int8_t(ds[r])) : float(ds[r]);
    d = D * sub;
    if (l.hasMin) {
      float M = readFloat(entry + (R + r) * width, l.superF16);
      float msub = l.subSigned ? float(int8_t(ms[r])) : float(ms[r]);
      m = M * msub;
    }
  } else {
    unsigned w = l.scaleF16 ? 2 : 4, wm = l.minF16 ? 2 : 4;
    d = readFloat(ds + r * w, l.scaleF16);
    if (l.hasMin)
      m = readFloat(ms + r * wm, l.minF16);
  }
  float level = l.table.empty() ? float(int(u) - l.zeroPoint) : l.table[u];
  float v = d * level;
  return l.hasMin ? v + m : v;
}

std::vector<float> randomWeights(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 0.02f);
  std::vector<float> w(n);
  for (float &v : w)
    v = dist(rng);
  w[n / 3] = 0.3f; // an outlier, so scales differ between blocks
  return w;
}

void expectDecodesLikeQuant(const std::string &schemeText,
                            const KernelTarget &target, bool prefill,
                            unsigned rows, unsigned cols) {
  SCOPED_TRACE(schemeText + " W=" + std::to_string(target.vectorBytes) +
               (prefill ? " prefill" : "") + " " + std::to_string(rows) + "x" +
               std::to_string(cols));
  std::string error;
  std::optional<quant::Scheme> scheme = quant::parseScheme(schemeText, error);
  ASSERT_TRUE(scheme) << error;
  std::vector<float> w = randomWeights(size_t(rows) * cols, rows + cols);
  std::vector<uint8_t> packed(rows * quant::rowBytes(*scheme, cols));
  ASSERT_EQ(quant::quantizeMatrix(*scheme, w.data(), rows, cols, packed.data(),
                                  {}, "w"),
            "");
  std::vector<float> expected(w.size());
  quant::dequantizeMatrix(*scheme, packed.data(), rows, cols, expected.data());

  KernelLayout layout;
  std::vector<uint8_t> bytes;
  ASSERT_EQ(repackForKernel(*scheme, rows, cols, packed.data(), target, layout,
                            bytes, prefill),
            "");
  ASSERT_EQ(checkLayout(layout), "");
  ASSERT_EQ(bytes.size(), layout.totalBytes());
  EXPECT_EQ(layout.vectorBytes, target.vectorBytes);
  for (unsigned n = 0; n < rows; ++n)
    for (unsigned c = 0; c < cols; ++c) {
      float got = decodeWeight(layout, bytes, n, c);
      float want = expected[size_t(n) * cols + c];
      ASSERT_EQ(std::memcmp(&got, &want, 4), 0)
          << "row " << n << " col " << c << ": " << got << " vs " << want
          << " (layout " << layout.describe() << ")";
    }
}

const KernelTarget kVnni512{64, DotKind::X86Vnni512, LookupKind::X86Pshufb512,
                            4};
const KernelTarget kAvx2{32, DotKind::X86Avx2, LookupKind::X86Pshufb256, 4};
const KernelTarget kSdot{16, DotKind::NeonSdot, LookupKind::NeonTbl, 4};
const KernelTarget kNeonFloat{16, DotKind::None, LookupKind::None, 4};

const char *const kSchemes[] = {"q8_0",
                                "q4_0",
                                "q4_1",
                                "q5_0",
                                "q5_1",
                                "q2_k",
                                "q3_k",
                                "q4_k",
                                "q5_k",
                                "q6_k",
                                "iq4_nl",
                                "iq4_xs",
                                "b3:g64:asym",
                                "b4:g32:sym:f16:nf4",
                                "b5:g128:zp:bf16",
                                "b2:g16:asym:f16:sb256x4"};

TEST(KernelLayout, EveryWeightDecodesLikeTheQuantDecoder) {
  for (const char *s : kSchemes)
    for (const KernelTarget &t : {kVnni512, kAvx2, kSdot, kNeonFloat})
      for (bool prefill : {false, true})
        expectDecodesLikeQuant(s, t, prefill, 10, 300);
}

TEST(KernelLayout, Q4_0RecordBytes) {
  // 6 x 64 q4_0 for 64-byte vectors: 2 row groups of 4 rows, 2 groups of
  // 32 per row; a record is 4 x 32 nibbles (64 bytes: rows 0-1 in the low
  // nibbles, rows 2-3 in the high ones) and 4 half scales.
  std::vector<float> w(6 * 64);
  for (unsigned i = 0; i < w.size(); ++i)
    w[i] = float(int(i % 16) - 8) * 0.5f;
  quant::Scheme scheme = quant::ggufScheme(quant::Format::Q4_0);
  std::vector<uint8_t> packed(6 * quant::rowBytes(scheme, 64));
  ASSERT_EQ(
      quant::quantizeMatrix(scheme, w.data(), 6, 64, packed.data(), {}, "w"),
      "");
  KernelLayout l;
  std::vector<uint8_t> bytes;
  ASSERT_EQ(repackForKernel(scheme, 6, 64, packed.data(), kVnni512, l, bytes),
            "");
  EXPECT_EQ(l.describe(), "u4g32r4hz8");
  EXPECT_EQ(l.recordBytes(), 72u);
  EXPECT_EQ(l.totalBytes(), 288u);
  EXPECT_EQ(l.paddedRows(), 8u);
  // Byte j of record (0, 0): code of row j / 32 col j % 32, and of row
  // 2 + j / 32 in the high nibble. Codes are value / d + 8.
  for (unsigned j = 0; j < 64; ++j) {
    unsigned lowRow = j / 32, highRow = 2 + j / 32, col = j % 32;
    auto code = [&](unsigned r) {
      return unsigned(w[r * 64 + col] / 0.5f + 8.0f);
    };
    EXPECT_EQ(bytes[j], code(lowRow) | code(highRow) << 4) << "byte " << j;
  }
  // Rows 6 and 7 pad with the zero point and scale 0: they add nothing.
  const uint8_t *lastRecord = bytes.data() + 3 * 72;
  for (unsigned j = 32; j < 64; ++j)
    EXPECT_EQ(lastRecord[j] >> 4, 8u);
  EXPECT_EQ(lastRecord[64 + 2 * 2], 0);
  EXPECT_EQ(lastRecord[64 + 2 * 3], 0);
}

/// Random rows x cols weights quantized in `scheme`.
std::vector<uint8_t> quantized(const quant::Scheme &scheme, unsigned rows,
                               unsigned cols) {
  std::vector<float> w = randomWeights(size_t(rows) * cols, rows * cols);
  std::vector<uint8_t> packed(rows * quant::rowBytes(scheme, cols));
  EXPECT_EQ(quant::quantizeMatrix(scheme, w.data(), rows, cols, packed.data(),
                                  {}, "w"),
            "");
  return packed;
}

TEST(KernelLayout, TwoLevelScalesAndKQuads) {
  quant::Scheme q4k = quant::ggufScheme(quant::Format::Q4_K);
  std::vector<uint8_t> packed = quantized(q4k, 8, 256);
  KernelLayout decode, prefill;
  std::vector<uint8_t> a, b;
  ASSERT_EQ(repackForKernel(q4k, 8, 256, packed.data(), kVnni512, decode, a),
            "");
  ASSERT_EQ(repackForKernel(q4k, 8, 256, packed.data(), kVnni512, prefill, b,
                            /*prefill=*/true),
            "");
  // Sub-scales of 8 groups of 32 against a half per super-block.
  EXPECT_TRUE(decode.twoLevel());
  EXPECT_EQ(decode.superGroups, 8u);
  EXPECT_TRUE(decode.superF16);
  EXPECT_FALSE(decode.quad);
  // Prefill: one row per i32 lane of a 64-byte register.
  EXPECT_TRUE(prefill.quad);
  EXPECT_EQ(prefill.rowsPerGroup, 16u);
  // Without an int8 dot product there are no k-quads.
  KernelLayout floatLayout;
  std::vector<uint8_t> c;
  ASSERT_EQ(repackForKernel(q4k, 8, 256, packed.data(), kNeonFloat, floatLayout,
                            c, /*prefill=*/true),
            "");
  EXPECT_FALSE(floatLayout.quad);
}

TEST(KernelLayout, CodebooksLookUpOnlyWithAnIntegerPath) {
  quant::Scheme iq4 = quant::ggufScheme(quant::Format::IQ4_NL);
  std::vector<uint8_t> packed = quantized(iq4, 4, 64);
  KernelLayout withDot, without;
  std::vector<uint8_t> a, b;
  ASSERT_EQ(repackForKernel(iq4, 4, 64, packed.data(), kAvx2, withDot, a), "");
  ASSERT_EQ(repackForKernel(iq4, 4, 64, packed.data(), kNeonFloat, without, b),
            "");
  EXPECT_EQ(withDot.lookup.size(), 16u);
  EXPECT_EQ(withDot.codeBits, 4u);
  EXPECT_TRUE(usesIntegerDot(withDot, kAvx2, /*floatPath=*/false));
  EXPECT_FALSE(usesIntegerDot(withDot, kAvx2, /*floatPath=*/true));
  EXPECT_TRUE(without.lookup.empty());
}

TEST(KernelLayout, ChecksNameWhatIsWrong) {
  KernelLayout l;
  l.rows = 6;
  l.cols = 64;
  l.group = 32;
  l.rowsPerGroup = 4;
  l.vectorBytes = 64;
  l.codeBits = 4;
  l.zeroPoint = 8;
  EXPECT_EQ(checkLayout(l), "");
  KernelLayout bad = l;
  bad.codeBits = 3;
  EXPECT_EQ(checkLayout(bad), "code_bits must be 2, 4, 5, 6 or 8, got 3");
  bad = l;
  bad.rowsPerGroup = 1; // 32 codes do not fill a 64-byte register
  EXPECT_EQ(checkLayout(bad),
            "rows_per_group x group must fill whole vector registers");
  bad = l;
  bad.quad = true;
  EXPECT_NE(checkLayout(bad), "");
  bad = l;
  bad.rows = 0;
  EXPECT_EQ(checkLayout(bad), "empty shape");
  EXPECT_EQ(checkLayoutForTarget(l, kVnni512, false), "");
  EXPECT_EQ(checkLayoutForTarget(l, kAvx2, false),
            "the layout is for 64-byte vectors, the target has 32");
}

} // namespace
