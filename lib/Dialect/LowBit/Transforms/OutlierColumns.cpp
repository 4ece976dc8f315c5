//===- OutlierColumns.cpp - The IR of a contraction with a side path ------===//

#include "lowbit/Dialect/LowBit/IR/MatrixView.h"
#include "lowbit/Dialect/LowBit/Transforms/OutlierColumns.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace lowbit {

Value maskInputColumns(OpBuilder &b, Location loc, Value input,
                       ArrayRef<int64_t> columns) {
  auto inType = cast<RankedTensorType>(input.getType());
  int64_t rank = inType.getRank(), k = inType.getShape().back();
  SmallVector<bool> maskValues(k, false);
  for (int64_t c : columns)
    maskValues[c] = true;
  auto maskType = RankedTensorType::get({k}, b.getI1Type());
  Value mask = arith::ConstantOp::create(
      b, loc, maskType,
      DenseElementsAttr::get(maskType, ArrayRef<bool>(maskValues)));
  MLIRContext *ctx = b.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap last = AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, ctx));
  return linalg::GenericOp::create(
             b, loc, TypeRange{inType}, ValueRange{input, mask},
             ValueRange{emptyLike(b, loc, inType, input)},
             ArrayRef<AffineMap>{identity, last, identity},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value zero = arith::ConstantOp::create(
                   nb, nl, nb.getZeroAttr(args[0].getType()));
               Value v =
                   arith::SelectOp::create(nb, nl, args[1], zero, args[0]);
               linalg::YieldOp::create(nb, nl, v);
             })
      .getResult(0);
}

namespace {

Value addResults(OpBuilder &b, Location loc, Value mainResult, Value s) {
  auto resultType = cast<RankedTensorType>(mainResult.getType());
  return linalg::AddOp::create(
             b, loc, ValueRange{mainResult, s},
             ValueRange{emptyLike(b, loc, resultType, mainResult)})
      ->getResult(0);
}

} // namespace

Value addSideColumns(OpBuilder &b, Location loc, Value mainResult,
                     Value input, Value side, ArrayRef<int64_t> columns) {
  Value s = ColumnMatmulOp::create(b, loc, mainResult.getType(), input, side,
                                   b.getDenseI64ArrayAttr(columns));
  return addResults(b, loc, mainResult, s);
}

Value addSparseOutliers(OpBuilder &b, Location loc, Value mainResult,
                        Value input, Value values, Value columns,
                        Value offsets) {
  Value s = SparseMatmulOp::create(b, loc, mainResult.getType(), input, values,
                                   columns, offsets);
  return addResults(b, loc, mainResult, s);
}

} // namespace lowbit
