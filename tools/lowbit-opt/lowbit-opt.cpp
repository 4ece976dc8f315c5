//===- lowbit-opt.cpp - mlir-opt with lowbit
//--------------------------------===//

#include "lowbit/Tools/ThreadsOption.h"
#include "lowbit/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  if (lowbit::refuseLLVMThreadsOption(argc, argv))
    return 1;
  mlir::DialectRegistry registry;
  lowbit::registerAllDialects(registry);
  lowbit::registerAllPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "lowbit optimizer driver: quantize and lower model IR\n",
      registry));
}
