//===- TargetSelection.h - LLVM target machines from llc spellings -*- C++ -*-===//
#ifndef LOWBIT_TOOLS_LOWBIT_COMPILE_TARGETSELECTION_H
#define LOWBIT_TOOLS_LOWBIT_COMPILE_TARGETSELECTION_H

#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace lowbit {

/// A target machine for `triple` (default: the host), `cpu` ("" = the
/// host's CPU for the host triple, else "generic", "native" = the host's)
/// and `features` ("+avx512vnni,-avx2", as llc's -mattr). Unknown triples,
/// CPUs and features are errors, never silently ignored.
std::unique_ptr<llvm::TargetMachine>
selectTarget(std::string triple, std::string cpu, const std::string &features,
             std::string &error);

} // namespace lowbit

#endif
