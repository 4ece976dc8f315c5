//===- Tokenizer.h - SentencePiece-style BPE as in llama2.c ----*- C++ -*-===//
//
// Encodes like llama2.c's run.c (and llama.cpp's SPM tokenizer for these
// vocabularies): BOS, a dummy-prefix space, one token per UTF-8 character
// (byte tokens <0xNN> when absent), then repeatedly merge the adjacent
// pair whose concatenation has the highest score. Vocabulary as in GGUF:
// spaces are U+2581.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_MODEL_TOKENIZER_H
#define LOWBIT_MODEL_TOKENIZER_H

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace lowbit::model {

class Tokenizer {
public:
  Tokenizer(std::vector<std::string> tokens, std::vector<float> scores,
            int32_t bos, int32_t eos);
  /// [BOS] + pieces of `text` (no EOS).
  std::vector<int32_t> encode(const std::string &text,
                              bool addBos = true) const;
  /// The text of one token (U+2581 -> space, <0xNN> -> the byte).
  std::string decode(int32_t token) const;
  int32_t bos() const { return bos_; }
  int32_t eos() const { return eos_; }
  size_t size() const { return tokens_.size(); }
  /// The vocabulary as stored (GGUF spelling) and the merge scores.
  const std::vector<std::string> &tokens() const { return tokens_; }
  const std::vector<float> &scores() const { return scores_; }

private:
  std::vector<std::string> tokens_;
  std::vector<float> scores_;
  std::unordered_map<std::string, int32_t> ids_;
  int32_t bos_, eos_;
};

} // namespace lowbit::model

#endif
