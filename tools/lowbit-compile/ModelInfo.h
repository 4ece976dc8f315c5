//===- ModelInfo.h - What a compiled model tells its users -----*- C++ -*-===//
//
// A compiled model object exports, besides _mlir_ciface_forward:
//   lowbit_model_dims[4]            layers, context, kv_dim, vocab (int64)
// and when the model carries a tokenizer:
//   lowbit_model_special_tokens[2]  BOS, EOS (int32)
//   lowbit_model_token_offsets[vocab + 1], lowbit_model_token_text[]
//                                   token i is text[offsets[i], offsets[i+1])
//                                   in GGUF spelling (U+2581 for spaces)
//   lowbit_model_token_scores[vocab] merge scores (float)
// so a program (or lowbit-run on a shared library) needs nothing else.
// The generated C header wraps all of it.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_TOOLS_LOWBIT_COMPILE_MODELINFO_H
#define LOWBIT_TOOLS_LOWBIT_COMPILE_MODELINFO_H

#include "lowbit/Model/Tokenizer.h"

#include <cstdint>
#include <string>

namespace llvm {
class Constant;
class Module;
class StringRef;
} // namespace llvm

namespace lowbit {

struct ModelShape {
  int64_t layers = 0, context = 0, kvDim = 0, vocab = 0;
};

/// Adds an exported constant global `name` with `init` to `module`.
void addExportedConstant(llvm::Module &module, llvm::Constant *init,
                         llvm::StringRef name);

/// Adds the model-info globals above to `module`.
void addModelInfo(llvm::Module &module, const ModelShape &shape,
                  const model::Tokenizer *tokenizer);

/// The C header: the C ABI over _mlir_ciface_forward and the info above;
/// with external weights (their file's base name non-empty), the loader
/// that maps and checks them.
std::string modelHeader(const ModelShape &shape, bool hasTokenizer,
                        bool usesOpenMP, const std::string &weightsFile);

} // namespace lowbit

#endif
