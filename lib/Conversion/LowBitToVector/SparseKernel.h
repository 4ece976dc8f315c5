//===- SparseKernel.h - The CSR side path as vector gathers -----*- C++ -*-===//
#ifndef LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_SPARSEKERNEL_H
#define LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_SPARSEKERNEL_H

#include "lowbit/Dialect/LowBit/IR/LowBit.h"

namespace lowbit::kernels {

/// Replaces a memref-form lowbit.kernel_sparse_matmul with its loops: per
/// row (on OpenMP threads when `parallel`) and token, the row's CSR range
/// in vectors of vectorBytes / 4 lanes: load columns and values, gather
/// the input at the columns, fused multiply-add; a masked step for the
/// rest of the row; one reduction per output.
void expandSparseKernel(KernelSparseMatmulOp op, unsigned vectorBytes);

} // namespace lowbit::kernels

#endif
