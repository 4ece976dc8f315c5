//===- QuantizedLookups.h - Embedding lookups read the quantized table -*- C++ -*-===//
#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_QUANTIZEDLOOKUPS_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_QUANTIZEDLOOKUPS_H

#include "lowbit/Quant/Scheme.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace lowbit {

/// Row lookups under `root` into the weight data `data` that was just
/// quantized into `packed` (the tied embedding table, marked
/// `lowbit.lookup`) read the quantized table from now on, as llama.cpp
/// does, instead of keeping a float copy.
void redirectLookups(mlir::Operation *root, mlir::Attribute data,
                     mlir::arith::ConstantOp packed, const quant::Scheme &s);

} // namespace lowbit

#endif
