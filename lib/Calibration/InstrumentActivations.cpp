//===- InstrumentActivations.cpp - lowbit-instrument-activations ----------===//

#include "lowbit/Calibration/ActivationRecorder.h"
#include "lowbit/Calibration/Passes.h"
#include "lowbit/Calibration/Range.h"
#include "lowbit/Dialect/LowBit/Transforms/ContractionWeight.h"
#include "lowbit/Dialect/LowBit/Transforms/Recipes.h"

#include "llvm/ADT/SmallPtrSet.h"

namespace lowbit {
#define GEN_PASS_DEF_LOWBITINSTRUMENTACTIVATIONSPASS
#include "lowbit/Calibration/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;

namespace {

struct InstrumentActivations
    : public lowbit::impl::LowBitInstrumentActivationsPassBase<
          InstrumentActivations> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::optional<IndexRange> range;
    if (!layers.empty() && !(range = parseIndexRange(layers))) {
      emitError(module.getLoc(), "lowbit-instrument-activations: layers '")
          << layers << "' is not a range a-b";
      return signalPassFailure();
    }
    // (op, activation, weight name) for every named weight's contraction.
    struct Site {
      Operation *op;
      Value activation;
      std::string name;
      int64_t k;
    };
    std::vector<Site> sites;
    module.walk([&](Operation *op) {
      if (auto m = dyn_cast<MatmulOp>(op)) {
        auto c = m.getPacked().getDefiningOp<arith::ConstantOp>();
        StringAttr name = c ? dialect(c).getNameAttrHelper().getAttr(c)
                            : StringAttr();
        if (name)
          sites.push_back({op, m.getInput(), name.str(),
                           m.getInput().getType().getShape().back()});
      } else if (auto l = dyn_cast<linalg::LinalgOp>(op)) {
        std::string whyNot;
        auto w = matchContractionWeight(l, whyNot);
        if (w && dialect(op).getNameAttrHelper().isAttrPresent(
                     w->weightConstant))
          sites.push_back({op, l.getDpsInputs()[1 - w->weightOperand], w->name,
                           w->k});
      }
    });
    OpBuilder b(&getContext());
    b.setInsertionPointToEnd(module.getBody());
    auto unranked = UnrankedMemRefType::get(b.getF32Type(), 0);
    func::FuncOp hook;
    // One record per distinct input: weights whose functions are called
    // with the same value (q/k/v, gate/up in the importer's IR) share one.
    llvm::DenseMap<Value, int64_t> idOfInput;
    SmallVector<SmallVector<Attribute>> groups;
    for (const Site &s : sites) {
      if (range && !range->contains(layerOf(s.name)))
        continue;
      auto type = cast<RankedTensorType>(s.activation.getType());
      if (type.getShape().empty() || type.getShape().back() != s.k) {
        emitWarning(s.op->getLoc(), "lowbit-instrument-activations: '")
            << s.name << "' is not recorded: its activation's last "
            << "dimension is not the row length " << s.k;
        continue;
      }
      Value key = inputKey(module, s.activation);
      if (auto it = idOfInput.find(key); it != idOfInput.end()) {
        groups[size_t(it->second)].push_back(b.getStringAttr(s.name));
        continue;
      }
      if (!hook) {
        hook = func::FuncOp::create(
            b, module.getLoc(), ActivationRecorder::kHookName,
            b.getFunctionType({b.getI64Type(), unranked}, {}));
        hook.setPrivate();
        hook->setAttr("llvm.emit_c_interface", b.getUnitAttr());
      }
      OpBuilder at(s.op);
      Location loc = s.op->getLoc();
      idOfInput[key] = int64_t(groups.size());
      Value id = arith::ConstantOp::create(
          at, loc, at.getI64IntegerAttr(int64_t(groups.size())));
      auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
      Value buffer = bufferization::ToBufferOp::create(at, loc, memrefType,
                                                       s.activation, true);
      Value cast = memref::CastOp::create(at, loc, unranked, buffer);
      func::CallOp::create(at, loc, hook, ValueRange{id, cast});
      groups.push_back({b.getStringAttr(s.name)});
    }
    if (groups.empty()) {
      emitError(module.getLoc(), "lowbit-instrument-activations: no named "
                                 "weight's contraction to record")
          << (range ? " in layers " + layers : std::string());
      return signalPassFailure();
    }
    SmallVector<Attribute> recorded;
    for (auto &g : groups)
      recorded.push_back(b.getArrayAttr(g));
    dialect(module).getRecordedAttrHelper().setAttr(module,
                                                    b.getArrayAttr(recorded));
  }

  /// What identifies an input across weight functions: for an argument of
  /// a function called once per caller (the model's one-token and batched
  /// forward passes each call every weight function once), the value
  /// passed by the first caller.
  static Value inputKey(ModuleOp module, Value activation) {
    auto arg = dyn_cast<BlockArgument>(activation);
    auto fn = arg ? dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp())
                  : func::FuncOp();
    if (!fn || arg.getOwner() != &fn.getBody().front())
      return activation;
    std::optional<SymbolTable::UseRange> uses = fn.getSymbolUses(module);
    if (!uses)
      return activation;
    func::CallOp call;
    llvm::SmallPtrSet<Operation *, 2> callers;
    for (const SymbolTable::SymbolUse &use : *uses) {
      auto c = dyn_cast<func::CallOp>(use.getUser());
      if (!c || !callers.insert(c->getParentOfType<func::FuncOp>()).second)
        return activation; // two calls from one caller or another use
      call = call ? call : c;
    }
    return call ? call.getOperand(arg.getArgNumber()) : activation;
  }
};

} // namespace
