//===- SharedLibraryModel.cpp - dlopen a compiled model -------------------===//

#include "SharedLibraryModel.h"

#include <dlfcn.h>

namespace lowbit {

std::string SharedLibraryModel::load(const std::string &path) {
  path_ = path;
  // RTLD_LOCAL: a reference model in another library keeps its own symbols.
  handle_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_)
    return std::string("cannot load ") + dlerror();
  std::string missing;
  auto symbol = [&](const char *name) -> void * {
    void *p = dlsym(handle_, name);
    if (!p && missing.empty())
      missing = name;
    return p;
  };
  auto forward = reinterpret_cast<ForwardFn>(symbol("_mlir_ciface_forward"));
  auto *dims = static_cast<const int64_t *>(symbol("lowbit_model_dims"));
  auto *special =
      static_cast<const int32_t *>(symbol("lowbit_model_special_tokens"));
  auto *offsets =
      static_cast<const uint32_t *>(symbol("lowbit_model_token_offsets"));
  auto *text = static_cast<const char *>(symbol("lowbit_model_token_text"));
  auto *scores =
      static_cast<const float *>(symbol("lowbit_model_token_scores"));
  if (!missing.empty())
    return path + " is not a lowbit-compiled model with a tokenizer (no " +
           missing + ")";
  int64_t layers = dims[0], context = dims[1], kvDim = dims[2],
          vocab = dims[3];
  if (layers <= 0 || context <= 0 || kvDim <= 0 || vocab <= 0 ||
      offsets[0] != 0)
    return path + ": inconsistent model dimensions";
  std::vector<std::string> tokens;
  std::vector<float> tokenScores(scores, scores + vocab);
  for (int64_t i = 0; i < vocab; ++i) {
    if (offsets[i + 1] < offsets[i])
      return path + ": inconsistent token table";
    tokens.emplace_back(text + offsets[i], offsets[i + 1] - offsets[i]);
  }
  bind(forward, layers, context, kvDim, vocab,
       model::Tokenizer(std::move(tokens), std::move(tokenScores), special[0],
                        special[1]));
  return "";
}

} // namespace lowbit
