//===- KernelLayout.h - Weights repacked for the vector kernels -*- C++ -*-===//
//
// Every scheme is re-expressed, at compile time, as groups of G weights
// (G = 32, 16 or 8, a divisor of the scheme's finest scale granularity):
//
//   w = d x (u - Z) + m        (float codebooks: w = d x table[u] + m)
//
// with u an unsigned code of 4, 6 or 8 bits, d and m one float per group and
// row (f16 when every value is exactly a half, else f32) and Z a constant.
// The arithmetic is the decoder's, so weights decode bit-identically to
// lowbit::quant. Records interleave R rows: for group b of row group g,
//
//   [codes R*G*bits/8][d: R scales][m: R scales, if any]
//
// and the R*G codes (row-major) are cut into chunks of one vector register
// (W bytes); with 4-bit codes, chunks 2i and 2i+1 share W bytes as low and
// high nibbles, so one and/shift decodes two registers. 6-bit codes add,
// after the nibbles, W/2 bytes per chunk pair holding the top two bits of
// its 2W codes (see writePlanes): 6 bits read per code, not 8; 5-bit
// codes (q5_0, q5_1, q5_k) add W/4 bytes per chunk pair with their fifth
// bits (writePlanes): 5 bits read per code. 2-bit codes (q2_k) pack
// chunks 4i..4i+3 as bit pairs 0-1 .. 6-7 of W bytes (records of a
// multiple of four chunks); 3-bit codes are stored as nibbles.
//
// Small integer codebooks (IQ4_NL/IQ4_XS: 16 levels) keep 4-bit indices;
// the integer path turns them into 8-bit codes u = level + Z with one
// byte shuffle (pshufb / tbl) through `lookup`, the float path gathers the
// levels from `table`.
//
// Prefill kernels on the integer path use k-quads instead (`quad`): R = W/4
// rows, and chunk j holds codes 4j..4j+3 of every row (byte 4r + i = code
// 4j + i of row r), so one dot product of a chunk with four activations
// broadcast to every lane gives each row's partial sum in its own lane.
//
// Two-level scales (K-quants and other super-blocks): d = sub x D and
// m = msub x M, with sub and msub one byte per group and row in the record
// and D, M one float per row and super-block of S groups, after all the
// records at superOffset(): entry (g, s) holds R values of D, then R of M.
// Products of a small integer and a half are exact in f32, so this is the
// decoder's arithmetic too, at ~4.6 instead of 6 bits per 4-bit weight.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CODEGEN_KERNELLAYOUT_H
#define LOWBIT_CODEGEN_KERNELLAYOUT_H

#include "lowbit/Codegen/Targets.h"
#include "lowbit/Quant/Scheme.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lowbit::codegen {

struct KernelLayout {
  unsigned rows = 0, cols = 0; ///< N and K of the weight
  unsigned group = 32;         ///< G
  unsigned rowsPerGroup = 4;   ///< R
  unsigned vectorBytes = 64;   ///< W
  unsigned codeBits = 4; ///< 2, 4, 5 or 6 (nibbles + 1- or 2-bit planes), 8
  int zeroPoint = 0;           ///< Z
  bool scaleF16 = false;
  bool hasMin = false;
  bool minF16 = false;
  std::vector<float> table;    ///< float codebook levels; empty if affine
  std::vector<uint8_t> lookup; ///< 16 bytes: index -> level + Z, or empty
  bool quad = false;           ///< k-quad chunks (prefill, integer path)
  unsigned superGroups = 0;    ///< S; 0 = one-level scales (d, m per group)
  bool subSigned = false;      ///< sub-scales are int8 (else uint8)
  bool superF16 = false;       ///< D and M are halves (else f32)

  unsigned blocksPerRow() const { return (cols + group - 1) / group; }
  unsigned paddedCols() const { return blocksPerRow() * group; }
  unsigned rowGroups() const {
    return (rows + rowsPerGroup - 1) / rowsPerGroup;
  }
  unsigned paddedRows() const { return rowGroups() * rowsPerGroup; }
  unsigned codeBytes() const { return rowsPerGroup * group * codeBits / 8; }
  bool twoLevel() const { return superGroups > 0; }
  unsigned scaleBytes() const {
    return rowsPerGroup * (twoLevel() ? 1 : scaleF16 ? 2 : 4);
  }
  unsigned minBytes() const {
    return hasMin ? rowsPerGroup * (twoLevel() ? 1 : minF16 ? 2 : 4) : 0;
  }
  unsigned recordBytes() const {
    return codeBytes() + scaleBytes() + minBytes();
  }
  /// Vector registers of codes per record.
  unsigned chunks() const { return rowsPerGroup * group / vectorBytes; }
  unsigned superBlocksPerRow() const {
    return twoLevel() ? (blocksPerRow() + superGroups - 1) / superGroups : 0;
  }
  /// Bytes of one (row group, super-block) entry: R x D, then R x M.
  unsigned superBytes() const {
    return rowsPerGroup * (superF16 ? 2 : 4) * (hasMin ? 2 : 1);
  }
  size_t superOffset() const {
    return size_t(rowGroups()) * blocksPerRow() * recordBytes();
  }
  size_t totalBytes() const {
    return superOffset() +
           size_t(rowGroups()) * superBlocksPerRow() * superBytes();
  }
  /// A short description for reports and kernel names.
  std::string describe() const;
};

/// Repacks `rows` rows of `scheme`-packed bytes (lowbit::quant's row
/// layout) for `target`; `prefill` asks for k-quads where the integer path
/// applies. Returns an empty string on success, else why the scheme cannot
/// be expressed (never silently approximated).
std::string repackForKernel(const quant::Scheme &scheme, unsigned rows,
                            unsigned cols, const uint8_t *packed,
                            const KernelTarget &target, KernelLayout &layout,
                            std::vector<uint8_t> &bytes, bool prefill = false);

/// True when the integer-dot path applies (affine codes and integer
/// codebooks with a byte lookup; float codebooks only run on the float
/// path).
inline bool supportsIntegerDot(const KernelLayout &l) {
  return l.table.empty() || !l.lookup.empty();
}

/// True when kernels for `target` run `l` on int8 dot products (the target
/// has them, the layout allows them and the float path is not forced).
inline bool usesIntegerDot(const KernelLayout &l, const KernelTarget &target,
                           bool floatPath) {
  return !floatPath && target.dot != DotKind::None && supportsIntegerDot(l);
}

/// Why `l` is not a layout the kernels can run, or "" when it is
/// (KernelLayoutChecks.cpp; the `#lowbit.kernel_layout` verifier).
std::string checkLayout(const KernelLayout &l);
/// Why kernels for `target` (on the float path or not) cannot run `l`, or "".
std::string checkLayoutForTarget(const KernelLayout &l,
                                 const KernelTarget &target, bool floatPath);

/// True when the integer path's codes span 8 bits (stored so, or looked up).
inline bool hasByteCodes(const KernelLayout &l) {
  return l.codeBits != 4 || !l.lookup.empty();
}

/// The activation quantization the integer path performs, per group of G
/// values: amax/127 scale, round-half-even, exactly as the kernels do.
/// `values` gets the dequantized activations (scale x int8), which is what
/// the integer kernels effectively multiply by.
void quantizeActivationsLikeKernel(const float *x, unsigned k, unsigned group,
                                   float *values);

} // namespace lowbit::codegen

#endif // LOWBIT_CODEGEN_KERNELLAYOUT_H
