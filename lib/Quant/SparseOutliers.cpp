//===- SparseOutliers.cpp - Choosing and refitting around kept weights ----===//

#include "lowbit/Quant/SparseOutliers.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace lowbit::quant {

namespace {

/// Larger error first; equal errors by lower position.
bool before(const std::pair<float, uint64_t> &a,
            const std::pair<float, uint64_t> &b) {
  return a.first != b.first ? a.first > b.first : a.second < b.second;
}

} // namespace

size_t outlierCount(size_t weights, double fraction) {
  if (!(fraction > 0))
    return 0;
  double n = std::floor(double(weights) * std::min(fraction, 1.0) + 0.5);
  return std::min(weights, size_t(n));
}

OutlierSelection::OutlierSelection(unsigned rowLength, size_t count)
    : rowLength(rowLength), count(count) {}

void OutlierSelection::trim() {
  if (candidates.size() <= count)
    return;
  std::nth_element(candidates.begin(), candidates.begin() + count,
                   candidates.end(), before);
  candidates.resize(count);
}

void OutlierSelection::add(size_t firstRow, size_t rows, const float *gains) {
  if (count == 0)
    return;
  for (size_t r = 0; r < rows; ++r)
    for (unsigned c = 0; c < rowLength; ++c) {
      float e = gains[r * rowLength + c];
      if (!(e > 0))
        continue;
      candidates.push_back({e, uint64_t(firstRow + r) * rowLength + c});
      // Bounded memory: at most 2 x count candidates are held.
      if (candidates.size() >= 2 * count + 1024)
        trim();
    }
}

std::vector<uint64_t> OutlierSelection::finish() {
  trim();
  std::vector<uint64_t> positions;
  positions.reserve(candidates.size());
  for (const auto &c : candidates)
    positions.push_back(c.second);
  std::sort(positions.begin(), positions.end());
  candidates.clear();
  return positions;
}

std::string outlierGains(const Scheme &scheme, const float *x, size_t rows,
                         unsigned k, const QuantOptions &options,
                         const std::string &tensorName, float *gains) {
  size_t n = rows * k;
  auto importance = [&](size_t i) {
    if (!options.importance)
      return 1.0f;
    return options.importance[options.importancePerWeight ? i : i % k];
  };
  std::vector<uint8_t> bytes(rows * rowBytes(scheme, k));
  std::string err =
      quantizeMatrix(scheme, x, rows, k, bytes.data(), options, tensorName);
  if (!err.empty())
    return err;
  std::vector<float> y(n), z(n), residuals(n);
  dequantizeMatrix(scheme, bytes.data(), rows, k, y.data(), options.threads);
  for (size_t i = 0; i < n; ++i) {
    float d = x[i] - y[i];
    gains[i] = importance(i) * d * d;
  }
  // Leave-one-out for the largest and the second largest imp x w² of each
  // block, every block at once (blocks are fitted independently).
  const unsigned block = std::max(1u, scheme.blockSize);
  std::vector<uint8_t> mask(n);
  for (unsigned rank = 0; rank < 2; ++rank) {
    std::fill(mask.begin(), mask.end(), uint8_t(0));
    std::vector<size_t> left;
    for (size_t r = 0; r < rows; ++r)
      for (unsigned first = 0; first < k; first += block) {
        unsigned last = std::min(k, first + block);
        size_t best[2] = {SIZE_MAX, SIZE_MAX};
        for (unsigned c = first; c < last; ++c) {
          size_t i = r * k + c;
          auto size = [&](size_t j) { return importance(j) * x[j] * x[j]; };
          if (best[0] == SIZE_MAX || size(i) > size(best[0])) {
            best[1] = best[0];
            best[0] = i;
          } else if (best[1] == SIZE_MAX || size(i) > size(best[1])) {
            best[1] = i;
          }
        }
        if (best[rank] != SIZE_MAX) {
          mask[best[rank]] = 1;
          left.push_back(best[rank]);
        }
      }
    err = quantizeWithOutliers(scheme, x, rows, k, mask.data(), bytes.data(),
                               residuals.data(), options, tensorName);
    if (!err.empty())
      return err;
    dequantizeMatrix(scheme, bytes.data(), rows, k, z.data(),
                     options.threads);
    for (size_t i : left) {
      size_t rowStart = i - i % k;
      unsigned first = unsigned(i % k) / block * block;
      unsigned last = std::min(k, first + block);
      double before = 0, after = 0;
      for (unsigned c = first; c < last; ++c) {
        size_t j = rowStart + c;
        double dy = x[j] - y[j], dz = j == i ? 0.0 : double(x[j] - z[j]);
        before += importance(j) * dy * dy;
        after += importance(j) * dz * dz;
      }
      gains[i] = std::max(gains[i], float(before - after));
    }
  }
  return "";
}

void markOutliers(const std::vector<uint64_t> &positions, size_t firstRow,
                  size_t rows, unsigned rowLength, uint8_t *mask) {
  std::fill(mask, mask + rows * rowLength, uint8_t(0));
  uint64_t begin = uint64_t(firstRow) * rowLength,
           end = uint64_t(firstRow + rows) * rowLength;
  auto it = std::lower_bound(positions.begin(), positions.end(), begin);
  for (; it != positions.end() && *it < end; ++it)
    mask[*it - begin] = 1;
}

std::string quantizeWithOutliers(const Scheme &scheme, const float *x,
                                 size_t rows, unsigned rowLength,
                                 const uint8_t *mask, uint8_t *out,
                                 float *residuals, const QuantOptions &options,
                                 const std::string &tensorName,
                                 QuantStats *stats) {
  size_t n = rows * rowLength;
  for (size_t i = 0; i < n; ++i)
    if (!std::isfinite(x[i]))
      return tensorName + ": row " + std::to_string(i / rowLength) +
             ", column " + std::to_string(i % rowLength) + " holds " +
             (std::isnan(x[i]) ? "NaN" : "an infinity") +
             "; weights must be finite";
  std::vector<float> kept(x, x + n), importance(n);
  for (size_t i = 0; i < n; ++i) {
    float imp = 1.0f;
    if (options.importance)
      imp = options.importance[options.importancePerWeight
                                   ? i
                                   : i % rowLength];
    importance[i] = mask[i] ? 0.0f : imp;
    if (mask[i])
      kept[i] = 0.0f;
  }
  QuantOptions o = options;
  o.importance = importance.data();
  o.importancePerWeight = true;
  std::string err =
      quantizeMatrix(scheme, kept.data(), rows, rowLength, out, o, tensorName,
                     stats);
  if (!err.empty())
    return err;
  dequantizeMatrix(scheme, out, rows, rowLength, kept.data(), options.threads);
  for (size_t i = 0; i < n; ++i)
    residuals[i] = mask[i] ? x[i] - kept[i] : 0.0f;
  return "";
}

void SparseRows::appendRows(size_t rows, unsigned rowLength,
                            const uint8_t *mask, const float *residuals) {
  for (size_t r = 0; r < rows; ++r) {
    for (unsigned c = 0; c < rowLength; ++c)
      if (mask[r * rowLength + c]) {
        columns.push_back(c);
        values.push_back(residuals[r * rowLength + c]);
      }
    rowOffsets.push_back(uint32_t(columns.size()));
  }
}

} // namespace lowbit::quant
