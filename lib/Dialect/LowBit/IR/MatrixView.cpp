//===- MatrixView.cpp - Activations [..., K] viewed as [T, K] -------------===//

#include "lowbit/Dialect/LowBit/IR/MatrixView.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace lowbit {

namespace {

/// How a rank-`r` tensor [..., K] folds into [T, K].
SmallVector<ReassociationIndices> matrixFolding(int64_t r) {
  if (r == 1)
    return {{0, 1}};
  ReassociationIndices lead;
  for (int64_t i = 0; i + 1 < r; ++i)
    lead.push_back(i);
  return {lead, {r - 1}};
}

} // namespace

Value toMatrix(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  int64_t r = type.getRank();
  if (r == 2)
    return v;
  int64_t k = type.getShape().back();
  int64_t t = type.hasStaticShape() ? type.getNumElements() / k
                                    : ShapedType::kDynamic;
  auto target = RankedTensorType::get({t, k}, type.getElementType());
  if (r == 1)
    return tensor::ExpandShapeOp::create(b, loc, target, v, matrixFolding(r));
  return tensor::CollapseShapeOp::create(b, loc, target, v, matrixFolding(r));
}

Value fromMatrix(OpBuilder &b, Location loc, Value v, RankedTensorType type) {
  int64_t r = type.getRank();
  if (r == 2)
    return v;
  if (r == 1)
    return tensor::CollapseShapeOp::create(b, loc, type, v, matrixFolding(r));
  return tensor::ExpandShapeOp::create(b, loc, type, v, matrixFolding(r));
}

Value emptyLike(OpBuilder &b, Location loc, RankedTensorType type,
                Value like) {
  SmallVector<Value> dynamic;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dynamic.push_back(tensor::DimOp::create(b, loc, like, d));
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType(), dynamic);
}

} // namespace lowbit
