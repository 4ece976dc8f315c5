//===- ThreadsOption.h - One rule for thread counts in every tool -*- C++ -*-===//
//
// lowbit's rule: quantization threads are the passes' `threads=` option
// (0 = all cores, at most 256; results never depend on it), and compiled
// kernels run on OpenMP threads (OMP_NUM_THREADS). No tool has a
// `--threads` option. LLVM registers one of its own (for ThinLTO) that did
// nothing here but was listed in every tool's help: it is hidden, and giving
// it is an error instead of being silently ignored.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_TOOLS_THREADSOPTION_H
#define LOWBIT_TOOLS_THREADSOPTION_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace lowbit {

/// Call first in main(). Returns true (after one error line) when the
/// command line gives LLVM's --threads.
inline bool refuseLLVMThreadsOption(int argc, char **argv) {
  if (llvm::cl::Option *o = llvm::cl::getRegisteredOptions().lookup("threads"))
    o->setHiddenFlag(llvm::cl::ReallyHidden);
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg(argv[i]);
    if (arg == "--")
      break;
    if (!arg.consume_front("-"))
      continue;
    arg.consume_front("-");
    if (arg == "threads" || arg.starts_with("threads=")) {
      llvm::errs() << llvm::sys::path::filename(argv[0])
                   << ": error: --threads is not an option of lowbit's tools; "
                      "quantization takes the passes' threads= option, "
                      "compiled kernels OMP_NUM_THREADS\n";
      return true;
    }
  }
  return false;
}

} // namespace lowbit

#endif
