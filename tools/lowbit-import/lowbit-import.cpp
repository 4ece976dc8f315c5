//===- lowbit-import.cpp - Model file -> model IR ---------------------------===//
//
// For now: llama2.c checkpoints. Each weight matrix W [out, in] becomes a
// function computing y[1, out] = x[1, in] * W^T as a linalg contraction on
// a dense_resource constant named after the tensor (attribute lowbit.name);
// the quantization passes find and rewrite these. The blobs point into the
// memory-mapped file, so nothing is copied while building the IR.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Model/Llama2C.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "mlir/Support/FileUtilities.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model file>"),
                                      cl::Required);
static cl::opt<std::string> outputPath("o", cl::desc("output file"),
                                       cl::value_desc("path"), cl::init("-"));
static cl::opt<bool> emitText("emit-text",
                              cl::desc("write textual IR instead of bytecode"),
                              cl::init(false));

static std::string symbolName(const std::string &tensor) {
  std::string s = tensor;
  for (char &c : s)
    if (c == '.')
      c = '_';
  return s;
}

/// func @name(%x: tensor<1xKxf32>) -> tensor<1xNxf32>: x * W^T.
static void addWeightFunction(OpBuilder &b, ModuleOp module,
                              const lowbit::model::Llama2CTensor &t) {
  Location loc = b.getUnknownLoc();
  int64_t n = t.shape[0], k = t.shape[1];
  auto xType = RankedTensorType::get({1, k}, b.getF32Type());
  auto yType = RankedTensorType::get({1, n}, b.getF32Type());
  b.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(b, loc, symbolName(t.name),
                                   b.getFunctionType({xType}, {yType}));
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  auto wType = RankedTensorType::get({n, k}, b.getF32Type());
  auto blob = UnmanagedAsmResourceBlob::allocateInferAlign(
      ArrayRef<float>(t.data, t.numElements()));
  auto attr = DenseResourceElementsAttr::get(wType, t.name, std::move(blob));
  auto w = arith::ConstantOp::create(b, loc, wType, attr);
  w->setAttr("lowbit.name", b.getStringAttr(t.name));
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value init = tensor::EmptyOp::create(b, loc, yType.getShape(), b.getF32Type());
  init = linalg::FillOp::create(b, loc, zero, init)->getResult(0);
  MLIRContext *ctx = b.getContext();
  AffineExpr m = getAffineDimExpr(0, ctx), nn = getAffineDimExpr(1, ctx),
             kk = getAffineDimExpr(2, ctx);
  SmallVector<AffineMap> maps{AffineMap::get(3, 0, {m, kk}, ctx),
                              AffineMap::get(3, 0, {nn, kk}, ctx),
                              AffineMap::get(3, 0, {m, nn}, ctx)};
  auto mm = linalg::GenericOp::create(
      b, loc, yType, ValueRange{body->getArgument(0), w}, ValueRange{init},
      maps,
      {utils::IteratorType::parallel, utils::IteratorType::parallel,
       utils::IteratorType::reduction},
      [](OpBuilder &nb, Location nloc, ValueRange args) {
        Value prod = arith::MulFOp::create(nb, nloc, args[0], args[1]);
        linalg::YieldOp::create(
            nb, nloc, arith::AddFOp::create(nb, nloc, args[2], prod).getResult());
      });
  func::ReturnOp::create(b, loc, mm->getResults());
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv, "lowbit-import: model file (llama2.c .bin) -> model IR\n");

  lowbit::model::Llama2CModel model;
  std::string err = model.open(inputPath);
  if (!err.empty()) {
    llvm::errs() << "lowbit-import: error: " << err << "\n";
    return 1;
  }
  MLIRContext ctx;
  ctx.loadDialect<arith::ArithDialect, func::FuncDialect,
                  linalg::LinalgDialect, tensor::TensorDialect>();
  OpBuilder b(&ctx);
  auto module = ModuleOp::create(b.getUnknownLoc());
  const auto &c = model.config();
  module->setAttr("lowbit.model",
                  b.getDictionaryAttr({
                      b.getNamedAttr("format", b.getStringAttr("llama2.c")),
                      b.getNamedAttr("dim", b.getI64IntegerAttr(c.dim)),
                      b.getNamedAttr("hidden_dim",
                                     b.getI64IntegerAttr(c.hiddenDim)),
                      b.getNamedAttr("n_layers",
                                     b.getI64IntegerAttr(c.numLayers)),
                      b.getNamedAttr("n_heads", b.getI64IntegerAttr(c.numHeads)),
                      b.getNamedAttr("n_kv_heads",
                                     b.getI64IntegerAttr(c.numKVHeads)),
                      b.getNamedAttr("vocab_size",
                                     b.getI64IntegerAttr(c.vocabSize)),
                      b.getNamedAttr("seq_len", b.getI64IntegerAttr(c.seqLen)),
                  }));
  for (const auto &t : model.tensors())
    if (t.isMatrix())
      addWeightFunction(b, module, t);
  if (failed(verify(module))) {
    llvm::errs() << "lowbit-import: internal error: invalid IR\n";
    return 1;
  }
  std::string errorMessage;
  auto out = openOutputFile(outputPath, &errorMessage);
  if (!out) {
    llvm::errs() << "lowbit-import: error: " << errorMessage << "\n";
    return 1;
  }
  if (emitText) {
    module->print(out->os());
  } else if (failed(writeBytecodeToFile(module, out->os()))) {
    llvm::errs() << "lowbit-import: error: cannot write bytecode\n";
    return 1;
  }
  out->keep();
  module->erase();
  return 0;
}
