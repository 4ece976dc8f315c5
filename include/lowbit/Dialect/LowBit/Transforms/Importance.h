//===- Importance.h - Per-weight importance for the passes -----*- C++ -*-===//
#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_IMPORTANCE_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_IMPORTANCE_H

#include "lowbit/Model/Imatrix.h"

namespace lowbit {

/// The per-column importance of weight `name` (rows of `rowLength`), or
/// nullptr when the imatrix has no entry; sets `error` when it has one of
/// the wrong length.
inline const float *findImportance(const model::ImportanceMap &m,
                                   const std::string &name, int64_t rowLength,
                                   std::string &error) {
  auto it = m.find(name);
  if (it == m.end())
    return nullptr;
  if (int64_t(it->second.size()) != rowLength) {
    error = "imatrix entry '" + name + "' has " +
            std::to_string(it->second.size()) + " columns, the weight's rows " +
            std::to_string(rowLength);
    return nullptr;
  }
  return it->second.data();
}

} // namespace lowbit

#endif
