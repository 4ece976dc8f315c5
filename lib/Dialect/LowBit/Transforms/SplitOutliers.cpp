//===- SplitOutliers.cpp - Activation-outlier columns off float weights ---===//
//
// LLM.int8()'s decomposition as a rewrite of float contractions (see
// Passes.td): y = (x with outlier channels zeroed) · Wᵀ + x[:, C] · W_Cᵀ,
// W_C the columns C dense; W keeps them (its input is zero there) and
// records them as lowbit.split_columns, which quantizers read as zero.
// Mode `weights` only marks the weights for scale selection.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/IR/ConstantData.h"
#include "lowbit/Dialect/LowBit/Transforms/ContractionWeight.h"
#include "lowbit/Dialect/LowBit/Transforms/OutlierColumns.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"
#include "lowbit/Quant/Half.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <algorithm>
#include <numeric>

namespace lowbit {
#define GEN_PASS_DEF_LOWBITSPLITOUTLIERSPASS
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;

namespace {

/// A dense_resource constant of `type` holding `values` converted to its
/// element type (f32, f16 or bf16).
DenseResourceElementsAttr floatBlob(RankedTensorType type,
                                    ArrayRef<float> values,
                                    const std::string &name) {
  Type e = type.getElementType();
  if (e.isF32())
    return DenseResourceElementsAttr::get(
        type, name, HeapAsmResourceBlob::allocateAndCopyInferAlign(values));
  std::vector<uint16_t> half(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    half[i] = e.isF16() ? quant::floatToHalf(values[i])
                        : quant::floatToBf16(values[i]);
  return DenseResourceElementsAttr::get(
      type, name,
      HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<uint16_t>(half)));
}

/// The f32 values of a per-column statistic or a Gram (a blob, dense
/// elements or a splat); empty when it is not f32 data of its type's size.
std::vector<float> floatsOf(ElementsAttr attr) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  std::optional<ConstantData> data = constantData(attr);
  if (!type || !data || !type.getElementType().isF32())
    return {};
  const float *v = reinterpret_cast<const float *>(data->bytes.data());
  if (data->splat)
    return std::vector<float>(size_t(type.getNumElements()), v[0]);
  return std::vector<float>(v, v + type.getNumElements());
}

/// Per-column `values` with the split columns set to zero.
DenseResourceElementsAttr zeroedColumns(ElementsAttr attr,
                                        std::vector<float> values,
                                        ArrayRef<int64_t> columns,
                                        const std::string &name) {
  for (int64_t c : columns)
    values[c] = 0;
  return floatBlob(cast<RankedTensorType>(attr.getType()), values, name);
}

struct SplitOutliers
    : public lowbit::impl::LowBitSplitOutliersPassBase<SplitOutliers> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (mode == "weights")
      return markSparseOutliers();
    if (mode != "columns") {
      emitError(module.getLoc(), "lowbit-split-outliers: unknown mode '")
          << mode << "' (expected columns or weights)";
      return signalPassFailure();
    }
    if (!(threshold >= 0) || !(fraction >= 0 && fraction <= 1)) {
      emitError(module.getLoc(), "lowbit-split-outliers: threshold must be "
                                 ">= 0 and fraction within [0, 1]");
      return signalPassFailure();
    }
    Builder b(&getContext());
    if (storage == "f16")
      sideType = b.getF16Type();
    else if (storage == "bf16")
      sideType = b.getBF16Type();
    else if (storage == "f32")
      sideType = b.getF32Type();
    else {
      emitError(module.getLoc(), "lowbit-split-outliers: storage '")
          << storage << "' (expected f16, bf16 or f32)";
      return signalPassFailure();
    }
    SmallVector<linalg::LinalgOp> ops;
    module.walk([&](linalg::LinalgOp op) { ops.push_back(op); });
    for (linalg::LinalgOp op : ops)
      if (failed(split(op)))
        return signalPassFailure();
  }

  /// Mode `weights`: which weights are kept depends on their quantization
  /// error, so scale selection (or GPTQ) chooses and splits them; this
  /// marks every float contraction weight that will be quantized with the
  /// fraction to keep.
  void markSparseOutliers() {
    ModuleOp module = getOperation();
    if (!(fraction > 0 && fraction < 1)) {
      emitError(module.getLoc(), "lowbit-split-outliers: mode=weights needs "
                                 "a fraction of weights to keep in (0, 1), "
                                 "got ")
          << fraction;
      return signalPassFailure();
    }
    if (storage != "f16") {
      emitError(module.getLoc(), "lowbit-split-outliers: mode=weights keeps "
                                 "its values in f16, storage '")
          << storage << "' is not available";
      return signalPassFailure();
    }
    Builder b(&getContext());
    module.walk([&](linalg::LinalgOp op) {
      std::string whyNot;
      std::optional<ContractionWeight> w = matchContractionWeight(op, whyNot);
      if (!w || isLookupOnlyContraction(op, w->weightConstant) ||
          w->batchDim >= 0)
        return;
      LowBitDialect &attrs = dialect(w->weightConstant);
      if (attrs.getKeepAttrHelper().isAttrPresent(w->weightConstant))
        return;
      attrs.getSparseOutliersAttrHelper().setAttr(
          w->weightConstant, b.getF64FloatAttr(fraction));
    });
  }

  /// Channels to split: max |x| above the threshold, plus the top fraction.
  std::vector<int64_t> chooseColumns(const float *maxAbs, int64_t k) {
    std::vector<char> chosen(k, 0);
    if (threshold > 0)
      for (int64_t i = 0; i < k; ++i)
        chosen[i] = maxAbs[i] > threshold;
    int64_t top = int64_t(fraction * double(k));
    if (top > 0) {
      std::vector<int64_t> order(k);
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(), [&](int64_t a, int64_t c) {
        return maxAbs[a] != maxAbs[c] ? maxAbs[a] > maxAbs[c] : a < c;
      });
      for (int64_t i = 0; i < top; ++i)
        chosen[order[i]] = 1;
    }
    std::vector<int64_t> columns;
    for (int64_t i = 0; i < k; ++i)
      if (chosen[i])
        columns.push_back(i);
    return columns;
  }

  LogicalResult split(linalg::LinalgOp op) {
    std::string whyNot;
    std::optional<ContractionWeight> w = matchContractionWeight(op, whyNot);
    if (!w || isLookupOnlyContraction(op, w->weightConstant))
      return success();
    arith::ConstantOp weight = w->weightConstant;
    LowBitDialect &attrs = dialect(weight);
    if (attrs.getKeepAttrHelper().isAttrPresent(weight))
      return success(); // stays float anyway
    ElementsAttr maxAbsAttr = attrs.getMaxAbsAttrHelper().getAttr(weight);
    if (!maxAbsAttr)
      return emitError(op->getLoc(), "lowbit-split-outliers: '")
             << w->name
             << "' has no lowbit.max_abs; calibrate with lowbit-run "
                "calibrate and attach the file (lowbit-quantize "
                "calibration=...)";
    std::vector<float> maxAbs = floatsOf(maxAbsAttr);
    if (int64_t(maxAbs.size()) != w->k ||
        cast<ShapedType>(maxAbsAttr.getType()).getRank() != 1)
      return emitError(op->getLoc(), "lowbit-split-outliers: the max_abs of '")
             << w->name << "' must be " << w->k << " f32 values";
    std::vector<int64_t> columns = chooseColumns(maxAbs.data(), w->k);
    if (columns.empty())
      return success();
    // The rewrite rebuilds the contraction as x[..., K] · W[N, K]ᵀ.
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    AffineMap act = maps[1 - w->weightOperand], out = maps[2];
    if (w->batchDim >= 0 || !act.getResults().back().isFunctionOfDim(w->kDim) ||
        !out.getResults().back().isFunctionOfDim(w->nDim) ||
        !op.getDpsInits()[0].getDefiningOp<linalg::FillOp>()) {
      op.emitWarning("lowbit-split-outliers: '")
          << w->name << "' left whole: its input is not laid out [..., K]";
      return success();
    }

    int64_t n = w->n, k = w->k, c = int64_t(columns.size());
    WeightRows source(*w);
    if (!source.valid())
      return emitError(op->getLoc(), "cannot read the constant weight '")
             << w->name << "'";
    // The side weight: the split columns, read in row chunks (a weight is
    // never copied whole as floats).
    std::vector<float> side(size_t(n) * c);
    size_t chunk = std::max<size_t>(1, (size_t(4) << 20) / size_t(k));
    std::vector<float> rows(std::min<size_t>(chunk, size_t(n)) * k);
    for (size_t first = 0; first < size_t(n); first += chunk) {
      size_t count = std::min(chunk, size_t(n) - first);
      source.read(first, count, rows.data());
      for (size_t r = 0; r < count; ++r)
        for (int64_t j = 0; j < c; ++j)
          side[(first + r) * c + j] = rows[r * k + columns[j]];
    }

    OpBuilder b(op);
    Location loc = op.getLoc();
    Value input = op.getDpsInputs()[1 - w->weightOperand];
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());

    // The main weight: the same constant when only this contraction uses
    // it (no copy: its bytes may be a mapped file), else a copy [N, K] for
    // this contraction. Either records the split columns, which the
    // contraction never reads (its input is zero there) and quantizers
    // read as zero; their importance becomes zero.
    arith::ConstantOp main = weight;
    AffineMap wMap = maps[w->weightOperand];
    bool laidOutNK = wMap.getNumResults() == 2 &&
                     wMap.getDimPosition(0) == unsigned(w->nDim) &&
                     wMap.getDimPosition(1) == unsigned(w->kDim);
    if (!weight->hasOneUse() || !laidOutNK) {
      auto wType = RankedTensorType::get(
          {n, k}, cast<RankedTensorType>(weight.getType()).getElementType());
      std::vector<float> all(size_t(n) * k);
      source.read(0, size_t(n), all.data());
      main = arith::ConstantOp::create(
          b, loc, wType, floatBlob(wType, all, "outliers_split." + w->name));
      for (NamedAttribute a : weight->getDiscardableAttrs())
        main->setAttr(a.getName(), a.getValue());
    }
    if (ElementsAttr imp = attrs.getImportanceAttrHelper().getAttr(weight)) {
      std::vector<float> values = floatsOf(imp);
      if (int64_t(values.size()) != k)
        return emitError(op->getLoc(), "lowbit-split-outliers: the "
                                       "importance of '")
               << w->name << "' must be " << k << " f32 values";
      attrs.getImportanceAttrHelper().setAttr(
          main, zeroedColumns(imp, std::move(values), columns,
                              "importance.split." + w->name));
    }
    // The Gram stays shared (no copy); GPTQ treats the split columns as
    // channels the input never reaches.
    attrs.getSplitColumnsAttrHelper().setAttr(main,
                                              b.getDenseI64ArrayAttr(columns));

    // The input with the split channels zeroed.
    Value masked = maskInputColumns(b, loc, input, columns);
    Value y = buildFloatContraction(b, loc, masked, main, resultType);

    // The side path: the split columns, dense.
    auto sType = RankedTensorType::get({n, c}, sideType);
    std::string sideName = w->name + ".outlier_columns";
    auto sideWeight = arith::ConstantOp::create(
        b, loc, sType, floatBlob(sType, side, sideName));
    attrs.getNameAttrHelper().setAttr(sideWeight, b.getStringAttr(sideName));
    Value sum = addSideColumns(b, loc, y, input, sideWeight, columns);
    op->getResult(0).replaceAllUsesWith(sum);
    op->erase();
    if (weight->use_empty()) {
      // The original's bytes go as soon as nothing refers to them, so the
      // split model is never held twice.
      Attribute data = weight.getValue();
      weight->erase();
      releaseBlobIfUnused(getOperation(), data);
    }
    return success();
  }

  Type sideType;
};

} // namespace
