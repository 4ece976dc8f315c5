//===- Pipelines.cpp - Registered lowbit pipelines ------------------------===//

#include "lowbit/Pipelines/Pipelines.h"
#include "lowbit/Conversion/Passes.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

void lowbit::buildQuantizePipeline(OpPassManager &pm,
                                   const QuantizePipelineOptions &o) {
  LowBitAssignSchemesPassOptions assign;
  assign.defaultScheme = o.defaultScheme;
  assign.rules.assign(o.rules.begin(), o.rules.end());
  assign.recipe = o.recipe;
  assign.bpw = o.bpw;
  assign.bytes = o.bytes;
  assign.method = o.method;
  assign.report = o.assignReport;
  assign.imatrix = o.imatrix;
  pm.addPass(createLowBitAssignSchemesPass(assign));
  LowBitSelectBlockScalesPassOptions select;
  select.scheme = o.defaultScheme;
  select.method = o.method;
  select.threads = o.threads;
  select.report = o.report;
  select.imatrix = o.imatrix;
  pm.addPass(createLowBitSelectBlockScalesPass(select));
}

// Everything after lowbit.matmul is gone. Kernel ops bufferize with
// upstream's one-shot bufferization; their bodies are written after buffer
// deallocation, which cannot analyse the LLVM intrinsics they use.
static const char *const kUpstreamLowering =
    "inline,one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-deallocation-pipeline,convert-bufferization-to-memref,"
    "lowbit-expand-kernels,"
    "convert-linalg-to-loops,convert-scf-to-openmp,expand-strided-metadata,"
    "lower-affine,convert-scf-to-cf,convert-openmp-to-llvm,"
    "convert-math-to-llvm,convert-vector-to-llvm,convert-arith-to-llvm,"
    "convert-cf-to-llvm,finalize-memref-to-llvm,convert-func-to-llvm,"
    "convert-index-to-llvm,reconcile-unrealized-casts";

void lowbit::buildReferenceLoweringPipeline(OpPassManager &pm) {
  // Kept as text: it is the exact pass list a user can rerun with
  // lowbit-opt --pass-pipeline.
  (void)parsePassPipeline(std::string("convert-lowbit-to-linalg,") +
                              kUpstreamLowering,
                          pm);
}

void lowbit::buildLoweringPipeline(OpPassManager &pm,
                                   const LoweringOptions &o) {
  if (o.reference)
    return buildReferenceLoweringPipeline(pm);
  ConvertLowBitToVectorPassOptions vector;
  vector.floatPath = o.floatPath;
  vector.parallelThreshold = o.parallelThreshold;
  vector.report = o.report;
  pm.addPass(createConvertLowBitToVectorPass(vector));
  (void)parsePassPipeline(std::string("convert-lowbit-to-linalg,") +
                              kUpstreamLowering,
                          pm);
}

void lowbit::registerAllPipelines() {
  PassPipelineRegistration<>(
      "lowbit-reference-lowering",
      "Lower model IR with lowbit ops to the LLVM dialect through "
      "convert-lowbit-to-linalg and upstream passes (reference path)",
      buildReferenceLoweringPipeline);
  PassPipelineRegistration<LoweringOptions>(
      "lowbit-lowering",
      "Lower model IR to the LLVM dialect: vector kernels for quantized "
      "matmuls on the given target, upstream passes for the rest",
      buildLoweringPipeline);
  PassPipelineRegistration<QuantizePipelineOptions>(
      "lowbit-quantize",
      "Quantize model IR: assign schemes (recipe, rules, bits/weight "
      "budget), then select block scales and pack",
      buildQuantizePipeline);
}
