//===- SparseOutlierWeights.cpp - Scale selection keeping weights exact ---===//

#include "lowbit/Dialect/LowBit/Transforms/SparseOutlierWeights.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"
#include "lowbit/Quant/Half.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace lowbit {

namespace {

/// Rows per chunk: about 16 MB of floats, so big weights are never
/// copied whole.
size_t chunkRows(unsigned k) {
  return std::max<size_t>(1, (size_t(4) << 20) / std::max(k, 1u));
}

} // namespace

std::string quantizeKeepingOutliers(const quant::Scheme &scheme,
                                    const WeightRows &source, size_t rows,
                                    unsigned k, double fraction,
                                    const quant::QuantOptions &options,
                                    const quant::GptqHessian *hessian,
                                    uint8_t *bytes, quant::SparseRows &csr,
                                    quant::ErrorAccumulator *error,
                                    const std::string &name) {
  size_t chunk = chunkRows(k), rowBytes = quant::rowBytes(scheme, k);
  std::vector<float> x(std::min(chunk, rows) * size_t(k)), work(x.size());
  // Which weights: the largest gains over the whole matrix.
  quant::OutlierSelection selection(k, quant::outlierCount(rows * k, fraction));
  for (size_t first = 0; first < rows; first += chunk) {
    size_t count = std::min(chunk, rows - first);
    source.read(first, count, x.data());
    if (std::string e = quant::outlierGains(scheme, x.data(), count, k,
                                            options, name, work.data());
        !e.empty())
      return e;
    selection.add(first, count, work.data());
  }
  std::vector<uint64_t> kept = selection.finish();

  // The quantization without them, and their residuals.
  std::vector<uint8_t> mask(x.size());
  std::vector<float> decoded(error ? x.size() : 0);
  for (size_t first = 0; first < rows; first += chunk) {
    size_t count = std::min(chunk, rows - first);
    source.read(first, count, x.data());
    quant::markOutliers(kept, first, count, k, mask.data());
    uint8_t *out = bytes + first * rowBytes;
    std::string e;
    if (hessian) {
      std::fill(work.begin(), work.end(), 0.0f);
      e = quant::gptqQuantizeRows(scheme, *hessian, x.data(), count, k, out,
                                  options, name, mask.data(), work.data());
    } else {
      e = quant::quantizeWithOutliers(scheme, x.data(), count, k, mask.data(),
                                      out, work.data(), options, name);
    }
    if (!e.empty())
      return withWeightRow(e, first);
    csr.appendRows(count, k, mask.data(), work.data());
    if (error) {
      quant::dequantizeMatrix(scheme, out, count, k, decoded.data(),
                              options.threads);
      for (size_t i = 0; i < count * size_t(k); ++i)
        if (mask[i])
          decoded[i] += quant::halfToFloat(quant::floatToHalf(work[i]));
      error->add(x.data(), decoded.data(), count * size_t(k));
    }
  }
  return "";
}

std::string buildSparseSide(OpBuilder &b, Location loc,
                            const quant::SparseRows &csr, unsigned k,
                            const std::string &name, SparseSide &out) {
  std::vector<uint16_t> values(csr.values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (!(std::fabs(csr.values[i]) <= 65504.0f))
      return name + ": an outlier kept exactly differs from its code by " +
             std::to_string(csr.values[i]) +
             ", beyond f16, the side matrix's type";
    values[i] = quant::floatToHalf(csr.values[i]);
  }
  auto constant = [&](Type element, auto data, const std::string &suffix) {
    auto type = RankedTensorType::get({int64_t(data.size())}, element);
    std::string full = name + suffix;
    auto c = arith::ConstantOp::create(
        b, loc, type,
        DenseResourceElementsAttr::get(
            type, "lowbit." + full,
            HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef(data))));
    dialect(c).getNameAttrHelper().setAttr(c, b.getStringAttr(full));
    return c.getResult();
  };
  out.values = constant(b.getF16Type(), values, ".sparse_values");
  if (k <= 65536) {
    std::vector<uint16_t> cols(csr.columns.begin(), csr.columns.end());
    out.columns = constant(b.getIntegerType(16), cols, ".sparse_columns");
  } else {
    std::vector<int32_t> cols(csr.columns.begin(), csr.columns.end());
    out.columns = constant(b.getIntegerType(32), cols, ".sparse_columns");
  }
  std::vector<int32_t> offsets(csr.rowOffsets.begin(), csr.rowOffsets.end());
  out.offsets = constant(b.getIntegerType(32), offsets, ".sparse_offsets");
  return "";
}

std::string withWeightRow(std::string err, size_t first) {
  size_t at = err.find(": row ");
  if (at == std::string::npos)
    return err;
  size_t num = at + 6, end = err.find(',', num);
  size_t r = std::stoul(err.substr(num, end - num)) + first;
  return err.substr(0, num) + std::to_string(r) + err.substr(end);
}

uint64_t sparseSideBytes(size_t rows, unsigned k, size_t kept) {
  return uint64_t(kept) * (2 + (k <= 65536 ? 2 : 4)) + uint64_t(rows + 1) * 4;
}

uint64_t sparseSideBytes(size_t rows, unsigned k, double fraction) {
  return sparseSideBytes(rows, k,
                         quant::outlierCount(rows * size_t(k), fraction));
}

} // namespace lowbit
