//===- AttachImportance.cpp - lowbit-attach-importance --------------------===//

#include "lowbit/Calibration/Passes.h"
#include "lowbit/Dialect/LowBit/Transforms/ContractionWeight.h"
#include "lowbit/Model/Gguf.h"
#include "lowbit/Model/Imatrix.h"

#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>
#include <memory>
#include <cmath>
#include <mutex>

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
    if (failed(attachGrams(weights)))
      return signalPassFailure();
    if (attached == 0) {
      emitError(module.getLoc(), "lowbit-attach-importance: ")
          << file << " has no entry for any weight of this model";
      return signalPassFailure();
    }
  }

  /// `<w>.lowbit.max_abs` (lowbit's calibrations) becomes `lowbit.max_abs`
  /// on weight w: what outlier splitting reads.
  LogicalResult
  attachMaxAbs(const model::GgufFile &gguf,
               const llvm::MapVector<Operation *, int64_t> &weights) {
    LowBitDialect &attrs = dialect(getOperation());
    for (auto [op, k] : weights) {
      StringAttr name = attrs.getNameAttrHelper().getAttr(op);
      const model::GgufTensor *t =
          name ? gguf.findTensor(name.str() + ".lowbit.max_abs") : nullptr;
      if (!t)
        continue;
      if (t->type != uint32_t(model::GgmlType::F32) ||
          t->bytes != uint64_t(k) * 4)
        return emitError(op->getLoc(), "lowbit-attach-importance: '")
               << name.str() << ".lowbit.max_abs' in " << file
               << " must be " << k << " f32 values";
      const float *values = reinterpret_cast<const float *>(t->data);
      for (int64_t i = 0; i < k; ++i)
        if (!(values[i] >= 0) || !std::isfinite(values[i]))
          return emitError(op->getLoc(), "lowbit-attach-importance: '")
                 << name.str() << ".lowbit.max_abs' in " << file
                 << " holds a negative or non-finite value at column " << i;
      auto type = RankedTensorType::get({k}, Float32Type::get(&getContext()));
      auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(
          ArrayRef<float>(values, size_t(k)));
      attrs.getMaxAbsAttrHelper().setAttr(
          op, DenseResourceElementsAttr::get(type, "max_abs." + name.str(),
                                             std::move(blob)));
    }
    return success();
  }

  /// `<first>.lowbit.gram` of each input in `lowbit.gram.inputs` becomes
  /// `lowbit.gram` on every weight of that input: one blob that maps the
  /// file (which stays mapped for the process), not a copy.
  LogicalResult
  attachGrams(const llvm::MapVector<Operation *, int64_t> &weights) {
    auto gguf = std::make_unique<model::GgufFile>();
    if (std::string err = gguf->open(file); !err.empty())
      return emitError(getOperation().getLoc(), "lowbit-attach-importance: ")
             << err;
    if (failed(attachMaxAbs(*gguf, weights)))
      return failure();
    const model::GgufValue *inputs = gguf->find("lowbit.gram.inputs");
    if (!inputs)
      return success(); // llama.cpp's files and calibrations without --gram
    llvm::StringMap<std::pair<Operation *, int64_t>> byName;
    LowBitDialect &attrs = dialect(getOperation());
    for (auto [op, k] : weights)
      if (StringAttr name = attrs.getNameAttrHelper().getAttr(op))
        byName[name.getValue()] = {op, k};
    for (const model::GgufValue &entry : inputs->items) {
      SmallVector<StringRef> members;
      StringRef(entry.s).split(members, ' ', -1, false);
      if (members.empty())
        continue;
      const model::GgufTensor *t =
          gguf->findTensor(members.front().str() + ".lowbit.gram");
      if (!t || t->type != uint32_t(model::GgmlType::F32))
        return emitError(getOperation().getLoc(),
                         "lowbit-attach-importance: ")
               << file << ": no f32 '" << members.front()
               << ".lowbit.gram' for lowbit.gram.inputs";
      ElementsAttr gram;
      for (StringRef member : members) {
        auto it = byName.find(member);
        if (it == byName.end())
          continue;
        int64_t k = it->second.second;
        if (t->bytes != uint64_t(k) * uint64_t(k + 1) / 2 * 4)
          return emitError(it->second.first->getLoc(),
                           "lowbit-attach-importance: '")
                 << member << "' has rows of " << k << " but the Gram of "
                 << file << " has " << t->bytes / 4 << " values";
        if (!gram) {
          auto type = RankedTensorType::get({int64_t(t->bytes / 4)},
                                            Float32Type::get(&getContext()));
          auto blob = UnmanagedAsmResourceBlob::allocateWithAlign(
              ArrayRef<char>(reinterpret_cast<const char *>(t->data),
                             size_t(t->bytes)),
              alignof(float));
          gram = DenseResourceElementsAttr::get(
              type, "gram." + members.front().str(), std::move(blob));
        }
        attrs.getGramAttrHelper().setAttr(it->second.first, gram);
      }
    }
    keepMapped(std::move(gguf));
    return success();
  }

  /// Calibration files whose bytes IR blobs point into: mapped until the
  /// process ends (a module may outlive this pass).
  static void keepMapped(std::unique_ptr<model::GgufFile> f) {
    static std::mutex mutex;
    static std::vector<std::unique_ptr<model::GgufFile>> files;
    std::lock_guard<std::mutex> lock(mutex);
    files.push_back(std::move(f));
  }
};

} // namespace
