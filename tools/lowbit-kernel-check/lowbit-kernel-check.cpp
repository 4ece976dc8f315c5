//===- lowbit-kernel-check.cpp - Compiled kernels vs lowbit::quant --------===//
//
//   lowbit-kernel-check --scheme=q4_k --rows=67 --cols=300 --tokens=5
//       [--target=host] [--float-path] [--parallel-threshold=N] [--hash]
//       [--sparse-fraction=F]
//
// Quantizes a seeded random matrix with lowbit::quant, lowers one
// lowbit.matmul through lowbit-lowering (the kernels lowbit-compile emits),
// JIT-runs it and compares every output with a double-precision reference
// built from lowbit::quant's decoder. On the int8 path the reference
// quantizes activations exactly as the kernel does, so the only difference
// left is f32 summation order. With --sparse-fraction a random CSR side
// matrix of that density (lowbit.sparse_matmul, on the unquantized
// activations) is added, and to the reference. Exit code 1 on any mismatch.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Tools/ThreadsOption.h"
#include "lowbit/Codegen/KernelLayout.h"
#include "lowbit/Harness/CompiledMatmul.h"
#include "lowbit/Quant/Half.h"
#include "lowbit/Quant/Quantizer.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

using namespace llvm;
using namespace lowbit;

static cl::opt<std::string> schemeText("scheme", cl::desc("scheme"),
                                       cl::Required);
static cl::opt<unsigned> rows("rows", cl::desc("N"), cl::init(64));
static cl::opt<unsigned> cols("cols", cl::desc("K"), cl::init(256));
static cl::opt<unsigned> tokens("tokens", cl::desc("T"), cl::init(1));
static cl::opt<std::string> target("target", cl::desc("target name or host"),
                                   cl::init("host"));
static cl::opt<bool> floatPath("float-path", cl::desc("force f32 kernels"));
static cl::opt<bool> dynamicRows(
    "dynamic-rows",
    cl::desc("the input's rows dynamic (tensor<?xK>), as in model IR: the "
             "kernel reads T at run time"));
static cl::opt<bool> reference("reference",
                               cl::desc("use convert-lowbit-to-linalg"));
static cl::opt<int64_t> threshold("parallel-threshold",
                                  cl::desc("threads above this many weights"),
                                  cl::init(int64_t(1) << 20));
static cl::opt<bool> hash("hash", cl::desc("print a hash of the output bits"));
static cl::opt<unsigned> seed("seed", cl::init(1));
static cl::opt<double> sparseFraction(
    "sparse-fraction",
    cl::desc("add a random sparse outlier side matrix of this density"),
    cl::init(0.0));
static cl::opt<int> nanToken(
    "nan-token",
    cl::desc("put a NaN among this token's activations: all its outputs "
             "must be NaN (as on the float path), the other tokens' exact"),
    cl::init(-1));

int main(int argc, char **argv) {
  if (lowbit::refuseLLVMThreadsOption(argc, argv))
    return 1;
  cl::ParseCommandLineOptions(argc, argv, "compiled kernel vs reference\n");
  std::string err;
  auto scheme = quant::parseScheme(schemeText, err);
  if (!scheme) {
    errs() << "lowbit-kernel-check: " << err << "\n";
    return 2;
  }
  std::mt19937 rng(seed);
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  std::vector<float> w(size_t(rows) * cols), x(size_t(tokens) * cols);
  for (float &v : w)
    v = gauss(rng) * 0.05f;
  for (float &v : x)
    v = gauss(rng);
  if (nanToken >= int(tokens)) {
    errs() << "lowbit-kernel-check: --nan-token must be below --tokens\n";
    return 2;
  }
  if (nanToken >= 0)
    x[size_t(nanToken) * cols + cols / 2] = NAN;
  std::vector<uint8_t> packed(rows * quant::rowBytes(*scheme, cols));
  quant::QuantOptions qo;
  err = quant::quantizeMatrix(*scheme, w.data(), rows, cols, packed.data(), qo,
                              "w");
  if (!err.empty()) {
    errs() << "lowbit-kernel-check: " << err << "\n";
    return 2;
  }
  std::vector<float> deq(w.size());
  quant::dequantizeMatrix(*scheme, packed.data(), rows, cols, deq.data());

  MatmulBuildOptions options;
  // The side matrix: each weight kept with probability sparseFraction,
  // values of the size planted outliers have.
  std::vector<float> sparse(w.size(), 0.0f);
  if (sparseFraction > 0) {
    std::bernoulli_distribution keep(std::min(1.0, double(sparseFraction)));
    options.sparseOffsets.push_back(0);
    for (unsigned n = 0; n < rows; ++n) {
      for (unsigned k = 0; k < cols; ++k)
        if (keep(rng)) {
          uint16_t bits = quant::floatToHalf(gauss(rng));
          sparse[size_t(n) * cols + k] = quant::halfToFloat(bits);
          options.sparseColumns.push_back(uint16_t(k));
          options.sparseValues.push_back(bits);
        }
      options.sparseOffsets.push_back(int32_t(options.sparseColumns.size()));
    }
  }
  options.target = target;
  options.floatPath = floatPath;
  options.dynamicRows = dynamicRows;
  options.reference = reference;
  options.parallelThreshold = threshold;
  CompiledMatmul mm;
  err = mm.build(*scheme, rows, cols, tokens, packed, options);
  if (!err.empty()) {
    errs() << "lowbit-kernel-check: " << err << "\n";
    return 2;
  }
  std::vector<float> y(size_t(tokens) * rows);
  mm.run(x.data(), y.data());

  // The int8 path multiplies by activations rounded per group, exactly as
  // the kernel rounds them; its report names the dot instruction.
  const std::string &report = mm.kernelReport();
  bool intPath = !reference && report.find("f32 fma") == std::string::npos;
  unsigned group = 32;
  if (auto pos = report.find("layout u"); pos != std::string::npos)
    group = std::stoi(report.substr(report.find('g', pos) + 1));
  std::vector<float> xs(x);
  if (intPath)
    for (unsigned t = 0; t < tokens; ++t)
      codegen::quantizeActivationsLikeKernel(&x[size_t(t) * cols], cols, group,
                                             &xs[size_t(t) * cols]);
  double worst = 0;
  unsigned nanMissing = 0;
  for (unsigned t = 0; t < tokens; ++t) {
    if (int(t) == nanToken) {
      for (unsigned n = 0; n < rows; ++n)
        nanMissing += !std::isnan(y[size_t(t) * rows + n]);
      continue;
    }
    for (unsigned n = 0; n < rows; ++n) {
      double ref = 0, mag = 0;
      for (unsigned k = 0; k < cols; ++k) {
        double p = double(deq[size_t(n) * cols + k]) * xs[size_t(t) * cols + k];
        // The side path reads the activations as they are.
        double q = double(sparse[size_t(n) * cols + k]) * x[size_t(t) * cols + k];
        ref += p + q;
        mag += std::fabs(p) + std::fabs(q);
      }
      double got = y[size_t(t) * rows + n];
      double rel = std::fabs(got - ref) / (mag > 0 ? mag : 1.0);
      if (!std::isfinite(got))
        rel = INFINITY;
      worst = std::max(worst, rel);
    }
  }
  // f32 accumulation over K products: a few ulps of the magnitude sum.
  const double tolerance = 1e-5;
  bool ok = worst <= tolerance && nanMissing == 0;
  outs() << schemeText << " " << rows << "x" << cols << " t" << tokens
         << (dynamicRows ? " (rows at run time)" : "");
  if (sparseFraction > 0)
    outs() << " + " << options.sparseValues.size() << " sparse";
  outs() << " ["
         << (reference ? std::string("reference") : report)
         << "]: max error / sum|w x| = ";
  outs() << format("%.2e", worst);
  if (nanToken >= 0)
    outs() << ", outputs of the NaN token that are not NaN: " << nanMissing;
  outs() << (ok ? " OK" : " FAIL") << "\n";
  if (hash) {
    uint64_t h = 1469598103934665603ull;
    for (float v : y) {
      uint32_t bits;
      std::memcpy(&bits, &v, 4);
      h = (h ^ bits) * 1099511628211ull;
    }
    outs() << "hash " << format_hex(h, 18) << "\n";
  }
  return ok ? 0 : 1;
}
