//===- Half.h - IEEE binary16 and bfloat16 conversions ----------*- C++ -*-===//
//
// Bit-exact conversions used by every block format: float32 -> binary16 and
// float32 -> bfloat16 round to nearest-even, keeping subnormals and the sign
// of zero, as ggml's GGML_FP32_TO_FP16 does.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_QUANT_HALF_H
#define LOWBIT_QUANT_HALF_H

#include <cstdint>
#include <cstring>

namespace lowbit::quant {

inline uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float bitsToFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

inline float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  if (exp == 0x1f)
    return bitsToFloat(sign | 0x7f800000 | (mant << 13));
  if (exp == 0) {
    // Zero or subnormal: mant x 2^-24, exact in float32.
    float v = float(mant) * bitsToFloat(0x33800000); // 2^-24
    return sign ? -v : v;
  }
  return bitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
}

inline uint16_t floatToHalf(float f) {
  uint32_t x = floatBits(f);
  uint16_t sign = uint16_t((x >> 16) & 0x8000);
  uint32_t absx = x & 0x7fffffff;
  if (absx >= 0x7f800000) // Inf or NaN
    return sign | 0x7c00 | (absx > 0x7f800000 ? 0x200 : 0);
  if (absx >= 0x477ff000) // rounds to >= 65520: overflow to infinity
    return sign | 0x7c00;
  if (absx < 0x38800000) { // below the smallest normal half (2^-14)
    // Subnormal: round |f| / 2^-24 to nearest-even integer.
    float a = bitsToFloat(absx);
    float scaled = a * 16777216.0f; // exact: multiply by 2^24
    // Round half to even via the 2^23 trick (scaled < 1024).
    float r = (scaled + 8388608.0f) - 8388608.0f;
    return sign | uint16_t(r);
  }
  uint32_t mant = absx & 0x7fffff;
  uint32_t exp = (absx >> 23) - 112;
  uint32_t h = (exp << 10) | (mant >> 13);
  uint32_t rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (h & 1)))
    ++h; // carries into the exponent correctly
  return sign | uint16_t(h);
}

inline float bf16ToFloat(uint16_t b) { return bitsToFloat(uint32_t(b) << 16); }

inline uint16_t floatToBf16(float f) {
  uint32_t x = floatBits(f);
  if ((x & 0x7fffffff) > 0x7f800000)
    return uint16_t((x >> 16) | 0x40);
  uint32_t rounding = 0x7fff + ((x >> 16) & 1);
  return uint16_t((x + rounding) >> 16);
}

} // namespace lowbit::quant

#endif // LOWBIT_QUANT_HALF_H
