//===- KernelStructure.cpp - Kernel function, loops, reduction, stores ----===//
//
// The kernel's skeleton: scratch buffers, the row-group loop (OpenMP for
// large weights, two memory streams per iteration for decode), token
// tiles, the loop over groups of a record row, and the lane reduction and
// stores. Block bodies and activation preparation live beside it.
//
//===----------------------------------------------------------------------===//

#include "KernelEmitter.h"
#include "ThreadedLoop.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::codegen;
using namespace lowbit::kernels;

SmallVector<Value> lowbit::kernels::forLoop(
    LocBuilder &b, Value lo, Value hi, Value step, ValueRange init,
    function_ref<SmallVector<Value>(Value, ValueRange)> body) {
  auto loop = scf::ForOp::create(
      b, lo, hi, step, init,
      [&](OpBuilder &nb, Location, Value iv, ValueRange args) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
        SmallVector<Value> out = body(iv, args);
        scf::YieldOp::create(b, out);
      });
  return SmallVector<Value>(loop.getResults());
}

FunctionType lowbit::kernels::kernelType(MLIRContext *ctx,
                                         const KernelConfig &c) {
  const KernelLayout &l = c.layout;
  int64_t T = c.tokens ? int64_t(c.tokens) : ShapedType::kDynamic;
  auto f32 = Float32Type::get(ctx);
  auto strided = StridedLayoutAttr::get(ctx, ShapedType::kDynamic,
                                        {ShapedType::kDynamic, 1});
  auto x = MemRefType::get({T, int64_t(l.cols)}, f32, strided);
  auto w = MemRefType::get({int64_t(l.totalBytes())}, IntegerType::get(ctx, 8));
  auto y = MemRefType::get({T, int64_t(l.paddedRows())}, f32);
  return FunctionType::get(ctx, {x, w, y}, {});
}

func::FuncOp lowbit::kernels::emitKernel(OpBuilder &builder, Location loc,
                                         StringRef name,
                                         const KernelConfig &c) {
  auto fn = func::FuncOp::create(builder, loc, name,
                                 kernelType(builder.getContext(), c));
  fn.setPrivate();
  Block *entry = fn.addEntryBlock();
  OpBuilder body(fn.getContext());
  body.setInsertionPointToStart(entry);
  LocBuilder b(loc, body);
  Value x = entry->getArgument(0), w = entry->getArgument(1),
        y = entry->getArgument(2);
  if (c.tokens != 0) {
    Emitter(b, c).emitBody(x, w, y);
    func::ReturnOp::create(b);
    return fn;
  }
  // T at run time: one row is a decode mat-vec (its own loop shape, two
  // memory streams); more rows take the token-tiled loops. Both compute
  // each row in the same order, so results do not depend on the path.
  Value t = memref::DimOp::create(b, x, 0);
  Value one = arith::CmpIOp::create(b, arith::CmpIPredicate::eq, t,
                                    arith::ConstantIndexOp::create(b, 1));
  auto branch = scf::IfOp::create(b, one, /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(branch.thenBlock());
    KernelConfig decode = c;
    decode.tokens = 1;
    FunctionType single = kernelType(builder.getContext(), decode);
    Value x1 = memref::CastOp::create(b, single.getInput(0), x);
    Value y1 = memref::CastOp::create(b, single.getInput(2), y);
    Emitter(b, decode).emitBody(x1, w, y1);
    b.setInsertionPointToStart(branch.elseBlock());
    Emitter(b, c).emitBody(x, w, y);
  }
  func::ReturnOp::create(b);
  return fn;
}

void Emitter::emitBody(Value x, Value w, Value y) {
  Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32t = b.getF32Type();
  // Scratch of `n` elements per token.
  auto alloc = [&](int64_t n, Type t) -> Value {
    if (s.tokens)
      return memref::AllocOp::create(
          b, MemRefType::get({int64_t(s.tokens) * n}, t),
          b.getI64IntegerAttr(64));
    return memref::AllocOp::create(
        b, MemRefType::get({ShapedType::kDynamic}, t),
        ValueRange{scaled(rows, n)}, b.getI64IntegerAttr(64));
  };
  rows = s.tokens ? idx(s.tokens) : Value(memref::DimOp::create(b, x, 0));
  if (intDot) {
    act.codes = alloc(nb * A, i8);
    if (!quad)
      act.corr = alloc(nb * (A / 4), i32);
    act.scale = alloc(nb, f32t);
    if (l.hasMin)
      act.sum = alloc(nb, f32t);
    if (quad)
      act.total = alloc(nb, i32);
    prepareIntActivations(x);
  } else {
    act.padded = alloc(int64_t(l.paddedCols()), f32t);
    prepareFloatActivations(x);
    if (!l.table.empty()) {
      // The codebook as a constant global the float path gathers from.
      auto module = b.getBlock()->getParentOp()->getParentOfType<ModuleOp>();
      std::string sym = "lowbit_codebook_" + std::to_string(l.table.size());
      for (float v : l.table)
        sym += "_" + std::to_string(uint32_t(llvm::bit_cast<uint32_t>(v)));
      auto type = MemRefType::get({int64_t(l.table.size())}, f32t);
      if (!module.lookupSymbol(sym)) {
        OpBuilder mb(module.getBodyRegion());
        auto init =
            DenseElementsAttr::get(RankedTensorType::get(type.getShape(), f32t),
                                   ArrayRef<float>(l.table));
        memref::GlobalOp::create(mb, b.getLoc(), sym,
                                 mb.getStringAttr("private"), type, init,
                                 /*constant=*/true, IntegerAttr());
      }
      table = memref::GetGlobalOp::create(b, type, sym);
    }
  }

  bool parallel = s.parallel;
  Value groups = idx(iterations());
  if (parallel) {
    // Each output row is computed by exactly one thread in a fixed order,
    // so results do not depend on threads.
    emitThreadedLoop(b, b.getLoc(), groups, [&](OpBuilder &, Value g) {
      emitIteration(w, y, g);
    });
  } else {
    forLoop(b, idx(0), groups, idx(1), {}, [&](Value i, ValueRange) {
      emitIteration(w, y, i);
      return SmallVector<Value>{};
    });
  }
  for (Value v :
       {act.codes, act.corr, act.scale, act.sum, act.total, act.padded})
    if (v)
      memref::DeallocOp::create(b, v);
}

/// Iteration i: row group i, or row groups i and i + half (the last
/// iteration of an odd count has only its first).
void Emitter::emitIteration(Value w, Value y, Value i) {
  if (streams() == 1)
    return emitRowGroups(w, y, {i});
  unsigned half = (l.rowGroups() + 1) / 2;
  Value second = add(i, idx(half));
  if (l.rowGroups() % 2 == 0)
    return emitRowGroups(w, y, {i, second});
  Value paired = arith::CmpIOp::create(b, arith::CmpIPredicate::ult, second,
                                       idx(l.rowGroups()));
  auto branch = scf::IfOp::create(b, paired, /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(branch.thenBlock());
  emitRowGroups(w, y, {i, second});
  b.setInsertionPointToStart(branch.elseBlock());
  emitRowGroups(w, y, {i});
}

void Emitter::emitRowGroups(Value w, Value y, ArrayRef<Value> gs) {
  unsigned maxTile = quad ? 8 : intDot ? 4 : 2;
  if (s.tokens) {
    unsigned T = s.tokens;
    unsigned tile = std::min(maxTile, T);
    unsigned main = T / tile * tile;
    emitTileLoop(w, y, gs, idx(0), idx(main), tile);
    if (main < T)
      emitTileLoop(w, y, gs, idx(main), rows, 1);
    return;
  }
  // T at run time: whole tiles, then the rest one token at a time.
  Value main = mul(arith::DivUIOp::create(b, rows, idx(maxTile)), idx(maxTile));
  emitTileLoop(w, y, gs, idx(0), main, maxTile);
  emitTileLoop(w, y, gs, main, rows, 1);
}

SmallVector<Value> Emitter::initialAccumulators(unsigned tile) {
  auto f32t = b.getF32Type();
  SmallVector<Value> init;
  for (unsigned t = 0; t < tile; ++t) {
    if (quad) {
      init.push_back(arith::ConstantOp::create(
          b, DenseElementsAttr::get(vec(R, f32t), 0.0f)));
    } else if (intDot) {
      for (unsigned c = 0; c < l.chunks(); ++c)
        init.push_back(arith::ConstantOp::create(
            b, DenseElementsAttr::get(vec(L, f32t), 0.0f)));
      if (l.hasMin)
        init.push_back(arith::ConstantOp::create(
            b, DenseElementsAttr::get(vec(R, f32t), 0.0f)));
    } else {
      for (unsigned a = 0; a < R * G / Lf; ++a)
        init.push_back(arith::ConstantOp::create(
            b, DenseElementsAttr::get(vec(Lf, f32t), 0.0f)));
    }
  }
  return init;
}

void Emitter::emitTileLoop(Value w, Value y, ArrayRef<Value> gs, Value begin,
                           Value end, unsigned tile) {
  forLoop(b, begin, end, idx(tile), {}, [&](Value t0, ValueRange) {
    SmallVector<Value> init;
    for (size_t k = 0; k < gs.size(); ++k)
      llvm::append_range(init, initialAccumulators(tile));
    size_t per = init.size() / gs.size();
    SmallVector<Value> accs = forLoop(
        b, idx(0), idx(nb), idx(1), init, [&](Value blk, ValueRange args) {
          SmallVector<Value> out;
          for (auto [k, g] : llvm::enumerate(gs)) {
            Value base = scaled(g, int64_t(nb) * l.recordBytes());
            Value rec = add(base, scaled(blk, l.recordBytes()));
            // Prefetch a few records ahead: the weight stream is the bound.
            unsigned ahead =
                std::max(1u, 2048u / l.recordBytes()) * l.recordBytes();
            memref::PrefetchOp::create(b, w, ValueRange{add(rec, idx(ahead))},
                                       /*isWrite=*/false, /*locality=*/0,
                                       /*isDataCache=*/true);
            ValueRange mine = args.slice(k * per, per);
            llvm::append_range(
                out, quad     ? emitQuadBlock(w, rec, g, t0, tile, blk, mine)
                     : intDot ? emitIntBlock(w, rec, g, t0, tile, blk, mine)
                              : emitFloatBlock(w, rec, g, t0, tile, blk, mine));
          }
          return out;
        });
    for (auto [k, g] : llvm::enumerate(gs))
      emitReduceAndStore(y, g, t0, tile,
                         ArrayRef<Value>(accs).slice(k * per, per));
    return SmallVector<Value>{};
  });
}

void Emitter::emitReduceAndStore(Value y, Value g, Value t0, unsigned tile,
                                 ValueRange accs) {
  unsigned per = accsPerToken();
  auto reassoc = arith::FastMathFlags::reassoc;
  if (quad) {
    // One lane per row: no reduction.
    for (unsigned t = 0; t < tile; ++t)
      vector::StoreOp::create(b, accs[t], y,
                              ValueRange{add(t0, idx(t)), scaled(g, R)});
    return;
  }
  for (unsigned t = 0; t < tile; ++t) {
    Value tok = add(t0, idx(t));
    SmallVector<Value> rowSums(R);
    auto accumulate = [&](unsigned row, Value v) {
      rowSums[row] =
          rowSums[row] ? arith::AddFOp::create(b, rowSums[row], v) : v;
    };
    if (intDot) {
      for (unsigned c = 0; c < l.chunks(); ++c) {
        Value acc = accs[t * per + c];
        // Rows covered by this chunk, each a run of consecutive lanes.
        for (unsigned lane = 0; lane < L;) {
          unsigned row = (c * W + 4 * lane) / G;
          unsigned end = lane;
          while (end < L && (c * W + 4 * end) / G == row)
            ++end;
          Value part = acc;
          if (end - lane != L)
            part = vector::ExtractStridedSliceOp::create(
                b, acc, ArrayRef<int64_t>{int64_t(lane)},
                ArrayRef<int64_t>{int64_t(end - lane)}, ArrayRef<int64_t>{1});
          accumulate(row, vector::ReductionOp::create(
                              b, vector::CombiningKind::ADD, part, reassoc));
          lane = end;
        }
      }
      if (l.hasMin)
        for (unsigned r = 0; r < R; ++r)
          accumulate(r, vector::ExtractOp::create(b, accs[t * per + l.chunks()],
                                                  int64_t(r)));
    } else {
      for (unsigned a = 0; a < per; ++a)
        accumulate(a * Lf / G,
                   vector::ReductionOp::create(b, vector::CombiningKind::ADD,
                                               accs[t * per + a], reassoc));
    }
    for (unsigned r = 0; r < R; ++r) {
      Value row = add(scaled(g, R), idx(r));
      memref::StoreOp::create(b, rowSums[r] ? rowSums[r] : f32(0.0f), y,
                              ValueRange{tok, row});
    }
  }
}
