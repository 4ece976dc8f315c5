//===- Gptq.cpp - GPTQ's column loop over chunks of rows ------------------===//
//
// Rows are independent given U, so chunks of rows run on threads and the
// bytes never depend on the thread count. Within a chunk, columns are taken
// in processing order: quantized to the nearest level of their block's
// parameters, the error e = (w - q) / U[p][p] subtracted times U[p][t]
// from the columns t of the same lazy block at once, and from the columns
// after it when the lazy block ends (one pass over U's rows per chunk).
//
//===----------------------------------------------------------------------===//

#include "lowbit/Quant/Gptq.h"
#include "BlockFitPrimitives.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>

namespace lowbit::quant {

namespace {

constexpr size_t kRowsPerChunk = 32;

/// One block layout of a row with its code grid.
struct BlockKind {
  const BlockLayout *layout;
  fit::Grid grid;
  explicit BlockKind(const BlockLayout &l) : layout(&l), grid(l) {}
};

/// The code of element `p` of `b` nearest to `x`, and its decoded value
/// (the decoder's arithmetic, so errors are those of the stored bytes).
int nearestCode(const BlockKind &kind, const LogicalBlock &b, unsigned p,
                float x, float &value) {
  const BlockLayout &l = *kind.layout;
  unsigned sub = p / l.subBlock;
  float dl = b.d;
  if (l.hasSubScales)
    dl = b.d * float(b.subScales[sub]);
  float ml = l.offset == Offset::SubMin ? b.second * float(b.subMins[sub]) : 0;
  float t;
  switch (l.offset) {
  case Offset::FloatMin:
    t = (x - b.second) / dl;
    break;
  case Offset::SubMin:
    t = (x + ml) / dl;
    break;
  case Offset::ZeroPoint:
    t = x / dl + float(b.zeroPoint);
    break;
  default:
    t = x / dl;
  }
  int code = kind.grid.zeroCode();
  if (dl != 0 && std::isfinite(t))
    code = kind.grid.isCodebook() ? kind.grid.nearest(t)
                                  : kind.grid.clampInt(t);
  float level = kind.grid.isCodebook() ? l.codebook[code]
                                       : float(code - b.zeroPoint);
  value = dl * level;
  if (l.offset == Offset::FloatMin)
    value = value + b.second;
  else if (l.offset == Offset::SubMin)
    value = value - ml;
  return code;
}

} // namespace

std::string gptqQuantizeRows(const Scheme &scheme, const GptqHessian &h,
                             const float *x, size_t rows, unsigned rowLength,
                             uint8_t *out, const QuantOptions &options,
                             const std::string &name, const uint8_t *exact,
                             float *residuals) {
  if (std::string invalid = validateScheme(scheme); !invalid.empty())
    return name + ": invalid scheme: " + invalid;
  if (rowLength == 0 || rowLength != h.k)
    return name + ": rows of " + std::to_string(rowLength) +
           " weights but a Gram matrix of " + std::to_string(h.k) + " columns";
  for (size_t i = 0; i < rows * rowLength; ++i)
    if (!std::isfinite(x[i]))
      return name + ": row " + std::to_string(i / rowLength) + ", column " +
             std::to_string(i % rowLength) + " holds " +
             (std::isnan(x[i]) ? "NaN" : "an infinity") +
             "; weights must be finite";

  const RowLayout row = makeRowLayout(scheme, rowLength);
  const size_t k = rowLength;
  const unsigned elems = row.full.elems;
  const unsigned numBlocks = row.fullBlocks + (row.hasTail ? 1 : 0);
  const BlockKind full(row.full), tail(row.tail);
  auto kindOf = [&](unsigned q) -> const BlockKind & {
    return q < row.fullBlocks ? full : tail;
  };
  auto validOf = [&](unsigned q) {
    return q < row.fullBlocks ? elems : row.tailValid;
  };
  // A lazy block holds whole scheme blocks, so a block's first column sees
  // every earlier error (act-order fits up front and needs no alignment).
  size_t lazyColumns =
      (std::max<size_t>(std::max(h.blockColumns, 1u), elems) + elems - 1) /
      elems * elems;

  std::atomic<size_t> badRow{rows};
  std::atomic<unsigned> badBlock{0};
  std::mutex badMutex;
  size_t chunks = (rows + kRowsPerChunk - 1) / kRowsPerChunk;
  parallelFor(chunks, options.threads, [&](size_t begin, size_t end) {
    std::vector<float> w(kRowsPerChunk * k), err(kRowsPerChunk * lazyColumns);
    std::vector<float> xb(std::max(row.full.elems, row.tail.elems)),
        ib(xb.size()), decoded(xb.size());
    std::vector<LogicalBlock> blocks(kRowsPerChunk * numBlocks);
    std::vector<float> original(h.actOrder ? k : 0);
    // Fits block q of chunk row r from `source` (column order).
    // Weights kept exactly are left out (value and importance 0).
    auto fitFrom = [&](size_t r, unsigned q, const float *source,
                       const uint8_t *kept) {
      unsigned first = q * elems, valid = validOf(q);
      std::fill(xb.begin(), xb.end(), 0.0f);
      std::fill(ib.begin(), ib.end(), 0.0f);
      for (unsigned i = 0; i < valid; ++i) {
        if (kept && kept[first + i])
          continue;
        xb[i] = source[first + i];
        ib[i] = h.importance[first + i];
      }
      fitBlock(*kindOf(q).layout, options.method, xb.data(), ib.data(), valid,
               blocks[r * numBlocks + q]);
    };
    for (size_t c = begin; c < end; ++c) {
      size_t firstRow = c * kRowsPerChunk;
      size_t count = std::min(kRowsPerChunk, rows - firstRow);
      // Working weights in processing order, dead columns zeroed.
      for (size_t r = 0; r < count; ++r)
        for (size_t p = 0; p < k; ++p) {
          unsigned col = h.order[p];
          w[r * k + p] = h.dead[col] ? 0.0f : x[(firstRow + r) * k + col];
        }
      auto keptOf = [&](size_t r) {
        return exact ? exact + (firstRow + r) * k : nullptr;
      };
      // Act-order: static groups, parameters from the (dead-zeroed)
      // weights before any compensation.
      const bool staticGroups = h.actOrder;
      if (staticGroups)
        for (size_t r = 0; r < count; ++r) {
          for (size_t p = 0; p < k; ++p)
            original[h.order[p]] = w[r * k + p];
          for (unsigned q = 0; q < numBlocks; ++q)
            fitFrom(r, q, original.data(), keptOf(r));
        }

      for (size_t b1 = 0; b1 < k; b1 += lazyColumns) {
        size_t b2 = std::min(k, b1 + lazyColumns);
        for (size_t p = b1; p < b2; ++p) {
          unsigned col = h.order[p];
          unsigned q = col / elems, j = col % elems;
          const float *up = &h.u[p * k];
          for (size_t r = 0; r < count; ++r) {
            float *wr = &w[r * k];
            // Without act-order, processing order is column order.
            if (!staticGroups && j == 0)
              fitFrom(r, q, wr, keptOf(r));
            LogicalBlock &blk = blocks[r * numBlocks + q];
            float value;
            blk.codes[j] = nearestCode(kindOf(q), blk, j, wr[p], value);
            float e = (wr[p] - value) / up[p];
            // A weight kept exactly: the side matrix holds what the code
            // misses, so there is no error to compensate.
            if (exact && exact[(firstRow + r) * k + col]) {
              residuals[(firstRow + r) * k + col] = wr[p] - value;
              e = 0;
            }
            err[r * lazyColumns + (p - b1)] = e;
            for (size_t t = p + 1; t < b2; ++t)
              wr[t] -= e * up[t];
          }
        }
        // The lazy update of every later column.
        for (size_t p = b1; p < b2; ++p) {
          const float *up = &h.u[p * k];
          for (size_t r = 0; r < count; ++r) {
            float e = err[r * lazyColumns + (p - b1)];
            if (e == 0)
              continue;
            float *wr = &w[r * k];
            for (size_t t = b2; t < k; ++t)
              wr[t] -= e * up[t];
          }
        }
      }
      // Pack, and check that every scale fits its type.
      for (size_t r = 0; r < count; ++r) {
        uint8_t *dst = out + (firstRow + r) * row.rowBytes;
        for (unsigned q = 0; q < numBlocks; ++q) {
          const BlockLayout &l = *kindOf(q).layout;
          uint8_t *blockOut = dst + size_t(q) * row.full.bytes;
          encodeBlock(l, blocks[r * numBlocks + q], blockOut);
          decodeBlock(l, blockOut, decoded.data(), validOf(q));
          bool finite = true;
          for (unsigned i = 0; i < validOf(q); ++i)
            finite &= std::isfinite(decoded[i]);
          if (!finite) {
            std::lock_guard<std::mutex> lock(badMutex);
            if (firstRow + r < badRow.load()) {
              badRow = firstRow + r;
              badBlock = q;
            }
          }
        }
      }
    }
  });
  if (badRow.load() < rows)
    return name + ": row " + std::to_string(badRow.load()) + ", block " +
           std::to_string(badBlock.load()) +
           ": after GPTQ's error compensation the block needs a scale "
           "beyond the range of " +
           scaleTypeName(scheme.scaleType);
  return "";
}

} // namespace lowbit::quant
