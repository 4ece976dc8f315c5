//===- ContractionWeight.cpp - Constant weights of linalg contractions ----===//

#include "lowbit/Dialect/LowBit/Transforms/ContractionWeight.h"
#include "lowbit/Dialect/LowBit/IR/ConstantData.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"
#include "lowbit/Quant/Half.h"

#include <cstring>
#include <unistd.h>

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace lowbit {

static bool isFloatConstant(Value v, arith::ConstantOp &out) {
  auto cst = v.getDefiningOp<arith::ConstantOp>();
  if (!cst)
    return false;
  auto type = dyn_cast<RankedTensorType>(cst.getType());
  if (!type || !type.hasStaticShape())
    return false;
  Type e = type.getElementType();
  if (!e.isF32() && !e.isF16() && !e.isBF16())
    return false;
  out = cst;
  return true;
}

std::optional<ContractionWeight> matchContractionWeight(linalg::LinalgOp op,
                                                        std::string &whyNot) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !op.hasPureTensorSemantics() || !linalg::isaContractionOpInterface(op))
    return std::nullopt;
  ContractionWeight w;
  w.op = op;
  arith::ConstantOp c0, c1;
  bool is0 = isFloatConstant(op.getDpsInputs()[0], c0);
  bool is1 = isFloatConstant(op.getDpsInputs()[1], c1);
  if (is0 == is1)
    return std::nullopt; // no weight, or two constants (folding's job)
  w.weightOperand = is0 ? 0 : 1;
  w.weightConstant = is0 ? c0 : c1;
  if (StringAttr name = dialect(w.weightConstant)
                            .getNameAttrHelper()
                            .getAttr(w.weightConstant))
    w.name = name.str();

  auto fail = [&](const std::string &msg) -> std::optional<ContractionWeight> {
    whyNot = msg;
    return std::nullopt;
  };
  // Only the activation rows (M, the token count) may be dynamic: one
  // weight function then serves decode and batched prefill.
  if (!cast<ShapedType>(op->getResult(0).getType()).getElementType().isF32() ||
      !cast<ShapedType>(op.getDpsInputs()[1 - w.weightOperand].getType())
           .getElementType()
           .isF32())
    return fail("activations and results must be f32");
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  for (AffineMap m : maps)
    if (!m.isProjectedPermutation())
      return fail("indexing maps must be projected permutations");
  AffineMap wMap = maps[w.weightOperand], aMap = maps[1 - w.weightOperand],
            oMap = maps[2];
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  auto iterators = op.getIteratorTypesArray();
  for (unsigned d = 0; d < op.getNumLoops(); ++d) {
    bool inW = wMap.isFunctionOfDim(d), inA = aMap.isFunctionOfDim(d),
         inO = oMap.isFunctionOfDim(d);
    bool reduction = iterators[d] == utils::IteratorType::reduction;
    int64_t *slot = nullptr;
    if (reduction && inW && inA && !inO)
      slot = &w.kDim;
    else if (!reduction && inW && inA && inO)
      slot = &w.batchDim;
    else if (!reduction && inW && !inA && inO)
      slot = &w.nDim;
    else if (!reduction && !inW && inA && inO)
      slot = &w.mDim;
    if (!slot)
      return fail("loop dimension " + std::to_string(d) +
                  " is not a batch, row, column or reduction dimension");
    if (*slot != -1)
      return fail("more than one dimension of the same kind (loop " +
                  std::to_string(d) + ")");
    *slot = d;
  }
  if (w.kDim < 0 || w.nDim < 0)
    return fail("the weight needs one reduction and one output dimension");
  for (unsigned d = 0; d < op.getNumLoops(); ++d)
    if (ShapedType::isDynamic(sizes[d]) && int64_t(d) != w.mDim)
      return fail("dynamic shapes are not supported (only the activation "
                  "rows may be dynamic)");
  w.k = sizes[w.kDim];
  w.n = sizes[w.nDim];
  w.m = w.mDim >= 0 ? sizes[w.mDim] : 1;
  w.batch = w.batchDim >= 0 ? sizes[w.batchDim] : 1;
  if (w.k > (int64_t(1) << 31))
    return fail("rows longer than 2^31 weights");
  if (w.name.empty())
    w.name = "weight";
  return w;
}

Value buildFloatContraction(OpBuilder &b, Location loc, Value input,
                            Value weight, RankedTensorType resultType) {
  MLIRContext *ctx = b.getContext();
  unsigned outer = unsigned(resultType.getRank()) - 1;
  unsigned nDim = outer, kDim = outer + 1;
  SmallVector<AffineExpr> in, out;
  for (unsigned d = 0; d < outer; ++d) {
    in.push_back(getAffineDimExpr(d, ctx));
    out.push_back(getAffineDimExpr(d, ctx));
  }
  in.push_back(getAffineDimExpr(kDim, ctx));
  out.push_back(getAffineDimExpr(nDim, ctx));
  SmallVector<AffineExpr> w{getAffineDimExpr(nDim, ctx),
                            getAffineDimExpr(kDim, ctx)};
  SmallVector<AffineMap> maps{AffineMap::get(kDim + 1, 0, in, ctx),
                              AffineMap::get(kDim + 1, 0, w, ctx),
                              AffineMap::get(kDim + 1, 0, out, ctx)};
  SmallVector<utils::IteratorType> iterators(kDim,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  // Dynamic leading dimensions (the token count) are the input's.
  SmallVector<Value> dynamicSizes;
  for (unsigned d = 0; d < outer; ++d)
    if (resultType.isDynamicDim(d))
      dynamicSizes.push_back(tensor::DimOp::create(b, loc, input, d));
  Value init = tensor::EmptyOp::create(b, loc, resultType.getShape(),
                                       b.getF32Type(), dynamicSizes);
  init = linalg::FillOp::create(b, loc, zero, init)->getResult(0);
  bool widen = !cast<RankedTensorType>(weight.getType()).getElementType().isF32();
  return linalg::GenericOp::create(
             b, loc, resultType, ValueRange{input, weight}, ValueRange{init},
             maps, iterators,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value wv = args[1];
               if (widen)
                 wv = arith::ExtFOp::create(nb, nloc, nb.getF32Type(), wv);
               Value prod = arith::MulFOp::create(nb, nloc, args[0], wv);
               linalg::YieldOp::create(
                   nb, nloc,
                   arith::AddFOp::create(nb, nloc, args[2], prod).getResult());
             })
      ->getResult(0);
}

std::string checkWeightSize(const std::string &name, uint64_t elements,
                            uint64_t bytesHeld) {
  if (elements > kMaxWeightElements)
    return "weight '" + name + "' has " + std::to_string(elements) +
           " values, more than lowbit's bound of 2^36";
  double memory =
      double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGE_SIZE));
  if (memory > 0 && double(bytesHeld) > memory)
    return "weight '" + name + "' needs " + std::to_string(bytesHeld >> 20) +
           " MiB in memory, more than this machine's " +
           std::to_string(uint64_t(memory) >> 20) + " MiB";
  return "";
}

WeightRows::WeightRows(const ContractionWeight &w) {
  linalg::LinalgOp op = w.op;
  arith::ConstantOp cst = w.weightConstant;
  auto type = cast<RankedTensorType>(cst.getType());
  Type e = type.getElementType();
  kind = e.isF32() ? Kind::F32 : e.isF16() ? Kind::F16 : Kind::BF16;
  if (std::optional<ConstantData> stored = constantData(cst.getValue())) {
    data = reinterpret_cast<const uint8_t *>(stored->bytes.data());
    splat = stored->splat;
  }
  // Where each loop dimension sits among the weight tensor's dimensions.
  AffineMap map = op.getIndexingMapsArray()[w.weightOperand];
  auto shape = type.getShape();
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int i = int(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  auto strideOf = [&](int64_t dim) -> int64_t {
    if (dim < 0)
      return 0;
    for (unsigned r = 0; r < map.getNumResults(); ++r)
      if (map.getDimPosition(r) == dim)
        return strides[r];
    return 0;
  };
  batchStride = strideOf(w.batchDim);
  rowStride = strideOf(w.nDim);
  colStride = strideOf(w.kDim);
  n = w.n;
  k = w.k;
  if (DenseI64ArrayAttr split =
          dialect(cst).getSplitColumnsAttrHelper().getAttr(cst))
    for (int64_t c : split.asArrayRef())
      if (c >= 0 && c < k)
        zeroColumns.push_back(c);
}

float WeightRows::element(size_t index) const {
  const uint8_t *p = data + (splat ? 0 : index * (kind == Kind::F32 ? 4 : 2));
  if (kind == Kind::F32) {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  }
  uint16_t h = uint16_t(p[0] | (p[1] << 8));
  return kind == Kind::F16 ? quant::halfToFloat(h) : quant::bf16ToFloat(h);
}

void WeightRows::read(size_t first, size_t count, float *out) const {
  for (size_t r = first; r < first + count; ++r) {
    size_t b = r / size_t(n), row = r % size_t(n);
    size_t base = b * size_t(batchStride) + row * size_t(rowStride);
    for (int64_t c = 0; c < k; ++c)
      out[c] = element(base + size_t(c) * size_t(colStride));
    for (int64_t c : zeroColumns)
      out[c] = 0.0f;
    out += k;
  }
}

bool isLookupOnlyContraction(linalg::LinalgOp op, arith::ConstantOp weight) {
  auto fn = op->getParentOfType<func::FuncOp>();
  auto module = op->getParentOfType<ModuleOp>();
  if (!fn || !module || fn.getName() == "forward" ||
      !SymbolTable::symbolKnownUseEmpty(fn, module))
    return false;
  bool looked = false;
  module.walk([&](arith::ConstantOp c) {
    looked |= dialect(c).getLookupAttrHelper().isAttrPresent(c) &&
              c.getValue() == weight.getValue();
  });
  return looked;
}

} // namespace lowbit
