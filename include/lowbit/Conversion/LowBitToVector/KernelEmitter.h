//===- KernelEmitter.h - Fused dequantize-and-multiply kernels --*- C++ -*-===//
//
// Emits one func.func on memrefs that computes y[t, n] = sum_k x[t, k] W[n, k]
// for a weight repacked by repackForKernel, using vector/arith/scf/memref
// and, for int8 dot products, one LLVM intrinsic per target. The same
// function serves lowbit-compile, lowbit-run and bench/ (one kernel, one
// lowering).
//
//   func @k(%x: memref<TxKxf32, strided<[?, 1], offset: ?>>,
//           %w: memref<BYTESxi8>, %y: memref<TxNpxf32>)
//
// Np is the row count padded to the layout's row groups.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CONVERSION_LOWBITTOVECTOR_KERNELEMITTER_H
#define LOWBIT_CONVERSION_LOWBITTOVECTOR_KERNELEMITTER_H

#include "lowbit/Codegen/KernelLayout.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace lowbit {

struct KernelSpec {
  codegen::KernelLayout layout;
  const codegen::TargetDesc *target = nullptr;
  bool floatPath = false; ///< decode to f32 instead of int8 dot products
  unsigned tokens = 1;    ///< T: rows of x (1 = decode mat-vec)
  /// Spread row groups over threads (scf.parallel -> OpenMP) when the
  /// weight has at least this many elements; 0 = never.
  int64_t parallelThreshold = int64_t(1) << 20;
};

/// The memref types of the kernel's three arguments.
mlir::FunctionType kernelType(mlir::MLIRContext *ctx, const KernelSpec &spec);

/// Creates the kernel at the builder's insertion point (a module body).
mlir::func::FuncOp emitKernel(mlir::OpBuilder &builder, mlir::Location loc,
                              llvm::StringRef name, const KernelSpec &spec);

/// The spec as a dictionary attribute (`lowbit.kernel` on the kernel's
/// declaration) and back; fromAttr returns an error message or "".
mlir::DictionaryAttr kernelSpecToAttr(mlir::MLIRContext *ctx,
                                      const KernelSpec &spec);
std::string kernelSpecFromAttr(mlir::DictionaryAttr attr, KernelSpec &spec);

/// Fills the body of a kernel declaration carrying `lowbit.kernel`.
mlir::LogicalResult emitKernelBody(mlir::func::FuncOp decl);

/// True when `spec` runs int8 dot products (target has them, layout allows,
/// float path not forced).
bool usesIntegerDot(const KernelSpec &spec);

} // namespace lowbit

#endif
