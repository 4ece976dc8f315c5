//===- GoldenVectorsTest.cpp - lowbit::quant against llama.cpp's bytes ----===//
//
// For each GGUF format and input distribution (data/gguf-vectors):
//  - decoding llama.cpp's bytes reproduces its dequantized floats bit for bit;
//  - method rtn reproduces llama.cpp's bytes for the legacy formats;
//  - the default search decodes with at most llama.cpp's error (plain RMSE
//    without importance, importance-weighted RMSE with it).
//
//===----------------------------------------------------------------------===//

#include "TestData.h"
#include "lowbit/Quant/Half.h"
#include "lowbit/Quant/Quantizer.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace lowbit::quant;
using namespace lowbit::testing;

namespace {

constexpr size_t kRows = 4, kCols = 512;

struct Case {
  Format format;
  std::string dist;
};

std::string ggmlName(Format f) {
  std::string n = formatName(f);
  if (n.size() == 4 && n[3] == 'k' && n[0] == 'q')
    n[3] = 'K';
  return n;
}

std::vector<Case> allCases() {
  std::vector<Case> cases;
  for (Format f : allGgufFormats())
    for (const char *d : {"gauss", "heavy", "edge"})
      cases.push_back({f, d});
  return cases;
}

std::string caseName(const ::testing::TestParamInfo<Case> &info) {
  return std::string(formatName(info.param.format)) + "_" + info.param.dist;
}

double weightedRmse(const std::vector<float> &x, const std::vector<float> &y,
                    const std::vector<float> *imp) {
  double num = 0, den = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    double w = imp ? (*imp)[i % kCols] : 1.0;
    double e = double(x[i]) - double(y[i]);
    num += w * e * e;
    den += w;
  }
  return std::sqrt(num / den);
}

class GoldenVectors : public ::testing::TestWithParam<Case> {
protected:
  std::string prefix() const {
    return goldenPath(ggmlName(GetParam().format) + "." + GetParam().dist);
  }
  Scheme scheme() const { return ggufScheme(GetParam().format); }
};

TEST_P(GoldenVectors, DecodesBitExactly) {
  for (const char *variant : {"", ".imatrix"}) {
    if (GetParam().format == Format::Q8_0 && *variant)
      continue;
    std::vector<uint8_t> bytes = readBytes(prefix() + variant + ".quant.bin");
    std::vector<float> expected =
        readFloats(prefix() + variant + ".dequant.f32");
    ASSERT_EQ(bytes.size(), kRows * rowBytes(scheme(), kCols));
    ASSERT_EQ(expected.size(), kRows * kCols);
    std::vector<float> got(kRows * kCols);
    dequantizeMatrix(scheme(), bytes.data(), kRows, kCols, got.data());
    for (size_t i = 0; i < got.size(); ++i)
      ASSERT_EQ(floatBits(got[i]), floatBits(expected[i]))
          << variant << " element " << i << ": " << got[i]
          << " != " << expected[i];
  }
}

TEST_P(GoldenVectors, SearchErrorAtMostLlamaCpp) {
  std::vector<float> x = readFloats(prefix() + ".input.f32");
  std::vector<float> imp =
      readFloats(goldenPath(GetParam().dist + ".imatrix.f32"));
  ASSERT_EQ(x.size(), kRows * kCols);
  for (bool useImportance : {false, true}) {
    if (useImportance && GetParam().format == Format::Q8_0)
      continue;
    std::string variant = useImportance ? ".imatrix" : "";
    std::vector<float> ref = readFloats(prefix() + variant + ".dequant.f32");
    QuantOptions opts;
    opts.importance = useImportance ? imp.data() : nullptr;
    std::vector<uint8_t> q(kRows * rowBytes(scheme(), kCols));
    ASSERT_EQ(quantizeMatrix(scheme(), x.data(), kRows, kCols, q.data(), opts,
                             "golden"),
              "");
    std::vector<float> y(x.size());
    dequantizeMatrix(scheme(), q.data(), kRows, kCols, y.data());
    const std::vector<float> *w = useImportance ? &imp : nullptr;
    double ours = weightedRmse(x, y, w), theirs = weightedRmse(x, ref, w);
    EXPECT_LE(ours, theirs) << "importance=" << useImportance;
    RecordProperty(variant.empty() ? "rmse_ratio" : "wrmse_ratio",
                   std::to_string(ours / theirs));
  }
}

TEST_P(GoldenVectors, SearchNeverWorseThanRtn) {
  std::vector<float> x = readFloats(prefix() + ".input.f32");
  auto quantize = [&](Method m) {
    QuantOptions opts;
    opts.method = m;
    std::vector<uint8_t> q(kRows * rowBytes(scheme(), kCols));
    EXPECT_EQ(quantizeMatrix(scheme(), x.data(), kRows, kCols, q.data(), opts,
                             "golden"),
              "");
    std::vector<float> y(x.size());
    dequantizeMatrix(scheme(), q.data(), kRows, kCols, y.data());
    return y;
  };
  std::vector<float> rtn = quantize(Method::Rtn),
                     search = quantize(Method::Search);
  // Per row, since each block keeps the better of the two.
  for (size_t r = 0; r < kRows; ++r) {
    double er = 0, es = 0;
    for (size_t k = 0; k < kCols; ++k) {
      size_t i = r * kCols + k;
      er += double(x[i] - rtn[i]) * double(x[i] - rtn[i]);
      es += double(x[i] - search[i]) * double(x[i] - search[i]);
    }
    EXPECT_LE(es, er) << "row " << r;
  }
}

INSTANTIATE_TEST_SUITE_P(AllFormats, GoldenVectors,
                         ::testing::ValuesIn(allCases()), caseName);

class GoldenRtnBytes : public ::testing::TestWithParam<Case> {};

TEST_P(GoldenRtnBytes, MatchesLlamaCppReference) {
  Scheme s = ggufScheme(GetParam().format);
  std::string prefix =
      goldenPath(ggmlName(GetParam().format) + "." + GetParam().dist);
  std::vector<float> x = readFloats(prefix + ".input.f32");
  std::vector<uint8_t> expected = readBytes(prefix + ".quant.bin");
  QuantOptions opts;
  opts.method = Method::Rtn;
  std::vector<uint8_t> q(kRows * rowBytes(s, kCols));
  ASSERT_EQ(quantizeMatrix(s, x.data(), kRows, kCols, q.data(), opts, "g"), "");
  ASSERT_EQ(q.size(), expected.size());
  for (size_t i = 0; i < q.size(); ++i)
    ASSERT_EQ(int(q[i]), int(expected[i])) << "byte " << i;
}

std::vector<Case> legacyCases() {
  std::vector<Case> cases;
  for (Format f :
       {Format::Q8_0, Format::Q4_0, Format::Q4_1, Format::Q5_0, Format::Q5_1})
    for (const char *d : {"gauss", "heavy", "edge"})
      cases.push_back({f, d});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Legacy, GoldenRtnBytes,
                         ::testing::ValuesIn(legacyCases()), caseName);

} // namespace
