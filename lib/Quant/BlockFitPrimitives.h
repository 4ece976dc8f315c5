//===- BlockFitPrimitives.h - Private: code assignment and scale search -*- C++
//-*-===//
//
// The building blocks BlockFit.cpp (blocks without sub-scales) and
// SuperBlockFit.cpp (super-blocks) share: the code grid of a layout, code
// assignment for a given scale, least-squares refits and the scale
// searches. Inline, so the hot loops inline into their callers as they did
// when they lived in one file.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_LIB_QUANT_BLOCKFITPRIMITIVES_H
#define LOWBIT_LIB_QUANT_BLOCKFITPRIMITIVES_H

#include "lowbit/Quant/BlockFit.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace lowbit::quant::fit {

/// Round half to even for |t| < 2^22 without a libm call (ggml's
/// nearest_int): adding 1.5 x 2^23 leaves the rounded integer in the
/// mantissa.
inline int roundEven(float t) {
  float v = t + 12582912.0f;
  int32_t i;
  std::memcpy(&i, &v, 4);
  return (i & 0x007fffff) - 0x00400000;
}

/// The integer levels codes decode to (before scaling).
struct Grid {
  const std::vector<float> *levels = nullptr; // codebook, ascending
  int vmin = 0, vmax = 0;

  /// Midpoints between adjacent codebook levels: the code nearest to t is
  /// the number of midpoints below t (ties go to the lower level).
  float mids[255];
  unsigned numMids = 0;

  explicit Grid(const BlockLayout &l) {
    if (!l.codebook.empty()) {
      levels = &l.codebook;
      vmin = 0;
      vmax = int(l.codebook.size()) - 1;
      for (int i = 0; i < vmax; ++i)
        mids[numMids++] = 0.5f * (l.codebook[i] + l.codebook[i + 1]);
    } else if (l.offset == Offset::None) {
      vmin = -(1 << (l.code.bits - 1));
      vmax = (1 << (l.code.bits - 1)) - 1;
    } else {
      vmin = 0;
      vmax = (1 << l.code.bits) - 1;
    }
  }
  bool isCodebook() const { return levels != nullptr; }
  float level(int v) const { return levels ? (*levels)[v] : float(v); }
  float lowLevel() const { return level(vmin); }
  float highLevel() const { return level(vmax); }
  int clampInt(float t) const {
    if (!(t > float(vmin)))
      return vmin;
    if (!(t < float(vmax)))
      return vmax;
    return roundEven(t);
  }
  /// Code whose level is nearest to t.
  int nearest(float t) const {
    if (!levels)
      return clampInt(t);
    int v = 0;
    for (unsigned j = 0; j < numMids; ++j)
      v += t > mids[j];
    return v;
  }
  int zeroCode() const { return levels ? nearest(0.0f) : 0; }
};

/// A run of elements sharing one scale: the valid part of a sub-block.
struct Slice {
  const float *x;
  const float *w;
  unsigned n;
  int *codes;
};

struct Rounder {
  bool identity;
  ScaleType type;
  float operator()(float v) const {
    return identity ? v : roundToScaleType(v, type);
  }
};

inline double sq(double v) { return v * v; }

/// Nearest integer to t within [lo, hi], as a float: branch-free so the
/// loops below vectorize (adding 1.5 x 2^23 rounds half to even).
inline float roundClamp(float t, float lo, float hi) {
  t = std::min(std::max(t, lo), hi);
  return (t + 12582912.0f) - 12582912.0f;
}

// The loops below are the search's hot path. Their sums may be
// reassociated (clang's per-scope `fp reassociate`) so they vectorize; the
// result is still independent of the thread count, and the final choice
// between candidates uses blockError, which is exact in double. Rounding
// stays outside those scopes: reassociation would fold roundClamp's
// (t + c) - c back into t.

/// Symmetric: codes for value = scale x level; returns the error.
inline double assignSym(const Grid &g, const Slice &s, float scale) {
  float err = 0;
  const float inv = scale == 0.0f ? 0.0f : 1.0f / scale;
  if (!std::isfinite(inv) || inv == 0.0f) {
    int z = g.zeroCode();
    for (unsigned i = 0; i < s.n; ++i) {
      s.codes[i] = z;
      err += s.w[i] * s.x[i] * s.x[i];
    }
    return err;
  }
  if (g.isCodebook()) {
    if (g.numMids == 15) {
      // 16 levels (NF4, IQ4_NL): a fixed count lets the loop vectorize.
      for (unsigned i = 0; i < s.n; ++i) {
        float t = s.x[i] * inv;
        int v = 0;
        for (unsigned j = 0; j < 15; ++j)
          v += t > g.mids[j];
        s.codes[i] = v;
      }
    } else {
      for (unsigned i = 0; i < s.n; ++i)
        s.codes[i] = g.nearest(s.x[i] * inv);
    }
    const float *levels = g.levels->data();
    {
#pragma clang fp reassociate(on)
      for (unsigned i = 0; i < s.n; ++i) {
        float e = s.x[i] - scale * levels[s.codes[i]];
        err += s.w[i] * e * e;
      }
    }
    return err;
  }
  const float lo = float(g.vmin), hi = float(g.vmax);
  for (unsigned i = 0; i < s.n; ++i)
    s.codes[i] = int(roundClamp(s.x[i] * inv, lo, hi));
  {
#pragma clang fp reassociate(on)
    for (unsigned i = 0; i < s.n; ++i) {
      float e = s.x[i] - scale * float(s.codes[i]);
      err += s.w[i] * e * e;
    }
  }
  return err;
}

/// Asymmetric: codes for value = scale x v + add.
inline double assignAsym(const Grid &g, const Slice &s, float scale,
                         float add) {
  float inv = scale == 0.0f ? 0.0f : 1.0f / scale;
  if (!std::isfinite(inv))
    inv = 0.0f;
  const float hi = float(g.vmax);
  float err = 0;
  for (unsigned i = 0; i < s.n; ++i)
    s.codes[i] = int(roundClamp((s.x[i] - add) * inv, 0.0f, hi));
  {
#pragma clang fp reassociate(on)
    for (unsigned i = 0; i < s.n; ++i) {
      float e = s.x[i] - (scale * float(s.codes[i]) + add);
      err += s.w[i] * e * e;
    }
  }
  return err;
}

/// Zero point: codes for value = scale x (v - z).
inline double assignZeroPoint(const Grid &g, const Slice &s, float scale,
                              int z) {
  double err = 0;
  for (unsigned i = 0; i < s.n; ++i) {
    int v = scale == 0.0f ? z : g.clampInt(s.x[i] / scale + float(z));
    s.codes[i] = v;
    err += s.w[i] * sq(s.x[i] - scale * float(v - z));
  }
  return err;
}

/// Weighted least-squares scale for fixed symmetric codes.
inline float refitSym(const Grid &g, const Slice &s) {
  // Double sums: the fitted scale decides which codes the next pass picks,
  // and float sums here measurably worsened edge cases (q6_k, +-100 rows).
  double sxl = 0, sll = 0;
  for (unsigned i = 0; i < s.n; ++i) {
    double l = g.level(s.codes[i]);
    sxl += s.w[i] * s.x[i] * l;
    sll += s.w[i] * l * l;
  }
  return sll > 0 ? float(sxl / sll) : 0.0f;
}

/// Weighted least squares for value = scale x v + add with fixed codes.
/// `minAtMostZero` enforces add <= 0 (K-quant mins).
inline void refitAsym(const Slice &s, bool minAtMostZero, float &scale,
                      float &add) {
  double sw = 0, sv = 0, svv = 0, sx = 0, sxv = 0;
  for (unsigned i = 0; i < s.n; ++i) {
    double w = s.w[i], v = s.codes[i], x = s.x[i];
    sw += w;
    sv += w * v;
    svv += w * v * v;
    sx += w * x;
    sxv += w * x * v;
  }
  double det = sw * svv - sv * sv;
  if (!(det > 0))
    return;
  double a = (sw * sxv - sx * sv) / det;
  double b = (svv * sx - sv * sxv) / det;
  if (minAtMostZero && b > 0) {
    b = 0;
    a = svv > 0 ? sxv / svv : 0;
  }
  if (a < 0)
    return;
  scale = float(a);
  add = float(b);
}

struct Extremes {
  float amax = 0, signedMax = 0, min = 0, max = 0;
};

inline Extremes extremes(const Slice &s) {
  Extremes e;
  e.min = s.n ? s.x[0] : 0.0f;
  e.max = e.min;
  for (unsigned i = 0; i < s.n; ++i) {
    float v = s.x[i];
    if (e.amax < std::fabs(v)) {
      e.amax = std::fabs(v);
      e.signedMax = v;
    }
    e.min = std::min(e.min, v);
    e.max = std::max(e.max, v);
  }
  return e;
}

/// Rule-based symmetric scale (Rtn / Absmax), before storage rounding.
inline float ruleSymScale(const Grid &g, const Extremes &e, Method m) {
  if (m == Method::Absmax)
    return e.amax / std::min(std::fabs(g.lowLevel()), std::fabs(g.highLevel()));
  if (!g.isCodebook() && g.vmax == 127)
    return e.amax / 127.0f; // q8_0
  return e.signedMax / g.lowLevel();
}

/// Searches the symmetric scale minimising the weighted error once the
/// scale is rounded by `round`. Leaves the best codes in `s`.
inline float searchSym(const Grid &g, const Slice &s, const Rounder &round,
                       double &bestErr) {
  Extremes e = extremes(s);
  if (e.amax == 0.0f) {
    bestErr = assignSym(g, s, 0.0f);
    return 0.0f;
  }
  float best = round(ruleSymScale(g, e, Method::Rtn));
  bestErr = assignSym(g, s, best);
  auto tryScale = [&](float candidate) {
    float r = round(candidate);
    assignSym(g, s, r);
    float refit = round(refitSym(g, s));
    double err = assignSym(g, s, refit);
    if (err < bestErr) {
      bestErr = err;
      best = refit;
    }
  };
  for (float end : {g.lowLevel(), g.highLevel()})
    for (int is = -5; is <= 5; ++is)
      tryScale(e.signedMax / (end * (1.0f + 0.025f * float(is))));
  for (int it = 0; it < 2; ++it)
    tryScale(best);
  assignSym(g, s, best);
  return best;
}

/// Asymmetric search for value = scale x v + add (add <= 0 when
/// `minAtMostZero`). Returns the best scale, sets `add` and the codes.
inline float searchAsym(const Grid &g, const Slice &s, const Rounder &round,
                        bool minAtMostZero, float &bestAdd, double &bestErr) {
  Extremes e = extremes(s);
  float lo = minAtMostZero ? std::min(e.min, 0.0f) : e.min;
  float hi = e.max;
  float best = round((hi - lo) / float(g.vmax));
  bestAdd = round(lo);
  bestErr = assignAsym(g, s, best, bestAdd);
  if (hi == lo)
    return best;
  auto tryCodes = [&]() {
    float scale = 0, add = 0;
    refitAsym(s, minAtMostZero, scale, add);
    scale = round(scale);
    add = round(add);
    double err = assignAsym(g, s, scale, add);
    if (err < bestErr) {
      bestErr = err;
      best = scale;
      bestAdd = add;
    }
  };
  for (int is = 0; is <= 10; ++is) {
    float iscale = (float(g.vmax) - 1.0f + 0.2f * float(is)) / (hi - lo);
    for (unsigned i = 0; i < s.n; ++i)
      s.codes[i] = int(roundClamp((s.x[i] - lo) * iscale, 0.0f, float(g.vmax)));
    tryCodes();
  }
  // The same lattices anchored at the maximum: anchored only at the
  // minimum, the search could clip the high end but never the low one, so
  // a block and its mirror image (-x) got different errors (up to 25x on a
  // low outlier beside a cluster that needs the lattice to move below it).
  // Not for K-quant sub-blocks (add <= 0, sub-scales quantized against the
  // super-block afterwards): there the locally better fits lost after
  // sub-scale quantization (golden vectors, importance-weighted edge data).
  for (int is = 0; is <= 10 && !minAtMostZero; is += 2) {
    float iscale = (float(g.vmax) - 1.0f + 0.2f * float(is)) / (hi - lo);
    for (unsigned i = 0; i < s.n; ++i)
      s.codes[i] = int(g.vmax) -
                   int(roundClamp((hi - s.x[i]) * iscale, 0.0f, float(g.vmax)));
    tryCodes();
  }
  for (int it = 0; it < 2; ++it) {
    assignAsym(g, s, best, bestAdd);
    tryCodes();
  }
  assignAsym(g, s, best, bestAdd);
  return best;
}

inline Slice subSlice(const BlockLayout &l, unsigned j, const float *x,
                      const float *w, unsigned valid, LogicalBlock &b) {
  unsigned begin = j * l.subBlock;
  unsigned n = begin >= valid ? 0 : std::min(l.subBlock, valid - begin);
  return {x + begin, w + begin, n, b.codes.data() + begin};
}

/// Fits a block without sub-scales (BlockFit.cpp).
double fitPlain(const BlockLayout &l, const Grid &g, Method m, const float *x,
                const float *w, unsigned valid, LogicalBlock &b);
/// Fits a super-block: sub-scales quantized against d and dmin
/// (SuperBlockFit.cpp).
double fitSuper(const BlockLayout &l, const Grid &g, Method m, const float *x,
                const float *w, unsigned valid, LogicalBlock &b);

} // namespace lowbit::quant::fit

#endif // LOWBIT_LIB_QUANT_BLOCKFITPRIMITIVES_H
