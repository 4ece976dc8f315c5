//===- DequantizeEmitter.cpp - Table-driven decode as linalg.generic ------===//
//
// Mirrors quant::decodeBlock element by element: the layout tables become
// small constant tensors indexed by the element's position in its block,
// bytes are gathered with tensor.extract, and the float formula is evaluated
// in the decoder's order so the results are bit-identical.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/IR/MatrixView.h"
#include "lowbit/Conversion/LowBitToLinalg/LowBitToLinalg.h"
#include "lowbit/Quant/BlockLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace lowbit;

namespace {

/// Constant tables describing a list of IntFields (one per position).
struct FieldTables {
  Value byte0, shift0, mask0, byte1, shift1, mask1, dst1;
  bool twoParts = false;
};

Value i32Table(OpBuilder &b, Location loc, ArrayRef<int32_t> values) {
  auto type = RankedTensorType::get({int64_t(values.size())}, b.getI32Type());
  return arith::ConstantOp::create(b, loc, type,
                                   DenseElementsAttr::get(type, values));
}

FieldTables makeTables(OpBuilder &b, Location loc,
                       ArrayRef<quant::IntField> fields) {
  SmallVector<int32_t> b0, s0, m0, b1, s1, m1, d1;
  FieldTables t;
  for (const quant::IntField &f : fields) {
    const quant::FieldPart &p = f.parts[0];
    b0.push_back(p.byte);
    s0.push_back(p.shift);
    m0.push_back((1 << p.width) - 1);
    if (f.numParts == 2) {
      t.twoParts = true;
      const quant::FieldPart &q = f.parts[1];
      b1.push_back(q.byte);
      s1.push_back(q.shift);
      m1.push_back((1 << q.width) - 1);
      d1.push_back(q.dst);
    } else {
      b1.push_back(p.byte);
      s1.push_back(0);
      m1.push_back(0);
      d1.push_back(0);
    }
  }
  t.byte0 = i32Table(b, loc, b0);
  t.shift0 = i32Table(b, loc, s0);
  t.mask0 = i32Table(b, loc, m0);
  if (t.twoParts) {
    t.byte1 = i32Table(b, loc, b1);
    t.shift1 = i32Table(b, loc, s1);
    t.mask1 = i32Table(b, loc, m1);
    t.dst1 = i32Table(b, loc, d1);
  }
  return t;
}

/// Builds the body of one decoding linalg.generic.
class BlockDecoder {
public:
  BlockDecoder(OpBuilder &b, Location loc, Value packed,
               const quant::BlockLayout &l, int64_t regionByteBase)
      : loc(loc), packed(packed), l(l), regionByteBase(regionByteBase) {
    codes = makeTables(b, loc, l.codes);
    if (l.hasSubScales)
      subScales = makeTables(b, loc, l.subScales);
    if (l.offset == quant::Offset::SubMin)
      subMins = makeTables(b, loc, l.subMins);
    if (!l.codebook.empty()) {
      auto type =
          RankedTensorType::get({int64_t(l.codebook.size())}, b.getF32Type());
      codebook = arith::ConstantOp::create(
          b, loc, type, DenseElementsAttr::get(type, ArrayRef(l.codebook)));
    }
  }

  /// Decodes the element at (rows..., col) where col counts from the start
  /// of this region.
  Value decode(OpBuilder &nb, ValueRange rowIndices, Value col) {
    bld = &nb;
    rows.assign(rowIndices.begin(), rowIndices.end());
    Value elems = idx(l.elems);
    Value block = arith::DivUIOp::create(nb, loc, col, elems);
    Value pos = arith::RemUIOp::create(nb, loc, col, elems);
    base = arith::AddIOp::create(
        nb, loc, idx(regionByteBase),
        arith::MulIOp::create(nb, loc, block, idx(l.bytes)));

    Value d = readScale(l.dOffset);
    Value second;
    if (l.offset == quant::Offset::FloatMin ||
        l.offset == quant::Offset::SubMin)
      second = readScale(l.secondOffset);
    Value dl = d;
    Value sub = arith::DivUIOp::create(nb, loc, pos, idx(l.subBlock));
    if (l.hasSubScales)
      dl = arith::MulFOp::create(
          nb, loc, d,
          toFloat(decodeInt(readField(subScales, sub), l.subScale)));
    Value v = decodeInt(readField(codes, pos), l.code);
    Value level;
    if (codebook) {
      level = tensor::ExtractOp::create(nb, loc, codebook,
                                        ValueRange{arith::IndexCastOp::create(
                                            nb, loc, nb.getIndexType(), v)});
    } else {
      if (l.offset == quant::Offset::ZeroPoint) {
        quant::IntField zf = l.zeroPoint;
        Value z = decodeInt(readSingleField(zf), l.code);
        v = arith::SubIOp::create(nb, loc, v, z);
      }
      level = toFloat(v);
    }
    Value value = arith::MulFOp::create(nb, loc, dl, level);
    if (l.offset == quant::Offset::FloatMin)
      value = arith::AddFOp::create(nb, loc, value, second);
    if (l.offset == quant::Offset::SubMin) {
      Value mc = toFloat(decodeInt(readField(subMins, sub), l.subMin));
      value = arith::SubFOp::create(nb, loc, value,
                                    arith::MulFOp::create(nb, loc, second, mc));
    }
    return value;
  }

private:
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(*bld, loc, v); }
  Value i32(int32_t v) {
    return arith::ConstantIntOp::create(*bld, loc, v, 32);
  }
  Value toFloat(Value i) {
    return arith::SIToFPOp::create(*bld, loc, bld->getF32Type(), i);
  }
  /// Byte at `offset` (index) from the block start, zero-extended to i32.
  Value readByte(Value offset) {
    SmallVector<Value> indices(rows);
    indices.push_back(arith::AddIOp::create(*bld, loc, base, offset));
    Value byte = tensor::ExtractOp::create(*bld, loc, packed, indices);
    return arith::ExtUIOp::create(*bld, loc, bld->getI32Type(), byte);
  }
  Value lookup(Value table, Value position) {
    return tensor::ExtractOp::create(*bld, loc, table, ValueRange{position});
  }
  Value toIndex(Value i) {
    return arith::IndexCastOp::create(*bld, loc, bld->getIndexType(), i);
  }
  Value part(Value byteTable, Value shiftTable, Value maskTable,
             Value position) {
    Value byte = readByte(toIndex(lookup(byteTable, position)));
    Value shifted =
        arith::ShRUIOp::create(*bld, loc, byte, lookup(shiftTable, position));
    return arith::AndIOp::create(*bld, loc, shifted,
                                 lookup(maskTable, position));
  }
  Value readField(const FieldTables &t, Value position) {
    Value v = part(t.byte0, t.shift0, t.mask0, position);
    if (t.twoParts) {
      Value hi = part(t.byte1, t.shift1, t.mask1, position);
      hi = arith::ShLIOp::create(*bld, loc, hi, lookup(t.dst1, position));
      v = arith::OrIOp::create(*bld, loc, v, hi);
    }
    return v;
  }
  /// A field at a fixed place in every block (the zero point).
  Value readSingleField(const quant::IntField &f) {
    Value v;
    for (unsigned i = 0; i < f.numParts; ++i) {
      const quant::FieldPart &p = f.parts[i];
      Value byte = readByte(idx(p.byte));
      Value bits = arith::AndIOp::create(
          *bld, loc, arith::ShRUIOp::create(*bld, loc, byte, i32(p.shift)),
          i32((1 << p.width) - 1));
      bits = arith::ShLIOp::create(*bld, loc, bits, i32(p.dst));
      v = v ? arith::OrIOp::create(*bld, loc, v, bits).getResult() : bits;
    }
    return v;
  }
  Value decodeInt(Value stored, const quant::IntEncoding &e) {
    if (e.twosComplement) {
      Value sign = i32(1 << (e.bits - 1));
      return arith::SubIOp::create(
          *bld, loc, arith::XOrIOp::create(*bld, loc, stored, sign), sign);
    }
    if (!e.bias)
      return stored;
    return arith::SubIOp::create(*bld, loc, stored, i32(e.bias));
  }
  /// The header float at byte `offset` of the block.
  Value readScale(unsigned offset) {
    unsigned width = quant::scaleTypeBytes(l.scaleType);
    Value word;
    for (unsigned i = 0; i < width; ++i) {
      Value byte = readByte(idx(offset + i));
      if (i)
        byte = arith::ShLIOp::create(*bld, loc, byte, i32(8 * i));
      word =
          word ? arith::OrIOp::create(*bld, loc, word, byte).getResult() : byte;
    }
    if (l.scaleType == quant::ScaleType::F32)
      return arith::BitcastOp::create(*bld, loc, bld->getF32Type(), word);
    Value half = arith::TruncIOp::create(*bld, loc, bld->getI16Type(), word);
    Type ft = l.scaleType == quant::ScaleType::F16 ? Type(bld->getF16Type())
                                                   : Type(bld->getBF16Type());
    Value f = arith::BitcastOp::create(*bld, loc, ft, half);
    return arith::ExtFOp::create(*bld, loc, bld->getF32Type(), f);
  }

  OpBuilder *bld = nullptr;
  Location loc;
  Value packed;
  const quant::BlockLayout &l;
  int64_t regionByteBase;
  FieldTables codes, subScales, subMins;
  Value codebook;
  SmallVector<Value> rows;
  Value base;
};

/// Decodes the columns [0, cols) of one region into a new tensor.
Value decodeRegion(OpBuilder &b, Location loc, Value packed,
                   const quant::BlockLayout &l, int64_t byteBase,
                   ArrayRef<int64_t> rowShape, int64_t cols) {
  SmallVector<int64_t> shape(rowShape);
  shape.push_back(cols);
  unsigned rank = shape.size();
  Value init = tensor::EmptyOp::create(b, loc, shape, b.getF32Type());
  BlockDecoder decoder(b, loc, packed, l, byteBase);
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), ValueRange{}, ValueRange{init},
      SmallVector<AffineMap>{b.getMultiDimIdentityMap(rank)},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location nloc, ValueRange) {
        SmallVector<Value> rows;
        for (unsigned i = 0; i + 1 < rank; ++i)
          rows.push_back(linalg::IndexOp::create(nb, nloc, i));
        Value col = linalg::IndexOp::create(nb, nloc, rank - 1);
        linalg::YieldOp::create(nb, nloc, decoder.decode(nb, rows, col));
      });
  return generic->getResult(0);
}

} // namespace

Value lowbit::emitDequantize(OpBuilder &b, Location loc, Value packed,
                             const quant::Scheme &scheme, int64_t rowLength) {
  quant::RowLayout row = quant::makeRowLayout(scheme, unsigned(rowLength));
  auto packedType = cast<RankedTensorType>(packed.getType());
  ArrayRef<int64_t> rowShape = packedType.getShape().drop_back();
  int64_t fullCols = int64_t(row.fullBlocks) * row.full.elems;
  int64_t tailCols = rowLength - fullCols;
  Value full, tail;
  if (fullCols)
    full = decodeRegion(b, loc, packed, row.full, 0, rowShape, fullCols);
  if (tailCols)
    tail = decodeRegion(b, loc, packed, row.tail,
                        int64_t(row.fullBlocks) * row.full.bytes, rowShape,
                        tailCols);
  if (!full || !tail)
    return full ? full : tail;
  SmallVector<int64_t> shape(rowShape);
  shape.push_back(rowLength);
  Value result = tensor::EmptyOp::create(b, loc, shape, b.getF32Type());
  unsigned rank = shape.size();
  auto insert = [&](Value part, int64_t offset, int64_t cols) {
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)), sizes,
        strides(rank, b.getIndexAttr(1));
    for (int64_t d : rowShape)
      sizes.push_back(b.getIndexAttr(d));
    sizes.push_back(b.getIndexAttr(cols));
    offsets.back() = b.getIndexAttr(offset);
    result = tensor::InsertSliceOp::create(b, loc, part, result, offsets, sizes,
                                           strides);
  };
  insert(full, 0, fullCols);
  insert(tail, fullCols, tailCols);
  return result;
}

Value lowbit::emitQuantizedContraction(OpBuilder &b, Location loc, Value input,
                                       Value packed,
                                       const quant::Scheme &scheme,
                                       RankedTensorType resultType) {
  auto inType = cast<RankedTensorType>(input.getType());
  unsigned rank = inType.getRank(); // loops: rank - 1 leading, n, k
  int64_t k = inType.getShape().back();
  bool batchedWeights = cast<RankedTensorType>(packed.getType()).getRank() == 3;
  quant::RowLayout row = quant::makeRowLayout(scheme, unsigned(k));
  MLIRContext *ctx = b.getContext();
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value acc = emptyLike(b, loc, resultType, input);
  acc = linalg::FillOp::create(b, loc, zero, acc)->getResult(0);

  SmallVector<AffineExpr> inExprs, outExprs;
  for (unsigned i = 0; i + 1 < rank; ++i) {
    inExprs.push_back(getAffineDimExpr(i, ctx));
    outExprs.push_back(getAffineDimExpr(i, ctx));
  }
  inExprs.push_back(getAffineDimExpr(rank, ctx));
  outExprs.push_back(getAffineDimExpr(rank - 1, ctx));
  SmallVector<AffineMap> maps{AffineMap::get(rank + 1, 0, inExprs, ctx),
                              AffineMap::get(rank + 1, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);

  // One contraction per region (whole blocks, then the tail), each decoding
  // its weights element by element inside the loop body: no float weight
  // tensor exists. The order of the k sum is that of the unfused form.
  auto region = [&](const quant::BlockLayout &layout, int64_t byteBase,
                    int64_t first, int64_t cols) {
    Value x = input;
    if (cols != k) {
      SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)),
          sizes = tensor::getMixedSizes(b, loc, input),
          strides(rank, b.getIndexAttr(1));
      sizes.back() = b.getIndexAttr(cols);
      offsets.back() = b.getIndexAttr(first);
      x = tensor::ExtractSliceOp::create(b, loc, x, offsets, sizes, strides);
    }
    BlockDecoder decoder(b, loc, packed, layout, byteBase);
    acc =
        linalg::GenericOp::create(
            b, loc, resultType, ValueRange{x}, ValueRange{acc}, maps, iterators,
            [&](OpBuilder &nb, Location nloc, ValueRange args) {
              SmallVector<Value> rows;
              if (batchedWeights)
                rows.push_back(linalg::IndexOp::create(nb, nloc, 0));
              rows.push_back(linalg::IndexOp::create(nb, nloc, rank - 1));
              Value col = linalg::IndexOp::create(nb, nloc, rank);
              Value w = decoder.decode(nb, rows, col);
              Value prod = arith::MulFOp::create(nb, nloc, args[0], w);
              linalg::YieldOp::create(
                  nb, nloc,
                  arith::AddFOp::create(nb, nloc, args[1], prod).getResult());
            })
            ->getResult(0);
  };
  int64_t fullCols = int64_t(row.fullBlocks) * row.full.elems;
  if (fullCols)
    region(row.full, 0, 0, fullCols);
  if (k > fullCols)
    region(row.tail, int64_t(row.fullBlocks) * row.full.bytes, fullCols,
           k - fullCols);
  return acc;
}
