//===- LowBitOps.cpp - Verifiers of lowbit ops ----------------------------===//

#include "lowbit/Dialect/LowBit/IR/LowBit.h"
#include "lowbit/Dialect/LowBit/IR/ConstantData.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"

#include <cstring>

using namespace mlir;
using namespace lowbit;

/// Checks that `packed` holds rows of `rowLength` weights in `scheme`.
static LogicalResult verifyPacked(Operation *op, RankedTensorType packed,
                                  SchemeAttr scheme, int64_t rowLength) {
  if (!packed.getElementType().isInteger(8))
    return op->emitOpError("packed weights must be i8 bytes, got ")
           << packed.getElementType();
  if (packed.getRank() != 2 && packed.getRank() != 3)
    return op->emitOpError("packed weights must be [N, bytes] or "
                           "[B, N, bytes], got rank ")
           << packed.getRank();
  if (rowLength <= 0 || rowLength > (int64_t(1) << 31))
    return op->emitOpError("row length must be in [1, 2^31], got ")
           << rowLength;
  size_t expected = scheme.rowBytes(unsigned(rowLength));
  if (packed.getShape().back() != int64_t(expected))
    return op->emitOpError("a row of ")
           << rowLength << " weights in " << scheme << " takes " << expected
           << " bytes, but packed rows have " << packed.getShape().back();
  return success();
}

LogicalResult DequantizeOp::verify() {
  auto packed = cast<RankedTensorType>(getPacked().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  if (!result.getElementType().isF32())
    return emitOpError("result must be f32, got ") << result.getElementType();
  if (result.getRank() != packed.getRank())
    return emitOpError("result rank ")
           << result.getRank() << " must equal packed rank "
           << packed.getRank();
  if (result.getShape().drop_back() != packed.getShape().drop_back())
    return emitOpError("result rows ")
           << result.getShape().drop_back() << " must match packed rows "
           << packed.getShape().drop_back();
  return verifyPacked(*this, packed, getScheme(), result.getShape().back());
}

namespace {

/// extract_slice(dequantize(p)) of whole rows -> dequantize(extract_slice(p)):
/// rows decode independently, so an embedding lookup decodes one row, not
/// the table.
struct SliceRowsBeforeDequantize
    : public OpRewritePattern<tensor::ExtractSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::ExtractSliceOp slice,
                                PatternRewriter &rewriter) const override {
    auto dq = slice.getSource().getDefiningOp<DequantizeOp>();
    RankedTensorType source = slice.getSourceType();
    // Whole rows only: column offset 0, every column, unit strides, no
    // rank reduction.
    if (!dq || source.getRank() != 2 || slice.getType().getRank() != 2 ||
        !slice.hasUnitStride() || slice.getStaticOffsets()[1] != 0 ||
        slice.getStaticSizes()[1] != source.getDimSize(1))
      return rewriter.notifyMatchFailure(slice, "not a slice of whole rows");
    auto packedType = cast<RankedTensorType>(dq.getPacked().getType());
    SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
    sizes[1] = rewriter.getIndexAttr(packedType.getDimSize(1));
    Value rows = tensor::ExtractSliceOp::create(
        rewriter, slice.getLoc(), dq.getPacked(), slice.getMixedOffsets(),
        sizes, slice.getMixedStrides());
    rewriter.replaceOpWithNewOp<DequantizeOp>(slice, slice.getType(), rows,
                                              dq.getScheme());
    return success();
  }
};

} // namespace

void DequantizeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                               MLIRContext *context) {
  patterns.add<SliceRowsBeforeDequantize>(context);
}

/// The result of a matmul-like op is the input's shape with K replaced by
/// N: `expected`.
static LogicalResult verifyResultShape(Operation *op, RankedTensorType result,
                                       ArrayRef<int64_t> expected) {
  if (result.getShape() != expected)
    return op->emitOpError("result shape must be [")
           << expected << "], got [" << result.getShape() << "]";
  return success();
}

/// The f32 activations [..., K] and result of a matmul-like op.
static LogicalResult verifyActivations(Operation *op, RankedTensorType input,
                                       RankedTensorType result) {
  if (!input.getElementType().isF32() || !result.getElementType().isF32())
    return op->emitOpError("input and result must be f32");
  if (input.getRank() < 1)
    return op->emitOpError("input must have rank >= 1");
  // Only the rows (tokens) may be dynamic: one op serves any batch.
  for (RankedTensorType t : {input, result})
    for (int64_t d = 1; d < t.getRank(); ++d)
      if (t.isDynamicDim(d))
        return op->emitOpError("only the leading (token) dimension may be "
                               "dynamic, got ")
               << t;
  if (input.getRank() == 1 && input.isDynamicDim(0))
    return op->emitOpError("a rank-1 input is one row of K: it must be "
                           "static");
  return success();
}

LogicalResult MatmulOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto packed = cast<RankedTensorType>(getPacked().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  if (failed(verifyActivations(*this, input, result)))
    return failure();
  if (failed(verifyPacked(*this, packed, getScheme(), input.getShape().back())))
    return failure();
  int64_t n = packed.getShape()[packed.getRank() - 2];
  SmallVector<int64_t> expected(input.getShape().drop_back());
  expected.push_back(n);
  if (packed.getRank() == 3) {
    if (input.getRank() != 3)
      return emitOpError("batched weights [B, N, bytes] need a [B, M, K] "
                         "input, got rank ")
             << input.getRank();
    if (input.getShape()[0] != packed.getShape()[0])
      return emitOpError("input batch ")
             << input.getShape()[0] << " must equal weight batch "
             << packed.getShape()[0];
  }
  return verifyResultShape(*this, result, expected);
}

LogicalResult ColumnMatmulOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto weight = cast<RankedTensorType>(getWeight().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  if (!input.getElementType().isF32() || !result.getElementType().isF32())
    return emitOpError("input and result must be f32");
  Type w = weight.getElementType();
  if (!w.isF32() && !w.isF16() && !w.isBF16())
    return emitOpError("weight must be f32, f16 or bf16, got ") << w;
  if (input.getRank() < 1 || weight.getRank() != 2)
    return emitOpError("needs an input of rank >= 1 and a 2-D [N, C] weight");
  ArrayRef<int64_t> columns = getColumns();
  if (int64_t(columns.size()) != weight.getDimSize(1))
    return emitOpError("has ")
           << columns.size() << " columns but the weight has "
           << weight.getDimSize(1);
  int64_t k = input.getShape().back();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] < 0 || columns[i] >= k)
      return emitOpError("column ")
             << columns[i] << " is outside the input's " << k << " columns";
    if (i && columns[i] <= columns[i - 1])
      return emitOpError("columns must be strictly increasing (sorted, no "
                         "duplicates): ")
             << columns[i - 1] << " then " << columns[i];
  }
  SmallVector<int64_t> expected(input.getShape().drop_back());
  expected.push_back(weight.getDimSize(0));
  return verifyResultShape(*this, result, expected);
}

/// The types of a CSR side matrix: 1-D values (f16, bf16, f32) and columns
/// (i16, i32) of one length, N + 1 i32 offsets.
static LogicalResult verifyCsrTypes(Operation *op, ShapedType values,
                                    ShapedType columns, ShapedType offsets) {
  Type v = values.getElementType();
  if (values.getRank() != 1 || !(v.isF16() || v.isBF16() || v.isF32()))
    return op->emitOpError("values must be 1-D f16, bf16 or f32, got ")
           << values;
  if (columns.getRank() != 1 || !(columns.getElementType().isInteger(16) ||
                                  columns.getElementType().isInteger(32)))
    return op->emitOpError("columns must be 1-D i16 or i32, got ") << columns;
  if (columns.getDimSize(0) != values.getDimSize(0))
    return op->emitOpError("has ")
           << values.getDimSize(0) << " values but " << columns.getDimSize(0)
           << " columns";
  if (offsets.getRank() != 1 || !offsets.getElementType().isInteger(32) ||
      offsets.getDimSize(0) < 1)
    return op->emitOpError("offsets must be 1-D i32 with N + 1 >= 1 values, "
                           "got ")
           << offsets;
  if (values.getDimSize(0) >= (int64_t(1) << 31))
    return op->emitOpError("holds ")
           << values.getDimSize(0) << " values; i32 offsets reach 2^31 - 1";
  return success();
}

/// Element i of constant integer data (a splat repeats element 0), read as
/// unsigned for i16 and as signed for i32.
static int64_t elementAt(const ConstantData &d, unsigned width, int64_t i) {
  int64_t at = d.splat ? 0 : i;
  if (width == 16) {
    uint16_t v;
    std::memcpy(&v, d.bytes.data() + at * 2, 2);
    return v;
  }
  int32_t v;
  std::memcpy(&v, d.bytes.data() + at * 4, 4);
  return v;
}

LogicalResult SparseMatmulOp::verify() {
  auto input = cast<RankedTensorType>(getInput().getType());
  auto values = cast<RankedTensorType>(getValues().getType());
  auto columns = cast<RankedTensorType>(getColumns().getType());
  auto offsets = cast<RankedTensorType>(getOffsets().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  if (failed(verifyActivations(*this, input, result)))
    return failure();
  if (failed(verifyCsrTypes(*this, values, columns, offsets)))
    return failure();
  int64_t n = offsets.getDimSize(0) - 1, nnz = values.getDimSize(0);
  int64_t k = input.getShape().back();
  SmallVector<int64_t> expected(input.getShape().drop_back());
  expected.push_back(n);
  if (failed(verifyResultShape(*this, result, expected)))
    return failure();

  // Constant CSR data: the structure the kernels rely on.
  Attribute offsetAttr, columnAttr;
  std::optional<ConstantData> off, col;
  if (matchPattern(getOffsets(), m_Constant(&offsetAttr)))
    off = constantData(offsetAttr);
  if (matchPattern(getColumns(), m_Constant(&columnAttr)))
    col = constantData(columnAttr);
  if (!off)
    return success();
  if (elementAt(*off, 32, 0) != 0)
    return emitOpError("offsets must start at 0, got ")
           << elementAt(*off, 32, 0);
  for (int64_t r = 0; r < n; ++r)
    if (elementAt(*off, 32, r + 1) < elementAt(*off, 32, r))
      return emitOpError("offsets must be nondecreasing: row ")
             << r << " spans [" << elementAt(*off, 32, r) << ", "
             << elementAt(*off, 32, r + 1) << ")";
  if (elementAt(*off, 32, n) != nnz)
    return emitOpError("the last offset must be the number of values, ")
           << nnz << ", got " << elementAt(*off, 32, n);
  if (!col)
    return success();
  unsigned width = columns.getElementType().getIntOrFloatBitWidth();
  for (int64_t r = 0; r < n; ++r)
    for (int64_t p = elementAt(*off, 32, r); p < elementAt(*off, 32, r + 1);
         ++p) {
      int64_t c = elementAt(*col, width, p);
      if (c < 0 || c >= k)
        return emitOpError("row ") << r << " has column " << c
                                   << " outside the input's " << k
                                   << " columns";
      if (p > elementAt(*off, 32, r) && c <= elementAt(*col, width, p - 1))
        return emitOpError("row ")
               << r << ": columns must be strictly increasing (sorted, no "
               << "duplicates): " << elementAt(*col, width, p - 1)
               << " then " << c;
    }
  return success();
}

/// A kernel op's form: operands all tensors (one result, the init's type)
/// or all memrefs (no result), every shape static but the rows (tokens) of
/// the input and init.
static LogicalResult verifyKernelForm(Operation *op) {
  SmallVector<ShapedType> all;
  for (Value v : op->getOperands())
    all.push_back(cast<ShapedType>(v.getType()));
  bool tensors = llvm::all_of(
      all, [](ShapedType t) { return isa<RankedTensorType>(t); });
  bool buffers =
      llvm::all_of(all, [](ShapedType t) { return isa<MemRefType>(t); });
  if (!tensors && !buffers)
    return op->emitOpError("operands must be all ranked tensors or all "
                           "memrefs");
  Type init = cast<DestinationStyleOpInterface>(op).getDpsInits()[0].getType();
  if (tensors != (op->getNumResults() == 1) ||
      (tensors && op->getResult(0).getType() != init))
    return op->emitOpError(tensors ? "on tensors returns one result of the "
                                     "init's type"
                                   : "on memrefs returns nothing");
  // Rows (tokens) of the input and init may be dynamic, nothing else.
  auto staticBut = [](ShapedType t, int64_t free) {
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (t.isDynamicDim(d) && d != free)
        return false;
    return true;
  };
  for (auto [i, t] : llvm::enumerate(all))
    if (!staticBut(t, i == 0 || i + 1 == all.size() ? 0 : -1))
      return op->emitOpError("shapes must be static but for the rows of the "
                             "input and init");
  return success();
}

LogicalResult KernelSparseMatmulOp::verify() {
  auto input = cast<ShapedType>(getInput().getType());
  auto init = cast<ShapedType>(getInit().getType());
  auto offsets = cast<ShapedType>(getOffsets().getType());
  if (failed(verifyKernelForm(*this)) ||
      failed(verifyCsrTypes(*this, cast<ShapedType>(getValues().getType()),
                            cast<ShapedType>(getColumns().getType()),
                            offsets)))
    return failure();
  if (input.getRank() != 2 || !input.getElementType().isF32() ||
      init.getRank() != 2 || !init.getElementType().isF32() ||
      init.getDimSize(0) != input.getDimSize(0) ||
      init.getDimSize(1) != offsets.getDimSize(0) - 1)
    return emitOpError("input must be T x K f32 and init T x N f32 with "
                       "N + 1 offsets, got ")
           << input << " and " << init;
  return success();
}

void KernelSparseMatmulOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  for (OpOperand *in : {&getInputMutable(), &getValuesMutable(),
                        &getColumnsMutable(), &getOffsetsMutable()})
    if (isa<MemRefType>(in->get().getType()))
      effects.emplace_back(MemoryEffects::Read::get(), in,
                           SideEffects::DefaultResource::get());
  if (isa<MemRefType>(getInit().getType()))
    effects.emplace_back(MemoryEffects::Write::get(), &getInitMutable(),
                         SideEffects::DefaultResource::get());
}

LogicalResult KernelMatmulOp::verify() {
  auto input = cast<ShapedType>(getInput().getType());
  auto weight = cast<ShapedType>(getWeight().getType());
  auto init = cast<ShapedType>(getInit().getType());
  if (failed(verifyKernelForm(*this)))
    return failure();
  codegen::KernelLayout l = getLayout().toKernelLayout();
  if (input.getRank() != 2 || !input.getElementType().isF32() ||
      input.getDimSize(1) != int64_t(l.cols) ||
      (!input.isDynamicDim(0) && input.getDimSize(0) < 1))
    return emitOpError("input must be T x ")
           << l.cols << " f32 with T >= 1, got " << input;
  if (weight.getRank() != 1 || !weight.getElementType().isInteger(8) ||
      weight.getDimSize(0) != int64_t(l.totalBytes()))
    return emitOpError("the layout takes ")
           << l.totalBytes() << " bytes (1-D i8), got " << weight;
  if (init.getRank() != 2 || !init.getElementType().isF32() ||
      init.getDimSize(0) != input.getDimSize(0) ||
      init.getDimSize(1) != int64_t(l.paddedRows()))
    return emitOpError("init must be ")
           << input.getDimSize(0) << " x " << l.paddedRows()
           << " f32 (rows padded to whole row groups), got " << init;
  if (l.quad && getFloatPath())
    return emitOpError("k-quad layouts run only on int8 dot products, not "
                       "the float path");
  if (!getFloatPath() && !codegen::supportsIntegerDot(l))
    return emitOpError("a float codebook runs only on the float path");
  return success();
}

void KernelMatmulOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  // Only the memref form touches memory: it reads input and weight and
  // writes every element of init.
  for (OpOperand *in : {&getInputMutable(), &getWeightMutable()})
    if (isa<MemRefType>(in->get().getType()))
      effects.emplace_back(MemoryEffects::Read::get(), in,
                           SideEffects::DefaultResource::get());
  if (isa<MemRefType>(getInit().getType()))
    effects.emplace_back(MemoryEffects::Write::get(), &getInitMutable(),
                         SideEffects::DefaultResource::get());
}

#define GET_OP_CLASSES
#include "lowbit/Dialect/LowBit/IR/LowBitOps.cpp.inc"
