//===- SharedLibraryModel.cpp - dlopen a compiled model -------------------===//

#include "lowbit/Run/SharedLibraryModel.h"
#include "lowbit/Model/MappedFile.h"

#include "lowbit/Target/CPU/ModelABI.h"
#include "lowbit/Target/CPU/WeightsChecksum.h"

#include <dlfcn.h>
#include <unistd.h>

namespace lowbit {

/// The library's ABI symbol `s` (ModelABI.def), typed; null when absent.
template <typename T> static T *abiSymbol(void *handle, cpu::AbiSymbol s) {
  return static_cast<T *>(dlsym(handle, cpu::abiName(s)));
}

std::string SharedLibraryModel::mapWeights(const std::string &weightsPath) {
  auto *size = abiSymbol<const uint64_t>(handle_, cpu::AbiSymbol::WeightsSize);
  if (!size)
    return weightsPath.empty() ? ""
                               : "--weights " + weightsPath + ": " + path_ +
                                     " keeps its weights inside";
  auto *checksum =
      abiSymbol<const uint64_t>(handle_, cpu::AbiSymbol::WeightsChecksum);
  auto *count = abiSymbol<const uint64_t>(handle_, cpu::AbiSymbol::WeightCount);
  auto *offsets =
      abiSymbol<const uint64_t>(handle_, cpu::AbiSymbol::WeightOffsets);
  auto *name = abiSymbol<const char>(handle_, cpu::AbiSymbol::WeightsName);
  auto **slots = abiSymbol<const void *>(handle_, cpu::AbiSymbol::WeightSlots);
  if (!checksum || !count || !offsets || !name || !slots)
    return path_ + ": incomplete external-weights information";
  std::string file = weightsPath;
  if (file.empty()) {
    size_t slash = path_.find_last_of('/');
    file =
        (slash == std::string::npos ? "" : path_.substr(0, slash + 1)) + name;
  }
  if (std::string err = weights_.open(file); !err.empty())
    return err;
  if (weights_.size() != *size)
    return file + ": size " + std::to_string(weights_.size()) +
           " differs from the compiled model's " + std::to_string(*size);
  if (cpu::weightsChecksum(weights_.data(), weights_.size()) != *checksum)
    return file + ": checksum differs: not the weights " + path_ +
           " was compiled with";
  for (uint64_t i = 0; i < *count; ++i)
    slots[i] = weights_.data() + offsets[i];
  return "";
}

std::string SharedLibraryModel::load(const std::string &path,
                                     const std::string &weightsPath) {
  path_ = path;
  // RTLD_LOCAL: a reference model in another library keeps its own symbols.
  // A path on the command line is a file path: a bare name must not send
  // dlopen through the library search path.
  std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  // dlopen would block on a FIFO: the one check every reader makes.
  std::string notAFile;
  int fd = model::openRegularFile(file, notAFile);
  if (fd < 0)
    return "cannot load " + notAFile;
  ::close(fd);
  handle_ = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_)
    return std::string("cannot load ") + dlerror();
  std::string missing;
  auto symbol = [&](const char *name) -> void * {
    void *p = dlsym(handle_, name);
    if (!p && missing.empty())
      missing = name;
    return p;
  };
  auto forward = reinterpret_cast<ForwardFn>(
      symbol(cpu::abiName(cpu::AbiSymbol::Forward)));
  auto forwardBatch = reinterpret_cast<ForwardBatchFn>(
      symbol(cpu::abiName(cpu::AbiSymbol::ForwardBatch)));
  auto *dims =
      static_cast<const int64_t *>(symbol(cpu::abiName(cpu::AbiSymbol::Dims)));
  if (!missing.empty())
    return path + " is not a lowbit-compiled model (no " + missing + ")";
  int64_t layers = dims[0], context = dims[1], kvDim = dims[2], vocab = dims[3];
  if (layers <= 0 || context <= 0 || kvDim <= 0 || vocab <= 0)
    return path + ": inconsistent model dimensions";
  // The tokenizer is optional (models imported without one).
  std::optional<model::Tokenizer> tokenizer;
  auto *special =
      abiSymbol<const int32_t>(handle_, cpu::AbiSymbol::SpecialTokens);
  auto *offsets =
      abiSymbol<const uint32_t>(handle_, cpu::AbiSymbol::TokenOffsets);
  auto *text = abiSymbol<const char>(handle_, cpu::AbiSymbol::TokenText);
  auto *scores = abiSymbol<const float>(handle_, cpu::AbiSymbol::TokenScores);
  if (special && offsets && text && scores) {
    if (offsets[0] != 0)
      return path + ": inconsistent token table";
    std::vector<std::string> tokens;
    for (int64_t i = 0; i < vocab; ++i) {
      if (offsets[i + 1] < offsets[i])
        return path + ": inconsistent token table";
      tokens.emplace_back(text + offsets[i], offsets[i + 1] - offsets[i]);
    }
    tokenizer.emplace(std::move(tokens),
                      std::vector<float>(scores, scores + vocab), special[0],
                      special[1]);
  }
  if (std::string err = mapWeights(weightsPath); !err.empty())
    return err;
  bind(forward, forwardBatch, layers, context, kvDim, vocab,
       std::move(tokenizer));
  return "";
}

} // namespace lowbit
