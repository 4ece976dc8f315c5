//===- ModelABITest.cpp - The model ABI, one description ------------------===//
//
// The generated C header is compiled with the C compiler and its checksum
// run on random data against the C++ one; every ABI symbol's name appears in
// the header the object writer and dlsym use.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Target/CPU/ModelABI.h"
#include "lowbit/Target/CPU/WeightsChecksum.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

using namespace lowbit::cpu;

namespace {

std::string tempDir() {
  char pattern[] = "/tmp/lowbit-abi-XXXXXX";
  const char *dir = mkdtemp(pattern);
  return dir ? dir : "";
}

void writeFile(const std::string &path, const std::string &text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST(ModelABI, GeneratedChecksumInCAgreesWithCxx) {
  std::string dir = tempDir();
  ASSERT_FALSE(dir.empty());
  ModelShape shape{2, 16, 8, 32};
  writeFile(dir + "/lowbit_model.h",
            modelHeader(shape, /*hasTokenizer=*/true, /*usesOpenMP=*/false,
                        "m.weights"));
  // A C program that prints the header's checksum of each file it is given.
  writeFile(dir + "/main.c", R"(#include "lowbit_model.h"
#include <stdio.h>
int main(int argc, char **argv) {
  for (int a = 1; a < argc; ++a) {
    FILE *f = fopen(argv[a], "rb");
    static unsigned char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    printf("%llu\n", (unsigned long long)lowbit_model_checksum(buf, n));
  }
  return 0;
}
)");
  std::string exe = dir + "/checksum";
  std::string compile = std::string(LOWBIT_C_COMPILER) +
                        " -std=c99 -Wall -Werror -o " + exe + " " + dir +
                        "/main.c";
  ASSERT_EQ(std::system(compile.c_str()), 0) << compile;

  std::mt19937 rng(1);
  std::vector<std::vector<uint8_t>> inputs;
  std::string args;
  for (size_t size : {0, 1, 7, 8, 9, 63, 64, 4095, 65536}) {
    std::vector<uint8_t> data(size);
    for (uint8_t &b : data)
      b = uint8_t(rng());
    std::string path = dir + "/data" + std::to_string(size);
    writeFile(path, std::string(data.begin(), data.end()));
    inputs.push_back(std::move(data));
    args += " " + path;
  }
  std::string run = exe + args + " > " + dir + "/out.txt";
  ASSERT_EQ(std::system(run.c_str()), 0);
  std::ifstream out(dir + "/out.txt");
  for (const std::vector<uint8_t> &data : inputs) {
    unsigned long long fromC = 0;
    ASSERT_TRUE(out >> fromC);
    EXPECT_EQ(fromC, weightsChecksum(data.data(), data.size()))
        << data.size() << " bytes";
  }
  std::system(("rm -rf " + dir).c_str());
}

TEST(ModelABI, HeaderDeclaresEverySymbolByItsName) {
  std::string header = modelHeader(ModelShape{1, 2, 3, 4}, true, true, "w");
  for (AbiSymbol s :
       {AbiSymbol::Forward, AbiSymbol::Dims, AbiSymbol::SpecialTokens,
        AbiSymbol::TokenOffsets, AbiSymbol::TokenText, AbiSymbol::TokenScores,
        AbiSymbol::WeightSlots, AbiSymbol::WeightsSize,
        AbiSymbol::WeightsChecksum, AbiSymbol::WeightCount,
        AbiSymbol::WeightOffsets, AbiSymbol::WeightsName})
    EXPECT_NE(header.find(abiName(s)), std::string::npos) << abiName(s);
  EXPECT_EQ(header.find('@'), std::string::npos) << "unsubstituted key";
  EXPECT_NE(header.find("#define LOWBIT_MODEL_WEIGHTS_FILE \"w\""),
            std::string::npos);
  EXPECT_EQ(abiDeclaration(AbiSymbol::Dims),
            "const int64_t lowbit_model_dims[4]");
}

TEST(ModelABI, ChecksumIsFnv1aOverWords) {
  // The empty input is FNV-1a's offset basis; one word is one step.
  EXPECT_EQ(weightsChecksum(nullptr, 0), 0xcbf29ce484222325ULL);
  uint8_t word[8] = {1, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(weightsChecksum(word, 8),
            (0xcbf29ce484222325ULL ^ 1ULL) * 0x100000001b3ULL);
}

} // namespace
