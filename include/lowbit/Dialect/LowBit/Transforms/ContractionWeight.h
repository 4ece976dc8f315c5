//===- ContractionWeight.h - Finding a constant weight in a contraction -*- C++ -*-===//
//
// Recognises a linalg contraction with one float constant operand and
// describes it in lowbit.matmul's terms: optional batch dim B, optional
// activation row dim M, weight row dim N and reduction dim K.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_CONTRACTIONWEIGHT_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_CONTRACTIONWEIGHT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>
#include <string>
#include <vector>

namespace lowbit {

struct ContractionWeight {
  mlir::linalg::LinalgOp op;
  unsigned weightOperand = 0; ///< input index of the constant weight
  mlir::arith::ConstantOp weightConstant;
  /// Loop dimensions; -1 when absent.
  int64_t batchDim = -1, mDim = -1, nDim = -1, kDim = -1;
  int64_t batch = 1, m = 1, n = 1, k = 1; ///< their sizes
  std::string name; ///< the weight's name (lowbit.name) or a made-up one
};

/// Returns the description, nullopt when `op` is not a contraction with
/// exactly one float constant input, or sets `whyNot` when it has a
/// constant weight but a layout lowbit.matmul cannot take.
std::optional<ContractionWeight> matchContractionWeight(mlir::linalg::LinalgOp op,
                                                        std::string &whyNot);

/// The weight as rows [batch][n][k] of float32 (row-major, K contiguous).
/// Fails (empty) for element types other than f32, f16 and bf16.
std::vector<float> readWeightRows(const ContractionWeight &w);

} // namespace lowbit

#endif
