//===- Quantizer.h - Whole matrices: rows in parallel, tails, errors -*- C++
//-*-===//
//
// The entry points passes and tools use. A matrix is `rows` rows of
// `rowLength` floats; blocks run along a row (the reduction dimension) and
// every row is laid out by makeRowLayout, so row r starts at r x rowBytes.
// Rows are independent, so results are bit-identical for any thread count.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_QUANT_QUANTIZER_H
#define LOWBIT_QUANT_QUANTIZER_H

#include "lowbit/Quant/BlockFit.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace lowbit::quant {

struct QuantOptions {
  Method method = Method::Search;
  /// 0: all hardware threads.
  unsigned threads = 0;
  /// Optional importance, non-negative: `rowLength` values (one per column,
  /// shared by all rows, as an imatrix) or rows x rowLength (per weight).
  const float *importance = nullptr;
  bool importancePerWeight = false;
  /// A block whose weights need a scale beyond the scale type's range (a
  /// finite 1e6 in an f16-scaled block) is an error by default; with this
  /// set its weights are clipped to the largest magnitude whose scale fits,
  /// and counted in QuantStats::clampedBlocks.
  bool clampScales = false;
  /// Rtn on q8_0, q4_0, q4_1, q5_0 and q5_1 takes a per-format fast path
  /// with the same bytes; this forces the generic block fitter (tests
  /// compare the two).
  bool genericOnly = false;
};

/// What quantizeMatrix did beyond writing bytes.
struct QuantStats {
  size_t clampedBlocks = 0; ///< blocks clipped under clampScales
};

/// Bytes one row of `rowLength` weights occupies.
size_t rowBytes(const Scheme &scheme, unsigned rowLength);

/// Bits per weight counted from the bytes stored (padding and headers
/// included) over the weights present.
double bitsPerWeight(const Scheme &scheme, unsigned rowLength);

/// Quantizes rows x rowLength floats into rows x rowBytes bytes. Returns an
/// empty string, or an error naming `tensorName` and the row (non-finite
/// weights, a block scale that overflows its type, bad importance, invalid
/// scheme); `out` is then unspecified.
std::string quantizeMatrix(const Scheme &scheme, const float *x, size_t rows,
                           unsigned rowLength, uint8_t *out,
                           const QuantOptions &options,
                           const std::string &tensorName,
                           QuantStats *stats = nullptr);

/// Decodes rows x rowBytes bytes into rows x rowLength floats.
void dequantizeMatrix(const Scheme &scheme, const uint8_t *in, size_t rows,
                      unsigned rowLength, float *out, unsigned threads = 0);

struct ErrorStats {
  double rmse = 0;     ///< sqrt(mean (x - y)^2)
  double maxAbs = 0;   ///< max |x - y|
  double relative = 0; ///< ||x - y|| / ||x|| (0 when x is all zero)
};
ErrorStats measureError(const float *x, const float *y, size_t n);

/// ErrorStats accumulated over chunks of a tensor.
class ErrorAccumulator {
public:
  void add(const float *x, const float *y, size_t n);
  ErrorStats stats() const;

private:
  double sumSqErr = 0, sumSqX = 0, maxAbs = 0;
  size_t count = 0;
};

/// The most threads quantization runs on; options above it are errors.
constexpr unsigned kMaxThreads = 256;

/// Runs body(begin, end) over [0, n) split into contiguous chunks on up to
/// `threads` threads (0: hardware concurrency; at most kMaxThreads). A
/// worker the system cannot start runs its chunk on the calling thread:
/// results never depend on the threads.
void parallelFor(size_t n, unsigned threads,
                 const std::function<void(size_t, size_t)> &body);

} // namespace lowbit::quant

#endif // LOWBIT_QUANT_QUANTIZER_H
