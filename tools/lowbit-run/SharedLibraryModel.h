//===- SharedLibraryModel.h - A compiled model loaded with dlopen -*- C++ -*-===//
#ifndef LOWBIT_TOOLS_LOWBIT_RUN_SHAREDLIBRARYMODEL_H
#define LOWBIT_TOOLS_LOWBIT_RUN_SHAREDLIBRARYMODEL_H

#include "RunnableModel.h"

namespace lowbit {

/// A shared library linked from lowbit-compile's object, e.g.
///   clang -shared model.o -o model.so -lmlir_c_runner_utils -lomp
/// Dimensions and tokenizer come from the model-info symbols the object
/// exports (see lowbit-compile's header: lowbit_model_dims and friends).
class SharedLibraryModel : public RunnableModel {
public:
  /// Returns an empty string or an error.
  std::string load(const std::string &path);
  std::string describe() const override { return path_; }

private:
  std::string path_;
  // Never dlclose'd: the OpenMP runtime's threads may still run its code
  // when the process exits.
  void *handle_ = nullptr;
};

} // namespace lowbit

#endif
