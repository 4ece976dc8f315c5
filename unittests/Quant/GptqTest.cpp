//===- GptqTest.cpp - GPTQ against known answers --------------------------===//

#include "lowbit/Quant/Gptq.h"
#include "TestData.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace lowbit::quant;
using namespace lowbit::testing;

namespace {

/// The packed upper triangle of XᵀX for `tokens` inputs of width k whose
/// features are correlated (a random mixing of fewer factors plus noise)
/// and of unequal scale, as real activations are.
std::vector<float> correlatedGram(unsigned k, unsigned tokens,
                                  std::mt19937 &rng) {
  std::normal_distribution<float> normal;
  unsigned factors = std::max(2u, k / 4);
  std::vector<float> mix(size_t(factors) * k), scale(k);
  for (float &m : mix)
    m = normal(rng);
  for (unsigned i = 0; i < k; ++i)
    scale[i] = std::exp(0.7f * normal(rng));
  std::vector<double> g(size_t(k) * k, 0.0);
  std::vector<float> f(factors), x(k);
  for (unsigned t = 0; t < tokens; ++t) {
    for (float &v : f)
      v = normal(rng);
    for (unsigned i = 0; i < k; ++i) {
      float s = 0.3f * normal(rng);
      for (unsigned j = 0; j < factors; ++j)
        s += f[j] * mix[size_t(j) * k + i];
      x[i] = s * scale[i];
    }
    for (unsigned i = 0; i < k; ++i)
      for (unsigned j = i; j < k; ++j)
        g[size_t(i) * k + j] += double(x[i]) * x[j];
  }
  std::vector<float> packed;
  for (unsigned i = 0; i < k; ++i)
    for (unsigned j = i; j < k; ++j)
      packed.push_back(float(g[size_t(i) * k + j]));
  return packed;
}

std::vector<float> identityGram(unsigned k) {
  std::vector<float> packed;
  for (unsigned i = 0; i < k; ++i)
    for (unsigned j = i; j < k; ++j)
      packed.push_back(i == j ? 1.0f : 0.0f);
  return packed;
}

std::vector<float> gaussian(size_t n, std::mt19937 &rng) {
  std::normal_distribution<float> normal;
  std::vector<float> x(n);
  for (float &v : x)
    v = normal(rng);
  return x;
}

/// Quantizes with GPTQ and decodes; empty on error (reported).
std::vector<float> gptqDecoded(const Scheme &s, const std::vector<float> &g,
                               const std::vector<float> &x, size_t rows,
                               unsigned k, const GptqOptions &o,
                               std::vector<uint8_t> *bytes = nullptr,
                               unsigned threads = 1) {
  GptqHessian h;
  std::string err = prepareGptq(g.data(), k, o, h);
  EXPECT_EQ(err, "");
  std::vector<uint8_t> q(rows * rowBytes(s, k));
  QuantOptions qo;
  qo.threads = threads;
  err = gptqQuantizeRows(s, h, x.data(), rows, k, q.data(), qo, "w");
  EXPECT_EQ(err, "") << printScheme(s);
  if (!err.empty())
    return {};
  std::vector<float> y(rows * k);
  dequantizeMatrix(s, q.data(), rows, k, y.data(), 1);
  if (bytes)
    *bytes = std::move(q);
  return y;
}

std::vector<float> plainDecoded(const Scheme &s, const std::vector<float> &x,
                                size_t rows, unsigned k, Method m,
                                const float *importance = nullptr) {
  std::vector<uint8_t> q(rows * rowBytes(s, k));
  QuantOptions qo;
  qo.method = m;
  qo.threads = 1;
  qo.importance = importance;
  EXPECT_EQ(quantizeMatrix(s, x.data(), rows, k, q.data(), qo, "w"), "");
  std::vector<float> y(rows * k);
  dequantizeMatrix(s, q.data(), rows, k, y.data(), 1);
  return y;
}

TEST(Gptq, FactorIsTheCholeskyOfTheInverse) {
  // Widths below, at and above the factorization's 64-column blocks.
  std::mt19937 rng(1);
  for (unsigned k : {1u, 5u, 37u, 64u, 150u}) {
    std::vector<float> g = correlatedGram(k, 4 * k + 8, rng);
    for (bool actOrder : {false, true}) {
      GptqOptions o;
      o.actOrder = actOrder;
      GptqHessian h;
      ASSERT_EQ(prepareGptq(g.data(), k, o, h), "");
      // (UᵀU) H_p = I, H_p the damped H in processing order.
      auto hp = [&](unsigned a, unsigned b) {
        unsigned i = std::min(h.order[a], h.order[b]);
        unsigned j = std::max(h.order[a], h.order[b]);
        if (i == j)
          return double(h.importance[i]);
        return double(g[size_t(i) * k - size_t(i) * (i - 1) / 2 + (j - i)]);
      };
      std::vector<double> inv(size_t(k) * k, 0.0); // UᵀU
      for (unsigned a = 0; a < k; ++a)
        for (unsigned c = 0; c < k; ++c)
          for (unsigned t = 0; t <= std::min(a, c); ++t)
            inv[size_t(a) * k + c] +=
                double(h.u[size_t(t) * k + a]) * h.u[size_t(t) * k + c];
      double worst = 0;
      for (unsigned a = 0; a < k; ++a)
        for (unsigned b = 0; b < k; ++b) {
          double s = 0;
          for (unsigned c = 0; c < k; ++c)
            s += inv[size_t(a) * k + c] * hp(c, b);
          worst = std::max(worst, std::fabs(s - (a == b ? 1.0 : 0.0)));
        }
      EXPECT_LT(worst, 2e-3) << "k " << k << (actOrder ? " act-order" : "");
    }
  }
}

TEST(Gptq, FactorDoesNotDependOnThreads) {
  std::mt19937 rng(4);
  unsigned k = 200;
  std::vector<float> g = correlatedGram(k, 2 * k, rng);
  GptqOptions one, three;
  one.threads = 1;
  three.threads = 3;
  GptqHessian a, b;
  ASSERT_EQ(prepareGptq(g.data(), k, one, a), "");
  ASSERT_EQ(prepareGptq(g.data(), k, three, b), "");
  EXPECT_EQ(a.u, b.u);
}

TEST(Gptq, NeverWorseThanRoundToNearestOnItsObjective) {
  std::mt19937 rng(7);
  for (const Scheme &s : everyScheme()) {
    for (unsigned k : {64u, 100u, 256u, 320u}) {
      size_t rows = 6;
      std::vector<float> g = correlatedGram(k, 2 * k, rng);
      std::vector<float> x = gaussian(rows * k, rng);
      for (bool actOrder : {false, true}) {
        GptqOptions o;
        o.actOrder = actOrder;
        std::vector<float> y = gptqDecoded(s, g, x, rows, k, o);
        ASSERT_FALSE(y.empty());
        std::vector<float> rtn = plainDecoded(s, x, rows, k, Method::Rtn);
        double eg = gptqObjective(g.data(), x.data(), y.data(), rows, k);
        double er = gptqObjective(g.data(), x.data(), rtn.data(), rows, k);
        EXPECT_LE(eg, er) << printScheme(s) << " k " << k
                          << (actOrder ? " act-order" : "");
      }
    }
  }
}

TEST(Gptq, BeatsTheImportanceWeightedSearchOnCorrelatedInputs) {
  // Summed over schemes: compensation must pay where inputs correlate.
  std::mt19937 rng(11);
  double gptq = 0, search = 0;
  for (const Scheme &s : everyScheme()) {
    unsigned k = 256;
    size_t rows = 8;
    std::vector<float> g = correlatedGram(k, 2 * k, rng);
    std::vector<float> x = gaussian(rows * k, rng);
    std::vector<float> diag(k);
    for (unsigned i = 0; i < k; ++i)
      diag[i] = g[size_t(i) * k - size_t(i) * (i - 1) / 2];
    std::vector<float> y = gptqDecoded(s, g, x, rows, k, GptqOptions());
    std::vector<float> z =
        plainDecoded(s, x, rows, k, Method::Search, diag.data());
    gptq += gptqObjective(g.data(), x.data(), y.data(), rows, k);
    search += gptqObjective(g.data(), x.data(), z.data(), rows, k);
  }
  EXPECT_LT(gptq, 0.8 * search) << gptq << " vs " << search;
}

TEST(Gptq, IdentityHessianGivesThePlainQuantizersChoice) {
  // With H = I and no damping nothing propagates, and every block is
  // fitted from the weights themselves: codes are the nearest levels of
  // the plain quantizer's parameters. Where the plain quantizer's codes
  // are themselves nearest (all but ggml's legacy rounding in rtn), the
  // bytes are equal.
  std::mt19937 rng(3);
  for (const Scheme &s : everyScheme()) {
    unsigned k = 256 + 64;
    size_t rows = 4;
    std::vector<float> x = gaussian(rows * k, rng);
    GptqOptions o;
    o.damp = 0;
    std::vector<uint8_t> gptqBytes;
    gptqDecoded(s, identityGram(k), x, rows, k, o, &gptqBytes);
    std::vector<uint8_t> plain(rows * rowBytes(s, k));
    QuantOptions qo;
    qo.method = Method::Search;
    qo.threads = 1;
    ASSERT_EQ(quantizeMatrix(s, x.data(), rows, k, plain.data(), qo, "w"), "");
    EXPECT_EQ(gptqBytes, plain) << printScheme(s);
  }
}

TEST(Gptq, ActOrderChangesCodesNotTheFormat) {
  std::mt19937 rng(5);
  for (Format f : {Format::Q4_K, Format::Q4_0, Format::IQ4_XS}) {
    Scheme s = ggufScheme(f);
    unsigned k = 256;
    size_t rows = 4;
    std::vector<float> g = correlatedGram(k, 2 * k, rng);
    std::vector<float> x = gaussian(rows * k, rng);
    GptqOptions plain, act;
    act.actOrder = true;
    std::vector<uint8_t> a, b;
    gptqDecoded(s, g, x, rows, k, plain, &a);
    std::vector<float> y = gptqDecoded(s, g, x, rows, k, act, &b);
    ASSERT_EQ(a.size(), b.size());
    EXPECT_NE(a, b) << printScheme(s);
    // The act-order bytes decode as the format: requantizing the decoded
    // values with the plain quantizer reproduces them closely.
    for (float v : y)
      EXPECT_TRUE(std::isfinite(v));
  }
}

TEST(Gptq, BytesDoNotDependOnThreads) {
  std::mt19937 rng(9);
  Scheme s = ggufScheme(Format::Q3_K);
  unsigned k = 256;
  size_t rows = 100; // four chunks, the last partial
  std::vector<float> g = correlatedGram(k, 2 * k, rng);
  std::vector<float> x = gaussian(rows * k, rng);
  std::vector<uint8_t> one, three;
  gptqDecoded(s, g, x, rows, k, GptqOptions(), &one, 1);
  gptqDecoded(s, g, x, rows, k, GptqOptions(), &three, 3);
  EXPECT_EQ(one, three);
}

TEST(Gptq, DeadColumnsAreZeroAndBadInputIsRefused) {
  unsigned k = 32;
  std::mt19937 rng(2);
  std::vector<float> g = correlatedGram(k, 80, rng);
  // Column 5 never activated: its row and column of H are zero.
  for (unsigned i = 0; i < k; ++i)
    for (unsigned j = i; j < k; ++j)
      if (i == 5 || j == 5)
        g[size_t(i) * k - size_t(i) * (i - 1) / 2 + (j - i)] = 0;
  Scheme s = ggufScheme(Format::Q8_0);
  std::vector<float> x = gaussian(2 * k, rng);
  std::vector<float> y = gptqDecoded(s, g, x, 2, k, GptqOptions());
  EXPECT_EQ(y[5], 0.0f);
  EXPECT_EQ(y[k + 5], 0.0f);
  // Silent columns (split off to a side path) are zero the same way.
  {
    GptqHessian silent;
    ASSERT_EQ(prepareGptq(g.data(), k, GptqOptions(), silent, {7}), "");
    EXPECT_TRUE(silent.dead[7]);
    std::vector<uint8_t> q(2 * rowBytes(s, k));
    ASSERT_EQ(gptqQuantizeRows(s, silent, x.data(), 2, k, q.data(),
                               QuantOptions(), "w"),
              "");
    std::vector<float> z(2 * k);
    dequantizeMatrix(s, q.data(), 2, k, z.data(), 1);
    EXPECT_EQ(z[7], 0.0f);
    EXPECT_EQ(z[k + 7], 0.0f);
    EXPECT_NE(prepareGptq(g.data(), k, GptqOptions(), silent, {k}), "");
  }

  GptqHessian h;
  std::vector<float> bad = g;
  bad[3] = NAN;
  EXPECT_NE(prepareGptq(bad.data(), k, GptqOptions(), h).find("non-finite"),
            std::string::npos);
  GptqOptions negative;
  negative.damp = -1;
  EXPECT_NE(prepareGptq(g.data(), k, negative, h).find("damp"),
            std::string::npos);
  // Indefinite without damping: H = -I.
  std::vector<float> minus = identityGram(k);
  for (float &v : minus)
    v = -v;
  // Negative diagonals count as dead columns; a negative off-diagonal
  // structure that is not positive definite is refused.
  std::vector<float> indefinite = identityGram(2);
  indefinite[1] = 2.0f; // [[1, 2], [2, 1]]
  GptqOptions undamped;
  undamped.damp = 0;
  EXPECT_NE(prepareGptq(indefinite.data(), 2, undamped, h)
                .find("not positive definite"),
            std::string::npos);
  ASSERT_EQ(prepareGptq(g.data(), k, GptqOptions(), h), "");
  x[3] = INFINITY;
  std::vector<uint8_t> q(2 * rowBytes(s, k));
  EXPECT_NE(gptqQuantizeRows(s, h, x.data(), 2, k, q.data(), QuantOptions(),
                             "w")
                .find("row 0, column 3 holds an infinity"),
            std::string::npos);
  EXPECT_NE(gptqQuantizeRows(s, h, x.data(), 1, 16, q.data(), QuantOptions(),
                             "w")
                .find("Gram matrix of 32 columns"),
            std::string::npos);
}

} // namespace
