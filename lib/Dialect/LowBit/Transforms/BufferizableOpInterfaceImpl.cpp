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

/// Both kernel ops: every operand becomes its buffer, the op is rebuilt on
/// them with the same attributes and no results, and init's buffer
/// replaces the result.
template <typename KernelOp>
struct KernelOpInterface
    : public DstBufferizableOpInterfaceExternalModel<KernelOpInterface<KernelOp>,
                                                     KernelOp> {
  bool bufferizesToMemoryRead(Operation *op, OpOperand &operand,
                              const AnalysisState &) const {
    return !cast<DestinationStyleOpInterface>(op).isDpsInit(&operand);
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    SmallVector<Value> buffers;
    for (Value v : op->getOperands()) {
      FailureOr<Value> buffer = getBuffer(rewriter, v, options, state);
      if (failed(buffer))
        return failure();
      buffers.push_back(*buffer);
    }
    rewriter.setInsertionPoint(op);
    Value init = buffers[cast<DestinationStyleOpInterface>(op)
                             .getDpsInitOperand(0)
                             ->getOperandNumber()];
    KernelOp::create(rewriter, op->getLoc(), TypeRange{}, buffers,
                     op->getAttrs());
    replaceOpWithBufferizedValues(rewriter, op, init);
    return success();
  }
};

} // namespace

void lowbit::registerBufferizableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, LowBitDialect *) {
    KernelMatmulOp::attachInterface<KernelOpInterface<KernelMatmulOp>>(*ctx);
    KernelSparseMatmulOp::attachInterface<
        KernelOpInterface<KernelSparseMatmulOp>>(*ctx);
  });
}
