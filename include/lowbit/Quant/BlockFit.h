//===- BlockFit.h - Choosing scales, mins and codes for one block -*- C++
//-*-===//
//
// Scale selection for one block (or super-block) of any layout:
//   Rtn    ggml's reference rounding: q8_0 absmax/127, symmetric
//          extreme/-2^(b-1) (q4_0, q5_0), asymmetric min/max (q4_1, q5_1);
//          codes chosen with the float scale before it is stored, as ggml.
//   Absmax symmetric absmax / (2^(b-1) - 1); asymmetric schemes use min/max.
//   MinMax asymmetric min/max round-to-nearest.
//   Search minimises the (importance-)weighted squared error over candidate
//          scales with least-squares refits, quantizes sub-scales with a
//          search over the super-block scale, and keeps the Rtn result when
//          that is better, so it never decodes worse than Rtn.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_QUANT_BLOCKFIT_H
#define LOWBIT_QUANT_BLOCKFIT_H

#include "lowbit/Quant/BlockCodec.h"

namespace lowbit::quant {

enum class Method { Rtn, Absmax, MinMax, Search };

const char *methodName(Method m);
bool parseMethod(const std::string &name, Method &out);

/// Fits one block. `x` and `w` hold layout.elems values; only the first
/// `valid` are weights (the rest is padding and is ignored). `w` are
/// non-negative importances. Returns the weighted squared error of the
/// decoded block over the valid elements.
double fitBlock(const BlockLayout &layout, Method method, const float *x,
                const float *w, unsigned valid, LogicalBlock &out);

/// Weighted squared error of `b` decoded against `x` (valid elements only),
/// using the decoder's arithmetic.
double blockError(const BlockLayout &layout, const LogicalBlock &b,
                  const float *x, const float *w, unsigned valid);

} // namespace lowbit::quant

#endif // LOWBIT_QUANT_BLOCKFIT_H
