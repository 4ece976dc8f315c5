//===- Llama2CTest.cpp - llama2.c reader: real file and hostile files -----===//

#include "lowbit/Model/Llama2C.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace lowbit::model;

namespace {
const std::string kModel =
    std::string(LOWBIT_DATA_DIR) + "/models/stories260K/stories260K.bin";

/// A tiny valid checkpoint: dim 4, hidden 6, 1 layer, 2 heads, 1 kv head,
/// vocab `vocab` (negative: separate classifier), seq_len 2.
std::vector<uint8_t> tinyCheckpoint(int32_t vocab = 8) {
  int32_t header[7] = {4, 6, 1, 2, 1, vocab, 2};
  int64_t v = vocab < 0 ? -vocab : vocab;
  size_t floats = v * 4 + 4 + 16 + 8 + 8 + 16 + 4 + 24 + 24 + 24 + 4 +
                  2 * 1 * 2 + (vocab < 0 ? v * 4 : 0);
  std::vector<uint8_t> bytes(28 + floats * 4, 0);
  std::memcpy(bytes.data(), header, 28);
  return bytes;
}

std::string parse(const std::vector<uint8_t> &b) {
  Llama2CConfig c;
  std::vector<Llama2CTensor> t;
  return parseLlama2C(b.data(), b.size(), c, t);
}
} // namespace

TEST(Llama2C, ReadsStories260K) {
  Llama2CModel m;
  ASSERT_EQ(m.open(kModel), "");
  const Llama2CConfig &c = m.config();
  EXPECT_EQ(c.dim, 64);
  EXPECT_EQ(c.hiddenDim, 172);
  EXPECT_EQ(c.numLayers, 5);
  EXPECT_EQ(c.numHeads, 8);
  EXPECT_EQ(c.numKVHeads, 4);
  EXPECT_EQ(c.vocabSize, 512);
  EXPECT_TRUE(c.sharedClassifier);
  // 1 embedding + 5 x 9 per-layer + final norm.
  ASSERT_EQ(m.tensors().size(), 47u);
  size_t params = 0;
  for (const Llama2CTensor &t : m.tensors())
    params += t.numElements();
  EXPECT_EQ(params, 260032u);
  const Llama2CTensor &w2 = m.tensors()[1 + 5 * 7 + 2];
  EXPECT_EQ(w2.name, "blk.2.ffn_down.weight");
  EXPECT_EQ(w2.shape, (std::vector<int64_t>{64, 172}));
  const Llama2CTensor &wk = m.tensors()[1 + 5 * 2 + 4];
  EXPECT_EQ(wk.name, "blk.4.attn_k.weight");
  EXPECT_EQ(wk.shape, (std::vector<int64_t>{32, 64}));
}

TEST(Llama2C, AcceptsTinyValidFiles) {
  EXPECT_EQ(parse(tinyCheckpoint()), "");
  EXPECT_EQ(parse(tinyCheckpoint(-8)), "");
}

TEST(Llama2C, RejectsTruncatedFiles) {
  std::vector<uint8_t> b = tinyCheckpoint();
  EXPECT_EQ(parse(std::vector<uint8_t>(b.begin(), b.begin() + 10)),
            "truncated llama2.c header: 10 bytes, need 28");
  b.resize(b.size() - 40);
  EXPECT_NE(parse(b).find("truncated llama2.c file"), std::string::npos);
  b.resize(100);
  EXPECT_NE(parse(b).find("truncated llama2.c file: tensor"),
            std::string::npos);
}

TEST(Llama2C, RejectsLyingHeaders) {
  std::vector<uint8_t> b = tinyCheckpoint();
  int32_t huge = 0x7fffffff;
  std::memcpy(b.data() + 4, &huge, 4);
  EXPECT_EQ(
      parse(b),
      "llama2.c header: hidden_dim = 2147483647 is out of range [1, 2^20]");
  b = tinyCheckpoint();
  int32_t zero = 0;
  std::memcpy(b.data() + 8, &zero, 4);
  EXPECT_EQ(parse(b),
            "llama2.c header: n_layers = 0 is out of range [1, 2^20]");
  b = tinyCheckpoint();
  int32_t three = 3;
  std::memcpy(b.data() + 12, &three, 4);
  EXPECT_EQ(parse(b), "llama2.c header: dim 4 is not a multiple of n_heads 3");
  // A header that claims a smaller model than the file holds.
  b = tinyCheckpoint();
  b.resize(b.size() + 8);
  EXPECT_EQ(parse(b),
            "llama2.c file has 8 unexpected trailing bytes (wrong header?)");
}

TEST(Llama2C, ReportsMissingFiles) {
  Llama2CModel m;
  EXPECT_NE(m.open("/nonexistent/model.bin").find("cannot open"),
            std::string::npos);
}
