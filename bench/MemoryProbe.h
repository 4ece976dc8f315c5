//===- MemoryProbe.h - What the machine is, and how fast it reads -*- C++ -*-===//
//
// Shared by the benches that compare speeds with the read bandwidth: the
// CPU model and last-level cache size from the OS, and the read bandwidth
// of an array far larger than that cache, read as 1 and as 4 streams per
// thread.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_BENCH_MEMORYPROBE_H
#define LOWBIT_BENCH_MEMORYPROBE_H

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace lowbit::bench {

/// "model name" of /proc/cpuinfo (or "unknown CPU").
inline std::string cpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos)
        return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  return "unknown CPU";
}

/// The largest cache CPU 0 reports (sysfs, e.g. "32768K"), in bytes; 0 when
/// the OS does not say.
inline uint64_t lastLevelCacheBytes() {
  uint64_t best = 0;
  for (int i = 0; i < 16; ++i) {
    std::ifstream in("/sys/devices/system/cpu/cpu0/cache/index" +
                     std::to_string(i) + "/size");
    std::string text;
    if (!(in >> text))
      continue;
    uint64_t v = std::strtoull(text.c_str(), nullptr, 10);
    char unit = text.empty() ? 0 : text.back();
    v *= unit == 'K' ? 1024 : unit == 'M' ? 1024 * 1024 : 1;
    best = std::max(best, v);
  }
#ifdef _SC_LEVEL3_CACHE_SIZE
  if (best == 0) {
    long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
    best = l3 > 0 ? uint64_t(l3) : 0;
  }
#endif
  return best;
}

/// Sums n words as `streams` (1 or 4) interleaved streams far apart, with
/// software prefetches 2 KiB ahead as the kernels issue them (without them
/// a plain loop reads slower than the generated mat-vec does).
inline uint64_t readStreams(const uint64_t *p, size_t n, unsigned streams) {
  streams = streams == 4 ? 4 : 1;
  size_t q = n / streams;
  uint64_t sums[4] = {0, 0, 0, 0};
  constexpr size_t ahead = 256, line = 8; // words
  size_t i = 0;
  for (; i + ahead < q; i += line)
    for (unsigned s = 0; s < streams; ++s) {
      const uint64_t *w = p + s * q + i;
      __builtin_prefetch(w + ahead);
      sums[s] += w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7];
    }
  for (; i < q; ++i)
    for (unsigned s = 0; s < streams; ++s)
      sums[s] += p[s * q + i];
  return sums[0] + sums[1] + sums[2] + sums[3];
}

inline volatile uint64_t probeSink;

/// Best-of-`reps` read bandwidth (GB/s) of `buffer` with `threads`
/// threads, each reading its share as `streams` streams (4 is what Intel
/// servers like; on some VMs far-apart streams read slower than one).
inline double readBandwidth(const std::vector<uint64_t> &buffer,
                            unsigned threads, unsigned streams,
                            int reps = 3) {
  double best = 0;
  size_t n = buffer.size();
  for (int rep = 0; rep < reps; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        size_t begin = n * t / threads, end = n * (t + 1) / threads;
        probeSink =
            readStreams(buffer.data() + begin, end - begin, streams);
      });
    for (auto &th : pool)
      th.join();
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                             t0)
                   .count();
    best = std::max(best, double(n * 8) / s / 1e9);
  }
  return best;
}

/// Reads all of `buffer` on this thread: evicts the caches when the buffer
/// is several times their size.
inline void evict(const std::vector<uint64_t> &buffer) {
  probeSink = readStreams(buffer.data(), buffer.size(), 1);
}

} // namespace lowbit::bench

#endif
