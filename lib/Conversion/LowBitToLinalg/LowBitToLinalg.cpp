//===- LowBitToLinalg.cpp - lowbit ops -> dequantize + float linalg -------===//

#include "lowbit/Conversion/LowBitToLinalg/LowBitToLinalg.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace lowbit {
#define GEN_PASS_DEF_CONVERTLOWBITTOLINALGPASS
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;

namespace {

struct ConvertLowBitToLinalg
    : public lowbit::impl::ConvertLowBitToLinalgPassBase<
          ConvertLowBitToLinalg> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation()->walk([&](DequantizeOp op) {
      rewriter.setInsertionPoint(op);
      auto type = cast<RankedTensorType>(op.getType());
      Value v = emitDequantize(rewriter, op.getLoc(), op.getPacked(),
                               op.getScheme().toQuantScheme(),
                               type.getShape().back());
      rewriter.replaceOp(op, v);
    });
    getOperation()->walk([&](MatmulOp op) {
      rewriter.setInsertionPoint(op);
      Value v = emitQuantizedContraction(
          rewriter, op.getLoc(), op.getInput(), op.getPacked(),
          op.getScheme().toQuantScheme(), cast<RankedTensorType>(op.getType()));
      rewriter.replaceOp(op, v);
    });
  }
};

} // namespace
