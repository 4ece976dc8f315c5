//===- LowBit.h - The lowbit dialect, attributes and ops --------*- C++ -*-===//
#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBIT_H
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBIT_H

#include "lowbit/Quant/Scheme.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "lowbit/Dialect/LowBit/IR/LowBitDialect.h.inc"
#include "lowbit/Dialect/LowBit/IR/LowBitEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.h.inc"

#define GET_OP_CLASSES
#include "lowbit/Dialect/LowBit/IR/LowBitOps.h.inc"

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBIT_H
