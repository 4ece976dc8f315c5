//===- LowBitToLinalg.h - Reference lowering of lowbit ops ------*- C++ -*-===//
#ifndef LOWBIT_CONVERSION_LOWBITTOLINALG_H
#define LOWBIT_CONVERSION_LOWBITTOLINALG_H

#include "lowbit/Quant/Scheme.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace lowbit {
#define GEN_PASS_DECL_CONVERTLOWBITTOLINALGPASS
#include "lowbit/Conversion/Passes.h.inc"

/// Emits upstream IR decoding `packed` ([B x] N x bytes, i8) into float32
/// weights [B x] N x rowLength, bit-identical to lowbit::quant.
mlir::Value emitDequantize(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value packed, const quant::Scheme &scheme,
                           int64_t rowLength);
/// result[..., n] = sum_k input[..., k] * W[(b,) n, k], decoding W from
/// `packed` inside the contraction's body: float weights are never
/// materialised.
/// lowbit.column_matmul as upstream ops: the input's `columns` gathered
/// into [T, C], then the float contraction y[t, n] += g[t, c] * W[n, c]
/// (the shape lowbit-vectorize-float-contractions turns into vector code).
mlir::Value emitColumnContraction(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Value input, mlir::Value weight,
                                  llvm::ArrayRef<int64_t> columns,
                                  mlir::RankedTensorType resultType);

/// A T x N f32 tensor filled with zeros (linalg.fill), a contraction's
/// init, with the T rows of the matrix `x` (dynamic or not).
mlir::Value emitZeroMatrix(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value x, int64_t n);

/// lowbit.sparse_matmul as upstream ops: a linalg.generic over [T, N]
/// whose body sums row n of the CSR matrix in order with scf.for.
mlir::Value emitSparseContraction(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Value input, mlir::Value values,
                                  mlir::Value columns, mlir::Value offsets,
                                  mlir::RankedTensorType resultType);

mlir::Value emitQuantizedContraction(mlir::OpBuilder &b, mlir::Location loc,
                                     mlir::Value input, mlir::Value packed,
                                     const quant::Scheme &scheme,
                                     mlir::RankedTensorType resultType);

/// lowbit.dequantize and lowbit.matmul -> the decoding linalg.generics
/// above. Apply lowbit.dequantize's canonicalization first (as
/// convert-lowbit-to-linalg does) so row slices decode only their rows.
void populateLowBitToLinalgPatterns(mlir::RewritePatternSet &patterns);
} // namespace lowbit

#endif
