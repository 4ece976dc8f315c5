//===- synthetic_gguf.cpp - A Llama-7B-shaped GGUF for scale tests --------===//
//
// Writes f16 Gaussian weights with Llama-2-7B's shapes (dim 4096, FFN
// 11008, 32 heads, vocab 32000) for `layers` layers, with llama.cpp's
// tensor names and metadata, to measure import/quantization time and
// memory on real sizes. Usage: lowbit-synthetic-gguf <out.gguf> [layers]
//
//===----------------------------------------------------------------------===//

#include "lowbit/Tools/ThreadsOption.h"
#include "lowbit/Model/Gguf.h"
#include "lowbit/Quant/Half.h"

#include "llvm/Support/CommandLine.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

using namespace lowbit::model;

static llvm::cl::opt<std::string> outputPath(llvm::cl::Positional,
                                             llvm::cl::desc("<out.gguf>"),
                                             llvm::cl::Required);
static llvm::cl::opt<int> layerCount(llvm::cl::Positional,
                                     llvm::cl::desc("[layers (default 2)]"),
                                     llvm::cl::init(2));

int main(int argc, char **argv) {
  if (lowbit::refuseLLVMThreadsOption(argc, argv))
    return 1;
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "lowbit-synthetic-gguf: a Llama-7B-shaped f16 GGUF\n");
  if (layerCount < 1 || layerCount > 80) {
    std::fprintf(stderr, "lowbit-synthetic-gguf: layers must be in [1, 80]\n");
    return 1;
  }
  int layers = layerCount;
  const int64_t dim = 4096, ffn = 11008, vocab = 32000;
  std::mt19937 gen(7);
  std::normal_distribution<float> normal(0.0f, 0.02f);
  auto matrix = [&](const std::string &name, int64_t rows, int64_t cols) {
    GgufWriterTensor t{name, {cols, rows}, uint32_t(GgmlType::F16), {}};
    t.data.resize(size_t(rows * cols) * 2);
    for (size_t i = 0; i < size_t(rows * cols); ++i) {
      uint16_t h = lowbit::quant::floatToHalf(normal(gen));
      t.data[2 * i] = uint8_t(h);
      t.data[2 * i + 1] = uint8_t(h >> 8);
    }
    return t;
  };
  auto norm = [&](const std::string &name) {
    GgufWriterTensor t{name, {dim}, uint32_t(GgmlType::F32), {}};
    t.data.resize(dim * 4);
    float one = 1.0f;
    for (int64_t i = 0; i < dim; ++i)
      std::memcpy(&t.data[size_t(4 * i)], &one, 4);
    return t;
  };
  std::vector<GgufWriterTensor> tensors;
  tensors.push_back(matrix("token_embd.weight", vocab, dim));
  for (int l = 0; l < layers; ++l) {
    std::string p = "blk." + std::to_string(l) + ".";
    tensors.push_back(norm(p + "attn_norm.weight"));
    for (const char *n : {"attn_q", "attn_k", "attn_v", "attn_output"})
      tensors.push_back(matrix(p + n + ".weight", dim, dim));
    tensors.push_back(norm(p + "ffn_norm.weight"));
    tensors.push_back(matrix(p + "ffn_gate.weight", ffn, dim));
    tensors.push_back(matrix(p + "ffn_down.weight", dim, ffn));
    tensors.push_back(matrix(p + "ffn_up.weight", ffn, dim));
  }
  tensors.push_back(norm("output_norm.weight"));
  tensors.push_back(matrix("output.weight", vocab, dim));
  std::vector<std::pair<std::string, GgufValue>> meta = {
      {"general.architecture", GgufValue::ofString("llama")},
      {"general.name", GgufValue::ofString("synthetic-7B-shaped")},
      {"llama.context_length", GgufValue::ofU32(4096)},
      {"llama.embedding_length", GgufValue::ofU32(uint32_t(dim))},
      {"llama.feed_forward_length", GgufValue::ofU32(uint32_t(ffn))},
      {"llama.attention.head_count", GgufValue::ofU32(32)},
      {"llama.attention.head_count_kv", GgufValue::ofU32(32)},
      {"llama.block_count", GgufValue::ofU32(uint32_t(layers))},
      {"llama.rope.dimension_count", GgufValue::ofU32(128)},
      {"llama.attention.layer_norm_rms_epsilon", GgufValue::ofF32(1e-5f)}};
  // A llama tokenizer whose pieces are the bytes (so any text encodes) and
  // placeholders, so that text protocols (calibrate, perplexity) run.
  std::vector<GgufValue> tokens, scores, types;
  for (int64_t id = 0; id < vocab; ++id) {
    char piece[16];
    if (id < 3)
      std::snprintf(piece, sizeof piece, "%s",
                    id == 0 ? "<unk>" : id == 1 ? "<s>" : "</s>");
    else if (id < 3 + 256)
      std::snprintf(piece, sizeof piece, "<0x%02X>", unsigned(id - 3));
    else
      std::snprintf(piece, sizeof piece, "<unused%lld>", (long long)id);
    tokens.push_back(GgufValue::ofString(piece));
    scores.push_back(GgufValue::ofF32(0.0f));
    types.push_back(GgufValue::ofI32(id < 3 ? 3 : id < 259 ? 6 : 5));
  }
  meta.emplace_back("tokenizer.ggml.model", GgufValue::ofString("llama"));
  meta.emplace_back("tokenizer.ggml.tokens",
                    GgufValue::ofArray(GgufType::String, std::move(tokens)));
  meta.emplace_back("tokenizer.ggml.scores",
                    GgufValue::ofArray(GgufType::F32, std::move(scores)));
  meta.emplace_back("tokenizer.ggml.token_type",
                    GgufValue::ofArray(GgufType::I32, std::move(types)));
  meta.emplace_back("tokenizer.ggml.bos_token_id", GgufValue::ofU32(1));
  meta.emplace_back("tokenizer.ggml.eos_token_id", GgufValue::ofU32(2));
  meta.emplace_back("tokenizer.ggml.unknown_token_id", GgufValue::ofU32(0));
  std::string err = writeGguf(outputPath, meta, tensors);
  if (!err.empty()) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return 1;
  }
  return 0;
}
