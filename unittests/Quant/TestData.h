//===- TestData.h - Reading the bundled test vectors ------------*- C++ -*-===//
#ifndef LOWBIT_UNITTESTS_QUANT_TESTDATA_H
#define LOWBIT_UNITTESTS_QUANT_TESTDATA_H

#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace lowbit::testing {

inline std::vector<uint8_t> readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

inline std::vector<float> readFloats(const std::string &path) {
  std::vector<uint8_t> b = readBytes(path);
  std::vector<float> f(b.size() / 4);
  std::memcpy(f.data(), b.data(), f.size() * 4);
  return f;
}

inline std::string goldenPath(const std::string &name) {
  return std::string(LOWBIT_DATA_DIR) + "/gguf-vectors/" + name;
}

/// Gaussian test weights of standard deviation `sigma`, reproducible.
inline std::vector<float> gaussian(size_t n, unsigned seed,
                                   float sigma = 0.02f) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> dist(0.0f, sigma);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

} // namespace lowbit::testing

#endif
