//===- Targets.h - CPU target descriptions as data --------------*- C++ -*-===//
//
// Each entry says what the kernels may use on a CPU family: vector width,
// the int8 dot-product instruction (if any) and the row interleave of the
// packed weight layout. Selection takes LLVM's own feature names, so a
// target is spelled exactly as llc/clang take it (-mtriple/-mcpu/-mattr).
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CODEGEN_TARGETS_H
#define LOWBIT_CODEGEN_TARGETS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

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

struct TargetDesc {
  const char *name; ///< the spelling of convert-lowbit-to-vector{target=}
  const char *arch; ///< llvm::Triple architecture name
  /// LLVM subtarget features that must all be present.
  llvm::ArrayRef<const char *> features;
  unsigned vectorBytes; ///< widest vector register the kernels use
  DotKind dot;
  /// Rows interleaved in one record of the packed layout (more rows share
  /// each activation load; fewer keep more records in flight).
  unsigned rowsPerGroup;
  /// LLVM intrinsics of the int8 dot product (acc, codes, activations) and
  /// of the 16-entry byte lookup (table, indices); null without `dot`.
  const char *dotIntrinsic;
  const char *lookupIntrinsic;
};

llvm::ArrayRef<TargetDesc> targetTable();
const TargetDesc *findTarget(llvm::StringRef name);
/// The most capable entry of `arch` whose features all satisfy `has`.
const TargetDesc *selectTarget(llvm::StringRef arch,
                               llvm::function_ref<bool(llvm::StringRef)> has);
/// The entry for the machine this runs on.
const TargetDesc *hostTarget();
const char *dotKindName(DotKind k);
/// "x86-64, x86-64-v3, ..." for diagnostics.
std::string targetNames();

} // namespace lowbit::codegen

#endif // LOWBIT_CODEGEN_TARGETS_H
