//===- ModelABI.h - What a compiled model exports and how to call it -*- C++
//-*-===//
//
// A compiled model object exports `_mlir_ciface_forward` (one token per
// call: logits, token, pos, kcache, vcache), its dimensions and, when the
// model has one, its tokenizer; with external weights, the slots and what
// checks the weights file (ModelABI.def lists every symbol). A program needs
// nothing else: the generated C header wraps all of it, and lowbit-run
// dlopens shared libraries through the same names.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_TARGET_CPU_MODELABI_H
#define LOWBIT_TARGET_CPU_MODELABI_H

#include "lowbit/Model/Tokenizer.h"

#include <cstdint>
#include <string>

namespace llvm {
class Constant;
class Module;
class StringRef;
} // namespace llvm

namespace lowbit::cpu {

enum class AbiSymbol {
#define LOWBIT_ABI_SYMBOL(Id, name, declaration) Id,
#include "lowbit/Target/CPU/ModelABI.def"
};

/// The symbol's name in the object.
const char *abiName(AbiSymbol symbol);
/// The symbol's C declaration, e.g. "const int64_t lowbit_model_dims[4]".
std::string abiDeclaration(AbiSymbol symbol);

struct ModelShape {
  int64_t layers = 0, context = 0, kvDim = 0, vocab = 0;
};

/// Adds an exported constant global `symbol` with `init` to `module`.
void addExportedConstant(llvm::Module &module, llvm::Constant *init,
                         AbiSymbol symbol);

/// Adds the dimensions (and the tokenizer, if given) to `module`.
void addModelInfo(llvm::Module &module, const ModelShape &shape,
                  const model::Tokenizer *tokenizer);

/// The C header: the C ABI over forward and the info above; with external
/// weights (their file's base name non-empty), the loader that maps and
/// checks them.
std::string modelHeader(const ModelShape &shape, bool hasTokenizer,
                        bool usesOpenMP, const std::string &weightsFile);

} // namespace lowbit::cpu

#endif
