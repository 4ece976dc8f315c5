//===- GgufMetadata.h - GGUF metadata as MLIR attributes --------*- C++ -*-===//
//
// Model IR carries the source's metadata (hyper-parameters, tokenizer) in
// the module attribute `lowbit.gguf`: an ordered array of [key, value]
// pairs. Values keep their GGUF type: integers as IntegerAttr of
// ui8/si8/.../ui64/si64, bool as BoolAttr, f32/f64 as FloatAttr, strings as
// StringAttr, arrays as {elem = "<type>", items = [...]}. Export writes them
// back unchanged, so import -> export is byte-identical.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_MODELIR_GGUFMETADATA_H
#define LOWBIT_MODELIR_GGUFMETADATA_H

#include "lowbit/Model/Gguf.h"
#include "lowbit/Model/Tokenizer.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <optional>

namespace lowbit::model {

/// The module's GGUF metadata (the dialect's `lowbit.gguf` attribute), of
/// whatever type it has (metadataFromAttr says what is wrong), or null.
mlir::Attribute ggufMetadataOf(mlir::Operation *module);
/// Sets it.
void setGgufMetadata(mlir::Operation *module, mlir::ArrayAttr metadata);

mlir::ArrayAttr
metadataToAttr(mlir::MLIRContext *ctx,
               const std::vector<std::pair<std::string, GgufValue>> &metadata);

/// Returns an empty string or an error naming the offending key.
std::string
metadataFromAttr(mlir::Attribute attr,
                 std::vector<std::pair<std::string, GgufValue>> &metadata);

/// The tokenizer in a module's metadata (tokenizer.ggml.tokens/scores and
/// the BOS/EOS ids), or nullopt with `error` set.
std::optional<Tokenizer> tokenizerFromMetadata(mlir::Attribute attr,
                                               std::string &error);

} // namespace lowbit::model

#endif
