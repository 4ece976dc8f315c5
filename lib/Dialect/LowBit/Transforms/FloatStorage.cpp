//===- FloatStorage.cpp - Float weights stored as another float type ------===//

#include "lowbit/Dialect/LowBit/Transforms/FloatStorage.h"
#include "lowbit/Dialect/LowBit/IR/ConstantData.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"
#include "lowbit/Quant/Half.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"

#include <cstring>

using namespace mlir;

namespace lowbit {

std::optional<FloatType> parseFloatStorage(llvm::StringRef text,
                                           MLIRContext *ctx) {
  std::string t = text.lower();
  if (t == "f32")
    return Float32Type::get(ctx);
  if (t == "f16")
    return Float16Type::get(ctx);
  if (t == "bf16")
    return BFloat16Type::get(ctx);
  return std::nullopt;
}

std::string floatTypeName(FloatType type) {
  return type.isF32() ? "f32" : type.isF16() ? "f16" : "bf16";
}

namespace {

float readElement(const char *p, Type type) {
  if (type.isF32()) {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  }
  uint16_t h = uint16_t(uint8_t(p[0]) | uint8_t(p[1]) << 8);
  return type.isF16() ? quant::halfToFloat(h) : quant::bf16ToFloat(h);
}

void writeElement(char *p, Type type, float v) {
  if (type.isF32()) {
    std::memcpy(p, &v, 4);
    return;
  }
  uint16_t h = type.isF16() ? quant::floatToHalf(v) : quant::floatToBf16(v);
  p[0] = char(h & 0xff);
  p[1] = char(h >> 8);
}

} // namespace

LogicalResult storeWeightAs(const ContractionWeight &w, FloatType type,
                            quant::ErrorStats &error) {
  arith::ConstantOp cst = w.weightConstant;
  auto oldType = cast<RankedTensorType>(cst.getType());
  Type oldElem = oldType.getElementType();
  error = {};
  if (oldElem == type)
    return success();
  std::optional<ConstantData> data = constantData(cst.getValue());
  if (!data)
    return emitError(w.op->getLoc(), "cannot read the constant weight '")
           << w.name << "'";
  // Convert element by element in storage order; a splat stays one value.
  size_t count = data->splat ? 1 : size_t(oldType.getNumElements());
  size_t oldBytes = oldElem.getIntOrFloatBitWidth() / 8,
         newBytes = type.getWidth() / 8;
  auto blob = HeapAsmResourceBlob::allocate(count * newBytes, newBytes);
  char *out = blob.getMutableData().data();
  quant::ErrorAccumulator acc;
  for (size_t i = 0; i < count; ++i) {
    float v = readElement(data->bytes.data() + i * oldBytes, oldElem);
    writeElement(out + i * newBytes, type, v);
    float stored = readElement(out + i * newBytes, type);
    acc.add(&v, &stored, 1);
  }
  error = acc.stats();
  auto newType = RankedTensorType::get(oldType.getShape(), type);
  TypedAttr attr;
  if (data->splat) {
    float v = readElement(out, type);
    attr = DenseElementsAttr::get(newType, FloatAttr::get(type, v));
  } else {
    attr = DenseResourceElementsAttr::get(newType, "lowbit." + w.name,
                                          std::move(blob));
  }

  IRRewriter rewriter(cst.getContext());
  rewriter.setInsertionPointAfter(cst);
  auto stored = arith::ConstantOp::create(rewriter, cst.getLoc(), attr);
  stored->setDiscardableAttrs(cst->getDiscardableAttrDictionary());
  // The contraction reads the new type and converts it to the element type
  // its body expects (widening, or the exact narrowing of widened values).
  linalg::LinalgOp op = w.op;
  rewriter.setInsertionPoint(op);
  linalg::GenericOp generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic) {
    FailureOr<linalg::GenericOp> g = linalg::generalizeNamedOp(rewriter, op);
    if (failed(g))
      return emitError(op->getLoc(), "cannot store '")
             << w.name << "' as " << type << ": the contraction does not "
             << "generalize";
    generic = *g;
  }
  OpOperand &operand = generic->getOpOperand(w.weightOperand);
  operand.set(stored);
  BlockArgument arg =
      generic.getRegion().front().getArgument(w.weightOperand);
  Type bodyType = arg.getType();
  arg.setType(type);
  rewriter.setInsertionPointToStart(&generic.getRegion().front());
  if (bodyType != type) {
    Value converted =
        type.getWidth() < bodyType.getIntOrFloatBitWidth()
            ? arith::ExtFOp::create(rewriter, arg.getLoc(), bodyType, arg)
                  .getResult()
            : arith::TruncFOp::create(rewriter, arg.getLoc(), bodyType, arg)
                  .getResult();
    arg.replaceAllUsesExcept(converted, converted.getDefiningOp());
  }
  Attribute oldData = cst.getValue();
  if (cst->use_empty()) {
    Operation *root = cst->getParentOfType<ModuleOp>();
    cst->erase();
    if (root)
      releaseBlobIfUnused(root, oldData);
  }
  return success();
}

} // namespace lowbit
