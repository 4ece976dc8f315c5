//===- LowBitDialect.cpp - Dialect registration ---------------------------===//

#include "lowbit/Dialect/LowBit/IR/LowBit.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lowbit;

#include "lowbit/Dialect/LowBit/IR/LowBitDialect.cpp.inc"
#include "lowbit/Dialect/LowBit/IR/LowBitEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.cpp.inc"

void LowBitDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "lowbit/Dialect/LowBit/IR/LowBitOps.cpp.inc"
      >();
}
