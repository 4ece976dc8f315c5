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

using D = DotKind;
using L = LookupKind;

// Ordered from least to most capable within each architecture.
static const TargetDesc kTargets[] = {
    {"x86-64", "x86_64", kNone, {16, D::None, L::None, 4}},
    {"x86-64-v3", "x86_64", kV3, {32, D::X86Avx2, L::X86Pshufb256, 4}},
    {"x86-64-v3-vnni",
     "x86_64",
     kV3Vnni,
     {32, D::X86Vnni256, L::X86Pshufb256, 4}},
    {"x86-64-v4", "x86_64", kV4, {64, D::None, L::None, 4}},
    {"x86-64-v4-vnni",
     "x86_64",
     kV4Vnni,
     {64, D::X86Vnni512, L::X86Pshufb512, 4}},
    {"aarch64", "aarch64", kNeon, {16, D::None, L::None, 4}},
    {"aarch64-dotprod", "aarch64", kDotprod, {16, D::NeonSdot, L::NeonTbl, 4}},
    {"aarch64-i8mm", "aarch64", kI8mm, {16, D::NeonUsdot, L::NeonTbl, 4}},
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

std::string targetNames() {
  std::string s;
  for (const TargetDesc &t : kTargets)
    s += (s.empty() ? "" : ", ") + std::string(t.name);
  return s;
}

const char *dotIntrinsic(DotKind k) {
  switch (k) {
  case DotKind::None:
    return nullptr;
  case DotKind::X86Vnni512:
    return "llvm.x86.avx512.vpdpbusd.512";
  case DotKind::X86Vnni256:
    return "llvm.x86.avx512.vpdpbusd.256";
  case DotKind::X86Avx2:
    return "llvm.x86.avx2.pmadd.ub.sw";
  case DotKind::NeonSdot:
    return "llvm.aarch64.neon.sdot.v4i32.v16i8";
  case DotKind::NeonUsdot:
    return "llvm.aarch64.neon.usdot.v4i32.v16i8";
  }
  return nullptr;
}

const char *lookupIntrinsic(LookupKind k) {
  switch (k) {
  case LookupKind::None:
    return nullptr;
  case LookupKind::X86Pshufb256:
    return "llvm.x86.avx2.pshuf.b";
  case LookupKind::X86Pshufb512:
    return "llvm.x86.avx512.pshuf.b.512";
  case LookupKind::NeonTbl:
    return "llvm.aarch64.neon.tbl1";
  }
  return nullptr;
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

// Keyword spellings, in enum order.
static const char *const kDotKeywords[] = {
    "none", "vpdpbusd_zmm", "vpdpbusd_ymm", "vpmaddubsw_ymm", "sdot", "usdot"};
static const char *const kLookupKeywords[] = {"none", "vpshufb_ymm",
                                              "vpshufb_zmm", "tbl"};

const char *dotKindKeyword(DotKind k) { return kDotKeywords[unsigned(k)]; }
const char *lookupKindKeyword(LookupKind k) {
  return kLookupKeywords[unsigned(k)];
}

std::optional<DotKind> parseDotKind(StringRef keyword) {
  for (unsigned i = 0; i < std::size(kDotKeywords); ++i)
    if (keyword == kDotKeywords[i])
      return DotKind(i);
  return std::nullopt;
}

std::optional<LookupKind> parseLookupKind(StringRef keyword) {
  for (unsigned i = 0; i < std::size(kLookupKeywords); ++i)
    if (keyword == kLookupKeywords[i])
      return LookupKind(i);
  return std::nullopt;
}

} // namespace lowbit::codegen
