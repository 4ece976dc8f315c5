//===- ContractionWeight.h - Finding a constant weight in a contraction -*- C++
//-*-===//
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
  int64_t batch = 1, m = 1, n = 1, k = 1; ///< their sizes (m may be dynamic)
  std::string name; ///< the weight's name (lowbit.name) or a made-up one
};

/// `result[..., n] = sum_k input[..., k] * w[n, k]`: the float contraction
/// lowbit's model IR uses for a weight W [N, K] (a linalg.generic on a
/// zero-filled init; an f16/bf16 weight is widened in the body). The
/// importer builds float weights with it, lowbit-decode-weights decoded
/// ones.
mlir::Value buildFloatContraction(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Value input, mlir::Value weight,
                                  mlir::RankedTensorType resultType);

/// Returns the description, nullopt when `op` is not a contraction with
/// exactly one float constant input, or sets `whyNot` when it has a
/// constant weight but a layout lowbit.matmul cannot take.
std::optional<ContractionWeight>
matchContractionWeight(mlir::linalg::LinalgOp op, std::string &whyNot);

/// True for the contraction of an embedding table that no call reaches (a
/// model with its own classifier keeps the table's weight function but
/// only looks rows up): its data also feed a `lowbit.lookup` constant.
/// Such a weight has no input, so no calibration statistics either.
bool isLookupOnlyContraction(mlir::linalg::LinalgOp op,
                             mlir::arith::ConstantOp weight);

/// The largest weight lowbit quantizes or decodes: 2^36 values (a 256k x
/// 256k table; real models' largest tensors hold ~2^32).
constexpr uint64_t kMaxWeightElements = uint64_t(1) << 36;

/// "" when a weight of `elements` values, of which a pass holds
/// `bytesHeld` bytes in memory (its packed or decoded copy), is within
/// kMaxWeightElements and physical memory; else the error naming it (a
/// 0.6 KB splat can claim 2^32 rows).
std::string checkWeightSize(const std::string &name, uint64_t elements,
                            uint64_t bytesHeld);

/// Reads the weight's rows [batch][n][k] as float32 straight from the
/// constant's data (dense elements or resource blob, f32/f16/bf16, any
/// layout its indexing map gives), a range of rows at a time, so a big
/// weight never exists twice in memory.
class WeightRows {
public:
  explicit WeightRows(const ContractionWeight &w);
  bool valid() const { return data != nullptr; }
  /// Rows [first, first + count) into `out` (count x k floats); the
  /// weight's `lowbit.split_columns` (which its contraction never reads)
  /// read as zero.
  void read(size_t first, size_t count, float *out) const;

private:
  enum class Kind { F32, F16, BF16 } kind = Kind::F32;
  float element(size_t index) const;
  const uint8_t *data = nullptr;
  bool splat = false;
  int64_t batchStride = 0, rowStride = 0, colStride = 0, n = 0, k = 0;
  std::vector<int64_t> zeroColumns;
};

} // namespace lowbit

#endif
