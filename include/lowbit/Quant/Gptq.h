//===- Gptq.h - GPTQ: quantization with second-order error compensation ---===//
//
// GPTQ (Frantar et al., 2022) for every scheme lowbit knows. Rows are
// quantized column by column; each column's rounding error is spread over
// the columns not yet quantized through the upper Cholesky factor U of
// H⁻¹, H = XᵀX + λI the Gram matrix of the weight's input. Updates are
// applied lazily in blocks of columns (blockColumns). Block and super-block
// parameters (scales, mins, sub-scales, zero points) are fitted, with the
// scheme's own fitter and diag(H) as importance, from the
// error-compensated weights when a block's first column is reached; with
// act-order (columns by decreasing H_ii) they are fitted up front from the
// weights ("static groups"), so the stored layout is the scheme's in both
// cases and a GGUF format stays a GGUF format.
//
// Memory: one K x K float64 matrix while preparing H (built directly in
// the order the Cholesky wants, from the packed upper triangle; factored
// in blocks of 64 columns on threads), then the K x K float32 factor U
// that every row shares; rows are quantized in
// chunks of 32 per thread. For K = 11008 (ffn_down of a 7B model) that is
// 969 MB + 485 MB during preparation and 485 MB afterwards.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_QUANT_GPTQ_H
#define LOWBIT_QUANT_GPTQ_H

#include "lowbit/Quant/Quantizer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lowbit::quant {

struct GptqOptions {
  /// λ = damp x mean(diag H), added to the diagonal (GPTQ's percdamp).
  double damp = 0.01;
  /// Columns by decreasing H_ii; block parameters fixed up front.
  bool actOrder = false;
  /// Columns per lazy update; rounded up to a multiple of the scheme's
  /// block so that a block's parameters see fully updated weights.
  unsigned blockColumns = 128;
  /// Threads of the factorization (0: all); U does not depend on it.
  unsigned threads = 0;
};

/// The shared, per-weight part: H prepared and factored.
struct GptqHessian {
  unsigned k = 0;
  /// Upper Cholesky factor of H⁻¹ (H permuted to processing order),
  /// K x K row-major; only the upper triangle is meaningful.
  std::vector<float> u;
  /// order[p] = the column quantized at position p.
  std::vector<unsigned> order;
  /// H_ii after damping, per column: the importance blocks are fitted with.
  std::vector<float> importance;
  /// Columns no input activated (H_ii = 0): their weights are set to 0.
  std::vector<uint8_t> dead;
  bool actOrder = false;
  unsigned blockColumns = 128;
};

/// Prepares H from its upper triangle, row by row (K(K+1)/2 values: row i
/// holds H[i][i..K-1], the layout of `lowbit.gram`). Returns an empty
/// string or an error (non-finite values, negative damp, not positive
/// definite after damping).
/// `silent` columns are treated as columns no input reached (their weights
/// become 0): the channels outlier splitting moved to its side path.
std::string prepareGptq(const float *gramUpper, unsigned k,
                        const GptqOptions &options, GptqHessian &out,
                        const std::vector<unsigned> &silent = {});

/// Quantizes rows x rowLength floats (rowLength == h.k) into rows x
/// rowBytes bytes of `scheme`'s layout. options.method fits the block
/// parameters; options.threads spreads row chunks (bytes do not depend on
/// it); importance and clampScales are not used (a scale that overflows
/// is an error). Returns an empty string or an error naming `tensorName`.
/// With `exact` (rows x rowLength, 1 = kept exactly in a sparse side
/// matrix, see SparseOutliers.h): those weights are left out of the block
/// fits, their error is not compensated, and `residuals` receives the
/// compensated weight minus its decoded code there (untouched elsewhere).
std::string gptqQuantizeRows(const Scheme &scheme, const GptqHessian &h,
                             const float *x, size_t rows, unsigned rowLength,
                             uint8_t *out, const QuantOptions &options,
                             const std::string &tensorName,
                             const uint8_t *exact = nullptr,
                             float *residuals = nullptr);

/// GPTQ's objective for one weight: Σ_rows (w - q) H (w - q)ᵀ with the
/// undamped H given as its upper triangle (as prepareGptq takes it).
double gptqObjective(const float *gramUpper, const float *x, const float *y,
                     size_t rows, unsigned rowLength);

} // namespace lowbit::quant

#endif
