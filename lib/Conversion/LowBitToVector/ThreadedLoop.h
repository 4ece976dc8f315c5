//===- ThreadedLoop.h - An OpenMP work-sharing loop over [0, count) ---------===//
//
// Emitted as omp ops directly: convert-scf-to-openmp wraps an scf.parallel
// body in a memref.alloca_scope that the later scf-to-cf lowering cannot
// enter once the body holds loops.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CONVERSION_LOWBITTOVECTOR_THREADEDLOOP_H
#define LOWBIT_CONVERSION_LOWBITTOVECTOR_THREADEDLOOP_H

#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace lowbit::kernels {

/// omp.parallel { omp.wsloop { omp.loop_nest (i) in [0, count) { body } } }.
/// `body` gets a builder inside the loop and the index i.
void emitThreadedLoop(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value count,
    llvm::function_ref<void(mlir::OpBuilder &, mlir::Value)> body);

} // namespace lowbit::kernels

#endif
