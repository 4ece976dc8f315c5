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
// (>= 2 GiB, >= 4x the last-level cache, as 1 and as 4 prefetched streams
// per thread, the better of the two; the machines are shared and noisy),
// and the CPU model and cache size are printed:
//   - truly cold: the kernel reads its weights through a pointer slot that
//     each call points at another copy, the copies totalling as much as
//     the bandwidth probe (so both see the same footprint: on these VMs
//     read bandwidth falls with the footprint, 13 GB/s over 256 MiB and
//     8 GB/s over 2 GiB on one Zen 4 thread); median of the calls after
//     the first half cycle
//   - hot: back-to-back calls on one copy; median of 50
// Side paths are timed with the big buffer read between calls (the same
// for the plain kernel beside them).
// GB/s counts the bytes of the scheme as stored in GGUF (what the model
// costs); the kernel layout's own size is printed beside it. With outlier
// columns or sparse outliers, the side path's time is compared with the
// plain kernel's plus the side bytes over the measured bandwidth (the
// issue's target: 1.1x).
//
//===----------------------------------------------------------------------===//

#include "MemoryProbe.h"
#include "lowbit/Tools/ThreadsOption.h"
#include "lowbit/Codegen/KernelLayout.h"
#include "lowbit/Harness/CompiledMatmul.h"
#include "lowbit/Quant/Quantizer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstring>
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

/// At least 2 GiB, and at least 4x the last-level cache: the bandwidth
/// probe, and what side-path timings read between calls to evict.
static std::vector<uint64_t> bigBuffer;
static uint64_t llcBytes = 0;

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

  llcBytes = bench::lastLevelCacheBytes();
  uint64_t bufferBytes =
      std::max<uint64_t>(uint64_t(2) << 30, 4 * llcBytes);
  bigBuffer.assign(bufferBytes / 8, 1);
  outs() << "CPU: " << bench::cpuModel() << ", last-level cache "
         << (llcBytes >> 20) << " MiB (from the OS)\n";
  outs() << format("read bandwidth (%.1f GiB, best of 3; 1 | 4 streams per "
                   "thread; the better is the reference):",
                   double(bufferBytes) / double(1 << 30));
  std::vector<unsigned> threadCounts;
  std::vector<double> bandwidth;
  for (StringRef t : threadNames) {
    unsigned n = 1;
    t.getAsInteger(10, n);
    threadCounts.push_back(n);
    double one = bench::readBandwidth(bigBuffer, n, 1);
    double four = bench::readBandwidth(bigBuffer, n, 4);
    bandwidth.push_back(std::max(one, four));
    outs() << format("  %u thread(s) %.1f | %.1f GB/s", n, one, four);
  }
  outs() << "\n";
  outs() << "truly cold: each call reads another copy of the weights, the "
            "copies totalling as much as the bandwidth probe\n\n";
  outs() << "scheme  shape        thr  truly cold          hot (in cache)      "
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
      options.weightsInSlots = true;
      CompiledMatmul mm;
      if (std::string e = mm.build(*scheme, n, k, 1, packed, options);
          !e.empty()) {
        errs() << e << "\n";
        return 2;
      }
      std::string layout = mm.kernelReport();
      layout = layout.substr(layout.find(": ") + 2);
      std::vector<float> y(n);
      // Copies of the kernel's weights (its largest slot) totalling as much
      // as the bandwidth probe reads (>= 2 GiB, >= 4x the last-level
      // cache), cycled through call after call: the same footprint (and
      // TLB reach) as the bandwidth they are compared with.
      std::vector<std::pair<const void *, size_t>> blobs = mm.weightBlobs();
      auto largest = std::max_element(
          blobs.begin(), blobs.end(),
          [](auto &a, auto &b) { return a.second < b.second; });
      size_t slot = size_t(largest - blobs.begin());
      size_t blobBytes = largest->second;
      size_t copies = std::max<size_t>(
          2, (bigBuffer.size() * 8 + blobBytes - 1) /
                 std::max<size_t>(blobBytes, 1));
      size_t stride = (blobBytes + 4095) / 4096 * 4096;
      std::vector<uint8_t> copyArena(copies * stride + 4096);
      uint8_t *base = reinterpret_cast<uint8_t *>(
          (reinterpret_cast<uintptr_t>(copyArena.data()) + 4095) &
          ~uintptr_t(4095));
      for (size_t c = 0; c < copies; ++c)
        std::memcpy(base + c * stride, largest->first, blobBytes);
      const void *original = largest->first;
      for (size_t i = 0; i < threadCounts.size(); ++i) {
        omp_set_num_threads(int(threadCounts[i]));
        mm.run(x.data(), y.data()); // warm-up (thread pool, page faults)
        std::vector<double> cold, warm;
        size_t calls = std::max<size_t>(15, copies + 1);
        for (size_t r = 0; r < calls; ++r) {
          mm.setWeightSlot(slot, base + (r % copies) * stride);
          auto t0 = Clock::now();
          mm.run(x.data(), y.data());
          if (r >= copies / 2) // the first copies may still be cached
            cold.push_back(seconds(t0, Clock::now()));
        }
        mm.setWeightSlot(slot, original);
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
               << (i == 0 ? layout + ", " + std::to_string(copies) + " copies"
                          : std::string())
               << "\n";
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
              bench::evict(bigBuffer);
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
