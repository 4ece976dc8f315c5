//===- ExportGguf.h - Model IR -> GGUF --------------------------*- C++ -*-===//
//
// Writes every named tensor of (quantized) model IR, with the metadata the
// IR carries (`lowbit.gguf`), as a GGUF v3 file llama.cpp can load. Tensors
// GGUF cannot hold (parametric schemes, rows that leave a truncated
// super-block or padded block) are refused with a message naming them,
// unless the options ask to store their decoded values instead; every such
// conversion is reported.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_MODELIR_EXPORTGGUF_H
#define LOWBIT_MODELIR_EXPORTGGUF_H

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace lowbit::model {

struct ExportOptions {
  /// Tensors GGUF cannot hold: an error, or their decoded values in f16/f32.
  enum class Unsupported { Error, F16, F32 } unsupported = Unsupported::Error;
};

struct ExportReport {
  size_t tensors = 0;
  unsigned quantized = 0;
  /// One line per tensor stored decoded: its name, why, and as what.
  std::vector<std::string> conversions;
};

/// Writes `module` to `path`; returns "" or what is wrong.
std::string exportGguf(mlir::ModuleOp module, const std::string &path,
                       const ExportOptions &options, ExportReport &report);

} // namespace lowbit::model

#endif
