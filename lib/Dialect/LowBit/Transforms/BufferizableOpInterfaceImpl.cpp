//===- BufferizableOpInterfaceImpl.cpp - kernel ops in bufferization ------===//
//
// lowbit.kernel_matmul and lowbit.kernel_sparse_matmul are
// destination-style: their init is the result's buffer. Upstream's
// DstBufferizableOpInterfaceExternalModel supplies the aliasing; each op
// only says that init is written in full and never read (so one-shot
// bufferization need not copy into it) and how to rebuild itself on
// buffers.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/Transforms/BufferizableOpInterfaceImpl.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/DstBufferizableOpInterfaceImpl.h"

using namespace mlir;
using namespace mlir::bufferization;

namespace {

struct KernelMatmulOpInterface
    : public DstBufferizableOpInterfaceExternalModel<KernelMatmulOpInterface,
                                                     lowbit::KernelMatmulOp> {
  bool bufferizesToMemoryRead(Operation *op, OpOperand &operand,
                              const AnalysisState &) const {
    return !cast<DestinationStyleOpInterface>(op).isDpsInit(&operand);
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    auto kernel = cast<lowbit::KernelMatmulOp>(op);
    FailureOr<Value> input =
        getBuffer(rewriter, kernel.getInput(), options, state);
    FailureOr<Value> weight =
        getBuffer(rewriter, kernel.getWeight(), options, state);
    FailureOr<Value> init =
        getBuffer(rewriter, kernel.getInit(), options, state);
    if (failed(input) || failed(weight) || failed(init))
      return failure();
    rewriter.setInsertionPoint(op);
    lowbit::KernelMatmulOp::create(rewriter, op->getLoc(), TypeRange{}, *input,
                                   *weight, *init, kernel.getLayout(),
                                   kernel.getFloatPath(), kernel.getParallel());
    replaceOpWithBufferizedValues(rewriter, op, *init);
    return success();
  }
};

struct KernelSparseMatmulOpInterface
    : public DstBufferizableOpInterfaceExternalModel<
          KernelSparseMatmulOpInterface, lowbit::KernelSparseMatmulOp> {
  bool bufferizesToMemoryRead(Operation *op, OpOperand &operand,
                              const AnalysisState &) const {
    return !cast<DestinationStyleOpInterface>(op).isDpsInit(&operand);
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    auto kernel = cast<lowbit::KernelSparseMatmulOp>(op);
    SmallVector<Value> buffers;
    for (Value v : kernel->getOperands()) {
      FailureOr<Value> buffer = getBuffer(rewriter, v, options, state);
      if (failed(buffer))
        return failure();
      buffers.push_back(*buffer);
    }
    rewriter.setInsertionPoint(op);
    lowbit::KernelSparseMatmulOp::create(rewriter, op->getLoc(), TypeRange{},
                                         buffers[0], buffers[1], buffers[2],
                                         buffers[3], buffers[4],
                                         kernel.getParallel());
    replaceOpWithBufferizedValues(rewriter, op, buffers[4]);
    return success();
  }
};

} // namespace

void lowbit::registerBufferizableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, LowBitDialect *) {
    KernelMatmulOp::attachInterface<KernelMatmulOpInterface>(*ctx);
    KernelSparseMatmulOp::attachInterface<KernelSparseMatmulOpInterface>(
        *ctx);
  });
}
