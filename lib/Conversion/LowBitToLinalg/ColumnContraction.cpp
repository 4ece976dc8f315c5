//===- ColumnContraction.cpp - lowbit.column_matmul as gather + contraction ===//

#include "lowbit/Conversion/LowBitToLinalg/LowBitToLinalg.h"
#include "lowbit/Dialect/LowBit/IR/MatrixView.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace lowbit {

Value emitZeroMatrix(OpBuilder &b, Location loc, Value x, int64_t n) {
  auto type = RankedTensorType::get(
      {cast<RankedTensorType>(x.getType()).getDimSize(0), n}, b.getF32Type());
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  return linalg::FillOp::create(b, loc, zero,
                                ValueRange{emptyLike(b, loc, type, x)})
      .getResult(0);
}

Value emitColumnContraction(OpBuilder &b, Location loc, Value input,
                            Value weight, ArrayRef<int64_t> columns,
                            RankedTensorType resultType) {
  MLIRContext *ctx = b.getContext();
  Type f32 = b.getF32Type();
  Value x = toMatrix(b, loc, input);
  int64_t t = cast<RankedTensorType>(x.getType()).getDimSize(0);
  auto wType = cast<RankedTensorType>(weight.getType());
  int64_t n = wType.getDimSize(0), c = wType.getDimSize(1);

  // g[t, c] = x[t, columns[c]].
  auto indexType = RankedTensorType::get({c}, b.getIndexType());
  Value indices = arith::ConstantOp::create(
      b, loc, indexType,
      DenseElementsAttr::get(indexType,
                             llvm::to_vector_of<APInt>(llvm::map_range(
                                 columns, [](int64_t v) {
                                   return APInt(64, uint64_t(v));
                                 }))));
  auto gType = RankedTensorType::get({t, c}, f32);
  Value gInit = emptyLike(b, loc, gType, x);
  AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
  Value gathered =
      linalg::GenericOp::create(
          b, loc, TypeRange{gType}, ValueRange{}, ValueRange{gInit},
          ArrayRef<AffineMap>{id2},
          ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                        utils::IteratorType::parallel},
          [&](OpBuilder &nb, Location nl, ValueRange) {
            Value row = linalg::IndexOp::create(nb, nl, 0);
            Value col = linalg::IndexOp::create(nb, nl, 1);
            Value k = tensor::ExtractOp::create(nb, nl, indices, col);
            Value v = tensor::ExtractOp::create(nb, nl, x, ValueRange{row, k});
            linalg::YieldOp::create(nb, nl, v);
          })
          .getResult(0);

  // y[t, n] = sum_c g[t, c] * W[n, c].
  auto yType = RankedTensorType::get({t, n}, f32);
  Value yInit = emitZeroMatrix(b, loc, x, n);
  AffineExpr dt, dn, dc;
  bindDims(ctx, dt, dn, dc);
  Value y =
      linalg::GenericOp::create(
          b, loc, TypeRange{yType}, ValueRange{gathered, weight},
          ValueRange{yInit},
          ArrayRef<AffineMap>{AffineMap::get(3, 0, {dt, dc}, ctx),
                              AffineMap::get(3, 0, {dn, dc}, ctx),
                              AffineMap::get(3, 0, {dt, dn}, ctx)},
          ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                        utils::IteratorType::parallel,
                                        utils::IteratorType::reduction},
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            Value w = args[1];
            if (!w.getType().isF32())
              w = arith::ExtFOp::create(nb, nl, f32, w);
            Value m = arith::MulFOp::create(nb, nl, args[0], w);
            Value s = arith::AddFOp::create(nb, nl, args[2], m);
            linalg::YieldOp::create(nb, nl, s);
          })
          .getResult(0);
  return fromMatrix(b, loc, y, resultType);
}

} // namespace lowbit
