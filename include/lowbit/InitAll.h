//===- InitAll.h - Register everything lowbit offers ------------*- C++ -*-===//
#ifndef LOWBIT_INITALL_H
#define LOWBIT_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace lowbit {
/// lowbit plus the upstream dialects model IR uses.
void registerAllDialects(mlir::DialectRegistry &registry);
/// lowbit passes, lowerings and pipelines plus the upstream passes.
void registerAllPasses();
} // namespace lowbit

#endif
