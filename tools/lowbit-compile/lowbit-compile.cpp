//===- lowbit-compile.cpp - Model IR or model file -> .o + C header ---------===//
//
//   lowbit-compile model.mlirbc -o model.o --emit-header model.h
//   lowbit-compile stories260K.bin --quantize="recipe=q4_k_m" -o m.o
//       [-mtriple=aarch64-linux-gnu] [-mcpu=...] [-mattr=+dotprod,...]
//       [--weights-threshold=BYTES] [--weights-file=m.weights]
//
// Input is model IR, or a model file (imported in-process, then quantized
// with the lowbit-quantize options given). Code comes from lowbit-lowering
// (vector kernels for the selected target), compiled by LLVM at -O3. The
// object exports forward's C interface, the model's dimensions and its
// tokenizer (ModelInfo.h); packed weights live in the object, or above
// --weights-threshold in a checksummed weights file (ExternalWeights.h).
// The header declares the C ABI: create a model state (its KV cache), run
// tokens, read logits, map external weights.
//
//===----------------------------------------------------------------------===//

#include "ExternalWeights.h"
#include "ModelInfo.h"
#include "lowbit/Codegen/TargetMachine.h"
#include "lowbit/Dialect/LowBit/Transforms/AttachTarget.h"

#include "lowbit/InitAll.h"
#include "lowbit/Model/GgufMetadata.h"
#include "lowbit/Model/ImportModelFile.h"
#include "lowbit/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "lowbit/Codegen/Targets.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <fstream>

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputPath(cl::Positional,
                                      cl::desc("<model IR or model file>"),
                                      cl::Required);
static cl::opt<std::string> outputPath("o", cl::desc("output object file"),
                                       cl::Required);
static cl::opt<std::string> headerPath("emit-header",
                                       cl::desc("write a C header here"),
                                       cl::init(""));
static cl::opt<std::string> quantize(
    "quantize", cl::desc("lowbit-quantize options, e.g. recipe=q4_k_m"),
    cl::init(""));
static cl::opt<std::string> triple("mtriple", cl::desc("target triple"),
                                   cl::init(""));
static cl::opt<std::string> cpu("mcpu", cl::desc("target CPU (native = host)"),
                                cl::init(""));
static cl::opt<std::string> attrs("mattr", cl::desc("target features"),
                                  cl::init(""));
static cl::opt<std::string> tokenizer("tokenizer",
                                      cl::desc("llama2.c-format tokenizer for "
                                               "model files (default: as "
                                               "lowbit-import finds it)"),
                                      cl::init(""));
static cl::opt<std::string> config(
    "config",
    cl::desc("Hugging Face config.json for safetensors (default: beside it)"),
    cl::init(""));
static cl::opt<int64_t> context("context",
                                cl::desc("KV cache length for model files"),
                                cl::init(0));

static cl::opt<bool> floatPath(
    "float-path", cl::desc("f32 kernels even where int8 dot products exist"));
static cl::opt<bool> referenceKernels(
    "reference-kernels",
    cl::desc("scalar reference lowering instead of vector kernels"));
static cl::opt<uint64_t> weightsThreshold(
    "weights-threshold",
    cl::desc("constant bytes from which weights go to a separate file "
             "(default 256 MiB; objects stay well under 2 GiB)"),
    cl::init(uint64_t(256) << 20));
static cl::opt<std::string> weightsPath(
    "weights-file",
    cl::desc("where external weights go (default: the object's path with "
             ".weights for its extension)"),
    cl::init(""));
static cl::opt<bool> kernelReport(
    "kernel-report", cl::desc("print the kernel chosen for each matmul"));

static int fail(const std::string &msg) {
  llvm::errs() << "lowbit-compile: error: " << msg << "\n";
  return 1;
}

/// Bufferization creates the constants' globals in an order (and with
/// numbered names) that varies from run to run; sort them by type and data
/// and rename them so the same input always gives the same object.
static void stabilizeGlobals(ModuleOp module) {
  SmallVector<std::pair<std::string, LLVM::GlobalOp>> globals;
  for (auto g : module.getOps<LLVM::GlobalOp>()) {
    if (!g.getSymName().starts_with("__constant_"))
      continue;
    std::string key;
    llvm::raw_string_ostream os(key);
    os << g.getGlobalType() << " ";
    if (auto value = g.getValueOrNull())
      value.print(os);
    globals.emplace_back(key, g);
  }
  llvm::stable_sort(globals,
                    [](const auto &a, const auto &b) { return a.first < b.first; });
  Block *body = module.getBody();
  Operation *anchor = body->empty() ? nullptr : &body->front();
  for (auto [i, entry] : llvm::enumerate(globals)) {
    LLVM::GlobalOp g = entry.second;
    std::string name = "__lowbit_constant_" + std::to_string(i);
    if (failed(SymbolTable::replaceAllSymbolUses(g, StringAttr::get(module.getContext(), name), module)))
      continue;
    g.setSymName(name);
    g->moveBefore(anchor);
    anchor = g->getNextNode();
  }
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "lowbit-compile: model -> object file + C header\n");
  std::string err;
  std::unique_ptr<llvm::TargetMachine> tm =
      lowbit::codegen::createTargetMachine(triple, cpu, attrs, err);
  if (!tm)
    return fail(err);

  DialectRegistry registry;
  lowbit::registerAllDialects(registry);
  lowbit::registerLLVMTranslations(registry);
  lowbit::registerAllPasses();
  MLIRContext ctx(registry);

  lowbit::model::ImportedModel imported;
  OwningOpRef<ModuleOp> &module = imported.module;
  llvm::StringRef path(inputPath);
  if (path.ends_with(".mlir") || path.ends_with(".mlirbc")) {
    llvm::SourceMgr sourceMgr;
    module = parseSourceFile<ModuleOp>(inputPath, sourceMgr, ParserConfig(&ctx));
    if (!module)
      return fail("cannot parse " + inputPath);
  } else {
    lowbit::model::ImportOptions options;
    options.configPath = config;
    options.tokenizerPath = tokenizer;
    options.context = context;
    if (std::string e =
            lowbit::model::importModelFile(ctx, inputPath, options, imported);
        !e.empty())
      return fail(e);
  }
  auto forward = module->lookupSymbol<func::FuncOp>("forward");
  // Without @forward the module is compiled as a library of its public
  // functions (e.g. single kernels for tests); the model header needs it.
  if (!forward && !headerPath.empty())
    return fail(inputPath + " has no @forward (a Llama model is needed)");
  lowbit::ModelShape shape;
  std::optional<lowbit::model::Tokenizer> tokenizer;
  if (forward) {
    // Only forward is the model's entry point: functions it does not reach
    // (e.g. token_embd as a classifier when output.weight exists) are
    // dropped below with their weights.
    for (auto fn : module->getOps<func::FuncOp>())
      if (fn != forward && fn.isPublic())
        fn.setPrivate();
    auto cache = cast<RankedTensorType>(forward.getArgumentTypes()[2]);
    shape.layers = cache.getDimSize(0);
    shape.context = cache.getDimSize(1);
    shape.kvDim = cache.getDimSize(2);
    shape.vocab =
        cast<RankedTensorType>(forward.getResultTypes()[0]).getDimSize(1);
    // Model IR without a tokenizer (hand-written tests) still compiles.
    std::string ignored;
    tokenizer = lowbit::model::tokenizerFromMetadata(
        (*module)->getAttr(lowbit::model::kGgufMetadataAttr), ignored);
  }

  // Kernel remarks (--kernel-report) and errors, one line each.
  ScopedDiagnosticHandler diagnostics(&ctx, [](Diagnostic &d) {
    bool remark = d.getSeverity() == DiagnosticSeverity::Remark;
    if (remark && !kernelReport)
      return success();
    llvm::errs() << (remark ? "kernel: " : "lowbit-compile: ") << d.str()
                 << "\n";
    return success();
  });
  PassManager pm(&ctx);
  if (!quantize.empty() &&
      failed(parsePassPipeline("lowbit-quantize{" + quantize + "}", pm)))
    return fail("bad --quantize options '" + quantize + "'");
  // After quantization: an untied token_embd classifier is unused, but its
  // quantization is what the embedding lookup reads (as in llama.cpp).
  if (forward)
    pm.addPass(createSymbolDCEPass());
  // The kernels' target, from the same feature set LLVM compiles for, set
  // once on the module for every codegen pass to ask.
  const lowbit::codegen::TargetDesc *desc = lowbit::codegen::selectTarget(*tm);
  if (!desc && !referenceKernels)
    return fail("no kernel target description for " +
                tm->getTargetTriple().str() + " (known: " +
                lowbit::codegen::targetNames() +
                "); --reference-kernels compiles it with scalar code");
  if (desc)
    lowbit::attachTarget(*module, *tm, *desc);
  lowbit::LoweringOptions lowering;
  lowering.reference = referenceKernels;
  lowering.floatPath = floatPath;
  lowering.report = kernelReport;
  lowbit::buildLoweringPipeline(pm, lowering);
  if (failed(pm.run(*module)))
    return fail("lowering failed");
  stabilizeGlobals(*module);

  lowbit::ExternalWeights external;
  std::string externalPath;
  if (lowbit::constantBytes(*module) >= weightsThreshold) {
    externalPath = weightsPath;
    if (externalPath.empty()) {
      llvm::SmallString<256> p(outputPath);
      llvm::sys::path::replace_extension(p, "weights");
      externalPath = std::string(p);
    }
    external.fileName = std::string(llvm::sys::path::filename(externalPath));
    if (external.fileName.find_first_of("\"\\\n") != std::string::npos)
      return fail("the weights file name cannot go in a C string: " +
                  external.fileName);
    // Constants under a page stay in the object (norms, small tables).
    if (std::string e = lowbit::externalizeWeights(*module, 4096, external);
        !e.empty())
      return fail(e);
  }

  llvm::LLVMContext llvmCtx;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(*module, llvmCtx, "lowbit_model");
  if (!llvmModule)
    return fail("translation to LLVM IR failed");
  bool usesOpenMP = llvmModule->getFunction("__kmpc_fork_call") != nullptr;
  if (forward) {
    // A model exports forward and its C interface; kernels and per-weight
    // functions become internal (inlinable, not exported from a library).
    for (llvm::Function &f : *llvmModule)
      if (!f.isDeclaration() && f.getName() != "forward" &&
          f.getName() != "_mlir_ciface_forward")
        f.setLinkage(llvm::GlobalValue::InternalLinkage);
    lowbit::addModelInfo(*llvmModule, shape,
                         tokenizer ? &*tokenizer : nullptr);
  }
  if (!external.offsets.empty())
    lowbit::addExternalWeightsInfo(*llvmModule, external);
  llvmModule->setTargetTriple(tm->getTargetTriple());
  llvmModule->setDataLayout(tm->createDataLayout());
  auto optimize = makeOptimizingTransformer(3, 0, tm.get());
  if (llvm::Error e = optimize(llvmModule.get()))
    return fail("optimization failed: " + llvm::toString(std::move(e)));

  std::error_code ec;
  llvm::ToolOutputFile out(outputPath, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fail(outputPath + ": " + ec.message());
  llvm::legacy::PassManager codegen;
  if (tm->addPassesToEmitFile(codegen, out.os(), nullptr,
                              llvm::CodeGenFileType::ObjectFile))
    return fail("the target cannot emit object files");
  codegen.run(*llvmModule);
  out.keep();
  if (!external.offsets.empty()) {
    std::error_code wec;
    llvm::raw_fd_ostream weights(externalPath, wec, llvm::sys::fs::OF_None);
    if (wec)
      return fail(externalPath + ": " + wec.message());
    weights.write(reinterpret_cast<const char *>(external.bytes.data()),
                  external.bytes.size());
    if (weights.has_error())
      return fail("cannot write " + externalPath);
  }
  if (!headerPath.empty()) {
    std::ofstream h(headerPath);
    h << lowbit::modelHeader(shape, tokenizer.has_value(), usesOpenMP,
                             external.offsets.empty() ? "" : external.fileName);
    if (!h)
      return fail("cannot write " + headerPath);
  }
  return 0;
}
