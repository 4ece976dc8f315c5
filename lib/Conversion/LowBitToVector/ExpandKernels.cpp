//===- ExpandKernels.cpp - kernel ops -> vector kernels -------------------===//
//
// lowbit.kernel_matmul becomes a call of a generated kernel (shared by ops
// of one layout), lowbit.kernel_sparse_matmul its loops in place.
//
//===----------------------------------------------------------------------===//

#include "KernelEmitter.h"
#include "SparseKernel.h"

#include "lowbit/Conversion/LowBitToVector/LowBitToVector.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/MapVector.h"

namespace lowbit {
#define GEN_PASS_DEF_LOWBITEXPANDKERNELSPASS
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;
using namespace lowbit::kernels;

namespace {

/// `v` as a value of `type`, through memref.cast when the layouts are
/// compatible; null otherwise.
Value castTo(OpBuilder &b, Location loc, Value v, Type type) {
  if (v.getType() == type)
    return v;
  if (!memref::CastOp::areCastCompatible(v.getType(), type))
    return {};
  return memref::CastOp::create(b, loc, type, v);
}

std::string kernelName(const KernelConfig &c) {
  return "lowbit_kernel_" + c.layout.describe() + "_" +
         std::to_string(c.layout.rows) + "x" + std::to_string(c.layout.cols) +
         "_t" + (c.tokens ? std::to_string(c.tokens) : std::string("N")) +
         (c.floatPath ? "_f32" : "_i8");
}

struct LowBitExpandKernels
    : public lowbit::impl::LowBitExpandKernelsPassBase<LowBitExpandKernels> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<KernelMatmulOp> ops;
    module.walk([&](KernelMatmulOp op) { ops.push_back(op); });
    SmallVector<KernelSparseMatmulOp> sparseOps;
    module.walk([&](KernelSparseMatmulOp op) { sparseOps.push_back(op); });
    if (ops.empty() && sparseOps.empty())
      return;
    TargetAttr targetAttr = TargetAttr::lookup(module);
    if (!targetAttr) {
      (ops.empty() ? sparseOps.front().getOperation()
                   : ops.front().getOperation())
              ->emitError()
          << "lowbit-expand-kernels: the module has no #lowbit.target";
      return signalPassFailure();
    }
    codegen::KernelTarget target = targetAttr.toKernelTarget();
    // The sparse side path is small and emitted in place.
    for (KernelSparseMatmulOp op : sparseOps) {
      if (op.getNumResults() != 0) {
        op.emitError() << "lowbit-expand-kernels: bufferize the kernel op "
                          "first (it still works on tensors)";
        return signalPassFailure();
      }
      expandSparseKernel(op, target.vectorBytes);
    }
    SymbolTable symbols(module);
    // One kernel per distinct (layout, flags, tokens), in first-use order.
    llvm::MapVector<Attribute, func::FuncOp> kernels;
    for (KernelMatmulOp op : ops) {
      if (op.getNumResults() != 0) {
        op.emitError() << "lowbit-expand-kernels: bufferize the kernel op "
                          "first (it still works on tensors)";
        return signalPassFailure();
      }
      KernelConfig config{op.getLayout().toKernelLayout(), target,
                          op.getFloatPath(),
                          ShapedType::isDynamic(op.getTokens())
                              ? 0u
                              : unsigned(op.getTokens()),
                          op.getParallel()};
      if (std::string why = codegen::checkLayoutForTarget(config.layout, target,
                                                          config.floatPath);
          !why.empty()) {
        op.emitError() << "lowbit-expand-kernels: the layout does not run on "
                       << targetAttr.getName() << ": " << why;
        return signalPassFailure();
      }
      OpBuilder b(op);
      Attribute key = b.getArrayAttr(
          {op.getLayout(), b.getBoolAttr(config.floatPath),
           b.getBoolAttr(config.parallel), b.getI64IntegerAttr(config.tokens)});
      func::FuncOp &kernel = kernels[key];
      if (!kernel) {
        OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
        kernel = emitKernel(mb, op.getLoc(), kernelName(config), config);
        symbols.insert(kernel); // renamed if the name is taken
      }
      FunctionType type = kernel.getFunctionType();
      SmallVector<Value> operands = {op.getInput(), op.getWeight(),
                                     op.getInit()};
      SmallVector<Value> args;
      for (auto [v, t] : llvm::zip_equal(operands, type.getInputs())) {
        Value arg = castTo(b, op.getLoc(), v, t);
        if (!arg) {
          op.emitError() << "lowbit-expand-kernels: operand " << v.getType()
                         << " cannot be passed as " << t;
          return signalPassFailure();
        }
        args.push_back(arg);
      }
      func::CallOp::create(b, op.getLoc(), kernel, args);
      op.erase();
    }
  }
};

} // namespace
