//===- Quantize.cpp - lowbit-quantize: assign schemes, select scales ------===//

#include "lowbit/Dialect/LowBit/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"

namespace lowbit {
#define GEN_PASS_DEF_LOWBITQUANTIZEPASS
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit

using namespace mlir;

namespace {

struct LowBitQuantize
    : public lowbit::impl::LowBitQuantizePassBase<LowBitQuantize> {
  using Base::Base;

  void runOnOperation() override {
    lowbit::LowBitAssignSchemesPassOptions assign;
    assign.defaultScheme = defaultScheme;
    assign.rules.assign(rules.begin(), rules.end());
    assign.recipe = recipe;
    assign.bpw = bpw;
    assign.bytes = bytes;
    assign.candidates.assign(candidates.begin(), candidates.end());
    assign.method = method;
    assign.report = assignReport;
    assign.imatrix = imatrix;
    lowbit::LowBitSelectBlockScalesPassOptions select;
    select.scheme = defaultScheme;
    select.method = method;
    select.threads = threads;
    select.report = report;
    select.imatrix = imatrix;
    select.strict = strict;
    select.clampScales = clampScales;
    OpPassManager pm(ModuleOp::getOperationName());
    if (requantize) {
      lowbit::LowBitDecodeWeightsPassOptions decode;
      decode.threads = threads;
      pm.addPass(lowbit::createLowBitDecodeWeightsPass(decode));
    }
    pm.addPass(lowbit::createLowBitAssignSchemesPass(assign));
    pm.addPass(lowbit::createLowBitSelectBlockScalesPass(select));
    if (failed(runPipeline(pm, getOperation())))
      signalPassFailure();
  }
};

} // namespace
