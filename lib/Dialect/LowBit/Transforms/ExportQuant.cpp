//===- ExportQuant.cpp - lowbit weights -> !quant.uniform -----------------===//

#include "lowbit/Dialect/LowBit/IR/ConstantData.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"
#include "lowbit/Quant/BlockCodec.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace lowbit {
#define GEN_PASS_DEF_LOWBITEXPORTQUANTPASS
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;
namespace mq = mlir::quant;
namespace lq = lowbit::quant;

namespace {

/// Why `s` on rows of `k` has no !quant.uniform form ("" when it has one).
std::string unrepresentable(const lq::Scheme &s, int64_t k) {
  if (s.codebook != lq::Codebook::None)
    return "codebook levels are not uniform";
  if (s.hasSuperBlocks())
    return "super-block sub-scales have no !quant.uniform form";
  if (s.offset == lq::Offset::FloatMin)
    return "a float min per block is not an integer zero point";
  if (k % s.blockSize != 0)
    return "rows of " + std::to_string(k) + " leave a partial block of " +
           std::to_string(s.blockSize);
  return "";
}

struct ExportQuant
    : public lowbit::impl::LowBitExportQuantPassBase<ExportQuant> {
  void runOnOperation() override {
    SmallVector<DequantizeOp> ops;
    getOperation()->walk([&](DequantizeOp op) { ops.push_back(op); });
    for (DequantizeOp op : ops)
      rewrite(op);
  }

  void rewrite(DequantizeOp op) {
    auto resultType = cast<RankedTensorType>(op.getType());
    if (resultType.getRank() != 2)
      return;
    lq::Scheme s = op.getScheme().toQuantScheme();
    int64_t rows = resultType.getDimSize(0), k = resultType.getDimSize(1);
    auto skip = [&](const std::string &why) {
      emitWarning(op->getLoc(), "not expressible as !quant.uniform: ") << why;
    };
    if (std::string why = unrepresentable(s, k); !why.empty())
      return skip(why);
    auto cst = op.getPacked().getDefiningOp<arith::ConstantOp>();
    std::optional<ArrayRef<char>> raw =
        cst ? constantBytes(cst.getValue()) : std::optional<ArrayRef<char>>();
    if (!raw)
      return skip("the packed weights are not constant data (a quantized "
                  "type carries its scales)");
    lq::RowLayout layout = lq::makeRowLayout(s, unsigned(k));
    const auto *bytes = reinterpret_cast<const uint8_t *>(raw->data());
    // Symmetric: signed storage holding the level; zero point: unsigned
    // storage holding the code, with the code's zero point.
    bool zp = s.offset == lq::Offset::ZeroPoint;
    int64_t blocks = k / s.blockSize;
    std::vector<float> scales;
    std::vector<APInt> zeros;
    std::vector<APInt> codes;
    const lq::BlockLayout &l = layout.full;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < blocks; ++j) {
        const uint8_t *blk = bytes + r * layout.rowBytes + j * l.bytes;
        scales.push_back(lq::readScale(blk + l.dOffset, l.scaleType));
        zeros.push_back(APInt(
            s.bits,
            zp ? uint64_t(l.code.decode(lq::readField(blk, l.zeroPoint))) : 0));
        for (unsigned i = 0; i < s.blockSize; ++i)
          codes.push_back(APInt(
              s.bits, uint64_t(l.code.decode(lq::readField(blk, l.codes[i]))),
              /*isSigned=*/!zp));
      }
    OpBuilder b(op);
    MLIRContext *ctx = b.getContext();
    auto storage = IntegerType::get(ctx, s.bits);
    auto scaleType = RankedTensorType::get({rows, blocks}, b.getF32Type());
    // Zero points are of the storage type.
    auto zeroType = RankedTensorType::get({rows, blocks}, storage);
    int64_t min = zp ? 0 : -(int64_t(1) << (s.bits - 1));
    int64_t max =
        zp ? (int64_t(1) << s.bits) - 1 : (int64_t(1) << (s.bits - 1)) - 1;
    auto qtype = mq::UniformQuantizedSubChannelType::getChecked(
        [&] { return op.emitError(); },
        zp ? 0u : unsigned(mq::QuantizationFlags::Signed), storage,
        b.getF32Type(), DenseElementsAttr::get(scaleType, ArrayRef(scales)),
        DenseElementsAttr::get(zeroType, ArrayRef(zeros)), {0, 1},
        {1, int64_t(s.blockSize)}, min, max);
    if (!qtype)
      return signalPassFailure();
    auto codesType = RankedTensorType::get({rows, k}, storage);
    auto codesCst = arith::ConstantOp::create(
        b, op.getLoc(), codesType, DenseElementsAttr::get(codesType, codes));
    if (StringAttr name = dialect(cst).getNameAttrHelper().getAttr(cst))
      dialect(cst).getNameAttrHelper().setAttr(codesCst, name);
    auto scast = mq::StorageCastOp::create(
        b, op.getLoc(), RankedTensorType::get({rows, k}, qtype), codesCst);
    auto dcast =
        mq::DequantizeCastOp::create(b, op.getLoc(), resultType, scast);
    op.replaceAllUsesWith(dcast.getResult());
    op.erase();
    if (cst->use_empty())
      cst.erase();
  }
};

} // namespace
