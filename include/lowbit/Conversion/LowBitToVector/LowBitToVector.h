//===- LowBitToVector.h - Vector kernels for lowbit matmuls -----*- C++ -*-===//
#ifndef LOWBIT_CONVERSION_LOWBITTOVECTOR_H
#define LOWBIT_CONVERSION_LOWBITTOVECTOR_H

#include "lowbit/Codegen/Targets.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace lowbit {
#define GEN_PASS_DECL_CONVERTLOWBITTOVECTORPASS
#define GEN_PASS_DECL_LOWBITEXPANDKERNELSPASS
#define GEN_PASS_DECL_LOWBITVECTORIZEFLOATCONTRACTIONSPASS
#include "lowbit/Conversion/Passes.h.inc"

/// What the lowbit.matmul -> lowbit.kernel_matmul patterns decide.
struct LowBitToVectorOptions {
  bool floatPath = false;                       ///< f32 kernels everywhere
  int64_t parallelThreshold = int64_t(1) << 20; ///< 0: never threads
  bool report = false;                          ///< remark per kernel
};

/// lowbit.matmul on a constant 2-D weight -> lowbit.kernel_matmul on the
/// weight repacked for `target` (plus the slice and reshapes around it).
/// A scheme the layout cannot express is an error on the op.
void populateLowBitToVectorPatterns(mlir::RewritePatternSet &patterns,
                                    const codegen::KernelTarget &target,
                                    const LowBitToVectorOptions &options);
} // namespace lowbit

#endif
