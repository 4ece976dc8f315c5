//===- MappedFile.h - Read-only memory-mapped files -------------*- C++ -*-===//
#ifndef LOWBIT_MODEL_MAPPEDFILE_H
#define LOWBIT_MODEL_MAPPEDFILE_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace lowbit::model {

/// A whole file mapped read-only; pages load on demand, so a model is never
/// copied into RAM.
class MappedFile {
public:
  MappedFile() = default;
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;
  ~MappedFile();
  /// Returns an empty string or an error naming the path.
  std::string open(const std::string &path);
  const uint8_t *data() const { return data_; }
  size_t size() const { return size_; }

private:
  const uint8_t *data_ = nullptr;
  size_t size_ = 0;
};

} // namespace lowbit::model

#endif
