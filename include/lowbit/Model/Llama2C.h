//===- Llama2C.h - llama2.c checkpoint reader -------------------*- C++ -*-===//
//
// Reads Karpathy's llama2.c "legacy" checkpoints: a header of 7 int32
// (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len;
// a negative vocab_size means a separate classifier) followed by float32
// tensors in a fixed order. Every count and size is checked against the
// file before anything is read.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_MODEL_LLAMA2C_H
#define LOWBIT_MODEL_LLAMA2C_H

#include "lowbit/Model/MappedFile.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lowbit::model {

struct Llama2CConfig {
  int64_t dim = 0, hiddenDim = 0, numLayers = 0, numHeads = 0, numKVHeads = 0,
          vocabSize = 0, seqLen = 0;
  bool sharedClassifier = true;
};

/// One tensor of the checkpoint: float32, row-major.
struct Llama2CTensor {
  std::string name;
  std::vector<int64_t> shape; ///< [out_features, in_features] for matrices
  const float *data = nullptr;
  size_t numElements() const;
  bool isMatrix() const { return shape.size() == 2; }
};

class Llama2CModel {
public:
  /// Returns an empty string or one clear error message.
  std::string open(const std::string &path);
  const Llama2CConfig &config() const { return config_; }
  /// Tensors with GGUF names, per-layer ones split: "blk.3.attn_q.weight".
  const std::vector<Llama2CTensor> &tensors() const { return tensors_; }

private:
  MappedFile file_;
  Llama2CConfig config_;
  std::vector<Llama2CTensor> tensors_;
};

/// A llama2.c tokenizer (tokenizer.bin / tok512.bin) as GGUF arrays, the
/// way llama.cpp's convert-llama2c-to-ggml writes them: ids 0/1/2 become
/// <unk>, <s>, </s>; <0xNN> tokens are byte tokens; spaces become U+2581.
struct Llama2CTokenizer {
  std::vector<std::string> tokens;
  std::vector<float> scores;
  std::vector<int32_t> types; ///< 1 normal, 2 unknown, 3 control, 6 byte
};
/// tok<vocab>.bin or tokenizer.bin beside `checkpoint`, as llama2.c looks
/// for them; empty when neither exists.
std::string findLlama2CTokenizer(const std::string &checkpoint,
                                 int64_t vocabSize);

std::string readLlama2CTokenizer(const std::string &path, int64_t vocabSize,
                                 Llama2CTokenizer &out);

/// Parses a header + tensor table from bytes (the file reader's core,
/// exposed for tests).
std::string parseLlama2C(const uint8_t *data, size_t size,
                         Llama2CConfig &config,
                         std::vector<Llama2CTensor> &tensors);

} // namespace lowbit::model

#endif
