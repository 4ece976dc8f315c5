//===- ConvertLowBitToVector.cpp - lowbit.matmul -> lowbit.kernel_matmul --===//

#include "lowbit/Conversion/LowBitToVector/LowBitToVector.h"
#include "lowbit/Dialect/LowBit/IR/ConstantData.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"
#include "lowbit/Dialect/LowBit/IR/MatrixView.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace lowbit {
#define GEN_PASS_DEF_CONVERTLOWBITTOVECTORPASS
#include "lowbit/Conversion/Passes.h.inc"
} // namespace lowbit

using namespace mlir;
using namespace lowbit;
using namespace lowbit::codegen;

namespace {

/// Blobs of repacked weights are named with this prefix.
constexpr const char *kRepackedBlobPrefix = "lowbit.vector.";

/// The packed bytes of a constant weight, or empty.
ArrayRef<char> packedBytes(Value packed) {
  auto cst = packed.getDefiningOp<arith::ConstantOp>();
  std::optional<ArrayRef<char>> bytes =
      cst ? constantBytes(cst.getValue()) : std::nullopt;
  return bytes ? *bytes : ArrayRef<char>();
}

/// Why convert-lowbit-to-vector leaves `op` to the reference lowering, or "".
StringRef reasonToLeave(MatmulOp op) {
  if (cast<RankedTensorType>(op.getPacked().getType()).getRank() != 2)
    return "each batch has its own weight";
  if (packedBytes(op.getPacked()).empty())
    return "the weight is not a constant";
  return "";
}

struct MatmulToKernel : public OpRewritePattern<MatmulOp> {
  MatmulToKernel(MLIRContext *ctx, const KernelTarget &target,
                 const LowBitToVectorOptions &options)
      : OpRewritePattern(ctx), target(target), options(options) {}

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (StringRef why = reasonToLeave(op); !why.empty())
      return rewriter.notifyMatchFailure(op, why);
    ArrayRef<char> bytes = packedBytes(op.getPacked());
    auto packedType = cast<RankedTensorType>(op.getPacked().getType());
    auto inType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getType());
    quant::Scheme scheme = op.getScheme().toQuantScheme();
    unsigned n = packedType.getDimSize(0);
    unsigned k = inType.getShape().back();
    // T is dynamic when one weight function serves decode and prefill:
    // the decode layout then serves both (one copy of the weight), and the
    // kernel takes T at run time.
    int64_t T = inType.hasStaticShape() ? inType.getNumElements() / k
                                        : ShapedType::kDynamic;
    KernelLayout layout;
    std::vector<uint8_t> repacked;
    std::string err = repackForKernel(
        scheme, n, k, reinterpret_cast<const uint8_t *>(bytes.data()), target,
        layout, repacked, /*prefill=*/T > 1 && !options.floatPath);
    if (!err.empty())
      return op.emitError() << "convert-lowbit-to-vector: cannot lay out "
                            << quant::printScheme(scheme) << ": " << err;
    bool intDot = usesIntegerDot(layout, target, options.floatPath);
    if (options.report)
      op.emitRemark() << quant::printScheme(scheme) << " " << n << "x" << k
                      << " x "
                      << (ShapedType::isDynamic(T) ? std::string("T")
                                                   : std::to_string(T))
                      << " token(s): "
                      << (intDot ? dotKindName(target.dot) : "f32 fma")
                      << ", layout " << layout.describe() << ", "
                      << repacked.size() << " bytes";

    Location loc = op.getLoc();
    auto wType =
        RankedTensorType::get({int64_t(repacked.size())}, rewriter.getI8Type());
    // The repacked blob is named after the weight, as lowbit.vector.<name>.
    Operation *cst = op.getPacked().getDefiningOp();
    std::string blobName = kRepackedBlobPrefix + std::to_string(counter++);
    if (StringAttr name = dialect(cst).getNameAttrHelper().getAttr(cst))
      blobName = kRepackedBlobPrefix + name.str();
    auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<char>(
        reinterpret_cast<const char *>(repacked.data()), repacked.size()));
    Value w = arith::ConstantOp::create(
        rewriter, loc, wType,
        DenseResourceElementsAttr::get(wType, blobName, std::move(blob)));
    Value x = toMatrix(rewriter, loc, op.getInput());
    int64_t paddedRows = layout.paddedRows();
    SmallVector<Value> rows;
    if (ShapedType::isDynamic(T))
      rows.push_back(tensor::DimOp::create(rewriter, loc, x, 0));
    Value init =
        tensor::EmptyOp::create(rewriter, loc, ArrayRef<int64_t>{T, paddedRows},
                                rewriter.getF32Type(), rows);
    int64_t weights = int64_t(n) * k;
    bool parallel =
        options.parallelThreshold > 0 && weights >= options.parallelThreshold;
    Value y = KernelMatmulOp::create(
                  rewriter, loc, TypeRange{init.getType()}, x, w, init,
                  KernelLayoutAttr::get(rewriter.getContext(), layout),
                  /*float_path=*/!intDot, parallel)
                  .getResult()[0];
    if (int64_t(n) != paddedRows) {
      OpFoldResult t = rows.empty() ? OpFoldResult(rewriter.getIndexAttr(T))
                                    : OpFoldResult(rows[0]);
      y = tensor::ExtractSliceOp::create(
          rewriter, loc,
          RankedTensorType::get({T, int64_t(n)}, rewriter.getF32Type()), y,
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(0),
                                 rewriter.getIndexAttr(0)},
          ArrayRef<OpFoldResult>{t, rewriter.getIndexAttr(n)},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                                 rewriter.getIndexAttr(1)});
    }
    rewriter.replaceOp(op, fromMatrix(rewriter, loc, y, outType));
    return success();
  }

  KernelTarget target;
  LowBitToVectorOptions options;
  /// Names blobs of weights without `lowbit.name` in visiting order.
  mutable unsigned counter = 0;
};

/// lowbit.sparse_matmul -> its kernel op on the [T, K] view (every target
/// has vector gathers; the kernel is generated by lowbit-expand-kernels).
struct SparseMatmulToKernel : public OpRewritePattern<SparseMatmulOp> {
  SparseMatmulToKernel(MLIRContext *ctx, const LowBitToVectorOptions &options)
      : OpRewritePattern(ctx), options(options) {}

  LogicalResult matchAndRewrite(SparseMatmulOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getType());
    Value x = toMatrix(rewriter, loc, op.getInput());
    int64_t t = cast<RankedTensorType>(x.getType()).getDimSize(0);
    int64_t n = outType.getShape().back();
    SmallVector<Value> rows;
    if (ShapedType::isDynamic(t))
      rows.push_back(tensor::DimOp::create(rewriter, loc, x, 0));
    Value init = tensor::EmptyOp::create(rewriter, loc, ArrayRef<int64_t>{t, n},
                                         rewriter.getF32Type(), rows);
    // Threads when the dense weight would get them: the rows are the same.
    int64_t weights = n * cast<RankedTensorType>(x.getType()).getDimSize(1);
    bool parallel =
        options.parallelThreshold > 0 && weights >= options.parallelThreshold;
    Value y = KernelSparseMatmulOp::create(
                  rewriter, loc, TypeRange{init.getType()}, x, op.getValues(),
                  op.getColumns(), op.getOffsets(), init, parallel)
                  .getResult()[0];
    rewriter.replaceOp(op, fromMatrix(rewriter, loc, y, outType));
    return success();
  }

  LowBitToVectorOptions options;
};

struct ConvertLowBitToVector
    : public lowbit::impl::ConvertLowBitToVectorPassBase<
          ConvertLowBitToVector> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool anyKernel = false;
    module.walk([&](MatmulOp op) {
      StringRef why = reasonToLeave(op);
      anyKernel |= why.empty();
      if (report && !why.empty())
        op.emitRemark() << "left to convert-lowbit-to-linalg: " << why;
    });
    if (!anyKernel)
      return;
    TargetAttr target = TargetAttr::lookup(module);
    if (!target) {
      emitError(module.getLoc())
          << "convert-lowbit-to-vector: the module has no #lowbit.target; "
             "set one with lowbit-attach-target (the host by default) or "
             "lowbit-compile's -mtriple/-mcpu/-mattr";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    populateLowBitToVectorPatterns(
        patterns, target.toKernelTarget(),
        LowBitToVectorOptions{floatPath, parallelThreshold, report});
    walkAndApplyPatterns(module, std::move(patterns));
    // A kernel candidate left over is one whose scheme the layout could not
    // express: the pattern reported it.
    WalkResult left = module.walk([](MatmulOp op) {
      return reasonToLeave(op).empty() ? WalkResult::interrupt()
                                       : WalkResult::advance();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

void lowbit::populateLowBitToVectorPatterns(RewritePatternSet &patterns,
                                            const KernelTarget &target,
                                            const LowBitToVectorOptions &o) {
  patterns.add<MatmulToKernel>(patterns.getContext(), target, o);
  patterns.add<SparseMatmulToKernel>(patterns.getContext(), o);
}
