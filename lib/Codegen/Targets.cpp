//===- Targets.cpp - The table of CPU targets -----------------------------===//

#include "lowbit/Codegen/Targets.h"

#include <iterator>

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

std::string targetNames() {
  std::string s;
  for (const TargetDesc &t : kTargets)
    s += (s.empty() ? "" : ", ") + std::string(t.name);
  return s;
}

// What each kind is, in enum order: the IR keyword, the LLVM intrinsic the
// kernels call (null without one) and, for dot products, a description.
struct DotKindInfo {
  const char *keyword, *intrinsic, *description;
};
static const DotKindInfo kDotKinds[] = {
    {"none", nullptr, "none (float path)"},
    {"vpdpbusd_zmm", "llvm.x86.avx512.vpdpbusd.512", "vpdpbusd zmm"},
    {"vpdpbusd_ymm", "llvm.x86.avx512.vpdpbusd.256", "vpdpbusd ymm"},
    {"vpmaddubsw_ymm", "llvm.x86.avx2.pmadd.ub.sw", "vpmaddubsw ymm"},
    {"sdot", "llvm.aarch64.neon.sdot.v4i32.v16i8", "sdot"},
    {"usdot", "llvm.aarch64.neon.usdot.v4i32.v16i8", "usdot"},
};
struct LookupKindInfo {
  const char *keyword, *intrinsic;
};
static const LookupKindInfo kLookupKinds[] = {
    {"none", nullptr},
    {"vpshufb_ymm", "llvm.x86.avx2.pshuf.b"},
    {"vpshufb_zmm", "llvm.x86.avx512.pshuf.b.512"},
    {"tbl", "llvm.aarch64.neon.tbl1"},
};
static_assert(std::size(kDotKinds) == unsigned(DotKind::NeonUsdot) + 1);
static_assert(std::size(kLookupKinds) == unsigned(LookupKind::NeonTbl) + 1);

const char *dotIntrinsic(DotKind k) { return kDotKinds[unsigned(k)].intrinsic; }
const char *lookupIntrinsic(LookupKind k) {
  return kLookupKinds[unsigned(k)].intrinsic;
}
const char *dotKindName(DotKind k) {
  return kDotKinds[unsigned(k)].description;
}
const char *dotKindKeyword(DotKind k) { return kDotKinds[unsigned(k)].keyword; }
const char *lookupKindKeyword(LookupKind k) {
  return kLookupKinds[unsigned(k)].keyword;
}

std::optional<DotKind> parseDotKind(StringRef keyword) {
  for (unsigned i = 0; i < std::size(kDotKinds); ++i)
    if (keyword == kDotKinds[i].keyword)
      return DotKind(i);
  return std::nullopt;
}

std::optional<LookupKind> parseLookupKind(StringRef keyword) {
  for (unsigned i = 0; i < std::size(kLookupKinds); ++i)
    if (keyword == kLookupKinds[i].keyword)
      return LookupKind(i);
  return std::nullopt;
}

} // namespace lowbit::codegen
