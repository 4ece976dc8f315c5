//===- Llama2C.cpp - llama2.c checkpoint reader ---------------------------===//

#include "lowbit/Model/Llama2C.h"

#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace lowbit::model {

size_t Llama2CTensor::numElements() const {
  size_t n = 1;
  for (int64_t d : shape)
    n *= size_t(d);
  return n;
}

std::string parseLlama2C(const uint8_t *data, size_t size, Llama2CConfig &c,
                         std::vector<Llama2CTensor> &out) {
  if (size < 28)
    return "truncated llama2.c header: " + std::to_string(size) +
           " bytes, need 28";
  int32_t h[7];
  std::memcpy(h, data, 28);
  c.dim = h[0];
  c.hiddenDim = h[1];
  c.numLayers = h[2];
  c.numHeads = h[3];
  c.numKVHeads = h[4];
  c.sharedClassifier = h[5] > 0;
  c.vocabSize = h[5] < 0 ? -int64_t(h[5]) : h[5];
  c.seqLen = h[6];
  const char *names[] = {"dim",        "hidden_dim", "n_layers", "n_heads",
                         "n_kv_heads", "vocab_size", "seq_len"};
  int64_t vals[] = {c.dim,        c.hiddenDim, c.numLayers, c.numHeads,
                    c.numKVHeads, c.vocabSize, c.seqLen};
  // Generous bounds: far above any llama2.c model, low enough that no
  // product below can overflow 64 bits.
  for (int i = 0; i < 7; ++i)
    if (vals[i] <= 0 || vals[i] > (int64_t(1) << 20))
      return std::string("llama2.c header: ") + names[i] + " = " +
             std::to_string(vals[i]) + " is out of range [1, 2^20]";
  if (c.dim % c.numHeads != 0)
    return "llama2.c header: dim " + std::to_string(c.dim) +
           " is not a multiple of n_heads " + std::to_string(c.numHeads);
  if (c.numHeads % c.numKVHeads != 0)
    return "llama2.c header: n_heads " + std::to_string(c.numHeads) +
           " is not a multiple of n_kv_heads " + std::to_string(c.numKVHeads);
  int64_t headSize = c.dim / c.numHeads;
  int64_t kvDim = headSize * c.numKVHeads;
  if (headSize % 2 != 0)
    return "llama2.c header: head size " + std::to_string(headSize) +
           " must be even for RoPE";

  size_t offset = 28;
  out.clear();
  std::string error;
  // Tensors get GGUF's names (blk.N.attn_q.weight, ...), the names
  // llama.cpp's quantization recipes and rules match on.
  auto take = [&](const std::string &name, std::vector<int64_t> shape,
                  int64_t layers) {
    if (!error.empty())
      return;
    size_t per = 1;
    for (int64_t d : shape)
      per *= size_t(d);
    size_t bytes = per * size_t(layers) * 4;
    if (offset + bytes > size || offset + bytes < offset) {
      error = "truncated llama2.c file: tensor " + name + " needs bytes [" +
              std::to_string(offset) + ", " + std::to_string(offset + bytes) +
              ") but the file has " + std::to_string(size);
      return;
    }
    bool perLayer = name.rfind("blk.", 0) == 0;
    for (int64_t l = 0; l < layers; ++l) {
      Llama2CTensor t;
      t.name = perLayer ? "blk." + std::to_string(l) + name.substr(3) : name;
      t.shape = shape;
      t.data = reinterpret_cast<const float *>(data + offset + l * per * 4);
      out.push_back(t);
    }
    offset += bytes;
  };
  int64_t L = c.numLayers, D = c.dim, F = c.hiddenDim;
  take("token_embd.weight", {c.vocabSize, D}, 1);
  take("blk.attn_norm.weight", {D}, L);
  take("blk.attn_q.weight", {D, D}, L);
  take("blk.attn_k.weight", {kvDim, D}, L);
  take("blk.attn_v.weight", {kvDim, D}, L);
  take("blk.attn_output.weight", {D, D}, L);
  take("blk.ffn_norm.weight", {D}, L);
  take("blk.ffn_gate.weight", {F, D}, L);
  take("blk.ffn_down.weight", {D, F}, L);
  take("blk.ffn_up.weight", {F, D}, L);
  take("output_norm.weight", {D}, 1);
  // Legacy RoPE tables (seq_len x head_size/2, twice): skipped, unused.
  size_t rope = size_t(c.seqLen) * size_t(headSize / 2) * 4 * 2;
  if (error.empty() && offset + rope > size)
    error = "truncated llama2.c file: RoPE tables need " +
            std::to_string(rope) + " bytes at offset " + std::to_string(offset);
  offset += rope;
  if (error.empty() && !c.sharedClassifier)
    take("output.weight", {c.vocabSize, D}, 1);
  if (error.empty() && offset != size)
    error = "llama2.c file has " + std::to_string(size - offset) +
            " unexpected trailing bytes (wrong header?)";
  if (!error.empty()) {
    out.clear();
    return error;
  }
  // Alignment: float tensors must sit on 4-byte boundaries of the mapping.
  return "";
}

std::string findLlama2CTokenizer(const std::string &checkpoint,
                                 int64_t vocabSize) {
  size_t slash = checkpoint.find_last_of('/');
  std::string dir =
      slash == std::string::npos ? "" : checkpoint.substr(0, slash + 1);
  for (std::string name : {"tok" + std::to_string(vocabSize) + ".bin",
                           std::string("tokenizer.bin")})
    if (struct stat st; ::stat((dir + name).c_str(), &st) == 0)
      return dir + name; // opened (and refused if not a file) by the reader
  return "";
}

std::string readLlama2CTokenizer(const std::string &path, int64_t vocabSize,
                                 Llama2CTokenizer &out) {
  MappedFile file;
  std::string err = file.open(path);
  if (!err.empty())
    return err;
  const uint8_t *p = file.data();
  size_t size = file.size(), pos = 4; // skip max_token_length
  if (size < 4)
    return path + ": truncated tokenizer header";
  for (int64_t i = 0; i < vocabSize; ++i) {
    if (size - pos < 8)
      return path + ": truncated at token " + std::to_string(i);
    float score;
    int32_t len;
    std::memcpy(&score, p + pos, 4);
    std::memcpy(&len, p + pos + 4, 4);
    pos += 8;
    if (len < 0 || size_t(len) > size - pos)
      return path + ": token " + std::to_string(i) + " claims " +
             std::to_string(len) + " bytes";
    std::string text(reinterpret_cast<const char *>(p + pos), size_t(len));
    pos += size_t(len);
    int32_t type = 1;
    if (i == 0)
      text = "<unk>", type = 2;
    else if (i == 1)
      text = "<s>", type = 3;
    else if (i == 2)
      text = "</s>", type = 3;
    else if (text.size() == 6 && text.rfind("<0x", 0) == 0 && text[5] == '>')
      type = 6;
    std::string escaped;
    for (char c : text)
      escaped += c == ' ' ? std::string("\xe2\x96\x81") : std::string(1, c);
    out.tokens.push_back(escaped);
    out.scores.push_back(score);
    out.types.push_back(type);
  }
  if (pos != size)
    return path + ": " + std::to_string(size - pos) +
           " bytes after the last token (vocabulary size mismatch?)";
  return "";
}

std::string Llama2CModel::open(const std::string &path) {
  std::string err = file_.open(path);
  if (!err.empty())
    return err;
  err = parseLlama2C(file_.data(), file_.size(), config_, tensors_);
  return err.empty() ? "" : path + ": " + err;
}

} // namespace lowbit::model
