//===- ModelABI.cpp - Names and globals of a compiled model's ABI ---------===//

#include "lowbit/Target/CPU/ModelABI.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Module.h"

namespace lowbit::cpu {

namespace {
struct AbiEntry {
  const char *name, *declaration;
};
const AbiEntry kAbi[] = {
#define LOWBIT_ABI_SYMBOL(Id, name, declaration) {name, declaration},
#include "lowbit/Target/CPU/ModelABI.def"
};
} // namespace

const char *abiName(AbiSymbol symbol) { return kAbi[unsigned(symbol)].name; }

std::string abiDeclaration(AbiSymbol symbol) {
  std::string d = kAbi[unsigned(symbol)].declaration;
  return d.replace(d.find("%s"), 2, abiName(symbol));
}

void addExportedConstant(llvm::Module &module, llvm::Constant *init,
                         AbiSymbol symbol) {
  new llvm::GlobalVariable(module, init->getType(), /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, init,
                           abiName(symbol));
}

void addModelInfo(llvm::Module &module, const ModelShape &shape,
                  const model::Tokenizer *tokenizer) {
  llvm::LLVMContext &ctx = module.getContext();
  int64_t dims[] = {shape.layers, shape.context, shape.kvDim, shape.vocab};
  addExportedConstant(module,
                      llvm::ConstantDataArray::get(ctx, llvm::ArrayRef(dims)),
                      AbiSymbol::Dims);
  if (!tokenizer)
    return;
  int32_t special[] = {tokenizer->bos(), tokenizer->eos()};
  addExportedConstant(
      module, llvm::ConstantDataArray::get(ctx, llvm::ArrayRef(special)),
      AbiSymbol::SpecialTokens);
  std::vector<uint32_t> offsets{0};
  std::string text;
  for (const std::string &t : tokenizer->tokens()) {
    text += t;
    offsets.push_back(uint32_t(text.size()));
  }
  addExportedConstant(
      module, llvm::ConstantDataArray::get(ctx, llvm::ArrayRef(offsets)),
      AbiSymbol::TokenOffsets);
  addExportedConstant(
      module, llvm::ConstantDataArray::getString(ctx, text, /*AddNull=*/true),
      AbiSymbol::TokenText);
  addExportedConstant(
      module,
      llvm::ConstantDataArray::get(ctx, llvm::ArrayRef(tokenizer->scores())),
      AbiSymbol::TokenScores);
}

} // namespace lowbit::cpu
