//===- SparseOutlierWeights.h - Scale selection keeping weights exact -*- C++ -*-===//
//
// The part of lowbit-select-block-scales and lowbit-quantize-gptq that
// serves a weight marked `lowbit.sparse_outliers` (lowbit-split-outliers,
// mode `weights`): choose the weights to keep (lowbit::quant's gains, over
// row chunks), quantize without them, and build the CSR side constants.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_SPARSEOUTLIERWEIGHTS_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_SPARSEOUTLIERWEIGHTS_H

#include "lowbit/Dialect/LowBit/Transforms/ContractionWeight.h"
#include "lowbit/Quant/Gptq.h"
#include "lowbit/Quant/SparseOutliers.h"

#include "mlir/IR/Builders.h"

#include <string>

namespace lowbit {

/// Quantizes `rows` x `k` weights read from `source` into `bytes` (rows x
/// rowBytes) keeping `fraction` of them exactly in `csr` (residuals as f32),
/// with GPTQ when `hessian` is given. `error` (optional) accumulates the
/// error of quantized + side values, the side rounded to f16 as stored.
/// Returns an empty string or an error naming `name`.
std::string quantizeKeepingOutliers(const quant::Scheme &scheme,
                                    const WeightRows &source, size_t rows,
                                    unsigned k, double fraction,
                                    const quant::QuantOptions &options,
                                    const quant::GptqHessian *hessian,
                                    uint8_t *bytes, quant::SparseRows &csr,
                                    quant::ErrorAccumulator *error,
                                    const std::string &name);

/// The side constants: values (f16), columns (i16 up to K = 65536, else
/// i32) and offsets (i32), named `<name>.sparse_{values,columns,offsets}`.
struct SparseSide {
  mlir::Value values, columns, offsets;
};
/// An error when a residual does not fit f16.
std::string buildSparseSide(mlir::OpBuilder &b, mlir::Location loc,
                            const quant::SparseRows &csr, unsigned k,
                            const std::string &name, SparseSide &out);

/// `err` from quantizing a chunk of rows that starts at row `first`, its
/// ": row r," renumbered within the whole weight.
std::string withWeightRow(std::string err, size_t first);

/// Bytes the side matrix of `kept` weights of a rows x k weight takes.
uint64_t sparseSideBytes(size_t rows, unsigned k, size_t kept);
/// The same for a fraction of the weights (what a budget plans for).
uint64_t sparseSideBytes(size_t rows, unsigned k, double fraction);

} // namespace lowbit

#endif
