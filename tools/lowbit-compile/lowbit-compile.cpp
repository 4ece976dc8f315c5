//===- lowbit-compile.cpp - Model IR or model file -> .o + C header
//---------===//
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
// tokenizer; packed weights live in the object, or above
// --weights-threshold in a checksummed weights file. The header declares the
// C ABI: create a model state (its KV cache), run tokens, read logits, map
// external weights. All of it is lowbit::cpu::compileModel
// (lib/Target/CPU); this tool parses arguments and imports.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Tools/ThreadsOption.h"
#include "lowbit/Codegen/TargetMachine.h"
#include "lowbit/InitAll.h"
#include "lowbit/ModelIR/ImportModelFile.h"
#include "lowbit/Target/CPU/CompileModel.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputPath(cl::Positional,
                                      cl::desc("<model IR or model file>"),
                                      cl::Required);
static cl::opt<std::string> outputPath("o", cl::desc("output object file"),
                                       cl::Required);
static cl::opt<std::string>
    headerPath("emit-header", cl::desc("write a C header here"), cl::init(""));
static cl::opt<std::string>
    quantize("quantize",
             cl::desc("lowbit-quantize options, e.g. recipe=q4_k_m"),
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

static cl::opt<bool>
    floatPath("float-path",
              cl::desc("f32 kernels even where int8 dot products exist"));
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
static cl::opt<bool>
    kernelReport("kernel-report",
                 cl::desc("print the kernel chosen for each matmul"));

static int fail(const std::string &msg) {
  llvm::errs() << "lowbit-compile: error: " << msg << "\n";
  return 1;
}

int main(int argc, char **argv) {
  if (lowbit::refuseLLVMThreadsOption(argc, argv))
    return 1;
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv, "lowbit-compile: model -> object file + C header\n");
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
    std::string error;
    module = lowbit::model::parseModelIRFile(ctx, inputPath, sourceMgr, error);
    if (!module)
      return fail(error);
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

  if (!headerPath.empty() && !module->lookupSymbol("forward"))
    return fail(inputPath + " has no @forward (a Llama model is needed)");

  // Kernel remarks (--kernel-report) and errors, one line each.
  ScopedDiagnosticHandler diagnostics(&ctx, [](Diagnostic &d) {
    bool remark = d.getSeverity() == DiagnosticSeverity::Remark;
    if (remark && !kernelReport)
      return success();
    llvm::errs() << (remark ? "kernel: " : "lowbit-compile: ") << d.str()
                 << "\n";
    return success();
  });
  lowbit::cpu::CompileOptions options;
  options.quantize = quantize;
  options.floatPath = floatPath;
  options.referenceKernels = referenceKernels;
  options.kernelReport = kernelReport;
  options.weightsThreshold = weightsThreshold;
  options.objectPath = outputPath;
  options.headerPath = headerPath;
  options.weightsPath = weightsPath;
  if (std::string e = lowbit::cpu::compileModel(*module, *tm, options);
      !e.empty())
    return fail(e);
  return 0;
}
