//===- Tokenizer.cpp - SentencePiece-style BPE as in llama2.c -------------===//

#include "lowbit/Model/Tokenizer.h"

#include <cstdio>

namespace lowbit::model {

static const std::string kSpace = "\xe2\x96\x81"; // U+2581

Tokenizer::Tokenizer(std::vector<std::string> tokens, std::vector<float> scores,
                     int32_t bos, int32_t eos)
    : tokens_(std::move(tokens)), scores_(std::move(scores)), bos_(bos),
      eos_(eos) {
  for (size_t i = 0; i < tokens_.size(); ++i)
    ids_.emplace(tokens_[i], int32_t(i));
}

std::vector<int32_t> Tokenizer::encode(const std::string &rawText,
                                       bool addBos) const {
  std::string text;
  for (char c : rawText)
    text += c == ' ' ? kSpace : std::string(1, c);
  std::vector<int32_t> out;
  if (addBos)
    out.push_back(bos_);
  if (rawText.empty())
    return out;
  std::vector<int32_t> pieces;
  auto lookup = [&](const std::string &s) {
    auto it = ids_.find(s);
    return it == ids_.end() ? -1 : it->second;
  };
  // Dummy prefix: a leading space.
  if (int32_t id = lookup(kSpace); id >= 0)
    pieces.push_back(id);
  for (size_t i = 0; i < text.size();) {
    size_t len = 1;
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0xf0)
      len = 4;
    else if (c >= 0xe0)
      len = 3;
    else if (c >= 0xc0)
      len = 2;
    len = std::min(len, text.size() - i);
    std::string ch = text.substr(i, len);
    int32_t id = lookup(ch);
    if (id >= 0) {
      pieces.push_back(id);
    } else {
      for (char b : ch) { // byte fallback
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>",
                      static_cast<unsigned char>(b));
        int32_t bid = lookup(name);
        pieces.push_back(bid >= 0 ? bid : 0);
      }
    }
    i += len;
  }
  for (;;) {
    float best = -1e30f;
    int32_t bestId = -1;
    size_t bestAt = 0;
    for (size_t i = 0; i + 1 < pieces.size(); ++i) {
      int32_t id = lookup(tokens_[pieces[i]] + tokens_[pieces[i + 1]]);
      if (id >= 0 && scores_[id] > best) {
        best = scores_[id];
        bestId = id;
        bestAt = i;
      }
    }
    if (bestId < 0)
      break;
    pieces[bestAt] = bestId;
    pieces.erase(pieces.begin() + long(bestAt) + 1);
  }
  out.insert(out.end(), pieces.begin(), pieces.end());
  return out;
}

std::string Tokenizer::decode(int32_t token) const {
  if (token < 0 || size_t(token) >= tokens_.size())
    return "";
  const std::string &t = tokens_[token];
  unsigned byte;
  if (t.size() == 6 && std::sscanf(t.c_str(), "<0x%02X>", &byte) == 1)
    return std::string(1, char(byte));
  std::string out;
  for (size_t i = 0; i < t.size();) {
    if (t.compare(i, kSpace.size(), kSpace) == 0) {
      out += ' ';
      i += kSpace.size();
    } else {
      out += t[i++];
    }
  }
  return out;
}

} // namespace lowbit::model
