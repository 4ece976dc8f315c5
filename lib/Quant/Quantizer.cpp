//===- Quantizer.cpp - Matrix quantization over rows ----------------------===//

#include "lowbit/Quant/Quantizer.h"
#include "LegacyRtn.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <pthread.h>
#include <thread>
#include <vector>

namespace lowbit::quant {

void parallelFor(size_t n, unsigned threads,
                 const std::function<void(size_t, size_t)> &body) {
  if (threads == 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  size_t workers = std::min<size_t>({threads, kMaxThreads, n});
  if (workers <= 1) {
    if (n)
      body(0, n);
    return;
  }
  // pthreads, not std::thread: with exceptions off a failed std::thread
  // aborts; a failed pthread_create is a result we can act on.
  struct Job {
    const std::function<void(size_t, size_t)> *body;
    size_t begin, end;
  };
  std::vector<Job> jobs;
  size_t chunk = (n + workers - 1) / workers;
  for (size_t t = 0; t < workers; ++t) {
    size_t begin = t * chunk, end = std::min(n, begin + chunk);
    if (begin < end)
      jobs.push_back({&body, begin, end});
  }
  std::vector<pthread_t> started(jobs.size());
  std::vector<bool> running(jobs.size(), false);
  auto run = [](void *p) -> void * {
    Job *job = static_cast<Job *>(p);
    (*job->body)(job->begin, job->end);
    return nullptr;
  };
  for (size_t i = 1; i < jobs.size(); ++i)
    running[i] = pthread_create(&started[i], nullptr, run, &jobs[i]) == 0;
  run(&jobs[0]);
  for (size_t i = 1; i < jobs.size(); ++i) {
    if (running[i])
      pthread_join(started[i], nullptr);
    else
      run(&jobs[i]);
  }
}

size_t rowBytes(const Scheme &scheme, unsigned rowLength) {
  return makeRowLayout(scheme, rowLength).rowBytes;
}

double bitsPerWeight(const Scheme &scheme, unsigned rowLength) {
  return 8.0 * double(rowBytes(scheme, rowLength)) / double(rowLength);
}

namespace {

/// Fits and encodes one block; false when its stored scales cannot hold
/// it (the block decodes to a non-finite value).
bool fitAndEncode(const BlockLayout &l, Method method, const float *x,
                  const float *w, unsigned valid, LogicalBlock &block,
                  uint8_t *dst, float *decoded) {
  fitBlock(l, method, x, w, valid, block);
  encodeBlock(l, block, dst);
  bool hasSecond = l.offset == Offset::FloatMin || l.offset == Offset::SubMin;
  if (!std::isfinite(readScale(dst + l.dOffset, l.scaleType)) ||
      (hasSecond &&
       !std::isfinite(readScale(dst + l.secondOffset, l.scaleType))))
    return false;
  // Finite scales decode to about the block's magnitudes, so only blocks
  // near the float range need decoding to be sure (cheap: they are rare).
  float largest = 0;
  for (unsigned i = 0; i < valid; ++i)
    largest = std::max(largest, std::fabs(x[i]));
  if (largest < 0x1p100f)
    return true;
  decodeBlock(l, dst, decoded, valid);
  for (unsigned i = 0; i < valid; ++i)
    if (!std::isfinite(decoded[i]))
      return false;
  return true;
}

/// Clips the block's weights to the largest magnitude (found by bisection,
/// to 2^-24 of the block's maximum) whose fit the scales can hold.
void fitClamped(const BlockLayout &l, Method method, std::vector<float> &x,
                const float *w, unsigned valid, LogicalBlock &block,
                uint8_t *dst, float *decoded) {
  std::vector<float> original(x.begin(), x.begin() + valid);
  float hi = 0, lo = 0;
  for (float v : original)
    hi = std::max(hi, std::fabs(v));
  auto clipTo = [&](float limit) {
    for (unsigned i = 0; i < valid; ++i)
      x[i] = std::clamp(original[i], -limit, limit);
  };
  for (int step = 0; step < 48 && hi - lo > hi * 0x1p-24f; ++step) {
    float mid = lo + (hi - lo) / 2;
    clipTo(mid);
    if (fitAndEncode(l, method, x.data(), w, valid, block, dst, decoded))
      lo = mid;
    else
      hi = mid;
  }
  clipTo(lo);
  fitAndEncode(l, method, x.data(), w, valid, block, dst, decoded);
}

} // namespace

/// No NaN or infinity among `n` floats: an all-ones exponent, tested on
/// the bits with an OR over the row (a loop that vectorizes, unlike an
/// early exit on std::isfinite).
static bool rowIsFinite(const float *x, size_t n) {
  uint32_t bad = 0;
  for (size_t i = 0; i < n; ++i) {
    uint32_t bits;
    std::memcpy(&bits, x + i, 4);
    bad |= uint32_t((bits & 0x7f800000u) == 0x7f800000u);
  }
  return bad == 0;
}

std::string quantizeMatrix(const Scheme &scheme, const float *x, size_t rows,
                           unsigned rowLength, uint8_t *out,
                           const QuantOptions &options,
                           const std::string &tensorName, QuantStats *stats) {
  std::string invalid = validateScheme(scheme);
  if (!invalid.empty())
    return tensorName + ": invalid scheme: " + invalid;
  if (rowLength == 0)
    return tensorName + ": rows must hold at least one weight";
  const RowLayout row = makeRowLayout(scheme, rowLength);

  // Reject bad input before writing anything, naming the first bad row.
  size_t impCount =
      options.importance
          ? (options.importancePerWeight ? rows * rowLength : size_t(rowLength))
          : 0;
  for (size_t i = 0; i < impCount; ++i)
    if (!(options.importance[i] >= 0) || !std::isfinite(options.importance[i]))
      return tensorName + ": importance value " + std::to_string(i) +
             " is negative or not finite";
  // Non-finite weights: the first bad row is named. The legacy Rtn path
  // checks each row as it quantizes it (while it is in cache); the others
  // check every row before writing anything.
  bool legacyRtn = options.method == Method::Rtn && !options.genericOnly &&
                   hasLegacyRtnPath(scheme, rowLength);
  std::atomic<size_t> firstBad{rows};
  auto noteBad = [&](size_t r) {
    size_t cur = firstBad.load();
    while (r < cur && !firstBad.compare_exchange_weak(cur, r)) {
    }
  };
  auto nonFinite = [&]() {
    size_t r = firstBad.load();
    unsigned k = 0;
    while (std::isfinite(x[r * rowLength + k]))
      ++k;
    return tensorName + ": row " + std::to_string(r) + ", column " +
           std::to_string(k) + " holds " +
           (std::isnan(x[r * rowLength + k]) ? "NaN" : "an infinity") +
           "; weights must be finite";
  };
  if (!legacyRtn) {
    parallelFor(rows, options.threads, [&](size_t begin, size_t end) {
      for (size_t r = begin; r < end && r < firstBad.load(); ++r)
        if (!rowIsFinite(x + r * rowLength, rowLength))
          noteBad(r);
    });
    if (firstBad.load() < rows)
      return nonFinite();
  }

  // The first (row, block) whose scale overflows, when not clamping.
  std::atomic<size_t> overflowRow{rows};
  std::atomic<unsigned> overflowBlock{0};
  std::mutex overflowMutex;
  std::atomic<size_t> clamped{0};
  parallelFor(rows, options.threads, [&](size_t begin, size_t end) {
    unsigned cap = std::max(row.full.elems, row.tail.elems);
    std::vector<float> xb(cap), wb(cap), decoded(cap);
    LogicalBlock block;
    for (size_t r = begin; r < end && r < overflowRow.load(); ++r) {
      const float *xr = x + r * rowLength;
      if (legacyRtn) {
        if (!rowIsFinite(xr, rowLength)) {
          noteBad(r);
          continue;
        }
        // A row whose scale overflows takes the generic path, which
        // clamps or reports it (Rtn ignores importance).
        if (quantizeLegacyRtnRow(scheme.format, xr, rowLength,
                                 out + r * row.rowBytes))
          continue;
      }
      const float *ir = nullptr;
      if (options.importance)
        ir = options.importance +
             (options.importancePerWeight ? r * rowLength : 0);
      uint8_t *dst = out + r * row.rowBytes;
      unsigned nblocks = row.fullBlocks + (row.hasTail ? 1 : 0);
      for (unsigned b = 0; b < nblocks; ++b) {
        bool tail = b == row.fullBlocks;
        const BlockLayout &l = tail ? row.tail : row.full;
        unsigned first = b * row.full.elems;
        unsigned valid = tail ? row.tailValid : l.elems;
        std::fill(xb.begin(), xb.end(), 0.0f);
        std::fill(wb.begin(), wb.end(), 0.0f);
        for (unsigned i = 0; i < valid; ++i) {
          xb[i] = xr[first + i];
          wb[i] = ir ? ir[first + i] : 1.0f;
        }
        uint8_t *blockOut = dst + size_t(b) * row.full.bytes;
        if (fitAndEncode(l, options.method, xb.data(), wb.data(), valid, block,
                         blockOut, decoded.data()))
          continue;
        if (options.clampScales) {
          fitClamped(l, options.method, xb, wb.data(), valid, block, blockOut,
                     decoded.data());
          ++clamped;
          continue;
        }
        std::lock_guard<std::mutex> lock(overflowMutex);
        if (r < overflowRow.load()) {
          overflowRow = r;
          overflowBlock = b;
        }
        break;
      }
    }
  });
  // Non-finite weights come before overflowing scales, as on the other
  // paths (which checked every row first): rows after an overflow were
  // not reached.
  if (legacyRtn && overflowRow.load() < rows)
    for (size_t r = 0; r < rows && firstBad.load() == rows; ++r)
      if (!rowIsFinite(x + r * rowLength, rowLength))
        noteBad(r);
  if (firstBad.load() < rows)
    return nonFinite();
  if (stats)
    stats->clampedBlocks = clamped.load();
  if (overflowRow.load() < rows) {
    size_t r = overflowRow.load();
    unsigned first = overflowBlock.load() * row.full.elems;
    unsigned last = std::min(rowLength, first + row.full.elems);
    float largest = 0;
    for (unsigned k = first; k < last; ++k)
      largest = std::max(largest, std::fabs(x[r * rowLength + k]));
    char magnitude[32];
    std::snprintf(magnitude, sizeof magnitude, "%g", double(largest));
    return tensorName + ": row " + std::to_string(r) + ", block " +
           std::to_string(overflowBlock.load()) + " (columns " +
           std::to_string(first) + "-" + std::to_string(last - 1) +
           "): its largest weight, " + magnitude +
           ", needs a block scale beyond the range of " +
           scaleTypeName(scheme.scaleType) +
           "; clamp-scales=true clips such blocks (with a warning)";
  }
  return "";
}

void dequantizeMatrix(const Scheme &scheme, const uint8_t *in, size_t rows,
                      unsigned rowLength, float *out, unsigned threads) {
  const RowLayout row = makeRowLayout(scheme, rowLength);
  parallelFor(rows, threads, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; ++r)
      decodeRow(row, in + r * row.rowBytes, out + r * rowLength);
  });
}

void ErrorAccumulator::add(const float *x, const float *y, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    double e = double(x[i]) - double(y[i]);
    sumSqErr += e * e;
    sumSqX += double(x[i]) * double(x[i]);
    maxAbs = std::max(maxAbs, std::fabs(e));
  }
  count += n;
}

ErrorStats ErrorAccumulator::stats() const {
  ErrorStats s;
  s.rmse = count ? std::sqrt(sumSqErr / double(count)) : 0;
  s.maxAbs = maxAbs;
  s.relative = sumSqX > 0 ? std::sqrt(sumSqErr / sumSqX) : 0;
  return s;
}

ErrorStats measureError(const float *x, const float *y, size_t n) {
  ErrorStats s;
  double se = 0, sx = 0;
  for (size_t i = 0; i < n; ++i) {
    double e = double(x[i]) - double(y[i]);
    se += e * e;
    sx += double(x[i]) * double(x[i]);
    s.maxAbs = std::max(s.maxAbs, std::fabs(e));
  }
  s.rmse = n ? std::sqrt(se / double(n)) : 0;
  s.relative = sx > 0 ? std::sqrt(se / sx) : 0;
  return s;
}

} // namespace lowbit::quant
