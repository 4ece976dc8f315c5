//===- BlockFit.cpp - Scale, min and code selection for one block ---------===//
//
// All arithmetic that decides codes for Rtn mirrors ggml's reference
// quantizers step by step in float32 (build with -ffp-contract=off), so Rtn
// bytes equal ggml's for q8_0, q4_0, q4_1, q5_0 and q5_1.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Quant/BlockFit.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace lowbit::quant {

const char *methodName(Method m) {
  switch (m) {
  case Method::Rtn:
    return "rtn";
  case Method::Absmax:
    return "absmax";
  case Method::MinMax:
    return "minmax";
  case Method::Search:
    return "search";
  }
  return "?";
}

bool parseMethod(const std::string &name, Method &out) {
  for (Method m : {Method::Rtn, Method::Absmax, Method::MinMax, Method::Search})
    if (name == methodName(m)) {
      out = m;
      return true;
    }
  return false;
}

namespace {

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
double assignSym(const Grid &g, const Slice &s, float scale) {
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
double assignAsym(const Grid &g, const Slice &s, float scale, float add) {
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
double assignZeroPoint(const Grid &g, const Slice &s, float scale, int z) {
  double err = 0;
  for (unsigned i = 0; i < s.n; ++i) {
    int v = scale == 0.0f ? z : g.clampInt(s.x[i] / scale + float(z));
    s.codes[i] = v;
    err += s.w[i] * sq(s.x[i] - scale * float(v - z));
  }
  return err;
}

/// Weighted least-squares scale for fixed symmetric codes.
float refitSym(const Grid &g, const Slice &s) {
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
void refitAsym(const Slice &s, bool minAtMostZero, float &scale, float &add) {
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

Extremes extremes(const Slice &s) {
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
float ruleSymScale(const Grid &g, const Extremes &e, Method m) {
  if (m == Method::Absmax)
    return e.amax / std::min(std::fabs(g.lowLevel()), std::fabs(g.highLevel()));
  if (!g.isCodebook() && g.vmax == 127)
    return e.amax / 127.0f; // q8_0
  return e.signedMax / g.lowLevel();
}

/// Searches the symmetric scale minimising the weighted error once the
/// scale is rounded by `round`. Leaves the best codes in `s`.
float searchSym(const Grid &g, const Slice &s, const Rounder &round,
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
float searchAsym(const Grid &g, const Slice &s, const Rounder &round,
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
  for (int it = 0; it < 2; ++it) {
    assignAsym(g, s, best, bestAdd);
    tryCodes();
  }
  assignAsym(g, s, best, bestAdd);
  return best;
}

Slice subSlice(const BlockLayout &l, unsigned j, const float *x, const float *w,
               unsigned valid, LogicalBlock &b) {
  unsigned begin = j * l.subBlock;
  unsigned n = begin >= valid ? 0 : std::min(l.subBlock, valid - begin);
  return {x + begin, w + begin, n, b.codes.data() + begin};
}

//===-- Blocks without sub-scales
//------------------------------------------===//

/// ggml's reference rounding, step by step (see the file comment).
void fitPlainRule(const BlockLayout &l, const Grid &g, Method m, const Slice &s,
                  LogicalBlock &b) {
  Extremes e = extremes(s);
  if (l.offset == Offset::None) {
    float d = ruleSymScale(g, e, m);
    float id = d != 0.0f ? 1.0f / d : 0.0f;
    if (!std::isfinite(id)) // |d| below 1/FLT_MAX: everything rounds to 0
      id = 0.0f;
    b.d = roundToScaleType(d, l.scaleType);
    bool ggmlLegacy = m == Method::Rtn && !g.isCodebook() && g.vmax != 127;
    for (unsigned i = 0; i < s.n; ++i) {
      float t = s.x[i] * id;
      if (ggmlLegacy) {
        // q4_0 / q5_0: MIN(2^b - 1, (int8_t)(x*id + 2^(b-1) + 0.5f)).
        float shifted = t + (float(-g.vmin) + 0.5f);
        int code = std::min(g.vmax - g.vmin, int(shifted));
        s.codes[i] = code + g.vmin;
      } else if (!g.isCodebook()) {
        s.codes[i] = std::clamp(int(std::round(t)), g.vmin, g.vmax);
      } else {
        s.codes[i] = g.nearest(t);
      }
    }
    return;
  }
  if (l.offset == Offset::FloatMin) {
    // q4_1 / q5_1: codes MIN(2^b - 1, (int)((x - min)*id + 0.5f)).
    float d = (e.max - e.min) / float(g.vmax);
    float id = d != 0.0f ? 1.0f / d : 0.0f;
    if (!std::isfinite(id))
      id = 0.0f;
    b.d = roundToScaleType(d, l.scaleType);
    b.second = roundToScaleType(e.min, l.scaleType);
    for (unsigned i = 0; i < s.n; ++i)
      s.codes[i] =
          std::min(g.vmax, std::max(0, int((s.x[i] - e.min) * id + 0.5f)));
    return;
  }
  // Zero point: the range must contain 0 so that 0 is exact.
  float lo = std::min(e.min, 0.0f), hi = std::max(e.max, 0.0f);
  float d = (hi - lo) / float(g.vmax);
  b.d = roundToScaleType(d, l.scaleType);
  b.zeroPoint = d != 0.0f ? g.clampInt(-lo / d) : 0;
  assignZeroPoint(g, s, b.d, b.zeroPoint);
}

double fitPlain(const BlockLayout &l, const Grid &g, Method m, const float *x,
                const float *w, unsigned valid, LogicalBlock &b) {
  Slice s{x, w, std::min(valid, l.elems), b.codes.data()};
  Method rule = m == Method::Search ? Method::Rtn : m;
  fitPlainRule(l, g, rule, s, b);
  double ruleErr = blockError(l, b, x, w, valid);
  if (m != Method::Search)
    return ruleErr;

  LogicalBlock c = b;
  Slice cs{x, w, s.n, c.codes.data()};
  Rounder round{false, l.scaleType};
  double err = 0;
  if (l.offset == Offset::None) {
    c.d = searchSym(g, cs, round, err);
  } else if (l.offset == Offset::FloatMin) {
    c.d = searchAsym(g, cs, round, false, c.second, err);
  } else {
    float add = 0;
    float scale = searchAsym(g, cs, round, true, add, err);
    c.d = scale;
    c.zeroPoint = scale != 0.0f ? g.clampInt(-add / scale) : 0;
    assignZeroPoint(g, cs, c.d, c.zeroPoint);
  }
  double searchErr = blockError(l, c, x, w, valid);
  if (searchErr < ruleErr) {
    b = std::move(c);
    return searchErr;
  }
  return ruleErr;
}

//===-- Super-blocks: sub-scales quantized against d (and dmin)
//------------===//

struct SubFit {
  float scale = 0, add = 0; // float sub-block fit, value = scale*v + add
};

class SuperFitter {
public:
  SuperFitter(const BlockLayout &l, const Grid &g, const float *x,
              const float *w, unsigned valid)
      : l(l), g(g), x(x), w(w), valid(valid), asym(l.offset == Offset::SubMin) {
    // Asymmetric super-blocks keep scales and mins unsigned; symmetric ones
    // carry the sign in the sub-scale (biased or two's complement).
    unsigned k = l.subScale.bits;
    smin = asym ? 0 : -(1 << (k - 1));
    smax = asym ? (1 << k) - 1 : (1 << (k - 1)) - 1;
    mmax = (1 << l.subMin.bits) - 1;
  }

  /// Float fits of every sub-block by `m`.
  std::vector<SubFit> fitSubBlocks(Method m, LogicalBlock &b) const {
    std::vector<SubFit> fits(l.numSubBlocks());
    Rounder identity{true, l.scaleType};
    for (unsigned j = 0; j < fits.size(); ++j) {
      Slice s = subSlice(l, j, x, w, valid, b);
      if (!s.n)
        continue;
      double err;
      if (!asym) {
        fits[j].scale = m == Method::Search ? searchSym(g, s, identity, err)
                                            : ruleSymScale(g, extremes(s), m);
      } else if (m == Method::Search) {
        fits[j].scale = searchAsym(g, s, identity, true, fits[j].add, err);
      } else {
        Extremes e = extremes(s);
        float lo = std::min(e.min, 0.0f);
        fits[j].scale = (e.max - lo) / float(g.vmax);
        fits[j].add = lo;
      }
    }
    return fits;
  }

  /// Error of sub-block j under integer sub-scale/min; sets its codes.
  double subError(unsigned j, LogicalBlock &b, int sc, int mc) const {
    Slice s = subSlice(l, j, x, w, valid, b);
    float dl = b.d * float(sc);
    if (!asym)
      return assignSym(g, s, dl);
    float ml = b.second * float(mc);
    return assignAsym(g, s, dl, -ml);
  }

  /// Quantizes sub-scales (and mins) against d = dRaw, dmin = dminRaw.
  double quantize(const std::vector<SubFit> &fits, float dRaw, float dminRaw,
                  LogicalBlock &b) const {
    b.d = roundToScaleType(dRaw, l.scaleType);
    b.second = asym ? roundToScaleType(dminRaw, l.scaleType) : 0.0f;
    double total = 0;
    for (unsigned j = 0; j < fits.size(); ++j) {
      auto quantizeTo = [](float v, float step, int lo, int hi) {
        float t = v / step;
        if (!(t > float(lo)))
          return lo;
        if (!(t < float(hi)))
          return hi;
        return roundEven(t);
      };
      int sc = dRaw != 0.0f ? quantizeTo(fits[j].scale, dRaw, smin, smax) : 0;
      int mc = 0;
      if (asym && dminRaw != 0.0f)
        mc = quantizeTo(-fits[j].add, dminRaw, 0, mmax);
      b.subScales[j] = sc;
      if (asym)
        b.subMins[j] = mc;
      total += subError(j, b, sc, mc);
    }
    return total;
  }

  /// Rule-based d (dmin) from the extreme sub-scale, as ggml's K-quants.
  void ruleScales(const std::vector<SubFit> &fits, float &d,
                  float &dmin) const {
    float ext = 0, maxMin = 0;
    for (const SubFit &f : fits) {
      if (std::fabs(f.scale) > std::fabs(ext))
        ext = f.scale;
      maxMin = std::max(maxMin, -f.add);
    }
    d = asym ? ext / float(smax) : ext / float(smin);
    dmin = maxMin / float(mmax);
  }

  /// Tries sub-scale/min codes one step up and down, per sub-block.
  double refineSubScales(LogicalBlock &b) const {
    double total = 0;
    for (unsigned j = 0; j < l.numSubBlocks(); ++j) {
      int sc = b.subScales[j], mc = asym ? b.subMins[j] : 0;
      int bestSc = sc, bestMc = mc;
      double best = subError(j, b, sc, mc);
      for (int ds = -1; ds <= 1; ++ds)
        for (int dm = asym ? -1 : 0; dm <= (asym ? 1 : 0); ++dm) {
          int nsc = sc + ds, nmc = mc + dm;
          if ((!ds && !dm) || nsc < smin || nsc > smax || nmc < 0 || nmc > mmax)
            continue;
          double e = subError(j, b, nsc, nmc);
          if (e < best)
            best = e, bestSc = nsc, bestMc = nmc;
        }
      b.subScales[j] = bestSc;
      if (asym)
        b.subMins[j] = bestMc;
      total += subError(j, b, bestSc, bestMc);
    }
    return total;
  }

  /// Least-squares d (and dmin) for fixed integer codes and sub-scales.
  bool refitHeader(const LogicalBlock &b, float &d, float &dmin) const {
    double saa = 0, sab = 0, sbb = 0, sxa = 0, sxb = 0;
    for (unsigned j = 0; j < l.numSubBlocks(); ++j) {
      unsigned begin = j * l.subBlock;
      for (unsigned p = begin; p < std::min(valid, begin + l.subBlock); ++p) {
        double a = double(b.subScales[j]) * g.level(b.codes[p]);
        double c = asym ? -double(b.subMins[j]) : 0.0;
        double wi = w[p];
        saa += wi * a * a;
        sab += wi * a * c;
        sbb += wi * c * c;
        sxa += wi * x[p] * a;
        sxb += wi * x[p] * c;
      }
    }
    if (!asym) {
      if (!(saa > 0))
        return false;
      d = float(sxa / saa);
      return true;
    }
    double det = saa * sbb - sab * sab;
    if (!(det > 0))
      return false;
    d = float((sxa * sbb - sxb * sab) / det);
    dmin = float((saa * sxb - sab * sxa) / det);
    return d >= 0 && dmin >= 0;
  }

  double search(const std::vector<SubFit> &fits, LogicalBlock &b) const {
    float d0, dmin0;
    ruleScales(fits, d0, dmin0);
    double best = quantize(fits, d0, dmin0, b);
    if (d0 == 0.0f && dmin0 == 0.0f)
      return best;
    LogicalBlock c = b;
    float bestD = d0, bestDmin = dmin0;
    auto consider = [&](float d, float dmin) {
      double e = quantize(fits, d, dmin, c);
      if (e < best)
        best = e, bestD = d, bestDmin = dmin, b = c;
    };
    float ext = asym ? d0 * float(smax) : d0 * float(smin);
    for (int end : {smin, smax}) {
      if (!end || (asym && end == smin))
        continue;
      for (int is = -5; is <= 5; ++is)
        consider(ext / (float(end) * (1.0f + 0.02f * float(is))), bestDmin);
    }
    if (asym && dmin0 != 0.0f)
      for (int is = -3; is <= 3; ++is)
        consider(bestD, dmin0 * (1.0f + 0.03f * float(is)));
    c = b;
    double refined = refineSubScales(c);
    if (refined < best)
      best = refined, b = c;
    float d = bestD, dmin = bestDmin;
    if (refitHeader(b, d, dmin)) {
      c = b;
      c.d = roundToScaleType(d, l.scaleType);
      c.second = asym ? roundToScaleType(dmin, l.scaleType) : 0.0f;
      double e = 0;
      for (unsigned j = 0; j < l.numSubBlocks(); ++j)
        e += subError(j, c, c.subScales[j], asym ? c.subMins[j] : 0);
      if (e < best)
        best = e, b = c;
      c = b;
      refined = refineSubScales(c);
      if (refined < best)
        best = refined, b = c;
    }
    // Leave codes consistent with the chosen header.
    for (unsigned j = 0; j < l.numSubBlocks(); ++j)
      subError(j, b, b.subScales[j], asym ? b.subMins[j] : 0);
    return best;
  }

private:
  const BlockLayout &l;
  const Grid &g;
  const float *x, *w;
  unsigned valid;
  bool asym;
  int smin, smax, mmax;
};

double fitSuper(const BlockLayout &l, const Grid &g, Method m, const float *x,
                const float *w, unsigned valid, LogicalBlock &b) {
  SuperFitter fitter(l, g, x, w, valid);
  Method rule = m == Method::Search ? Method::Rtn : m;
  std::vector<SubFit> ruleFits = fitter.fitSubBlocks(rule, b);
  float d, dmin;
  fitter.ruleScales(ruleFits, d, dmin);
  fitter.quantize(ruleFits, d, dmin, b);
  double ruleErr = blockError(l, b, x, w, valid);
  if (m != Method::Search)
    return ruleErr;
  LogicalBlock c = b;
  std::vector<SubFit> fits = fitter.fitSubBlocks(Method::Search, c);
  fitter.search(fits, c);
  double err = blockError(l, c, x, w, valid);
  if (err < ruleErr) {
    b = std::move(c);
    return err;
  }
  return ruleErr;
}

} // namespace

double blockError(const BlockLayout &l, const LogicalBlock &b, const float *x,
                  const float *w, unsigned valid) {
  // Pack and decode: the error is exactly that of the stored bytes.
  thread_local std::vector<uint8_t> bytes;
  thread_local std::vector<float> y;
  bytes.resize(l.bytes);
  y.resize(l.elems);
  encodeBlock(l, b, bytes.data());
  decodeBlock(l, bytes.data(), y.data(), std::min(valid, l.elems));
  double err = 0;
  for (unsigned i = 0; i < std::min(valid, l.elems); ++i)
    err += w[i] * sq(double(x[i]) - double(y[i]));
  return err;
}

double fitBlock(const BlockLayout &l, Method m, const float *x, const float *w,
                unsigned valid, LogicalBlock &b) {
  Grid g(l);
  b.codes.assign(l.elems, g.zeroCode());
  b.subScales.assign(l.hasSubScales ? l.numSubBlocks() : 0, 0);
  b.subMins.assign(l.offset == Offset::SubMin ? l.numSubBlocks() : 0, 0);
  b.d = b.second = 0;
  b.zeroPoint = 0;
  if (!l.hasSubScales)
    return fitPlain(l, g, m, x, w, valid, b);
  return fitSuper(l, g, m, x, w, valid, b);
}

} // namespace lowbit::quant
