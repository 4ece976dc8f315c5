//===- ActivationRecorderTest.cpp - Statistics and the file layout --------===//

#include "lowbit/Calibration/ActivationRecorder.h"
#include "lowbit/Model/Gguf.h"
#include "lowbit/Model/Imatrix.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

using namespace lowbit;

namespace {

std::vector<float> floatsOf(const model::GgufTensor &t) {
  std::vector<float> v(size_t(t.bytes / 4));
  std::memcpy(v.data(), t.data, v.size() * 4);
  return v;
}

TEST(ActivationRecorder, SumsMaximaAndGramAgainstDirectSums) {
  // Two inputs: one shared by q/k/v (K = 5), one of K = 3; rows arrive in
  // several calls, one of them strided.
  ActivationRecorder r;
  r.reset({{"blk.0.attn_q.weight", "blk.0.attn_k.weight",
            "blk.0.attn_v.weight"},
           {"blk.0.ffn_down.weight"}},
          /*gram=*/true);
  std::mt19937 rng(5);
  std::normal_distribution<float> g(0.0f, 2.0f);
  std::vector<float> a(7 * 5), b(4 * 6);
  for (float &v : a)
    v = g(rng);
  for (float &v : b)
    v = g(rng);
  r.record(0, a.data(), 3, 5, 5);
  r.record(0, a.data() + 15, 4, 5, 5);
  r.record(1, b.data(), 4, 6, 3); // rows of 3 in a buffer of 6 per row
  ASSERT_EQ(r.error(), "");
  const ColumnStats &s = r.stats()[0];
  EXPECT_EQ(s.rows, 7u);
  for (int i = 0; i < 5; ++i) {
    double sq = 0, ab = 0;
    float mx = 0;
    for (int t = 0; t < 7; ++t) {
      float x = a[size_t(t * 5 + i)];
      sq += double(x) * x;
      ab += std::fabs(double(x));
      mx = std::max(mx, std::fabs(x));
    }
    EXPECT_DOUBLE_EQ(s.sumSquares[size_t(i)], sq);
    EXPECT_DOUBLE_EQ(s.sumAbs[size_t(i)], ab);
    EXPECT_EQ(s.maxAbs[size_t(i)], mx);
    for (int j = i; j < 5; ++j) {
      double gij = 0;
      for (int t = 0; t < 7; ++t)
        gij += double(a[size_t(t * 5 + i)]) * a[size_t(t * 5 + j)];
      size_t at = size_t(i * 5 - i * (i - 1) / 2 + (j - i));
      EXPECT_NEAR(s.gram[at], gij, 1e-12 * std::fabs(gij) + 1e-12);
    }
  }
  EXPECT_EQ(r.stats()[1].rows, 4u);
  EXPECT_DOUBLE_EQ(r.stats()[1].sumSquares[2],
                   double(b[2]) * b[2] + double(b[8]) * b[8] +
                       double(b[14]) * b[14] + double(b[20]) * b[20]);

  // A width that changes is an error, not a silent mix.
  r.record(1, b.data(), 1, 4, 4);
  EXPECT_NE(r.error().find("blk.0.ffn_down.weight' was recorded with rows "
                           "of 3 and of 4"),
            std::string::npos);
}

TEST(ActivationRecorder, WritesLlamaCppsImatrixLayoutAndLowbitsExtras) {
  ActivationRecorder r;
  r.reset({{"blk.0.ffn_gate.weight", "blk.0.ffn_up.weight"}}, true);
  float rows[2][4] = {{1, -2, 3, 0.5f}, {-1, 4, 0, 2}};
  r.record(0, &rows[0][0], 2, 4, 4);
  std::string path = ::testing::TempDir() + "/recorder.gguf";
  ASSERT_EQ(r.writeGguf(path, {"text.txt", 1, 2}), "");
  model::GgufFile file;
  ASSERT_EQ(file.open(path), "");
  EXPECT_EQ(file.find("general.type")->s, "imatrix");
  EXPECT_EQ(*file.find("imatrix.chunk_count")->asInt(), 1);
  EXPECT_EQ(*file.find("imatrix.chunk_size")->asInt(), 2);
  ASSERT_EQ(file.find("lowbit.gram.inputs")->items.size(), 1u);
  EXPECT_EQ(file.find("lowbit.gram.inputs")->items[0].s,
            "blk.0.ffn_gate.weight blk.0.ffn_up.weight");
  for (const char *w : {"blk.0.ffn_gate.weight", "blk.0.ffn_up.weight"}) {
    std::string n = w;
    EXPECT_EQ(floatsOf(*file.findTensor(n + ".in_sum2")),
              (std::vector<float>{2, 20, 9, 4.25f}));
    EXPECT_EQ(floatsOf(*file.findTensor(n + ".counts")),
              std::vector<float>{2});
    EXPECT_EQ(floatsOf(*file.findTensor(n + ".lowbit.sum_abs")),
              (std::vector<float>{2, 6, 3, 2.5f}));
    EXPECT_EQ(floatsOf(*file.findTensor(n + ".lowbit.max_abs")),
              (std::vector<float>{1, 4, 3, 2}));
  }
  // Once per input, under the first weight: the upper triangle of XᵀX.
  EXPECT_EQ(floatsOf(*file.findTensor("blk.0.ffn_gate.weight.lowbit.gram")),
            (std::vector<float>{2, -6, 3, -1.5f, 20, -6, 7, 9, 1.5f, 4.25f}));
  EXPECT_EQ(file.findTensor("blk.0.ffn_up.weight.lowbit.gram"), nullptr);
  // lowbit's own reader of llama.cpp's files reads it: mean x^2.
  model::ImportanceMap imp;
  ASSERT_EQ(model::readImatrix(path, imp), "");
  EXPECT_EQ(imp["blk.0.ffn_up.weight"], (std::vector<float>{1, 10, 4.5f,
                                                            2.125f}));
  std::remove(path.c_str());
}

} // namespace
