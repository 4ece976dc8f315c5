//===- Jit.cpp - JIT-compile a lowered module for this machine ------------===//

#include "lowbit/Harness/Jit.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "llvm/Support/TargetSelect.h"

namespace lowbit {

std::unique_ptr<mlir::ExecutionEngine> jitCompile(mlir::ModuleOp module,
                                                  std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  mlir::ExecutionEngineOptions options;
  // ExecutionEngineOptions::transformer is a function_ref: keep the
  // transformer alive for the duration of create().
  auto optimize = mlir::makeOptimizingTransformer(3, 0, nullptr);
  options.transformer = optimize;
  llvm::StringRef runtime[] = {LOWBIT_MLIR_C_RUNNER_UTILS, LOWBIT_OMP_LIB};
  options.sharedLibPaths = runtime;
  auto engine = mlir::ExecutionEngine::create(module, options);
  if (!engine) {
    error = "JIT compilation failed: " + llvm::toString(engine.takeError());
    return nullptr;
  }
  return std::move(*engine);
}

} // namespace lowbit
