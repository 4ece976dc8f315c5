//===- MatrixView.h - Activations [..., K] viewed as [T, K] -----*- C++ -*-===//
//
// lowbit's matmul-like ops take inputs of any rank >= 1 with the reduction
// last; their lowerings work on matrices. These reshape there and back.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_DIALECT_LOWBIT_IR_MATRIXVIEW_H
#define LOWBIT_DIALECT_LOWBIT_IR_MATRIXVIEW_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace lowbit {

/// A tensor [..., K] as [T, K]: leading dimensions folded into T (dynamic
/// when one of them is), a vector [K] given a unit T.
mlir::Value toMatrix(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v);

/// A matrix [T, N] back in `type` [..., N].
mlir::Value fromMatrix(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       mlir::RankedTensorType type);

/// tensor.empty of `type` whose dynamic dimensions (the rows, when one
/// weight function serves any token count) are those of `like` at the same
/// positions (the activation the result has its rows from).
mlir::Value emptyLike(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::RankedTensorType type, mlir::Value like);

} // namespace lowbit

#endif
