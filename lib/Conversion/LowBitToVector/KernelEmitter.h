//===- KernelEmitter.h - Private: the vector kernel generator ---*- C++ -*-===//
//
// Emits one func.func on memrefs that computes y[t, n] = sum_k x[t, k] W[n, k]
// for a weight repacked by codegen::repackForKernel, using vector/arith/scf/
// memref and, for int8 dot products and byte lookups, the target's LLVM
// intrinsics. lowbit-expand-kernels is its only user; the generator is split
// by concern, one file each:
//
//   KernelStructure.cpp  the function, scratch, row-group loop (threads, two
//                        memory streams), token tiles, lane reduction, stores
//   Activations.cpp      activation preparation (int8 per group, or padded f32)
//   BlockBodies.cpp      code and scale loading, the int / k-quad / float
//                        block bodies
//   DotProducts.cpp      per-target int8 dot products and byte lookups, keyed
//                        by codegen::DotKind and LookupKind
//
//   func @k(%x: memref<TxKxf32, strided<[?, 1], offset: ?>>,
//           %w: memref<BYTESxi8>, %y: memref<TxNpxf32>)
//
// Np is the row count padded to the layout's row groups. T may be dynamic
// (`?`, one weight function serving decode and prefill): the kernel then
// runs the T = 1 body (the decode mat-vec) when one row comes, else the
// same loops with T read at run time. Structure:
//
//   prepare activations once per call:
//     int path:   per group of G: int8 codes (replicated to a register),
//                 per-lane zero-point correction, scale, scale x sum
//     float path: a zero-padded copy of x
//   for each row group (parallel over threads for large weights):
//     for each tile of up to 4 (int; 8 on k-quads) / 2 (float) tokens:
//       for each group of G columns: load one record, decode nibbles with
//         and/shift, accumulate per-lane f32 partial sums (one accumulator
//         per register chunk and token: independent chains)
//       reduce lanes per row (reassociation allowed only here), store y
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_KERNELEMITTER_H
#define LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_KERNELEMITTER_H

#include "lowbit/Codegen/KernelLayout.h"
#include "lowbit/Codegen/Targets.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace lowbit::kernels {

// A private header of the kernel generator's files, which all speak MLIR.
using namespace mlir;
using LocBuilder = ImplicitLocOpBuilder;

/// Everything one kernel depends on (the kernel op's layout and flags, the
/// module's target).
struct KernelConfig {
  codegen::KernelLayout layout;
  codegen::KernelTarget target;
  bool floatPath = false; ///< decode to f32 instead of int8 dot products
  unsigned tokens = 1; ///< T: rows of x (1 = decode mat-vec, 0 = at run time)
  bool parallel = false;  ///< row groups on OpenMP threads
};

/// The memref types of the kernel's three arguments.
mlir::FunctionType kernelType(mlir::MLIRContext *ctx, const KernelConfig &c);

/// Creates the kernel, body included, at the builder's insertion point (a
/// module body).
mlir::func::FuncOp emitKernel(mlir::OpBuilder &builder, mlir::Location loc,
                              llvm::StringRef name, const KernelConfig &c);

/// Offsets into the activation scratch of the int path, per (token, group).
struct ActBuffers {
  Value codes;  ///< memref<T*nb*A x i8>
  Value corr;   ///< memref<T*nb*A/4 x i32>
  Value scale;  ///< memref<T*nb x f32>
  Value sum;    ///< memref<T*nb x f32> (scale x sum of codes), if hasMin
  Value total;  ///< k-quads: memref<T*nb x i32>, (bias - Z) x sum of codes
  Value padded; ///< float path: memref<T*Kp x f32>
};

class Emitter {
public:
  Emitter(LocBuilder &b, const KernelConfig &s)
      : b(b), s(s), l(s.layout),
        intDot(codegen::usesIntegerDot(s.layout, s.target, s.floatPath)),
        quad(intDot && s.layout.quad) {
    G = l.group;
    R = l.rowsPerGroup;
    W = l.vectorBytes;
    nb = l.blocksPerRow();
    A = std::max(W, G);
    L = W / 4;
    Lf = std::min<unsigned>(W / 4, G);
  }

  void emitBody(Value x, Value w, Value y);

private:
  LocBuilder &b;
  const KernelConfig &s;
  const codegen::KernelLayout &l;
  bool intDot, quad;
  unsigned G, R, W, nb, A, L, Lf;
  ActBuffers act;
  Value table; ///< memref<2^bits x f32> of a float codebook
  Value rows;  ///< T as an index (a constant unless T is dynamic)

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value f32(float v) {
    return arith::ConstantOp::create(b, b.getF32FloatAttr(v));
  }
  VectorType vec(unsigned n, Type t) { return VectorType::get({n}, t); }
  Value splat(Value scalar, unsigned n) {
    return vector::BroadcastOp::create(b, vec(n, scalar.getType()), scalar);
  }
  Value splatInt(int64_t v, unsigned n, Type t) {
    return arith::ConstantOp::create(
        b, DenseElementsAttr::get(vec(n, t), b.getIntegerAttr(t, v)));
  }
  Value add(Value a, Value c) { return arith::AddIOp::create(b, a, c); }
  Value mul(Value a, Value c) { return arith::MulIOp::create(b, a, c); }
  Value scaled(Value i, int64_t f) { return mul(i, idx(f)); }

  /// Bias subtracted from codes before a signed x signed dot product
  /// (DotProducts.cpp).
  int signedBias() const;

  Value readGroup(Value x, Value t, Value blk);
  void prepareIntActivations(Value x);
  void prepareFloatActivations(Value x);
  Value loadScales(Value w, Value at, bool isMin);
  std::pair<Value, Value> loadRecordScales(Value w, Value rec, Value g,
                                           Value blk);
  SmallVector<Value> loadCodes(Value w, Value rec);
  SmallVector<Value> loadIntCodes(Value w, Value rec);
  void addPlaneBits(Value w, Value rec, SmallVector<Value> &codes);
  Value lookupCodes(Value indices);
  Value dot(Value acc, Value codes, Value acts);
  Value avx2Dot(Value codes, Value acts);
  void emitIteration(Value w, Value y, Value i);
  void emitRowGroups(Value w, Value y, ArrayRef<Value> gs);
  void emitTileLoop(Value w, Value y, ArrayRef<Value> gs, Value begin,
                    Value end, unsigned tile);
  SmallVector<Value> initialAccumulators(unsigned tile);
  /// Decode kernels on large weights read two row groups half the weight
  /// apart per iteration: two memory streams per thread.
  unsigned streams() const {
    return s.tokens == 1 && l.rowGroups() >= 8 ? 2 : 1;
  }
  unsigned iterations() const {
    return streams() == 2 ? (l.rowGroups() + 1) / 2 : l.rowGroups();
  }
  SmallVector<Value> emitIntBlock(Value w, Value rec, Value g, Value t0,
                                  unsigned tile, Value blk, ValueRange accs);
  SmallVector<Value> emitFloatBlock(Value w, Value rec, Value g, Value t0,
                                    unsigned tile, Value blk, ValueRange accs);
  void emitReduceAndStore(Value y, Value g, Value t0, unsigned tile,
                          ValueRange accs);
  SmallVector<Value> emitQuadBlock(Value w, Value rec, Value g, Value t0,
                                   unsigned tile, Value blk, ValueRange accs);
  Value broadcastQuad(Value tb, unsigned j);
  unsigned accsPerToken() const {
    if (quad)
      return 1;
    return intDot ? l.chunks() + (l.hasMin ? 1 : 0) : R * G / Lf;
  }
};

/// An scf.for with iter_args whose body is built by a lambda on `b`.
SmallVector<Value>
forLoop(LocBuilder &b, Value lo, Value hi, Value step, ValueRange init,
        llvm::function_ref<SmallVector<Value>(Value, ValueRange)> body);

} // namespace lowbit::kernels

#endif // LOWBIT_LIB_CONVERSION_LOWBITTOVECTOR_KERNELEMITTER_H
