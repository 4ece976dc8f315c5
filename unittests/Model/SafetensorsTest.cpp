//===- SafetensorsTest.cpp - safetensors reader and HF Llama naming -------===//

#include "lowbit/Model/Safetensors.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace lowbit::model;

namespace {
std::vector<uint8_t> file(const std::string &header, size_t dataBytes) {
  std::vector<uint8_t> b(8 + header.size() + dataBytes, 0);
  uint64_t n = header.size();
  std::memcpy(b.data(), &n, 8);
  std::memcpy(b.data() + 8, header.data(), header.size());
  return b;
}
std::string parse(const std::vector<uint8_t> &b) {
  SafetensorsFile f;
  return f.parse(b.data(), b.size());
}
const char *kGood =
    R"({"a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
  "b": {"dtype": "F16", "shape": [4], "data_offsets": [24, 32]}, "__metadata__": {}})";
} // namespace

TEST(Safetensors, ReadsTensorsInDataOrder) {
  std::vector<uint8_t> b = file(kGood, 32);
  SafetensorsFile f;
  ASSERT_EQ(f.parse(b.data(), b.size()), "");
  ASSERT_EQ(f.tensors().size(), 2u);
  EXPECT_EQ(f.tensors()[0].name, "a");
  EXPECT_EQ(f.tensors()[0].shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(f.tensors()[1].dtype, "F16");
  EXPECT_EQ(f.tensors()[1].bytes, 8u);
}

TEST(Safetensors, RejectsHostileFiles) {
  EXPECT_EQ(parse({1, 2, 3}), "truncated safetensors file: no header length");
  std::vector<uint8_t> b = file(kGood, 32);
  uint64_t huge = uint64_t(1) << 50;
  std::memcpy(b.data(), &huge, 8);
  EXPECT_NE(parse(b).find("safetensors header claims"), std::string::npos);
  EXPECT_NE(parse(file("{not json", 0)).find("bad safetensors header JSON"),
            std::string::npos);
  EXPECT_NE(parse(file(kGood, 20)).find("data_offsets lie outside"),
            std::string::npos);
  EXPECT_EQ(
      parse(file(
          R"({"a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}})",
          24)),
      "tensor 'a' has 20 bytes but its shape and dtype need 24");
  EXPECT_EQ(
      parse(file(
          R"({"a": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}})",
          8)),
      "tensor 'a' has dtype I64 (lowbit reads F32, F16 and BF16)");
  EXPECT_EQ(parse(file(
                R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                           "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
                12)),
            "tensors overlap in the data section");
  EXPECT_EQ(
      parse(file(
          R"({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 8]}})",
          8)),
      "tensor 'a' has a bad dimension");
}

TEST(Safetensors, HuggingFaceLlamaNames) {
  EXPECT_EQ(ggufNameOfHf("model.embed_tokens.weight"), "token_embd.weight");
  EXPECT_EQ(ggufNameOfHf("model.layers.12.self_attn.k_proj.weight"),
            "blk.12.attn_k.weight");
  EXPECT_EQ(ggufNameOfHf("model.layers.0.mlp.down_proj.weight"),
            "blk.0.ffn_down.weight");
  EXPECT_EQ(ggufNameOfHf("model.layers.3.post_attention_layernorm.weight"),
            "blk.3.ffn_norm.weight");
  EXPECT_EQ(ggufNameOfHf("lm_head.weight"), "output.weight");
  EXPECT_EQ(ggufNameOfHf("model.layers.0.self_attn.rotary_emb.inv_freq"), "");
}

TEST(Safetensors, RotaryPermutationInterleavesHalves) {
  // 2 heads of 4 rows, one byte per row: HF rows [a0 a1 b0 b1] per head
  // (halves) become [a0 b0 a1 b1] (pairs).
  std::vector<uint8_t> hf = {0, 1, 10, 11, 20, 21, 30, 31};
  std::vector<uint8_t> pairs = permuteRotaryRows(hf.data(), 8, 1, 2);
  EXPECT_EQ(pairs, (std::vector<uint8_t>{0, 10, 1, 11, 20, 30, 21, 31}));
}
