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

int openRegularFile(const std::string &path, std::string &error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    error = path + ": cannot open: " + std::strerror(errno);
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    error = path + ": not a regular file";
    return -1;
  }
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    ::close(fd);
    error = path + ": cannot read: " + std::strerror(errno);
    return -1;
  }
  return fd;
}

std::string readRegularFile(const std::string &path, std::string &contents,
                            size_t maxBytes) {
  std::string error;
  int fd = openRegularFile(path, error);
  if (fd < 0)
    return error;
  struct stat st;
  if (fstat(fd, &st) != 0 || uint64_t(st.st_size) > maxBytes) {
    ::close(fd);
    return path + ": larger than " + std::to_string(maxBytes) + " bytes";
  }
  contents.resize(size_t(st.st_size));
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::read(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    done += size_t(n);
  }
  ::close(fd);
  contents.resize(done);
  return "";
}

std::string MappedFile::open(const std::string &path) {
  std::string error;
  int fd = openRegularFile(path, error);
  if (fd < 0)
    return error;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    ::close(fd);
    return path + ": cannot stat: " + std::strerror(errno);
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
