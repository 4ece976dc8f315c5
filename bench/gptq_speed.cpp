//===- gptq_speed.cpp - GPTQ's time and memory on real widths -------------===//
//
// Prepares H (damping, Cholesky of H⁻¹) for a synthetic Gram of width K and
// quantizes N rows with GPTQ, printing the time of each step and the peak
// RSS. Usage: lowbit-bench-gptq [K (default 4096)] [N (default 4096)]
// [scheme (default q4_k)] [threads (default 0: all)]
//
//===----------------------------------------------------------------------===//

#include "lowbit/Quant/Gptq.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sys/resource.h>

using namespace lowbit::quant;

int main(int argc, char **argv) {
  unsigned k = argc > 1 ? unsigned(std::atoi(argv[1])) : 4096;
  size_t n = argc > 2 ? size_t(std::atoll(argv[2])) : 4096;
  std::string name = argc > 3 ? argv[3] : "q4_k";
  unsigned threads = argc > 4 ? unsigned(std::atoi(argv[4])) : 0;
  std::string err;
  std::optional<Scheme> scheme = parseScheme(name, err);
  if (!scheme || k == 0 || k > 65536 || n == 0) {
    std::fprintf(stderr, "usage: lowbit-bench-gptq [K] [N] [scheme] [threads]"
                         " (%s)\n", err.c_str());
    return 1;
  }
  // A Gram with a dominant diagonal and correlated neighbours: positive
  // definite, as a real one with enough tokens.
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(0.5f, 2.0f);
  std::vector<float> g;
  g.reserve(size_t(k) * (k + 1) / 2);
  for (unsigned i = 0; i < k; ++i)
    for (unsigned j = i; j < k; ++j)
      g.push_back(j == i ? 4.0f * u(rng) : j - i < 8 ? 0.3f : 0.0f);
  std::normal_distribution<float> normal(0.0f, 0.02f);
  std::vector<float> x(n * k);
  for (float &v : x)
    v = normal(rng);

  auto now = [] { return std::chrono::steady_clock::now(); };
  auto t0 = now();
  GptqHessian h;
  GptqOptions go;
  go.threads = threads;
  if (std::string e = prepareGptq(g.data(), k, go, h); !e.empty()) {
    std::fprintf(stderr, "%s\n", e.c_str());
    return 1;
  }
  auto t1 = now();
  std::vector<uint8_t> out(n * rowBytes(*scheme, k));
  QuantOptions o;
  o.threads = threads;
  if (std::string e = gptqQuantizeRows(*scheme, h, x.data(), n, k, out.data(),
                                       o, "bench");
      !e.empty()) {
    std::fprintf(stderr, "%s\n", e.c_str());
    return 1;
  }
  auto t2 = now();
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  std::printf("GPTQ %s, K %u, N %zu: prepare H %.2f s, rows %.2f s, peak RSS "
              "%ld MB\n",
              name.c_str(), k, n, std::chrono::duration<double>(t1 - t0).count(),
              std::chrono::duration<double>(t2 - t1).count(),
              r.ru_maxrss / 1024);
  return 0;
}
