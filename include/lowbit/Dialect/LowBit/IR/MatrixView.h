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

/// A static tensor [..., K] as [T, K]: leading dimensions folded into T, a
/// vector [K] given a unit T.
mlir::Value toMatrix(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v);

/// A matrix [T, N] back in `type` [..., N].
mlir::Value fromMatrix(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       mlir::RankedTensorType type);

} // namespace lowbit

#endif
