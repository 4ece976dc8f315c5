//===- WeightsChecksum.h - Checksum of an external weights file -*- C++ -*-===//
//
// FNV-1a over little-endian 64-bit words (then the tail bytes): one
// multiply per 8 bytes, fast enough to check gigabytes at start-up, and
// what lowbit-compile's C header computes too (in C, same definition).
// It detects a wrong or damaged file; it is not a cryptographic hash.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CODEGEN_WEIGHTSCHECKSUM_H
#define LOWBIT_CODEGEN_WEIGHTSCHECKSUM_H

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace lowbit::codegen {

inline uint64_t weightsChecksum(const uint8_t *data, size_t size) {
  const uint64_t prime = 0x100000001b3ULL;
  uint64_t h = 0xcbf29ce484222325ULL;
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t word = 0;
    for (unsigned k = 0; k < 8; ++k)
      word |= uint64_t(data[i + k]) << (8 * k);
    h = (h ^ word) * prime;
  }
  for (; i < size; ++i)
    h = (h ^ data[i]) * prime;
  return h;
}

} // namespace lowbit::codegen

#endif
