//===- Targets.h - CPU target descriptions as data --------------*- C++ -*-===//
//
// Each entry says what the kernels may use on a CPU family: vector width,
// the int8 dot-product instruction and the byte-lookup instruction (if any)
// and the row interleave of the packed weight layout. Selection takes LLVM's
// own feature names, so a target is spelled exactly as llc/clang take it
// (-mtriple/-mcpu/-mattr). On the IR the chosen entry travels as the
// module's `#lowbit.target` attribute (beside upstream's `#llvm.target`).
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CODEGEN_TARGETS_H
#define LOWBIT_CODEGEN_TARGETS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace lowbit::codegen {

/// The instruction that multiplies unsigned/signed int8 pairs into int32
/// lanes, four products per lane.
enum class DotKind {
  None,       ///< no int8 dot product: the float path is the default
  X86Vnni512, ///< AVX-512 VNNI vpdpbusd on zmm (u8 x s8)
  X86Vnni256, ///< AVX-VNNI / AVX-512VL vpdpbusd on ymm (u8 x s8)
  X86Avx2,    ///< AVX2 vpmaddubsw + vpmaddwd on ymm (u8 x s8, i16 pairs)
  NeonSdot,   ///< Armv8.2 dotprod sdot (s8 x s8)
  NeonUsdot,  ///< Armv8.6 i8mm usdot (u8 x s8)
};

/// The 16-entry byte table lookup that turns codebook indices into codes.
enum class LookupKind {
  None,
  X86Pshufb256, ///< vpshufb ymm (per 16-byte lane)
  X86Pshufb512, ///< vpshufb zmm (per 16-byte lane)
  NeonTbl,      ///< tbl with one 16-byte table
};

/// What the kernels of one target may use: everything lowbit's codegen asks
/// of a target.
struct KernelTarget {
  unsigned vectorBytes = 16; ///< widest vector register the kernels use
  DotKind dot = DotKind::None;
  LookupKind lookup = LookupKind::None;
  /// Rows interleaved in one record of the packed layout (more rows share
  /// each activation load; fewer keep more records in flight).
  unsigned rowsPerGroup = 4;

  bool operator==(const KernelTarget &o) const {
    return vectorBytes == o.vectorBytes && dot == o.dot && lookup == o.lookup &&
           rowsPerGroup == o.rowsPerGroup;
  }
};

struct TargetDesc {
  const char *name; ///< the table's name for the entry
  const char *arch; ///< llvm::Triple architecture name
  /// LLVM subtarget features that must all be present.
  llvm::ArrayRef<const char *> features;
  KernelTarget kernels;
};

llvm::ArrayRef<TargetDesc> targetTable();
const TargetDesc *findTarget(llvm::StringRef name);
/// The most capable entry of `arch` whose features all satisfy `has`.
const TargetDesc *selectTarget(llvm::StringRef arch,
                               llvm::function_ref<bool(llvm::StringRef)> has);
/// "x86-64, x86-64-v3, ..." for diagnostics.
std::string targetNames();

/// LLVM intrinsics of the int8 dot product (acc, codes, activations; for
/// X86Avx2 the pair product, codes x activations) and of the byte lookup
/// (table, indices); null for None.
const char *dotIntrinsic(DotKind k);
const char *lookupIntrinsic(LookupKind k);
/// Human description ("vpdpbusd zmm") for reports.
const char *dotKindName(DotKind k);
/// Keywords as the IR spells them ("vpdpbusd_zmm") and back.
const char *dotKindKeyword(DotKind k);
const char *lookupKindKeyword(LookupKind k);
std::optional<DotKind> parseDotKind(llvm::StringRef keyword);
std::optional<LookupKind> parseLookupKind(llvm::StringRef keyword);

} // namespace lowbit::codegen

#endif // LOWBIT_CODEGEN_TARGETS_H
