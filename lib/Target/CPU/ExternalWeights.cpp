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

namespace {

/// A referenced constant global of at least `minBytes` and its bytes.
struct WeightGlobal {
  mutable LLVM::GlobalOp global; // op handles: const-ness is not the op's
  ArrayRef<char> image;
};

/// Natural alignment of the scalars of an (array of) scalar type.
uint64_t elementAlignment(Type type) {
  while (auto array = dyn_cast<LLVM::LLVMArrayType>(type))
    type = array.getElementType();
  if (auto vector = dyn_cast<VectorType>(type))
    type = vector.getElementType();
  if (type.isIntOrFloat())
    return std::max<uint64_t>(1, type.getIntOrFloatBitWidth() / 8);
  return 16;
}

SmallVector<WeightGlobal> weightGlobals(ModuleOp module, uint64_t minBytes) {
  llvm::StringSet<> used = referencedGlobals(module);
  SmallVector<WeightGlobal> found;
  for (auto g : module.getOps<LLVM::GlobalOp>()) {
    if (!used.contains(g.getSymName()))
      continue;
    std::optional<ArrayRef<char>> image = constantImage(g);
    if (image && image->size() >= minBytes)
      found.push_back({g, *image});
  }
  return found;
}

/// Replaces every use of the `moved` globals by a load from their slot in
/// the WeightSlots array and erases them.
std::string redirectToSlots(ModuleOp module, ArrayRef<WeightGlobal> moved) {
  llvm::StringMap<unsigned> slotOf;
  for (auto [i, w] : llvm::enumerate(moved))
    slotOf[w.global.getSymName()] = i;

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
  for (const WeightGlobal &w : moved)
    w.global.erase();
  return error;
}

} // namespace

std::string externalizeWeights(ModuleOp module, uint64_t minBytes,
                               ExternalWeights &out) {
  SmallVector<WeightGlobal> moved = weightGlobals(module, minBytes);
  if (moved.empty())
    return "";
  for (const WeightGlobal &w : moved) {
    out.bytes.resize((out.bytes.size() + 63) / 64 * 64, 0);
    out.offsets.push_back(out.bytes.size());
    out.bytes.insert(out.bytes.end(), w.image.begin(), w.image.end());
  }
  out.checksum = weightsChecksum(out.bytes.data(), out.bytes.size());
  return redirectToSlots(module, moved);
}

std::string referenceWeightsInPlace(ModuleOp module, uint64_t minBytes,
                                    std::vector<const void *> &addresses,
                                    std::vector<uint64_t> *sizes) {
  SmallVector<WeightGlobal> moved;
  for (const WeightGlobal &w : weightGlobals(module, minBytes)) {
    // Loads through a slot assume only their element's alignment (the
    // global's own, often 64, is not known behind the pointer).
    uint64_t align = elementAlignment(w.global.getGlobalType());
    if (reinterpret_cast<uintptr_t>(w.image.data()) % align == 0)
      moved.push_back(w);

  }
  if (moved.empty())
    return "";
  for (const WeightGlobal &w : moved) {
    addresses.push_back(w.image.data());
    if (sizes)
      sizes->push_back(w.image.size());
  }
  return redirectToSlots(module, moved);
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
