//===- ImportModelFile.h - Any model file -> model IR, one entry --*- C++
//-*-===//
//
// The one way tools turn a model file into model IR: the format is told by
// content (GGUF magic, a safetensors JSON header, else a llama2.c
// checkpoint), the reader validates every byte it uses, and the built IR is
// verified. The readers' mappings back the IR's weight blobs, so the result
// owns them: keep it alive as long as the module.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_MODELIR_IMPORTMODELFILE_H
#define LOWBIT_MODELIR_IMPORTMODELFILE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <string>

namespace lowbit::model {

enum class ModelFileFormat { Gguf, Safetensors, Llama2C };

/// The format of the file at `path`, by its first bytes. Files that cannot
/// be read are reported as llama2.c (whose reader then says why).
ModelFileFormat detectModelFileFormat(const std::string &path);

/// The longest context a model IR's forward pass may have (its KV cache is
/// allocated whole).
constexpr int64_t kMaxContext = int64_t(1) << 20;

struct ImportOptions {
  /// Hugging Face config.json of a safetensors checkpoint ("" = the one
  /// beside it).
  std::string configPath;
  /// llama2.c-format tokenizer ("" = for llama2.c checkpoints tokenizer.bin
  /// or tok<vocab>.bin beside them, if present).
  std::string tokenizerPath;
  /// KV cache length of the forward pass (0 = the model's).
  int64_t context = 0;
};

class ImportedModel {
public:
  ImportedModel();
  ~ImportedModel();
  ImportedModel(ImportedModel &&);
  ImportedModel &operator=(ImportedModel &&);

  mlir::OwningOpRef<mlir::ModuleOp> module;

private:
  friend std::string importModelFile(mlir::MLIRContext &, const std::string &,
                                     const ImportOptions &, ImportedModel &);
  struct Sources;
  std::unique_ptr<Sources> sources; ///< readers and what the IR points into
};

/// Parses model IR (.mlir text or .mlirbc bytecode) at `path`, which must
/// be a regular file (a FIFO is refused, not waited on). `sourceMgr` owns
/// the buffer and must outlive the module. Null with `error` set.
mlir::OwningOpRef<mlir::ModuleOp> parseModelIRFile(mlir::MLIRContext &ctx,
                                                   const std::string &path,
                                                   llvm::SourceMgr &sourceMgr,
                                                   std::string &error);

/// Imports the model file at `path`; returns "" or why it cannot (one
/// line naming the file and what is wrong).
std::string importModelFile(mlir::MLIRContext &ctx, const std::string &path,
                            const ImportOptions &options, ImportedModel &out);

} // namespace lowbit::model

#endif
