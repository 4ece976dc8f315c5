//===- BudgetSolverTest.cpp - Choosing schemes under a byte budget --------===//

#include "lowbit/Dialect/LowBit/Transforms/BudgetSolver.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace lowbit;

namespace {
/// Exhaustive optimum for small problems.
double bruteForce(const std::vector<BudgetItem> &items, uint64_t budget) {
  double best = 1e300;
  std::vector<size_t> c(items.size(), 0);
  for (;;) {
    uint64_t bytes = 0;
    double err = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      bytes += items[i].options[c[i]].bytes;
      err += items[i].options[c[i]].error;
    }
    if (bytes <= budget)
      best = std::min(best, err);
    size_t i = 0;
    while (i < c.size() && ++c[i] == items[i].options.size())
      c[i++] = 0;
    if (i == c.size())
      return best;
  }
}
} // namespace

TEST(BudgetSolver, StaysWithinBudgetAndNearTheOptimum) {
  // Each tensor: bits b in {2..8}, bytes ~ size*b, error ~ scale*4^-b.
  std::vector<BudgetItem> items;
  uint64_t sizes[] = {100, 300, 50, 800, 120, 60};
  double scales[] = {1, 5, 0.5, 2, 10, 1};
  for (int t = 0; t < 6; ++t) {
    BudgetItem item;
    for (int b = 2; b <= 8; b += 2)
      item.options.push_back({sizes[t] * b, scales[t] * std::pow(4.0, -b)});
    items.push_back(item);
  }
  for (uint64_t budget : {3000u, 4500u, 6000u, 9000u}) {
    std::vector<size_t> choice;
    ASSERT_EQ(solveBudgetChoices(items, budget, choice), "");
    uint64_t bytes = 0;
    double err = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      bytes += items[i].options[choice[i]].bytes;
      err += items[i].options[choice[i]].error;
    }
    EXPECT_LE(bytes, budget);
    EXPECT_LE(err, 1.25 * bruteForce(items, budget)) << budget;
  }
}

TEST(BudgetSolver, RejectsImpossibleBudgets) {
  std::vector<BudgetItem> items = {{"a", {{100, 1}, {200, 0.5}}},
                                   {"b", {{50, 1}, {90, 0.1}}}};
  std::vector<size_t> choice;
  EXPECT_EQ(solveBudgetChoices(items, 149, choice),
            "the budget of 149 bytes is below the smallest candidates' 150 "
            "bytes");
  ASSERT_EQ(solveBudgetChoices(items, 290, choice), "");
  EXPECT_EQ(choice, (std::vector<size_t>{1, 1}));
}
