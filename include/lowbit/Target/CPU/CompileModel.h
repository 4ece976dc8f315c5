//===- CompileModel.h - Model IR -> object file + C header -------*- C++
//-*-===//
//
// The compile driver as a library (lowbit-compile parses arguments and calls
// it): optional quantization, the target set once on the module, the
// lowering, stable global names, external weights above a threshold, LLVM at
// -O3, the object file, the weights file and the C header of the model ABI.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_TARGET_CPU_COMPILEMODEL_H
#define LOWBIT_TARGET_CPU_COMPILEMODEL_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Target/TargetMachine.h"

#include <cstdint>
#include <string>

namespace lowbit::cpu {

struct CompileOptions {
  std::string quantize;          ///< lowbit-quantize options ("" = as they are)
  bool floatPath = false;        ///< f32 kernels even with int8 dot products
  bool referenceKernels = false; ///< scalar reference lowering
  bool kernelReport = false;     ///< remark on each kernel chosen
  /// Referenced constants of at least this many bytes in all move to a
  /// weights file (objects stay far below what the code model addresses).
  uint64_t weightsThreshold = uint64_t(256) << 20;
  std::string objectPath;  ///< required
  std::string headerPath;  ///< "" = no header (needs @forward otherwise)
  std::string weightsPath; ///< "" = objectPath with the .weights extension
};

/// Compiles `module` (model IR with @forward, or a library of public
/// functions) for `tm`. Returns "" or what failed; diagnostics (kernel
/// remarks included) go to the context's handler.
std::string compileModel(mlir::ModuleOp module, llvm::TargetMachine &tm,
                         const CompileOptions &options);

} // namespace lowbit::cpu

#endif
