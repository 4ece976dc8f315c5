//===- LegacyRtn.cpp - ggml's legacy round-to-nearest, row at a time ------===//

#include "LegacyRtn.h"
#include "lowbit/Quant/Half.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace lowbit::quant {

namespace {

constexpr unsigned kBlock = 32;

// The per-block helpers are inlined into each clone of the row function
// below, so they are compiled for its instruction set.
#define LOWBIT_INLINE inline __attribute__((always_inline))

/// 1 / d, or 0 where ggml (and the generic fitter) use 0.
LOWBIT_INLINE float inverse(float d) {
  float id = d != 0.0f ? 1.0f / d : 0.0f;
  return std::isfinite(id) ? id : 0.0f;
}

/// Stores `v` as f16; false when it overflows.
LOWBIT_INLINE bool storeHalf(float v, uint8_t *at) {
  uint16_t h = floatToHalf(v);
  std::memcpy(at, &h, 2);
  return (h & 0x7c00) != 0x7c00;
}

/// The largest and smallest of a block's values, as a tree of
/// element-wise max/min (which vectorize; a running max does not, as it is
/// not reassociable under IEEE rules). Only for uses where the sign of a
/// zero result does not matter.
LOWBIT_INLINE void blockRange(const float *x, float &hi, float &lo) {
  float mx[kBlock / 2], mn[kBlock / 2];
  for (unsigned i = 0; i < kBlock / 2; ++i) {
    mx[i] = std::max(x[i], x[i + kBlock / 2]);
    mn[i] = std::min(x[i], x[i + kBlock / 2]);
  }
  for (unsigned w = kBlock / 4; w >= 1; w /= 2)
    for (unsigned i = 0; i < w; ++i) {
      mx[i] = std::max(mx[i], mx[i + w]);
      mn[i] = std::min(mn[i], mn[i + w]);
    }
  hi = mx[0];
  lo = mn[0];
}

/// The largest |x|.
LOWBIT_INLINE float absMax(const float *x) {
  float hi, lo;
  blockRange(x, hi, lo);
  return std::max(std::fabs(hi), std::fabs(lo));
}

/// The value of largest magnitude, the first one on ties (ggml's strict
/// `amax < fabsf(v)` scan). From the block's max and min (vector
/// reductions); only when they tie in magnitude (+a and -a both present)
/// does the order decide, and then a scan finds the first.
LOWBIT_INLINE float signedMax(const float *x) {
  float hi, lo;
  blockRange(x, hi, lo);
  if (hi == -lo) { // rare: a tie decided by order, or all zero
    if (hi == 0.0f)
      return 0.0f; // ggml's initial max
    for (unsigned i = 0; i < kBlock; ++i)
      if (x[i] == hi || x[i] == lo)
        return x[i];
  }
  // A select, not a branch: which side wins is random.
  return hi > -lo ? hi : lo;
}

/// The fifth bits of 32 codes: bit i of the result is bit 4 of u[i] (ggml
/// keeps u[j]'s at bit j and u[j + 16]'s at bit j + 16, the same thing).
/// An OR of shifted 32-bit lanes, which vectorizes.
LOWBIT_INLINE uint32_t highBits(const int32_t *u) {
  uint32_t qh = 0;
#pragma clang loop vectorize(enable) unroll(disable)
  for (unsigned i = 0; i < kBlock; ++i)
    qh |= (uint32_t(u[i] >> 4) & 1u) << i;
  return qh;
}

/// A block's codes after its header: for 5 bits the fifth bits (qh, 4
/// bytes) first; then u[j] and u[j + 16] as the low and high nibbles of
/// byte j.
template <unsigned Bits>
LOWBIT_INLINE void storeCodes(const int32_t *u, uint8_t *at) {
  if (Bits == 5) {
    uint32_t qh = highBits(u);
    std::memcpy(at, &qh, 4);
    at += 4;
  }
  for (unsigned j = 0; j < kBlock / 2; ++j)
    at[j] = uint8_t((u[j] & 15) | ((u[j + kBlock / 2] & 15) << 4));
}

/// std::round (half away from zero) of |t| < 2^23 without a call or SSE4,
/// so the loop vectorizes: adding and subtracting 2^23 rounds half to
/// even; a tie that went down goes up.
LOWBIT_INLINE float roundHalfAway(float t) {
  float a = std::fabs(t);
  float r = (a + 8388608.0f) - 8388608.0f;
  r += r - a == -0.5f ? 1.0f : 0.0f;
  return std::copysign(r, t);
}

LOWBIT_INLINE bool q8_0(const float *x, uint8_t *out) {
  float d = absMax(x) / 127.0f, id = inverse(d);
  for (unsigned i = 0; i < kBlock; ++i)
    out[2 + i] =
        uint8_t(int8_t(std::clamp(int(roundHalfAway(x[i] * id)), -128, 127)));
  return storeHalf(d, out);
}

/// q4_0 and q5_0: u = MIN(2^bits - 1, (int)(x * id + 2^(bits-1) + 0.5)).
template <unsigned Bits>
LOWBIT_INLINE bool symmetricLegacy(const float *x, uint8_t *out) {
  constexpr int half = 1 << (Bits - 1), top = (1 << Bits) - 1;
  float d = signedMax(x) / float(-half), id = inverse(d);
  int32_t u[kBlock];
  for (unsigned i = 0; i < kBlock; ++i)
    u[i] = std::min(top, int(x[i] * id + (float(half) + 0.5f)));
  storeCodes<Bits>(u, out + 2);
  return storeHalf(d, out);
}

/// q4_1 and q5_1: u = MIN(2^bits - 1, (int)((x - min) * id + 0.5)).
template <unsigned Bits>
LOWBIT_INLINE bool minLegacy(const float *x, uint8_t *out) {
  constexpr int top = (1 << Bits) - 1;
  float lo, hi;
  blockRange(x, hi, lo);
  if (hi == 0.0f || lo == 0.0f) {
    // A zero extreme: its sign reaches the stored bytes, and ggml's
    // in-order scan decides it.
    lo = hi = x[0];
    for (unsigned i = 0; i < kBlock; ++i) {
      lo = std::min(lo, x[i]);
      hi = std::max(hi, x[i]);
    }
  }
  float d = (hi - lo) / float(top), id = inverse(d);
  int32_t u[kBlock];
  for (unsigned i = 0; i < kBlock; ++i)
    u[i] = std::min(top, std::max(0, int((x[i] - lo) * id + 0.5f)));
  storeCodes<Bits>(u, out + 4);
  return storeHalf(d, out) && storeHalf(lo, out + 2);
}

} // namespace

bool hasLegacyRtnPath(const Scheme &scheme, unsigned rowLength) {
  switch (scheme.format) {
  case Format::Q8_0:
  case Format::Q4_0:
  case Format::Q4_1:
  case Format::Q5_0:
  case Format::Q5_1:
    return rowLength > 0 && rowLength % kBlock == 0;
  default:
    return false;
  }
}

// Compiled for AVX2 and AVX-512 beside the baseline (chosen at load time):
// the arithmetic is the same IEEE float32 either way (no contraction), so
// the bytes do not depend on the CPU.
#if defined(__x86_64__) && defined(__clang__)
__attribute__((target_clones("avx512bw", "avx2", "default")))
#endif
bool quantizeLegacyRtnRow(Format format, const float *x, unsigned rowLength,
                          uint8_t *out) {
  bool fits = true;
  // Vectors run along a block's 32 weights, not across blocks (which
  // would take gathers).
#pragma clang loop vectorize(disable) interleave(disable)
  for (unsigned b = 0; b < rowLength / kBlock; ++b) {
    const float *xb = x + size_t(b) * kBlock;
    switch (format) {
    case Format::Q8_0:
      fits &= q8_0(xb, out + size_t(b) * 34);
      break;
    case Format::Q4_0:
      fits &= symmetricLegacy<4>(xb, out + size_t(b) * 18);
      break;
    case Format::Q5_0:
      fits &= symmetricLegacy<5>(xb, out + size_t(b) * 22);
      break;
    case Format::Q4_1:
      fits &= minLegacy<4>(xb, out + size_t(b) * 20);
      break;
    case Format::Q5_1:
      fits &= minLegacy<5>(xb, out + size_t(b) * 24);
      break;
    default:
      return false;
    }
  }
  return fits;
}

} // namespace lowbit::quant
