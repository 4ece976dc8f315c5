//===- CheckModel.cpp - A model description agrees with itself ------------===//

#include "lowbit/ModelIR/ModelIR.h"
#include "lowbit/Quant/Quantizer.h"

#include <atomic>
#include <cmath>
#include <cstring>
#include <map>

namespace lowbit::model {

namespace {

std::string str(int64_t v) { return std::to_string(v); }

/// The first non-finite value of row `r` of `w`, or the row length.
/// `decoded` is scratch for packed rows.
size_t firstNonFiniteColumn(const WeightTensor &w, size_t r,
                            std::vector<float> &decoded) {
  size_t cols = size_t(w.rowLength);
  if (w.kind == WeightTensor::Kind::Packed) {
    size_t rowBytes = w.bytes / size_t(w.rows);
    decoded.resize(cols);
    quant::dequantizeMatrix(quant::ggufScheme(w.format),
                            w.data + r * rowBytes, 1, unsigned(cols),
                            decoded.data(), 1);
    for (size_t c = 0; c < cols; ++c)
      if (!std::isfinite(decoded[c]))
        return c;
    return cols;
  }
  if (w.kind == WeightTensor::Kind::F32) {
    const uint8_t *row = w.data + r * cols * 4;
    for (size_t c = 0; c < cols; ++c) {
      uint32_t bits;
      std::memcpy(&bits, row + 4 * c, 4);
      if ((bits & 0x7f800000u) == 0x7f800000u) // all-ones exponent
        return c;
    }
    return cols;
  }
  // f16: exponent 0x7c00; bf16: 0x7f80 (the top half of an f32).
  uint16_t exponent = w.kind == WeightTensor::Kind::F16 ? 0x7c00 : 0x7f80;
  const uint8_t *row = w.data + r * cols * 2;
  for (size_t c = 0; c < cols; ++c)
    if ((uint16_t(row[2 * c] | row[2 * c + 1] << 8) & exponent) == exponent)
      return c;
  return cols;
}

/// The first non-finite weight as (row, column); row == rows when none.
std::pair<size_t, size_t> firstNonFinite(const WeightTensor &w) {
  size_t rows = size_t(w.rows), cols = size_t(w.rowLength);
  std::atomic<size_t> first{rows};
  // Rows in parallel; a worker stops once an earlier row is known bad.
  quant::parallelFor(rows, 0, [&](size_t begin, size_t end) {
    std::vector<float> decoded;
    for (size_t r = begin; r < end && r < first.load(); ++r)
      if (firstNonFiniteColumn(w, r, decoded) < cols) {
        size_t cur = first.load();
        while (r < cur && !first.compare_exchange_weak(cur, r)) {
        }
        break;
      }
  });
  if (first.load() == rows)
    return {rows, 0};
  std::vector<float> decoded;
  return {first.load(), firstNonFiniteColumn(w, first.load(), decoded)};
}

std::string checkFinite(const std::vector<WeightTensor> &weights) {
  for (const WeightTensor &w : weights) {
    auto [row, col] = firstNonFinite(w);
    if (row == size_t(w.rows))
      continue;
    std::string where = w.isVector ? "element " + str(int64_t(col))
                                   : "row " + str(int64_t(row)) +
                                         ", column " + str(int64_t(col));
    return "tensor '" + w.name + "' holds NaN or infinity at " + where +
           (w.kind == WeightTensor::Kind::Packed
                ? " (decoded: a block scale is not finite)"
                : "") +
           "; lowbit refuses non-finite weights";
  }
  return "";
}

std::string checkHyperParameters(const LlamaShape &s) {
  auto positive = [](const char *key, int64_t v) -> std::string {
    if (v > 0 && v <= (int64_t(1) << 24))
      return "";
    return std::string(key) + " is " + str(v) + ", outside [1, 2^24]";
  };
  for (auto [key, v] :
       {std::pair<const char *, int64_t>{"embedding_length", s.dim},
        {"feed_forward_length", s.hidden},
        {"block_count", s.layers},
        {"attention.head_count", s.heads},
        {"attention.head_count_kv", s.kvHeads},
        {"vocabulary size", s.vocab}})
    if (std::string e = positive(key, v); !e.empty())
      return e;
  if (s.dim % s.heads || s.heads % s.kvHeads || (s.dim / s.heads) % 2)
    return "embedding_length " + str(s.dim) + " with " + str(s.heads) +
           " heads and " + str(s.kvHeads) +
           " KV heads: heads must divide the width into even head sizes and "
           "KV heads must divide heads";
  if (!(s.rmsEps > 0) || !std::isfinite(s.rmsEps) || s.rmsEps > 1.0f)
    return "attention.layer_norm_rms_epsilon is " + std::to_string(s.rmsEps) +
           "; it must be in (0, 1]";
  if (!(s.ropeTheta > 1.0f) || !std::isfinite(s.ropeTheta) ||
      s.ropeTheta > 1e12f)
    return "rope.freq_base is " + std::to_string(s.ropeTheta) +
           "; it must be in (1, 1e12]";
  return "";
}

/// Every tensor the forward pass reads, with its shape; the layers present
/// must be exactly [0, block_count).
std::string checkTensors(const std::vector<WeightTensor> &weights,
                         const LlamaShape &s) {
  std::map<std::string, const WeightTensor *> byName;
  int64_t maxLayer = -1;
  for (const WeightTensor &w : weights) {
    byName[w.name] = &w;
    if (w.name.rfind("blk.", 0) == 0)
      maxLayer = std::max<int64_t>(
          maxLayer, std::strtoll(w.name.c_str() + 4, nullptr, 10));
  }
  if (maxLayer >= s.layers)
    return "block_count is " + str(s.layers) + " but tensors of layer " +
           str(maxLayer) + " are present";
  auto expect = [&](const std::string &name, int64_t rows,
                    int64_t rowLength) -> std::string {
    auto it = byName.find(name);
    if (it == byName.end())
      return "tensor '" + name + "' is missing (block_count " +
             str(s.layers) + ")";
    const WeightTensor &w = *it->second;
    bool vector = rows == 0;
    if (w.isVector != vector || w.rowLength != rowLength ||
        (!vector && w.rows != rows))
      return "tensor '" + name + "' is " +
             (w.isVector ? str(w.rowLength)
                         : str(w.rows) + " x " + str(w.rowLength)) +
             ", the hyper-parameters imply " +
             (vector ? str(rowLength) : str(rows) + " x " + str(rowLength));
    return "";
  };
  int64_t kvd = s.dim / s.heads * s.kvHeads;
  std::vector<std::tuple<std::string, int64_t, int64_t>> model = {
      {"token_embd.weight", s.vocab, s.dim}, {"output_norm.weight", 0, s.dim}};
  if (byName.count("output.weight"))
    model.emplace_back("output.weight", s.vocab, s.dim);
  for (auto &[name, rows, cols] : model)
    if (std::string e = expect(name, rows, cols); !e.empty())
      return e;
  for (int64_t l = 0; l < s.layers; ++l) {
    std::string p = "blk." + str(l) + ".";
    auto any = byName.lower_bound(p);
    if (any == byName.end() || any->first.rfind(p, 0) != 0)
      return "block_count is " + str(s.layers) + " but the layers' tensors "
             "stop at layer " + str(l);
    for (auto &[name, rows, cols] :
         std::vector<std::tuple<std::string, int64_t, int64_t>>{
             {"attn_norm.weight", 0, s.dim},
             {"attn_q.weight", s.dim, s.dim},
             {"attn_k.weight", kvd, s.dim},
             {"attn_v.weight", kvd, s.dim},
             {"attn_output.weight", s.dim, s.dim},
             {"ffn_norm.weight", 0, s.dim},
             {"ffn_gate.weight", s.hidden, s.dim},
             {"ffn_up.weight", s.hidden, s.dim},
             {"ffn_down.weight", s.dim, s.hidden}})
      if (std::string e = expect(p + name, rows, cols); !e.empty())
        return e;
  }
  return "";
}

/// The tokenizer (when there is one) covers exactly the vocabulary, and the
/// special ids lowbit uses lie inside it.
std::string
checkTokenizer(const std::vector<std::pair<std::string, GgufValue>> &metadata,
               int64_t vocab) {
  const GgufValue *tokens = nullptr;
  for (const auto &[key, value] : metadata)
    if (key == "tokenizer.ggml.tokens")
      tokens = &value;
  if (!tokens)
    return "";
  if (int64_t(tokens->items.size()) != vocab)
    return "tokenizer.ggml.tokens holds " + str(int64_t(tokens->items.size())) +
           " tokens, the embedding table " + str(vocab) + " rows";
  for (const auto &[key, value] : metadata)
    if (key == "tokenizer.ggml.bos_token_id" ||
        key == "tokenizer.ggml.eos_token_id" ||
        key == "tokenizer.ggml.unknown_token_id") {
      std::optional<int64_t> id = value.asInt();
      if (!id || *id < 0 || *id >= vocab)
        return key + " is " + (id ? str(*id) : std::string("not an integer")) +
               ", outside the vocabulary of " + str(vocab) + " tokens";
    }
  return "";
}

} // namespace

std::string checkModel(const ModelDescription &model) {
  if (model.llama) {
    const LlamaShape &s = *model.llama;
    if (std::string e = checkHyperParameters(s); !e.empty())
      return e;
    // lowbit rotates whole heads; a partial rotary width would be ignored
    // (llama.cpp refuses it for Llama too).
    for (const auto &[key, value] : model.hyperParameters)
      if (key == "rope.dimension_count" && value != s.dim / s.heads)
        return "rope.dimension_count is " + str(value) +
               ", not the head size " + str(s.dim / s.heads) +
               " (partial rotary embeddings are not supported)";
    if (std::string e = checkTensors(model.weights, s); !e.empty())
      return e;
    if (std::string e = checkTokenizer(model.metadata, s.vocab); !e.empty())
      return e;
  }
  return checkFinite(model.weights);
}

} // namespace lowbit::model
