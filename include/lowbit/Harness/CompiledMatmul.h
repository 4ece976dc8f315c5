//===- CompiledMatmul.h - One quantized matmul, lowered and JIT-compiled -*- C++
//-*-===//
//
// Builds `func @matmul(x: tensor<TxKxf32>) -> tensor<TxNxf32>` around one
// lowbit.matmul on constant packed weights, lowers it with exactly the
// pipeline lowbit-compile uses (lowbit-lowering) and JIT-compiles it at -O3
// for the host. Kernel tests and bench/ measure this, so they see the same
// kernels as compiled models.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_HARNESS_COMPILEDMATMUL_H
#define LOWBIT_HARNESS_COMPILEDMATMUL_H

#include "lowbit/Quant/Scheme.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lowbit {

struct MatmulBuildOptions {
  std::string target = "host";
  bool floatPath = false;
  bool reference = false;
  /// The input's rows dynamic (tensor<?xK>, as a model's weight functions
  /// take them): the kernels read T at run time.
  bool dynamicRows = false;
  int64_t parallelThreshold = int64_t(1) << 20;
  /// An outlier side path as lowbit-split-outliers builds it: these input
  /// columns are masked out of the matmul and multiplied by
  /// `outlierWeights` (f16 bits, rows x columns.size(), row-major).
  std::vector<int64_t> outlierColumns;
  std::vector<uint16_t> outlierWeights;
  /// A sparse outlier side matrix as scale selection builds it (CSR, f16
  /// value bits, i16 columns), added by lowbit.sparse_matmul on the
  /// unmasked input; empty offsets: none.
  std::vector<int32_t> sparseOffsets;
  std::vector<uint16_t> sparseColumns;
  std::vector<uint16_t> sparseValues;
  /// The code reads its weights (the repacked layout) through pointer
  /// slots, as a compiled model's weights file is read, so a benchmark can
  /// point them at copies of the same bytes (weightBlobs, setWeightSlot).
  bool weightsInSlots = false;
};

class CompiledMatmul {
public:
  CompiledMatmul();
  ~CompiledMatmul();
  /// Empty string on success, else what failed.
  std::string build(const quant::Scheme &scheme, unsigned rows, unsigned cols,
                    unsigned tokens, const std::vector<uint8_t> &packed,
                    const MatmulBuildOptions &options);
  /// y[T x N] = x[T x K] W^T.
  void run(const float *x, float *y);
  /// What the lowering chose (the pass's report remark).
  const std::string &kernelReport() const { return report_; }
  /// With weightsInSlots: each slot's current bytes (address, size).
  std::vector<std::pair<const void *, size_t>> weightBlobs() const;
  /// Points slot `i` at `bytes`, which must hold the same bytes (aligned
  /// as the original) and outlive the calls.
  void setWeightSlot(size_t i, const void *bytes);

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string report_;
};

} // namespace lowbit

#endif
