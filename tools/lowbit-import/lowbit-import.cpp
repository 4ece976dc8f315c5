//===- lowbit-import.cpp - Model file -> model IR
//---------------------------===//
//
// Reads a GGUF file (v2/v3), a safetensors checkpoint (+ config.json) or a
// llama2.c checkpoint, told apart by content (lowbit::model::importModelFile),
// and writes model IR (bytecode by default, --emit-text for text).
//
//===----------------------------------------------------------------------===//

#include "lowbit/Tools/ThreadsOption.h"
#include "lowbit/Calibration/Passes.h"
#include "lowbit/ModelIR/ImportModelFile.h"
#include "mlir/Pass/PassManager.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string>
    inputPath(cl::Positional,
              cl::desc("<model file: .gguf, .safetensors or llama2.c .bin>"),
              cl::Required);
static cl::opt<std::string> outputPath("o", cl::desc("output file"),
                                       cl::value_desc("path"), cl::init("-"));
static cl::opt<std::string> configPath(
    "config",
    cl::desc("Hugging Face config.json (default: beside the safetensors)"),
    cl::value_desc("path"), cl::init(""));
static cl::opt<std::string> tokenizerPath(
    "tokenizer",
    cl::desc("llama2.c-format tokenizer (default for llama2.c checkpoints: "
             "tokenizer.bin or tok<vocab>.bin beside them, if present)"),
    cl::value_desc("path"), cl::init(""));
static cl::opt<int64_t> contextLength(
    "context",
    cl::desc("KV cache length of the forward pass (default: the model's)"),
    cl::init(0));
static cl::opt<std::string> calibrationPath(
    "calibration",
    cl::desc("calibration file (llama.cpp imatrix GGUF or lowbit-run "
             "calibrate) to attach as lowbit.importance "
             "(lowbit-attach-importance)"),
    cl::value_desc("path"), cl::init(""));
static cl::opt<bool> emitText("emit-text",
                              cl::desc("write textual IR instead of bytecode"),
                              cl::init(false));

static int fail(const std::string &msg) {
  llvm::errs() << "lowbit-import: error: " << msg << "\n";
  return 1;
}

int main(int argc, char **argv) {
  if (lowbit::refuseLLVMThreadsOption(argc, argv))
    return 1;
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv, "lowbit-import: model file (GGUF, llama2.c) -> model IR\n");

  lowbit::model::ImportOptions options;
  options.configPath = configPath;
  options.tokenizerPath = tokenizerPath;
  options.context = contextLength;
  MLIRContext ctx;
  lowbit::model::ImportedModel model;
  if (std::string err =
          lowbit::model::importModelFile(ctx, inputPath, options, model);
      !err.empty())
    return fail(err);
  OwningOpRef<ModuleOp> &module = model.module;
  if (!calibrationPath.empty()) {
    PassManager pm(&ctx);
    lowbit::LowBitAttachImportancePassOptions attach;
    attach.file = calibrationPath;
    pm.addPass(lowbit::createLowBitAttachImportancePass(attach));
    if (failed(pm.run(*module)))
      return 1; // the pass said why
  }
  std::string errorMessage;
  auto out = openOutputFile(outputPath, &errorMessage);
  if (!out)
    return fail(errorMessage);
  if (emitText)
    module->print(out->os());
  else if (failed(writeBytecodeToFile(*module, out->os())))
    return fail("cannot write bytecode");
  out->keep();
  return 0;
}
