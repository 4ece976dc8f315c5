//===- ConstantData.cpp - The stored bytes of a constant ------------------===//

#include "lowbit/Dialect/LowBit/IR/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace lowbit {

std::optional<ConstantData> constantData(Attribute value) {
  auto elements = dyn_cast_or_null<ElementsAttr>(value);
  if (!elements)
    return std::nullopt;
  ShapedType type = elements.getShapedType();
  if (!type.hasStaticShape() || !type.getElementType().isIntOrFloat() ||
      type.getElementTypeBitWidth() % 8 != 0)
    return std::nullopt;
  size_t elementBytes = type.getElementTypeBitWidth() / 8;
  size_t fullBytes = size_t(type.getNumElements()) * elementBytes;
  ConstantData data;
  if (auto r = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = r.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    data.bytes = blob->getData();
  } else if (auto d = dyn_cast<DenseElementsAttr>(value)) {
    data.bytes = d.getRawData();
    data.splat = d.isSplat();
  } else {
    return std::nullopt;
  }
  if (data.bytes.size() != (data.splat ? elementBytes : fullBytes))
    return std::nullopt;
  return data;
}

std::optional<llvm::ArrayRef<char>> constantBytes(Attribute value) {
  std::optional<ConstantData> data = constantData(value);
  if (!data || data->splat)
    return std::nullopt;
  return data->bytes;
}

void releaseBlobIfUnused(Operation *root, Attribute data) {
  auto resource = dyn_cast<DenseResourceElementsAttr>(data);
  if (!resource)
    return;
  bool used = false;
  root->walk([&](arith::ConstantOp c) {
    used |= c.getValue() == data;
    return used ? WalkResult::interrupt() : WalkResult::advance();
  });
  if (!used)
    if (auto *entry = resource.getRawHandle().getResource())
      entry->setBlob(AsmResourceBlob());
}

} // namespace lowbit
