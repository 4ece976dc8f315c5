//===- Passes.h - Calibration and importance passes -------------*- C++ -*-===//
#ifndef LOWBIT_CALIBRATION_PASSES_H
#define LOWBIT_CALIBRATION_PASSES_H

#include "lowbit/Dialect/LowBit/IR/LowBit.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace lowbit {
#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "lowbit/Calibration/Passes.h.inc"
} // namespace lowbit

#endif // LOWBIT_CALIBRATION_PASSES_H
