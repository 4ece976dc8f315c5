//===- TargetMachine.cpp - LLVM target machines from llc spellings --------===//

#include "lowbit/Codegen/TargetMachine.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

namespace lowbit::codegen {

std::unique_ptr<llvm::TargetMachine>
createTargetMachine(std::string triple, std::string cpu,
                    const std::string &features, std::string &error) {
  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();
  bool host = triple.empty();
  if (host)
    triple = llvm::sys::getDefaultTargetTriple();
  if (cpu == "native" || (cpu.empty() && host))
    cpu = std::string(llvm::sys::getHostCPUName());
  if (cpu.empty())
    cpu = "generic";
  llvm::Triple t(triple);
  std::string lookupError;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(t, lookupError);
  if (!target) {
    error = "unknown target triple '" + triple + "': " + lookupError;
    return nullptr;
  }
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      target->createMCSubtargetInfo(t, cpu, ""));
  if (!sti || !sti->isCPUStringValid(cpu)) {
    error = "unknown CPU '" + cpu + "' for " + triple;
    return nullptr;
  }
  for (llvm::StringRef f : llvm::split(features, ',')) {
    f = f.trim();
    if (f.empty())
      continue;
    if (f[0] != '+' && f[0] != '-') {
      error = "feature '" + f.str() + "' must start with + or -";
      return nullptr;
    }
    bool known = false;
    for (const llvm::SubtargetFeatureKV &kv : sti->getAllProcessorFeatures())
      known |= f.drop_front() == kv.Key;
    if (!known) {
      error = "unknown feature '" + f.str() + "' for " + triple;
      return nullptr;
    }
  }
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      t, cpu, features, options, llvm::Reloc::PIC_, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  if (!tm)
    error = "cannot create a target machine for " + triple;
  return tm;
}

std::unique_ptr<llvm::TargetMachine>
createHostTargetMachine(std::string &error) {
  std::vector<std::string> enabled;
  for (const auto &f : llvm::sys::getHostCPUFeatures())
    if (f.second)
      enabled.push_back("+" + f.first().str());
  llvm::sort(enabled);
  return createTargetMachine("", "", llvm::join(enabled, ","), error);
}

static bool hasFeature(const llvm::TargetMachine &tm, llvm::StringRef f) {
  return tm.getMCSubtargetInfo()->checkFeatures("+" + f.str());
}

bool runsOn(const TargetDesc &desc, const llvm::TargetMachine &tm) {
  if (tm.getTargetTriple().getArchName() != desc.arch)
    return false;
  for (const char *f : desc.features)
    if (!hasFeature(tm, f))
      return false;
  return true;
}

const TargetDesc *selectTarget(const llvm::TargetMachine &tm) {
  return selectTarget(tm.getTargetTriple().getArchName(),
                      [&](llvm::StringRef f) { return hasFeature(tm, f); });
}

} // namespace lowbit::codegen
