//===- DecodeWeights.cpp - lowbit-decode-weights --------------------------===//

#include "lowbit/Dialect/LowBit/Transforms/Passes.h"
#include "lowbit/Dialect/LowBit/Transforms/PreQuantizedWeights.h"
#include "lowbit/Quant/Quantizer.h"

namespace lowbit {
#define GEN_PASS_DEF_LOWBITDECODEWEIGHTSPASS
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit

using namespace mlir;

namespace {

struct DecodeWeights
    : public lowbit::impl::LowBitDecodeWeightsPassBase<DecodeWeights> {
  using Base::Base;

  void runOnOperation() override {
    if (threads > lowbit::quant::kMaxThreads) {
      emitError(getOperation().getLoc(),
                "lowbit-decode-weights: threads must be 0 (all cores) or at "
                "most ")
          << lowbit::quant::kMaxThreads << ", got " << unsigned(threads);
      return signalPassFailure();
    }
    if (failed(lowbit::decodePreQuantizedWeights(getOperation(), threads)))
      signalPassFailure();
  }
};

} // namespace
