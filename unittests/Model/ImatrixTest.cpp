//===- ImatrixTest.cpp - llama.cpp imatrix GGUF ---------------------------===//

#include "lowbit/Model/Imatrix.h"
#include "lowbit/Model/Gguf.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

using namespace lowbit::model;

TEST(Imatrix, ReadsLlamaCppImatrix) {
  ImportanceMap m;
  ASSERT_EQ(readImatrix(std::string(LOWBIT_DATA_DIR) +
                            "/models/stories260K-gguf/imatrix-stories1-23.gguf",
                        m),
            "");
  // 5 layers x 7 matrices.
  EXPECT_EQ(m.size(), 35u);
  ASSERT_TRUE(m.count("blk.2.ffn_down.weight"));
  EXPECT_EQ(m["blk.2.ffn_down.weight"].size(), 172u);
  EXPECT_EQ(m["blk.0.attn_q.weight"].size(), 64u);
  for (const auto &[name, v] : m)
    for (float x : v)
      EXPECT_TRUE(x >= 0 && std::isfinite(x)) << name;
}

TEST(Imatrix, RejectsOtherFilesAndBadEntries) {
  ImportanceMap m;
  std::string err =
      readImatrix(std::string(LOWBIT_DATA_DIR) +
                      "/models/stories260K-gguf/stories260K-f32.gguf",
                  m);
  EXPECT_NE(err.find("not an imatrix GGUF"), std::string::npos);
  std::string path = ::testing::TempDir() + "/bad-imatrix.gguf";
  std::vector<uint8_t> sums(16, 0), zero(4, 0);
  ASSERT_EQ(
      writeGguf(path, {{"general.type", GgufValue::ofString("imatrix")}},
                {{"w.in_sum2", {4}, 0, sums}, {"w.counts", {1}, 0, zero}}),
      "");
  err = readImatrix(path, m);
  EXPECT_NE(err.find("'w' has count 0"), std::string::npos) << err;
  ASSERT_EQ(writeGguf(path, {{"general.type", GgufValue::ofString("imatrix")}},
                      {{"w.in_sum2", {4}, 0, sums}}),
            "");
  err = readImatrix(path, m);
  EXPECT_NE(err.find("has no matching 'w.counts'"), std::string::npos) << err;
  std::remove(path.c_str());
}
