//===- PreQuantizedWeights.cpp - Weights that arrive quantized ------------===//

#include "lowbit/Dialect/LowBit/Transforms/PreQuantizedWeights.h"
#include "lowbit/Dialect/LowBit/IR/ConstantData.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"
#include "lowbit/Dialect/LowBit/Transforms/ContractionWeight.h"
#include "lowbit/Quant/Quantizer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/SetVector.h"

#include <map>

using namespace mlir;

namespace lowbit {

namespace {

/// The name a packed constant carries: its weight name, or for an
/// embedding lookup the table's name.
std::string nameOf(arith::ConstantOp c) {
  LowBitDialect &d = dialect(c);
  if (StringAttr n = d.getNameAttrHelper().getAttr(c))
    return n.str();
  if (StringAttr n = d.getLookupAttrHelper().getAttr(c))
    return n.str();
  return "";
}

/// The named constant `packed` comes from, or null.
arith::ConstantOp namedPacked(Value packed) {
  auto c = packed.getDefiningOp<arith::ConstantOp>();
  if (!c || nameOf(c).empty())
    return nullptr;
  return c;
}

} // namespace

std::vector<PreQuantizedWeight> findPreQuantizedWeights(Operation *root) {
  std::vector<PreQuantizedWeight> list;
  llvm::DenseMap<Attribute, size_t> seen;
  auto add = [&](Value packed, SchemeAttr scheme, int64_t rowLength,
                 bool contraction) {
    arith::ConstantOp c = namedPacked(packed);
    if (!c)
      return;
    auto [it, inserted] = seen.try_emplace(c.getValue(), list.size());
    if (!inserted) {
      list[it->second].contraction |= contraction;
      return;
    }
    auto type = cast<RankedTensorType>(c.getType());
    PreQuantizedWeight w;
    w.name = nameOf(c);
    w.scheme = scheme.toQuantScheme();
    w.rowLength = rowLength;
    w.rows = type.getNumElements() / type.getShape().back();
    w.bytes = uint64_t(type.getNumElements());
    w.contraction = contraction;
    list.push_back(w);
  };
  root->walk([&](Operation *op) {
    if (auto m = dyn_cast<MatmulOp>(op))
      add(m.getPacked(), m.getScheme(),
          m.getInput().getType().getShape().back(), true);
    else if (auto d = dyn_cast<DequantizeOp>(op))
      add(d.getPacked(), d.getScheme(),
          d.getResult().getType().getShape().back(), false);
  });
  return list;
}

std::string summarizePreQuantized(const std::vector<PreQuantizedWeight> &list) {
  std::map<std::string, int> perScheme;
  for (const PreQuantizedWeight &w : list)
    ++perScheme[quant::printScheme(w.scheme)];
  std::string text = std::to_string(list.size()) +
                     (list.size() == 1 ? " weight (" : " weights (");
  bool first = true;
  for (const auto &[scheme, count] : perScheme) {
    text += (first ? "" : ", ") + scheme + ": " + std::to_string(count);
    first = false;
  }
  return text + ")";
}

LogicalResult decodePreQuantizedWeights(Operation *root, unsigned threads) {
  SmallVector<MatmulOp> matmuls;
  root->walk([&](MatmulOp m) {
    if (namedPacked(m.getPacked()))
      matmuls.push_back(m);
  });
  // One f32 constant per packed blob, shared like the packed one was.
  llvm::DenseMap<Attribute, Attribute> decoded;
  auto decode = [&](Operation *user, arith::ConstantOp packed,
                    SchemeAttr scheme, int64_t rowLength) -> Attribute {
    if (Attribute done = decoded.lookup(packed.getValue()))
      return done;
    auto type = cast<RankedTensorType>(packed.getType());
    std::optional<ArrayRef<char>> bytes = constantBytes(packed.getValue());
    if (type.getRank() != 2 || !bytes) {
      user->emitError("cannot decode the pre-quantized weight '")
          << nameOf(packed) << "'"
          << (type.getRank() != 2 ? ": one weight per batch (3-D) is not "
                                    "supported"
                                  : ": its bytes cannot be read");
      return nullptr;
    }
    int64_t rows = type.getShape()[0];
    if (std::string e = checkWeightSize(nameOf(packed),
                                        uint64_t(rows) * uint64_t(rowLength),
                                        uint64_t(rows) * uint64_t(rowLength) *
                                            sizeof(float));
        !e.empty()) {
      user->emitError(e);
      return nullptr;
    }
    auto floatType = RankedTensorType::get(
        {rows, rowLength}, Float32Type::get(packed.getContext()));
    auto blob = HeapAsmResourceBlob::allocate(
        size_t(rows * rowLength) * sizeof(float), alignof(float));
    quant::dequantizeMatrix(
        scheme.toQuantScheme(), reinterpret_cast<const uint8_t *>(bytes->data()),
        size_t(rows), unsigned(rowLength),
        reinterpret_cast<float *>(blob.getMutableData().data()), threads);
    Attribute attr = DenseResourceElementsAttr::get(
        floatType, "decoded." + nameOf(packed), std::move(blob));
    decoded[packed.getValue()] = attr;
    return attr;
  };

  llvm::SetVector<Attribute> replaced;
  for (MatmulOp m : matmuls) {
    arith::ConstantOp packed = namedPacked(m.getPacked());
    Attribute attr = decode(m, packed, m.getScheme(),
                            m.getInput().getType().getShape().back());
    if (!attr)
      return failure();
    OpBuilder b(m);
    auto weight = arith::ConstantOp::create(b, packed.getLoc(),
                                            cast<TypedAttr>(attr));
    dialect(weight).getNameAttrHelper().setAttr(
        weight, b.getStringAttr(nameOf(packed)));
    Value y = buildFloatContraction(b, m.getLoc(), m.getInput(), weight,
                                    m.getResult().getType());
    m.getResult().replaceAllUsesWith(y);
    m->erase();
    replaced.insert(packed.getValue());
    if (packed->use_empty())
      packed->erase();
  }
  // Lookups of a decoded table read the f32 table (lowbit-select-block-
  // scales then redirects them to whatever the classifier becomes).
  SmallVector<arith::ConstantOp> lookups;
  root->walk([&](arith::ConstantOp c) {
    if (dialect(c).getLookupAttrHelper().isAttrPresent(c) &&
        decoded.count(c.getValue()))
      lookups.push_back(c);
  });
  for (arith::ConstantOp c : lookups) {
    for (Operation *user : c->getUsers())
      if (!isa<DequantizeOp>(user))
        return user->emitError("cannot decode the lookup of '")
               << nameOf(c) << "': it is used other than by lowbit.dequantize";
    OpBuilder b(c);
    auto table = arith::ConstantOp::create(
        b, c.getLoc(), cast<TypedAttr>(decoded.lookup(c.getValue())));
    dialect(c).getLookupAttrHelper().setAttr(
        table, dialect(c).getLookupAttrHelper().getAttr(c));
    for (Operation *user : llvm::make_early_inc_range(c->getUsers())) {
      user->getResult(0).replaceAllUsesWith(table.getResult());
      user->erase();
    }
    c->erase();
  }
  for (Attribute data : replaced)
    releaseBlobIfUnused(root, data);
  return success();
}

} // namespace lowbit
