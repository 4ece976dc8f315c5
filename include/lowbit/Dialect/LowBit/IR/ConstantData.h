//===- ConstantData.h - The stored bytes of a constant ----------*- C++ -*-===//
//
// Weights travel as dense_resource blobs (or dense elements in small tests):
// the one reader of their bytes, used by the passes, the lowerings, the
// object writer and lowbit-export, so none of them trusts a blob's size
// differently.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_DIALECT_LOWBIT_IR_CONSTANTDATA_H
#define LOWBIT_DIALECT_LOWBIT_IR_CONSTANTDATA_H

#include "mlir/IR/Attributes.h"
#include "llvm/ADT/ArrayRef.h"

#include <optional>

namespace lowbit {

struct ConstantData {
  llvm::ArrayRef<char> bytes; ///< a view, not a copy
  bool splat = false;         ///< bytes hold the one repeated element
};

/// The bytes `value` stores: a dense_resource blob or dense elements of
/// byte-sized elements, whose size matches the type (a splat: one element).
/// std::nullopt for other attributes, a released blob or a size mismatch.
std::optional<ConstantData> constantData(mlir::Attribute value);

/// The same, for data that must be stored in full (no splat).
std::optional<llvm::ArrayRef<char>> constantBytes(mlir::Attribute value);

/// Frees the blob behind `data` (a dense_resource) once no arith.constant
/// under `root` refers to it, so a replaced weight is neither kept in
/// memory nor written out. Other attributes are left alone.
void releaseBlobIfUnused(mlir::Operation *root, mlir::Attribute data);

} // namespace lowbit

#endif
