//===- KernelEmitter.cpp - Fused dequantize-and-multiply vector kernels ---===//
//
// Structure of a kernel (see KernelLayout.h for the record layout):
//
//   prepare activations once per call:
//     int path:   per group of G: int8 codes (replicated to a register),
//                 per-lane zero-point correction, scale, scale x sum
//     float path: a zero-padded copy of x
//   for each row group (parallel over threads for large weights):
//     for each tile of up to 4 (int) / 2 (float) tokens:
//       for each group of G columns: load one record, decode nibbles with
//         and/shift, accumulate per-lane f32 partial sums (one accumulator
//         per register chunk and token: independent chains)
//       reduce lanes per row (reassociation allowed only here), store y
//
//===----------------------------------------------------------------------===//

#include "lowbit/Conversion/LowBitToVector/KernelEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::codegen;

namespace {

using LocBuilder = ImplicitLocOpBuilder;

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
  Emitter(LocBuilder &b, const KernelSpec &s)
      : b(b), s(s), l(s.layout), intDot(usesIntegerDot(s)),
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
  const KernelSpec &s;
  const KernelLayout &l;
  bool intDot, quad;
  unsigned G, R, W, nb, A, L, Lf;
  ActBuffers act;
  Value table; ///< memref<2^bits x f32> of a float codebook

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

  /// Bias subtracted from codes before a signed x signed dot product.
  int signedBias() const {
    switch (s.target->dot) {
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

  Value readGroup(Value x, Value t, Value blk);
  void prepareIntActivations(Value x);
  void prepareFloatActivations(Value x);
  Value loadScales(Value w, Value at, bool isMin);
  std::pair<Value, Value> loadRecordScales(Value w, Value rec, Value g,
                                           Value blk);
  SmallVector<Value> loadCodes(Value w, Value rec);
  SmallVector<Value> loadIntCodes(Value w, Value rec);
  void addHighBits(Value w, Value rec, SmallVector<Value> &codes);
  Value lookupCodes(Value indices);
  Value dot(Value acc, Value codes, Value acts);
  Value avx2Dot(Value codes, Value acts);
  void emitIteration(Value w, Value y, Value i);
  void emitRowGroups(Value w, Value y, ArrayRef<Value> gs);
  void emitTileLoop(Value w, Value y, ArrayRef<Value> gs, unsigned begin,
                    unsigned end, unsigned tile);
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

// Loops with iter_args built from lambdas that use the same builder.
SmallVector<Value>
forLoop(LocBuilder &b, Value lo, Value hi, Value step, ValueRange init,
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

} // namespace

bool lowbit::usesIntegerDot(const KernelSpec &spec) {
  return !spec.floatPath && spec.target->dot != DotKind::None &&
         supportsIntegerDot(spec.layout);
}

FunctionType lowbit::kernelType(MLIRContext *ctx, const KernelSpec &spec) {
  const KernelLayout &l = spec.layout;
  int64_t T = spec.tokens;
  auto f32 = Float32Type::get(ctx);
  auto strided = StridedLayoutAttr::get(ctx, ShapedType::kDynamic,
                                        {ShapedType::kDynamic, 1});
  auto x = MemRefType::get({T, int64_t(l.cols)}, f32, strided);
  auto w = MemRefType::get({int64_t(l.totalBytes())},
                           IntegerType::get(ctx, 8));
  auto y = MemRefType::get({T, int64_t(l.paddedRows())}, f32);
  return FunctionType::get(ctx, {x, w, y}, {});
}

func::FuncOp lowbit::emitKernel(OpBuilder &builder, Location loc,
                                StringRef name, const KernelSpec &spec) {
  auto fn = func::FuncOp::create(builder, loc, name,
                                 kernelType(builder.getContext(), spec));
  fn.setPrivate();
  fn->setAttr("lowbit.kernel", kernelSpecToAttr(builder.getContext(), spec));
  return fn;
}

LogicalResult lowbit::emitKernelBody(func::FuncOp fn) {
  auto attr = fn->getAttrOfType<DictionaryAttr>("lowbit.kernel");
  KernelSpec spec;
  std::string err = attr ? kernelSpecFromAttr(attr, spec)
                         : std::string("missing lowbit.kernel");
  if (err.empty() && fn.getFunctionType() !=
                         kernelType(fn.getContext(), spec))
    err = "signature does not match its spec";
  if (!err.empty())
    return fn.emitError() << "invalid kernel declaration: " << err;
  Block *entry = fn.addEntryBlock();
  OpBuilder builder(fn.getContext());
  builder.setInsertionPointToStart(entry);
  LocBuilder b(fn.getLoc(), builder);
  Emitter(b, spec).emitBody(entry->getArgument(0), entry->getArgument(1),
                            entry->getArgument(2));
  func::ReturnOp::create(b);
  fn->removeAttr("lowbit.kernel");
  return success();
}

DictionaryAttr lowbit::kernelSpecToAttr(MLIRContext *ctx,
                                        const KernelSpec &spec) {
  Builder b(ctx);
  const KernelLayout &l = spec.layout;
  SmallVector<NamedAttribute> f = {
      b.getNamedAttr("rows", b.getI64IntegerAttr(l.rows)),
      b.getNamedAttr("cols", b.getI64IntegerAttr(l.cols)),
      b.getNamedAttr("group", b.getI64IntegerAttr(l.group)),
      b.getNamedAttr("rows_per_group", b.getI64IntegerAttr(l.rowsPerGroup)),
      b.getNamedAttr("vector_bytes", b.getI64IntegerAttr(l.vectorBytes)),
      b.getNamedAttr("code_bits", b.getI64IntegerAttr(l.codeBits)),
      b.getNamedAttr("zero_point", b.getI64IntegerAttr(l.zeroPoint)),
      b.getNamedAttr("scale_f16", b.getBoolAttr(l.scaleF16)),
      b.getNamedAttr("has_min", b.getBoolAttr(l.hasMin)),
      b.getNamedAttr("min_f16", b.getBoolAttr(l.minF16)),
      b.getNamedAttr("table", b.getF32ArrayAttr(l.table)),
      b.getNamedAttr("target", b.getStringAttr(spec.target->name)),
      b.getNamedAttr("float_path", b.getBoolAttr(spec.floatPath)),
      b.getNamedAttr("tokens", b.getI64IntegerAttr(spec.tokens)),
      b.getNamedAttr("parallel_threshold",
                     b.getI64IntegerAttr(spec.parallelThreshold)),
  };
  if (l.quad)
    f.push_back(b.getNamedAttr("quad", b.getBoolAttr(true)));
  if (!l.lookup.empty()) {
    SmallVector<int64_t> lookup(l.lookup.begin(), l.lookup.end());
    f.push_back(b.getNamedAttr("lookup", b.getI64ArrayAttr(lookup)));
  }
  if (l.twoLevel()) {
    f.push_back(
        b.getNamedAttr("super_groups", b.getI64IntegerAttr(l.superGroups)));
    f.push_back(b.getNamedAttr("sub_signed", b.getBoolAttr(l.subSigned)));
    f.push_back(b.getNamedAttr("super_f16", b.getBoolAttr(l.superF16)));
  }
  return b.getDictionaryAttr(f);
}

std::string lowbit::kernelSpecFromAttr(DictionaryAttr d, KernelSpec &spec) {
  std::string missing;
  auto i = [&](StringRef name) -> int64_t {
    if (auto a = d.getAs<IntegerAttr>(name))
      return a.getInt();
    missing = name.str();
    return 0;
  };
  auto flag = [&](StringRef name) -> bool {
    if (auto a = d.getAs<BoolAttr>(name))
      return a.getValue();
    missing = name.str();
    return false;
  };
  KernelLayout &l = spec.layout;
  l.rows = i("rows");
  l.cols = i("cols");
  l.group = i("group");
  l.rowsPerGroup = i("rows_per_group");
  l.vectorBytes = i("vector_bytes");
  l.codeBits = i("code_bits");
  l.zeroPoint = i("zero_point");
  l.scaleF16 = flag("scale_f16");
  l.hasMin = flag("has_min");
  l.minF16 = flag("min_f16");
  if (d.get("quad"))
    l.quad = flag("quad");
  // Two-level scale fields are optional: absent means one level.
  if (d.get("super_groups")) {
    l.superGroups = i("super_groups");
    l.subSigned = flag("sub_signed");
    l.superF16 = flag("super_f16");
  }
  spec.floatPath = flag("float_path");
  spec.tokens = i("tokens");
  spec.parallelThreshold = i("parallel_threshold");
  if (auto t = d.getAs<ArrayAttr>("table")) {
    for (Attribute a : t) {
      auto f = dyn_cast<FloatAttr>(a);
      if (!f)
        return "table entries must be floats";
      l.table.push_back(f.getValueAsDouble());
    }
  }
  if (auto lookup = d.getAs<ArrayAttr>("lookup")) {
    for (Attribute a : lookup) {
      auto v = dyn_cast<IntegerAttr>(a);
      if (!v || v.getInt() < 0 || v.getInt() > 255)
        return "lookup entries must be integers in [0, 255]";
      l.lookup.push_back(uint8_t(v.getInt()));
    }
    if (l.lookup.size() != 16 || l.codeBits != 4 || l.table.empty() ||
        l.table.size() > 16)
      return "a lookup needs 16 entries, 4-bit codes and a table of <= 16";
  }
  auto target = d.getAs<StringAttr>("target");
  spec.target = target ? findTarget(target.getValue()) : nullptr;
  if (!missing.empty())
    return "missing or mistyped '" + missing + "'";
  if (!spec.target)
    return "unknown target";
  if (l.rows == 0 || l.cols == 0 || spec.tokens == 0)
    return "empty shape";
  if ((l.group != 8 && l.group != 16 && l.group != 32) ||
      (l.superGroups == 1 || l.superGroups > 4096) ||
      (l.codeBits != 4 && l.codeBits != 6 && l.codeBits != 8) ||
      l.vectorBytes != spec.target->vectorBytes ||
      (l.rowsPerGroup * l.group) % l.vectorBytes != 0 ||
      (l.codeBits != 8 && l.chunks() % 2 != 0) ||
      (l.quad &&
       (l.rowsPerGroup * 4 != l.vectorBytes || !usesIntegerDot(spec))))
    return "inconsistent layout";
  return "";
}

void Emitter::emitBody(Value x, Value w, Value y) {
  Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32t = b.getF32Type();
  int64_t T = s.tokens;
  auto alloc = [&](int64_t n, Type t) -> Value {
    return memref::AllocOp::create(b, MemRefType::get({n}, t),
                                   b.getI64IntegerAttr(64));
  };
  if (intDot) {
    act.codes = alloc(T * nb * A, i8);
    if (!quad)
      act.corr = alloc(T * nb * (A / 4), i32);
    act.scale = alloc(T * nb, f32t);
    if (l.hasMin)
      act.sum = alloc(T * nb, f32t);
    if (quad)
      act.total = alloc(T * nb, i32);
    prepareIntActivations(x);
  } else {
    act.padded = alloc(T * int64_t(l.paddedCols()), f32t);
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
        auto init = DenseElementsAttr::get(
            RankedTensorType::get(type.getShape(), f32t),
            ArrayRef<float>(l.table));
        memref::GlobalOp::create(mb, b.getLoc(), sym,
                                 mb.getStringAttr("private"), type, init,
                                 /*constant=*/true, IntegerAttr());
      }
      table = memref::GetGlobalOp::create(b, type, sym);
    }
  }

  int64_t weights = int64_t(l.rows) * l.cols;
  bool parallel = s.parallelThreshold > 0 && weights >= s.parallelThreshold;
  Value groups = idx(iterations());
  if (parallel) {
    // Each output row is computed by exactly one thread in a fixed order,
    // so results do not depend on threads.
    // Emitted as omp ops directly: convert-scf-to-openmp wraps the body in
    // a memref.alloca_scope that later scf-to-cf lowering cannot enter.
    Value zero = idx(0), one = idx(1);
    auto par = omp::ParallelOp::create(b);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&par.getRegion().emplaceBlock());
    auto ws = omp::WsloopOp::create(b);
    omp::TerminatorOp::create(b);
    b.setInsertionPointToStart(&ws.getRegion().emplaceBlock());
    auto nest = omp::LoopNestOp::create(
        b, /*collapse_num_loops=*/1, ValueRange{zero}, ValueRange{groups},
        ValueRange{one}, /*loop_inclusive=*/false, nullptr);
    Block &body = nest.getRegion().emplaceBlock();
    Value g = body.addArgument(b.getIndexType(), b.getLoc());
    b.setInsertionPointToStart(&body);
    emitIteration(w, y, g);
    omp::YieldOp::create(b);
  } else {
    forLoop(b, idx(0), groups, idx(1), {}, [&](Value i, ValueRange) {
      emitIteration(w, y, i);
      return SmallVector<Value>{};
    });
  }
  for (Value v : {act.codes, act.corr, act.scale, act.sum, act.total,
                  act.padded})
    if (v)
      memref::DeallocOp::create(b, v);
}

/// Group `blk` of token `t`, zero-padded past the last column.
Value Emitter::readGroup(Value x, Value t, Value blk) {
  bool inBounds = l.cols % G == 0;
  return vector::TransferReadOp::create(
      b, vec(G, b.getF32Type()), x, ValueRange{t, scaled(blk, G)}, f32(0.0f),
      ArrayRef<bool>{inBounds});
}

void Emitter::prepareIntActivations(Value x) {
  Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32t = b.getF32Type();
  forLoop(b, idx(0), idx(s.tokens), idx(1), {}, [&](Value t, ValueRange) {
    forLoop(b, idx(0), idx(nb), idx(1), {}, [&](Value blk, ValueRange) {
      Value xv = readGroup(x, t, blk);
      Value absx = math::AbsFOp::create(b, xv);
      Value amax = vector::ReductionOp::create(
          b, vector::CombiningKind::MAXNUMF, absx);
      Value positive = arith::CmpFOp::create(b, arith::CmpFPredicate::OGT,
                                             amax, f32(0.0f));
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
  forLoop(b, idx(0), idx(s.tokens), idx(1), {}, [&](Value t, ValueRange) {
    forLoop(b, idx(0), idx(nb), idx(1), {}, [&](Value blk, ValueRange) {
      Value xv = readGroup(x, t, blk);
      vector::StoreOp::create(b, xv, act.padded,
                              ValueRange{add(scaled(t, Kp), scaled(blk, G))});
      return SmallVector<Value>{};
    });
    return SmallVector<Value>{};
  });
}

Value Emitter::loadScales(Value w, Value at, bool isMin) {
  bool half = isMin ? l.minF16 : l.scaleF16;
  unsigned width = half ? 2 : 4;
  Type ft = half ? Type(b.getF16Type()) : Type(b.getF32Type());
  Value raw = vector::LoadOp::create(b, vec(R * width, b.getI8Type()), w,
                                     ValueRange{at});
  Value v = vector::BitCastOp::create(b, vec(R, ft), raw);
  if (half)
    v = arith::ExtFOp::create(b, vec(R, b.getF32Type()), v);
  return v;
}

/// d (and m) of the R rows of a record, as R floats each.
std::pair<Value, Value> Emitter::loadRecordScales(Value w, Value rec, Value g,
                                                  Value blk) {
  Value dAt = add(rec, idx(l.codeBytes()));
  Value mAt = add(dAt, idx(l.scaleBytes()));
  if (!l.twoLevel())
    return {loadScales(w, dAt, false),
            l.hasMin ? loadScales(w, mAt, true) : Value()};
  Type i8 = b.getI8Type(), f32t = b.getF32Type();
  Type ft = l.superF16 ? Type(b.getF16Type()) : f32t;
  unsigned width = l.superF16 ? 2 : 4;
  Value sb = arith::DivUIOp::create(b, blk, idx(l.superGroups));
  Value entry = add(idx(l.superOffset()),
                    scaled(add(scaled(g, l.superBlocksPerRow()), sb),
                           l.superBytes()));
  // sub (one byte per row) x D (one float per row and super-block).
  auto level = [&](Value subAt, Value superAt) {
    Value raw = vector::LoadOp::create(b, vec(R, i8), w, ValueRange{subAt});
    Value sub = l.subSigned
                    ? Value(arith::SIToFPOp::create(b, vec(R, f32t), raw))
                    : Value(arith::UIToFPOp::create(b, vec(R, f32t), raw));
    Value bytes = vector::LoadOp::create(b, vec(R * width, i8), w,
                                         ValueRange{superAt});
    Value super = vector::BitCastOp::create(b, vec(R, ft), bytes);
    if (l.superF16)
      super = arith::ExtFOp::create(b, vec(R, f32t), super);
    return Value(arith::MulFOp::create(b, super, sub));
  };
  Value d = level(dAt, entry);
  Value m = l.hasMin ? level(mAt, add(entry, idx(R * width))) : Value();
  return {d, m};
}

SmallVector<Value> Emitter::loadCodes(Value w, Value rec) {
  auto i8 = b.getI8Type();
  SmallVector<Value> codes;
  unsigned C = l.chunks();
  if (l.codeBits == 8) {
    for (unsigned c = 0; c < C; ++c)
      codes.push_back(vector::LoadOp::create(b, vec(W, i8), w,
                                             ValueRange{add(rec, idx(c * W))}));
  } else {
    Value low = splatInt(0x0F, W, i8), four = splatInt(4, W, i8);
    for (unsigned c = 0; c < C; c += 2) {
      Value raw = vector::LoadOp::create(
          b, vec(W, i8), w, ValueRange{add(rec, idx(c / 2 * W))});
      codes.push_back(arith::AndIOp::create(b, raw, low));
      codes.push_back(arith::ShRUIOp::create(b, raw, four));
    }
    if (l.codeBits == 6)
      addHighBits(w, rec, codes);
  }
  return codes;
}

/// 6-bit codes: OR in bits 4-5 from the planes after the nibbles. Plane
/// byte j of pair p holds, in bits 2k..2k+1, the top bits of byte
/// j + (k % 2)·W/2 of chunk 2p + k / 2; each is moved to bits 4-5 and two
/// halves are joined into one register.
void Emitter::addHighBits(Value w, Value rec, SmallVector<Value> &codes) {
  auto i8 = b.getI8Type();
  unsigned half = W / 2, C = l.chunks();
  Value mask = splatInt(0x30, half, i8);
  SmallVector<int64_t> join;
  for (unsigned i = 0; i < W; ++i)
    join.push_back(i);
  for (unsigned c = 0; c < C; c += 2) {
    Value plane = vector::LoadOp::create(
        b, vec(half, i8), w,
        ValueRange{add(rec, idx(C / 2 * W + c / 2 * half))});
    Value parts[4];
    for (int k = 0; k < 4; ++k) {
      int shift = 4 - 2 * k; // bits 2k..2k+1 -> 4..5
      Value v = plane;
      if (shift > 0)
        v = arith::ShLIOp::create(b, v, splatInt(shift, half, i8));
      else if (shift < 0)
        v = arith::ShRUIOp::create(b, v, splatInt(-shift, half, i8));
      parts[k] = arith::AndIOp::create(b, v, mask);
    }
    for (unsigned k = 0; k < 2; ++k) {
      Value high =
          vector::ShuffleOp::create(b, parts[2 * k], parts[2 * k + 1], join);
      codes[c + k] = arith::OrIOp::create(b, codes[c + k], high);
    }
  }
}

/// The codes the integer dot multiplies: codebook indices looked up.
SmallVector<Value> Emitter::loadIntCodes(Value w, Value rec) {
  SmallVector<Value> codes = loadCodes(w, rec);
  if (!l.lookup.empty())
    for (Value &c : codes)
      c = lookupCodes(c);
  return codes;
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
  assert(s.target->lookupIntrinsic && "byte lookup without an integer path");
  StringRef name = s.target->lookupIntrinsic;
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
  Value pairs = LLVM::CallIntrinsicOp::create(
                    b, vec(W / 2, i16), b.getStringAttr(s.target->dotIntrinsic),
                    ValueRange{codes, acts})
                    .getResult(0);
  return LLVM::CallIntrinsicOp::create(
             b, vec(L, i32), b.getStringAttr("llvm.x86.avx2.pmadd.wd"),
             ValueRange{pairs, splatInt(1, W / 2, i16)})
      .getResult(0);
}

Value Emitter::dot(Value acc, Value codes, Value acts) {
  auto i32 = b.getI32Type();
  assert(s.target->dotIntrinsic && "integer dot without a dot instruction");
  StringRef name = s.target->dotIntrinsic;
  // sdot multiplies signed by signed: codes are shifted into int8 range.
  if (s.target->dot == DotKind::NeonSdot)
    codes = arith::SubIOp::create(
        b, codes, splatInt(signedBias(), W, b.getI8Type()));
  if (s.target->dot == DotKind::X86Avx2)
    return arith::AddIOp::create(b, acc, avx2Dot(codes, acts));
  return LLVM::CallIntrinsicOp::create(b, vec(L, i32), b.getStringAttr(name),
                                       ValueRange{acc, codes, acts})
      .getResult(0);
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
  unsigned T = s.tokens;
  unsigned tile = std::min(maxTile, T);
  unsigned main = T / tile * tile;
  emitTileLoop(w, y, gs, 0, main, tile);
  if (main < T)
    emitTileLoop(w, y, gs, main, T, 1);
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

void Emitter::emitTileLoop(Value w, Value y, ArrayRef<Value> gs,
                           unsigned begin, unsigned end, unsigned tile) {
  forLoop(b, idx(begin), idx(end), idx(tile), {}, [&](Value t0, ValueRange) {
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
            unsigned ahead = std::max(1u, 2048u / l.recordBytes()) *
                             l.recordBytes();
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

SmallVector<Value> Emitter::emitIntBlock(Value w, Value rec, Value g,
                                         Value t0, unsigned tile, Value blk,
                                         ValueRange accs) {
  Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32t = b.getF32Type();
  SmallVector<Value> codes = loadIntCodes(w, rec);
  auto [scales, mins] = loadRecordScales(w, rec, g, blk);
  // Lane l of chunk c holds four codes of row (cW + 4l) / G.
  SmallVector<Value> laneScales;
  for (unsigned c = 0; c < l.chunks(); ++c) {
    SmallVector<int64_t> mask;
    for (unsigned lane = 0; lane < L; ++lane)
      mask.push_back((c * W + 4 * lane) / G);
    laneScales.push_back(vector::ShuffleOp::create(b, scales, scales, mask));
  }
  SmallVector<Value> out;
  unsigned per = accsPerToken();
  for (unsigned t = 0; t < tile; ++t) {
    Value tb = add(scaled(add(t0, idx(t)), nb), blk);
    Value da = splat(memref::LoadOp::create(b, act.scale, ValueRange{tb}), L);
    for (unsigned c = 0; c < l.chunks(); ++c) {
      unsigned phase = (c * W) % A;
      Value acts = vector::LoadOp::create(
          b, vec(W, i8), act.codes, ValueRange{add(scaled(tb, A), idx(phase))});
      Value corr = vector::LoadOp::create(
          b, vec(L, i32), act.corr,
          ValueRange{add(scaled(tb, A / 4), idx(phase / 4))});
      Value d = dot(corr, codes[c], acts);
      Value f = arith::SIToFPOp::create(b, vec(L, f32t), d);
      Value fs = arith::MulFOp::create(b, f, da);
      out.push_back(
          vector::FMAOp::create(b, fs, laneScales[c], accs[t * per + c]));
    }
    if (l.hasMin) {
      Value sa = splat(memref::LoadOp::create(b, act.sum, ValueRange{tb}), R);
      out.push_back(
          vector::FMAOp::create(b, mins, sa, accs[t * per + l.chunks()]));
    }
  }
  return out;
}

/// Activations 4j..4j+3 of (token, group) `tb` in every i32 lane.
Value Emitter::broadcastQuad(Value tb, unsigned j) {
  auto i8 = b.getI8Type(), i32 = b.getI32Type();
  Value four = vector::LoadOp::create(
      b, vec(4, i8), act.codes, ValueRange{add(scaled(tb, A), idx(4 * j))});
  Value word = vector::ExtractOp::create(
      b, vector::BitCastOp::create(b, vec(1, i32), four), int64_t(0));
  return vector::BitCastOp::create(b, vec(W, i8), splat(word, L));
}

/// k-quads: lane r of every dot is row r, so a group's chunks accumulate
/// in one i32 register per token (started at the zero-point correction),
/// converted and scaled once per group.
SmallVector<Value> Emitter::emitQuadBlock(Value w, Value rec, Value g,
                                          Value t0, unsigned tile, Value blk,
                                          ValueRange accs) {
  Type f32t = b.getF32Type();
  SmallVector<Value> codes = loadIntCodes(w, rec);
  auto [scales, mins] = loadRecordScales(w, rec, g, blk);
  SmallVector<Value> out;
  for (unsigned t = 0; t < tile; ++t) {
    Value tb = add(scaled(add(t0, idx(t)), nb), blk);
    Value total = memref::LoadOp::create(b, act.total, ValueRange{tb});
    Value acc = splat(total, L);
    for (unsigned j = 0; j < l.chunks(); ++j)
      acc = dot(acc, codes[j], broadcastQuad(tb, j));
    Value da = splat(memref::LoadOp::create(b, act.scale, ValueRange{tb}), R);
    Value f = arith::SIToFPOp::create(b, vec(R, f32t), acc);
    Value sum = vector::FMAOp::create(
        b, f, arith::MulFOp::create(b, scales, da), accs[t]);
    if (l.hasMin) {
      Value sa = splat(memref::LoadOp::create(b, act.sum, ValueRange{tb}), R);
      sum = vector::FMAOp::create(b, mins, sa, sum);
    }
    out.push_back(sum);
  }
  return out;
}

SmallVector<Value> Emitter::emitFloatBlock(Value w, Value rec, Value g,
                                           Value t0, unsigned tile, Value blk,
                                           ValueRange accs) {
  Type i32 = b.getI32Type(), f32t = b.getF32Type();
  SmallVector<Value> codes = loadCodes(w, rec);
  auto [scales, mins] = loadRecordScales(w, rec, g, blk);
  int64_t Kp = l.paddedCols();
  // Decode each Lf-wide slice once, then use it for every token.
  SmallVector<Value> weights;
  SmallVector<unsigned> offsets;
  for (unsigned c = 0; c < l.chunks(); ++c) {
    for (unsigned q = 0; q < W / Lf; ++q) {
      unsigned pos = c * W + q * Lf;
      unsigned row = pos / G;
      Value part = vector::ExtractStridedSliceOp::create(
          b, codes[c], ArrayRef<int64_t>{int64_t(q * Lf)},
          ArrayRef<int64_t>{int64_t(Lf)}, ArrayRef<int64_t>{1});
      Value u = arith::ExtUIOp::create(b, vec(Lf, i32), part);
      Value level;
      if (table) {
        Value mask = arith::ConstantOp::create(
            b, DenseElementsAttr::get(vec(Lf, b.getI1Type()), true));
        Value zero = arith::ConstantOp::create(
            b, DenseElementsAttr::get(vec(Lf, f32t), 0.0f));
        level = vector::GatherOp::create(b, vec(Lf, f32t), table,
                                         ValueRange{idx(0)}, u, mask, zero);
      } else {
        Value centred = arith::SubIOp::create(
            b, u, splatInt(l.zeroPoint, Lf, i32));
        level = arith::SIToFPOp::create(b, vec(Lf, f32t), centred);
      }
      Value d = splat(vector::ExtractOp::create(b, scales, int64_t(row)), Lf);
      // The decoder's order: d x level, then + m.
      Value wv = arith::MulFOp::create(b, d, level);
      if (l.hasMin)
        wv = arith::AddFOp::create(
            b, wv, splat(vector::ExtractOp::create(b, mins, int64_t(row)), Lf));
      weights.push_back(wv);
      offsets.push_back(pos % G);
    }
  }
  SmallVector<Value> out;
  unsigned per = accsPerToken();
  for (unsigned t = 0; t < tile; ++t) {
    Value xbase = add(scaled(add(t0, idx(t)), Kp), scaled(blk, G));
    for (unsigned a = 0; a < weights.size(); ++a) {
      Value xv =
          vector::LoadOp::create(b, vec(Lf, f32t), act.padded,
                                 ValueRange{add(xbase, idx(offsets[a]))});
      out.push_back(
          vector::FMAOp::create(b, weights[a], xv, accs[t * per + a]));
    }
  }
  return out;
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
        accumulate(a * Lf / G, vector::ReductionOp::create(
                                   b, vector::CombiningKind::ADD,
                                   accs[t * per + a], reassoc));
    }
    for (unsigned r = 0; r < R; ++r) {
      Value row = add(scaled(g, R), idx(r));
      memref::StoreOp::create(b, rowSums[r] ? rowSums[r] : f32(0.0f), y,
                              ValueRange{tok, row});
    }
  }
}
