//===- MappedFile.cpp - mmap wrapper --------------------------------------===//

#include "lowbit/Model/MappedFile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lowbit::model {

MappedFile::~MappedFile() {
  if (data_ && size_)
    munmap(const_cast<uint8_t *>(data_), size_);
}

std::string MappedFile::open(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0)
    return path + ": cannot open: " + std::strerror(errno);
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return path + ": not a regular file";
  }
  size_ = size_t(st.st_size);
  if (size_ == 0) {
    ::close(fd);
    return path + ": empty file";
  }
  void *p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) {
    size_ = 0;
    return path + ": cannot map: " + std::strerror(errno);
  }
  data_ = static_cast<const uint8_t *>(p);
  return "";
}

} // namespace lowbit::model
