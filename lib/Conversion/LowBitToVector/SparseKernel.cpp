//===- SparseKernel.cpp - The CSR side path as vector gathers -------------===//
//
// Sparse outliers are ~1 % of a matrix, a few dozen per row: the kernel is
// bound by the gathers and the CSR bytes, so it keeps one accumulator per
// output and spends its effort on vector-wide gathers (vpgatherdd on
// x86; NEON has none and LLVM scalarizes them there).
//
//===----------------------------------------------------------------------===//

#include "SparseKernel.h"
#include "ThreadedLoop.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace lowbit::kernels {

void expandSparseKernel(KernelSparseMatmulOp op, unsigned vectorBytes) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  Type f32 = b.getF32Type(), i32 = b.getI32Type();
  auto vType = cast<MemRefType>(op.getValues().getType());
  auto cType = cast<MemRefType>(op.getColumns().getType());
  // T may be dynamic (one weight function for decode and prefill).
  Value tokens = memref::DimOp::create(b, loc, op.getInput(), 0);
  int64_t rows = cast<MemRefType>(op.getInit().getType()).getDimSize(1);
  int64_t lanes = std::max<int64_t>(4, vectorBytes / 4);
  auto accType = VectorType::get({lanes}, f32);
  auto valueType = VectorType::get({lanes}, vType.getElementType());
  auto columnType = VectorType::get({lanes}, cType.getElementType());
  auto indexType = VectorType::get({lanes}, i32);
  auto maskType = VectorType::get({lanes}, b.getI1Type());
  auto idx = [&](OpBuilder &b, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto splat = [&](OpBuilder &b, VectorType t, Attribute zero) -> Value {
    return arith::ConstantOp::create(b, loc, t, DenseElementsAttr::get(t, zero));
  };

  // acc + x[t, columns[p..]] * values[p..] for `lanes` entries from p
  // (those under `mask`, or all).
  auto step = [&](OpBuilder &b, Value t, Value p, Value acc, Value mask) {
    Value cols, vals;
    if (mask) {
      cols = vector::MaskedLoadOp::create(
          b, loc, columnType, op.getColumns(), ValueRange{p}, mask,
          splat(b, columnType, b.getIntegerAttr(cType.getElementType(), 0)));
      vals = vector::MaskedLoadOp::create(
          b, loc, valueType, op.getValues(), ValueRange{p}, mask,
          splat(b, valueType, b.getFloatAttr(vType.getElementType(), 0)));
    } else {
      cols = vector::LoadOp::create(b, loc, columnType, op.getColumns(),
                                    ValueRange{p});
      vals = vector::LoadOp::create(b, loc, valueType, op.getValues(),
                                    ValueRange{p});
      mask = splat(b, maskType, b.getBoolAttr(true));
    }
    // Columns are unsigned (i16 reaches K = 65535).
    if (cType.getElementType() != i32)
      cols = arith::ExtUIOp::create(b, loc, indexType, cols);
    if (vType.getElementType() != f32)
      vals = arith::ExtFOp::create(b, loc, accType, vals);
    Value xs = vector::GatherOp::create(b, loc, accType, op.getInput(),
                                        ValueRange{t, idx(b, 0)}, cols, mask,
                                        splat(b, accType, b.getF32FloatAttr(0)));
    return vector::FMAOp::create(b, loc, xs, vals, acc).getResult();
  };

  auto row = [&](OpBuilder &b, Value n) {
    auto offsetAt = [&](Value i) -> Value {
      Value o = memref::LoadOp::create(b, loc, op.getOffsets(), ValueRange{i});
      return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), o);
    };
    Value lo = offsetAt(n);
    Value hi = offsetAt(arith::AddIOp::create(b, loc, n, idx(b, 1)));
    Value count = arith::SubIOp::create(b, loc, hi, lo);
    Value whole = arith::AddIOp::create(
        b, loc, lo,
        arith::MulIOp::create(
            b, loc, arith::DivUIOp::create(b, loc, count, idx(b, lanes)),
            idx(b, lanes)));
    Value rest = arith::SubIOp::create(b, loc, hi, whole);
    Value tailMask = vector::CreateMaskOp::create(b, loc, maskType,
                                                  ValueRange{rest});
    scf::ForOp::create(
        b, loc, idx(b, 0), tokens, idx(b, 1), ValueRange{},
        [&](OpBuilder &b, Location, Value t, ValueRange) {
          Value zero = splat(b, accType, b.getF32FloatAttr(0));
          Value acc =
              scf::ForOp::create(
                  b, loc, lo, whole, idx(b, lanes), ValueRange{zero},
                  [&](OpBuilder &b, Location, Value p, ValueRange accs) {
                    scf::YieldOp::create(b, loc,
                                         step(b, t, p, accs[0], Value()));
                  })
                  .getResult(0);
          acc = step(b, t, whole, acc, tailMask);
          Value sum = vector::ReductionOp::create(
              b, loc, vector::CombiningKind::ADD, acc, Value(),
              arith::FastMathFlags::reassoc);
          memref::StoreOp::create(b, loc, sum, op.getInit(), ValueRange{t, n});
          scf::YieldOp::create(b, loc);
        });
  };

  if (op.getParallel()) {
    emitThreadedLoop(b, loc, idx(b, rows),
                     [&](OpBuilder &b, Value n) { row(b, n); });
  } else {
    scf::ForOp::create(b, loc, idx(b, 0), idx(b, rows), idx(b, 1),
                       ValueRange{},
                       [&](OpBuilder &b, Location, Value n, ValueRange) {
                         row(b, n);
                         scf::YieldOp::create(b, loc);
                       });
  }
  op.erase();
}

} // namespace lowbit::kernels
