//===- AttachTarget.h - The module's CPU target, set by drivers -*- C++ -*-===//
#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_ATTACHTARGET_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_ATTACHTARGET_H

#include "lowbit/Codegen/Targets.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Target/TargetMachine.h"

namespace lowbit {

/// Sets `llvm.target` (tm's triple, CPU and -mattr features) and
/// `lowbit.target` (`kernels`) on `module`. `kernels` is normally
/// codegen::selectTarget(tm); a driver may force a less capable entry of
/// the same architecture (the kernel bench on x86-64-v3 on an AVX-512 host).
void attachTarget(mlir::ModuleOp module, const llvm::TargetMachine &tm,
                  const codegen::TargetDesc &kernels);

} // namespace lowbit

#endif
