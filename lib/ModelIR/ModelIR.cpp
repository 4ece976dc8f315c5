//===- ModelIR.cpp - Model descriptions -> model IR -----------------------===//

#include "lowbit/ModelIR/ModelIR.h"
#include "lowbit/Dialect/LowBit/Transforms/ContractionWeight.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"
#include "lowbit/Model/Gguf.h"
#include "lowbit/Model/Llama2C.h"
#include "lowbit/Model/Safetensors.h"
#include "lowbit/ModelIR/GgufMetadata.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <map>

using namespace mlir;

namespace lowbit::model {

namespace {
/// The `lowbit.model` summary of a Llama shape.
std::vector<std::pair<std::string, int64_t>>
hyperParametersOf(const LlamaShape &s) {
  return {{"embedding_length", s.dim},
          {"feed_forward_length", s.hidden},
          {"block_count", s.layers},
          {"attention.head_count", s.heads},
          {"attention.head_count_kv", s.kvHeads},
          {"vocab_size", s.vocab},
          {"context_length", s.context}};
}

/// Metadata in the order of llama.cpp's convert-llama2c-to-ggml, with the
/// model's real context length (that converter defaults to 128).
std::string llamaMetadata(const LlamaShape &c, const std::string &tokenizerPath,
                          std::vector<std::pair<std::string, GgufValue>> &m) {
  if (!tokenizerPath.empty()) {
    Llama2CTokenizer tok;
    std::string err = readLlama2CTokenizer(tokenizerPath, c.vocab, tok);
    if (!err.empty())
      return err;
    std::vector<GgufValue> tokens, scores, types;
    for (size_t i = 0; i < tok.tokens.size(); ++i) {
      tokens.push_back(GgufValue::ofString(tok.tokens[i]));
      scores.push_back(GgufValue::ofF32(tok.scores[i]));
      types.push_back(GgufValue::ofI32(tok.types[i]));
    }
    m.emplace_back("tokenizer.ggml.tokens",
                   GgufValue::ofArray(GgufType::String, tokens));
    m.emplace_back("tokenizer.ggml.scores",
                   GgufValue::ofArray(GgufType::F32, scores));
    m.emplace_back("tokenizer.ggml.token_type",
                   GgufValue::ofArray(GgufType::I32, types));
    m.emplace_back("tokenizer.ggml.model", GgufValue::ofString("llama"));
  }
  m.emplace_back("general.architecture", GgufValue::ofString("llama"));
  m.emplace_back("general.name", GgufValue::ofString("llama"));
  if (!tokenizerPath.empty()) {
    m.emplace_back("tokenizer.ggml.unknown_token_id", GgufValue::ofU32(0));
    m.emplace_back("tokenizer.ggml.bos_token_id", GgufValue::ofU32(1));
    m.emplace_back("tokenizer.ggml.eos_token_id", GgufValue::ofU32(2));
  }
  auto u32 = [&](const char *k, int64_t v) {
    m.emplace_back(std::string("llama.") + k, GgufValue::ofU32(uint32_t(v)));
  };
  u32("context_length", c.context);
  u32("embedding_length", c.dim);
  u32("feed_forward_length", c.hidden);
  u32("attention.head_count", c.heads);
  u32("attention.head_count_kv", c.kvHeads);
  u32("block_count", c.layers);
  u32("rope.dimension_count", c.dim / c.heads);
  m.emplace_back("llama.attention.layer_norm_rms_epsilon",
                 GgufValue::ofF32(c.rmsEps));
  if (c.ropeTheta != 10000.0f)
    m.emplace_back("llama.rope.freq_base", GgufValue::ofF32(c.ropeTheta));
  return "";
}
} // namespace

std::string describeModel(const Llama2CModel &model,
                          const std::string &tokenizerPath,
                          ModelDescription &d) {
  d.sourceFormat = "llama2.c";
  const Llama2CConfig &c = model.config();
  for (const Llama2CTensor &t : model.tensors()) {
    WeightTensor w;
    w.name = t.name;
    w.isVector = !t.isMatrix();
    w.rows = t.isMatrix() ? t.shape[0] : 1;
    w.rowLength = t.isMatrix() ? t.shape[1] : t.shape[0];
    w.data = reinterpret_cast<const uint8_t *>(t.data);
    w.bytes = t.numElements() * 4;
    d.weights.push_back(w);
  }
  d.llama = LlamaShape{c.dim,        c.hiddenDim, c.numLayers, c.numHeads,
                       c.numKVHeads, c.vocabSize, c.seqLen};
  d.hyperParameters = hyperParametersOf(*d.llama);
  return llamaMetadata(*d.llama, tokenizerPath, d.metadata);
}

std::string describeModel(const SafetensorsFile &file, const HfLlamaConfig &c,
                          const std::string &tokenizerPath,
                          ModelDescription &d) {
  d.sourceFormat = "safetensors";
  int64_t hs = c.hiddenSize / c.heads;
  d.llama = LlamaShape{c.hiddenSize,   c.intermediateSize,  c.layers,
                       c.heads,        c.kvHeads,           c.vocabSize,
                       c.maxPositions, float(c.rmsNormEps), float(c.ropeTheta)};
  d.hyperParameters = hyperParametersOf(*d.llama);
  for (const SafetensorsTensor &t : file.tensors()) {
    if (t.name.find("rotary_emb.inv_freq") != std::string::npos)
      continue; // a buffer some checkpoints carry, recomputed here
    std::string name = ggufNameOfHf(t.name);
    if (name.empty())
      return "tensor '" + t.name + "' is not a Llama tensor lowbit knows";
    WeightTensor w;
    w.name = name;
    w.kind = t.dtype == "F32"   ? WeightTensor::Kind::F32
             : t.dtype == "F16" ? WeightTensor::Kind::F16
                                : WeightTensor::Kind::BF16;
    w.isVector = t.shape.size() == 1;
    if (t.shape.size() > 2)
      return "tensor '" + t.name + "' has more than 2 dimensions";
    w.rows = w.isVector ? 1 : t.shape[0];
    w.rowLength = w.isVector ? t.shape[0] : t.shape[1];
    w.data = t.data;
    w.bytes = t.bytes;
    bool q = name.find("attn_q.weight") != std::string::npos,
         k = name.find("attn_k.weight") != std::string::npos;
    if (q || k) {
      int64_t heads = q ? c.heads : c.kvHeads;
      if (w.rows != heads * hs)
        return "tensor '" + t.name + "' has " + std::to_string(w.rows) +
               " rows, config.json implies " + std::to_string(heads * hs);
      d.owned.push_back(
          permuteRotaryRows(t.data, w.rows, int64_t(t.bytes) / w.rows, heads));
      w.data = d.owned.back().data();
    }
    d.weights.push_back(w);
  }
  return llamaMetadata(*d.llama, tokenizerPath, d.metadata);
}

ModelDescription describeModel(const GgufFile &file, std::string &error) {
  ModelDescription d;
  d.sourceFormat = "gguf";
  std::string arch;
  if (const GgufValue *a = file.find("general.architecture"))
    arch = a->s;
  for (const auto &[key, value] : file.metadata())
    if (!arch.empty() && key.rfind(arch + ".", 0) == 0)
      if (auto v = value.asInt())
        d.hyperParameters.emplace_back(key.substr(arch.size() + 1), *v);
  d.metadata = file.metadata();
  if (arch == "llama") {
    auto get = [&](const char *key) -> int64_t {
      const GgufValue *v = file.find("llama." + std::string(key));
      return v && v->asInt() ? *v->asInt() : 0;
    };
    LlamaShape s{get("embedding_length"),
                 get("feed_forward_length"),
                 get("block_count"),
                 get("attention.head_count"),
                 get("attention.head_count_kv"),
                 0,
                 get("context_length")};
    if (!s.kvHeads)
      s.kvHeads = s.heads;
    if (const GgufValue *v =
            file.find("llama.attention.layer_norm_rms_epsilon"))
      s.rmsEps = float(v->asFloat().value_or(1e-5));
    if (const GgufValue *v = file.find("llama.rope.freq_base"))
      s.ropeTheta = float(v->asFloat().value_or(10000.0));
    if (const GgufTensor *e = file.findTensor("token_embd.weight"))
      s.vocab = e->dims.size() == 2 ? e->dims[1] : 0;
    if (s.dim && s.hidden && s.layers && s.heads && s.vocab && s.context)
      d.llama = s;
  }
  for (const GgufTensor &t : file.tensors()) {
    if (t.dims.size() > 2) {
      error = "tensor '" + t.name + "' has " + std::to_string(t.dims.size()) +
              " dimensions; lowbit imports vectors and matrices";
      return d;
    }
    WeightTensor w;
    w.name = t.name;
    w.isVector = t.dims.size() == 1;
    w.rowLength = t.dims[0];
    w.rows = w.isVector ? 1 : t.dims[1];
    w.data = t.data;
    w.bytes = size_t(t.bytes);
    if (t.type == uint32_t(GgmlType::F32)) {
      w.kind = WeightTensor::Kind::F32;
    } else if (t.type == uint32_t(GgmlType::F16)) {
      w.kind = WeightTensor::Kind::F16;
    } else if (t.type == uint32_t(GgmlType::BF16)) {
      w.kind = WeightTensor::Kind::BF16;
    } else if (auto f = ggmlTypeFormat(t.type); f && !w.isVector) {
      w.kind = WeightTensor::Kind::Packed;
      w.format = *f;
    } else {
      error = "tensor '" + t.name + "' has " + ggmlTypeName(t.type) +
              ", which lowbit cannot compute with";
      return d;
    }
    d.weights.push_back(w);
  }
  return d;
}

namespace {

std::string symbolName(const std::string &tensor) {
  std::string s = tensor;
  for (char &c : s)
    if (c == '.')
      c = '_';
  return s;
}

/// dense_resource constant over bytes that outlive the context.
arith::ConstantOp blobConstant(OpBuilder &b, RankedTensorType type,
                               const WeightTensor &w) {
  size_t align = w.kind == WeightTensor::Kind::F32      ? 4
                 : w.kind == WeightTensor::Kind::Packed ? 1
                                                        : 2;
  auto blob = UnmanagedAsmResourceBlob::allocateWithAlign(
      ArrayRef<char>(reinterpret_cast<const char *>(w.data), w.bytes), align);
  auto attr = DenseResourceElementsAttr::get(type, w.name, std::move(blob));
  auto cst = arith::ConstantOp::create(b, b.getUnknownLoc(), type, attr);
  dialect(cst).getNameAttrHelper().setAttr(cst, b.getStringAttr(w.name));
  return cst;
}

Type elementType(OpBuilder &b, WeightTensor::Kind kind) {
  return kind == WeightTensor::Kind::F32   ? Type(b.getF32Type())
         : kind == WeightTensor::Kind::F16 ? Type(b.getF16Type())
                                           : Type(b.getBF16Type());
}

/// func @name() -> tensor<D x T>: a 1-D tensor the model uses as is.
void addVectorFunction(OpBuilder &b, ModuleOp module, const WeightTensor &w) {
  Location loc = b.getUnknownLoc();
  auto type = RankedTensorType::get({w.rowLength}, elementType(b, w.kind));
  b.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(b, loc, symbolName(w.name),
                                   b.getFunctionType({}, {type}));
  b.setInsertionPointToStart(func.addEntryBlock());
  func::ReturnOp::create(b, loc, blobConstant(b, type, w)->getResults());
}

/// func @lowbit_embedding(token) -> [1, D]: row `token` of the embedding
/// table, reading the classifier constant's blob (no copy). Packed tables
/// are decoded with lowbit.dequantize.
void addEmbeddingFunction(OpBuilder &b, ModuleOp module,
                          arith::ConstantOp table, const WeightTensor &w) {
  Location loc = b.getUnknownLoc();
  int64_t dim = w.rowLength;
  auto rowType = RankedTensorType::get({1, dim}, b.getF32Type());
  b.setInsertionPointToEnd(module.getBody());
  auto func =
      func::FuncOp::create(b, loc, "lowbit_embedding",
                           b.getFunctionType({b.getIndexType()}, {rowType}));
  func.setPrivate();
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  auto lookup =
      arith::ConstantOp::create(b, loc, table.getType(), table.getValue());
  dialect(lookup).getLookupAttrHelper().setAttr(lookup,
                                                b.getStringAttr(w.name));
  Value t = lookup;
  auto floatTable = RankedTensorType::get({w.rows, dim}, b.getF32Type());
  if (w.kind == WeightTensor::Kind::Packed)
    t = DequantizeOp::create(
        b, loc, floatTable, t,
        SchemeAttr::get(b.getContext(), quant::ggufScheme(w.format)));
  SmallVector<OpFoldResult> offsets{body->getArgument(0), b.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes{b.getIndexAttr(1), b.getIndexAttr(dim)};
  SmallVector<OpFoldResult> strides{b.getIndexAttr(1), b.getIndexAttr(1)};
  auto sliceType = RankedTensorType::get(
      {1, dim}, cast<RankedTensorType>(t.getType()).getElementType());
  Value row = tensor::ExtractSliceOp::create(b, loc, sliceType, t, offsets,
                                             sizes, strides);
  if (!sliceType.getElementType().isF32()) {
    Value init =
        tensor::EmptyOp::create(b, loc, rowType.getShape(), b.getF32Type());
    row = linalg::GenericOp::create(
              b, loc, rowType, ValueRange{row}, ValueRange{init},
              SmallVector<AffineMap>(2, b.getMultiDimIdentityMap(2)),
              {utils::IteratorType::parallel, utils::IteratorType::parallel},
              [](OpBuilder &nb, Location nloc, ValueRange args) {
                linalg::YieldOp::create(
                    nb, nloc,
                    arith::ExtFOp::create(nb, nloc, nb.getF32Type(), args[0])
                        .getResult());
              })
              ->getResult(0);
  }
  func::ReturnOp::create(b, loc, row);
}

arith::ConstantOp addWeightFunction(OpBuilder &b, ModuleOp module,
                                    const WeightTensor &w) {
  Location loc = b.getUnknownLoc();
  // Any number of rows: the one-token forward passes one, the batched
  // forward a block of tokens, both through the same weight.
  auto xType = RankedTensorType::get({ShapedType::kDynamic, w.rowLength},
                                     b.getF32Type());
  auto yType =
      RankedTensorType::get({ShapedType::kDynamic, w.rows}, b.getF32Type());
  b.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(b, loc, symbolName(w.name),
                                   b.getFunctionType({xType}, {yType}));
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  Value x = body->getArgument(0), y;
  arith::ConstantOp weight;
  if (w.kind == WeightTensor::Kind::Packed) {
    quant::Scheme scheme = quant::ggufScheme(w.format);
    auto type = RankedTensorType::get(
        {w.rows, int64_t(w.bytes / size_t(w.rows))}, b.getI8Type());
    weight = blobConstant(b, type, w);
    y = MatmulOp::create(b, loc, yType, x, weight,
                         SchemeAttr::get(b.getContext(), scheme));
  } else {
    auto type =
        RankedTensorType::get({w.rows, w.rowLength}, elementType(b, w.kind));
    weight = blobConstant(b, type, w);
    y = buildFloatContraction(b, loc, x, weight, yType);
  }
  func::ReturnOp::create(b, loc, y);
  return weight;
}

} // namespace

OwningOpRef<ModuleOp> buildModelIR(MLIRContext &ctx,
                                   const ModelDescription &model,
                                   std::string &error) {
  ctx.loadDialect<arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                  tensor::TensorDialect, math::MathDialect, scf::SCFDialect,
                  lowbit::LowBitDialect>();
  OpBuilder b(&ctx);
  OwningOpRef<ModuleOp> module = ModuleOp::create(b.getUnknownLoc());
  SmallVector<NamedAttribute> info{
      b.getNamedAttr("source_format", b.getStringAttr(model.sourceFormat))};
  for (const auto &[key, value] : model.hyperParameters)
    info.push_back(b.getNamedAttr(key, b.getI64IntegerAttr(value)));
  dialect(*module).getModelAttrHelper().setAttr(*module,
                                                b.getDictionaryAttr(info));
  setGgufMetadata(*module, metadataToAttr(&ctx, model.metadata));
  std::map<std::string, std::pair<arith::ConstantOp, const WeightTensor *>>
      matrices;
  for (const WeightTensor &w : model.weights) {
    if (w.isVector)
      addVectorFunction(b, *module, w);
    else
      matrices[w.name] = {addWeightFunction(b, *module, w), &w};
  }
  if (model.llama) {
    auto embd = matrices.find("token_embd.weight");
    if (embd == matrices.end()) {
      error = "a Llama model needs token_embd.weight";
      return nullptr;
    }
    addEmbeddingFunction(b, *module, embd->second.first, *embd->second.second);
    error = addLlamaForward(*module, *model.llama,
                            matrices.count("output.weight") != 0);
    if (!error.empty())
      return nullptr;
  }
  return module;
}

} // namespace lowbit::model
