//===- RunnableModel.h - A compiled model's forward pass, callable ---*- C++
//-*-===//
//
// Every compiled model exposes the same entry points, the C interfaces of
// @forward (one token: _mlir_ciface_forward(logits, token, pos, kcache,
// vcache)) and @forward_batch (a block of tokens through the batched
// kernels). A RunnableModel owns the KV cache and calls them, whether the
// code was JIT-compiled from model IR (JitModel) or linked by the user into
// a shared library from lowbit-compile's object (SharedLibraryModel).
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_RUN_RUNNABLEMODEL_H
#define LOWBIT_RUN_RUNNABLEMODEL_H

#include "lowbit/Model/Tokenizer.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lowbit {
class ActivationRecorder;

class RunnableModel {
public:
  struct Options {
    bool referenceKernels =
        false;              ///< JIT: scalar convert-lowbit-to-linalg path
    bool floatPath = false; ///< JIT: f32 kernels instead of int8 dots
    std::string
        weights; ///< library: external weights file (default: beside it)
    /// JIT: instrument the model (lowbit-instrument-activations) and feed
    /// this recorder; `recordLayers` ("a-b") limits it to those layers.
    ActivationRecorder *recorder = nullptr;
    std::string recordLayers;
    bool recordGram = false; ///< also each input's Gram matrix XᵀX
  };
  virtual ~RunnableModel() = default;
  /// Logits for `token` at position `pos`; updates the KV cache.
  const std::vector<float> &forward(int32_t token, int64_t pos);
  /// Runs `tokens` at positions pos, pos + 1, ... through the batched
  /// forward, at most kMaxBatch per call; returns the logits of every token
  /// (tokens.size() x vocab, row-major) when `all`, else of the last. Updates
  /// the KV cache. Tokens out of range or past the context are refused
  /// (an empty result and `error` set) before anything runs.
  const std::vector<float> &forwardBatch(const std::vector<int32_t> &tokens,
                                         int64_t pos, bool all,
                                         std::string &error);
  /// Tokens per batched call: llama.cpp's default micro-batch, which also
  /// bounds the activations' memory.
  static constexpr int64_t kMaxBatch = 512;
  int64_t vocab() const { return vocab_; }
  int64_t context() const { return context_; }
  /// Models without a tokenizer still run bench (from token 1, BOS).
  bool hasTokenizer() const { return tokenizer_.has_value(); }
  const model::Tokenizer &tokenizer() const { return *tokenizer_; }
  /// What runs: "JIT" or the library's path.
  virtual std::string describe() const = 0;

protected:
  using ForwardFn = void (*)(void *, int64_t, int64_t, void *, void *);
  using ForwardBatchFn = void (*)(void *, void *, int64_t, int64_t, void *,
                                  void *);
  /// Called by loaders once the entry points and dimensions are known.
  void bind(ForwardFn fn, ForwardBatchFn batchFn, int64_t layers,
            int64_t context, int64_t kvDim, int64_t vocab,
            std::optional<model::Tokenizer> tokenizer);

private:
  ForwardFn forward_ = nullptr;
  ForwardBatchFn forwardBatch_ = nullptr;
  int64_t vocab_ = 0, context_ = 0, layers_ = 0, kvDim_ = 0;
  std::vector<float> kcache_, vcache_, logits_, batchLogits_;
  std::optional<model::Tokenizer> tokenizer_;
};

/// Model IR (.mlir/.mlirbc) is JIT-compiled; a shared library (.so) built
/// from lowbit-compile's object is loaded. Null with `error` set on failure.
std::unique_ptr<RunnableModel> loadModel(const std::string &path,
                                         const RunnableModel::Options &options,
                                         std::string &error);

} // namespace lowbit

#endif
