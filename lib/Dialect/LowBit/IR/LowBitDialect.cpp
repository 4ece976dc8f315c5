//===- LowBitDialect.cpp - Dialect registration ---------------------------===//

#include "lowbit/Dialect/LowBit/IR/LowBit.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Transforms/InliningUtils.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lowbit;

#include "lowbit/Dialect/LowBit/IR/LowBitDialect.cpp.inc"
#include "lowbit/Dialect/LowBit/IR/LowBitEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.cpp.inc"

namespace {
/// lowbit ops have no regions and nothing tied to their function: helpers
/// holding them (a model's per-weight functions) inline like any other.
struct LowBitInlinerInterface : public DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;
  bool isLegalToInline(Operation *, Region *, bool, IRMapping &) const final {
    return true;
  }
};
} // namespace

void LowBitDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "lowbit/Dialect/LowBit/IR/LowBitOps.cpp.inc"
      >();
  addInterfaces<LowBitInlinerInterface>();
  // Bufferization comes from lowbit/Dialect/LowBit/Transforms
  // (registerBufferizableOpInterfaceExternalModels).
  declarePromisedInterface<mlir::bufferization::BufferizableOpInterface,
                           KernelMatmulOp>();
}
