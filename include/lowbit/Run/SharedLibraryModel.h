//===- SharedLibraryModel.h - A compiled model loaded with dlopen -*- C++
//-*-===//
#ifndef LOWBIT_RUN_SHAREDLIBRARYMODEL_H
#define LOWBIT_RUN_SHAREDLIBRARYMODEL_H

#include "lowbit/Run/RunnableModel.h"

#include "lowbit/Model/MappedFile.h"

namespace lowbit {

/// A shared library linked from lowbit-compile's object, e.g.
///   clang -shared model.o -o model.so -lmlir_c_runner_utils -lomp
/// Dimensions and tokenizer come from the model-info symbols the object
/// exports (the model ABI: include/lowbit/Target/CPU/ModelABI.def).
class SharedLibraryModel : public RunnableModel {
public:
  /// Returns an empty string or an error. A model compiled with external
  /// weights maps `weightsPath`, by default the file name the object
  /// records, beside the library; its size and checksum must match.
  std::string load(const std::string &path, const std::string &weightsPath);
  std::string describe() const override { return path_; }

private:
  std::string mapWeights(const std::string &weightsPath);

  std::string path_;
  model::MappedFile weights_;
  // Never dlclose'd: the OpenMP runtime's threads may still run its code
  // when the process exits.
  void *handle_ = nullptr;
};

} // namespace lowbit

#endif
