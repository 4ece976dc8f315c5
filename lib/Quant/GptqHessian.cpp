//===- GptqHessian.cpp - H = XᵀX + λI, and the Cholesky factor of H⁻¹ -----===//
//
// The upper Cholesky factor U of H⁻¹ (H⁻¹ = UᵀU) without forming H⁻¹:
// with J the reversal, chol(J H J) = L gives H = R Rᵀ for the upper
// triangular R = J L J, so H⁻¹ = (R⁻¹)ᵀ R⁻¹ and U = R⁻¹ = J L⁻¹ J. One
// Cholesky and one triangular inverse, both row-oriented (contiguous inner
// loops), in float64, in one K x K buffer.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Quant/Gptq.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lowbit::quant {

namespace {

/// Offset of row i in the packed upper triangle.
size_t rowStart(size_t i, size_t k) { return i * k - i * (i - 1) / 2; }

double dot(const double *a, const double *b, size_t n) {
  // Four partial sums: independent chains the CPU can overlap.
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; ++i)
    s0 += a[i] * b[i];
  return (s0 + s1) + (s2 + s3);
}

/// y[0..n) -= f * x[0..n).
void subtractScaled(double *y, const double *x, double f, size_t n) {
  for (size_t i = 0; i < n; ++i)
    y[i] -= f * x[i];
}

/// Rows [first, first + count) visited so that contiguous chunks mix
/// short and long rows (row r of a triangle costs about r).
size_t interleaved(size_t i, size_t first, size_t count) {
  return i % 2 == 0 ? first + i / 2 : first + count - 1 - i / 2;
}

constexpr size_t kBlock = 64;

/// Blocked right-looking Cholesky of the lower triangle of `a` (n x n,
/// row-major), in place: per block of 64 columns, the diagonal block, the
/// panel below it (rows on threads) and the trailing update (rows on
/// threads), so each pass over the trailing triangle does 64 multiply-adds
/// per element. False when a pivot is not positive.
bool choleskyInPlace(std::vector<double> &a, size_t n, unsigned threads) {
  for (size_t j0 = 0; j0 < n; j0 += kBlock) {
    size_t j1 = std::min(n, j0 + kBlock);
    for (size_t r = j0; r < j1; ++r) {
      double *lr = &a[r * n];
      for (size_t c = j0; c < r; ++c) {
        const double *lc = &a[c * n];
        lr[c] = (lr[c] - dot(lr + j0, lc + j0, c - j0)) / lc[c];
      }
      double pivot = lr[r] - dot(lr + j0, lr + j0, r - j0);
      if (!(pivot > 0) || !std::isfinite(pivot))
        return false;
      lr[r] = std::sqrt(pivot);
    }
    if (j1 == n)
      break;
    size_t below = n - j1;
    parallelFor(below, threads, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        double *lr = &a[(j1 + i) * n];
        for (size_t c = j0; c < j1; ++c) {
          const double *lc = &a[c * n];
          lr[c] = (lr[c] - dot(lr + j0, lc + j0, c - j0)) / lc[c];
        }
      }
    });
    parallelFor(below, threads, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        size_t r = interleaved(i, j1, below);
        double *lr = &a[r * n];
        for (size_t c = j1; c <= r; ++c)
          lr[c] -= dot(lr + j0, &a[c * n] + j0, j1 - j0);
      }
    });
  }
  return true;
}

/// U[p][q] = L⁻¹[n-1-p][n-1-q] (p <= q), L the lower triangle of `a`.
/// L⁻¹ is solved 64 columns at a time (forward substitution with 64
/// right-hand sides, rows contiguous), column blocks on threads.
void invertIntoU(const std::vector<double> &a, size_t n, unsigned threads,
                 std::vector<float> &u) {
  size_t blocks = (n + kBlock - 1) / kBlock;
  parallelFor(blocks, threads, [&](size_t begin, size_t end) {
    std::vector<double> x;
    for (size_t bi = begin; bi < end; ++bi) {
      size_t t0 = interleaved(bi, 0, blocks) * kBlock;
      size_t w = std::min(kBlock, n - t0);
      x.assign((n - t0) * w, 0.0); // rows t0..n-1 of the column block
      for (size_t r = t0; r < n; ++r) {
        double *xr = &x[(r - t0) * w];
        if (r < t0 + w)
          xr[r - t0] = 1;
        const double *lr = &a[r * n];
        for (size_t c = t0; c < r; ++c)
          if (lr[c] != 0)
            subtractScaled(xr, &x[(c - t0) * w], lr[c], w);
        double inv = 1 / lr[r];
        for (size_t t = 0; t < w; ++t)
          xr[t] *= inv;
        for (size_t t = 0; t < w && t0 + t <= r; ++t)
          u[(n - 1 - r) * n + (n - 1 - (t0 + t))] = float(xr[t]);
      }
    }
  });
}

} // namespace

std::string prepareGptq(const float *g, unsigned k, const GptqOptions &options,
                        GptqHessian &out, const std::vector<unsigned> &silent) {
  if (k == 0)
    return "the Gram matrix is empty";
  if (!(options.damp >= 0) || !std::isfinite(options.damp))
    return "damp must be a finite, non-negative fraction";
  size_t n = k;
  for (size_t i = 0; i < n * (n + 1) / 2; ++i)
    if (!std::isfinite(g[i]))
      return "the Gram matrix holds a non-finite value";

  out.k = k;
  out.actOrder = options.actOrder;
  out.blockColumns = options.blockColumns;
  out.dead.assign(n, 0);
  for (unsigned c : silent) {
    if (c >= k)
      return "silent column " + std::to_string(c) + " is outside the " +
             std::to_string(k) + " columns";
    out.dead[c] = 1;
  }
  std::vector<double> diag(n);
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    double h = g[rowStart(i, n)];
    if (out.dead[i] || !(h > 0)) {
      out.dead[i] = 1; // no input reached it: GPTQ's H_ii = 1, w = 0
      h = 1;
    }
    diag[i] = h;
    sum += h;
  }
  double lambda = options.damp * sum / double(n);
  out.importance.resize(n);
  for (size_t i = 0; i < n; ++i) {
    diag[i] += lambda;
    out.importance[i] = float(diag[i]);
  }
  out.order.resize(n);
  std::iota(out.order.begin(), out.order.end(), 0u);
  if (options.actOrder)
    std::sort(out.order.begin(), out.order.end(), [&](unsigned a, unsigned b) {
      return diag[a] != diag[b] ? diag[a] > diag[b] : a < b; // ties: in order
    });

  // A = J P H Pᵀ J (lower triangle): A[a][b] = H[c(a)][c(b)], c(a) the
  // column at processing position K-1-a. Dead columns keep only their
  // diagonal.
  auto column = [&](size_t a) { return out.order[n - 1 - a]; };
  std::vector<double> a(n * n);
  for (size_t r = 0; r < n; ++r) {
    size_t i = column(r);
    for (size_t c = 0; c <= r; ++c) {
      size_t j = column(c);
      double v;
      if (i == j)
        v = diag[i];
      else if (out.dead[i] || out.dead[j])
        v = 0;
      else
        v = g[rowStart(std::min(i, j), n) + (std::max(i, j) - std::min(i, j))];
      a[r * n + c] = v;
    }
  }
  if (!choleskyInPlace(a, n, options.threads))
    return "the Gram matrix is not positive definite after damping (damp " +
           std::to_string(options.damp) + "); raise the damping";
  out.u.assign(n * n, 0.0f);
  invertIntoU(a, n, options.threads, out.u);
  return "";
}

double gptqObjective(const float *g, const float *x, const float *y,
                     size_t rows, unsigned rowLength) {
  size_t n = rowLength;
  std::vector<double> d(n);
  double total = 0;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t i = 0; i < n; ++i)
      d[i] = double(x[r * n + i]) - double(y[r * n + i]);
    for (size_t i = 0; i < n; ++i) {
      const float *hi = g + rowStart(i, n);
      double s = 0;
      for (size_t j = i + 1; j < n; ++j)
        s += double(hi[j - i]) * d[j];
      total += d[i] * (double(hi[0]) * d[i] + 2 * s);
    }
  }
  return total;
}

} // namespace lowbit::quant
