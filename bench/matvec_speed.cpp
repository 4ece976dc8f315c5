//===- matvec_speed.cpp - Compiled mat-vec kernels vs read bandwidth ------===//
//
//   lowbit-bench-matvec [--schemes=q4_k,q4_0,q8_0,iq4_xs]
//                       [--shapes=4096x4096,11008x4096] [--thread-counts=1,2]
//                       [--batch=512] [--target=host]
//                       [--outlier-fractions=0.001,0.005,0.01]
//                       [--sparse-fractions=0.001,0.005,0.01]
//
// Every kernel is built by CompiledMatmul: one lowbit.matmul lowered by
// lowbit-lowering and compiled at -O3, i.e. exactly what lowbit-compile
// emits. Figures are relative to the read bandwidth this same run measures
// (the machines are shared and noisy):
//   - out of cache: a 256 MiB buffer is read between calls; median of 15
//   - in cache: back-to-back calls; median of 50
// GB/s counts the bytes of the scheme as stored in GGUF (what the model
// costs); the kernel layout's own size is printed beside it. With outlier
// columns or sparse outliers, the side path's time is compared with the
// plain kernel's plus the side bytes over the measured bandwidth (the
// issue's target: 1.1x).
//
//===----------------------------------------------------------------------===//

#include "lowbit/Tools/ThreadsOption.h"
#include "lowbit/Codegen/KernelLayout.h"
#include "lowbit/Harness/CompiledMatmul.h"
#include "lowbit/Quant/Quantizer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

extern "C" void omp_set_num_threads(int);

using namespace llvm;
using namespace lowbit;

static cl::opt<std::string> schemes("schemes",
                                    cl::init("q4_0,q4_k,q8_0,iq4_xs"));
static cl::opt<std::string> shapes("shapes", cl::init("4096x4096,11008x4096"));
static cl::opt<std::string> threadList("thread-counts", cl::init("1,2"));
static cl::opt<unsigned> batch("batch", cl::desc("also time T tokens (0: off)"),
                               cl::init(512));
static cl::opt<std::string> target("target", cl::init("host"));
static cl::opt<std::string> outlierFractions(
    "outlier-fractions",
    cl::desc("also time the first shape with this share of input columns "
             "on the outlier side path (lowbit-split-outliers' IR)"),
    cl::init("0.001,0.005,0.01"));
static cl::opt<std::string> sparseFractions(
    "sparse-fractions",
    cl::desc("also time the first shape with this share of weights kept "
             "exactly beside it (lowbit.sparse_matmul)"),
    cl::init("0.001,0.005,0.01"));

using Clock = std::chrono::steady_clock;

static double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

static std::vector<uint64_t> evictBuffer(size_t(256) << 20 >> 3, 1);

/// Reads n words as four interleaved streams (far apart, as the hardware
/// prefetchers like); also the bandwidth probe.
static uint64_t readAll(const uint64_t *p, size_t n) {
  size_t q = n / 4;
  const uint64_t *s0 = p, *s1 = p + q, *s2 = p + 2 * q, *s3 = p + 3 * q;
  uint64_t a = 0, b = 0, c = 0, d = 0;
  for (size_t i = 0; i < q; ++i) {
    a += s0[i];
    b += s1[i];
    c += s2[i];
    d += s3[i];
  }
  return a + b + c + d;
}

static volatile uint64_t sink;

/// Best-of-5 read bandwidth (GB/s) of the eviction buffer with `threads`.
static double readBandwidth(unsigned threads) {
  double best = 0;
  size_t n = evictBuffer.size();
  for (int rep = 0; rep < 5; ++rep) {
    auto t0 = Clock::now();
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        size_t begin = n * t / threads, end = n * (t + 1) / threads;
        sink = readAll(evictBuffer.data() + begin, end - begin);
      });
    for (auto &th : pool)
      th.join();
    double s = seconds(t0, Clock::now());
    best = std::max(best, double(n * 8) / s / 1e9);
  }
  return best;
}

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int main(int argc, char **argv) {
  if (lowbit::refuseLLVMThreadsOption(argc, argv))
    return 1;
  cl::ParseCommandLineOptions(argc, argv, "compiled mat-vec speed\n");
  SmallVector<StringRef> schemeNames, shapeNames, threadNames;
  StringRef(schemes).split(schemeNames, ',');
  StringRef(shapes).split(shapeNames, ',');
  StringRef(threadList).split(threadNames, ',');

  outs() << "read bandwidth (256 MiB, best of 5):";
  std::vector<unsigned> threadCounts;
  std::vector<double> bandwidth;
  for (StringRef t : threadNames) {
    unsigned n = 1;
    t.getAsInteger(10, n);
    threadCounts.push_back(n);
    bandwidth.push_back(readBandwidth(n));
    outs() << format("  %u thread(s) %.1f GB/s", n, bandwidth.back());
  }
  outs() << "\n\n";
  outs() << "scheme  shape        thr  out-of-cache        in-cache            "
            "bandwidth used  layout\n";

  std::mt19937 rng(7);
  std::normal_distribution<float> gauss(0.0f, 0.02f);
  for (StringRef shape : shapeNames) {
    auto [ns, ks] = shape.split('x');
    unsigned n = 0, k = 0;
    ns.getAsInteger(10, n);
    ks.getAsInteger(10, k);
    std::vector<float> w(size_t(n) * k);
    for (float &v : w)
      v = gauss(rng);
    std::vector<float> x(k);
    for (float &v : x)
      v = gauss(rng) * 50;
    for (StringRef name : schemeNames) {
      std::string err;
      auto scheme = quant::parseScheme(name.str(), err);
      if (!scheme) {
        errs() << err << "\n";
        return 2;
      }
      std::vector<uint8_t> packed(size_t(n) * quant::rowBytes(*scheme, k));
      quant::QuantOptions qo;
      qo.method = quant::Method::Rtn; // speed of the kernel, not quality
      err = quant::quantizeMatrix(*scheme, w.data(), n, k, packed.data(), qo,
                                  "w");
      if (!err.empty()) {
        errs() << err << "\n";
        return 2;
      }
      MatmulBuildOptions options;
      options.target = target;
      CompiledMatmul mm;
      if (std::string e = mm.build(*scheme, n, k, 1, packed, options);
          !e.empty()) {
        errs() << e << "\n";
        return 2;
      }
      std::string layout = mm.kernelReport();
      layout = layout.substr(layout.find(": ") + 2);
      std::vector<float> y(n);
      for (size_t i = 0; i < threadCounts.size(); ++i) {
        omp_set_num_threads(int(threadCounts[i]));
        mm.run(x.data(), y.data()); // warm-up (thread pool, page faults)
        std::vector<double> cold, warm;
        for (int r = 0; r < 15; ++r) {
          sink = readAll(evictBuffer.data(), evictBuffer.size());
          auto t0 = Clock::now();
          mm.run(x.data(), y.data());
          cold.push_back(seconds(t0, Clock::now()));
        }
        for (int r = 0; r < 50; ++r) {
          auto t0 = Clock::now();
          mm.run(x.data(), y.data());
          warm.push_back(seconds(t0, Clock::now()));
        }
        double c = median(cold), h = median(warm);
        double gbs = double(packed.size()) / c / 1e9;
        outs() << format(
                      "%-7s %-12s %u   %7.1f us %5.1f GB/s %7.1f us %5.1f GB/s"
                      "  %5.1f %%  ",
                      name.str().c_str(), shape.str().c_str(), threadCounts[i],
                      c * 1e6, gbs, h * 1e6, double(packed.size()) / h / 1e9,
                      100.0 * gbs / bandwidth[i])
               << (i == 0 ? layout : std::string()) << "\n";
      }
      // Side paths (outlier columns, sparse outliers) timed beside the
      // plain kernel, against plain time + side bytes over the bandwidth.
      auto timeSide = [&](const MatmulBuildOptions &side, double sideBytes,
                          const std::string &label) -> bool {
        CompiledMatmul sm;
        if (std::string e = sm.build(*scheme, n, k, 1, packed, side);
            !e.empty()) {
          errs() << e << "\n";
          return false;
        }
        for (size_t i = 0; i < threadCounts.size(); ++i) {
          omp_set_num_threads(int(threadCounts[i]));
          auto coldTime = [&](CompiledMatmul &m) {
            m.run(x.data(), y.data());
            std::vector<double> cold;
            for (int r = 0; r < 15; ++r) {
              sink = readAll(evictBuffer.data(), evictBuffer.size());
              auto t0 = Clock::now();
              m.run(x.data(), y.data());
              cold.push_back(seconds(t0, Clock::now()));
            }
            return median(cold);
          };
          double plain = coldTime(mm), split = coldTime(sm);
          double target = plain + sideBytes / (bandwidth[i] * 1e9);
          outs() << format("%-7s %-12s %u   ", name.str().c_str(),
                           shape.str().c_str(), threadCounts[i])
                 << label
                 << format(": %7.1f us vs plain %7.1f us, plain + side bytes "
                           "%7.1f us: %.2fx\n",
                           split * 1e6, plain * 1e6, target * 1e6,
                           split / target);
        }
        return true;
      };
      auto fractionsOf = [&](StringRef list, const char *option,
                             SmallVector<double> &out) {
        SmallVector<StringRef> parts;
        if (!list.empty())
          list.split(parts, ',');
        for (StringRef f : parts) {
          double fraction = 0;
          if (f.getAsDouble(fraction) || !(fraction > 0 && fraction < 1)) {
            errs() << "--" << option << ": '" << f << "' is not in (0, 1)\n";
            return false;
          }
          out.push_back(fraction);
        }
        return true;
      };
      SmallVector<double> columnFractions, sparseShares;
      if (!fractionsOf(outlierFractions, "outlier-fractions", columnFractions) ||
          !fractionsOf(sparseFractions, "sparse-fractions", sparseShares))
        return 2;
      if (shape != shapeNames.front())
        columnFractions.clear(), sparseShares.clear();
      for (double fraction : columnFractions) {
        size_t c = std::max<size_t>(1, size_t(fraction * k));
        MatmulBuildOptions side = options;
        for (size_t j = 0; j < c; ++j)
          side.outlierColumns.push_back(int64_t(j * (k / c)));
        side.outlierWeights.assign(size_t(n) * c, 0x2000); // small f16
        std::string label;
        raw_string_ostream(label)
            << format("outliers %.1f %% (%zu columns)", 100 * fraction, c);
        if (!timeSide(side, double(n) * c * 2, label))
          return 2;
      }
      for (double fraction : sparseShares) {
        // Evenly spread kept weights, as many per row (SpQR's are
        // unevenly spread; the bytes are the same).
        size_t perRow = std::max<size_t>(1, size_t(fraction * k));
        MatmulBuildOptions side = options;
        side.sparseOffsets.push_back(0);
        for (size_t r = 0; r < n; ++r) {
          for (size_t j = 0; j < perRow; ++j) {
            side.sparseColumns.push_back(
                uint16_t((j * (k / perRow) + r) % k));
            side.sparseValues.push_back(0x2000);
          }
          std::sort(side.sparseColumns.end() - perRow,
                    side.sparseColumns.end());
          side.sparseOffsets.push_back(int32_t(side.sparseColumns.size()));
        }
        std::string label;
        raw_string_ostream(label) << format(
            "sparse %.1f %% (%zu per row)", 100 * fraction, perRow);
        if (!timeSide(side, double(n) * perRow * 4 + double(n + 1) * 4,
                      label))
          return 2;
      }
      if (batch > 0 && shape == shapeNames.front()) {
        CompiledMatmul bm;
        if (std::string e = bm.build(*scheme, n, k, batch, packed, options);
            !e.empty()) {
          errs() << e << "\n";
          return 2;
        }
        std::vector<float> xb(size_t(batch) * k), yb(size_t(batch) * n);
        for (float &v : xb)
          v = gauss(rng) * 50;
        for (size_t i = 0; i < threadCounts.size(); ++i) {
          omp_set_num_threads(int(threadCounts[i]));
          bm.run(xb.data(), yb.data());
          std::vector<double> t;
          for (int r = 0; r < 5; ++r) {
            auto t0 = Clock::now();
            bm.run(xb.data(), yb.data());
            t.push_back(seconds(t0, Clock::now()));
          }
          double s = median(t);
          outs() << format(
              "%-7s %-12s %u   batch %u: %8.2f ms  %6.1f GFLOP/s\n",
              name.str().c_str(), shape.str().c_str(), threadCounts[i],
              unsigned(batch), s * 1e3, 2.0 * n * k * batch / s / 1e9);
        }
      }
    }
  }
  return 0;
}
