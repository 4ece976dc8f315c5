//===- BudgetSolver.h - Schemes per tensor under a size budget --*- C++ -*-===//
#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_BUDGETSOLVER_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_BUDGETSOLVER_H

#include "lowbit/Quant/Quantizer.h"

#include <string>
#include <vector>

namespace lowbit {

struct BudgetOption {
  uint64_t bytes = 0;
  double error = 0; ///< total squared error of the decoded tensor
};

struct BudgetItem {
  std::string name;
  std::vector<BudgetOption> options;
};

/// Picks one option per item minimising the summed error with total bytes
/// <= budget: Lagrangian relaxation (bisection on the price of a byte),
/// then greedy upgrades by error saved per extra byte while they fit.
/// Returns an error when even the smallest options exceed the budget.
std::string solveBudgetChoices(const std::vector<BudgetItem> &items,
                               uint64_t budget, std::vector<size_t> &choice);

class WeightRows;

/// Quantizes the weight (rows x rowLength, read in row chunks) in `scheme`
/// and sets `error` to the total squared error of the decoded result, each
/// column weighted by `importance` when given (and quantized with it).
std::string measureSquaredError(const quant::Scheme &scheme,
                                quant::Method method, const WeightRows &source,
                                int64_t rows, int64_t rowLength,
                                const std::string &name,
                                const float *importance, double &error);

} // namespace lowbit

#endif
