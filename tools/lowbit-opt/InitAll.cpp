//===- InitAll.cpp - Registration of lowbit and upstream pieces -----------===//

#include "lowbit/InitAll.h"
#include "lowbit/Conversion/Passes.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"
#include "lowbit/Dialect/LowBit/Transforms/BufferizableOpInterfaceImpl.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"
#include "lowbit/Pipelines/Pipelines.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

void lowbit::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<lowbit::LowBitDialect>();
  lowbit::registerBufferizableOpInterfaceExternalModels(registry);
  // Upstream: func, arith, linalg, tensor, math, memref, bufferization, scf,
  // vector, llvm ... everything a lowering pipeline may reach.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
}

void lowbit::registerAllPasses() {
  lowbit::registerLowBitTransformsPasses();
  lowbit::registerLowBitConversionPasses();
  lowbit::registerAllPipelines();
  mlir::registerAllPasses();
}
