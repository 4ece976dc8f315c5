//===- DotProducts.cpp - Per-target int8 dot products and byte lookups ----===//
//
// Everything that differs between targets, keyed by codegen::DotKind and
// LookupKind: the intrinsic names come from the target table, the operand
// conventions (signed codes for sdot, the vpmaddubsw sign trick on AVX2)
// live here. A new target family adds its case to these functions.
//
//===----------------------------------------------------------------------===//

#include "KernelEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::codegen;
using namespace lowbit::kernels;

/// Bias subtracted from codes before a signed x signed dot product.
int Emitter::signedBias() const {
  switch (s.target.dot) {
  case DotKind::NeonSdot:
    return hasByteCodes(l) ? 128 : 8;
  case DotKind::X86Avx2:
    // vpmaddubsw sums pairs into saturating i16: codes above 63 go
    // through the sign trick on signed codes (|pair| <= 2 x 128 x 127).
    return l.codeBits == 8 || !l.lookup.empty() ? 128 : 0;
  default:
    return 0;
  }
}

/// Codebook indices (0..15 per byte) -> codes, with the target's byte
/// shuffle; `lookup` is replicated into every 16-byte lane.
Value Emitter::lookupCodes(Value indices) {
  auto i8 = b.getI8Type();
  SmallVector<int8_t> bytes;
  for (unsigned i = 0; i < W; ++i)
    bytes.push_back(int8_t(l.lookup[i % 16]));
  Value lut = arith::ConstantOp::create(
      b, DenseElementsAttr::get(vec(W, i8), ArrayRef<int8_t>(bytes)));
  assert(lookupIntrinsic(s.target.lookup) &&
         "byte lookup without an integer path");
  StringRef name = lookupIntrinsic(s.target.lookup);
  return LLVM::CallIntrinsicOp::create(b, vec(W, i8), b.getStringAttr(name),
                                       ValueRange{lut, indices})
      .getResult(0);
}

/// vpdpbusd's lanes without VNNI: vpmaddubsw (u8 x s8 pairs -> i16), then
/// vpmaddwd with ones (i16 pairs -> i32), so lane l again sums bytes
/// 4l..4l+3. Signed codes (bias 128) go as |code| x sign(code)·activation.
Value Emitter::avx2Dot(Value codes, Value acts) {
  Type i8 = b.getI8Type(), i16 = b.getIntegerType(16), i32 = b.getI32Type();
  if (signedBias() != 0) {
    Value signedCodes =
        arith::SubIOp::create(b, codes, splatInt(signedBias(), W, i8));
    acts = LLVM::CallIntrinsicOp::create(
               b, vec(W, i8), b.getStringAttr("llvm.x86.avx2.psign.b"),
               ValueRange{acts, signedCodes})
               .getResult(0);
    codes = math::AbsIOp::create(b, signedCodes);
  }
  Value pairs =
      LLVM::CallIntrinsicOp::create(b, vec(W / 2, i16),
                                    b.getStringAttr(dotIntrinsic(s.target.dot)),
                                    ValueRange{codes, acts})
          .getResult(0);
  return LLVM::CallIntrinsicOp::create(
             b, vec(L, i32), b.getStringAttr("llvm.x86.avx2.pmadd.wd"),
             ValueRange{pairs, splatInt(1, W / 2, i16)})
      .getResult(0);
}

Value Emitter::dot(Value acc, Value codes, Value acts) {
  auto i32 = b.getI32Type();
  assert(dotIntrinsic(s.target.dot) && "integer dot without a dot instruction");
  StringRef name = dotIntrinsic(s.target.dot);
  // sdot multiplies signed by signed: codes are shifted into int8 range.
  if (s.target.dot == DotKind::NeonSdot)
    codes = arith::SubIOp::create(b, codes,
                                  splatInt(signedBias(), W, b.getI8Type()));
  if (s.target.dot == DotKind::X86Avx2)
    return arith::AddIOp::create(b, acc, avx2Dot(codes, acts));
  return LLVM::CallIntrinsicOp::create(b, vec(L, i32), b.getStringAttr(name),
                                       ValueRange{acc, codes, acts})
      .getResult(0);
}
