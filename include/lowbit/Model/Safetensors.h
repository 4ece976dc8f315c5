//===- Safetensors.h - Hugging Face safetensors + config.json --*- C++ -*-===//
//
// Reads a .safetensors file (8-byte header length, JSON header of
// {name: {dtype, shape, data_offsets}}, data) with every offset, size,
// dtype and shape checked, and the model's config.json. Llama checkpoints
// are described with GGUF tensor names; q_proj / k_proj rows are permuted
// from Hugging Face's rotate-half order to the interleaved pairs llama.cpp
// and llama2.c use (llama.cpp's convert_hf_to_gguf `permute`).
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_MODEL_SAFETENSORS_H
#define LOWBIT_MODEL_SAFETENSORS_H

#include "lowbit/Model/MappedFile.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lowbit::model {

struct SafetensorsTensor {
  std::string name;
  std::string dtype; ///< "F32", "F16", "BF16" (others are refused)
  std::vector<int64_t> shape;
  const uint8_t *data = nullptr;
  size_t bytes = 0;
};

class SafetensorsFile {
public:
  std::string open(const std::string &path);
  std::string parse(const uint8_t *data, size_t size);
  const std::vector<SafetensorsTensor> &tensors() const { return tensors_; }
  const SafetensorsTensor *find(const std::string &name) const;

private:
  MappedFile file_;
  std::vector<SafetensorsTensor> tensors_;
};

struct HfLlamaConfig {
  int64_t hiddenSize = 0, intermediateSize = 0, layers = 0, heads = 0,
          kvHeads = 0, vocabSize = 0, maxPositions = 0;
  double rmsNormEps = 1e-5, ropeTheta = 10000;
  bool tieWordEmbeddings = false;
};

/// Reads a Llama config.json; errors name the missing or bad key.
std::string readHfLlamaConfig(const std::string &path, HfLlamaConfig &out);

/// GGUF name of a Hugging Face Llama tensor ("" when unknown).
std::string ggufNameOfHf(const std::string &hfName);

/// Hugging Face q_proj/k_proj rows (rotate-half) to interleaved pairs:
/// output row h*hs + 2i + j comes from input row h*hs + j*hs/2 + i.
std::vector<uint8_t> permuteRotaryRows(const uint8_t *data, int64_t rows,
                                       int64_t rowBytes, int64_t heads);

} // namespace lowbit::model

#endif
