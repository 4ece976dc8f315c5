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
  // Cholesky, row by row: A = L Lᵀ.
  for (size_t r = 0; r < n; ++r) {
    double *lr = &a[r * n];
    for (size_t c = 0; c < r; ++c) {
      const double *lc = &a[c * n];
      lr[c] = (lr[c] - dot(lr, lc, c)) / lc[c];
    }
    double pivot = lr[r] - dot(lr, lr, r);
    if (!(pivot > 0) || !std::isfinite(pivot))
      return "the Gram matrix is not positive definite after damping (damp " +
             std::to_string(options.damp) + "); raise the damping";
    lr[r] = std::sqrt(pivot);
  }
  // L⁻¹ in place, row by row: row r = (e_r - Σ_{c<r} L[r][c] row c) / L[r][r]
  // (rows above r already hold rows of L⁻¹).
  std::vector<double> row(n);
  for (size_t r = 0; r < n; ++r) {
    double *lr = &a[r * n];
    std::fill(row.begin(), row.begin() + r + 1, 0.0);
    row[r] = 1;
    for (size_t c = 0; c < r; ++c) {
      double f = lr[c];
      if (f == 0)
        continue;
      const double *xc = &a[c * n];
      for (size_t t = 0; t <= c; ++t)
        row[t] -= f * xc[t];
    }
    double inv = 1 / lr[r];
    for (size_t t = 0; t <= r; ++t)
      lr[t] = row[t] * inv;
  }
  // U[p][q] = L⁻¹[K-1-p][K-1-q] for p <= q.
  out.u.assign(n * n, 0.0f);
  for (size_t p = 0; p < n; ++p)
    for (size_t q = p; q < n; ++q)
      out.u[p * n + q] = float(a[(n - 1 - p) * n + (n - 1 - q)]);
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
