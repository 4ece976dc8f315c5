//===- Passes.h - lowbit quantization passes --------------------*- C++ -*-===//
#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_H

#include "lowbit/Dialect/LowBit/IR/LowBit.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace lowbit {
#define GEN_PASS_DECL
#define GEN_PASS_REGISTRATION
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit

#endif // LOWBIT_DIALECT_LOWBIT_TRANSFORMS_PASSES_H
