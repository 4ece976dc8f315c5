//===- BudgetSolver.cpp - Schemes per tensor under a size budget ----------===//

#include "lowbit/Dialect/LowBit/Transforms/BudgetSolver.h"
#include "lowbit/Dialect/LowBit/Transforms/ContractionWeight.h"

#include <algorithm>

#include <limits>

namespace lowbit {

namespace {
/// Best option of each item at price `lambda` per byte.
std::vector<size_t> priced(const std::vector<BudgetItem> &items, double lambda,
                           uint64_t &total) {
  std::vector<size_t> choice(items.size());
  total = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    double best = std::numeric_limits<double>::infinity();
    for (size_t o = 0; o < items[i].options.size(); ++o) {
      const BudgetOption &opt = items[i].options[o];
      double cost = opt.error + lambda * double(opt.bytes);
      if (cost < best) {
        best = cost;
        choice[i] = o;
      }
    }
    total += items[i].options[choice[i]].bytes;
  }
  return choice;
}
} // namespace

std::string solveBudgetChoices(const std::vector<BudgetItem> &items,
                               uint64_t budget, std::vector<size_t> &choice) {
  uint64_t smallest = 0;
  for (const BudgetItem &item : items) {
    uint64_t least = std::numeric_limits<uint64_t>::max();
    for (const BudgetOption &o : item.options)
      least = std::min(least, o.bytes);
    smallest += least;
  }
  if (smallest > budget)
    return "the budget of " + std::to_string(budget) +
           " bytes is below the smallest candidates' " +
           std::to_string(smallest) + " bytes";
  // Bisection on the price: a high price picks small options.
  double lo = 0, hi = 1;
  uint64_t total;
  while (priced(items, hi, total), total > budget)
    hi *= 4;
  choice = priced(items, 0, total);
  if (total > budget) {
    for (int it = 0; it < 100; ++it) {
      double mid = 0.5 * (lo + hi);
      priced(items, mid, total);
      (total > budget ? lo : hi) = mid;
    }
    choice = priced(items, hi, total);
  }
  // Spend what is left: the upgrade saving most error per extra byte.
  for (;;) {
    double bestGain = 0;
    size_t bestItem = 0, bestOption = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      const BudgetOption &cur = items[i].options[choice[i]];
      for (size_t o = 0; o < items[i].options.size(); ++o) {
        const BudgetOption &opt = items[i].options[o];
        if (opt.error >= cur.error)
          continue;
        uint64_t extra = opt.bytes > cur.bytes ? opt.bytes - cur.bytes : 0;
        if (total - cur.bytes + opt.bytes > budget)
          continue;
        double gain =
            (cur.error - opt.error) / double(std::max<uint64_t>(extra, 1));
        if (gain > bestGain) {
          bestGain = gain;
          bestItem = i;
          bestOption = o;
        }
      }
    }
    if (bestGain <= 0)
      break;
    total = total - items[bestItem].options[choice[bestItem]].bytes +
            items[bestItem].options[bestOption].bytes;
    choice[bestItem] = bestOption;
  }
  return "";
}

std::string measureSquaredError(const quant::Scheme &scheme,
                                quant::Method method, const WeightRows &source,
                                int64_t rows, int64_t rowLength,
                                const std::string &name,
                                const float *importance, double &error) {
  size_t k = size_t(rowLength), rowBytes = quant::rowBytes(scheme, unsigned(k));
  size_t chunk = std::max<size_t>(1, (size_t(4) << 20) / k);
  std::vector<float> values(std::min(chunk, size_t(rows)) * k),
      decoded(values.size());
  std::vector<uint8_t> packed(std::min(chunk, size_t(rows)) * rowBytes);
  quant::QuantOptions options;
  options.method = method;
  options.importance = importance;
  error = 0;
  double energy = 0;
  for (size_t first = 0; first < size_t(rows); first += chunk) {
    size_t count = std::min(chunk, size_t(rows) - first);
    source.read(first, count, values.data());
    std::string err =
        quant::quantizeMatrix(scheme, values.data(), count, unsigned(k),
                              packed.data(), options, name);
    if (!err.empty())
      return err;
    quant::dequantizeMatrix(scheme, packed.data(), count, unsigned(k),
                            decoded.data());
    for (size_t i = 0; i < count * k; ++i) {
      double w = importance ? double(importance[i % k]) : 1.0;
      double d = double(values[i]) - double(decoded[i]);
      error += w * d * d;
      energy += w * double(values[i]) * double(values[i]);
    }
  }
  // Relative error times the number of weights: scale-free across tensors
  // (raw squared error starves tensors whose weights are small).
  if (energy > 0)
    error = error / energy * double(rows) * double(k);
  return "";
}

} // namespace lowbit
