//===- QuantizedLookups.cpp - Embedding lookups read the quantized table ---===//

#include "lowbit/Dialect/LowBit/Transforms/QuantizedLookups.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace lowbit {

/// True when every use of `table` is a row slice whose only uses widen it
/// to f32 elementwise (linalg.generic of one arith.extf): the lookup
/// shape lowbit-import builds for f16/bf16 tables.
static bool rowsWidenedOnly(arith::ConstantOp table) {
  for (Operation *user : table->getUsers()) {
    auto slice = dyn_cast<tensor::ExtractSliceOp>(user);
    if (!slice || slice->use_empty())
      return false;
    for (Operation *widen : slice->getUsers()) {
      auto generic = dyn_cast<linalg::GenericOp>(widen);
      if (!generic || generic.getNumDpsInputs() != 1 ||
          generic->getNumResults() != 1 ||
          cast<RankedTensorType>(generic->getResult(0).getType()) !=
              RankedTensorType::get(slice.getType().getShape(),
                                    Float32Type::get(table.getContext())))
        return false;
      Block &body = generic.getRegion().front();
      if (body.getOperations().size() != 2 ||
          !isa<arith::ExtFOp>(body.front()))
        return false;
    }
  }
  return true;
}

/// Row lookups into a weight that was just quantized (the tied embedding
/// table, marked `lowbit.lookup`) read the quantized table from now on,
/// as llama.cpp does, instead of keeping a float copy.
void redirectLookups(Operation *root, Attribute data,
                     arith::ConstantOp packed, const quant::Scheme &s) {
  SmallVector<arith::ConstantOp> lookups;
  root->walk([&](arith::ConstantOp c) {
    if (dialect(c).getLookupAttrHelper().isAttrPresent(c) &&
        c.getValue() == data)
      lookups.push_back(c);
  });
  for (arith::ConstantOp c : lookups) {
    auto type = cast<RankedTensorType>(c.getType());
    bool isF32 = type.getElementType().isF32();
    if (!isF32 && !rowsWidenedOnly(c)) {
      c.emitRemark("the embedding lookup keeps its ")
          << type.getElementType() << " table (its rows are not only "
          << "sliced and widened to f32)";
      continue;
    }
    OpBuilder b(c);
    auto copy = arith::ConstantOp::create(b, c.getLoc(), packed.getType(),
                                          packed.getValue());
    dialect(c).getLookupAttrHelper().setAttr(
        copy, dialect(c).getLookupAttrHelper().getAttr(c));
    auto f32Type = RankedTensorType::get(type.getShape(), b.getF32Type());
    Value table = DequantizeOp::create(b, c.getLoc(), f32Type, copy,
                                       SchemeAttr::get(b.getContext(), s));
    if (isF32) {
      c->replaceAllUsesWith(ValueRange{table});
    } else {
      // f16/bf16 table: the f32 rows replace slice + widen directly.
      for (Operation *user : llvm::make_early_inc_range(c->getUsers())) {
        auto slice = cast<tensor::ExtractSliceOp>(user);
        OpBuilder sb(slice);
        auto rowType = RankedTensorType::get(slice.getType().getShape(),
                                             sb.getF32Type());
        Value row = tensor::ExtractSliceOp::create(
            sb, slice.getLoc(), rowType, table, slice.getMixedOffsets(),
            slice.getMixedSizes(), slice.getMixedStrides());
        for (Operation *widen :
             llvm::make_early_inc_range(slice->getUsers())) {
          widen->getResult(0).replaceAllUsesWith(row);
          Operation *init =
              cast<linalg::GenericOp>(widen).getDpsInits()[0].getDefiningOp();
          widen->erase();
          if (init && isa<tensor::EmptyOp>(init) && init->use_empty())
            init->erase();
        }
        slice->erase();
      }
    }
    c->erase();
  }
}

} // namespace lowbit
