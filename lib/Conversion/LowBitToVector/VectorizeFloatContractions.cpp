//===- VectorizeFloatContractions.cpp - x · Wᵀ with float W as vector code ===//
//
// Matches y[t, n] += x[t, k] * ext(W[n, k]) on memrefs (the form the
// importer and lowbit-select-block-scales give float weights) and emits a
// row loop with vector accumulators. See Passes.td for the IR.
//
//===----------------------------------------------------------------------===//

#include "ThreadedLoop.h"

#include "lowbit/Conversion/LowBitToVector/LowBitToVector.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace lowbit {
#define GEN_PASS_DEF_LOWBITVECTORIZEFLOATCONTRACTIONSPASS
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit

using namespace mlir;

namespace {

/// y[t, n] += x[t, k] * W[n, k], W f32/f16/bf16, x and y f32, all static
/// but the token count T (dynamic when one weight function serves decode
/// and prefill).
struct FloatContraction {
  Value x, w, y;
  int64_t tokens, rows, cols;
};

/// A 2-D memref, static but for the rows when `dynamicRows`.
bool isStatic2D(Value v, bool dynamicRows = false) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && type.getRank() == 2 && !type.isDynamicDim(1) &&
         (dynamicRows || !type.isDynamicDim(0));
}

/// The body must be exactly [extf(w)]; mulf(x, w); addf(y, product); yield.
bool isMultiplyAccumulate(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  Value x = body.getArgument(0), w = body.getArgument(1),
        y = body.getArgument(2);
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add || add->getBlock() != &body)
    return false;
  Value product = add.getLhs() == y ? add.getRhs() : add.getLhs();
  if ((add.getLhs() == y) == (add.getRhs() == y))
    return false;
  auto mul = product.getDefiningOp<arith::MulFOp>();
  if (!mul || mul->getBlock() != &body)
    return false;
  Value weight = mul.getLhs() == x ? mul.getRhs() : mul.getLhs();
  if ((mul.getLhs() == x) == (mul.getRhs() == x))
    return false;
  bool extended = false;
  if (auto ext = weight.getDefiningOp<arith::ExtFOp>()) {
    if (ext->getBlock() != &body)
      return false;
    weight = ext.getIn();
    extended = true;
  }
  // Nothing else in the body: the ext (if any), mul, add and yield.
  return weight == w &&
         body.getOperations().size() == (extended ? 4u : 3u);
}

std::optional<FloatContraction> match(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return std::nullopt;
  auto iterators = op.getIteratorTypesArray();
  if (iterators.size() != 3 ||
      iterators[0] != utils::IteratorType::parallel ||
      iterators[1] != utils::IteratorType::parallel ||
      iterators[2] != utils::IteratorType::reduction)
    return std::nullopt;
  MLIRContext *ctx = op.getContext();
  AffineExpr t, n, k;
  bindDims(ctx, t, n, k);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[0] != AffineMap::get(3, 0, {t, k}, ctx) ||
      maps[1] != AffineMap::get(3, 0, {n, k}, ctx) ||
      maps[2] != AffineMap::get(3, 0, {t, n}, ctx))
    return std::nullopt;
  FloatContraction c{op.getDpsInputs()[0], op.getDpsInputs()[1],
                     op.getDpsInits()[0], 0, 0, 0};
  if (!isStatic2D(c.x, true) || !isStatic2D(c.w) || !isStatic2D(c.y, true))
    return std::nullopt;
  auto elem = [](Value v) {
    return cast<MemRefType>(v.getType()).getElementType();
  };
  Type we = elem(c.w);
  if (!elem(c.x).isF32() || !elem(c.y).isF32() ||
      !(we.isF32() || we.isF16() || we.isBF16()))
    return std::nullopt;
  if (!isMultiplyAccumulate(op))
    return std::nullopt;
  ArrayRef<int64_t> ws = cast<MemRefType>(c.w.getType()).getShape();
  c.tokens = cast<MemRefType>(c.x.getType()).getDimSize(0);
  c.rows = ws[0];
  c.cols = ws[1];
  return c;
}

/// Emits the contraction. Unrolled by 4 vectors along k, then single
/// vectors, then one masked vector for the tail.
void emit(OpBuilder &b, Location loc, const FloatContraction &c,
          int64_t lanes, bool parallel) {
  Type f32 = b.getF32Type();
  Type wElem = cast<MemRefType>(c.w.getType()).getElementType();
  auto accType = VectorType::get({lanes}, f32);
  auto wType = VectorType::get({lanes}, wElem);
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value zero = arith::ConstantOp::create(b, loc, accType,
                                         DenseElementsAttr::get(
                                             accType, b.getF32FloatAttr(0)));
  Value padX = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  Value padW = arith::ConstantOp::create(b, loc, b.getFloatAttr(wElem, 0));
  Value tokens = ShapedType::isDynamic(c.tokens)
                     ? Value(memref::DimOp::create(b, loc, c.x, 0))
                     : idx(c.tokens);
  int64_t unrolled = c.cols / (4 * lanes) * 4 * lanes;
  int64_t whole = c.cols / lanes * lanes;

  auto fma = [&](OpBuilder &b, Value t, Value n, Value k, Value acc,
                 bool inBounds) -> Value {
    Value xv = vector::TransferReadOp::create(
        b, loc, accType, c.x, ValueRange{t, k}, padX,
        ArrayRef<bool>{inBounds});
    Value wv = vector::TransferReadOp::create(
        b, loc, wType, c.w, ValueRange{n, k}, padW, ArrayRef<bool>{inBounds});
    if (wElem != f32)
      wv = arith::ExtFOp::create(b, loc, accType, wv);
    return vector::FMAOp::create(b, loc, wv, xv, acc);
  };

  auto row = [&](OpBuilder &b, Location loc, Value n) {
    scf::ForOp::create(
        b, loc, idx(0), tokens, idx(1), ValueRange{},
        [&](OpBuilder &b, Location loc, Value t, ValueRange) {
          Value acc = zero;
          if (unrolled > 0) {
            auto loop = scf::ForOp::create(
                b, loc, idx(0), idx(unrolled), idx(4 * lanes),
                ValueRange{zero, zero, zero, zero},
                [&](OpBuilder &b, Location loc, Value k, ValueRange accs) {
                  SmallVector<Value> next;
                  for (int64_t j = 0; j < 4; ++j) {
                    Value kj = arith::AddIOp::create(b, loc, k,
                                                     idx(j * lanes));
                    next.push_back(fma(b, t, n, kj, accs[j], true));
                  }
                  scf::YieldOp::create(b, loc, next);
                });
            Value s01 = arith::AddFOp::create(b, loc, loop.getResult(0),
                                              loop.getResult(1));
            Value s23 = arith::AddFOp::create(b, loc, loop.getResult(2),
                                              loop.getResult(3));
            acc = arith::AddFOp::create(b, loc, s01, s23);
          }
          if (whole > unrolled)
            acc = scf::ForOp::create(
                      b, loc, idx(unrolled), idx(whole), idx(lanes),
                      ValueRange{acc},
                      [&](OpBuilder &b, Location loc, Value k,
                          ValueRange accs) {
                        scf::YieldOp::create(
                            b, loc, fma(b, t, n, k, accs[0], true));
                      })
                      .getResult(0);
          if (c.cols > whole)
            acc = fma(b, t, n, idx(whole), acc, false);
          Value sum = vector::ReductionOp::create(
              b, loc, vector::CombiningKind::ADD, acc, Value(),
              arith::FastMathFlags::reassoc);
          Value old = memref::LoadOp::create(b, loc, c.y, ValueRange{t, n});
          Value updated = arith::AddFOp::create(b, loc, old, sum);
          memref::StoreOp::create(b, loc, updated, c.y, ValueRange{t, n});
          scf::YieldOp::create(b, loc);
        });
  };

  if (parallel) {
    lowbit::kernels::emitThreadedLoop(
        b, loc, idx(c.rows),
        [&](OpBuilder &b, Value n) { row(b, loc, n); });
  } else {
    scf::ForOp::create(b, loc, idx(0), idx(c.rows), idx(1), ValueRange{},
                       [&](OpBuilder &b, Location loc, Value n, ValueRange) {
                         row(b, loc, n);
                         scf::YieldOp::create(b, loc);
                       });
  }
}

struct VectorizeFloatContractions
    : public lowbit::impl::LowBitVectorizeFloatContractionsPassBase<
          VectorizeFloatContractions> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    int64_t lanes = 4;
    if (lowbit::TargetAttr target = lowbit::TargetAttr::lookup(module))
      lanes = std::max<int64_t>(4, target.getVectorBytes() / 4);
    SmallVector<std::pair<linalg::GenericOp, FloatContraction>> found;
    module.walk([&](linalg::GenericOp op) {
      if (std::optional<FloatContraction> c = match(op))
        found.emplace_back(op, *c);
    });
    for (auto &[op, c] : found) {
      OpBuilder b(op);
      bool parallel = parallelThreshold > 0 &&
                      c.rows * c.cols >= parallelThreshold;
      emit(b, op.getLoc(), c, lanes, parallel);
      op.erase();
    }
  }
};

} // namespace
