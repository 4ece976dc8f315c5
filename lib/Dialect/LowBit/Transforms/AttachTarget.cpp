//===- AttachTarget.cpp - lowbit-attach-target ----------------------------===//

#include "lowbit/Dialect/LowBit/Transforms/AttachTarget.h"
#include "lowbit/Codegen/TargetMachine.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace lowbit {
#define GEN_PASS_DEF_LOWBITATTACHTARGETPASS
#include "lowbit/Dialect/LowBit/Transforms/Passes.h.inc"
} // namespace lowbit

using namespace mlir;

void lowbit::attachTarget(ModuleOp module, const llvm::TargetMachine &tm,
                          const codegen::TargetDesc &kernels) {
  MLIRContext *ctx = module.getContext();
  ctx->getOrLoadDialect<LLVM::LLVMDialect>();
  ctx->getOrLoadDialect<LowBitDialect>();
  llvm::StringRef features = tm.getTargetFeatureString();
  auto llvmTarget = LLVM::TargetAttr::get(
      ctx, StringAttr::get(ctx, tm.getTargetTriple().str()),
      StringAttr::get(ctx, tm.getTargetCPU()),
      features.empty() ? LLVM::TargetFeaturesAttr()
                       : LLVM::TargetFeaturesAttr::get(ctx, features));
  module->setAttr(LLVM::LLVMDialect::getTargetAttrName(), llvmTarget);
  dialect(module).getTargetAttrHelper().setAttr(module,
                                                TargetAttr::get(ctx, kernels));
}

namespace {

struct LowBitAttachTarget
    : public lowbit::impl::LowBitAttachTargetPassBase<LowBitAttachTarget> {
  using Base::Base;

  void runOnOperation() override {
    std::string error;
    bool host = triple.empty() && cpu.empty() && features.empty();
    std::unique_ptr<llvm::TargetMachine> tm =
        host ? lowbit::codegen::createHostTargetMachine(error)
             : lowbit::codegen::createTargetMachine(triple, cpu, features,
                                                    error);
    if (!tm) {
      emitError(getOperation().getLoc()) << "lowbit-attach-target: " << error;
      return signalPassFailure();
    }
    const lowbit::codegen::TargetDesc *desc =
        lowbit::codegen::selectTarget(*tm);
    if (!desc) {
      emitError(getOperation().getLoc())
          << "lowbit-attach-target: no kernel target for "
          << tm->getTargetTriple().str() << " " << tm->getTargetCPU()
          << " (the table knows " << lowbit::codegen::targetNames() << ")";
      return signalPassFailure();
    }
    lowbit::attachTarget(getOperation(), *tm, *desc);
  }
};

} // namespace
