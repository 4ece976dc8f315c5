//===- GgufTest.cpp - GGUF reader on llama.cpp's files and hostile ones ---===//

#include "lowbit/Model/Gguf.h"
#include "lowbit/Model/Llama2C.h"
#include "lowbit/Quant/Quantizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

using namespace lowbit::model;
using namespace lowbit::quant;

namespace {
const std::string kDir = std::string(LOWBIT_DATA_DIR) + "/models/";

/// A small valid file: two metadata values and two tensors.
std::vector<uint8_t> smallFile(uint32_t alignment = 32) {
  std::vector<std::pair<std::string, GgufValue>> meta = {
      {"general.architecture", GgufValue::ofString("llama")},
      {"llama.block_count", GgufValue::ofU32(1)},
      {"tokenizer.ggml.tokens",
       GgufValue::ofArray(GgufType::String, {GgufValue::ofString("a"),
                                             GgufValue::ofString("b")})}};
  GgufWriterTensor f32{"norm", {4}, 0, std::vector<uint8_t>(16, 0)};
  GgufWriterTensor q{
      "w", {32, 2}, uint32_t(GgmlType::Q4_0), std::vector<uint8_t>(36, 0x11)};
  return serializeGguf(meta, {f32, q}, alignment);
}

std::string parse(const std::vector<uint8_t> &b) {
  GgufFile f;
  return f.parse(b.data(), b.size());
}

/// Byte offset of the first occurrence of `needle` in `hay`.
size_t find(const std::vector<uint8_t> &hay, const std::string &needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end());
  return size_t(it - hay.begin());
}
} // namespace

TEST(Gguf, ReadsLlamaCppF32FileLikeTheCheckpoint) {
  GgufFile f;
  ASSERT_EQ(f.open(kDir + "stories260K-gguf/stories260K-f32.gguf"), "");
  EXPECT_EQ(f.version(), 3u);
  ASSERT_TRUE(f.find("general.architecture"));
  EXPECT_EQ(f.find("general.architecture")->s, "llama");
  EXPECT_EQ(*f.find("llama.embedding_length")->asInt(), 64);
  EXPECT_EQ(*f.find("llama.feed_forward_length")->asInt(), 172);
  EXPECT_EQ(f.find("tokenizer.ggml.tokens")->items.size(), 512u);
  // Its weights equal the llama2.c checkpoint's, byte for byte.
  Llama2CModel ref;
  ASSERT_EQ(ref.open(kDir + "stories260K/stories260K.bin"), "");
  const GgufTensor *w2 = f.findTensor("blk.3.ffn_down.weight");
  ASSERT_TRUE(w2);
  EXPECT_EQ(w2->dims, (std::vector<int64_t>{172, 64}));
  EXPECT_EQ(w2->type, uint32_t(GgmlType::F32));
  const Llama2CTensor *r = nullptr;
  for (const auto &t : ref.tensors())
    if (t.name == "blk.3.ffn_down.weight")
      r = &t;
  ASSERT_TRUE(r);
  EXPECT_EQ(std::memcmp(w2->data, r->data, 64 * 172 * 4), 0);
}

TEST(Gguf, ReadsLlamaCppQuantizedFiles) {
  for (const char *name : {"Q8_0-pure-w2f16.gguf", "IQ4_NL-pure-w2f16.gguf",
                           "Q4_K_M-default.gguf"}) {
    GgufFile f;
    ASSERT_EQ(f.open(kDir + "stories260K-gguf/" + name), "") << name;
    std::set<std::string> types;
    for (const GgufTensor &t : f.tensors()) {
      types.insert(ggmlTypeName(t.type));
      // Quantized tensors decode to finite values close to the f32 model.
      if (auto fmt = ggmlTypeFormat(t.type)) {
        std::vector<float> out(size_t(t.dims[0] * t.rows()));
        dequantizeMatrix(ggufScheme(*fmt), t.data, size_t(t.rows()),
                         unsigned(t.dims[0]), out.data());
        for (float v : out)
          ASSERT_TRUE(std::isfinite(v)) << t.name;
      }
    }
    EXPECT_TRUE(types.count("f32")) << name;
  }
  GgufFile f;
  ASSERT_EQ(f.open(kDir + "stories260K-gguf/Q4_K_M-default.gguf"), "");
  // llama.cpp's silent fallback: no q4_K tensor at all in its Q4_K_M file.
  for (const GgufTensor &t : f.tensors())
    EXPECT_NE(t.type, uint32_t(GgmlType::Q4_K)) << t.name;
}

TEST(Gguf, WriterRoundTrips) {
  std::vector<uint8_t> bytes = smallFile(64);
  GgufFile f;
  ASSERT_EQ(f.parse(bytes.data(), bytes.size()), "");
  EXPECT_EQ(f.alignment(), 64u);
  ASSERT_EQ(f.tensors().size(), 2u);
  EXPECT_EQ(f.tensors()[1].name, "w");
  EXPECT_EQ(f.tensors()[1].bytes, 36u);
  EXPECT_EQ(f.tensors()[1].data[0], 0x11);
  EXPECT_EQ(f.find("tokenizer.ggml.tokens")->items[1].s, "b");
  EXPECT_EQ(size_t(f.tensors()[1].data - bytes.data()) % 64, 0u);
}

TEST(Gguf, RejectsBadMagicAndVersions) {
  std::vector<uint8_t> b = smallFile();
  b[0] = 'X';
  EXPECT_EQ(parse(b), "not a GGUF file (bad magic)");
  b = smallFile();
  b[4] = 1;
  EXPECT_EQ(parse(b),
            "GGUF version 1 is not supported (lowbit reads versions 2 and 3)");
  EXPECT_NE(parse(std::vector<uint8_t>(b.begin(), b.begin() + 3))
                .find("truncated file"),
            std::string::npos);
}

TEST(Gguf, RejectsHugeCounts) {
  std::vector<uint8_t> b = smallFile();
  uint64_t huge = uint64_t(1) << 60;
  std::memcpy(b.data() + 8, &huge, 8);
  EXPECT_EQ(parse(b),
            "tensor count 1152921504606846976 cannot fit in the file");
  b = smallFile();
  std::memcpy(b.data() + 16, &huge, 8);
  EXPECT_EQ(parse(b),
            "metadata count 1152921504606846976 cannot fit in the file");
}

TEST(Gguf, RejectsLyingStringAndArrayLengths) {
  std::vector<uint8_t> b = smallFile();
  // The first key's length field sits right after the 24-byte header.
  uint64_t huge = uint64_t(1) << 40;
  std::memcpy(b.data() + 24, &huge, 8);
  EXPECT_NE(parse(b).find("metadata key length claims 1099511627776 bytes"),
            std::string::npos);
  b = smallFile();
  size_t at = find(b, "tokenizer.ggml.tokens") + 21 + 4 + 4; // array count
  std::memcpy(b.data() + at, &huge, 8);
  EXPECT_NE(parse(b).find("metadata 'tokenizer.ggml.tokens': array of "
                          "1099511627776 elements cannot fit"),
            std::string::npos);
}

TEST(Gguf, RejectsUnknownTypes) {
  std::vector<uint8_t> b = smallFile();
  size_t at = find(b, "llama.block_count") + 17; // value type
  uint32_t bad = 99;
  std::memcpy(b.data() + at, &bad, 4);
  EXPECT_EQ(parse(b), "metadata 'llama.block_count' has unknown value type 99");
  b = smallFile();
  // Tensor "w": name, n_dims, 2 dims, then the type.
  at =
      find(b, std::string("\x01\x00\x00\x00\x00\x00\x00\x00w", 9)) + 9 + 4 + 16;
  uint32_t iq2 = 16;
  std::memcpy(b.data() + at, &iq2, 4);
  EXPECT_EQ(parse(b), "tensor 'w' has type 16, which lowbit does not read");
}

TEST(Gguf, RejectsBadTensorShapesOffsetsAndSizes) {
  std::vector<uint8_t> b = smallFile();
  size_t w = find(b, std::string("\x01\x00\x00\x00\x00\x00\x00\x00w", 9)) + 9;
  // Rows of 33 do not fill q4_0 blocks.
  uint64_t odd = 33;
  std::memcpy(b.data() + w + 4, &odd, 8);
  EXPECT_EQ(parse(b), "tensor 'w': rows of 33 do not fill whole q4_0 blocks");
  // Overflowing element count.
  b = smallFile();
  uint64_t big = uint64_t(1) << 40;
  std::memcpy(b.data() + w + 4 + 8, &big, 8);
  std::memcpy(b.data() + w + 4, &big, 8);
  EXPECT_EQ(parse(b), "tensor 'w' has too many elements");
  // Too many dims.
  b = smallFile();
  uint32_t five = 5;
  std::memcpy(b.data() + w, &five, 4);
  EXPECT_EQ(parse(b), "tensor 'w' has 5 dimensions (1 to 4 allowed)");
  // Misaligned offset.
  b = smallFile();
  uint64_t off = 3;
  std::memcpy(b.data() + w + 4 + 16 + 4, &off, 8);
  EXPECT_EQ(parse(b), "tensor 'w' offset 3 is not a multiple of the 32-byte "
                      "alignment");
  // Offset past the data section.
  b = smallFile();
  off = 1024;
  std::memcpy(b.data() + w + 4 + 16 + 4, &off, 8);
  EXPECT_NE(parse(b).find("tensor 'w' needs bytes [1024, 1060)"),
            std::string::npos);
  // Truncated data section.
  b = smallFile();
  b.resize(b.size() - 40); // the last 28 bytes are padding
  EXPECT_NE(parse(b).find("(truncated or lying file)"), std::string::npos);
}

TEST(Gguf, RejectsDuplicatesAndBadAlignment) {
  std::vector<std::pair<std::string, GgufValue>> meta = {
      {"a", GgufValue::ofU32(1)}, {"a", GgufValue::ofU32(2)}};
  EXPECT_EQ(parse(serializeGguf(meta, {})), "duplicate metadata key 'a'");
  GgufWriterTensor t{"x", {4}, 0, std::vector<uint8_t>(16)};
  EXPECT_EQ(parse(serializeGguf({}, {t, t})), "duplicate tensor name 'x'");
  meta = {{"general.alignment", GgufValue::ofU32(24)}};
  EXPECT_EQ(parse(serializeGguf(meta, {})),
            "general.alignment must be a power-of-two u32");
}

TEST(Gguf, EveryTruncationIsAnErrorNotACrash) {
  std::vector<uint8_t> b = smallFile();
  for (size_t n = 0; n < b.size() - 1; ++n) {
    std::vector<uint8_t> cut(b.begin(), b.begin() + n);
    std::string err = parse(cut);
    // The final padding of the last tensor is the only optional part.
    if (n < b.size() - 28)
      EXPECT_NE(err, "") << "prefix of " << n << " bytes";
  }
}
