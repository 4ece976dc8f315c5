//===- ImportModelFile.cpp - Any model file -> model IR, one entry --------===//

#include "lowbit/ModelIR/ImportModelFile.h"
#include "lowbit/Model/Gguf.h"
#include "lowbit/Model/Llama2C.h"
#include "lowbit/Model/MappedFile.h"
#include "lowbit/Model/Safetensors.h"
#include "lowbit/ModelIR/ModelIR.h"

#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Path.h"

#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace lowbit::model {

struct ImportedModel::Sources {
  GgufFile gguf;
  Llama2CModel llama2c;
  SafetensorsFile safetensors;
  ModelDescription description;
};

ImportedModel::ImportedModel() = default;
ImportedModel::~ImportedModel() = default;
ImportedModel::ImportedModel(ImportedModel &&) = default;
ImportedModel &ImportedModel::operator=(ImportedModel &&) = default;

ModelFileFormat detectModelFileFormat(const std::string &path) {
  std::string error;
  int fd = openRegularFile(path, error); // a FIFO must not block here
  unsigned char head[9] = {};
  ssize_t got = fd < 0 ? 0 : ::read(fd, head, sizeof head);
  if (fd >= 0)
    ::close(fd);
  if (got >= 4 && std::memcmp(head, "GGUF", 4) == 0)
    return ModelFileFormat::Gguf;
  // safetensors: a little-endian u64 header length, then the JSON header.
  if (got == 9 && head[8] == '{')
    return ModelFileFormat::Safetensors;
  return ModelFileFormat::Llama2C;
}

static const char *formatName(ModelFileFormat f) {
  switch (f) {
  case ModelFileFormat::Gguf:
    return "GGUF";
  case ModelFileFormat::Safetensors:
    return "safetensors";
  case ModelFileFormat::Llama2C:
    return "llama2.c";
  }
  return "?";
}

mlir::OwningOpRef<mlir::ModuleOp> parseModelIRFile(mlir::MLIRContext &ctx,
                                                   const std::string &path,
                                                   llvm::SourceMgr &sourceMgr,
                                                   std::string &error) {
  int fd = openRegularFile(path, error);
  if (fd < 0)
    return nullptr;
  ::close(fd);
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::parseSourceFile<mlir::ModuleOp>(
      path, sourceMgr, mlir::ParserConfig(&ctx));
  if (!module)
    error = "cannot parse " + path;
  return module;
}

std::string importModelFile(mlir::MLIRContext &ctx, const std::string &path,
                            const ImportOptions &options, ImportedModel &out) {
  if (options.context < 0 || options.context > kMaxContext)
    return "--context must be in [1, " + std::to_string(kMaxContext) +
           "] (0: the model's), got " + std::to_string(options.context);
  auto sources = std::make_unique<ImportedModel::Sources>();
  ModelDescription &model = sources->description;
  ModelFileFormat format = detectModelFileFormat(path);
  // An extension that names another format is a mistake worth one line,
  // not a confusing error from the wrong reader.
  llvm::StringRef ext = llvm::sys::path::extension(path);
  if ((ext == ".gguf" && format != ModelFileFormat::Gguf) ||
      (ext == ".safetensors" && format != ModelFileFormat::Safetensors))
    if (struct stat st; ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode))
      return path + ": named " + ext.str() + " but its content is not " +
             (ext == ".gguf" ? "GGUF (no GGUF magic)"
                             : "safetensors (no JSON header)");
  std::string err;
  switch (format) {
  case ModelFileFormat::Gguf:
    err = sources->gguf.open(path);
    if (err.empty())
      model = describeModel(sources->gguf, err);
    break;
  case ModelFileFormat::Safetensors: {
    std::string config = options.configPath;
    if (config.empty()) {
      llvm::SmallString<256> p(path);
      llvm::sys::path::remove_filename(p);
      llvm::sys::path::append(p, "config.json");
      config = std::string(p);
    }
    HfLlamaConfig hf;
    err = readHfLlamaConfig(config, hf);
    if (err.empty())
      err = sources->safetensors.open(path);
    if (err.empty())
      err =
          describeModel(sources->safetensors, hf, options.tokenizerPath, model);
    break;
  }
  case ModelFileFormat::Llama2C: {
    err = sources->llama2c.open(path);
    if (!err.empty())
      break;
    std::string tokenizer = options.tokenizerPath;
    if (tokenizer.empty())
      tokenizer =
          findLlama2CTokenizer(path, sources->llama2c.config().vocabSize);
    err = describeModel(sources->llama2c, tokenizer, model);
    break;
  }
  }
  if (!err.empty())
    return err;
  if (options.context > 0 && model.llama)
    model.llama->context = options.context;
  if (std::string e = checkModel(model); !e.empty())
    return path + ": " + e;
  if (model.llama) {
    // The KV cache is allocated whole: a context beyond kMaxContext tokens
    // or a cache beyond physical memory cannot run, so refuse it here with
    // the figures instead of failing (or aborting) at run time.
    const LlamaShape &s = *model.llama;
    if (s.context <= 0 || s.context > kMaxContext)
      return path + ": a context of " + std::to_string(s.context) +
             " tokens is outside [1, " + std::to_string(kMaxContext) +
             "]; pass --context";
    if (s.heads > 0 && s.dim > 0 && s.layers > 0 && s.kvHeads > 0) {
      double kvBytes = 2.0 * double(s.layers) * double(s.context) *
                       double(s.dim / s.heads * s.kvHeads) * 4.0;
      double memory =
          double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGE_SIZE));
      if (memory > 0 && kvBytes > memory)
        return path + ": the KV cache for " + std::to_string(s.context) +
               " tokens takes " + std::to_string(uint64_t(kvBytes) >> 20) +
               " MiB, more than this machine's " +
               std::to_string(uint64_t(memory) >> 20) +
               " MiB; pass a smaller --context";
    }
  }
  mlir::OwningOpRef<mlir::ModuleOp> module = buildModelIR(ctx, model, err);
  if (!module)
    return err;
  if (failed(mlir::verify(*module)))
    return "internal error: the IR built from " + path + " (" +
           formatName(format) + ") does not verify";
  out.module = std::move(module);
  out.sources = std::move(sources);
  return "";
}

} // namespace lowbit::model
