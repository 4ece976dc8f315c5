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
  /// Set for weights this pass did not quantize (kept as they arrived, or
  /// left float with the reason): printed instead of error figures.
  std::string note;
  double bitsPerWeight() const { return weights ? 8.0 * bytes / weights : 0; }
};

/// Whole-model figures read back from the IR after quantization.
struct ReportSummary {
  uint64_t quantizedWeights = 0, quantizedBytes = 0; ///< all packed weights
  uint64_t floatWeights = 0, floatBytes = 0;         ///< named float weights
  double seconds = 0;
  double quantizedBpw() const {
    return quantizedWeights ? 8.0 * double(quantizedBytes) / quantizedWeights
                            : 0;
  }
  double modelBpw() const {
    uint64_t w = quantizedWeights + floatWeights;
    return w ? 8.0 * double(quantizedBytes + floatBytes) / double(w) : 0;
  }
};

/// An aligned table of the rows quantized now, a total line, and the
/// summary.
void printReportTable(llvm::raw_ostream &os, const std::vector<ReportRow> &rows,
                      const ReportSummary &summary);
/// The same as JSON: {"tensors": [...], "summary": {...}}. Always valid
/// JSON: a non-finite figure is null.
void printReportJson(llvm::raw_ostream &os, const std::vector<ReportRow> &rows,
                     const ReportSummary &summary);

} // namespace lowbit

#endif
