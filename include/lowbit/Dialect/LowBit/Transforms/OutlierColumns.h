//===- OutlierColumns.h - The IR of a contraction with a side path -*- C++ -*-===//
//
// What outlier splitting builds around a contraction (lowbit-split-outliers'
// columns, scale selection's sparse weights), shared with the kernel bench
// and checks so that they time and test exactly that IR.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_OUTLIERCOLUMNS_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_OUTLIERCOLUMNS_H

#include "mlir/IR/Builders.h"

namespace lowbit {

/// `input` [..., K] with the given channels set to zero (an i1 mask and a
/// select), so the main contraction (and its int8 activation
/// quantization) never sees them.
mlir::Value maskInputColumns(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value input,
                             llvm::ArrayRef<int64_t> columns);

/// mainResult + lowbit.column_matmul(input, side, columns).
mlir::Value addSideColumns(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value mainResult, mlir::Value input,
                           mlir::Value side, llvm::ArrayRef<int64_t> columns);

/// mainResult + lowbit.sparse_matmul(input, values, columns, offsets).
mlir::Value addSparseOutliers(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value mainResult, mlir::Value input,
                              mlir::Value values, mlir::Value columns,
                              mlir::Value offsets);

} // namespace lowbit

#endif
