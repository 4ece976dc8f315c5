//===- SchemeTest.cpp - Scheme validation and spelling --------------------===//

#include "lowbit/Quant/Quantizer.h"

#include <gtest/gtest.h>

using namespace lowbit::quant;

TEST(Scheme, GgufFormatsAreValidWithNominalBitsPerWeight) {
  const std::pair<Format, double> nominal[] = {
      {Format::Q8_0, 8.5},    {Format::Q4_0, 4.5},   {Format::Q4_1, 5.0},
      {Format::Q5_0, 5.5},    {Format::Q5_1, 6.0},   {Format::Q2_K, 2.625},
      {Format::Q3_K, 3.4375}, {Format::Q4_K, 4.5},   {Format::Q5_K, 5.5},
      {Format::Q6_K, 6.5625}, {Format::IQ4_NL, 4.5}, {Format::IQ4_XS, 4.25}};
  for (auto [f, bpw] : nominal) {
    Scheme s = ggufScheme(f);
    EXPECT_EQ(validateScheme(s), "") << formatName(f);
    EXPECT_DOUBLE_EQ(bitsPerWeight(s, 4096), bpw) << formatName(f);
  }
  EXPECT_EQ(allGgufFormats().size(), 12u);
}

TEST(Scheme, ParsesAndPrintsEverySpelling) {
  const char *spellings[] = {"q4_k",
                             "iq4_xs",
                             "b3:g64:asym:f16",
                             "b2:g16:sym:bf16:sb256x4",
                             "b4:g32:sym:f16:nf4",
                             "b8:g128:zp:f32",
                             "b5:g32:asym:f16:sb256x6",
                             "b2:g32:sym:f16:cb=-1.5,-0.5,0.5,1.5"};
  for (const char *text : spellings) {
    std::string error;
    auto s = parseScheme(text, error);
    ASSERT_TRUE(s) << text << ": " << error;
    EXPECT_EQ(printScheme(*s), text);
    auto again = parseScheme(printScheme(*s), error);
    ASSERT_TRUE(again);
    EXPECT_TRUE(*again == *s);
  }
}

TEST(Scheme, RejectsImpossibleSchemesWithPreciseMessages) {
  const std::pair<const char *, const char *> bad[] = {
      {"b9:g32", "bits must be in [2, 8], got 9"},
      {"b1:g32", "bits must be in [2, 8], got 1"},
      {"b4:g12", "block size must be a multiple of 8 in [16, 256], got 12"},
      {"b4:g512", "block size must be a multiple of 8 in [16, 256], got 512"},
      {"b4:g32:sb48x6", "super-block size 48 must be a multiple of the block "
                        "size 32 holding at least two blocks"},
      {"b4:g32:sb256x9", "sub-scale bits must be in [2, 8], got 9"},
      {"b4:g32:zp:sb256x6",
       "super-blocks take offset sub_min (quantized mins), not zero_point"},
      {"b3:g32:nf4", "codebook nf4 has 16 levels and needs bits = 4, got 3"},
      {"b4:g32:asym:nf4", "codebook schemes are symmetric"},
      {"b2:g32:cb=1,2,3", "a custom codebook needs 2^bits = 4 levels, got 3"},
      {"b2:g32:cb=1,2,2,3", "custom codebook levels must be strictly "
                            "ascending (level 2)"},
      {"b4:g32:wat", "unknown scheme field 'wat'"},
  };
  for (auto [text, message] : bad) {
    std::string error;
    EXPECT_FALSE(parseScheme(text, error)) << text;
    EXPECT_NE(error.find(message), std::string::npos)
        << text << " gave: " << error;
  }
  Scheme q = ggufScheme(Format::Q4_K);
  q.bits = 3;
  EXPECT_NE(validateScheme(q).find("format q4_k fixes its parameters"),
            std::string::npos);
}

TEST(Scheme, SpellingsWithoutABitWidthAreErrors) {
  // llama.cpp's --tensor-type x=f16 habit: "f16" is float storage, never a
  // 4-bit scheme with f16 scales.
  for (const char *text : {"f16", "f32", "bf16", "sym", "asym", "g32:asym"}) {
    std::string error;
    EXPECT_FALSE(lowbit::quant::parseScheme(text, error)) << text;
    EXPECT_NE(error.find("names no bit width"), std::string::npos) << error;
  }
  std::string error;
  EXPECT_TRUE(lowbit::quant::parseScheme("b4:g32:sym:f16", error)) << error;
  EXPECT_TRUE(lowbit::quant::parseScheme("nf4", error)) << error;
}
