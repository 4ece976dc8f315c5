//===- InitAll.cpp - Registration of lowbit and upstream pieces -----------===//

#include "lowbit/InitAll.h"
#include "lowbit/Calibration/Passes.h"
#include "lowbit/Conversion/Passes.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"
#include "lowbit/Dialect/LowBit/Transforms/BufferizableOpInterfaceImpl.h"
#include "lowbit/Dialect/LowBit/Transforms/Passes.h"
#include "lowbit/Pipelines/Pipelines.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"

void lowbit::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<lowbit::LowBitDialect>();
  lowbit::registerBufferizableOpInterfaceExternalModels(registry);
  // Upstream: func, arith, linalg, tensor, math, memref, bufferization, scf,
  // vector, llvm ... everything a lowering pipeline may reach.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
}

void lowbit::registerLLVMTranslations(mlir::DialectRegistry &registry) {
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  mlir::registerOpenMPDialectTranslation(registry);
}

void lowbit::registerAllPasses() {
  // Pass registration is global: once per process, whoever asks first.
  static bool registered = [] {
    lowbit::registerLowBitTransformsPasses();
    lowbit::registerLowBitCalibrationPasses();
    lowbit::registerLowBitConversionPasses();
    lowbit::registerAllPipelines();
    mlir::registerAllPasses();
    return true;
  }();
  (void)registered;
}
