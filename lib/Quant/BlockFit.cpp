//===- BlockFit.cpp - Scale, min and code selection for one block ---------===//
//
// All arithmetic that decides codes for Rtn mirrors ggml's reference
// quantizers step by step in float32 (build with -ffp-contract=off), so Rtn
// bytes equal ggml's for q8_0, q4_0, q4_1, q5_0 and q5_1.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Quant/BlockFit.h"
#include "BlockFitPrimitives.h"

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

namespace fit {

namespace {

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

} // namespace

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

} // namespace fit

using namespace fit;

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
