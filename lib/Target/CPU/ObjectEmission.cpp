//===- ObjectEmission.cpp - LLVM-dialect module -> object file ------------===//

#include "lowbit/Target/CPU/ObjectEmission.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

namespace lowbit::cpu {

void stabilizeGlobals(ModuleOp module) {
  SmallVector<std::pair<std::string, LLVM::GlobalOp>> globals;
  for (auto g : module.getOps<LLVM::GlobalOp>()) {
    if (!g.getSymName().starts_with("__constant_"))
      continue;
    std::string key;
    llvm::raw_string_ostream os(key);
    os << g.getGlobalType() << " ";
    if (auto value = g.getValueOrNull())
      value.print(os);
    globals.emplace_back(key, g);
  }
  llvm::stable_sort(
      globals, [](const auto &a, const auto &b) { return a.first < b.first; });
  Block *body = module.getBody();
  Operation *anchor = body->empty() ? nullptr : &body->front();
  for (auto [i, entry] : llvm::enumerate(globals)) {
    LLVM::GlobalOp g = entry.second;
    std::string name = "__lowbit_constant_" + std::to_string(i);
    if (failed(SymbolTable::replaceAllSymbolUses(
            g, StringAttr::get(module.getContext(), name), module)))
      continue;
    g.setSymName(name);
    g->moveBefore(anchor);
    anchor = g->getNextNode();
  }
}

std::string emitObjectFile(llvm::Module &module, llvm::TargetMachine &tm,
                           const std::string &path) {
  module.setTargetTriple(tm.getTargetTriple());
  module.setDataLayout(tm.createDataLayout());
  auto optimize = makeOptimizingTransformer(3, 0, &tm);
  if (llvm::Error e = optimize(&module))
    return "optimization failed: " + llvm::toString(std::move(e));
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return path + ": " + ec.message();
  llvm::legacy::PassManager codegen;
  if (tm.addPassesToEmitFile(codegen, out.os(), nullptr,
                             llvm::CodeGenFileType::ObjectFile))
    return "the target cannot emit object files";
  codegen.run(module);
  out.keep();
  return "";
}

} // namespace lowbit::cpu
