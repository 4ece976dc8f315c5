//===- TestData.h - Reading the bundled test vectors ------------*- C++ -*-===//
#ifndef LOWBIT_UNITTESTS_QUANT_TESTDATA_H
#define LOWBIT_UNITTESTS_QUANT_TESTDATA_H

#include "lowbit/Quant/Scheme.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace lowbit::testing {

/// Every GGUF format and a spread of parametric schemes (tails, zero
/// points, bf16/f32 scales, super-blocks, NF4 and a custom codebook).
inline std::vector<quant::Scheme> everyScheme() {
  std::vector<quant::Scheme> all;
  for (quant::Format f : quant::allGgufFormats())
    all.push_back(quant::ggufScheme(f));
  std::string err;
  for (const char *t :
       {"b2:g16:asym:f16", "b3:g64:sym:f16", "b3:g32:asym:f16:sb256x6",
        "b4:g32:sym:f16:nf4", "b4:g128:zp:bf16", "b5:g16:sym:f32:sb128x5",
        "b6:g32:asym:f16", "b8:g256:sym:bf16",
        "b2:g32:sym:f16:cb=-1.5,-0.4,0.4,1.5"})
    all.push_back(*quant::parseScheme(t, err));
  return all;
}

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
