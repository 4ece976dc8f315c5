//===- lowbit-export.cpp - Model IR -> GGUF -------------------------------===//
//
// Parses model IR and writes it as GGUF (lowbit::model::exportGguf); tensors
// GGUF cannot hold are refused unless --unsupported=f16|f32 asks to store
// their decoded values, each such conversion listed.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Tools/ThreadsOption.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"
#include "lowbit/ModelIR/ExportGguf.h"
#include "lowbit/ModelIR/ImportModelFile.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputPath(cl::Positional,
                                      cl::desc("<model IR (.mlir/.mlirbc)>"),
                                      cl::Required);
static cl::opt<std::string> outputPath("o", cl::desc("output GGUF file"),
                                       cl::value_desc("path"), cl::Required);
static cl::opt<std::string> unsupported(
    "unsupported",
    cl::desc("tensors GGUF cannot hold: error (default), or store their "
             "decoded values as f16 or f32"),
    cl::init("error"));

static int fail(const std::string &msg) {
  llvm::errs() << "lowbit-export: error: " << msg << "\n";
  return 1;
}

int main(int argc, char **argv) {
  if (lowbit::refuseLLVMThreadsOption(argc, argv))
    return 1;
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "lowbit-export: model IR -> GGUF\n");
  using Unsupported = lowbit::model::ExportOptions::Unsupported;
  lowbit::model::ExportOptions options;
  if (unsupported == "f16")
    options.unsupported = Unsupported::F16;
  else if (unsupported == "f32")
    options.unsupported = Unsupported::F32;
  else if (unsupported != "error")
    return fail("--unsupported must be error, f16 or f32");

  DialectRegistry registry;
  registry.insert<arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                  tensor::TensorDialect, scf::SCFDialect,
                  lowbit::LowBitDialect>();
  MLIRContext ctx(registry);
  llvm::SourceMgr sourceMgr;
  std::string parseError;
  OwningOpRef<ModuleOp> module = lowbit::model::parseModelIRFile(
      ctx, inputPath, sourceMgr, parseError);
  if (!module)
    return fail(parseError);

  lowbit::model::ExportReport report;
  std::string err =
      lowbit::model::exportGguf(*module, outputPath, options, report);
  for (const std::string &line : report.conversions)
    llvm::outs() << "lowbit-export: " << line << "\n";
  if (!err.empty())
    return fail(err);
  llvm::outs() << "lowbit-export: wrote " << report.tensors << " tensors ("
               << report.quantized << " quantized";
  if (!report.conversions.empty())
    llvm::outs() << ", " << report.conversions.size() << " stored decoded as "
                 << unsupported;
  llvm::outs() << ") to " << outputPath << "\n";
  return 0;
}
