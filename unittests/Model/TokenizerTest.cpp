//===- TokenizerTest.cpp - llama2.c BPE on the bundled vocabulary ---------===//

#include "lowbit/Model/Tokenizer.h"
#include "lowbit/Model/Llama2C.h"

#include <gtest/gtest.h>

using namespace lowbit::model;

namespace {
Tokenizer load() {
  Llama2CTokenizer t;
  EXPECT_EQ(readLlama2CTokenizer(std::string(LOWBIT_DATA_DIR) +
                                     "/models/stories260K/tok512.bin",
                                 512, t),
            "");
  return Tokenizer(t.tokens, t.scores, 1, 2);
}
} // namespace

TEST(Tokenizer, EncodesLikeLlama2C) {
  Tokenizer tok = load();
  // The documented prompt of data/models/stories260K/SOURCE.md.
  EXPECT_EQ(tok.encode("Once upon a time"),
            (std::vector<int32_t>{1, 403, 407, 261, 378}));
  EXPECT_EQ(tok.encode(""), (std::vector<int32_t>{1}));
}

TEST(Tokenizer, FallsBackToBytesAndDecodes) {
  Tokenizer tok = load();
  // 漢 is not in the vocabulary: the dummy-prefix space, then its three
  // UTF-8 bytes as byte tokens (id = 3 + byte).
  std::vector<int32_t> ids = tok.encode("\xe6\xbc\xa2", false);
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids[1], 3 + 0xE6);
  EXPECT_EQ(ids[2], 3 + 0xBC);
  EXPECT_EQ(ids[3], 3 + 0xA2);
  EXPECT_EQ(tok.decode(ids[1]) + tok.decode(ids[2]) + tok.decode(ids[3]),
            "\xe6\xbc\xa2");
  std::string text;
  for (int32_t id : tok.encode("Lily's mom said, \"go\".\nThe end."))
    text += tok.decode(id);
  EXPECT_EQ(text, "<s> Lily's mom said, \"go\".\nThe end.");
}

TEST(Tokenizer, ReaderRejectsBadFiles) {
  Llama2CTokenizer t;
  EXPECT_NE(readLlama2CTokenizer(std::string(LOWBIT_DATA_DIR) +
                                     "/models/stories260K/tok512.bin",
                                 600, t)
                .find("truncated at token 512"),
            std::string::npos);
  Llama2CTokenizer u;
  EXPECT_NE(readLlama2CTokenizer(std::string(LOWBIT_DATA_DIR) +
                                     "/models/stories260K/tok512.bin",
                                 100, u)
                .find("bytes after the last token"),
            std::string::npos);
}
