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

/// result[lead..., n] = sum_k input[lead..., k] * w[(b,) n, k]
Value emitContraction(OpBuilder &b, Location loc, Value input, Value weights,
                      RankedTensorType resultType) {
  auto inType = cast<RankedTensorType>(input.getType());
  unsigned r = inType.getRank(); // loops: r - 1 leading, n, k
  unsigned nDim = r - 1, kDim = r;
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> inExprs, wExprs, outExprs;
  for (unsigned i = 0; i + 1 < r; ++i) {
    inExprs.push_back(getAffineDimExpr(i, ctx));
    outExprs.push_back(getAffineDimExpr(i, ctx));
  }
  inExprs.push_back(getAffineDimExpr(kDim, ctx));
  outExprs.push_back(getAffineDimExpr(nDim, ctx));
  if (cast<RankedTensorType>(weights.getType()).getRank() == 3)
    wExprs.push_back(getAffineDimExpr(0, ctx));
  wExprs.append({getAffineDimExpr(nDim, ctx), getAffineDimExpr(kDim, ctx)});
  SmallVector<AffineMap> maps{AffineMap::get(r + 1, 0, inExprs, ctx),
                              AffineMap::get(r + 1, 0, wExprs, ctx),
                              AffineMap::get(r + 1, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(r, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                       b.getF32Type());
  init = linalg::FillOp::create(b, loc, zero, init)->getResult(0);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, ValueRange{input, weights}, ValueRange{init}, maps,
      iterators, [](OpBuilder &nb, Location nloc, ValueRange args) {
        Value mul = arith::MulFOp::create(nb, nloc, args[0], args[1]);
        linalg::YieldOp::create(nb, nloc,
                                arith::AddFOp::create(nb, nloc, args[2], mul)
                                    .getResult());
      });
  return generic->getResult(0);
}

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
      auto inType = cast<RankedTensorType>(op.getInput().getType());
      Value weights = emitDequantize(rewriter, op.getLoc(), op.getPacked(),
                                     op.getScheme().toQuantScheme(),
                                     inType.getShape().back());
      Value v = emitContraction(rewriter, op.getLoc(), op.getInput(), weights,
                                cast<RankedTensorType>(op.getType()));
      rewriter.replaceOp(op, v);
    });
  }
};

} // namespace
