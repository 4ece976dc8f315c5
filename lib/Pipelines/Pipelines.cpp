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

void lowbit::registerAllPipelines() {
  PassPipelineRegistration<QuantizePipelineOptions>(
      "lowbit-quantize",
      "Quantize model IR: assign schemes (recipe, rules, bits/weight "
      "budget), then select block scales and pack",
      buildQuantizePipeline);
}
