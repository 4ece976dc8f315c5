//===- QuantReport.h - Per-weight quantization report -----------*- C++ -*-===//
#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_QUANTREPORT_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_QUANTREPORT_H

#include "lowbit/Quant/Quantizer.h"

#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace lowbit {

struct ReportRow {
  std::string name, shape, scheme;
  size_t weights = 0, bytes = 0;
  quant::ErrorStats error;
  double bitsPerWeight() const { return weights ? 8.0 * bytes / weights : 0; }
};

/// Prints the rows as an aligned table followed by a total line.
void printReportTable(llvm::raw_ostream &os, const std::vector<ReportRow> &rows);

} // namespace lowbit

#endif
