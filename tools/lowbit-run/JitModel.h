//===- JitModel.h - A model IR module compiled in-process ------*- C++ -*-===//
#ifndef LOWBIT_TOOLS_LOWBIT_RUN_JITMODEL_H
#define LOWBIT_TOOLS_LOWBIT_RUN_JITMODEL_H

#include "lowbit/Model/Tokenizer.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lowbit {

/// Loads model IR, lowers it through convert-lowbit-to-linalg and upstream
/// passes to LLVM, JIT-compiles it and calls @forward one token at a time.
class JitModel {
public:
  /// Returns an empty string or an error.
  struct Options {
    bool referenceKernels = false; ///< scalar convert-lowbit-to-linalg path
    bool floatPath = false;        ///< f32 kernels instead of int8 dots
  };
  std::string load(const std::string &path, const Options &options);
  /// Logits for `token` at position `pos`; updates the KV cache.
  const std::vector<float> &forward(int32_t token, int64_t pos);
  int64_t vocab() const { return vocab_; }
  int64_t context() const { return context_; }
  const model::Tokenizer &tokenizer() const { return *tokenizer_; }

private:
  mlir::MLIRContext ctx_;
  std::unique_ptr<mlir::ExecutionEngine> engine_;
  void (*forward_)(void *, int64_t, int64_t, void *, void *) = nullptr;
  int64_t vocab_ = 0, context_ = 0, layers_ = 0, kvDim_ = 0;
  std::vector<float> kcache_, vcache_, logits_;
  std::optional<model::Tokenizer> tokenizer_;
};

} // namespace lowbit

#endif
