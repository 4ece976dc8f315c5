//===- quantize_speed.cpp - Quantization throughput per format ------------===//
//
// Prints M weights/s (best of 3) for quantizing a rows x cols Gaussian
// matrix with each method, 1 thread and all threads, next to the throughput
// of a plain copy of the same data in the same run (a machine-speed
// yardstick), plus RMSE.
// Usage: lowbit-bench-quantize [rows cols] [--formats=q4_0,q8_0,...]
//        (default 1024 4096, every GGUF format)
//
//===----------------------------------------------------------------------===//

#include "lowbit/Tools/ThreadsOption.h"
#include "lowbit/Quant/Quantizer.h"

#include "llvm/Support/CommandLine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <thread>
#include <vector>

using namespace lowbit::quant;

static double seconds(const std::function<void()> &f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
      .count();
}

static llvm::cl::opt<unsigned> rowCount(llvm::cl::Positional,
                                        llvm::cl::desc("[rows (default 1024)]"),
                                        llvm::cl::init(1024));
static llvm::cl::opt<unsigned> colCount(llvm::cl::Positional,
                                        llvm::cl::desc("[cols (default 4096)]"),
                                        llvm::cl::init(4096));
static llvm::cl::opt<std::string>
    formatList("formats", llvm::cl::desc("formats to time (default: all)"),
               llvm::cl::init(""));

int main(int argc, char **argv) {
  if (lowbit::refuseLLVMThreadsOption(argc, argv))
    return 1;
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "lowbit-bench-quantize: quantization throughput\n");
  // The matrix and its copy must fit memory comfortably: at most 2^28
  // weights (2 GiB of floats for both).
  if (rowCount == 0 || colCount == 0 ||
      uint64_t(rowCount) * colCount > (uint64_t(1) << 28)) {
    std::fprintf(stderr, "lowbit-bench-quantize: rows and cols must be > 0 "
                         "with rows x cols <= 2^28\n");
    return 1;
  }
  size_t rows = rowCount;
  unsigned cols = colCount;
  std::vector<float> x(rows * cols), y(rows * cols);
  std::mt19937 gen(1);
  std::normal_distribution<float> dist(0.0f, 0.02f);
  for (float &v : x)
    v = dist(gen);
  double copy = seconds([&] { std::memcpy(y.data(), x.data(), x.size() * 4); });
  std::printf("matrix %zux%u, memcpy %.0f M floats/s, %u hardware threads\n",
              rows, cols, x.size() / copy / 1e6,
              std::thread::hardware_concurrency());
  std::printf("%-8s %-7s %12s %12s %10s\n", "format", "method", "1 thread",
              "all threads", "rmse");
  std::vector<Format> formats;
  for (Format f : allGgufFormats())
    if (formatList.empty() ||
        ("," + formatList + ",").find(std::string(",") + formatName(f) +
                                      ",") != std::string::npos)
      formats.push_back(f);
  for (Format f : formats) {
    Scheme s = ggufScheme(f);
    std::vector<uint8_t> q(rows * rowBytes(s, cols));
    for (Method m : {Method::Rtn, Method::Search}) {
      double rate[2];
      for (unsigned t : {1u, 0u}) {
        QuantOptions o;
        o.method = m;
        o.threads = t;
        double sec = 1e30;
        for (int rep = 0; rep < 3; ++rep)
          sec = std::min(sec, seconds([&] {
            quantizeMatrix(s, x.data(), rows, cols, q.data(), o, "bench");
          }));
        rate[t ? 0 : 1] = x.size() / sec / 1e6;
      }
      dequantizeMatrix(s, q.data(), rows, cols, y.data());
      ErrorStats e = measureError(x.data(), y.data(), x.size());
      std::printf("%-8s %-7s %9.1f M/s %9.1f M/s %10.3e\n", formatName(f),
                  methodName(m), rate[0], rate[1], e.rmse);
    }
  }
  return 0;
}
