//===- LegacyRtnTest.cpp - The legacy formats' fast path, byte for byte ---===//

#include "TestData.h"
#include "lowbit/Quant/Quantizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace lowbit::quant;
using namespace lowbit::testing;

namespace {

std::string quantize(const Scheme &s, const std::vector<float> &x, size_t rows,
                     unsigned k, bool genericOnly, std::vector<uint8_t> &bytes,
                     bool clamp = false) {
  bytes.assign(rows * rowBytes(s, k), 0);
  QuantOptions o;
  o.method = Method::Rtn;
  o.threads = 1;
  o.genericOnly = genericOnly;
  o.clampScales = clamp;
  return quantizeMatrix(s, x.data(), rows, k, bytes.data(), o, "w");
}

TEST(LegacyRtn, SameBytesAsTheGenericFitter) {
  // Gaussian rows at several scales, blocks of zeros, one-hot blocks, ties
  // at half a step, tiny (subnormal-scale) and huge (near the f16 limit)
  // values, for every legacy format.
  const unsigned k = 256;
  std::vector<float> x = gaussian(k * 12, 17, 1.0f);
  for (unsigned i = 0; i < k; ++i) {
    x[k + i] *= 1e-3f;
    x[2 * k + i] = 0.0f;
    x[3 * k + i] = i % 32 == 5 ? -3.0f : 0.0f;
    x[4 * k + i] = float(int(i % 17) - 8) * 0.5f; // exact halves
    x[5 * k + i] *= 1e-6f;
    x[6 * k + i] *= 1e-30f;
    x[7 * k + i] *= 15000.0f; // q4_1 stores the min in f16 too
    x[8 * k + i] = i % 32 == 0 ? 1.0f : 0.49999997f;
    x[9 * k + i] = std::fabs(x[9 * k + i]); // one-signed blocks
    x[10 * k + i] = -std::fabs(x[10 * k + i]);
    // Signed zeros as the minimum (their sign reaches q4_1's stored min):
    // in order the first zero is -0, a tree of min()s would find +0.
    x[11 * k + i] = i % 32 == 1    ? -0.0f
                    : i % 32 == 16 ? 0.0f
                                   : std::fabs(x[11 * k + i]) + 0.1f;
  }
  for (Format f :
       {Format::Q8_0, Format::Q4_0, Format::Q4_1, Format::Q5_0, Format::Q5_1}) {
    Scheme s = ggufScheme(f);
    std::vector<uint8_t> fast, generic;
    ASSERT_EQ(quantize(s, x, 12, k, false, fast), "") << formatName(f);
    ASSERT_EQ(quantize(s, x, 12, k, true, generic), "") << formatName(f);
    EXPECT_EQ(fast, generic) << formatName(f);
  }
}

TEST(LegacyRtn, OverflowingScalesGoTheGenericWay) {
  // A block needing a scale beyond f16: the same error as the generic
  // path, and with clamp-scales the same clipped bytes.
  const unsigned k = 64;
  std::vector<float> x = gaussian(2 * k, 3, 1.0f);
  x[k + 40] = 3e9f;
  for (Format f :
       {Format::Q8_0, Format::Q4_0, Format::Q4_1, Format::Q5_0, Format::Q5_1}) {
    Scheme s = ggufScheme(f);
    std::vector<uint8_t> fast, generic;
    std::string e1 = quantize(s, x, 2, k, false, fast);
    std::string e2 = quantize(s, x, 2, k, true, generic);
    EXPECT_NE(e1, "") << formatName(f);
    EXPECT_EQ(e1, e2) << formatName(f);
    ASSERT_EQ(quantize(s, x, 2, k, false, fast, true), "");
    ASSERT_EQ(quantize(s, x, 2, k, true, generic, true), "");
    EXPECT_EQ(fast, generic) << formatName(f);
  }
}

TEST(LegacyRtn, NonFiniteWeightsAreNamedFirst) {
  // A NaN after an overflowing block, and an infinity alone: the same
  // message as the generic path, which checks every row before writing.
  const unsigned k = 64;
  for (Format f : {Format::Q8_0, Format::Q4_0, Format::Q5_1}) {
    Scheme s = ggufScheme(f);
    std::vector<float> x = gaussian(4 * k, 9, 1.0f);
    x[k + 3] = 3e9f;
    x[3 * k + 7] = NAN;
    std::vector<uint8_t> fast, generic;
    std::string e1 = quantize(s, x, 4, k, false, fast);
    EXPECT_NE(e1.find("row 3, column 7 holds NaN"), std::string::npos) << e1;
    EXPECT_EQ(e1, quantize(s, x, 4, k, true, generic));
    x[3 * k + 7] = 1.0f;
    x[2 * k] = -INFINITY;
    x[k + 3] = 1.0f;
    e1 = quantize(s, x, 4, k, false, fast);
    EXPECT_NE(e1.find("row 2, column 0 holds an infinity"), std::string::npos)
        << e1;
    EXPECT_EQ(e1, quantize(s, x, 4, k, true, generic));
  }
}

} // namespace
