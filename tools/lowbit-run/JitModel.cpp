//===- JitModel.cpp - Lower, JIT and call a model's forward pass ----------===//

#include "JitModel.h"

#include "lowbit/InitAll.h"
#include "lowbit/Model/GgufMetadata.h"
#include "lowbit/Pipelines/Pipelines.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"

#include <cstdlib>

using namespace mlir;

namespace lowbit {

namespace {
std::optional<model::Tokenizer> tokenizerFrom(ModuleOp module,
                                              std::string &error) {
  std::vector<std::pair<std::string, model::GgufValue>> meta;
  if (Attribute a = module->getAttr(model::kGgufMetadataAttr))
    error = model::metadataFromAttr(a, meta);
  std::vector<std::string> tokens;
  std::vector<float> scores;
  int32_t bos = 1, eos = 2;
  for (const auto &[k, v] : meta) {
    if (k == "tokenizer.ggml.tokens")
      for (const auto &t : v.items)
        tokens.push_back(t.s);
    else if (k == "tokenizer.ggml.scores")
      for (const auto &t : v.items)
        scores.push_back(float(t.f));
    else if (k == "tokenizer.ggml.bos_token_id")
      bos = int32_t(v.i);
    else if (k == "tokenizer.ggml.eos_token_id")
      eos = int32_t(v.i);
  }
  if (tokens.empty() || tokens.size() != scores.size()) {
    if (error.empty())
      error = "the model IR carries no tokenizer (import it with one)";
    return std::nullopt;
  }
  return model::Tokenizer(std::move(tokens), std::move(scores), bos, eos);
}
} // namespace

std::string JitModel::load(const std::string &path, const Options &options) {
  DialectRegistry registry;
  registerAllDialects(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
  ctx_.appendDialectRegistry(registry);
  registerAllPasses();

  llvm::SourceMgr sourceMgr;
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(path, sourceMgr, ParserConfig(&ctx_));
  if (!module)
    return "cannot parse " + path;
  auto forward = module->lookupSymbol<func::FuncOp>("forward");
  if (!forward)
    return path + " has no @forward (import a Llama model with lowbit-import)";
  auto cache = cast<RankedTensorType>(forward.getArgumentTypes()[2]);
  layers_ = cache.getDimSize(0);
  context_ = cache.getDimSize(1);
  kvDim_ = cache.getDimSize(2);
  vocab_ = cast<RankedTensorType>(forward.getResultTypes()[0]).getDimSize(1);
  std::string error;
  tokenizer_ = tokenizerFrom(*module, error);
  if (!tokenizer_)
    return error;

  PassManager pm(&ctx_);
  LoweringOptions lowering;
  lowering.reference = options.referenceKernels;
  lowering.floatPath = options.floatPath;
  buildLoweringPipeline(pm, lowering);
  if (failed(pm.run(*module)))
    return "lowering " + path + " to LLVM failed";

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  ExecutionEngineOptions engineOptions;
  auto optimize = makeOptimizingTransformer(3, 0, nullptr);
  engineOptions.transformer = optimize;
  // memrefCopy and friends, for copies between strided buffers; OpenMP
  // for the kernels' threads.
  llvm::StringRef runtime[] = {LOWBIT_MLIR_C_RUNNER_UTILS, LOWBIT_OMP_LIB};
  engineOptions.sharedLibPaths = runtime;
  auto engine = ExecutionEngine::create(*module, engineOptions);
  if (!engine)
    return "JIT compilation failed: " + llvm::toString(engine.takeError());
  engine_ = std::move(*engine);
  auto fn = engine_->lookup("_mlir_ciface_forward");
  if (!fn)
    return "JIT: no _mlir_ciface_forward: " + llvm::toString(fn.takeError());
  forward_ = reinterpret_cast<decltype(forward_)>(*fn);
  kcache_.assign(size_t(layers_ * context_ * kvDim_), 0.0f);
  vcache_.assign(kcache_.size(), 0.0f);
  logits_.resize(size_t(vocab_));
  return "";
}

const std::vector<float> &JitModel::forward(int32_t token, int64_t pos) {
  auto cacheRef = [&](std::vector<float> &c) {
    StridedMemRefType<float, 3> m;
    m.basePtr = m.data = c.data();
    m.offset = 0;
    m.sizes[0] = layers_;
    m.sizes[1] = context_;
    m.sizes[2] = kvDim_;
    m.strides[0] = context_ * kvDim_;
    m.strides[1] = kvDim_;
    m.strides[2] = 1;
    return m;
  };
  StridedMemRefType<float, 3> k = cacheRef(kcache_), v = cacheRef(vcache_);
  StridedMemRefType<float, 2> result{};
  forward_(&result, token, pos, &k, &v);
  std::copy(result.data, result.data + vocab_, logits_.begin());
  std::free(result.basePtr); // the caller owns returned buffers
  return logits_;
}

} // namespace lowbit
