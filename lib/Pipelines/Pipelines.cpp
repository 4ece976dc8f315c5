//===- Pipelines.cpp - Registered lowbit pipelines ------------------------===//
//
// Built from typed create...Pass(options) calls, so a pass or option that
// does not exist fails to compile instead of being ignored at run time.
// `lowbit-opt --lowbit-lowering --dump-pass-pipeline` prints the result as
// text a user can rerun with --pass-pipeline.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Pipelines/Pipelines.h"
#include "lowbit/Conversion/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToOpenMP/SCFToOpenMP.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// Everything after lowbit.matmul is gone. Kernel ops bufferize with
/// upstream's one-shot bufferization; their bodies are written after buffer
/// deallocation, which cannot analyse the LLVM intrinsics they use.
static void buildUpstreamLowering(OpPassManager &pm,
                                  int64_t floatContractionThreshold) {
  // Inline first, so slices passed to helper functions are not copied at
  // identity-layout function boundaries.
  pm.addPass(createInlinerPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(lowbit::createLowBitExpandKernelsPass());
  if (floatContractionThreshold >= 0) {
    lowbit::LowBitVectorizeFloatContractionsPassOptions floats;
    floats.parallelThreshold = floatContractionThreshold;
    pm.addPass(lowbit::createLowBitVectorizeFloatContractionsPass(floats));
  }
  pm.addPass(createConvertLinalgToLoopsPass());
  pm.addPass(createConvertSCFToOpenMPPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void lowbit::buildReferenceLoweringPipeline(OpPassManager &pm) {
  pm.addPass(createConvertLowBitToLinalgPass());
  // Float contractions keep their strict summation order here.
  buildUpstreamLowering(pm, /*floatContractionThreshold=*/-1);
}

void lowbit::buildLoweringPipeline(OpPassManager &pm,
                                   const LoweringOptions &o) {
  if (o.reference)
    return buildReferenceLoweringPipeline(pm);
  ConvertLowBitToVectorPassOptions vector;
  vector.floatPath = o.floatPath;
  vector.parallelThreshold = o.parallelThreshold;
  vector.report = o.report;
  pm.addPass(createConvertLowBitToVectorPass(vector));
  pm.addPass(createConvertLowBitToLinalgPass());
  buildUpstreamLowering(pm, o.parallelThreshold);
}

void lowbit::registerAllPipelines() {
  PassPipelineRegistration<>(
      "lowbit-reference-lowering",
      "Lower model IR with lowbit ops to the LLVM dialect through "
      "convert-lowbit-to-linalg and upstream passes (reference path)",
      buildReferenceLoweringPipeline);
  PassPipelineRegistration<LoweringOptions>(
      "lowbit-lowering",
      "Lower model IR to the LLVM dialect: vector kernels for quantized "
      "matmuls on the module's #lowbit.target, upstream passes for the rest",
      buildLoweringPipeline);
}
