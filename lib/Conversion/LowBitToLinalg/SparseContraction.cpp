//===- SparseContraction.cpp - lowbit.sparse_matmul as scalar CSR loops ---===//
//
// The reference: a linalg.generic over [T, N] whose body walks row n's
// range of the CSR arrays in order (scf.for), one multiply-add at a time.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Conversion/LowBitToLinalg/LowBitToLinalg.h"
#include "lowbit/Dialect/LowBit/IR/MatrixView.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace lowbit {

Value emitSparseContraction(OpBuilder &b, Location loc, Value input,
                            Value values, Value columns, Value offsets,
                            RankedTensorType resultType) {
  MLIRContext *ctx = b.getContext();
  Type f32 = b.getF32Type();
  Value x = toMatrix(b, loc, input);
  int64_t t = cast<RankedTensorType>(x.getType()).getDimSize(0);
  int64_t n = cast<RankedTensorType>(offsets.getType()).getDimSize(0) - 1;
  auto yType = RankedTensorType::get({t, n}, f32);
  Value yInit = emitZeroMatrix(b, loc, x, n);
  Value y =
      linalg::GenericOp::create(
          b, loc, TypeRange{yType}, ValueRange{}, ValueRange{yInit},
          ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(2, ctx)},
          ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                        utils::IteratorType::parallel},
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            Value row = linalg::IndexOp::create(nb, nl, 0);
            Value col = linalg::IndexOp::create(nb, nl, 1);
            Value one = arith::ConstantIndexOp::create(nb, nl, 1);
            auto offsetAt = [&](Value i) -> Value {
              Value o = tensor::ExtractOp::create(nb, nl, offsets, i);
              return arith::IndexCastUIOp::create(nb, nl, nb.getIndexType(),
                                                  o);
            };
            Value lo = offsetAt(col);
            Value hi = offsetAt(arith::AddIOp::create(nb, nl, col, one));
            auto loop = scf::ForOp::create(
                nb, nl, lo, hi, one, ValueRange{args[0]},
                [&](OpBuilder &lb, Location ll, Value p, ValueRange acc) {
                  Value c = tensor::ExtractOp::create(lb, ll, columns, p);
                  Value k = arith::IndexCastUIOp::create(
                      lb, ll, lb.getIndexType(), c);
                  Value w = tensor::ExtractOp::create(lb, ll, values, p);
                  if (!w.getType().isF32())
                    w = arith::ExtFOp::create(lb, ll, f32, w);
                  Value xv =
                      tensor::ExtractOp::create(lb, ll, x, ValueRange{row, k});
                  Value m = arith::MulFOp::create(lb, ll, xv, w);
                  Value s = arith::AddFOp::create(lb, ll, acc[0], m);
                  scf::YieldOp::create(lb, ll, s);
                });
            linalg::YieldOp::create(nb, nl, loop.getResult(0));
          })
          .getResult(0);
  return fromMatrix(b, loc, y, resultType);
}

} // namespace lowbit
