//===- QuantizerTest.cpp - Matrices: tails, errors, threads, bad input ----===//

#include "lowbit/Quant/Quantizer.h"
#include "TestData.h"

#include <atomic>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace lowbit::quant;
using namespace lowbit::testing;

namespace {

/// Relative RMS error a scheme of b bits must stay under on Gaussian data.
double relativeBound(unsigned bits) {
  static const double bound[] = {0,    0,    0.62,  0.35, 0.19,
                                 0.10, 0.05, 0.025, 0.013};
  return bound[bits];
}

struct Roundtrip {
  std::vector<float> x, y;
  std::vector<uint8_t> q;
};

Roundtrip roundtrip(const Scheme &s, size_t rows, unsigned cols,
                    const QuantOptions &opts = {}, unsigned seed = 7) {
  Roundtrip r;
  r.x = gaussian(rows * cols, seed);
  r.q.assign(rows * rowBytes(s, cols), 0);
  EXPECT_EQ(quantizeMatrix(s, r.x.data(), rows, cols, r.q.data(), opts, "t"),
            "");
  r.y.assign(r.x.size(), 0);
  dequantizeMatrix(s, r.q.data(), rows, cols, r.y.data());
  return r;
}

} // namespace

TEST(Quantizer, EverySchemeQuantizesShortAndRaggedRows) {
  // stories260K's rows of 64 and 172, plus a row longer than a super-block.
  for (const Scheme &s : everyScheme())
    for (unsigned cols : {64u, 172u, 300u}) {
      Roundtrip r = roundtrip(s, 16, cols);
      ErrorStats e = measureError(r.x.data(), r.y.data(), r.x.size());
      EXPECT_LT(e.relative, relativeBound(s.bits))
          << printScheme(s) << " cols " << cols;
      // The tail is quantized in the scheme, as well as the body.
      unsigned group = s.groupSize();
      if (cols % group && cols > group) {
        double body = 0, tail = 0;
        unsigned tailStart = cols / group * group;
        for (size_t row = 0; row < 16; ++row)
          for (unsigned k = 0; k < cols; ++k) {
            double d = r.x[row * cols + k] - r.y[row * cols + k];
            (k < tailStart ? body : tail) += d * d;
          }
        body /= 16.0 * tailStart;
        tail /= 16.0 * (cols - tailStart);
        EXPECT_LT(tail, 2.5 * body) << printScheme(s) << " cols " << cols;
      }
    }
}

TEST(Quantizer, BitsPerWeightCountsStoredBytes) {
  for (const Scheme &s : everyScheme())
    for (unsigned cols : {64u, 172u, 4096u}) {
      RowLayout row = makeRowLayout(s, cols);
      size_t bytes =
          row.fullBlocks * row.full.bytes + (row.hasTail ? row.tail.bytes : 0);
      EXPECT_EQ(rowBytes(s, cols), bytes);
      EXPECT_DOUBLE_EQ(bitsPerWeight(s, cols), 8.0 * bytes / cols);
      EXPECT_GE(bitsPerWeight(s, cols), double(s.bits));
    }
}

TEST(Quantizer, ResultsAreIdenticalForAnyThreadCount) {
  for (const Scheme &s : {ggufScheme(Format::Q4_K), ggufScheme(Format::Q4_0),
                          ggufScheme(Format::IQ4_XS)}) {
    std::vector<float> x = gaussian(37 * 172, 3);
    std::vector<std::vector<uint8_t>> outs;
    for (unsigned threads : {1u, 2u, 5u, 64u}) {
      QuantOptions opts;
      opts.threads = threads;
      std::vector<uint8_t> q(37 * rowBytes(s, 172));
      ASSERT_EQ(quantizeMatrix(s, x.data(), 37, 172, q.data(), opts, "t"), "");
      outs.push_back(q);
    }
    for (size_t i = 1; i < outs.size(); ++i)
      EXPECT_EQ(outs[i], outs[0]) << printScheme(s);
  }
}

TEST(Quantizer, RejectsNonFiniteWeightsNamingTensorAndRow) {
  std::vector<float> x = gaussian(8 * 64, 1);
  x[3 * 64 + 5] = NAN;
  std::vector<uint8_t> q(8 * rowBytes(ggufScheme(Format::Q4_0), 64));
  std::string err = quantizeMatrix(ggufScheme(Format::Q4_0), x.data(), 8, 64,
                                   q.data(), {}, "layers.0.wq");
  EXPECT_EQ(err, "layers.0.wq: row 3, column 5 holds NaN; weights must be "
                 "finite");
  x[3 * 64 + 5] = 0;
  x[6 * 64] = -INFINITY;
  err = quantizeMatrix(ggufScheme(Format::Q4_K), x.data(), 8, 64, q.data(), {},
                       "w2");
  EXPECT_EQ(err, "w2: row 6, column 0 holds an infinity; weights must be "
                 "finite");
}

TEST(Quantizer, ScaleOverflowIsAnErrorUnlessClamped) {
  // 1e6 needs a q4_0 scale of 1e6 / 8, beyond f16's 65504: refused by
  // default (naming row and block); with clampScales the block is clipped
  // to the largest magnitude its f16 scale holds, and every other block is
  // quantized exactly as without the outlier.
  std::vector<float> x = gaussian(4 * 96, 2);
  Scheme q4 = ggufScheme(Format::Q4_0);
  std::vector<uint8_t> plain(4 * rowBytes(q4, 96)), q(plain.size());
  ASSERT_EQ(quantizeMatrix(q4, x.data(), 4, 96, plain.data(), {}, "w"), "");
  x[2 * 96 + 40] = 1e6f;
  QuantStats stats;
  std::string err =
      quantizeMatrix(q4, x.data(), 4, 96, q.data(), {}, "w", &stats);
  EXPECT_EQ(err, "w: row 2, block 1 (columns 32-63): its largest weight, "
                 "1e+06, needs a block scale beyond the range of f16; "
                 "clamp-scales=true clips such blocks (with a warning)");
  EXPECT_EQ(stats.clampedBlocks, 0u);
  QuantOptions clamp;
  clamp.clampScales = true;
  ASSERT_EQ(quantizeMatrix(q4, x.data(), 4, 96, q.data(), clamp, "w", &stats),
            "");
  EXPECT_EQ(stats.clampedBlocks, 1u);
  std::vector<float> y(x.size());
  dequantizeMatrix(q4, q.data(), 4, 96, y.data());
  for (float v : y)
    ASSERT_TRUE(std::isfinite(v));
  EXPECT_GT(y[2 * 96 + 40], 0.9f * 65504.0f * 8.0f); // clipped, not zeroed
  size_t blockBytes = rowBytes(q4, 96) / 3;
  for (size_t r = 0; r < 4; ++r)
    for (size_t b = 0; b < 3; ++b)
      if (!(r == 2 && b == 1))
        EXPECT_EQ(std::memcmp(&q[r * 3 * blockBytes + b * blockBytes],
                              &plain[r * 3 * blockBytes + b * blockBytes],
                              blockBytes),
                  0);
  // f32 scales hold it.
  std::string err32;
  Scheme f32 = *parseScheme("b4:g32:sym:f32", err32);
  std::vector<uint8_t> q32(4 * rowBytes(f32, 96));
  EXPECT_EQ(quantizeMatrix(f32, x.data(), 4, 96, q32.data(), {}, "w"), "");
}

/// Squared error of one row quantized in `s`.
double rowError(const Scheme &s, const std::vector<float> &x) {
  unsigned k = unsigned(x.size());
  std::vector<uint8_t> q(rowBytes(s, k));
  std::vector<float> y(k);
  EXPECT_EQ(quantizeMatrix(s, x.data(), 1, k, q.data(), {}, "x"), "");
  dequantizeMatrix(s, q.data(), 1, k, y.data());
  double e = 0;
  for (unsigned i = 0; i < k; ++i)
    e += (double(x[i]) - y[i]) * (double(x[i]) - y[i]);
  return e;
}

TEST(Quantizer, AsymmetricSearchClipsEitherEnd) {
  // A planted block: a cluster on four levels 1/3 apart and one low
  // outlier. The best lattice moves below the outlier (step 1/6 from
  // -7/6); a search anchored only at the minimum cannot find it, and the
  // mirror image (-x, outlier high) fitted 25x better. Free-offset schemes
  // fit a block and its mirror alike (up to the f16 rounding of the min).
  std::vector<float> x(32);
  const int levels[32] = {0, 0, 1, 1, 2, 3, 1, 0, 0, 1, 2, 2, 1, 1, 2, 3,
                          0, 3, 2, 1, 3, 0, 2, 2, 0, 2, 2, 3, 1, 3, 2, 2};
  for (unsigned i = 0; i < 32; ++i)
    x[i] = float(levels[i]) / 3.0f;
  x[21] = -1.1164f;
  std::vector<float> mirror(x);
  for (float &v : mirror)
    v = -v;
  std::string err;
  for (const char *name : {"q4_1", "b4:g32:asym", "q5_1"}) {
    Scheme s = *parseScheme(name, err);
    double a = rowError(s, x), b = rowError(s, mirror);
    EXPECT_LT(a, 0.002) << name; // was 0.034
    EXPECT_LT(std::max(a, b) / std::min(a, b), 1.1) << name;
  }
}

TEST(Quantizer, RejectsBadImportanceAndSchemes) {
  std::vector<float> x = gaussian(64, 1), imp(64, 1.0f);
  imp[9] = -1;
  std::vector<uint8_t> q(rowBytes(ggufScheme(Format::Q4_K), 64));
  QuantOptions opts;
  opts.importance = imp.data();
  EXPECT_EQ(quantizeMatrix(ggufScheme(Format::Q4_K), x.data(), 1, 64, q.data(),
                           opts, "w"),
            "w: importance value 9 is negative or not finite");
  Scheme bad;
  bad.bits = 12;
  EXPECT_EQ(quantizeMatrix(bad, x.data(), 1, 64, q.data(), {}, "w"),
            "w: invalid scheme: bits must be in [2, 8], got 12");
}

TEST(Quantizer, ImportanceLowersTheWeightedError) {
  const unsigned cols = 256, rows = 32;
  std::vector<float> x = gaussian(rows * cols, 11);
  std::vector<float> imp(cols, 1.0f);
  for (unsigned k = 0; k < cols; k += 7)
    imp[k] = 100.0f;
  for (const Scheme &s : {ggufScheme(Format::Q4_K), ggufScheme(Format::Q3_K),
                          ggufScheme(Format::Q4_0)}) {
    auto weighted = [&](const float *importance) {
      QuantOptions opts;
      opts.importance = importance;
      std::vector<uint8_t> q(rows * rowBytes(s, cols));
      EXPECT_EQ(quantizeMatrix(s, x.data(), rows, cols, q.data(), opts, "t"),
                "");
      std::vector<float> y(x.size());
      dequantizeMatrix(s, q.data(), rows, cols, y.data());
      double e = 0;
      for (size_t i = 0; i < x.size(); ++i)
        e += imp[i % cols] * double(x[i] - y[i]) * double(x[i] - y[i]);
      return e;
    };
    EXPECT_LT(weighted(imp.data()), 0.9 * weighted(nullptr)) << printScheme(s);
  }
}

TEST(Quantizer, RuleMethodsAreRoundToNearest) {
  // Absmax on symmetric q8_0 equals ggml's rule; on a constant row every
  // method reproduces the constant within the fp16 rounding of the scale.
  std::vector<float> x(64, 0.5f);
  for (Method m :
       {Method::Rtn, Method::Absmax, Method::MinMax, Method::Search}) {
    for (Format f : {Format::Q8_0, Format::Q4_0, Format::Q4_1, Format::Q4_K}) {
      Scheme s = ggufScheme(f);
      QuantOptions opts;
      opts.method = m;
      std::vector<uint8_t> q(rowBytes(s, 64));
      ASSERT_EQ(quantizeMatrix(s, x.data(), 1, 64, q.data(), opts, "c"), "");
      std::vector<float> y(64);
      dequantizeMatrix(s, q.data(), 1, 64, y.data());
      for (float v : y)
        EXPECT_NEAR(v, 0.5f, 5e-4f) << formatName(f) << " " << methodName(m);
    }
  }
}

TEST(Quantizer, ZeroRowsDecodeToZero) {
  std::vector<float> x(2 * 172, 0.0f);
  for (const Scheme &s : everyScheme()) {
    std::vector<uint8_t> q(2 * rowBytes(s, 172));
    ASSERT_EQ(quantizeMatrix(s, x.data(), 2, 172, q.data(), {}, "z"), "");
    std::vector<float> y(x.size(), 1.0f);
    dequantizeMatrix(s, q.data(), 2, 172, y.data());
    for (float v : y)
      EXPECT_EQ(v, 0.0f) << printScheme(s);
  }
}

TEST(ParallelFor, CoversEveryIndexOnceWhateverTheThreadCount) {
  // Absurd counts are capped (kMaxThreads), never an abort.
  for (unsigned threads : {0u, 1u, 3u, 100000u}) {
    std::vector<std::atomic<int>> hits(1000);
    lowbit::quant::parallelFor(hits.size(), threads,
                               [&](size_t begin, size_t end) {
                                 for (size_t i = begin; i < end; ++i)
                                   ++hits[i];
                               });
    for (size_t i = 0; i < hits.size(); ++i)
      ASSERT_EQ(hits[i].load(), 1) << "index " << i << ", threads " << threads;
  }
}
