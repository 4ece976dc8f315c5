//===- Safetensors.cpp - Hugging Face safetensors + config.json -----------===//

#include "lowbit/Model/Safetensors.h"
#include "lowbit/Model/MappedFile.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <cstring>
#include <set>

namespace lowbit::model {

std::string SafetensorsFile::open(const std::string &path) {
  std::string err = file_.open(path);
  if (err.empty())
    err = parse(file_.data(), file_.size());
  return err.empty() ? "" : path + ": " + err;
}

std::string SafetensorsFile::parse(const uint8_t *data, size_t size) {
  tensors_.clear();
  if (size < 8)
    return "truncated safetensors file: no header length";
  uint64_t headerLen;
  std::memcpy(&headerLen, data, 8);
  if (headerLen > size - 8)
    return "safetensors header claims " + std::to_string(headerLen) +
           " bytes but the file has " + std::to_string(size - 8) + " after it";
  llvm::StringRef text(reinterpret_cast<const char *>(data + 8),
                       size_t(headerLen));
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(text);
  if (!json)
    return "bad safetensors header JSON: " + llvm::toString(json.takeError());
  const llvm::json::Object *root = json->getAsObject();
  if (!root)
    return "safetensors header is not a JSON object";
  const uint8_t *body = data + 8 + headerLen;
  uint64_t bodySize = size - 8 - headerLen;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const auto &[key, value] : *root) {
    std::string name = key.str();
    if (name == "__metadata__")
      continue;
    const llvm::json::Object *t = value.getAsObject();
    if (!t)
      return "tensor '" + name + "' is not a JSON object";
    SafetensorsTensor st;
    st.name = name;
    auto dtype = t->getString("dtype");
    const llvm::json::Array *shape = t->getArray("shape");
    const llvm::json::Array *offsets = t->getArray("data_offsets");
    if (!dtype || !shape || !offsets || offsets->size() != 2)
      return "tensor '" + name + "' needs dtype, shape and two data_offsets";
    st.dtype = dtype->str();
    size_t width = st.dtype == "F32"                           ? 4
                   : (st.dtype == "F16" || st.dtype == "BF16") ? 2
                                                               : 0;
    if (!width)
      return "tensor '" + name + "' has dtype " + st.dtype +
             " (lowbit reads F32, F16 and BF16)";
    if (shape->size() > 4)
      return "tensor '" + name + "' has more than 4 dimensions";
    unsigned __int128 count = 1;
    for (const llvm::json::Value &d : *shape) {
      std::optional<int64_t> v = d.getAsInteger();
      if (!v || *v <= 0 || *v > (int64_t(1) << 40))
        return "tensor '" + name + "' has a bad dimension";
      count *= uint64_t(*v);
      if (count >> 62)
        return "tensor '" + name + "' has too many elements";
      st.shape.push_back(*v);
    }
    std::optional<int64_t> begin = (*offsets)[0].getAsInteger(),
                           end = (*offsets)[1].getAsInteger();
    if (!begin || !end || *begin < 0 || *end < *begin ||
        uint64_t(*end) > bodySize)
      return "tensor '" + name + "' data_offsets lie outside the " +
             std::to_string(bodySize) + "-byte data section";
    if (uint64_t(*end - *begin) != uint64_t(count) * width)
      return "tensor '" + name + "' has " + std::to_string(*end - *begin) +
             " bytes but its shape and dtype need " +
             std::to_string(uint64_t(count) * width);
    st.data = body + *begin;
    st.bytes = size_t(*end - *begin);
    ranges.emplace_back(uint64_t(*begin), uint64_t(*end));
    tensors_.push_back(std::move(st));
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i].first < ranges[i - 1].second)
      return "tensors overlap in the data section";
  // Keep the file's order (JSON objects are unordered; order by offset).
  std::sort(tensors_.begin(), tensors_.end(),
            [](const auto &a, const auto &b) { return a.data < b.data; });
  return "";
}

const SafetensorsTensor *SafetensorsFile::find(const std::string &name) const {
  for (const SafetensorsTensor &t : tensors_)
    if (t.name == name)
      return &t;
  return nullptr;
}

std::string readHfLlamaConfig(const std::string &path, HfLlamaConfig &c) {
  std::string text;
  if (std::string err = readRegularFile(path, text, size_t(16) << 20);
      !err.empty())
    return err;
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(text);
  if (!json)
    return path + ": bad JSON: " + llvm::toString(json.takeError());
  const llvm::json::Object *o = json->getAsObject();
  if (!o)
    return path + ": not a JSON object";
  std::string missing;
  auto get = [&](const char *key, int64_t &out, bool required = true) {
    if (auto v = o->getInteger(key))
      out = *v;
    else if (required && missing.empty())
      missing = key;
  };
  get("hidden_size", c.hiddenSize);
  get("intermediate_size", c.intermediateSize);
  get("num_hidden_layers", c.layers);
  get("num_attention_heads", c.heads);
  get("vocab_size", c.vocabSize);
  get("max_position_embeddings", c.maxPositions);
  c.kvHeads = c.heads;
  get("num_key_value_heads", c.kvHeads, false);
  if (!missing.empty())
    return path + ": missing or non-integer '" + missing + "'";
  if (auto v = o->getNumber("rms_norm_eps"))
    c.rmsNormEps = *v;
  if (auto v = o->getNumber("rope_theta"))
    c.ropeTheta = *v;
  if (auto v = o->getBoolean("tie_word_embeddings"))
    c.tieWordEmbeddings = *v;
  for (int64_t v : {c.hiddenSize, c.intermediateSize, c.layers, c.heads,
                    c.kvHeads, c.vocabSize, c.maxPositions})
    if (v <= 0 || v > (int64_t(1) << 24))
      return path + ": a size is out of range";
  if (c.hiddenSize % c.heads || c.heads % c.kvHeads)
    return path + ": hidden_size, num_attention_heads and "
                  "num_key_value_heads do not divide";
  return "";
}

std::string ggufNameOfHf(const std::string &hf) {
  if (hf == "model.embed_tokens.weight")
    return "token_embd.weight";
  if (hf == "model.norm.weight")
    return "output_norm.weight";
  if (hf == "lm_head.weight")
    return "output.weight";
  const std::string prefix = "model.layers.";
  if (hf.rfind(prefix, 0) != 0)
    return "";
  size_t dot = hf.find('.', prefix.size());
  if (dot == std::string::npos)
    return "";
  std::string layer = hf.substr(prefix.size(), dot - prefix.size());
  std::string rest = hf.substr(dot + 1);
  static const std::pair<const char *, const char *> names[] = {
      {"input_layernorm.weight", "attn_norm.weight"},
      {"self_attn.q_proj.weight", "attn_q.weight"},
      {"self_attn.k_proj.weight", "attn_k.weight"},
      {"self_attn.v_proj.weight", "attn_v.weight"},
      {"self_attn.o_proj.weight", "attn_output.weight"},
      {"post_attention_layernorm.weight", "ffn_norm.weight"},
      {"mlp.gate_proj.weight", "ffn_gate.weight"},
      {"mlp.down_proj.weight", "ffn_down.weight"},
      {"mlp.up_proj.weight", "ffn_up.weight"}};
  for (auto [from, to] : names)
    if (rest == from)
      return "blk." + layer + "." + to;
  return "";
}

std::vector<uint8_t> permuteRotaryRows(const uint8_t *data, int64_t rows,
                                       int64_t rowBytes, int64_t heads) {
  std::vector<uint8_t> out(size_t(rows * rowBytes));
  int64_t hs = rows / heads, half = hs / 2;
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t i = 0; i < half; ++i)
      for (int64_t j = 0; j < 2; ++j)
        std::memcpy(out.data() + (h * hs + 2 * i + j) * rowBytes,
                    data + (h * hs + j * half + i) * rowBytes,
                    size_t(rowBytes));
  return out;
}

} // namespace lowbit::model
