//===- SelectBlockScales.cpp - Quantize constant contraction weights ------===//

#include "lowbit/Dialect/LowBit/IR/ConstantData.h"
#include "lowbit/Dialect/LowBit/Transforms/ContractionWeight.h"
#include "lowbit/Dialect/LowBit/Transforms/FloatStorage.h"
#include "lowbit/Dialect/LowBit/Transforms/Importance.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"
#include "lowbit/Dialect/LowBit/Transforms/PreQuantizedWeights.h"
#include "lowbit/Dialect/LowBit/Transforms/QuantReport.h"
#include "lowbit/Dialect/LowBit/Transforms/QuantizedLookups.h"
#include "lowbit/Dialect/LowBit/Transforms/SparseOutlierWeights.h"
#include "lowbit/Dialect/LowBit/Transforms/OutlierColumns.h"
#include "lowbit/Quant/Gptq.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"

#include <chrono>
#include <unistd.h>

namespace lowbit {
#define GEN_PASS_DEF_LOWBITSELECTBLOCKSCALESPASS
#define GEN_PASS_DEF_LOWBITQUANTIZEGPTQPASS
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;

namespace {

/// linalg.transpose of `v` by `perm`, or `v` itself for the identity.
Value permute(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> perm) {
  bool identity = true;
  for (unsigned i = 0; i < perm.size(); ++i)
    identity &= perm[i] == int64_t(i);
  if (identity)
    return v;
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, v), shape;
  for (int64_t p : perm)
    shape.push_back(sizes[p]);
  Value init = tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  return linalg::TransposeOp::create(b, loc, v, init, perm)->getResult(0);
}

/// Transposes `v` (laid out by `map`, loops -> v's dims) so that its
/// dimensions come in loop order `order`.
Value transposeTo(OpBuilder &b, Location loc, Value v, AffineMap map,
                  ArrayRef<int64_t> order) {
  SmallVector<int64_t> perm;
  for (int64_t dim : order)
    for (unsigned r = 0; r < map.getNumResults(); ++r)
      if (map.getDimPosition(r) == dim)
        perm.push_back(r);
  return permute(b, loc, v, perm);
}

/// The inverse: from loop order `order` back to the layout `map` gives.
Value transposeFrom(OpBuilder &b, Location loc, Value v, AffineMap map,
                    ArrayRef<int64_t> order) {
  SmallVector<int64_t> perm;
  for (unsigned r = 0; r < map.getNumResults(); ++r)
    for (unsigned i = 0; i < order.size(); ++i)
      if (order[i] == int64_t(map.getDimPosition(r)))
        perm.push_back(i);
  return permute(b, loc, v, perm);
}

bool isZeroTensor(Value v) {
  if (auto fill = v.getDefiningOp<linalg::FillOp>()) {
    FloatAttr f;
    return matchPattern(fill.getInputs()[0], m_Constant(&f)) &&
           f.getValue().isZero();
  }
  DenseElementsAttr dense;
  if (matchPattern(v, m_Constant(&dense)) && dense.isSplat())
    if (auto f = dyn_cast<FloatAttr>(dense.getSplatValue<Attribute>()))
      return f.getValue().isZero();
  return false;
}

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s;
}

/// lowbit-select-block-scales and lowbit-quantize-gptq: one implementation
/// over either generated base (they share their option names); `Derived`
/// says whether codes come from GPTQ.
template <typename Derived, template <typename> class PassBase>
struct BlockScaleSelection : public PassBase<Derived> {
  using Base = PassBase<Derived>;
  using Base::Base;
  using Base::clampScales;
  using Base::getContext;
  using Base::getOperation;
  using Base::method;
  using Base::scheme;
  using Base::signalPassFailure;
  using Base::strict;
  using Base::threads;
  std::optional<FloatType> fallbackFloat; ///< scheme=f16: float storage
  std::optional<quant::GptqOptions> gptq; ///< set by lowbit-quantize-gptq
  /// The last prepared H, and the Gram (and split columns) it came from.
  quant::GptqHessian hessian;
  std::optional<std::pair<const float *, Attribute>> preparedFor;
  const char *passName = "lowbit-select-block-scales";

  void runOnOperation() override {
    std::string error;
    gptq = static_cast<Derived *>(this)->gptqOptions();
    if (gptq)
      passName = "lowbit-quantize-gptq";
    if (gptq && clampScales) {
      emitError(getOperation().getLoc(), passName)
          << ": clamp-scales is not available with GPTQ (its error "
             "compensation would move the clipped weights' error elsewhere)";
      return signalPassFailure();
    }
    // f32/f16/bf16: float storage of that type for unassigned weights.
    fallbackFloat = parseFloatStorage(scheme, &getContext());
    std::optional<quant::Scheme> parsed =
        fallbackFloat ? quant::ggufScheme(quant::Format::Q8_0)
                      : quant::parseScheme(scheme, error);
    if (!parsed) {
      emitError(getOperation().getLoc(), passName) << ": scheme '"
          << scheme << "': " << error;
      return signalPassFailure();
    }
    if (threads > quant::kMaxThreads) {
      emitError(getOperation().getLoc(), passName)
          << ": threads must be 0 (all cores) or at most "
          << quant::kMaxThreads << ", got " << unsigned(threads);
      return signalPassFailure();
    }
    quant::QuantOptions options;
    options.threads = threads;
    options.clampScales = clampScales;
    if (!quant::parseMethod(method, options.method)) {
      emitError(getOperation().getLoc(), passName)
          << ": unknown method '"
          << method << "' (expected rtn, absmax, minmax or search)";
      return signalPassFailure();
    }
    if (options.method == quant::Method::MinMax && !fallbackFloat &&
        parsed->isSymmetric()) {
      emitError(getOperation().getLoc(), passName)
          << ": method minmax needs an asymmetric scheme, '"
          << scheme << "' is symmetric";
      return signalPassFailure();
    }

    auto start = std::chrono::steady_clock::now();
    std::vector<ReportRow> report = preQuantizedRows();
    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) { candidates.push_back(op); });
    // Progress only for people watching a terminal, never in pipes or CI.
    bool progress = ::isatty(2);
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (progress) {
        double t = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
        llvm::errs() << llvm::format("\rlowbit: contraction %zu of %zu, %.1f s",
                                     i + 1, candidates.size(), t);
      }
      if (failed(rewrite(candidates[i], *parsed, options, report)))
        return signalPassFailure();
    }
    if (progress && !candidates.empty())
      llvm::errs() << "\n";
    // The factor can be hundreds of MB: not kept past the pass.
    hessian = quant::GptqHessian();
    preparedFor.reset();
    if (!this->report.empty()) {
      ReportSummary summary = summarize();
      summary.seconds = std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - start)
                            .count();
      writeReport(report, summary);
    }
  }

  /// Weights that arrive quantized are kept: said once, and a report line
  /// each (llama-quantize's Q4_K_M with another default would otherwise
  /// look like a model of five weights).
  std::vector<ReportRow> preQuantizedRows() {
    std::vector<PreQuantizedWeight> kept =
        findPreQuantizedWeights(getOperation());
    if (kept.empty())
      return {};
    emitWarning(getOperation().getLoc(), passName) << ": "
        << summarizePreQuantized(kept)
        << " arrived quantized and are kept as they are; "
           "lowbit-quantize{requantize=true} (or lowbit-decode-weights "
           "first) requantizes them";
    std::vector<ReportRow> rows;
    for (const PreQuantizedWeight &w : kept) {
      ReportRow row;
      row.name = w.name;
      row.shape = std::to_string(w.rows) + "x" + std::to_string(w.rowLength);
      row.scheme = quant::printScheme(w.scheme);
      row.weights = size_t(w.rows * w.rowLength);
      row.bytes = size_t(w.bytes);
      row.note = "arrived quantized, kept as it is";
      rows.push_back(row);
    }
    return rows;
  }

  /// Float storage of another type (an f16 rule): converted, reported.
  LogicalResult storeAsFloat(const ContractionWeight &w, FloatType type,
                             std::vector<ReportRow> &report) {
    auto shape = cast<RankedTensorType>(w.weightConstant->getResult(0).getType())
                     .getShape();
    ReportRow row;
    row.name = w.name;
    row.shape = shapeString(shape);
    row.scheme = floatTypeName(type) + " (float)";
    row.weights = size_t(w.batch * w.n * w.k);
    row.bytes = row.weights * type.getWidth() / 8;
    if (failed(storeWeightAs(w, type, row.error)))
      return failure();
    report.push_back(row);
    return success();
  }

  /// The report line of a contraction whose weight stays float.
  static ReportRow floatRow(linalg::LinalgOp op, const std::string &why) {
    ReportRow row;
    row.name = "weight";
    row.scheme = "float";
    row.note = "not quantized: " + why;
    for (Value v : op.getDpsInputs())
      if (auto c = v.getDefiningOp<arith::ConstantOp>()) {
        if (StringAttr name = dialect(c).getNameAttrHelper().getAttr(c))
          row.name = name.str();
        if (auto type = dyn_cast<RankedTensorType>(c.getType()))
          row.shape = shapeString(type.getShape());
      }
    return row;
  }

  /// Quantized weights (every packed operand of a lowbit op, imported
  /// pre-quantized ones included) and named float weights left in the IR.
  ReportSummary summarize() {
    ReportSummary s;
    // Keyed by the data: the embedding lookup and the classifier share one.
    llvm::DenseSet<Attribute> seen;
    auto addPacked = [&](Value packed, int64_t rowLength) {
      auto def = packed.getDefiningOp<arith::ConstantOp>();
      if (!def || !seen.insert(def.getValue()).second)
        return;
      auto type = cast<RankedTensorType>(packed.getType());
      s.quantizedBytes += uint64_t(type.getNumElements());
      s.quantizedWeights +=
          uint64_t(type.getNumElements() / type.getShape().back() * rowLength);
    };
    // Sparse side matrices: bytes that buy no weights of their own.
    getOperation().walk([&](SparseMatmulOp m) {
      for (Value v : {m.getValues(), m.getColumns(), m.getOffsets()})
        if (auto c = v.getDefiningOp<arith::ConstantOp>())
          if (seen.insert(c.getValue()).second) {
            auto type = cast<RankedTensorType>(c.getType());
            s.quantizedBytes += uint64_t(type.getNumElements()) *
                                type.getElementTypeBitWidth() / 8;
          }
    });
    getOperation().walk([&](Operation *op) {
      if (auto m = dyn_cast<MatmulOp>(op))
        addPacked(m.getPacked(), m.getInput().getType().getShape().back());
      else if (auto d = dyn_cast<DequantizeOp>(op))
        addPacked(d.getPacked(), d.getResult().getType().getShape().back());
      else if (auto c = dyn_cast<arith::ConstantOp>(op)) {
        auto type = dyn_cast<RankedTensorType>(c.getType());
        if (dialect(c).getNameAttrHelper().isAttrPresent(c) && type &&
            isa<FloatType>(type.getElementType()) &&
            seen.insert(c.getValue()).second) {
          s.floatWeights += uint64_t(type.getNumElements());
          s.floatBytes += uint64_t(type.getNumElements()) *
                          type.getElementTypeBitWidth() / 8;
        }
      }
    });
    return s;
  }

  LogicalResult rewrite(linalg::LinalgOp op, const quant::Scheme &fallback,
                        const quant::QuantOptions &options,
                        std::vector<ReportRow> &report) {
    std::string whyNot;
    std::optional<ContractionWeight> w = matchContractionWeight(op, whyNot);
    if (!w) {
      if (whyNot.empty())
        return success(); // not a contraction on a constant weight
      // At the op's location, without a dump of the op after it.
      if (strict)
        return emitError(op->getLoc(), "weight not quantized: ")
               << whyNot << " (strict=true)";
      emitWarning(op->getLoc(), "weight not quantized: ") << whyNot;
      report.push_back(floatRow(op, whyNot));
      return success();
    }
    // lowbit-assign-schemes' decision wins over this pass's option.
    LowBitDialect &attrs = dialect(op);
    if (attrs.getKeepAttrHelper().isAttrPresent(w->weightConstant)) {
      TypeAttr storage =
          attrs.getFloatStorageAttrHelper().getAttr(w->weightConstant);
      if (!storage)
        return success();
      return storeAsFloat(*w, cast<FloatType>(storage.getValue()), report);
    }
    if (fallbackFloat &&
        !attrs.getSchemeAttrHelper().isAttrPresent(w->weightConstant))
      return storeAsFloat(*w, *fallbackFloat, report);
    quant::Scheme s = fallback;
    if (SchemeAttr assigned =
            dialect(op).getSchemeAttrHelper().getAttr(w->weightConstant))
      s = assigned.toQuantScheme();
    WeightRows source(*w);
    if (!source.valid())
      return emitError(op->getLoc(), "cannot read the constant weight '")
             << w->name << "'";
    size_t numRows = size_t(w->batch * w->n);
    unsigned k = unsigned(w->k);
    size_t rowBytes = quant::rowBytes(s, k);
    if (std::string e = checkWeightSize(
            w->name, uint64_t(numRows) * k, uint64_t(numRows) * rowBytes);
        !e.empty())
      return emitError(op->getLoc(), e);
    std::vector<uint8_t> bytes(numRows * rowBytes);
    quant::QuantOptions weighted = options;
    std::string err;
    weighted.importance = importanceOf(w->weightConstant, w->name, w->k, err);
    if (!err.empty())
      return emitError(op->getLoc(), err);
    // GPTQ: H from the IR, prepared once for all the weight's rows.
    // A table only looked up (the embedding of a model with its own
    // classifier: its contraction is never called) has no input to
    // compensate for: its scales are chosen as without GPTQ, and the report
    // says so.
    bool useGptq = gptq && !isLookupOnlyContraction(op, w->weightConstant);
    if (useGptq) {
      if (w->batchDim >= 0)
        return emitError(op->getLoc(), passName)
               << ": '" << w->name
               << "' is a batch of weights; GPTQ takes 2-D weights";
      const float *gram = gramOf(w->weightConstant, w->name, w->k, err);
      if (!err.empty())
        return emitError(op->getLoc(), err);
      if (!gram)
        return emitError(op->getLoc(), passName)
               << ": '" << w->name
               << "' has no Gram matrix (lowbit.gram); calibrate with "
                  "`lowbit-run calibrate --gram` and attach the file "
                  "(lowbit-quantize calibration=...), or quantize it "
                  "without GPTQ";
      std::vector<unsigned> silent;
      DenseI64ArrayAttr split =
          dialect(op).getSplitColumnsAttrHelper().getAttr(w->weightConstant);
      if (split)
        for (int64_t c : split.asArrayRef())
          silent.push_back(unsigned(c));
      // q/k/v (and gate/up) share one Gram and come one after another:
      // the last factorization serves them all (it is the O(K³) part).
      std::pair<const float *, Attribute> key{gram, split};
      if (!preparedFor || *preparedFor != key) {
        preparedFor.reset();
        hessian = quant::GptqHessian();
        err = quant::prepareGptq(gram, unsigned(w->k), *gptq, hessian, silent);
        if (!err.empty())
          return emitError(op->getLoc(), passName)
                 << ": '" << w->name << "': " << err;
        preparedFor = key;
      }
    }
    // Sparse outliers (lowbit-split-outliers mode=weights): chosen and
    // kept here, where the quantization error is known.
    double sparseFraction = 0;
    if (FloatAttr f =
            attrs.getSparseOutliersAttrHelper().getAttr(w->weightConstant))
      sparseFraction = f.getValueAsDouble();
    if (sparseFraction > 0 &&
        (w->batchDim >= 0 || isLookupOnlyContraction(op, w->weightConstant)))
      sparseFraction = 0; // a batch of weights or a table: none kept
    quant::SparseRows csr;
    quant::ErrorAccumulator error;
    if (sparseFraction > 0) {
      err = quantizeKeepingOutliers(s, source, numRows, k, sparseFraction,
                                    weighted, useGptq ? &hessian : nullptr,
                                    bytes.data(), csr,
                                    this->report.empty() ? nullptr : &error,
                                    w->name);
      if (!err.empty())
        return emitError(op->getLoc(), err);
    }
    // Row chunks of about 16 MB of floats: big weights are never copied
    // whole (results do not depend on the chunking: rows are independent).
    size_t chunk = std::max<size_t>(1, (size_t(4) << 20) / std::max(k, 1u));
    // With sparse outliers every row was quantized above.
    size_t plainRows = sparseFraction > 0 ? 0 : numRows;
    std::vector<float> rows(std::min(chunk, plainRows) * k), decoded;
    bool wantReport = !this->report.empty();
    if (wantReport)
      decoded.resize(rows.size());
    size_t clampedBlocks = 0;
    for (size_t first = 0; first < plainRows; first += chunk) {
      size_t count = std::min(chunk, plainRows - first);
      source.read(first, count, rows.data());
      quant::QuantStats stats;
      err = useGptq ? quant::gptqQuantizeRows(s, hessian, rows.data(), count, k,
                                           bytes.data() + first * rowBytes,
                                           weighted, w->name)
                 : quant::quantizeMatrix(s, rows.data(), count, k,
                                         bytes.data() + first * rowBytes,
                                         weighted, w->name, &stats);
      clampedBlocks += stats.clampedBlocks;
      // Name the row within the whole weight, not within the chunk.
      if (!err.empty())
        return emitError(op->getLoc(), withWeightRow(err, first));
      if (wantReport) {
        quant::dequantizeMatrix(s, bytes.data() + first * rowBytes, count, k,
                                decoded.data(), options.threads);
        error.add(rows.data(), decoded.data(), count * k);
      }
    }

    if (clampedBlocks)
      emitWarning(op->getLoc(), "")
          << w->name << ": " << clampedBlocks
          << " block(s) clipped so that their scales fit "
          << quant::scaleTypeName(s.scaleType) << " (clamp-scales=true)";
    if (wantReport) {
      ReportRow row;
      row.name = w->name;
      row.shape = shapeString(
          cast<RankedTensorType>(w->weightConstant.getType()).getShape());
      row.scheme = quant::printScheme(s);
      row.weights = numRows * k;
      row.bytes = bytes.size();
      row.error = error.stats();
      // GPTQ's weights say so; a table only looked up has no input to
      // compensate for.
      if (gptq)
        row.scheme += useGptq ? " gptq" : " (lookup table, no gptq)";
      if (sparseFraction > 0) {
        row.bytes += sparseSideBytes(numRows, k, csr.values.size());
        // The weights kept exactly, as lowbit.sparse_matmul's values.
        row.scheme += " +" + std::to_string(csr.values.size()) + " exact";
      }
      report.push_back(row);
    }

    OpBuilder b(op);
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    SmallVector<int64_t> packedShape;
    if (w->batchDim >= 0)
      packedShape.push_back(w->batch);
    packedShape.append({w->n, int64_t(rowBytes)});
    auto packedType = RankedTensorType::get(packedShape, b.getI8Type());
    auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<char>(
        reinterpret_cast<const char *>(bytes.data()), bytes.size()));
    auto attr = DenseResourceElementsAttr::get(packedType, "lowbit." + w->name,
                                               std::move(blob));
    b.setInsertionPointAfter(w->weightConstant);
    auto packed = arith::ConstantOp::create(b, loc, packedType, attr);
    dialect(packed).getNameAttrHelper().setAttr(packed,
                                                b.getStringAttr(w->name));
    dialect(packed).getSchemeAttrHelper().setAttr(packed,
                                                  SchemeAttr::get(ctx, s));
    b.setInsertionPoint(op);

    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    Value act = op.getDpsInputs()[1 - w->weightOperand];
    SmallVector<int64_t> actOrder, outOrder;
    for (int64_t d : {w->batchDim, w->mDim, w->kDim})
      if (d >= 0)
        actOrder.push_back(d);
    for (int64_t d : {w->batchDim, w->mDim, w->nDim})
      if (d >= 0)
        outOrder.push_back(d);
    act = transposeTo(b, loc, act, maps[1 - w->weightOperand], actOrder);
    // Batched weights need [B, M, K]: give a missing M a unit dimension.
    bool expandM = w->batchDim >= 0 && w->mDim < 0;
    if (expandM)
      act = tensor::ExpandShapeOp::create(
          b, loc, RankedTensorType::get({w->batch, 1, w->k}, b.getF32Type()),
          act, SmallVector<ReassociationIndices>{{0}, {1, 2}});
    SmallVector<int64_t> resultShape(
        cast<RankedTensorType>(act.getType()).getShape().drop_back());
    resultShape.push_back(w->n);
    Value result = MatmulOp::create(
        b, loc, RankedTensorType::get(resultShape, b.getF32Type()), act, packed,
        SchemeAttr::get(ctx, s));
    if (sparseFraction > 0) {
      SparseSide side;
      if (std::string e = buildSparseSide(b, loc, csr, k, w->name, side);
          !e.empty())
        return emitError(op->getLoc(), e);
      result = addSparseOutliers(b, loc, result, act, side.values,
                                 side.columns, side.offsets);
    }
    if (expandM)
      result = tensor::CollapseShapeOp::create(
          b, loc, result, SmallVector<ReassociationIndices>{{0}, {1, 2}});
    result = transposeFrom(b, loc, result, maps[2], outOrder);
    Value init = op.getDpsInits()[0];
    if (!isZeroTensor(init))
      result =
          linalg::AddOp::create(
              b, loc, ValueRange{result, init},
              ValueRange{tensor::EmptyOp::create(
                  b, loc, tensor::getMixedSizes(b, loc, init),
                  b.getF32Type())})
              ->getResult(0);
    op->getResult(0).replaceAllUsesWith(result);
    op->erase();
    redirectLookups(getOperation(), w->weightConstant.getValue(), packed, s);
    if (w->weightConstant->use_empty()) {
      Attribute data = w->weightConstant.getValue();
      w->weightConstant->erase();
      releaseBlobIfUnused(getOperation(), data);
    }
    return success();
  }

  void writeReport(const std::vector<ReportRow> &rows,
                   const ReportSummary &summary) {
    auto print = [&](llvm::raw_ostream &os) {
      if (StringRef(this->report).ends_with(".json"))
        printReportJson(os, rows, summary);
      else
        printReportTable(os, rows, summary);
    };
    if (this->report == "-") {
      print(llvm::outs());
      llvm::outs().flush();
      return;
    }
    std::error_code ec;
    llvm::raw_fd_ostream os(this->report, ec, llvm::sys::fs::OF_Text);
    if (ec) {
      emitError(getOperation().getLoc(), "cannot write report '")
          << this->report << "': " << ec.message();
      return signalPassFailure();
    }
    print(os);
  }
};

struct SelectBlockScales
    : BlockScaleSelection<SelectBlockScales,
                          lowbit::impl::LowBitSelectBlockScalesPassBase> {
  using BlockScaleSelection::BlockScaleSelection;
  std::optional<quant::GptqOptions> gptqOptions() const { return {}; }
};

struct QuantizeGptq
    : BlockScaleSelection<QuantizeGptq,
                          lowbit::impl::LowBitQuantizeGptqPassBase> {
  using BlockScaleSelection::BlockScaleSelection;
  std::optional<quant::GptqOptions> gptqOptions() const {
    quant::GptqOptions o;
    o.damp = gptqDamp;
    o.actOrder = gptqActOrder;
    o.blockColumns = gptqBlock;
    o.threads = threads;
    return o;
  }
};

} // namespace
