//===- Jit.h - JIT-compile a lowered module for this machine ----*- C++ -*-===//
#ifndef LOWBIT_HARNESS_JIT_H
#define LOWBIT_HARNESS_JIT_H

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"

#include <memory>
#include <string>

namespace lowbit {

/// JIT-compiles `module` (already in the LLVM dialect) at -O3 for the host,
/// with MLIR's C runner utils (strided copies) and the OpenMP runtime
/// loaded, as lowbit-compile's objects link them. Null with `error` set on
/// failure.
std::unique_ptr<mlir::ExecutionEngine> jitCompile(mlir::ModuleOp module,
                                                  std::string &error);

} // namespace lowbit

#endif
