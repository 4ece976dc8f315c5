//===- Activations.cpp - Activations prepared once per kernel call --------===//
//
// Integer path: per group of G, int8 codes (amax/127, round-half-even,
// replicated to a register when W > G), the scale, the per-lane zero-point
// correction (k-quads: one total per group) and scale x sum for mins.
// Float path: a zero-padded f32 copy.
//
//===----------------------------------------------------------------------===//

#include "KernelEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::codegen;
using namespace lowbit::kernels;

/// Group `blk` of token `t`, zero-padded past the last column.
Value Emitter::readGroup(Value x, Value t, Value blk) {
  bool inBounds = l.cols % G == 0;
  return vector::TransferReadOp::create(b, vec(G, b.getF32Type()), x,
                                        ValueRange{t, scaled(blk, G)},
                                        f32(0.0f), ArrayRef<bool>{inBounds});
}

void Emitter::prepareIntActivations(Value x) {
  Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32t = b.getF32Type();
  forLoop(b, idx(0), rows, idx(1), {}, [&](Value t, ValueRange) {
    forLoop(b, idx(0), idx(nb), idx(1), {}, [&](Value blk, ValueRange) {
      Value xv = readGroup(x, t, blk);
      Value absx = math::AbsFOp::create(b, xv);
      // maximumf, not maxnumf: a NaN activation makes the group's scale NaN
      // and so the output NaN, as on the float path, instead of being
      // dropped as a zero code.
      Value amax =
          vector::ReductionOp::create(b, vector::CombiningKind::MAXIMUMF, absx);
      Value positive =
          arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, amax, f32(0.0f));
      Value inv = arith::SelectOp::create(
          b, positive, arith::DivFOp::create(b, f32(127.0f), amax), f32(0.0f));
      Value scale = arith::DivFOp::create(b, amax, f32(127.0f));
      Value q = math::RoundEvenOp::create(
          b, arith::MulFOp::create(b, xv, splat(inv, G)));
      Value qi = arith::FPToSIOp::create(b, vec(G, i32), q);
      Value q8 = arith::TruncIOp::create(b, vec(G, i8), qi);
      // Replicate the group across one register when W > G.
      Value rep = q8;
      if (A > G) {
        SmallVector<int64_t> mask;
        for (unsigned i = 0; i < A; ++i)
          mask.push_back(i % G);
        rep = vector::ShuffleOp::create(b, q8, q8, mask);
      }
      Value tb = add(scaled(t, nb), blk);
      vector::StoreOp::create(b, rep, act.codes, ValueRange{scaled(tb, A)});
      memref::StoreOp::create(b, scale, act.scale, ValueRange{tb});
      int64_t factor = int64_t(signedBias()) - l.zeroPoint;
      Value sum;
      if (quad || l.hasMin)
        sum = vector::ReductionOp::create(b, vector::CombiningKind::ADD, qi);
      if (quad) {
        // k-quads: (bias - Z) x the group's sum starts each token's dot.
        memref::StoreOp::create(
            b,
            mul(sum, arith::ConstantOp::create(b, b.getI32IntegerAttr(factor))),
            act.total, ValueRange{tb});
      } else {
        // Per i32 lane, (bias - Z) x the sum of its four codes.
        Value wide = arith::ExtSIOp::create(b, vec(A, i32), rep);
        Value lanes;
        for (unsigned j = 0; j < 4; ++j) {
          SmallVector<int64_t> mask;
          for (unsigned i = 0; i < A / 4; ++i)
            mask.push_back(4 * i + j);
          Value part = vector::ShuffleOp::create(b, wide, wide, mask);
          lanes = lanes ? add(lanes, part) : part;
        }
        Value corr = mul(lanes, splatInt(factor, A / 4, i32));
        vector::StoreOp::create(b, corr, act.corr,
                                ValueRange{scaled(tb, A / 4)});
      }
      if (l.hasMin) {
        Value fsum = arith::SIToFPOp::create(b, f32t, sum);
        memref::StoreOp::create(b, arith::MulFOp::create(b, scale, fsum),
                                act.sum, ValueRange{tb});
      }
      return SmallVector<Value>{};
    });
    return SmallVector<Value>{};
  });
}

void Emitter::prepareFloatActivations(Value x) {
  int64_t Kp = l.paddedCols();
  forLoop(b, idx(0), rows, idx(1), {}, [&](Value t, ValueRange) {
    forLoop(b, idx(0), idx(nb), idx(1), {}, [&](Value blk, ValueRange) {
      Value xv = readGroup(x, t, blk);
      vector::StoreOp::create(b, xv, act.padded,
                              ValueRange{add(scaled(t, Kp), scaled(blk, G))});
      return SmallVector<Value>{};
    });
    return SmallVector<Value>{};
  });
}
