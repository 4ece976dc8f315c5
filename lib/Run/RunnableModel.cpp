//===- RunnableModel.cpp - KV cache and calls of _mlir_ciface_forward -----===//

#include "lowbit/Run/RunnableModel.h"
#include "lowbit/Run/JitModel.h"
#include "lowbit/Run/SharedLibraryModel.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>

#include <algorithm>
#include <cstdlib>

namespace lowbit {

void RunnableModel::bind(ForwardFn fn, ForwardBatchFn batchFn, int64_t layers,
                         int64_t context, int64_t kvDim, int64_t vocab,
                         std::optional<model::Tokenizer> tokenizer) {
  forward_ = fn;
  forwardBatch_ = batchFn;
  layers_ = layers;
  context_ = context;
  kvDim_ = kvDim;
  vocab_ = vocab;
  tokenizer_ = std::move(tokenizer);
  kcache_.assign(size_t(layers_ * context_ * kvDim_), 0.0f);
  vcache_.assign(kcache_.size(), 0.0f);
  logits_.resize(size_t(vocab_));
}

namespace {

StridedMemRefType<float, 3> cacheRef(std::vector<float> &c, int64_t layers,
                                     int64_t context, int64_t kvDim) {
  StridedMemRefType<float, 3> m;
  m.basePtr = m.data = c.data();
  m.offset = 0;
  m.sizes[0] = layers;
  m.sizes[1] = context;
  m.sizes[2] = kvDim;
  m.strides[0] = context * kvDim;
  m.strides[1] = kvDim;
  m.strides[2] = 1;
  return m;
}

} // namespace

const std::vector<float> &
RunnableModel::forwardBatch(const std::vector<int32_t> &tokens, int64_t pos,
                            bool all, std::string &error) {
  batchLogits_.clear();
  if (tokens.empty() || pos < 0 || pos > context_ ||
      int64_t(tokens.size()) > context_ - pos) {
    error = "the tokens do not fit the context (" + std::to_string(context_) +
            ")";
    return batchLogits_;
  }
  for (int32_t t : tokens)
    if (t < 0 || t >= vocab_) {
      error = "token " + std::to_string(t) + " is outside the vocabulary";
      return batchLogits_;
    }
  StridedMemRefType<float, 3> k = cacheRef(kcache_, layers_, context_, kvDim_),
                              v = cacheRef(vcache_, layers_, context_, kvDim_);
  for (size_t first = 0; first < tokens.size(); first += kMaxBatch) {
    size_t count = std::min(tokens.size() - first, size_t(kMaxBatch));
    bool last = first + count == tokens.size();
    StridedMemRefType<int32_t, 1> in;
    in.basePtr = in.data = const_cast<int32_t *>(tokens.data() + first);
    in.offset = 0;
    in.sizes[0] = int64_t(count);
    in.strides[0] = 1;
    StridedMemRefType<float, 2> result{};
    forwardBatch_(&result, &in, pos + int64_t(first), all ? 1 : 0, &k, &v);
    if (all || last)
      batchLogits_.insert(batchLogits_.end(), result.data + result.offset,
                          result.data + result.offset +
                              result.sizes[0] * vocab_);
    std::free(result.basePtr); // the caller owns returned buffers
  }
  return batchLogits_;
}

const std::vector<float> &RunnableModel::forward(int32_t token, int64_t pos) {
  StridedMemRefType<float, 3> k = cacheRef(kcache_, layers_, context_, kvDim_),
                              v = cacheRef(vcache_, layers_, context_, kvDim_);
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
