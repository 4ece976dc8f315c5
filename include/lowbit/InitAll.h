//===- InitAll.h - Register everything lowbit offers ------------*- C++ -*-===//
//
// The one place tools, the JIT harness and tests register dialects, their
// external interface models, translations, passes and pipelines.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_INITALL_H
#define LOWBIT_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace lowbit {
/// lowbit (with its bufferization models) plus the upstream dialects and
/// extensions model IR and its lowerings use.
void registerAllDialects(mlir::DialectRegistry &registry);
/// Translations from the LLVM dialects (builtin, llvm, omp) to LLVM IR.
void registerLLVMTranslations(mlir::DialectRegistry &registry);
/// lowbit passes, lowerings and pipelines plus the upstream passes; safe to
/// call more than once.
void registerAllPasses();
} // namespace lowbit

#endif
