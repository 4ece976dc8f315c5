//===- Targets.cpp - The table of CPU targets -----------------------------===//

#include "lowbit/Codegen/Targets.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace llvm;

namespace lowbit::codegen {

static const char *const kNone[] = {"sse2"};
static const char *const kV3[] = {"avx2", "fma"};
static const char *const kV3Vnni[] = {"avx2", "fma", "avxvnni"};
static const char *const kV4[] = {"avx512f", "avx512bw", "avx512vl",
                                  "avx512dq"};
static const char *const kV4Vnni[] = {"avx512f", "avx512bw", "avx512vl",
                                      "avx512dq", "avx512vnni"};
static const char *const kNeon[] = {"neon"};
static const char *const kDotprod[] = {"neon", "dotprod"};
static const char *const kI8mm[] = {"neon", "dotprod", "i8mm"};

// Ordered from least to most capable within each architecture.
static const TargetDesc kTargets[] = {
    {"x86-64", "x86_64", kNone, 16, DotKind::None, 4, nullptr, nullptr},
    {"x86-64-v3", "x86_64", kV3, 32, DotKind::X86Avx2, 4,
     "llvm.x86.avx2.pmadd.ub.sw", "llvm.x86.avx2.pshuf.b"},
    {"x86-64-v3-vnni", "x86_64", kV3Vnni, 32, DotKind::X86Vnni256, 4,
     "llvm.x86.avx512.vpdpbusd.256", "llvm.x86.avx2.pshuf.b"},
    {"x86-64-v4", "x86_64", kV4, 64, DotKind::None, 4, nullptr, nullptr},
    {"x86-64-v4-vnni", "x86_64", kV4Vnni, 64, DotKind::X86Vnni512, 4,
     "llvm.x86.avx512.vpdpbusd.512", "llvm.x86.avx512.pshuf.b.512"},
    {"aarch64", "aarch64", kNeon, 16, DotKind::None, 4, nullptr, nullptr},
    {"aarch64-dotprod", "aarch64", kDotprod, 16, DotKind::NeonSdot, 4,
     "llvm.aarch64.neon.sdot.v4i32.v16i8", "llvm.aarch64.neon.tbl1"},
    {"aarch64-i8mm", "aarch64", kI8mm, 16, DotKind::NeonUsdot, 4,
     "llvm.aarch64.neon.usdot.v4i32.v16i8", "llvm.aarch64.neon.tbl1"},
};

ArrayRef<TargetDesc> targetTable() { return kTargets; }

const TargetDesc *findTarget(StringRef name) {
  for (const TargetDesc &t : kTargets)
    if (name == t.name)
      return &t;
  return nullptr;
}

const TargetDesc *selectTarget(StringRef arch,
                               function_ref<bool(StringRef)> has) {
  const TargetDesc *best = nullptr;
  for (const TargetDesc &t : kTargets) {
    if (arch != t.arch)
      continue;
    bool ok = true;
    for (const char *f : t.features)
      ok = ok && has(f);
    if (ok)
      best = &t;
  }
  return best;
}

const TargetDesc *hostTarget() {
  StringMap<bool> features = sys::getHostCPUFeatures();
  Triple host(sys::getProcessTriple());
  return selectTarget(host.getArchName() == "arm64" ? "aarch64"
                                                    : host.getArchName(),
                      [&](StringRef f) {
                        // Baseline features the host map may omit.
                        if (f == "sse2" || f == "neon")
                          return true;
                        return features.lookup(f);
                      });
}

const char *dotKindName(DotKind k) {
  switch (k) {
  case DotKind::None:
    return "none (float path)";
  case DotKind::X86Vnni512:
    return "vpdpbusd zmm";
  case DotKind::X86Vnni256:
    return "vpdpbusd ymm";
  case DotKind::X86Avx2:
    return "vpmaddubsw ymm";
  case DotKind::NeonSdot:
    return "sdot";
  case DotKind::NeonUsdot:
    return "usdot";
  }
  return "?";
}

std::string targetNames() {
  std::string s;
  for (const TargetDesc &t : kTargets)
    s += (s.empty() ? "" : ", ") + std::string(t.name);
  return s;
}

} // namespace lowbit::codegen
