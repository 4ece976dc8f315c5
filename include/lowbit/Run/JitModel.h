//===- JitModel.h - A model IR module compiled in-process ------*- C++ -*-===//
#ifndef LOWBIT_RUN_JITMODEL_H
#define LOWBIT_RUN_JITMODEL_H

#include "lowbit/Run/RunnableModel.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/MLIRContext.h"

namespace lowbit {

/// Loads model IR, lowers it with lowbit-lowering (the pipeline
/// lowbit-compile uses) and JIT-compiles it at -O3 for the host.
class JitModel : public RunnableModel {
public:
  /// Returns an empty string or an error.
  std::string load(const std::string &path, const Options &options);
  std::string describe() const override { return "JIT"; }

private:
  mlir::MLIRContext ctx_;
  std::unique_ptr<mlir::ExecutionEngine> engine_;
};

} // namespace lowbit

#endif
