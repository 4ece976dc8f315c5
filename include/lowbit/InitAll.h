//===- InitAll.h - Register everything lowbit offers ------------*- C++ -*-===//
#ifndef LOWBIT_INITALL_H
#define LOWBIT_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace lowbit {
/// lowbit plus the upstream dialects model IR uses.
void registerAllDialects(mlir::DialectRegistry &registry);
/// lowbit passes and lowerings plus the upstream passes users chain them with.
void registerAllPasses();
} // namespace lowbit

#endif
