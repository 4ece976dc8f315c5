//===- SparseOutliersTest.cpp - Choosing, refitting, keeping exactly ------===//

#include "lowbit/Quant/Gptq.h"
#include "lowbit/Quant/SparseOutliers.h"
#include "TestData.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace lowbit::quant;
using namespace lowbit::testing;

namespace {

std::vector<float> decoded(const Scheme &s, const std::vector<uint8_t> &q,
                           size_t rows, unsigned k) {
  std::vector<float> y(rows * k);
  dequantizeMatrix(s, q.data(), rows, k, y.data(), 1);
  return y;
}

/// Gaussian weights with a few planted large ones, as real weight
/// matrices have (one in about 300 weights 8-20 sigma).
std::vector<float> weightsWithOutliers(size_t n, unsigned seed) {
  std::vector<float> x = gaussian(n, seed);
  std::mt19937 rng(seed + 1);
  std::uniform_int_distribution<size_t> where(0, n - 1);
  std::uniform_real_distribution<float> size(0.16f, 0.4f);
  for (size_t i = 0; i < n / 300; ++i)
    x[where(rng)] = (i % 2 ? -1 : 1) * size(rng);
  return x;
}

TEST(SparseOutliers, CountRoundsTheFraction) {
  EXPECT_EQ(outlierCount(1000, 0.01), 10u);
  EXPECT_EQ(outlierCount(1000, 0.0015), 2u);
  EXPECT_EQ(outlierCount(1000, 0.0), 0u);
  EXPECT_EQ(outlierCount(10, 2.0), 10u);
}

TEST(SparseOutliers, SelectionTakesTheLargestGainsWhateverTheChunks) {
  const unsigned k = 48;
  const size_t rows = 40;
  std::vector<float> gains = gaussian(rows * k, 3);
  for (float &g : gains)
    g = std::fabs(g);
  gains[5] = 0.0f; // never chosen
  // Two exact ties at the top: the lower position wins the last place.
  gains[7] = gains[7 + 2 * k] = 1.0f;
  size_t count = 1;
  OutlierSelection whole(k, count);
  whole.add(0, rows, gains.data());
  EXPECT_EQ(whole.finish(), std::vector<uint64_t>{7});

  // The brute-force answer, and the same from any chunking.
  count = 37;
  std::vector<std::pair<float, uint64_t>> all;
  for (size_t i = 0; i < gains.size(); ++i)
    all.push_back({gains[i], i});
  std::sort(all.begin(), all.end(), [](auto &a, auto &b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<uint64_t> expected;
  for (size_t i = 0; i < count; ++i)
    expected.push_back(all[i].second);
  std::sort(expected.begin(), expected.end());
  for (size_t chunk : {size_t(1), size_t(7), rows}) {
    OutlierSelection s(k, count);
    for (size_t r = 0; r < rows; r += chunk) {
      size_t n = std::min(chunk, rows - r);
      s.add(r, n, gains.data() + r * k);
    }
    EXPECT_EQ(s.finish(), expected) << "chunks of " << chunk;
  }
}

TEST(SparseOutliers, MaskMarksOnlyTheRowsAsked) {
  std::vector<uint64_t> positions = {1, 9, 10, 17, 30};
  std::vector<uint8_t> mask(16);
  markOutliers(positions, 1, 2, 8, mask.data()); // rows 1-2: 8..23
  std::vector<uint8_t> expected(16, 0);
  expected[1] = expected[2] = expected[9] = 1;
  EXPECT_EQ(mask, expected);
}

TEST(SparseOutliers, KeptWeightsAreExactAndTheRestFitsBetter) {
  // For every scheme: quantized + residual is the weight at every kept
  // position, and the weights that stay are fitted at least as well as
  // when the outliers shared their blocks' scales.
  const unsigned k = 512;
  const size_t rows = 12;
  std::vector<float> x = weightsWithOutliers(rows * k, 11);
  for (const Scheme &s : everyScheme()) {
    size_t bytes = rowBytes(s, k) * rows;
    std::vector<uint8_t> plain(bytes), split(bytes);
    QuantOptions o;
    o.threads = 1;
    ASSERT_EQ(quantizeMatrix(s, x.data(), rows, k, plain.data(), o, "w"), "");
    std::vector<float> y = decoded(s, plain, rows, k);
    std::vector<float> gains(x.size());
    ASSERT_EQ(outlierGains(s, x.data(), rows, k, o, "w", gains.data()), "");
    OutlierSelection sel(k, outlierCount(x.size(), 0.01));
    sel.add(0, rows, gains.data());
    std::vector<uint64_t> chosen = sel.finish();
    ASSERT_EQ(chosen.size(), outlierCount(x.size(), 0.01));
    std::vector<uint8_t> mask(x.size());
    markOutliers(chosen, 0, rows, k, mask.data());
    std::vector<float> residuals(x.size(), 1.0f);
    ASSERT_EQ(quantizeWithOutliers(s, x.data(), rows, k, mask.data(),
                                   split.data(), residuals.data(), o, "w"),
              "");
    std::vector<float> z = decoded(s, split, rows, k);
    double before = 0, after = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      if (mask[i]) {
        // One rounding of the sum: an ulp of the larger term.
        EXPECT_NEAR(z[i] + residuals[i], x[i],
                    1e-6f * std::max(std::fabs(x[i]), std::fabs(z[i])))
            << printScheme(s) << " at " << i;
        before += double(x[i] - y[i]) * (x[i] - y[i]);
        continue;
      }
      EXPECT_EQ(residuals[i], 0.0f);
      before += double(x[i] - y[i]) * (x[i] - y[i]);
      after += double(x[i] - z[i]) * (x[i] - z[i]);
    }
    // With 1 % of the weights exact the total error must fall well below
    // the plain quantization's: the planted weights stretch their blocks'
    // scales. Measured 0.16-0.39 from 3 bits up, 0.55-0.62 at 2 bits
    // (where rounding noise is most of the error); choosing by each
    // weight's own error alone gave 0.65-0.85.
    EXPECT_LT(after, (s.bits >= 3 ? 0.45 : 0.65) * before) << printScheme(s);
    SparseRows csr;
    csr.appendRows(rows, k, mask.data(), residuals.data());
    ASSERT_EQ(csr.rowOffsets.size(), rows + 1);
    EXPECT_EQ(csr.rowOffsets.back(), chosen.size());
    for (size_t r = 0; r < rows; ++r)
      for (uint32_t p = csr.rowOffsets[r]; p < csr.rowOffsets[r + 1]; ++p) {
        EXPECT_TRUE(mask[r * k + csr.columns[p]]);
        EXPECT_EQ(csr.values[p], residuals[r * k + csr.columns[p]]);
        if (p > csr.rowOffsets[r])
          EXPECT_LT(csr.columns[p - 1], csr.columns[p]);
      }
  }
}

TEST(SparseOutliers, AWholeBlockKeptExactlyStillQuantizes) {
  // Every weight of the first block kept: the block's fit sees only zero
  // importance and must still give finite bytes.
  const unsigned k = 64;
  std::vector<float> x = gaussian(k, 5);
  std::vector<uint8_t> mask(k, 0);
  std::fill(mask.begin(), mask.begin() + 32, 1);
  for (const Scheme &s : everyScheme()) {
    std::vector<uint8_t> q(rowBytes(s, k));
    std::vector<float> residuals(k);
    QuantOptions o;
    o.threads = 1;
    ASSERT_EQ(quantizeWithOutliers(s, x.data(), 1, k, mask.data(), q.data(),
                                   residuals.data(), o, "w"),
              "")
        << printScheme(s);
    std::vector<float> z = decoded(s, q, 1, k);
    for (unsigned i = 0; i < 32; ++i)
      EXPECT_NEAR(z[i] + residuals[i], x[i], 1e-6f) << printScheme(s);
  }
}

TEST(SparseOutliers, GptqKeepsThemExactAndDoesNotCompensateThem) {
  // Identity H: GPTQ is the plain fit, and compensation never moves other
  // weights, so the kept weights' residual is x - code exactly and the
  // others fit as quantizeWithOutliers fits them (same fitter, same
  // importance up to scale).
  const unsigned k = 256;
  const size_t rows = 6;
  std::vector<float> x = weightsWithOutliers(rows * k, 21);
  std::vector<float> gram;
  for (unsigned i = 0; i < k; ++i)
    for (unsigned j = i; j < k; ++j)
      gram.push_back(i == j ? 1.0f : 0.0f);
  Scheme s = ggufScheme(Format::Q4_0);
  GptqOptions go;
  go.damp = 0;
  GptqHessian h;
  ASSERT_EQ(prepareGptq(gram.data(), k, go, h), "");
  std::vector<uint8_t> mask(x.size(), 0);
  for (size_t i = 0; i < x.size(); ++i)
    mask[i] = std::fabs(x[i]) > 0.1f;
  QuantOptions o;
  o.threads = 1;
  // Search: its codes are the nearest levels, as GPTQ's are (ggml's legacy
  // rtn rounding is not).
  o.method = Method::Search;
  std::vector<uint8_t> q(rows * rowBytes(s, k)), ref(q.size());
  std::vector<float> residuals(x.size(), 0.0f), refResiduals(x.size());
  ASSERT_EQ(gptqQuantizeRows(s, h, x.data(), rows, k, q.data(), o, "w",
                             mask.data(), residuals.data()),
            "");
  ASSERT_EQ(quantizeWithOutliers(s, x.data(), rows, k, mask.data(), ref.data(),
                                 refResiduals.data(), o, "w"),
            "");
  std::vector<float> z = decoded(s, q, rows, k), zr = decoded(s, ref, rows, k);
  size_t differ = 0;
  for (size_t i = 0; i < x.size(); ++i)
    differ += !mask[i] && z[i] != zr[i];
  EXPECT_EQ(differ, 0u);
  for (size_t i = 0; i < x.size(); ++i)
    if (mask[i])
      EXPECT_NEAR(z[i] + residuals[i], x[i], 1e-6f);
    else
      EXPECT_EQ(residuals[i], 0.0f);
}

} // namespace
