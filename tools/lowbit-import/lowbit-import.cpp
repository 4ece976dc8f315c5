//===- lowbit-import.cpp - Model file -> model IR ---------------------------===//
//
// Reads a GGUF file (v2/v3) or a llama2.c checkpoint, chosen by content,
// and writes model IR (bytecode by default, --emit-text for text).
//
//===----------------------------------------------------------------------===//

#include "lowbit/Model/Gguf.h"
#include "lowbit/Model/Llama2C.h"
#include "lowbit/Model/ModelIR.h"
#include "lowbit/Model/Safetensors.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"

#include <fstream>

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputPath(cl::Positional,
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
static cl::opt<bool> emitText("emit-text",
                              cl::desc("write textual IR instead of bytecode"),
                              cl::init(false));

static int fail(const std::string &msg) {
  llvm::errs() << "lowbit-import: error: " << msg << "\n";
  return 1;
}

static bool looksLikeGguf(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in && std::string(magic, 4) == "GGUF";
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv, "lowbit-import: model file (GGUF, llama2.c) -> model IR\n");

  // Readers own the mappings the IR's blobs point into: keep them alive.
  lowbit::model::GgufFile gguf;
  lowbit::model::Llama2CModel llama2c;
  lowbit::model::SafetensorsFile safetensors;
  lowbit::model::ModelDescription model;
  std::string err;
  if (llvm::StringRef(inputPath).ends_with(".safetensors")) {
    std::string config = configPath;
    if (config.empty()) {
      llvm::SmallString<256> p(inputPath);
      llvm::sys::path::remove_filename(p);
      llvm::sys::path::append(p, "config.json");
      config = std::string(p);
    }
    lowbit::model::HfLlamaConfig hf;
    err = lowbit::model::readHfLlamaConfig(config, hf);
    if (err.empty())
      err = safetensors.open(inputPath);
    if (err.empty())
      err = lowbit::model::describeModel(safetensors, hf, tokenizerPath, model);
  } else if (looksLikeGguf(inputPath)) {
    err = gguf.open(inputPath);
    if (err.empty())
      model = lowbit::model::describeModel(gguf, err);
  } else {
    err = llama2c.open(inputPath);
    if (err.empty()) {
      std::string tokenizer = tokenizerPath;
      if (tokenizer.empty())
        tokenizer = lowbit::model::findLlama2CTokenizer(
            inputPath, llama2c.config().vocabSize);
      err = lowbit::model::describeModel(llama2c, tokenizer, model);
    }
  }
  if (!err.empty())
    return fail(err);

  if (contextLength > 0 && model.llama)
    model.llama->context = contextLength;
  MLIRContext ctx;
  OwningOpRef<ModuleOp> module = lowbit::model::buildModelIR(ctx, model, err);
  if (!module)
    return fail(err);
  if (failed(verify(*module)))
    return fail("internal error: the built IR does not verify");
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
