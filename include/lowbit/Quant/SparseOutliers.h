//===- SparseOutliers.h - Weights kept exactly beside a quantized matrix -===//
//
// SpQR's sparse part for every scheme lowbit knows: the given fraction of
// individual weights whose keeping removes the most importance-weighted
// quantization error (imp[col] x (w - q)²) is kept exactly in a
// row-compressed side matrix, and the quantized matrix is refitted without
// them (their value and importance set to 0, so a block's scale is chosen
// for the weights that stay). The side matrix holds the residual w - q at
// each kept position, so quantized + side equals the weight there.
//
// A weight's own error is not the whole story: the largest weight of a
// block often has no error at all (absmax fitters represent it exactly)
// while it stretches the scale of every other weight of the block. So the
// gain of keeping a weight is its own error, or for the two weights of
// each block with the largest imp x w², the fall of the whole block's
// error when it is left out and the block refitted (SpQR's leave-one-out,
// for the weights where it matters). The matrix streams through in row
// chunks and only the best `count` candidates are held.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_QUANT_SPARSEOUTLIERS_H
#define LOWBIT_QUANT_SPARSEOUTLIERS_H

#include "lowbit/Quant/Quantizer.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace lowbit::quant {

/// How many of `weights` a fraction keeps (rounded to nearest).
size_t outlierCount(size_t weights, double fraction);

/// Per weight of rows x rowLength `x`: the importance-weighted error that
/// keeping it exactly removes (see above), with options.importance as
/// quantizeMatrix takes it. Three quantizations of the rows. Errors as
/// quantizeMatrix's.
std::string outlierGains(const Scheme &scheme, const float *x, size_t rows,
                         unsigned rowLength, const QuantOptions &options,
                         const std::string &tensorName, float *gains);

/// The `count` positions (row x rowLength + column) with the largest
/// gains, fed chunk by chunk in any order. Ties go to the lower position,
/// so the choice never depends on the chunking; positions without gain are
/// never chosen.
class OutlierSelection {
public:
  OutlierSelection(unsigned rowLength, size_t count);
  /// Rows [firstRow, firstRow + rows) and their gains.
  void add(size_t firstRow, size_t rows, const float *gains);
  /// The chosen positions, increasing.
  std::vector<uint64_t> finish();

private:
  void trim();
  unsigned rowLength;
  size_t count;
  std::vector<std::pair<float, uint64_t>> candidates; ///< (error, position)
};

/// mask[r x rowLength + c] = 1 for the chosen positions within rows
/// [firstRow, firstRow + rows) (`positions` increasing), 0 elsewhere.
void markOutliers(const std::vector<uint64_t> &positions, size_t firstRow,
                  size_t rows, unsigned rowLength, uint8_t *mask);

/// quantizeMatrix with the masked weights left out of the fit (value 0,
/// importance 0), then `residuals` = x - decoded at the masked positions
/// (0 elsewhere; rows x rowLength). Errors as quantizeMatrix's.
std::string quantizeWithOutliers(const Scheme &scheme, const float *x,
                                 size_t rows, unsigned rowLength,
                                 const uint8_t *mask, uint8_t *out,
                                 float *residuals, const QuantOptions &options,
                                 const std::string &tensorName,
                                 QuantStats *stats = nullptr);

/// A row-compressed side matrix as the IR stores it.
struct SparseRows {
  std::vector<uint32_t> rowOffsets{0}; ///< rows + 1, rowOffsets[0] = 0
  std::vector<uint32_t> columns;       ///< increasing within a row
  std::vector<float> values;

  /// Appends rows x rowLength `residuals` at the masked positions.
  void appendRows(size_t rows, unsigned rowLength, const uint8_t *mask,
                  const float *residuals);
};

} // namespace lowbit::quant

#endif
