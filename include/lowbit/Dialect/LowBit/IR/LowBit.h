//===- LowBit.h - The lowbit dialect, attributes and ops --------*- C++ -*-===//
#ifndef LOWBIT_DIALECT_LOWBIT_IR_LOWBIT_H
#define LOWBIT_DIALECT_LOWBIT_IR_LOWBIT_H

#include "lowbit/Codegen/KernelLayout.h"
#include "lowbit/Codegen/Targets.h"
#include "lowbit/Quant/Scheme.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "lowbit/Dialect/LowBit/IR/LowBitEnums.h.inc"

namespace lowbit {
/// `true` or `false` (flags of #lowbit.kernel_layout).
mlir::FailureOr<bool> parseFlag(mlir::AsmParser &parser);
/// A keyword that `fromKeyword` knows (kinds of #lowbit.target).
template <typename KindT>
mlir::FailureOr<KindT>
parseKind(mlir::AsmParser &parser,
          std::optional<KindT> (*fromKeyword)(llvm::StringRef)) {
  llvm::SMLoc loc = parser.getCurrentLocation();
  std::string keyword;
  if (failed(parser.parseKeywordOrString(&keyword)))
    return mlir::failure();
  if (std::optional<KindT> kind = fromKeyword(keyword))
    return *kind;
  return parser.emitError(loc, "unknown kind '") << keyword << "'";
}
} // namespace lowbit

#define GET_ATTRDEF_CLASSES
#include "lowbit/Dialect/LowBit/IR/LowBitAttrs.h.inc"

// After the attributes: the dialect's discardable-attribute helpers return
// them by value.
#include "lowbit/Dialect/LowBit/IR/LowBitDialect.h.inc"

namespace lowbit {
/// The lowbit dialect of `op`'s context (loaded if it was not), whose
/// helpers read and write lowbit's discardable attributes:
///   lowbit::dialect(op).getNameAttrHelper().getAttr(op)
inline LowBitDialect &dialect(mlir::Operation *op) {
  return *op->getContext()->getOrLoadDialect<LowBitDialect>();
}
} // namespace lowbit

#define GET_OP_CLASSES
#include "lowbit/Dialect/LowBit/IR/LowBitOps.h.inc"

#endif // LOWBIT_DIALECT_LOWBIT_IR_LOWBIT_H
