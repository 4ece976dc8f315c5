//===- CodegenAttrs.cpp - #lowbit.kernel_layout and #lowbit.target --------===//

#include "lowbit/Dialect/LowBit/IR/LowBit.h"

using namespace mlir;
using namespace lowbit;

FailureOr<bool> lowbit::parseFlag(AsmParser &parser) {
  if (succeeded(parser.parseOptionalKeyword("true")))
    return true;
  if (succeeded(parser.parseOptionalKeyword("false")))
    return false;
  return parser.emitError(parser.getCurrentLocation(),
                          "expected 'true' or 'false'");
}

//===----------------------------------------------------------------------===//
// KernelLayoutAttr
//===----------------------------------------------------------------------===//

static codegen::KernelLayout
makeLayout(unsigned rows, unsigned cols, unsigned group, unsigned rowsPerGroup,
           unsigned vectorBytes, unsigned codeBits, int zeroPoint,
           bool scaleF16, bool hasMin, bool minF16, DenseF32ArrayAttr table,
           DenseI32ArrayAttr lookup, bool quad, unsigned superGroups,
           bool subSigned, bool superF16) {
  codegen::KernelLayout l;
  l.rows = rows;
  l.cols = cols;
  l.group = group;
  l.rowsPerGroup = rowsPerGroup;
  l.vectorBytes = vectorBytes;
  l.codeBits = codeBits;
  l.zeroPoint = zeroPoint;
  l.scaleF16 = scaleF16;
  l.hasMin = hasMin;
  l.minF16 = minF16;
  if (table)
    l.table.assign(table.asArrayRef().begin(), table.asArrayRef().end());
  if (lookup)
    for (int32_t v : lookup.asArrayRef())
      l.lookup.push_back(uint8_t(v));
  l.quad = quad;
  l.superGroups = superGroups;
  l.subSigned = subSigned;
  l.superF16 = superF16;
  return l;
}

LogicalResult KernelLayoutAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, unsigned rows, unsigned cols,
    unsigned group, unsigned rowsPerGroup, unsigned vectorBytes,
    unsigned codeBits, int zeroPoint, bool scaleF16, bool hasMin, bool minF16,
    DenseF32ArrayAttr table, DenseI32ArrayAttr lookup, bool quad,
    unsigned superGroups, bool subSigned, bool superF16) {
  if (lookup)
    for (int32_t v : lookup.asArrayRef())
      if (v < 0 || v > 255)
        return emitError() << "lookup entries must be in [0, 255], got " << v;
  std::string why = codegen::checkLayout(
      makeLayout(rows, cols, group, rowsPerGroup, vectorBytes, codeBits,
                 zeroPoint, scaleF16, hasMin, minF16, table, lookup, quad,
                 superGroups, subSigned, superF16));
  if (!why.empty())
    return emitError() << "invalid kernel layout: " << why;
  return success();
}

codegen::KernelLayout KernelLayoutAttr::toKernelLayout() const {
  return makeLayout(getRows(), getCols(), getGroup(), getRowsPerGroup(),
                    getVectorBytes(), getCodeBits(), getZeroPoint(),
                    getScaleF16(), getHasMin(), getMinF16(), getTable(),
                    getLookup(), getQuad(), getSuperGroups(), getSubSigned(),
                    getSuperF16());
}

KernelLayoutAttr KernelLayoutAttr::get(MLIRContext *ctx,
                                       const codegen::KernelLayout &l) {
  DenseF32ArrayAttr table;
  if (!l.table.empty())
    table = DenseF32ArrayAttr::get(ctx, l.table);
  DenseI32ArrayAttr lookup;
  if (!l.lookup.empty()) {
    SmallVector<int32_t> entries(l.lookup.begin(), l.lookup.end());
    lookup = DenseI32ArrayAttr::get(ctx, entries);
  }
  // Fields the layout does not use keep their defaults, so they are elided.
  bool twoLevel = l.twoLevel();
  return get(ctx, l.rows, l.cols, l.group, l.rowsPerGroup, l.vectorBytes,
             l.codeBits, l.zeroPoint, l.scaleF16, l.hasMin,
             l.hasMin ? l.minF16 : true, table, lookup, l.quad, l.superGroups,
             twoLevel && l.subSigned, twoLevel && l.superF16);
}

//===----------------------------------------------------------------------===//
// TargetAttr
//===----------------------------------------------------------------------===//

LogicalResult TargetAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 StringRef name, unsigned vectorBytes,
                                 codegen::DotKind dot,
                                 codegen::LookupKind lookup,
                                 unsigned rowsPerGroup) {
  const codegen::TargetDesc *desc = codegen::findTarget(name);
  if (!desc)
    return emitError() << "unknown target '" << name
                       << "' (known: " << codegen::targetNames() << ")";
  codegen::KernelTarget given{vectorBytes, dot, lookup, rowsPerGroup};
  const codegen::KernelTarget &want = desc->kernels;
  if (!(given == want))
    return emitError() << "fields do not match the table's '" << name
                       << "': vector_bytes = " << want.vectorBytes
                       << ", dot = " << codegen::dotKindKeyword(want.dot)
                       << ", lookup = "
                       << codegen::lookupKindKeyword(want.lookup)
                       << ", rows_per_group = " << want.rowsPerGroup;
  return success();
}

TargetAttr TargetAttr::lookup(Operation *op) {
  for (; op; op = op->getParentOp())
    if (TargetAttr t = dialect(op).getTargetAttrHelper().getAttr(op))
      return t;
  return {};
}

codegen::KernelTarget TargetAttr::toKernelTarget() const {
  return {getVectorBytes(), getDot(), getLookup(), getRowsPerGroup()};
}

TargetAttr TargetAttr::get(MLIRContext *ctx, const codegen::TargetDesc &d) {
  return get(ctx, d.name, d.kernels.vectorBytes, d.kernels.dot,
             d.kernels.lookup, d.kernels.rowsPerGroup);
}
