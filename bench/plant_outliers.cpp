//===- plant_outliers.cpp - A model with planted activation outliers ------===//
//
// LLM.int8()'s emergent features, planted into a real f32 Llama GGUF
// without changing the function it computes: the chosen input channels of
// every q/k/v and gate/up input are scaled up by `scale` in the RMSNorm
// weight that produces them (attn_norm, ffn_norm), and the same columns of
// the weights reading them are scaled down by `scale`. The float model is
// the same model (up to rounding); its activations now have a few channels
// `scale` times larger and its weights a few columns `scale` times
// smaller, which is what makes per-block activation quantization and
// weight quantization fail, and outlier splitting worth it.
//
//   lowbit-plant-outliers <in.gguf> <out.gguf> [--channels=a,b,...] [--scale=30]
//
//===----------------------------------------------------------------------===//

#include "lowbit/Model/Gguf.h"
#include "lowbit/Tools/ThreadsOption.h"

#include "llvm/Support/CommandLine.h"

#include <cstdio>
#include <cstring>

using namespace lowbit::model;

static llvm::cl::opt<std::string> inputPath(llvm::cl::Positional,
                                            llvm::cl::desc("<in.gguf>"),
                                            llvm::cl::Required);
static llvm::cl::opt<std::string> outputPath(llvm::cl::Positional,
                                             llvm::cl::desc("<out.gguf>"),
                                             llvm::cl::Required);
static llvm::cl::list<int> channels(
    "channels", llvm::cl::CommaSeparated,
    llvm::cl::desc("input channels to plant outliers in (default 5,37)"));
static llvm::cl::opt<float>
    scale("scale", llvm::cl::init(30.0f),
          llvm::cl::desc("how much larger the planted channels are"));

static int fail(const std::string &message) {
  std::fprintf(stderr, "lowbit-plant-outliers: %s\n", message.c_str());
  return 1;
}

int main(int argc, char **argv) {
  if (lowbit::refuseLLVMThreadsOption(argc, argv))
    return 1;
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "lowbit-plant-outliers: plant activation outliers\n");
  std::vector<int> planted(channels.begin(), channels.end());
  if (planted.empty())
    planted = {5, 37};
  if (!(scale > 0))
    return fail("--scale must be positive");
  GgufFile in;
  if (std::string err = in.open(inputPath); !err.empty())
    return fail(err);
  const GgufValue *dimValue = in.find("llama.embedding_length");
  if (!dimValue)
    return fail(inputPath + " is not a llama GGUF");
  int64_t dim = int64_t(dimValue->u);
  for (int c : planted)
    if (c < 0 || c >= dim)
      return fail("channel " + std::to_string(c) + " is outside the model's " +
                  std::to_string(dim));

  auto endsWith = [](const std::string &s, const char *suffix) {
    size_t n = std::strlen(suffix);
    return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
  };
  std::vector<GgufWriterTensor> tensors;
  for (const GgufTensor &t : in.tensors()) {
    if (t.type != uint32_t(GgmlType::F32))
      return fail("tensor '" + t.name + "' is not f32 (give an f32 model)");
    GgufWriterTensor out{t.name, t.dims, t.type, {}};
    out.data.assign(t.data, t.data + t.bytes);
    float *v = reinterpret_cast<float *>(out.data.data());
    bool norm = endsWith(t.name, "attn_norm.weight") ||
                endsWith(t.name, "ffn_norm.weight");
    bool reader = endsWith(t.name, "attn_q.weight") ||
                  endsWith(t.name, "attn_k.weight") ||
                  endsWith(t.name, "attn_v.weight") ||
                  endsWith(t.name, "ffn_gate.weight") ||
                  endsWith(t.name, "ffn_up.weight");
    if (norm)
      for (int c : planted)
        v[c] *= scale;
    if (reader) {
      int64_t k = t.dims[0], rows = t.rows();
      if (k != dim)
        return fail("'" + t.name + "' has rows of " + std::to_string(k));
      for (int64_t r = 0; r < rows; ++r)
        for (int c : planted)
          v[r * k + c] /= scale;
    }
    tensors.push_back(std::move(out));
  }
  std::vector<std::pair<std::string, GgufValue>> meta = in.metadata();
  for (auto &[key, value] : meta)
    if (key == "general.name")
      value = GgufValue::ofString(value.s + " (planted outliers)");
  if (std::string err = writeGguf(outputPath, meta, tensors); !err.empty())
    return fail(err);
  return 0;
}
