//===- WeightsChecksum.h - Checksum of an external weights file -*- C++ -*-===//
//
// FNV-1a over little-endian 64-bit words (then the tail bytes): one
// multiply per 8 bytes, fast enough to check gigabytes at start-up. One
// source (lib/Target/CPU/WeightsChecksum.inc, C that is also C++) is
// compiled here and pasted into the generated C header, so the object's
// checksum and the program's check cannot disagree. It detects a wrong or
// damaged file; it is not a cryptographic hash.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_TARGET_CPU_WEIGHTSCHECKSUM_H
#define LOWBIT_TARGET_CPU_WEIGHTSCHECKSUM_H

#include <cstddef>
#include <cstdint>

namespace lowbit::cpu {

uint64_t weightsChecksum(const uint8_t *data, size_t size);

/// The C source of the checksum as the generated header carries it.
const char *weightsChecksumSource();

} // namespace lowbit::cpu

#endif
