//===- TargetMachine.h - LLVM target machines from llc spellings -*- C++
//-*-===//
#ifndef LOWBIT_CODEGEN_TARGETMACHINE_H
#define LOWBIT_CODEGEN_TARGETMACHINE_H

#include "lowbit/Codegen/Targets.h"

#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace lowbit::codegen {

/// A target machine for `triple` (default: the host), `cpu` ("" = the
/// host's CPU for the host triple, else "generic", "native" = the host's)
/// and `features` ("+avx512vnni,-avx2", as llc's -mattr). Unknown triples,
/// CPUs and features are errors, never silently ignored.
std::unique_ptr<llvm::TargetMachine>
createTargetMachine(std::string triple, std::string cpu,
                    const std::string &features, std::string &error);

/// The machine this runs on, with the features the host reports (which a
/// virtual machine may narrow below what its CPU model implies): what a
/// JIT compiles for.
std::unique_ptr<llvm::TargetMachine>
createHostTargetMachine(std::string &error);

/// True when `tm` is `desc`'s architecture and has all its features.
bool runsOn(const TargetDesc &desc, const llvm::TargetMachine &tm);

/// The most capable table entry whose LLVM features `tm` has, or null.
const TargetDesc *selectTarget(const llvm::TargetMachine &tm);

} // namespace lowbit::codegen

#endif
