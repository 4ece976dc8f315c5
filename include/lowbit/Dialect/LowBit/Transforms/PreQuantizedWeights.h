//===- PreQuantizedWeights.h - Weights that arrive quantized -----*- C++ -*-===//
//
// A GGUF file from llama-quantize arrives with most weights already packed
// (lowbit.matmul or lowbit.dequantize on a named i8 constant). The
// quantization passes name them rather than skip them silently, and
// lowbit-decode-weights turns them back into float contractions so that a
// recipe or budget can requantize them (llama-quantize's
// --allow-requantize).
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PREQUANTIZEDWEIGHTS_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PREQUANTIZEDWEIGHTS_H

#include "lowbit/Quant/Scheme.h"

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include <string>
#include <vector>

namespace lowbit {

struct PreQuantizedWeight {
  std::string name;
  quant::Scheme scheme;
  int64_t rows = 0, rowLength = 0;
  uint64_t bytes = 0;
  bool contraction = false; ///< a lowbit.matmul weight (else a lookup table)
};

/// Every packed named constant under `root`, once per stored blob, in IR
/// order.
std::vector<PreQuantizedWeight> findPreQuantizedWeights(mlir::Operation *root);

/// "25 weights (q4_k: 20, q6_k: 5)".
std::string summarizePreQuantized(const std::vector<PreQuantizedWeight> &list);

/// Replaces every lowbit.matmul on a named packed constant by the float
/// contraction the importer builds for float weights, on the decoded f32
/// weight (same name), and lookups of that table by the f32 table. The
/// packed bytes are released once unused. Fails with a diagnostic on a
/// weight it cannot decode (a per-batch 3-D weight, unreadable bytes).
mlir::LogicalResult decodePreQuantizedWeights(mlir::Operation *root,
                                              unsigned threads);

} // namespace lowbit

#endif
