//===- Quantize.cpp - lowbit-quantize: assign schemes, select scales ------===//

#include "lowbit/Dialect/LowBit/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

namespace lowbit {
#define GEN_PASS_DEF_LOWBITQUANTIZEPASS
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit

using namespace mlir;

namespace {

/// A pass option value as the textual pipeline needs it: quoted when it
/// holds separators (a path with spaces or braces).
std::string quoteOption(const std::string &value) {
  if (value.find_first_of(" {}=,'\"") == std::string::npos)
    return value;
  return "'" + value + "'";
}

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
    lowbit::LowBitSelectBlockScalesPassOptions select;
    select.scheme = defaultScheme;
    select.method = method;
    select.threads = threads;
    select.report = report;
    select.strict = strict;
    select.clampScales = clampScales;
    if (!calibration.empty() && !imatrix.empty() && calibration != imatrix) {
      emitError(getOperation().getLoc(), "lowbit-quantize: imatrix= is an "
                                         "alias of calibration=; give one");
      return signalPassFailure();
    }
    std::string file = calibration.empty() ? imatrix : calibration;
    OpPassManager pm(ModuleOp::getOperationName());
    if (requantize) {
      lowbit::LowBitDecodeWeightsPassOptions decode;
      decode.threads = threads;
      pm.addPass(lowbit::createLowBitDecodeWeightsPass(decode));
    }
    // The attach step lives with calibration (it reads files, which no
    // quantization pass does); it is found by name in the pass registry.
    if (!file.empty() &&
        failed(parsePassPipeline("lowbit-attach-importance{file=" +
                                     quoteOption(file) + "}",
                                 pm))) {
      emitError(getOperation().getLoc(),
                "lowbit-quantize: lowbit-attach-importance is not registered");
      return signalPassFailure();
    }
    if (!outliers.empty()) {
      bool columns = outliers == "columns" || outliers == "columns+weights";
      bool weights = outliers == "weights" || outliers == "columns+weights";
      if (!columns && !weights) {
        emitError(getOperation().getLoc(), "lowbit-quantize: outliers='")
            << outliers << "' (expected columns, weights or columns+weights)";
        return signalPassFailure();
      }
      if (columns && file.empty()) {
        emitError(getOperation().getLoc(),
                  "lowbit-quantize: outliers=columns needs calibration= (the "
                  "activation magnitudes it splits by)");
        return signalPassFailure();
      }
      if (columns) {
        lowbit::LowBitSplitOutliersPassOptions split;
        split.mode = "columns";
        split.threshold = outlierThreshold;
        split.fraction = outlierFraction;
        pm.addPass(lowbit::createLowBitSplitOutliersPass(split));
      }
      if (weights) {
        lowbit::LowBitSplitOutliersPassOptions split;
        split.mode = "weights";
        split.fraction = outlierWeights;
        pm.addPass(lowbit::createLowBitSplitOutliersPass(split));
      }
    }
    pm.addPass(lowbit::createLowBitAssignSchemesPass(assign));
    if (gptq) {
      lowbit::LowBitQuantizeGptqPassOptions g;
      g.scheme = select.scheme;
      g.method = select.method;
      g.threads = select.threads;
      g.report = select.report;
      g.strict = select.strict;
      g.clampScales = select.clampScales;
      g.gptqDamp = gptqDamp;
      g.gptqActOrder = gptqActOrder;
      g.gptqBlock = gptqBlock;
      pm.addPass(lowbit::createLowBitQuantizeGptqPass(g));
    } else {
      pm.addPass(lowbit::createLowBitSelectBlockScalesPass(select));
    }
    if (failed(runPipeline(pm, getOperation())))
      signalPassFailure();
  }
};

} // namespace
