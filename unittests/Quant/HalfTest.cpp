//===- HalfTest.cpp - binary16 / bfloat16 conversions ---------------------===//

#include "lowbit/Quant/Half.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace lowbit::quant;

TEST(Half, DecodesEveryPatternLikeTheStandard) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
    float sign = (h & 0x8000) ? -1.0f : 1.0f;
    float expected;
    if (exp == 0)
      expected = sign * std::ldexp(float(mant), -24);
    else if (exp == 31)
      expected = mant ? NAN : sign * INFINITY;
    else
      expected = sign * std::ldexp(float(mant | 0x400), int(exp) - 25);
    float got = halfToFloat(uint16_t(h));
    if (std::isnan(expected))
      EXPECT_TRUE(std::isnan(got)) << h;
    else
      EXPECT_EQ(floatBits(got), floatBits(expected)) << std::hex << h;
  }
}

TEST(Half, EncodeRoundTripsEveryFiniteHalf) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    if (((h >> 10) & 0x1f) == 31)
      continue;
    EXPECT_EQ(floatToHalf(halfToFloat(uint16_t(h))), h) << std::hex << h;
  }
}

TEST(Half, RoundsToNearestEven) {
  // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties go to even (1).
  EXPECT_EQ(floatToHalf(1.0f + std::ldexp(1.0f, -11)), 0x3c00);
  // 1 + 3 x 2^-11 ties between odd 0x3c01 and even 0x3c02.
  EXPECT_EQ(floatToHalf(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);
  // Just above the tie rounds up.
  EXPECT_EQ(floatToHalf(std::nextafter(1.0f + std::ldexp(1.0f, -11), 2.0f)),
            0x3c01);
  // Subnormals: 2^-25 ties to 0, 3 x 2^-25 ties to 2 x 2^-24.
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -25)), 0x0000);
  EXPECT_EQ(floatToHalf(3 * std::ldexp(1.0f, -25)), 0x0002);
  EXPECT_EQ(floatToHalf(-0.0f), 0x8000);
  EXPECT_EQ(floatToHalf(65504.0f), 0x7bff);
  EXPECT_EQ(floatToHalf(65520.0f), 0x7c00);
  EXPECT_EQ(floatToHalf(1e-8f), 0x0000);
  // The largest normal rounding boundary: 2^-14 - 2^-25 rounds up to normal.
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -14) - std::ldexp(1.0f, -25)), 0x0400);
}

TEST(BFloat16, RoundsToNearestEven) {
  EXPECT_EQ(floatToBf16(1.0f), 0x3f80);
  EXPECT_EQ(floatToBf16(bitsToFloat(0x3f808000)), 0x3f80); // tie to even
  EXPECT_EQ(floatToBf16(bitsToFloat(0x3f818000)), 0x3f82); // tie to even
  EXPECT_EQ(floatToBf16(bitsToFloat(0x3f808001)), 0x3f81);
  EXPECT_EQ(bf16ToFloat(0xc000), -2.0f);
  EXPECT_EQ(floatToBf16(-0.0f), 0x8000);
}
