//===- Pipelines.cpp - Registered lowbit pipelines ------------------------===//

#include "lowbit/Pipelines/Pipelines.h"
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

void lowbit::buildReferenceLoweringPipeline(OpPassManager &pm) {
  // Kept as text: it is the exact pass list a user can rerun with
  // lowbit-opt --pass-pipeline.
  (void)parsePassPipeline(
      "convert-lowbit-to-linalg,"
      "one-shot-bufferize{bufferize-function-boundaries "
      "function-boundary-type-conversion=identity-layout-map},"
      "buffer-deallocation-pipeline,convert-bufferization-to-memref,"
      "convert-linalg-to-loops,expand-strided-metadata,lower-affine,"
      "convert-scf-to-cf,convert-math-to-llvm,convert-vector-to-llvm,"
      "convert-arith-to-llvm,convert-cf-to-llvm,finalize-memref-to-llvm,"
      "convert-func-to-llvm,convert-index-to-llvm,reconcile-unrealized-casts",
      pm);
}

void lowbit::registerAllPipelines() {
  PassPipelineRegistration<>(
      "lowbit-reference-lowering",
      "Lower model IR with lowbit ops to the LLVM dialect through "
      "convert-lowbit-to-linalg and upstream passes (reference path)",
      buildReferenceLoweringPipeline);
  PassPipelineRegistration<QuantizePipelineOptions>(
      "lowbit-quantize",
      "Quantize model IR: assign schemes (recipe, rules, bits/weight "
      "budget), then select block scales and pack",
      buildQuantizePipeline);
}
