//===- Range.h - "a-b" ranges of layers and stories ------------*- C++ -*-===//
#ifndef LOWBIT_CALIBRATION_RANGE_H
#define LOWBIT_CALIBRATION_RANGE_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace lowbit {

/// An inclusive range of indices, as `--layers=0-15` or `--stories=1-23`
/// spell it ("7" is 7-7).
struct IndexRange {
  int64_t first = 0, last = 0;
  bool contains(int64_t i) const { return i >= first && i <= last; }
};

/// "a-b" or "a" with 0 <= a <= b; nullopt for anything else.
inline std::optional<IndexRange> parseIndexRange(llvm::StringRef text) {
  auto [a, b] = text.split('-');
  IndexRange r;
  if (a.getAsInteger(10, r.first) || r.first < 0)
    return std::nullopt;
  r.last = r.first;
  if (text.contains('-') && (b.getAsInteger(10, r.last) || r.last < r.first))
    return std::nullopt;
  return r;
}

} // namespace lowbit

#endif
