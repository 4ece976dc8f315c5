//===- ActivationRecorder.cpp - Activation statistics at run time ---------===//

#include "lowbit/Calibration/ActivationRecorder.h"
#include "lowbit/Model/Gguf.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace lowbit {

namespace {

/// g += x xᵀ on the upper triangle (row i holds columns i..k-1).
void accumulateGram(double *g, const float *x, int64_t k) {
  for (int64_t i = 0; i < k; ++i) {
    double xi = x[i];
    double *gi = g;
    const float *xj = x + i;
    int64_t n = k - i;
#pragma clang loop vectorize(enable)
    for (int64_t j = 0; j < n; ++j)
      gi[j] += xi * double(xj[j]);
    g += n;
  }
}

/// The recorder compiled code feeds; calls come from the thread that runs
/// the forward pass, between (not inside) parallel kernels.
ActivationRecorder *active = nullptr;

/// MLIR's C interface for memref<*xf32>: the rank and a pointer to the
/// ranked descriptor {allocated, aligned, offset, sizes[rank],
/// strides[rank]}.
struct UnrankedMemRef {
  int64_t rank;
  void *descriptor;
};

} // namespace

extern "C" void _mlir_ciface_lowbit_record_activations(int64_t id,
                                                        UnrankedMemRef *m) {
  if (!active || !m || m->rank < 1)
    return;
  auto *d = static_cast<char *>(m->descriptor);
  float *aligned;
  int64_t offset;
  std::memcpy(&aligned, d + sizeof(void *), sizeof aligned);
  std::memcpy(&offset, d + 2 * sizeof(void *), sizeof offset);
  const int64_t *sizes =
      reinterpret_cast<const int64_t *>(d + 2 * sizeof(void *) + 8);
  const int64_t *strides = sizes + m->rank;
  int64_t k = sizes[m->rank - 1], rows = 1;
  for (int64_t i = 0; i + 1 < m->rank; ++i)
    rows *= sizes[i];
  // Rows of a contiguous [..., K] buffer; the importer's activations are.
  int64_t rowStride = m->rank >= 2 ? strides[m->rank - 2] : k;
  if (strides[m->rank - 1] != 1)
    return;
  active->record(id, aligned + offset, rows, rowStride, k);
}

void *ActivationRecorder::hookAddress() {
  return reinterpret_cast<void *>(&_mlir_ciface_lowbit_record_activations);
}

void ActivationRecorder::reset(std::vector<std::vector<std::string>> groups,
                               bool gram) {
  groups_ = std::move(groups);
  gram_ = gram;
  stats_.assign(groups_.size(), ColumnStats());
  error_.clear();
}

void ActivationRecorder::activate() { active = this; }
void ActivationRecorder::deactivate() {
  if (active == this)
    active = nullptr;
}

void ActivationRecorder::record(int64_t id, const float *x, int64_t rows,
                                int64_t rowStride, int64_t k) {
  if (id < 0 || size_t(id) >= stats_.size()) {
    error_ = "compiled code recorded unknown id " + std::to_string(id);
    return;
  }
  ColumnStats &s = stats_[size_t(id)];
  if (s.sumSquares.empty()) {
    s.sumSquares.assign(size_t(k), 0.0);
    s.sumAbs.assign(size_t(k), 0.0);
    s.maxAbs.assign(size_t(k), 0.0f);
    if (gram_)
      s.gram.assign(size_t(k) * size_t(k + 1) / 2, 0.0);
  } else if (int64_t(s.sumSquares.size()) != k) {
    error_ = "'" + groups_[size_t(id)][0] + "' was recorded with rows of " +
             std::to_string(s.sumSquares.size()) + " and of " +
             std::to_string(k);
    return;
  }
  for (int64_t r = 0; r < rows; ++r) {
    const float *row = x + r * rowStride;
    for (int64_t c = 0; c < k; ++c) {
      double v = row[c];
      s.sumSquares[size_t(c)] += v * v;
      s.sumAbs[size_t(c)] += std::fabs(v);
      s.maxAbs[size_t(c)] = std::max(s.maxAbs[size_t(c)], std::fabs(row[c]));
    }
    if (gram_)
      accumulateGram(s.gram.data(), row, k);
  }
  s.rows += uint64_t(rows);
}

std::string ActivationRecorder::writeGguf(const std::string &path,
                                          const CalibrationInfo &info) {
  using namespace model;
  std::vector<std::pair<std::string, GgufValue>> metadata = {
      {"general.type", GgufValue::ofString("imatrix")},
      {"imatrix.datasets",
       GgufValue::ofArray(GgufType::String,
                          {GgufValue::ofString(info.dataset)})},
      {"imatrix.chunk_count", GgufValue::ofU32(uint32_t(info.chunks))},
      {"imatrix.chunk_size", GgufValue::ofU32(uint32_t(info.chunkSize))},
      {"lowbit.calibration.statistics",
       GgufValue::ofString("in_sum2 (llama.cpp), lowbit.sum_abs, "
                           "lowbit.max_abs per input column")}};
  std::vector<GgufWriterTensor> tensors;
  auto floats = [](const std::vector<float> &v) {
    std::vector<uint8_t> bytes(v.size() * 4);
    std::memcpy(bytes.data(), v.data(), bytes.size());
    return bytes;
  };
  auto add = [&](const std::string &name, const std::vector<float> &values) {
    GgufWriterTensor t;
    t.name = name;
    t.dims = {int64_t(values.size())};
    t.type = uint32_t(GgmlType::F32);
    t.data = floats(values);
    tensors.push_back(std::move(t));
  };
  std::vector<GgufValue> gramInputs;
  for (size_t i = 0; i < groups_.size(); ++i) {
    ColumnStats &s = stats_[i];
    if (!s.rows)
      continue; // never reached (outside --layers)
    std::vector<float> sum2(s.sumSquares.begin(), s.sumSquares.end()),
        sumAbs(s.sumAbs.begin(), s.sumAbs.end());
    // llama.cpp expects every weight's own entry, shared input or not.
    for (const std::string &name : groups_[i]) {
      add(name + ".in_sum2", sum2);
      add(name + ".counts", {float(s.rows)});
      add(name + ".lowbit.sum_abs", sumAbs);
      add(name + ".lowbit.max_abs", s.maxAbs);
    }
    if (!s.gram.empty()) {
      std::vector<float> upper(s.gram.begin(), s.gram.end());
      std::vector<double>().swap(s.gram); // float64 copy no longer needed
      add(groups_[i][0] + ".lowbit.gram", upper);
      std::string members;
      for (const std::string &name : groups_[i])
        members += (members.empty() ? "" : " ") + name;
      gramInputs.push_back(GgufValue::ofString(members));
    }
  }
  if (!gramInputs.empty()) {
    metadata.emplace_back(
        "lowbit.gram.layout",
        GgufValue::ofString("XᵀX of an input of K columns, f32, upper "
                            "triangle row by row: (i, j >= i) at "
                            "i*K - i*(i-1)/2 + (j-i); stored once under the "
                            "first weight of each lowbit.gram.inputs entry"));
    metadata.emplace_back("lowbit.gram.inputs",
                          GgufValue::ofArray(GgufType::String, gramInputs));
  }
  if (tensors.empty())
    return "nothing was recorded";
  return model::writeGguf(path, metadata, tensors, 32);
}

} // namespace lowbit
