//===- KernelLayout.cpp - Repacking scheme bytes for the vector kernels ---===//

#include "lowbit/Codegen/KernelLayout.h"
#include "lowbit/Quant/BlockLayout.h"
#include "lowbit/Quant/Half.h"
#include "lowbit/Quant/Quantizer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>

namespace lowbit::codegen {

using namespace lowbit::quant;

std::string KernelLayout::describe() const {
  std::string s = "u" + std::to_string(codeBits) + "g" + std::to_string(group) +
                  "r" + std::to_string(rowsPerGroup);
  if (twoLevel()) {
    // e.g. s8u8h: sub-scales of 8 groups, uint8, halves per super-block.
    s += "s" + std::to_string(superGroups) + (subSigned ? "i8" : "u8") +
         (superF16 ? "h" : "f");
    if (hasMin)
      s += "m";
  } else {
    s += scaleF16 ? "h" : "f";
    if (hasMin)
      s += minF16 ? "mh" : "mf";
  }
  if (quad)
    s += "q";
  // Codebooks are named by a hash of their levels: kernels for different
  // codebooks must not share a name.
  if (!table.empty()) {
    uint32_t h = 2166136261u;
    for (float v : table) {
      uint32_t bits;
      std::memcpy(&bits, &v, 4);
      h = (h ^ bits) * 16777619u;
    }
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", h);
    s += (lookup.empty() ? "t" : "l") + std::string(hex);
  } else {
    s += "z" + std::to_string(zeroPoint);
  }
  return s;
}

namespace {

/// One row decoded into kernel terms: code per element, d and m per group.
struct RowTerms {
  std::vector<uint32_t> codes;
  std::vector<float> d, m;
  // The same d and m as d = dSub x dSuper, m = mSub x mSuper, where the
  // layout has sub-scales (else dSub = 1, mSub = 0).
  std::vector<int> dSub, mSub;
  std::vector<float> dSuper, mSuper;
};

/// How integers of a layout become codes u: level = u - zeroPoint for
/// affine levels, u = codebook index otherwise.
struct CodeMap {
  int minStored = 0; ///< smallest decoded integer v
  bool floatTable = false;
  int tableShift = 0; ///< integer codebook: u = level + tableShift
};

bool isHalfExact(float v) {
  return std::isfinite(v) && halfToFloat(floatToHalf(v)) == v;
}

/// Walks one block of `l` and appends its terms for elements [0, valid).
void appendBlock(const BlockLayout &l, const CodeMap &map, const uint8_t *blk,
                 unsigned valid, unsigned group, RowTerms &t) {
  const float d = readScale(blk + l.dOffset, l.scaleType);
  const bool hasSecond =
      l.offset == Offset::FloatMin || l.offset == Offset::SubMin;
  const float second =
      hasSecond ? readScale(blk + l.secondOffset, l.scaleType) : 0.0f;
  const int zp = l.offset == Offset::ZeroPoint
                     ? l.code.decode(readField(blk, l.zeroPoint))
                     : 0;
  for (unsigned p = 0; p < valid; p += group) {
    unsigned j = p / l.subBlock;
    float dl = d;
    if (l.hasSubScales)
      dl = d * float(l.subScale.decode(readField(blk, l.subScales[j])));
    float m = 0.0f;
    if (l.offset == Offset::FloatMin)
      m = second;
    else if (l.offset == Offset::SubMin)
      m = -(second * float(l.subMin.decode(readField(blk, l.subMins[j]))));
    else if (l.offset == Offset::ZeroPoint)
      // d x (v - zp) = d x (u + min - zp): fold the per-block zero point.
      m = dl * float(map.minStored - zp);
    t.d.push_back(dl);
    t.m.push_back(m);
    t.dSub.push_back(
        l.hasSubScales ? l.subScale.decode(readField(blk, l.subScales[j])) : 1);
    t.dSuper.push_back(d);
    bool subMin = l.offset == Offset::SubMin;
    t.mSub.push_back(subMin ? l.subMin.decode(readField(blk, l.subMins[j]))
                            : 0);
    // -(second x mn) == (-second) x mn exactly.
    t.mSuper.push_back(subMin ? -second : 0.0f);
    for (unsigned e = p; e < std::min(valid, p + group); ++e) {
      int v = l.code.decode(readField(blk, l.codes[e]));
      uint32_t u;
      if (map.floatTable)
        u = uint32_t(v);
      else if (!l.codebook.empty())
        u = uint32_t(int(l.codebook[v]) + map.tableShift);
      else
        u = uint32_t(v - map.minStored);
      t.codes.push_back(u);
    }
  }
}

/// Two-level scales apply when every group's d (and m) is a byte-sized
/// integer times a float shared by the S groups of its super-block.
void chooseTwoLevelScales(const RowLayout &row,
                          const std::vector<RowTerms> &terms, KernelLayout &l) {
  auto offsetFits = [](const BlockLayout &b) {
    return b.hasSubScales &&
           (b.offset == Offset::None || b.offset == Offset::SubMin);
  };
  unsigned S = row.full.elems / l.group;
  if (!offsetFits(row.full) || (row.hasTail && !offsetFits(row.tail)) ||
      row.full.elems % l.group != 0 || S < 2)
    return;
  int lo = 0, hi = 0;
  bool superF16 = true;
  auto same = [](float a, float b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
  };
  for (const RowTerms &t : terms) {
    for (size_t b = 0; b < t.d.size(); ++b) {
      for (int v : {t.dSub[b], t.mSub[b]}) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      size_t first = b / S * S;
      if (!same(t.dSuper[b], t.dSuper[first]) ||
          !same(t.mSuper[b], t.mSuper[first]))
        return;
      superF16 =
          superF16 && isHalfExact(t.dSuper[b]) && isHalfExact(t.mSuper[b]);
    }
  }
  if (lo < -128 || hi > 255 || (lo < 0 && hi > 127))
    return;
  l.superGroups = S;
  l.subSigned = lo < 0;
  l.superF16 = superF16;
  // One-level flags mean nothing here; fixed so equal kernels look equal.
  l.scaleF16 = l.minF16 = false;
}

/// The bits above the nibble of 5- and 6-bit codes (e = 1 or 2 of them):
/// for chunks 2p and 2p+1, W·e/4 bytes (P) whose bits e·k..e·k+e-1 belong
/// to byte j + (k % (W/P))·P of chunk 2p + k / (W/P). For 6 bits: W/2
/// bytes, slot k of 4 from byte j + (k % 2)·W/2 of chunk 2p + k / 2; for 5
/// bits: W/4 bytes, slot k of 8 from byte j + (k % 4)·W/4 of chunk
/// 2p + k / 4.
void writePlanes(const KernelLayout &l, const std::vector<uint32_t> &seq,
                 uint8_t *planes) {
  const unsigned W = l.vectorBytes, e = l.codeBits - 4;
  const unsigned P = W * e / 4, perChunk = W / P, slots = 8 / e;
  const uint32_t mask = (1u << e) - 1;
  for (unsigned c = 0; c < l.chunks(); c += 2)
    for (unsigned j = 0; j < P; ++j) {
      uint8_t byte = 0;
      for (unsigned k = 0; k < slots; ++k) {
        unsigned chunk = c + k / perChunk, pos = j + (k % perChunk) * P;
        byte |= uint8_t(((seq[chunk * W + pos] >> 4) & mask) << (e * k));
      }
      planes[c / 2 * P + j] = byte;
    }
}

/// Writes the D and M of every row of group g for the super-block that
/// starts at group b.
void writeSuperScales(const KernelLayout &l, const std::vector<RowTerms> &terms,
                      unsigned g, unsigned b, uint8_t *bytes) {
  const unsigned R = l.rowsPerGroup;
  uint8_t *entry =
      bytes + l.superOffset() +
      (size_t(g) * l.superBlocksPerRow() + b / l.superGroups) * l.superBytes();
  unsigned width = l.superF16 ? 2 : 4;
  for (unsigned r = 0; r < R; ++r) {
    unsigned n = g * R + r;
    bool real = n < terms.size();
    float values[2] = {real ? terms[n].dSuper[b] : 0.0f,
                       real ? terms[n].mSuper[b] : 0.0f};
    for (unsigned k = 0; k < (l.hasMin ? 2u : 1u); ++k) {
      uint8_t *at = entry + (k * R + r) * width;
      if (l.superF16) {
        uint16_t h = floatToHalf(values[k]);
        std::memcpy(at, &h, 2);
      } else {
        std::memcpy(at, &values[k], 4);
      }
    }
  }
}

} // namespace

std::string repackForKernel(const Scheme &scheme, unsigned rows, unsigned cols,
                            const uint8_t *packed, const KernelTarget &target,
                            KernelLayout &out, std::vector<uint8_t> &bytes,
                            bool prefill) {
  RowLayout row = makeRowLayout(scheme, cols);
  unsigned sub = row.full.subBlock;
  if (row.hasTail)
    sub = std::gcd(sub, row.tail.subBlock);
  unsigned group = sub % 32 == 0   ? 32
                   : sub % 16 == 0 ? 16
                   : sub % 8 == 0  ? 8
                                   : 0;
  if (group == 0)
    return "scale groups of " + std::to_string(sub) +
           " weights are not a multiple of 8";

  KernelLayout l;
  l.rows = rows;
  l.cols = cols;
  l.group = group;
  l.vectorBytes = target.vectorBytes;
  l.rowsPerGroup =
      std::max(target.rowsPerGroup, 2 * target.vectorBytes / group);

  // Code range: the decoded integers of the layout, through the codebook.
  const BlockLayout &bl = row.full;
  CodeMap map;
  int minV = 1 << 30, maxV = -(1 << 30);
  for (uint32_t s = 0; s < (1u << bl.code.bits); ++s) {
    minV = std::min(minV, bl.code.decode(s));
    maxV = std::max(maxV, bl.code.decode(s));
  }
  map.minStored = minV;
  int maxCode;
  if (!bl.codebook.empty()) {
    bool integral = true;
    float lo = bl.codebook.front(), hi = bl.codebook.front();
    for (float c : bl.codebook) {
      integral = integral && c == std::nearbyint(c);
      lo = std::min(lo, c);
      hi = std::max(hi, c);
    }
    if (integral && hi - lo <= 255 && bl.codebook.size() <= 16 &&
        target.dot != DotKind::None) {
      // 4-bit indices; a byte shuffle makes them codes level - lo.
      map.floatTable = true;
      l.table = bl.codebook;
      l.zeroPoint = -int(lo);
      for (float c : bl.codebook)
        l.lookup.push_back(uint8_t(int(c) - int(lo)));
      l.lookup.resize(16, 0);
      maxCode = int(bl.codebook.size()) - 1;
    } else if (integral && hi - lo <= 255) {
      map.tableShift = -int(lo);
      l.zeroPoint = -int(lo);
      maxCode = int(hi - lo);
    } else {
      map.floatTable = true;
      l.table = bl.codebook;
      maxCode = int(bl.codebook.size()) - 1;
    }
  } else {
    l.zeroPoint = bl.offset == Offset::ZeroPoint ? 0 : -minV;
    maxCode = maxV - minV;
  }
  if (maxCode > 255)
    return "codes of " + std::to_string(bl.code.bits) +
           " bits do not fit the 8-bit kernel codes";
  // 3-bit codes stay nibbles: a third-bit plane cost more instructions
  // than its bytes saved (q3_k hot 316 -> 599 us on Zen 4, cold no better).
  l.codeBits = maxCode < 4    ? 2
               : maxCode < 16 ? 4
               : maxCode < 32 ? 5
               : maxCode < 64 ? 6
                              : 8;
  if (!l.lookup.empty()) // the byte lookup indexes nibbles
    l.codeBits = 4;
  if (prefill && target.dot != DotKind::None && supportsIntegerDot(l) &&
      group % 8 == 0) {
    l.quad = true;
    l.rowsPerGroup = target.vectorBytes / 4;
  }
  if (l.codeBits == 2) {
    // 2-bit crumbs pack four registers of codes into one: records need
    // a multiple of four (more rows interleaved), else nibbles it is.
    if (!l.quad)
      l.rowsPerGroup = std::max(l.rowsPerGroup, 4 * target.vectorBytes / group);
    if (l.chunks() % 4 != 0)
      l.codeBits = 4;
  }
  l.hasMin = bl.offset != Offset::None;

  // Decode every row into kernel terms, padded to whole groups. Rows (and
  // below, row groups) are independent: threads never change the bytes.
  std::vector<RowTerms> terms(rows);
  size_t rowBytes = row.rowBytes;
  parallelFor(rows, 0, [&](size_t first, size_t last) {
    for (size_t r = first; r < last; ++r) {
      const uint8_t *p = packed + r * rowBytes;
      RowTerms &t = terms[r];
      for (unsigned b = 0; b < row.fullBlocks; ++b)
        appendBlock(row.full, map, p + size_t(b) * row.full.bytes,
                    row.full.elems, group, t);
      if (row.hasTail)
        appendBlock(row.tail, map, p + size_t(row.fullBlocks) * row.full.bytes,
                    row.tailValid, group, t);
    }
  });
  // Halves where every value is exactly one: same results, fewer bytes.
  l.scaleF16 = l.minF16 = true;
  for (const RowTerms &t : terms) {
    for (float v : t.d)
      l.scaleF16 = l.scaleF16 && isHalfExact(v);
    for (float v : t.m)
      l.minF16 = l.minF16 && isHalfExact(v);
  }
  chooseTwoLevelScales(row, terms, l);

  const unsigned R = l.rowsPerGroup, G = group, W = l.vectorBytes;
  if ((R * G) % W != 0 || (l.codeBits != 8 && l.chunks() % 2 != 0))
    return "internal: record of " + std::to_string(R * G) +
           " codes does not split into " + std::to_string(W) + "-byte chunks";
  const unsigned nb = l.blocksPerRow();
  // Padding codes decode to level 0 (u = Z; for tables to index 0 with
  // d = 0), so padding contributes exactly zero.
  const uint32_t padCode = l.table.empty() ? uint32_t(l.zeroPoint) : 0;
  bytes.assign(l.totalBytes(), 0);
  parallelFor(l.rowGroups(), 0, [&](size_t firstGroup, size_t lastGroup) {
    std::vector<uint32_t> seq(R * G);
    for (unsigned g = unsigned(firstGroup); g < lastGroup; ++g) {
      for (unsigned b = 0; b < nb; ++b) {
        uint8_t *rec = bytes.data() + (size_t(g) * nb + b) * l.recordBytes();
        for (unsigned r = 0; r < R; ++r) {
          unsigned n = g * R + r;
          float d = 0, m = 0;
          for (unsigned e = 0; e < G; ++e) {
            size_t k = size_t(b) * G + e;
            seq[r * G + e] = n < rows && k < terms[n].codes.size()
                                 ? terms[n].codes[k]
                                 : padCode;
          }
          if (n < rows) {
            d = terms[n].d[b];
            m = terms[n].m[b];
          }
          uint8_t *ds = rec + l.codeBytes();
          uint8_t *ms = ds + l.scaleBytes();
          if (l.twoLevel()) {
            ds[r] = n < rows ? uint8_t(terms[n].dSub[b]) : 0;
            if (l.hasMin)
              ms[r] = n < rows ? uint8_t(terms[n].mSub[b]) : 0;
          } else if (l.scaleF16) {
            uint16_t h = floatToHalf(d);
            std::memcpy(ds + 2 * r, &h, 2);
          } else {
            std::memcpy(ds + 4 * r, &d, 4);
          }
          if (l.hasMin && !l.twoLevel()) {
            if (l.minF16) {
              uint16_t h = floatToHalf(m);
              std::memcpy(ms + 2 * r, &h, 2);
            } else {
              std::memcpy(ms + 4 * r, &m, 4);
            }
          }
        }
        if (l.twoLevel() && b % l.superGroups == 0)
          writeSuperScales(l, terms, g, b, bytes.data());
        if (l.quad) {
          // Chunk j: codes 4j..4j+3 of every row (W = 4R).
          std::vector<uint32_t> quads(R * G);
          for (unsigned j = 0; j < G / 4; ++j)
            for (unsigned r = 0; r < R; ++r)
              for (unsigned i = 0; i < 4; ++i)
                quads[j * W + 4 * r + i] = seq[r * G + 4 * j + i];
          seq.swap(quads);
        }
        if (l.codeBits == 8) {
          for (unsigned i = 0; i < R * G; ++i)
            rec[i] = uint8_t(seq[i]);
        } else if (l.codeBits == 2) {
          // Chunks 4i..4i+3 as bits 0-1, 2-3, 4-5, 6-7 of W bytes.
          for (unsigned c = 0; c < l.chunks(); c += 4)
            for (unsigned i = 0; i < W; ++i) {
              uint8_t byte = 0;
              for (unsigned q = 0; q < 4; ++q)
                byte |= uint8_t((seq[(c + q) * W + i] & 3) << (2 * q));
              rec[c / 4 * W + i] = byte;
            }
        } else {
          for (unsigned c = 0; c < l.chunks(); c += 2)
            for (unsigned i = 0; i < W; ++i)
              rec[c / 2 * W + i] = uint8_t((seq[c * W + i] & 15) |
                                           ((seq[(c + 1) * W + i] & 15) << 4));
          if (l.codeBits > 4)
            writePlanes(l, seq, rec + l.chunks() / 2 * W);
        }
      }
    }
  });
  out = std::move(l);
  return "";
}

void quantizeActivationsLikeKernel(const float *x, unsigned k, unsigned group,
                                   float *values) {
  for (unsigned b = 0; b < k; b += group) {
    unsigned end = std::min(k, b + group);
    float amax = 0.0f;
    for (unsigned i = b; i < end; ++i) // NaN propagates, as in the kernel
      amax = std::isnan(x[i]) || std::isnan(amax)
                 ? NAN
                 : std::max(amax, std::fabs(x[i]));
    float inv = amax > 0.0f ? 127.0f / amax : 0.0f;
    float scale = amax / 127.0f;
    for (unsigned i = b; i < end; ++i)
      values[i] = scale * std::nearbyint(x[i] * inv);
  }
}

} // namespace lowbit::codegen
