//===- AttachImportance.cpp - lowbit-attach-importance --------------------===//

#include "lowbit/Calibration/Passes.h"
#include "lowbit/Dialect/LowBit/Transforms/ContractionWeight.h"
#include "lowbit/Model/Imatrix.h"

#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

namespace lowbit {
#define GEN_PASS_DEF_LOWBITATTACHIMPORTANCEPASS
#include "lowbit/Calibration/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;

namespace {

struct AttachImportance
    : public lowbit::impl::LowBitAttachImportancePassBase<AttachImportance> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (file.empty()) {
      emitError(module.getLoc(), "lowbit-attach-importance: give file=");
      return signalPassFailure();
    }
    model::ImportanceMap importance;
    if (std::string err = model::readImatrix(file, importance); !err.empty()) {
      emitError(module.getLoc(), "lowbit-attach-importance: ") << err;
      return signalPassFailure();
    }
    // Every named weight with the length of its rows: float weights of
    // contractions, and packed weights (pre-quantized, to requantize).
    llvm::MapVector<Operation *, int64_t> weights;
    module.walk([&](Operation *op) {
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
        std::string whyNot;
        if (auto w = matchContractionWeight(linalgOp, whyNot))
          weights.insert({w->weightConstant, w->k});
      } else if (auto m = dyn_cast<MatmulOp>(op)) {
        if (auto c = m.getPacked().getDefiningOp<arith::ConstantOp>())
          weights.insert({c, m.getInput().getType().getShape().back()});
      }
    });
    LowBitDialect &attrs = dialect(module);
    size_t attached = 0;
    for (auto [op, k] : weights) {
      StringAttr name = attrs.getNameAttrHelper().getAttr(op);
      auto it = name ? importance.find(name.str()) : importance.end();
      if (it == importance.end())
        continue;
      if (int64_t(it->second.size()) != k) {
        emitError(op->getLoc(), "lowbit-attach-importance: '")
            << name.str() << "' has " << it->second.size()
            << " importance values in " << file << ", its rows " << k
            << " columns";
        return signalPassFailure();
      }
      auto type = RankedTensorType::get({k}, Float32Type::get(&getContext()));
      auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(
          ArrayRef<float>(it->second));
      attrs.getImportanceAttrHelper().setAttr(
          op, DenseResourceElementsAttr::get(type, "importance." + name.str(),
                                             std::move(blob)));
      ++attached;
    }
    if (attached == 0) {
      emitError(module.getLoc(), "lowbit-attach-importance: ")
          << file << " has no entry for any weight of this model";
      return signalPassFailure();
    }
  }
};

} // namespace
