//===- MappedFile.h - Read-only memory-mapped files -------------*- C++ -*-===//
#ifndef LOWBIT_MODEL_MAPPEDFILE_H
#define LOWBIT_MODEL_MAPPEDFILE_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace lowbit::model {

/// Opens `path` for reading the one way every reader does: O_NONBLOCK so
/// that a FIFO or device cannot block the open, fstat, refuse anything but
/// a regular file, then blocking reads again. Returns the descriptor, or -1
/// with `error` naming the path.
int openRegularFile(const std::string &path, std::string &error);

/// Reads a whole regular file of at most `maxBytes` (a config, not a
/// model) into `contents`; "" or the error naming the path.
std::string readRegularFile(const std::string &path, std::string &contents,
                            size_t maxBytes);

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
