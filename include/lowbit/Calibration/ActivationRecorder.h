//===- ActivationRecorder.h - Activation statistics at run time -*- C++ -*-===//
//
// Compiled code instrumented by lowbit-instrument-activations calls
// `_mlir_ciface_lowbit_record_activations(id, rows)` before each recorded
// contraction; the active recorder accumulates, per id (a weight), per
// input column: the sum of squares, the sum of magnitudes (both in float64)
// and the largest magnitude, and the number of rows (tokens); on request
// the input's Gram matrix XᵀX (float64, upper triangle). An id stands for
// one distinct input, shared by the weights that multiply it (q/k/v). It
// writes them as a calibration file llama.cpp reads (imatrix GGUF) with
// lowbit's extra statistics beside them.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_CALIBRATION_ACTIVATIONRECORDER_H
#define LOWBIT_CALIBRATION_ACTIVATIONRECORDER_H

#include <cstdint>
#include <string>
#include <vector>

namespace lowbit {

struct ColumnStats {
  std::vector<double> sumSquares, sumAbs;
  std::vector<float> maxAbs;
  std::vector<double> gram; ///< upper triangle, row by row, when asked
  uint64_t rows = 0;        ///< tokens seen
};

/// What the file says about how the statistics were collected.
struct CalibrationInfo {
  std::string dataset; ///< the text's file name
  int64_t chunks = 0, chunkSize = 0;
};

class ActivationRecorder {
public:
  /// The external function the instrumented IR calls (its C interface is
  /// `_mlir_ciface_` + this).
  static constexpr const char *kHookName = "lowbit_record_activations";
  /// The address of that C interface function, for the JIT's symbol map.
  static void *hookAddress();

  /// One entry per record id: the names of the weights sharing that input;
  /// `gram`: also accumulate XᵀX (K(K+1)/2 doubles per input).
  void reset(std::vector<std::vector<std::string>> groups, bool gram);
  /// Makes this recorder the one compiled code feeds (one at a time).
  void activate();
  void deactivate();

  /// `rows` rows of `k` floats, row r at x + r * rowStride.
  void record(int64_t id, const float *x, int64_t rows, int64_t rowStride,
              int64_t k);
  /// Set when compiled code reported an id or width that does not match.
  const std::string &error() const { return error_; }

  const std::vector<std::vector<std::string>> &groups() const {
    return groups_;
  }
  const std::vector<ColumnStats> &stats() const { return stats_; }

  /// The imatrix GGUF: `<w>.in_sum2` and `<w>.counts` with llama.cpp's
  /// metadata, plus `<w>.lowbit.sum_abs` and `<w>.lowbit.max_abs` for every
  /// weight, and `<first>.lowbit.gram` (f32 upper triangle) once per
  /// input, with `lowbit.gram.inputs` naming the weights that share it.
  /// Gram storage is released as it is written.
  std::string writeGguf(const std::string &path, const CalibrationInfo &info);

private:
  std::vector<std::vector<std::string>> groups_;
  bool gram_ = false;
  std::vector<ColumnStats> stats_;
  std::string error_;
};

} // namespace lowbit

#endif
