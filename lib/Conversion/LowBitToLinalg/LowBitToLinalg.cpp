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

/// A slice of whole rows of a dequantized table (the embedding lookup)
/// dequantizes only those rows: rows decode independently, so slice the
/// packed bytes first instead of decoding the whole table per token.
void sliceBeforeDequantize(IRRewriter &rewriter, Operation *root) {
  SmallVector<tensor::ExtractSliceOp> slices;
  root->walk([&](tensor::ExtractSliceOp slice) {
    auto dq = slice.getSource().getDefiningOp<DequantizeOp>();
    auto source = slice.getSourceType();
    // Whole rows only: column offset 0 and every column (static).
    if (!dq || source.getRank() != 2 || slice.getType().getRank() != 2 ||
        !slice.hasUnitStride() || slice.getStaticOffsets()[1] != 0 ||
        slice.getStaticSizes()[1] != source.getDimSize(1))
      return;
    slices.push_back(slice);
  });
  for (tensor::ExtractSliceOp slice : slices) {
    auto dq = slice.getSource().getDefiningOp<DequantizeOp>();
    auto packedType = cast<RankedTensorType>(dq.getPacked().getType());
    rewriter.setInsertionPoint(slice);
    SmallVector<OpFoldResult> offsets = slice.getMixedOffsets();
    SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
    sizes[1] = rewriter.getIndexAttr(packedType.getDimSize(1));
    Value rows = tensor::ExtractSliceOp::create(
        rewriter, slice.getLoc(), dq.getPacked(), offsets, sizes,
        slice.getMixedStrides());
    Value decoded = DequantizeOp::create(rewriter, slice.getLoc(),
                                         slice.getType(), rows,
                                         dq.getScheme());
    rewriter.replaceOp(slice, decoded);
    if (dq->use_empty())
      rewriter.eraseOp(dq);
  }
}

struct ConvertLowBitToLinalg
    : public lowbit::impl::ConvertLowBitToLinalgPassBase<
          ConvertLowBitToLinalg> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    sliceBeforeDequantize(rewriter, getOperation());
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
