//===- WeightsChecksum.cpp - The C checksum, compiled as C++ --------------===//

#include "lowbit/Target/CPU/WeightsChecksum.h"

namespace lowbit::cpu {

namespace {
#include "WeightsChecksum.inc"
} // namespace

uint64_t weightsChecksum(const uint8_t *data, size_t size) {
  return lowbit_model_checksum(data, size);
}

} // namespace lowbit::cpu
