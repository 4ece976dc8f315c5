//===- LegacyRtn.h - ggml's legacy round-to-nearest, row at a time -*- C++ -*-===//
//
// The fast path of quantizeMatrix for Method::Rtn on q8_0, q4_0, q4_1, q5_0
// and q5_1: ggml's reference quantizers written out per format on whole
// rows, with the same float32 arithmetic as the generic block fitter
// (BlockFit.cpp), so the bytes are those of the generic path (and of
// ggml), without its per-block fit, encode and decode round trip.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_LIB_QUANT_LEGACYRTN_H
#define LOWBIT_LIB_QUANT_LEGACYRTN_H

#include "lowbit/Quant/Scheme.h"

#include <cstdint>

namespace lowbit::quant {

/// Whether the fast path takes rows of `rowLength` weights in `scheme`
/// (a legacy GGUF format, whole blocks of 32).
bool hasLegacyRtnPath(const Scheme &scheme, unsigned rowLength);

/// Quantizes one row of finite weights; false (with `out` unspecified)
/// when a block's scale overflows f16, which the generic path reports.
bool quantizeLegacyRtnRow(Format format, const float *x, unsigned rowLength,
                          uint8_t *out);

} // namespace lowbit::quant

#endif
