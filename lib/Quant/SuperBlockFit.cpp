//===- SuperBlockFit.cpp - Sub-scales quantized against d and dmin --------===//
//
// K-quants and parametric super-blocks: each sub-block gets a float fit,
// the super-block scale (and min scale) is chosen, sub-scales are quantized
// against it, and Search refines them.
//
//===----------------------------------------------------------------------===//

#include "BlockFitPrimitives.h"

namespace lowbit::quant::fit {

namespace {

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

} // namespace

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

} // namespace lowbit::quant::fit
