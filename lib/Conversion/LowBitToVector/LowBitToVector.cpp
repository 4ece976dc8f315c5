//===- LowBitToVector.cpp - lowbit.matmul -> calls of vector kernels ------===//

#include "lowbit/Conversion/LowBitToVector/LowBitToVector.h"
#include "lowbit/Conversion/LowBitToVector/KernelEmitter.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include "llvm/ADT/StringMap.h"

namespace lowbit {
#define GEN_PASS_DEF_CONVERTLOWBITTOVECTORPASS
#define GEN_PASS_DEF_LOWBITEMITKERNELSPASS
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;
using namespace lowbit::codegen;

namespace {

/// The packed bytes of a constant weight, or null.
ArrayRef<char> constantBytes(Value packed) {
  auto cst = packed.getDefiningOp<arith::ConstantOp>();
  if (!cst)
    return {};
  if (auto r = dyn_cast<DenseResourceElementsAttr>(cst.getValue()))
    if (AsmResourceBlob *blob = r.getRawHandle().getBlob())
      return blob->getData();
  if (auto d = dyn_cast<DenseElementsAttr>(cst.getValue()))
    if (!d.isSplat())
      return d.getRawData();
  return {};
}

/// Views a static tensor [..., K] as [T, K] (or back, for results).
Value toMatrix(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  int64_t r = type.getRank();
  if (r == 2)
    return v;
  int64_t k = type.getShape().back();
  auto target = RankedTensorType::get({type.getNumElements() / k, k},
                                      type.getElementType());
  if (r == 1)
    return tensor::ExpandShapeOp::create(b, loc, target, v,
                                         ArrayRef<ReassociationIndices>{{0, 1}});
  ReassociationIndices lead;
  for (int64_t i = 0; i + 1 < r; ++i)
    lead.push_back(i);
  return tensor::CollapseShapeOp::create(
      b, loc, target, v, ArrayRef<ReassociationIndices>{lead, {r - 1}});
}

Value fromMatrix(OpBuilder &b, Location loc, Value v, RankedTensorType type) {
  int64_t r = type.getRank();
  if (r == 2)
    return v;
  if (r == 1)
    return tensor::CollapseShapeOp::create(
        b, loc, type, v, ArrayRef<ReassociationIndices>{{0, 1}});
  ReassociationIndices lead;
  for (int64_t i = 0; i + 1 < r; ++i)
    lead.push_back(i);
  return tensor::ExpandShapeOp::create(
      b, loc, type, v, ArrayRef<ReassociationIndices>{lead, {r - 1}});
}

struct ConvertLowBitToVector
    : public lowbit::impl::ConvertLowBitToVectorPassBase<
          ConvertLowBitToVector> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    const TargetDesc *desc =
        target == "host" ? hostTarget() : findTarget(target);
    if (!desc) {
      module.emitError() << "convert-lowbit-to-vector: unknown target '"
                         << target << "' (known: " << targetNames()
                         << ", host)";
      return signalPassFailure();
    }
    llvm::StringMap<func::FuncOp> kernels;
    unsigned counter = 0;
    WalkResult result = module.walk([&](MatmulOp op) {
      if (failed(rewrite(op, *desc, kernels, counter)))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }

  LogicalResult rewrite(MatmulOp op, const TargetDesc &desc,
                        llvm::StringMap<func::FuncOp> &kernels,
                        unsigned &counter) {
    auto packedType = cast<RankedTensorType>(op.getPacked().getType());
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    ArrayRef<char> bytes = constantBytes(op.getPacked());
    if (packedType.getRank() != 2 || bytes.empty()) {
      if (report)
        op.emitRemark() << "left to convert-lowbit-to-linalg: "
                        << (packedType.getRank() != 2
                                ? "each batch has its own weight"
                                : "the weight is not a constant");
      return success();
    }
    quant::Scheme scheme = op.getScheme().toQuantScheme();
    unsigned n = packedType.getDimSize(0);
    unsigned k = inType.getShape().back();
    KernelSpec spec;
    spec.target = &desc;
    spec.floatPath = floatPath;
    spec.parallelThreshold = parallelThreshold;
    spec.tokens = unsigned(inType.getNumElements() / k);
    std::vector<uint8_t> repacked;
    std::string err = repackForKernel(
        scheme, n, k, reinterpret_cast<const uint8_t *>(bytes.data()), desc,
        spec.layout, repacked, /*prefill=*/spec.tokens > 1 && !floatPath);
    if (!err.empty())
      return op.emitError() << "convert-lowbit-to-vector: cannot lay out "
                            << quant::printScheme(scheme) << " for "
                            << desc.name << ": " << err;

    ModuleOp module = getOperation();
    std::string key = spec.layout.describe() + "_" + std::to_string(n) + "x" +
                      std::to_string(k) + "_t" + std::to_string(spec.tokens) +
                      (usesIntegerDot(spec) ? "_i8" : "_f32");
    func::FuncOp &kernel = kernels[key];
    if (!kernel) {
      OpBuilder mb(module.getBodyRegion());
      mb.setInsertionPointToEnd(module.getBody());
      kernel = emitKernel(mb, op.getLoc(), "lowbit_kernel_" + key, spec);
    }
    if (report)
      op.emitRemark() << quant::printScheme(scheme) << " " << n << "x" << k
                      << " x " << spec.tokens << " token(s): "
                      << (usesIntegerDot(spec) ? dotKindName(desc.dot)
                                               : "f32 fma")
                      << ", layout " << spec.layout.describe() << ", "
                      << repacked.size() << " bytes";

    OpBuilder b(op);
    Location loc = op.getLoc();
    FunctionType ft = kernel.getFunctionType();
    int64_t T = spec.tokens;
    Value x = toMatrix(b, loc, op.getInput());
    Value xm = bufferization::ToBufferOp::create(b, loc, ft.getInput(0), x,
                                                 /*read_only=*/true);
    auto wType = RankedTensorType::get({int64_t(repacked.size())},
                                       b.getI8Type());
    std::string blobName = "lowbit.vector." + std::to_string(counter++);
    if (auto name = op.getPacked().getDefiningOp()->getAttrOfType<StringAttr>(
            "lowbit.name"))
      blobName = "lowbit.vector." + name.str();
    auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<char>(
        reinterpret_cast<const char *>(repacked.data()), repacked.size()));
    Value w = arith::ConstantOp::create(
        b, loc, wType,
        DenseResourceElementsAttr::get(wType, blobName, std::move(blob)));
    Value wm = bufferization::ToBufferOp::create(b, loc, ft.getInput(1), w,
                                                 /*read_only=*/true);
    auto yType = cast<MemRefType>(ft.getInput(2));
    Value ym = memref::AllocOp::create(b, loc, yType, b.getI64IntegerAttr(64));
    func::CallOp::create(b, loc, kernel, ValueRange{xm, wm, ym});
    Value y = bufferization::ToTensorOp::create(
        b, loc, RankedTensorType::get(yType.getShape(), b.getF32Type()), ym,
        /*restrict=*/true, /*writable=*/true);
    if (int64_t(n) != yType.getDimSize(1))
      y = tensor::ExtractSliceOp::create(
          b, loc, RankedTensorType::get({T, int64_t(n)}, b.getF32Type()), y,
          ValueRange{}, ValueRange{}, ValueRange{},
          b.getDenseI64ArrayAttr({0, 0}), b.getDenseI64ArrayAttr({T, n}),
          b.getDenseI64ArrayAttr({1, 1}));
    y = fromMatrix(b, loc, y, outType);
    op.replaceAllUsesWith(y);
    op.erase();
    return success();
  }
};

struct LowBitEmitKernels
    : public lowbit::impl::LowBitEmitKernelsPassBase<LowBitEmitKernels> {
  void runOnOperation() override {
    SmallVector<func::FuncOp> decls;
    getOperation().walk([&](func::FuncOp f) {
      if (f.isDeclaration() && f->hasAttr("lowbit.kernel"))
        decls.push_back(f);
    });
    for (func::FuncOp f : decls)
      if (failed(emitKernelBody(f)))
        return signalPassFailure();
  }
};

} // namespace
