//===- CompileModel.cpp - Model IR -> object file + C header --------------===//

#include "lowbit/Target/CPU/CompileModel.h"
#include "lowbit/Target/CPU/ExternalWeights.h"
#include "lowbit/Target/CPU/ModelABI.h"
#include "lowbit/Target/CPU/ObjectEmission.h"

#include "lowbit/Codegen/TargetMachine.h"
#include "lowbit/Dialect/LowBit/Transforms/AttachTarget.h"
#include "lowbit/ModelIR/GgufMetadata.h"
#include "lowbit/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <fstream>
#include <optional>

using namespace mlir;

namespace lowbit::cpu {

namespace {

/// The model's shape from @forward's signature, which must be the Llama
/// model IR's: (index token, index pos, kcache, vcache) -> logits [1, vocab]
/// with both caches f32 [layers, context, kv_dim].
std::string readModelShape(func::FuncOp forward, ModelShape &shape) {
  FunctionType type = forward.getFunctionType();
  auto cacheType = [&](unsigned i) -> RankedTensorType {
    auto t = dyn_cast<RankedTensorType>(type.getInput(i));
    return t && t.getRank() == 3 && t.hasStaticShape() &&
                   t.getElementType().isF32()
               ? t
               : RankedTensorType();
  };
  auto logits = type.getNumResults() == 1
                    ? dyn_cast<RankedTensorType>(type.getResult(0))
                    : RankedTensorType();
  if (type.getNumInputs() != 4 || !type.getInput(0).isIndex() ||
      !type.getInput(1).isIndex() || !cacheType(2) ||
      cacheType(2) != cacheType(3) || !logits || logits.getRank() != 2 ||
      !logits.hasStaticShape() || logits.getDimSize(0) != 1 ||
      !logits.getElementType().isF32())
    return "@forward must be (index token, index pos, tensor<LxCxDxf32> "
           "kcache, vcache of the same type) -> tensor<1xVxf32>, got " +
           [&] {
             std::string s;
             llvm::raw_string_ostream os(s);
             os << type;
             return s;
           }();
  RankedTensorType cache = cacheType(2);
  shape.layers = cache.getDimSize(0);
  shape.context = cache.getDimSize(1);
  shape.kvDim = cache.getDimSize(2);
  shape.vocab = logits.getDimSize(1);
  if (shape.layers <= 0 || shape.context <= 0 || shape.kvDim <= 0 ||
      shape.vocab <= 0)
    return "@forward's caches and logits must not be empty";
  return "";
}

/// "" when @forward_batch has the signature the C header calls it with:
/// (tensor<?xi32> tokens, index pos, index all, kcache, vcache) ->
/// tensor<?xVxf32>, caches and V those of @forward.
std::string checkBatchSignature(func::FuncOp batch, func::FuncOp forward) {
  FunctionType type = batch.getFunctionType(),
               one = forward.getFunctionType();
  auto tokens = dyn_cast<RankedTensorType>(type.getInputs().empty()
                                               ? Type()
                                               : type.getInput(0));
  auto logits = type.getNumResults() == 1
                    ? dyn_cast<RankedTensorType>(type.getResult(0))
                    : RankedTensorType();
  auto oneLogits = cast<RankedTensorType>(one.getResult(0));
  if (type.getNumInputs() == 5 && tokens && tokens.getRank() == 1 &&
      tokens.isDynamicDim(0) && tokens.getElementType().isInteger(32) &&
      type.getInput(1).isIndex() && type.getInput(2).isIndex() &&
      type.getInput(3) == one.getInput(2) &&
      type.getInput(4) == one.getInput(3) && logits &&
      logits.getRank() == 2 && logits.isDynamicDim(0) &&
      logits.getDimSize(1) == oneLogits.getDimSize(1) &&
      logits.getElementType().isF32())
    return "";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return "@forward_batch must be (tensor<?xi32> tokens, index pos, index "
         "all, kcache, vcache as @forward's) -> tensor<?xVxf32>, got " +
         s;
}

/// The weights file's path: as asked, or the object's with .weights.
std::string weightsFilePath(const CompileOptions &o) {
  if (!o.weightsPath.empty())
    return o.weightsPath;
  llvm::SmallString<256> p(o.objectPath);
  llvm::sys::path::replace_extension(p, "weights");
  return std::string(p);
}

std::string writeFile(const std::string &path, const void *data, size_t size) {
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return path + ": " + ec.message();
  out.write(static_cast<const char *>(data), size);
  out.close();
  return out.has_error() ? "cannot write " + path : "";
}

} // namespace

std::string compileModel(ModuleOp module, llvm::TargetMachine &tm,
                         const CompileOptions &o) {
  MLIRContext *ctx = module.getContext();
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  // Without @forward the module is compiled as a library of its public
  // functions (e.g. single kernels for tests); the model header needs it.
  if (!forward && !o.headerPath.empty())
    return "the module has no @forward (a Llama model is needed)";
  ModelShape shape;
  std::optional<model::Tokenizer> tokenizer;
  if (forward) {
    if (std::string e = readModelShape(forward, shape); !e.empty())
      return e;
    auto batch = module.lookupSymbol<func::FuncOp>("forward_batch");
    if (!batch)
      return "the module has @forward but no @forward_batch (model IR from "
             "an older lowbit-import: import the model again)";
    if (std::string e = checkBatchSignature(batch, forward); !e.empty())
      return e;
    // forward and forward_batch are the model's entry points: functions
    // they do not reach (e.g. token_embd as a classifier when output.weight
    // exists) are dropped below with their weights.
    for (auto fn : module.getOps<func::FuncOp>())
      if (fn != forward && fn != batch && fn.isPublic())
        fn.setPrivate();
    // Model IR without a tokenizer (hand-written tests) still compiles.
    std::string ignored;
    tokenizer =
        model::tokenizerFromMetadata(model::ggufMetadataOf(module), ignored);
  }

  // The kernels' target, from the same feature set LLVM compiles for, set
  // once on the module for every codegen pass to ask.
  const codegen::TargetDesc *desc = codegen::selectTarget(tm);
  if (!desc && !o.referenceKernels)
    return "no kernel target description for " + tm.getTargetTriple().str() +
           " (known: " + codegen::targetNames() +
           "); --reference-kernels compiles it with scalar code";
  if (desc)
    attachTarget(module, tm, *desc);

  PassManager pm(ctx);
  if (!o.quantize.empty() &&
      failed(parsePassPipeline("lowbit-quantize{" + o.quantize + "}", pm)))
    return "bad --quantize options '" + o.quantize + "'";
  // After quantization: an untied token_embd classifier is unused, but its
  // quantization is what the embedding lookup reads (as in llama.cpp).
  if (forward)
    pm.addPass(createSymbolDCEPass());
  LoweringOptions lowering;
  lowering.reference = o.referenceKernels;
  lowering.floatPath = o.floatPath;
  lowering.report = o.kernelReport;
  buildLoweringPipeline(pm, lowering);
  if (failed(pm.run(module)))
    return "lowering failed";
  stabilizeGlobals(module);

  ExternalWeights external;
  std::string externalPath;
  if (constantBytes(module) >= o.weightsThreshold) {
    externalPath = weightsFilePath(o);
    external.fileName = std::string(llvm::sys::path::filename(externalPath));
    if (external.fileName.find_first_of("\"\\\n") != std::string::npos)
      return "the weights file name cannot go in a C string: " +
             external.fileName;
    // Constants under a page stay in the object (norms, small tables).
    if (std::string e = externalizeWeights(module, 4096, external); !e.empty())
      return e;
  }

  llvm::LLVMContext llvmCtx;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmCtx, "lowbit_model");
  if (!llvmModule)
    return "translation to LLVM IR failed";
  bool usesOpenMP = llvmModule->getFunction("__kmpc_fork_call") != nullptr;
  if (forward) {
    // A model exports its two entry points' C interfaces; kernels and
    // per-weight functions become internal (inlinable, not exported from a
    // library).
    for (llvm::Function &f : *llvmModule)
      if (!f.isDeclaration() && f.getName() != abiName(AbiSymbol::Forward) &&
          f.getName() != abiName(AbiSymbol::ForwardBatch))
        f.setLinkage(llvm::GlobalValue::InternalLinkage);
    addModelInfo(*llvmModule, shape, tokenizer ? &*tokenizer : nullptr);
  }
  if (!external.offsets.empty())
    addExternalWeightsInfo(*llvmModule, external);
  if (std::string e = emitObjectFile(*llvmModule, tm, o.objectPath); !e.empty())
    return e;
  if (!external.offsets.empty())
    if (std::string e = writeFile(externalPath, external.bytes.data(),
                                  external.bytes.size());
        !e.empty())
      return e;
  if (!o.headerPath.empty()) {
    std::string header =
        modelHeader(shape, tokenizer.has_value(), usesOpenMP,
                    external.offsets.empty() ? "" : external.fileName);
    if (std::string e = writeFile(o.headerPath, header.data(), header.size());
        !e.empty())
      return e;
  }
  return "";
}

} // namespace lowbit::cpu
