//===- JitModel.cpp - Lower, JIT and call a model's forward pass ----------===//

#include "lowbit/Run/JitModel.h"

#include "lowbit/Harness/Jit.h"

#include "lowbit/Codegen/TargetMachine.h"
#include "lowbit/Dialect/LowBit/Transforms/AttachTarget.h"
#include "lowbit/InitAll.h"
#include "lowbit/Calibration/ActivationRecorder.h"
#include "lowbit/Calibration/Passes.h"
#include "lowbit/ModelIR/GgufMetadata.h"
#include "lowbit/ModelIR/ImportModelFile.h"
#include "lowbit/Pipelines/Pipelines.h"
#include "lowbit/Target/CPU/ExternalWeights.h"
#include "lowbit/Target/CPU/ModelABI.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

namespace lowbit {

std::string JitModel::load(const std::string &path, const Options &options) {
  DialectRegistry registry;
  registerAllDialects(registry);
  registerLLVMTranslations(registry);
  ctx_.appendDialectRegistry(registry);
  registerAllPasses();

  llvm::SourceMgr sourceMgr;
  std::string parseError;
  OwningOpRef<ModuleOp> module =
      model::parseModelIRFile(ctx_, path, sourceMgr, parseError);
  if (!module)
    return parseError;
  auto forward = module->lookupSymbol<func::FuncOp>("forward");
  if (!forward)
    return path + " has no @forward (import a Llama model with lowbit-import)";
  auto cache = cast<RankedTensorType>(forward.getArgumentTypes()[2]);
  int64_t vocab =
      cast<RankedTensorType>(forward.getResultTypes()[0]).getDimSize(1);
  // Without a tokenizer the model still runs (bench); malformed metadata
  // is an error.
  std::string error;
  std::optional<model::Tokenizer> tokenizer;
  if (Attribute meta = model::ggufMetadataOf(*module)) {
    std::vector<std::pair<std::string, model::GgufValue>> entries;
    if (std::string bad = model::metadataFromAttr(meta, entries); !bad.empty())
      return bad;
    tokenizer = model::tokenizerFromMetadata(meta, error);
  }

  // Kernels for this machine: the JIT compiles for the host.
  if (!options.referenceKernels) {
    std::unique_ptr<llvm::TargetMachine> host =
        codegen::createHostTargetMachine(error);
    if (!host)
      return error;
    const codegen::TargetDesc *desc = codegen::selectTarget(*host);
    if (!desc)
      return "no kernel target for this CPU (known: " + codegen::targetNames() +
             "); --reference-kernels runs scalar code";
    attachTarget(*module, *host, *desc);
  }
  // Calibration: record each weight's input before lowering.
  std::vector<std::vector<std::string>> recorded;
  if (options.recorder) {
    PassManager instrument(&ctx_);
    LowBitInstrumentActivationsPassOptions instrumentOptions;
    instrumentOptions.layers = options.recordLayers;
    instrument.addPass(
        createLowBitInstrumentActivationsPass(instrumentOptions));
    if (failed(instrument.run(*module)))
      return "cannot instrument " + path + " for calibration";
    for (Attribute group :
         dialect(*module).getRecordedAttrHelper().getAttr(*module)) {
      recorded.emplace_back();
      for (Attribute name : cast<ArrayAttr>(group))
        recorded.back().push_back(cast<StringAttr>(name).str());
    }
  }
  PassManager pm(&ctx_);
  LoweringOptions lowering;
  lowering.reference = options.referenceKernels;
  lowering.floatPath = options.floatPath;
  buildLoweringPipeline(pm, lowering);
  if (failed(pm.run(*module)))
    return "lowering " + path + " to LLVM failed";
  // The weights stay in the context's blobs (mapped from the file where
  // the bytecode allows): LLVM would otherwise copy each of them into its
  // IR, the object and the loaded code.
  std::vector<const void *> weights;
  if (std::string e = cpu::referenceWeightsInPlace(*module, 4096, weights);
      !e.empty())
    return path + ": " + e;

  std::string jitError;
  engine_ = jitCompile(*module, jitError);
  if (!engine_)
    return jitError;
  if (options.recorder) {
    options.recorder->reset(std::move(recorded), options.recordGram);
    engine_->registerSymbols([](llvm::orc::MangleAndInterner interner) {
      llvm::orc::SymbolMap symbols;
      symbols[interner(std::string("_mlir_ciface_") +
                       ActivationRecorder::kHookName)] = {
          llvm::orc::ExecutorAddr::fromPtr(ActivationRecorder::hookAddress()),
          llvm::JITSymbolFlags::Exported};
      return symbols;
    });
  }
  if (!weights.empty()) {
    auto slots = engine_->lookup(cpu::abiName(cpu::AbiSymbol::WeightSlots));
    if (!slots)
      return std::string("JIT: no weight slots: ") +
             llvm::toString(slots.takeError());
    std::copy(weights.begin(), weights.end(),
              static_cast<const void **>(*slots));
  }
  auto fn = engine_->lookup(cpu::abiName(cpu::AbiSymbol::Forward));
  if (!fn)
    return std::string("JIT: no ") + cpu::abiName(cpu::AbiSymbol::Forward) +
           ": " + llvm::toString(fn.takeError());
  auto batchFn = engine_->lookup(cpu::abiName(cpu::AbiSymbol::ForwardBatch));
  if (!batchFn)
    return std::string("JIT: no ") +
           cpu::abiName(cpu::AbiSymbol::ForwardBatch) + ": " +
           llvm::toString(batchFn.takeError()) +
           " (model IR from an older lowbit-import: import it again)";
  bind(reinterpret_cast<ForwardFn>(*fn),
       reinterpret_cast<ForwardBatchFn>(*batchFn), cache.getDimSize(0),
       cache.getDimSize(1), cache.getDimSize(2), vocab, std::move(tokenizer));
  return "";
}

} // namespace lowbit
