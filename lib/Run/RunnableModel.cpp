//===- RunnableModel.cpp - KV cache and calls of _mlir_ciface_forward -----===//

#include "lowbit/Run/RunnableModel.h"
#include "lowbit/Run/JitModel.h"
#include "lowbit/Run/SharedLibraryModel.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <cstdlib>

namespace lowbit {

void RunnableModel::bind(ForwardFn fn, int64_t layers, int64_t context,
                         int64_t kvDim, int64_t vocab,
                         std::optional<model::Tokenizer> tokenizer) {
  forward_ = fn;
  layers_ = layers;
  context_ = context;
  kvDim_ = kvDim;
  vocab_ = vocab;
  tokenizer_ = std::move(tokenizer);
  kcache_.assign(size_t(layers_ * context_ * kvDim_), 0.0f);
  vcache_.assign(kcache_.size(), 0.0f);
  logits_.resize(size_t(vocab_));
}

const std::vector<float> &RunnableModel::forward(int32_t token, int64_t pos) {
  auto cacheRef = [&](std::vector<float> &c) {
    StridedMemRefType<float, 3> m;
    m.basePtr = m.data = c.data();
    m.offset = 0;
    m.sizes[0] = layers_;
    m.sizes[1] = context_;
    m.sizes[2] = kvDim_;
    m.strides[0] = context_ * kvDim_;
    m.strides[1] = kvDim_;
    m.strides[2] = 1;
    return m;
  };
  StridedMemRefType<float, 3> k = cacheRef(kcache_), v = cacheRef(vcache_);
  StridedMemRefType<float, 2> result{};
  forward_(&result, token, pos, &k, &v);
  std::copy(result.data, result.data + vocab_, logits_.begin());
  std::free(result.basePtr); // the caller owns returned buffers
  return logits_;
}

std::unique_ptr<RunnableModel> loadModel(const std::string &path,
                                         const RunnableModel::Options &options,
                                         std::string &error) {
  std::unique_ptr<RunnableModel> model;
  if (llvm::StringRef(path).ends_with(".so")) {
    auto lib = std::make_unique<SharedLibraryModel>();
    error = lib->load(path, options.weights);
    model = std::move(lib);
  } else {
    if (!options.weights.empty()) {
      error = "--weights applies to shared libraries compiled with external "
              "weights, not to model IR";
      return nullptr;
    }
    auto jit = std::make_unique<JitModel>();
    error = jit->load(path, options);
    model = std::move(jit);
  }
  if (!error.empty())
    return nullptr;
  return model;
}

} // namespace lowbit
