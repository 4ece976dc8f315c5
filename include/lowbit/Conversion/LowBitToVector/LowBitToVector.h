//===- LowBitToVector.h - Vector kernels for lowbit matmuls -----*- C++ -*-===//
#ifndef LOWBIT_CONVERSION_LOWBITTOVECTOR_H
#define LOWBIT_CONVERSION_LOWBITTOVECTOR_H

#include "mlir/Pass/Pass.h"

namespace lowbit {
#define GEN_PASS_DECL_CONVERTLOWBITTOVECTORPASS
#define GEN_PASS_DECL_LOWBITEMITKERNELSPASS
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit

#endif
