//===- LowBitToLinalg.cpp - lowbit ops -> dequantize + float linalg -------===//

#include "lowbit/Conversion/LowBitToLinalg/LowBitToLinalg.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace lowbit {
#define GEN_PASS_DEF_CONVERTLOWBITTOLINALGPASS
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;

namespace {

struct DequantizeToLinalg : public OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DequantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    rewriter.replaceOp(op, emitDequantize(rewriter, op.getLoc(), op.getPacked(),
                                          op.getScheme().toQuantScheme(),
                                          type.getShape().back()));
    return success();
  }
};

struct MatmulToLinalg : public OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, emitQuantizedContraction(
                               rewriter, op.getLoc(), op.getInput(),
                               op.getPacked(), op.getScheme().toQuantScheme(),
                               cast<RankedTensorType>(op.getType())));
    return success();
  }
};

struct ColumnMatmulToLinalg : public OpRewritePattern<ColumnMatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ColumnMatmulOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, emitColumnContraction(
                               rewriter, op.getLoc(), op.getInput(),
                               op.getWeight(), op.getColumns(),
                               cast<RankedTensorType>(op.getType())));
    return success();
  }
};

struct SparseMatmulToLinalg : public OpRewritePattern<SparseMatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SparseMatmulOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, emitSparseContraction(
                               rewriter, op.getLoc(), op.getInput(),
                               op.getValues(), op.getColumns(),
                               op.getOffsets(),
                               cast<RankedTensorType>(op.getType())));
    return success();
  }
};

struct ConvertLowBitToLinalg
    : public lowbit::impl::ConvertLowBitToLinalgPassBase<
          ConvertLowBitToLinalg> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // Row slices of dequantized tables first (an embedding lookup decodes
    // its row, not the table), then the lowering.
    RewritePatternSet slices(ctx);
    DequantizeOp::getCanonicalizationPatterns(slices, ctx);
    walkAndApplyPatterns(getOperation(), std::move(slices));
    // Tables whose every use was a row slice are dead now.
    getOperation()->walk([](DequantizeOp op) {
      if (op->use_empty())
        op->erase();
    });
    RewritePatternSet lowering(ctx);
    populateLowBitToLinalgPatterns(lowering);
    walkAndApplyPatterns(getOperation(), std::move(lowering));
  }
};

} // namespace

void lowbit::populateLowBitToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<DequantizeToLinalg, MatmulToLinalg, ColumnMatmulToLinalg,
               SparseMatmulToLinalg>(
      patterns.getContext());
}
