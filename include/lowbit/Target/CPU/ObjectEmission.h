//===- ObjectEmission.h - LLVM-dialect module -> object file ----*- C++ -*-===//
#ifndef LOWBIT_TARGET_CPU_OBJECTEMISSION_H
#define LOWBIT_TARGET_CPU_OBJECTEMISSION_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

#include <string>

namespace lowbit::cpu {

/// Bufferization creates the constants' globals in an order (and with
/// numbered names) that varies from run to run; sorts them by type and data
/// and renames them so the same input always gives the same object.
void stabilizeGlobals(mlir::ModuleOp module);

/// Optimises `module` at -O3 for `tm` and writes it as an object file.
/// Returns "" or what failed.
std::string emitObjectFile(llvm::Module &module, llvm::TargetMachine &tm,
                           const std::string &path);

} // namespace lowbit::cpu

#endif
