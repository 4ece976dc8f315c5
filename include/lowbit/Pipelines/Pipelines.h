//===- Pipelines.h - Registered lowbit pipelines ----------------*- C++ -*-===//
#ifndef LOWBIT_PIPELINES_PIPELINES_H
#define LOWBIT_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace lowbit {

/// lowbit-quantize: assign schemes (recipe / rules / budget / default),
/// then select block scales and pack.
struct QuantizePipelineOptions
    : public mlir::PassPipelineOptions<QuantizePipelineOptions> {
  Option<std::string> recipe{*this, "recipe",
                             llvm::cl::desc("llama.cpp mix, e.g. q4_k_m"),
                             llvm::cl::init("")};
  ListOption<std::string> rules{*this, "rules",
                                llvm::cl::desc("regex=scheme rules")};
  Option<double> bpw{*this, "bpw",
                     llvm::cl::desc("target bits/weight of quantized weights"),
                     llvm::cl::init(0.0)};
  Option<uint64_t> bytes{*this, "bytes",
                         llvm::cl::desc("target bytes of quantized weights"),
                         llvm::cl::init(0)};
  Option<std::string> defaultScheme{*this, "default",
                                    llvm::cl::desc("scheme otherwise"),
                                    llvm::cl::init("q4_k")};
  Option<std::string> method{*this, "method",
                             llvm::cl::desc("rtn, absmax, minmax, search"),
                             llvm::cl::init("search")};
  Option<unsigned> threads{*this, "threads",
                           llvm::cl::desc("quantization threads, 0 = all"),
                           llvm::cl::init(0)};
  Option<std::string> report{
      *this, "report",
      llvm::cl::desc("per-weight error report: path (.json for JSON) or -"),
      llvm::cl::init("")};
  Option<std::string> imatrix{
      *this, "imatrix",
      llvm::cl::desc("llama.cpp imatrix GGUF for importance-weighted errors"),
      llvm::cl::init("")};
  Option<std::string> assignReport{
      *this, "assign-report",
      llvm::cl::desc("scheme assignment report: path or -"),
      llvm::cl::init("")};
};

void buildQuantizePipeline(mlir::OpPassManager &pm,
                           const QuantizePipelineOptions &options);

/// lowbit-reference-lowering: convert-lowbit-to-linalg, bufferization with
/// ownership-based deallocation, loops, LLVM dialect. The slow, obviously
/// correct path lowbit-run and lowbit-compile use until fast codegen exists.
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
