//===- Imatrix.h - llama.cpp importance matrices ----------------*- C++ -*-===//
//
// Reads the GGUF imatrix llama-imatrix writes: for each weight W, tensors
// `W.in_sum2` (sum over calibration tokens of each input column's squared
// activation) and `W.counts` (tokens seen). The importance of column k is
// in_sum2[k] / counts, the mean squared activation llama.cpp's weighted
// quantizers use.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_MODEL_IMATRIX_H
#define LOWBIT_MODEL_IMATRIX_H

#include <map>
#include <string>
#include <vector>

namespace lowbit::model {

using ImportanceMap = std::map<std::string, std::vector<float>>;

/// Returns an empty string or an error naming the file and entry.
std::string readImatrix(const std::string &path, ImportanceMap &out);

} // namespace lowbit::model

#endif
