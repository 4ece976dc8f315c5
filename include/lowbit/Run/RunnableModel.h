//===- RunnableModel.h - A compiled model's forward pass, callable ---*- C++
//-*-===//
//
// Every compiled model exposes the same entry point, the C interface of
// @forward: _mlir_ciface_forward(logits, token, pos, kcache, vcache). A
// RunnableModel owns the KV cache and calls it one token at a time, whether
// the code was JIT-compiled from model IR (JitModel) or linked by the user
// into a shared library from lowbit-compile's object (SharedLibraryModel).
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
  int64_t vocab() const { return vocab_; }
  int64_t context() const { return context_; }
  /// Models without a tokenizer still run bench (from token 1, BOS).
  bool hasTokenizer() const { return tokenizer_.has_value(); }
  const model::Tokenizer &tokenizer() const { return *tokenizer_; }
  /// What runs: "JIT" or the library's path.
  virtual std::string describe() const = 0;

protected:
  using ForwardFn = void (*)(void *, int64_t, int64_t, void *, void *);
  /// Called by loaders once the entry point and dimensions are known.
  void bind(ForwardFn fn, int64_t layers, int64_t context, int64_t kvDim,
            int64_t vocab, std::optional<model::Tokenizer> tokenizer);

private:
  ForwardFn forward_ = nullptr;
  int64_t vocab_ = 0, context_ = 0, layers_ = 0, kvDim_ = 0;
  std::vector<float> kcache_, vcache_, logits_;
  std::optional<model::Tokenizer> tokenizer_;
};

/// Model IR (.mlir/.mlirbc) is JIT-compiled; a shared library (.so) built
/// from lowbit-compile's object is loaded. Null with `error` set on failure.
std::unique_ptr<RunnableModel> loadModel(const std::string &path,
                                         const RunnableModel::Options &options,
                                         std::string &error);

} // namespace lowbit

#endif
