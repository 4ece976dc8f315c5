//===- ExternalWeights.cpp - Large constants to a mapped file -------------===//

#include "lowbit/Target/CPU/ExternalWeights.h"
#include "lowbit/Dialect/LowBit/IR/ConstantData.h"
#include "lowbit/Target/CPU/ModelABI.h"
#include "lowbit/Target/CPU/WeightsChecksum.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Module.h"

using namespace mlir;

namespace lowbit::cpu {

namespace {

/// The memory image of a constant global's initializer, if it has one
/// stored in full (dense resource blobs and non-splat dense elements).
std::optional<ArrayRef<char>> constantImage(LLVM::GlobalOp g) {
  if (!g.getConstant())
    return std::nullopt;
  return lowbit::constantBytes(g.getValueOrNull());
}

llvm::StringSet<> referencedGlobals(ModuleOp module) {
  llvm::StringSet<> names;
  module.walk([&](LLVM::AddressOfOp a) { names.insert(a.getGlobalName()); });
  return names;
}

} // namespace

uint64_t constantBytes(ModuleOp module) {
  llvm::StringSet<> used = referencedGlobals(module);
  uint64_t total = 0;
  for (auto g : module.getOps<LLVM::GlobalOp>())
    if (used.contains(g.getSymName()))
      if (auto image = constantImage(g))
        total += image->size();
  return total;
}

std::string externalizeWeights(ModuleOp module, uint64_t minBytes,
                               ExternalWeights &out) {
  llvm::StringSet<> used = referencedGlobals(module);
  llvm::StringMap<unsigned> slotOf;
  SmallVector<LLVM::GlobalOp> moved;
  for (auto g : module.getOps<LLVM::GlobalOp>()) {
    if (!used.contains(g.getSymName()))
      continue;
    std::optional<ArrayRef<char>> image = constantImage(g);
    if (!image || image->size() < minBytes)
      continue;
    out.bytes.resize((out.bytes.size() + 63) / 64 * 64, 0);
    out.offsets.push_back(out.bytes.size());
    out.bytes.insert(out.bytes.end(), image->begin(), image->end());
    slotOf[g.getSymName()] = moved.size();
    moved.push_back(g);
  }
  if (moved.empty())
    return "";
  out.checksum = weightsChecksum(out.bytes.data(), out.bytes.size());

  // The slots: an exported, zero-initialised array of pointers.
  MLIRContext *ctx = module.getContext();
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto slotsType = LLVM::LLVMArrayType::get(ptr, moved.size());
  OpBuilder b(ctx);
  b.setInsertionPointToStart(module.getBody());
  auto slots =
      LLVM::GlobalOp::create(b, module.getLoc(), slotsType,
                             /*isConstant=*/false, LLVM::Linkage::External,
                             abiName(AbiSymbol::WeightSlots), Attribute(),
                             /*alignment=*/64);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&slots.getInitializerRegion().emplaceBlock());
    Value zero = LLVM::ZeroOp::create(b, module.getLoc(), slotsType);
    LLVM::ReturnOp::create(b, module.getLoc(), zero);
  }

  std::string error;
  SmallVector<LLVM::AddressOfOp> uses;
  module.walk([&](LLVM::AddressOfOp a) {
    if (slotOf.contains(a.getGlobalName()))
      uses.push_back(a);
  });
  for (LLVM::AddressOfOp a : uses) {
    if (a->getParentOfType<LLVM::GlobalOp>()) {
      error = "a weight's address is used in a global initializer";
      break;
    }
    OpBuilder at(a);
    Location loc = a.getLoc();
    Value base = LLVM::AddressOfOp::create(at, loc, ptr,
                                           abiName(AbiSymbol::WeightSlots));
    Value slot = LLVM::GEPOp::create(
        at, loc, ptr, slotsType, base,
        ArrayRef<LLVM::GEPArg>{0, int32_t(slotOf.lookup(a.getGlobalName()))});
    Value address = LLVM::LoadOp::create(at, loc, ptr, slot, /*alignment=*/8);
    a.replaceAllUsesWith(address);
    a.erase();
  }
  for (LLVM::GlobalOp g : moved)
    g.erase();
  return error;
}

void addExternalWeightsInfo(llvm::Module &module, const ExternalWeights &w) {
  llvm::LLVMContext &ctx = module.getContext();
  auto u64 = [&](uint64_t v) {
    return llvm::ConstantInt::get(llvm::Type::getInt64Ty(ctx), v);
  };
  addExportedConstant(module, u64(w.bytes.size()), AbiSymbol::WeightsSize);
  addExportedConstant(module, u64(w.checksum), AbiSymbol::WeightsChecksum);
  addExportedConstant(module, u64(w.offsets.size()), AbiSymbol::WeightCount);
  addExportedConstant(
      module, llvm::ConstantDataArray::get(ctx, llvm::ArrayRef(w.offsets)),
      AbiSymbol::WeightOffsets);
  addExportedConstant(
      module,
      llvm::ConstantDataArray::getString(ctx, w.fileName, /*AddNull=*/true),
      AbiSymbol::WeightsName);
}

} // namespace lowbit::cpu
