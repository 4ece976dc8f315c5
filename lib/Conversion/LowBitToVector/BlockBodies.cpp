//===- BlockBodies.cpp - Codes, scales and one record's arithmetic --------===//
//
// Loading a record (nibbles, 6-bit planes, bytes; one- or two-level scales)
// and the three block bodies: int8 dot products on the first layout, on
// k-quads (prefill), and the float path (decode to f32, FMA).
//
//===----------------------------------------------------------------------===//

#include "KernelEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace lowbit;
using namespace lowbit::codegen;
using namespace lowbit::kernels;

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
  Value entry =
      add(idx(l.superOffset()),
          scaled(add(scaled(g, l.superBlocksPerRow()), sb), l.superBytes()));
  // sub (one byte per row) x D (one float per row and super-block).
  auto level = [&](Value subAt, Value superAt) {
    Value raw = vector::LoadOp::create(b, vec(R, i8), w, ValueRange{subAt});
    Value sub = l.subSigned
                    ? Value(arith::SIToFPOp::create(b, vec(R, f32t), raw))
                    : Value(arith::UIToFPOp::create(b, vec(R, f32t), raw));
    Value bytes =
        vector::LoadOp::create(b, vec(R * width, i8), w, ValueRange{superAt});
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
  } else if (l.codeBits == 2) {
    // Four registers of 2-bit crumbs per W bytes.
    Value three = splatInt(3, W, i8);
    for (unsigned c = 0; c < C; c += 4) {
      Value raw = vector::LoadOp::create(b, vec(W, i8), w,
                                         ValueRange{add(rec, idx(c / 4 * W))});
      for (int q = 0; q < 4; ++q) {
        Value v = q == 0
                      ? raw
                      : arith::ShRUIOp::create(b, raw, splatInt(2 * q, W, i8));
        codes.push_back(q == 3 ? v : arith::AndIOp::create(b, v, three));
      }
    }
  } else {
    Value low = splatInt(0x0F, W, i8), four = splatInt(4, W, i8);
    for (unsigned c = 0; c < C; c += 2) {
      Value raw = vector::LoadOp::create(b, vec(W, i8), w,
                                         ValueRange{add(rec, idx(c / 2 * W))});
      codes.push_back(arith::AndIOp::create(b, raw, low));
      codes.push_back(arith::ShRUIOp::create(b, raw, four));
    }
    if (l.codeBits > 4)
      addPlaneBits(w, rec, codes);
  }
  return codes;
}

/// 5- and 6-bit codes: OR in the e = 1 or 2 bits above the nibble from
/// the planes after the nibbles (see writePlanes): P = W·e/4 plane bytes per
/// chunk pair; slot k (bits e·k..) of byte j belongs to byte
/// j + (k % (W/P))·P of chunk 2p + k / (W/P). Each slot is moved to bit 4
/// and the W/P slots of a chunk are joined into one register.
void Emitter::addPlaneBits(Value w, Value rec, SmallVector<Value> &codes) {
  auto i8 = b.getI8Type();
  const unsigned e = l.codeBits - 4, P = W * e / 4, perChunk = W / P,
                 C = l.chunks();
  Value mask = splatInt(((1 << e) - 1) << 4, P, i8);
  for (unsigned c = 0; c < C; c += 2) {
    Value plane = vector::LoadOp::create(
        b, vec(P, i8), w, ValueRange{add(rec, idx(C / 2 * W + c / 2 * P))});
    for (unsigned h = 0; h < 2; ++h) {
      SmallVector<Value> parts;
      for (unsigned q = 0; q < perChunk; ++q) {
        int shift = 4 - int(e * (h * perChunk + q)); // slot -> bit 4
        Value v = plane;
        if (shift > 0)
          v = arith::ShLIOp::create(b, v, splatInt(shift, P, i8));
        else if (shift < 0)
          v = arith::ShRUIOp::create(b, v, splatInt(-shift, P, i8));
        parts.push_back(arith::AndIOp::create(b, v, mask));
      }
      // Join neighbours until one register remains.
      while (parts.size() > 1) {
        int64_t n = cast<VectorType>(parts[0].getType()).getNumElements();
        SmallVector<int64_t> join;
        for (int64_t i = 0; i < 2 * n; ++i)
          join.push_back(i);
        SmallVector<Value> joined;
        for (size_t i = 0; i < parts.size(); i += 2)
          joined.push_back(
              vector::ShuffleOp::create(b, parts[i], parts[i + 1], join));
        parts.swap(joined);
      }
      codes[c + h] = arith::OrIOp::create(b, codes[c + h], parts[0]);
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

SmallVector<Value> Emitter::emitIntBlock(Value w, Value rec, Value g, Value t0,
                                         unsigned tile, Value blk,
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
SmallVector<Value> Emitter::emitQuadBlock(Value w, Value rec, Value g, Value t0,
                                          unsigned tile, Value blk,
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
        Value centred =
            arith::SubIOp::create(b, u, splatInt(l.zeroPoint, Lf, i32));
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
