//===- ModelIR.h - Model files -> model IR ----------------------*- C++ -*-===//
//
// Builds the model IR lowbit's passes work on from any reader. For now each
// weight matrix W [out, in] becomes `func @<name>(x: [1, in]) -> [1, out]`
// computing x * W^T: a linalg contraction on a dense_resource constant for
// float weights, or a lowbit.matmul on the packed bytes for weights a GGUF
// file already holds quantized (taken as they are, never requantized).
// Constants carry their tensor name in `lowbit.name`; blobs point into the
// mapped file, so nothing is copied.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_MODELIR_MODELIR_H
#define LOWBIT_MODELIR_MODELIR_H

#include "lowbit/Model/Gguf.h"
#include "lowbit/Quant/Scheme.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <optional>
#include <string>
#include <vector>

namespace lowbit::model {
class GgufFile;
class Llama2CModel;

struct WeightTensor {
  enum class Kind { F32, F16, BF16, Packed };
  std::string name;
  /// A 1-D float tensor (a norm): `rowLength` values, no contraction.
  bool isVector = false;
  int64_t rows = 0, rowLength = 0;
  Kind kind = Kind::F32;
  quant::Format format = quant::Format::Generic; ///< when Packed
  const uint8_t *data = nullptr;
  size_t bytes = 0;
};

/// Hyper-parameters of a Llama-family model.
struct LlamaShape {
  int64_t dim = 0, hidden = 0, layers = 0, heads = 0, kvHeads = 0, vocab = 0,
          context = 0;
  float rmsEps = 1e-5f, ropeTheta = 10000.0f;
};

struct ModelDescription {
  std::string sourceFormat;
  std::vector<std::pair<std::string, int64_t>> hyperParameters;
  /// Every tensor in the source's order (matrices and vectors).
  std::vector<WeightTensor> weights;
  /// GGUF metadata: the file's own, or built for other sources the way
  /// llama.cpp's converters would.
  std::vector<std::pair<std::string, GgufValue>> metadata;
  /// Set for Llama-family models: buildModelIR then adds the forward pass.
  std::optional<LlamaShape> llama;
  /// Data the description had to transform (permuted rows); weights point
  /// into it, so it lives as long as the description.
  std::vector<std::vector<uint8_t>> owned;
};

/// `tokenizerPath` may be empty (no tokenizer metadata then).
std::string describeModel(const Llama2CModel &model,
                          const std::string &tokenizerPath,
                          ModelDescription &out);
/// A Hugging Face Llama checkpoint: safetensors + config.json (+ optional
/// llama2.c-format tokenizer).
std::string describeModel(const class SafetensorsFile &file,
                          const struct HfLlamaConfig &config,
                          const std::string &tokenizerPath,
                          ModelDescription &out);

/// Fails (sets `error`) on tensors of types lowbit cannot compute with.
ModelDescription describeModel(const GgufFile &file, std::string &error);

/// Checks a description before anything is built from it, so that a file
/// whose metadata disagrees with its tensors is refused with one line
/// naming the key or tensor (not an IR that fails to verify, nor forward
/// text for 2^31 claimed layers): Llama hyper-parameters in range (widths,
/// heads, rms_norm_eps > 0, rope_theta), every layer's tensors present
/// with the shapes the hyper-parameters imply and no layer beyond
/// block_count, a tokenizer of `vocab` tokens whose BOS/EOS/UNK ids lie
/// inside it, and every weight finite (float tensors read, packed ones
/// decoded).
std::string checkModel(const ModelDescription &model);

/// Adds `func @forward(token: index, pos: index, kcache, vcache) ->
/// logits [1, vocab]` (caches [layers, context, kv_dim], updated in place)
/// and its helpers to a module built by buildModelIR. Returns an error
/// message or "".
std::string addLlamaForward(mlir::ModuleOp module, const LlamaShape &shape,
                            bool hasOutput);

/// Returns null and sets `error` when the model is incomplete.
mlir::OwningOpRef<mlir::ModuleOp> buildModelIR(mlir::MLIRContext &ctx,
                                               const ModelDescription &model,
                                               std::string &error);

} // namespace lowbit::model

#endif
