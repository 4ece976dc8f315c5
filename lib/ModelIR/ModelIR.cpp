//===- ModelIR.cpp - Model descriptions -> model IR -----------------------===//

#include "lowbit/Model/ModelIR.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"
#include "lowbit/Model/Gguf.h"
#include "lowbit/Model/Llama2C.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace lowbit::model {

ModelDescription describeModel(const Llama2CModel &model) {
  ModelDescription d;
  d.sourceFormat = "llama2.c";
  const Llama2CConfig &c = model.config();
  d.hyperParameters = {{"embedding_length", c.dim},
                       {"feed_forward_length", c.hiddenDim},
                       {"block_count", c.numLayers},
                       {"attention.head_count", c.numHeads},
                       {"attention.head_count_kv", c.numKVHeads},
                       {"vocab_size", c.vocabSize},
                       {"context_length", c.seqLen}};
  for (const Llama2CTensor &t : model.tensors()) {
    if (!t.isMatrix())
      continue;
    WeightTensor w;
    w.name = t.name;
    w.rows = t.shape[0];
    w.rowLength = t.shape[1];
    w.data = reinterpret_cast<const uint8_t *>(t.data);
    w.bytes = t.numElements() * 4;
    d.weights.push_back(w);
  }
  return d;
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
  for (const GgufTensor &t : file.tensors()) {
    if (t.dims.size() != 2)
      continue;
    WeightTensor w;
    w.name = t.name;
    w.rowLength = t.dims[0];
    w.rows = t.dims[1];
    w.data = t.data;
    w.bytes = size_t(t.bytes);
    if (t.type == uint32_t(GgmlType::F32)) {
      w.kind = WeightTensor::Kind::F32;
    } else if (t.type == uint32_t(GgmlType::F16)) {
      w.kind = WeightTensor::Kind::F16;
    } else if (t.type == uint32_t(GgmlType::BF16)) {
      w.kind = WeightTensor::Kind::BF16;
    } else if (auto f = ggmlTypeFormat(t.type)) {
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
  auto blob = UnmanagedAsmResourceBlob::allocateInferAlign(
      ArrayRef<char>(reinterpret_cast<const char *>(w.data), w.bytes));
  auto attr = DenseResourceElementsAttr::get(type, w.name, std::move(blob));
  auto cst = arith::ConstantOp::create(b, b.getUnknownLoc(), type, attr);
  cst->setAttr("lowbit.name", b.getStringAttr(w.name));
  return cst;
}

Value contraction(OpBuilder &b, Value x, Value w, RankedTensorType yType) {
  Location loc = b.getUnknownLoc();
  MLIRContext *ctx = b.getContext();
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value init = tensor::EmptyOp::create(b, loc, yType.getShape(), b.getF32Type());
  init = linalg::FillOp::create(b, loc, zero, init)->getResult(0);
  AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
             k = getAffineDimExpr(2, ctx);
  SmallVector<AffineMap> maps{AffineMap::get(3, 0, {m, k}, ctx),
                              AffineMap::get(3, 0, {n, k}, ctx),
                              AffineMap::get(3, 0, {m, n}, ctx)};
  bool extend = !cast<RankedTensorType>(w.getType()).getElementType().isF32();
  auto op = linalg::GenericOp::create(
      b, loc, yType, ValueRange{x, w}, ValueRange{init}, maps,
      {utils::IteratorType::parallel, utils::IteratorType::parallel,
       utils::IteratorType::reduction},
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value wv = args[1];
        if (extend)
          wv = arith::ExtFOp::create(nb, nloc, nb.getF32Type(), wv);
        Value prod = arith::MulFOp::create(nb, nloc, args[0], wv);
        linalg::YieldOp::create(
            nb, nloc, arith::AddFOp::create(nb, nloc, args[2], prod).getResult());
      });
  return op->getResult(0);
}

void addWeightFunction(OpBuilder &b, ModuleOp module, const WeightTensor &w) {
  Location loc = b.getUnknownLoc();
  auto xType = RankedTensorType::get({1, w.rowLength}, b.getF32Type());
  auto yType = RankedTensorType::get({1, w.rows}, b.getF32Type());
  b.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(b, loc, symbolName(w.name),
                                   b.getFunctionType({xType}, {yType}));
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  Value x = body->getArgument(0), y;
  if (w.kind == WeightTensor::Kind::Packed) {
    quant::Scheme scheme = quant::ggufScheme(w.format);
    auto type = RankedTensorType::get(
        {w.rows, int64_t(w.bytes / size_t(w.rows))}, b.getI8Type());
    Value packed = blobConstant(b, type, w);
    y = MatmulOp::create(b, loc, yType, x, packed,
                         SchemeAttr::get(b.getContext(), scheme));
  } else {
    Type e = w.kind == WeightTensor::Kind::F32   ? Type(b.getF32Type())
             : w.kind == WeightTensor::Kind::F16 ? Type(b.getF16Type())
                                                 : Type(b.getBF16Type());
    auto type = RankedTensorType::get({w.rows, w.rowLength}, e);
    y = contraction(b, x, blobConstant(b, type, w), yType);
  }
  func::ReturnOp::create(b, loc, y);
}

} // namespace

OwningOpRef<ModuleOp> buildModelIR(MLIRContext &ctx,
                                   const ModelDescription &model) {
  ctx.loadDialect<arith::ArithDialect, func::FuncDialect,
                  linalg::LinalgDialect, tensor::TensorDialect,
                  lowbit::LowBitDialect>();
  OpBuilder b(&ctx);
  OwningOpRef<ModuleOp> module = ModuleOp::create(b.getUnknownLoc());
  SmallVector<NamedAttribute> info{
      b.getNamedAttr("source_format", b.getStringAttr(model.sourceFormat))};
  for (const auto &[key, value] : model.hyperParameters)
    info.push_back(b.getNamedAttr(key, b.getI64IntegerAttr(value)));
  (*module)->setAttr("lowbit.model", b.getDictionaryAttr(info));
  for (const WeightTensor &w : model.weights)
    addWeightFunction(b, *module, w);
  return module;
}

} // namespace lowbit::model
