//===- Pipelines.h - Registered lowbit pipelines ----------------*- C++ -*-===//
#ifndef LOWBIT_PIPELINES_PIPELINES_H
#define LOWBIT_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace lowbit {

/// lowbit-reference-lowering: convert-lowbit-to-linalg, bufferization with
/// ownership-based deallocation, loops, LLVM dialect. The slow, obviously
/// correct path (--reference-kernels). Quantization is the lowbit-quantize
/// pass (Dialect/LowBit/Transforms), whose options ODS declares once.
void buildReferenceLoweringPipeline(mlir::OpPassManager &pm);

/// lowbit-lowering: the production path. Constant-weight lowbit.matmul ops
/// become vector kernels for the module's `#lowbit.target`
/// (convert-lowbit-to-vector, set by lowbit-attach-target or the driver),
/// the rest of the graph goes through upstream bufferization, loops and
/// LLVM, with kernel row groups on OpenMP threads.
struct LoweringOptions : public mlir::PassPipelineOptions<LoweringOptions> {
  Option<bool> floatPath{*this, "float-path",
                         llvm::cl::desc("force the f32 kernels"),
                         llvm::cl::init(false)};
  Option<int64_t> parallelThreshold{
      *this, "parallel-threshold",
      llvm::cl::desc("weights with at least this many elements use threads"),
      llvm::cl::init(int64_t(1) << 20)};
  Option<bool> report{*this, "report",
                      llvm::cl::desc("remark on each kernel chosen"),
                      llvm::cl::init(false)};
  Option<bool> reference{
      *this, "reference",
      llvm::cl::desc("use the scalar reference lowering for lowbit ops"),
      llvm::cl::init(false)};
};

void buildLoweringPipeline(mlir::OpPassManager &pm,
                           const LoweringOptions &options);

void registerAllPipelines();

} // namespace lowbit

#endif
