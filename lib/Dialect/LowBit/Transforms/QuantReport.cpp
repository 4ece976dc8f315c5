//===- QuantReport.cpp - Per-weight quantization table --------------------===//

#include "lowbit/Dialect/LowBit/Transforms/QuantReport.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <cmath>

namespace lowbit {

void printReportTable(llvm::raw_ostream &os, const std::vector<ReportRow> &rows,
                      const ReportSummary &summary) {
  size_t totalWeights = 0, totalBytes = 0;
  for (const ReportRow &r : rows)
    totalWeights += r.weights, totalBytes += r.bytes;
  // At least as wide as the headers, or "shape" runs into "scheme".
  size_t nameWidth = 6,
         shapeWidth = std::max<size_t>(5, std::to_string(totalWeights).size() + 2),
         schemeWidth =
             std::max<size_t>(6, std::to_string(totalBytes).size() + 2);
  for (const ReportRow &r : rows) {
    nameWidth = std::max(nameWidth, r.name.size());
    shapeWidth = std::max(shapeWidth, r.shape.size());
    schemeWidth = std::max(schemeWidth, r.scheme.size());
  }
  auto pad = [&](const std::string &s, size_t w) {
    os << s << std::string(w - s.size() + 2, ' ');
  };
  pad("tensor", nameWidth);
  pad("shape", shapeWidth);
  pad("scheme", schemeWidth);
  os << "      bpw        rmse     max_err   rel_err\n";
  size_t weights = 0, bytes = 0, measured = 0;
  double sumSq = 0, maxErr = 0;
  for (const ReportRow &r : rows) {
    pad(r.name, nameWidth);
    pad(r.shape, shapeWidth);
    pad(r.scheme, schemeWidth);
    if (r.weights)
      os << llvm::format("%9.4f", r.bitsPerWeight());
    else
      os << "        -"; // a float weight: not part of the totals
    weights += r.weights;
    bytes += r.bytes;
    if (!r.note.empty()) {
      os << "  " << r.note << "\n";
      continue;
    }
    os << llvm::format("  %10.3e  %10.3e  %8.5f\n", r.error.rmse,
                       r.error.maxAbs, r.error.relative);
    measured += r.weights;
    sumSq += r.error.rmse * r.error.rmse * double(r.weights);
    maxErr = std::max(maxErr, r.error.maxAbs);
  }
  pad("total", nameWidth);
  pad(std::to_string(weights) + " w", shapeWidth);
  pad(std::to_string(bytes) + " B", schemeWidth);
  os << llvm::format("%9.4f  %10.3e  %10.3e\n",
                     weights ? 8.0 * bytes / weights : 0.0,
                     measured ? std::sqrt(sumSq / measured) : 0.0, maxErr);
  os << llvm::format("model: %llu quantized weights in %llu bytes (%.4f "
                     "bits/weight), %llu float weights in %llu bytes; whole "
                     "model %.4f bits/weight; quantized in %.2f s\n",
                     (unsigned long long)summary.quantizedWeights,
                     (unsigned long long)summary.quantizedBytes,
                     summary.quantizedBpw(),
                     (unsigned long long)summary.floatWeights,
                     (unsigned long long)summary.floatBytes, summary.modelBpw(),
                     summary.seconds);
}

/// A JSON number, or null where JSON has no number (NaN, infinity).
static llvm::json::Value number(double x) {
  if (!std::isfinite(x))
    return nullptr;
  return x;
}

void printReportJson(llvm::raw_ostream &os, const std::vector<ReportRow> &rows,
                     const ReportSummary &summary) {
  llvm::json::OStream j(os, 2);
  j.object([&] {
    j.attributeArray("tensors", [&] {
      for (const ReportRow &r : rows)
        j.object([&] {
          j.attribute("name", r.name);
          j.attribute("shape", r.shape);
          j.attribute("scheme", r.scheme);
          j.attribute("weights", int64_t(r.weights));
          j.attribute("bytes", int64_t(r.bytes));
          if (r.weights)
            j.attribute("bits_per_weight", number(r.bitsPerWeight()));
          if (!r.note.empty()) {
            j.attribute("note", r.note);
            return;
          }
          j.attribute("rmse", number(r.error.rmse));
          j.attribute("max_abs_error", number(r.error.maxAbs));
          j.attribute("relative_error", number(r.error.relative));
        });
    });
    j.attributeObject("summary", [&] {
      j.attribute("quantized_weights", int64_t(summary.quantizedWeights));
      j.attribute("quantized_bytes", int64_t(summary.quantizedBytes));
      j.attribute("quantized_bits_per_weight", number(summary.quantizedBpw()));
      j.attribute("float_weights", int64_t(summary.floatWeights));
      j.attribute("float_bytes", int64_t(summary.floatBytes));
      j.attribute("model_bits_per_weight", number(summary.modelBpw()));
      j.attribute("seconds", number(summary.seconds));
    });
  });
  os << "\n";
}

} // namespace lowbit
