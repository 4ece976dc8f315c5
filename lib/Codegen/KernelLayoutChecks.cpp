//===- KernelLayoutChecks.cpp - What makes a kernel layout runnable -------===//
//
// The kernels assume these; the `#lowbit.kernel_layout` verifier and the
// kernel op's verifier report them, so a hand-written or damaged layout is
// a diagnostic, never a miscompiled kernel.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Codegen/KernelLayout.h"

namespace lowbit::codegen {

std::string checkLayout(const KernelLayout &l) {
  if (l.rows == 0 || l.cols == 0)
    return "empty shape";
  if (l.group != 8 && l.group != 16 && l.group != 32)
    return "group must be 8, 16 or 32, got " + std::to_string(l.group);
  if (l.vectorBytes != 16 && l.vectorBytes != 32 && l.vectorBytes != 64)
    return "vector_bytes must be 16, 32 or 64, got " +
           std::to_string(l.vectorBytes);
  if (l.codeBits != 2 && l.codeBits != 4 && l.codeBits != 5 &&
      l.codeBits != 6 && l.codeBits != 8)
    return "code_bits must be 2, 4, 5, 6 or 8, got " +
           std::to_string(l.codeBits);
  if (l.rowsPerGroup == 0 || l.rowsPerGroup > 64 ||
      (l.rowsPerGroup * l.group) % l.vectorBytes != 0)
    return "rows_per_group x group must fill whole vector registers";
  if (l.codeBits != 8 && l.chunks() % 2 != 0)
    return "2- to 6-bit codes need an even number of register chunks";
  if (l.codeBits == 2 && l.chunks() % 4 != 0)
    return "2-bit codes need a multiple of four register chunks";
  if (l.superGroups == 1 || l.superGroups > 4096)
    return "super_groups must be 0 (one level) or in [2, 4096]";
  if (l.zeroPoint < 0 || l.zeroPoint > 255)
    return "zero_point must be in [0, 255]";
  if (l.table.size() > (size_t(1) << l.codeBits))
    return "a table of " + std::to_string(l.table.size()) +
           " levels does not fit " + std::to_string(l.codeBits) + "-bit codes";
  if (!l.lookup.empty() && (l.lookup.size() != 16 || l.codeBits != 4 ||
                            l.table.empty() || l.table.size() > 16))
    return "a lookup needs 16 entries, 4-bit codes and a table of <= 16";
  if (l.quad && (l.rowsPerGroup * 4 != l.vectorBytes || !supportsIntegerDot(l)))
    return "k-quads need one row per i32 lane (rows_per_group = "
           "vector_bytes / 4) and integer codes";
  // Byte offsets are size_t, register indices 32-bit: refuse layouts whose
  // size does not fit what the kernels index.
  if (l.totalBytes() >= (size_t(1) << 40))
    return "the packed weight would exceed 2^40 bytes";
  return "";
}

std::string checkLayoutForTarget(const KernelLayout &l,
                                 const KernelTarget &target, bool floatPath) {
  if (l.vectorBytes != target.vectorBytes)
    return "the layout is for " + std::to_string(l.vectorBytes) +
           "-byte vectors, the target has " +
           std::to_string(target.vectorBytes);
  if (l.quad && !usesIntegerDot(l, target, floatPath))
    return "k-quads run only on int8 dot products";
  if (!l.lookup.empty() && usesIntegerDot(l, target, floatPath) &&
      target.lookup == LookupKind::None)
    return "codebook indices need a byte lookup the target does not have";
  return "";
}

} // namespace lowbit::codegen
