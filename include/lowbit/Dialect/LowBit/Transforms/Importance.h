//===- Importance.h - Per-weight importance, read from the IR ---*- C++ -*-===//
//
// Importance is IR data: lowbit-attach-importance (or a test, inline) puts
// `lowbit.importance` on a weight constant. The quantization passes read it
// here and never open a file.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_IMPORTANCE_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_IMPORTANCE_H

#include "lowbit/Dialect/LowBit/IR/ConstantData.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"

#include <cmath>
#include <cstring>
#include <string>

namespace lowbit {

/// The per-column importance on `weight` (f32, `rowLength` values, finite
/// and non-negative), or nullptr when it has none; sets `error` (naming
/// `name`) when it has one that is malformed. The pointer is into the IR.
inline const float *importanceOf(mlir::Operation *weight,
                                 const std::string &name, int64_t rowLength,
                                 std::string &error) {
  mlir::ElementsAttr attr =
      dialect(weight).getImportanceAttrHelper().getAttr(weight);
  if (!attr)
    return nullptr;
  auto type = llvm::dyn_cast<mlir::RankedTensorType>(attr.getType());
  std::optional<llvm::ArrayRef<char>> bytes = constantBytes(attr);
  if (!type || type.getRank() != 1 || !type.getElementType().isF32() ||
      type.getDimSize(0) != rowLength || !bytes) {
    error = "the importance of '" + name + "' must be " +
            std::to_string(rowLength) + " f32 values, one per column (not a "
            "splat)";
    return nullptr;
  }
  const float *values = reinterpret_cast<const float *>(bytes->data());
  for (int64_t i = 0; i < rowLength; ++i)
    if (!(values[i] >= 0) || !std::isfinite(values[i])) {
      error = "the importance of '" + name + "' at column " +
              std::to_string(i) + " is negative or not finite";
      return nullptr;
    }
  return values;
}

/// The Gram matrix XᵀX of `weight`'s input (`lowbit.gram`: f32, the upper
/// triangle row by row, rowLength(rowLength+1)/2 values), or nullptr when
/// it has none; sets `error` (naming `name`) when it has one that is
/// malformed. Finiteness is checked by the consumer (quant::prepareGptq).
inline const float *gramOf(mlir::Operation *weight, const std::string &name,
                           int64_t rowLength, std::string &error) {
  mlir::ElementsAttr attr = dialect(weight).getGramAttrHelper().getAttr(weight);
  if (!attr)
    return nullptr;
  auto type = llvm::dyn_cast<mlir::RankedTensorType>(attr.getType());
  std::optional<llvm::ArrayRef<char>> bytes = constantBytes(attr);
  int64_t expected = rowLength * (rowLength + 1) / 2;
  if (!type || type.getRank() != 1 || !type.getElementType().isF32() ||
      type.getDimSize(0) != expected || !bytes) {
    error = "the Gram matrix of '" + name + "' must be " +
            std::to_string(expected) +
            " f32 values (the upper triangle of a " +
            std::to_string(rowLength) + "x" + std::to_string(rowLength) +
            " matrix, not a splat)";
    return nullptr;
  }
  return reinterpret_cast<const float *>(bytes->data());
}

} // namespace lowbit

#endif
