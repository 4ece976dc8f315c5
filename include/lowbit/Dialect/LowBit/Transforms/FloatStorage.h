//===- FloatStorage.h - Float weights stored as another float type -*- C++ -*-===//
//
// `rules=ffn_down=f16` (llama.cpp's --tensor-type x=f16) keeps a weight in
// float but stores it as f16: the constant is converted and the
// contraction widens it in its body, as the importer's f16 weights do.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_FLOATSTORAGE_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_FLOATSTORAGE_H

#include "lowbit/Dialect/LowBit/Transforms/ContractionWeight.h"
#include "lowbit/Quant/Quantizer.h"

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace lowbit {

/// f32 / f16 / bf16 (any case) as that float type; nullopt otherwise.
std::optional<mlir::FloatType> parseFloatStorage(llvm::StringRef text,
                                                 mlir::MLIRContext *ctx);

/// "f32", "f16" or "bf16".
std::string floatTypeName(mlir::FloatType type);

/// Stores the weight of `w` as `type` (a no-op when it already is) and
/// makes its contraction read it; `error` gets the rounding error.
/// Fails with a diagnostic on data it cannot read.
mlir::LogicalResult storeWeightAs(const ContractionWeight &w,
                                  mlir::FloatType type,
                                  quant::ErrorStats &error);

} // namespace lowbit

#endif
