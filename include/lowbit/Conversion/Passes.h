//===- Passes.h - All lowbit lowerings --------------------------*- C++ -*-===//
#ifndef LOWBIT_CONVERSION_PASSES_H
#define LOWBIT_CONVERSION_PASSES_H

#include "lowbit/Conversion/LowBitToLinalg/LowBitToLinalg.h"
#include "lowbit/Conversion/LowBitToVector/LowBitToVector.h"

namespace lowbit {
#define GEN_PASS_REGISTRATION
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit

#endif
