// Every program parses its options: --help prints help and does nothing
// else (no 1.33 GB file named --help, no benchmark run).
// RUN: rm -rf %t.dir && mkdir -p %t.dir && cd %t.dir
// RUN: %bench/lowbit-synthetic-gguf --help | FileCheck %s --check-prefix=SYNTH
// RUN: %bench/lowbit-bench-quantize --help | FileCheck %s --check-prefix=QUANT
// RUN: %bench/lowbit-bench-matvec --help | FileCheck %s --check-prefix=MATVEC
// RUN: ls -A %t.dir | count 0
// RUN: not %bench/lowbit-synthetic-gguf %t.dir/x.gguf 0 2>&1 | FileCheck %s --check-prefix=LAYERS
// RUN: not %bench/lowbit-bench-quantize 0 10 2>&1 | FileCheck %s --check-prefix=SIZE
// SYNTH: USAGE: lowbit-synthetic-gguf [options] <out.gguf> [layers (default 2)]
// QUANT: USAGE: lowbit-bench-quantize [options] [rows (default 1024)] [cols (default 4096)]
// MATVEC: USAGE: lowbit-bench-matvec
// LAYERS: layers must be in [1, 80]
// SIZE: rows and cols must be > 0

// One rule for threads (include/lowbit/Tools/ThreadsOption.h): LLVM's own
// --threads, which did nothing, is no longer listed and is refused.
// RUN: lowbit-opt --help | FileCheck %s --check-prefix=NOTHREADS
// RUN: lowbit-run --help | FileCheck %s --check-prefix=NOTHREADS
// RUN: lowbit-compile --help | FileCheck %s --check-prefix=NOTHREADS
// RUN: lowbit-import --help | FileCheck %s --check-prefix=NOTHREADS
// RUN: lowbit-export --help | FileCheck %s --check-prefix=NOTHREADS
// RUN: %bench/lowbit-bench-matvec --help | FileCheck %s --check-prefix=NOTHREADS
// NOTHREADS-NOT: --threads=<int>
// RUN: not lowbit-run --threads=8 perplexity x y 2>&1 | FileCheck %s --check-prefix=THREADS
// RUN: not lowbit-opt -threads 8 %s 2>&1 | FileCheck %s --check-prefix=THREADS
// THREADS: error: --threads is not an option of lowbit's tools; quantization takes the passes' threads= option, compiled kernels OMP_NUM_THREADS
