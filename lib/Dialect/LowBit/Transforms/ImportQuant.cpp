//===- ImportQuant.cpp - !quant.uniform weights -> lowbit -----------------===//

#include "lowbit/Dialect/LowBit/Transforms/Passes.h"
#include "lowbit/Quant/BlockCodec.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace lowbit {
#define GEN_PASS_DEF_LOWBITIMPORTQUANTPASS
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;
namespace mq = mlir::quant;
namespace lq = lowbit::quant;

namespace {

/// Scale and zero point of every (row, block) plus the block size.
struct BlockParams {
  int64_t block = 0;
  std::vector<double> scales; ///< rows x blocks
  std::vector<int64_t> zeros; ///< rows x blocks
};

/// Fails with a reason when the type has no lowbit equivalent.
std::string blockParams(mq::QuantizedType q, int64_t rows, int64_t k,
                        BlockParams &p) {
  if (auto u = dyn_cast<mq::UniformQuantizedType>(q)) {
    p.block = k;
    p.scales.assign(size_t(rows), u.getScale());
    p.zeros.assign(size_t(rows), u.getZeroPoint());
    return "";
  }
  if (auto a = dyn_cast<mq::UniformQuantizedPerAxisType>(q)) {
    if (a.getQuantizedDimension() != 0)
      return "per-axis scales must run over the rows (axis 0), not along "
             "the reduction dimension";
    p.block = k;
    p.scales.assign(a.getScales().begin(), a.getScales().end());
    p.zeros.assign(a.getZeroPoints().begin(), a.getZeroPoints().end());
    return "";
  }
  auto s = dyn_cast<mq::UniformQuantizedSubChannelType>(q);
  if (!s)
    return "not a uniform quantized type";
  p.block = k;
  for (auto [dim, size] :
       llvm::zip(s.getQuantizedDimensions(), s.getBlockSizes())) {
    if (dim == 0 && size != 1)
      return "blocks along the rows (axis 0) are not supported";
    if (dim == 1)
      p.block = size;
  }
  for (APFloat f : s.getScales().getValues<APFloat>())
    p.scales.push_back(f.convertToDouble());
  for (APInt z : s.getZeroPoints().getValues<APInt>())
    p.zeros.push_back(z.getSExtValue());
  return "";
}

struct ImportQuant
    : public lowbit::impl::LowBitImportQuantPassBase<ImportQuant> {
  void runOnOperation() override {
    SmallVector<mq::DequantizeCastOp> casts;
    getOperation()->walk([&](mq::DequantizeCastOp op) { casts.push_back(op); });
    for (mq::DequantizeCastOp op : casts)
      rewrite(op);
  }

  void rewrite(mq::DequantizeCastOp op) {
    auto scast = op.getInput().getDefiningOp<mq::StorageCastOp>();
    auto cst = scast ? scast.getInput().getDefiningOp<arith::ConstantOp>()
                     : arith::ConstantOp();
    auto codesAttr = cst ? dyn_cast<DenseIntElementsAttr>(cst.getValue())
                         : DenseIntElementsAttr();
    auto type = dyn_cast<RankedTensorType>(op.getInput().getType());
    if (!codesAttr || !type || type.getRank() != 2)
      return; // not a constant 2-D weight
    auto q = cast<mq::QuantizedType>(type.getElementType());
    auto skip = [&](const std::string &why) {
      emitWarning(op->getLoc(), "not converted to lowbit: ") << why;
    };
    if (!q.getExpressedType().isF32())
      return skip("the expressed type must be f32");
    int64_t rows = type.getDimSize(0), k = type.getDimSize(1);
    BlockParams p;
    if (std::string why = blockParams(q, rows, k, p); !why.empty())
      return skip(why);
    unsigned bits = q.getStorageTypeIntegralWidth();
    bool allZero = llvm::all_of(p.zeros, [](int64_t z) { return z == 0; });
    lq::Scheme s;
    s.bits = bits;
    s.blockSize = unsigned(p.block);
    s.scaleType = lq::ScaleType::F32;
    s.offset =
        allZero && q.isSigned() ? lq::Offset::None : lq::Offset::ZeroPoint;
    if (std::string why = lq::validateScheme(s); !why.empty())
      return skip("no lowbit scheme: " + why);
    if (k % p.block != 0)
      return skip("rows do not fill whole blocks");

    // lowbit codes: signed levels (symmetric) or unsigned codes with an
    // unsigned zero point, both shifted from the storage range.
    int64_t shift = s.offset == lq::Offset::None ? 0 : q.getStorageTypeMin();
    lq::RowLayout layout = lq::makeRowLayout(s, unsigned(k));
    std::vector<uint8_t> bytes(size_t(rows) * layout.rowBytes);
    std::vector<int64_t> codes;
    for (APInt c : codesAttr.getValues<APInt>())
      codes.push_back(q.isSigned() ? c.getSExtValue()
                                   : int64_t(c.getZExtValue()));
    int64_t blocks = k / p.block;
    lq::LogicalBlock lb;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < blocks; ++j) {
        size_t idx = size_t(r * blocks + j);
        lb.d = float(p.scales[idx]);
        lb.zeroPoint = int(p.zeros[idx] - shift);
        lb.codes.resize(size_t(p.block));
        for (int64_t i = 0; i < p.block; ++i)
          lb.codes[size_t(i)] =
              int(codes[size_t(r * k + j * p.block + i)] - shift);
        lq::encodeBlock(layout.full, lb,
                        bytes.data() + r * layout.rowBytes +
                            j * layout.full.bytes);
      }

    OpBuilder b(op);
    auto packedType =
        RankedTensorType::get({rows, int64_t(layout.rowBytes)}, b.getI8Type());
    auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<char>(
        reinterpret_cast<const char *>(bytes.data()), bytes.size()));
    auto packed = arith::ConstantOp::create(
        b, op.getLoc(), packedType,
        DenseResourceElementsAttr::get(packedType, "quant_weight",
                                       std::move(blob)));
    if (StringAttr name = dialect(cst).getNameAttrHelper().getAttr(cst))
      dialect(cst).getNameAttrHelper().setAttr(packed, name);
    Value deq = DequantizeOp::create(b, op.getLoc(), op.getType(), packed,
                                     SchemeAttr::get(b.getContext(), s));
    op.replaceAllUsesWith(deq);
    op.erase();
    if (scast->use_empty())
      scast.erase();
    if (cst->use_empty())
      cst.erase();
  }
};

} // namespace
