//===- ExportGguf.cpp - Model IR -> GGUF ----------------------------------===//

#include "lowbit/ModelIR/ExportGguf.h"
#include "lowbit/Dialect/LowBit/IR/ConstantData.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"
#include "lowbit/Model/Gguf.h"
#include "lowbit/ModelIR/GgufMetadata.h"
#include "lowbit/Quant/Half.h"
#include "lowbit/Quant/Quantizer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cstring>
#include <set>

using namespace mlir;

namespace lowbit::model {

namespace {

/// The bytes of a constant: a view of its stored data (no copy), or an
/// expanded copy of a splat in `owned`.
std::optional<ArrayRef<uint8_t>> constantBytes(arith::ConstantOp c,
                                               std::vector<uint8_t> &owned) {
  std::optional<ConstantData> data = constantData(c.getValue());
  if (!data)
    return std::nullopt;
  auto bytes =
      ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(data->bytes.data()),
                        data->bytes.size());
  if (!data->splat)
    return bytes;
  auto type = cast<RankedTensorType>(c.getType());
  owned.resize(size_t(type.getNumElements()) * bytes.size());
  for (size_t i = 0; i < owned.size(); ++i) // a splat repeats its one value
    owned[i] = bytes[i % bytes.size()];
  return ArrayRef<uint8_t>(owned);
}

/// Scheme and row length of packed weights, from the op that reads them.
bool packedInfo(arith::ConstantOp c, quant::Scheme &scheme,
                int64_t &rowLength) {
  for (Operation *user : c->getUsers()) {
    if (auto m = dyn_cast<MatmulOp>(user)) {
      scheme = m.getScheme().toQuantScheme();
      rowLength = m.getInput().getType().getShape().back();
      return true;
    }
    if (auto d = dyn_cast<DequantizeOp>(user)) {
      scheme = d.getScheme().toQuantScheme();
      rowLength = d.getResult().getType().getShape().back();
      return true;
    }
  }
  return false;
}

std::vector<uint8_t> floatsAs(const std::vector<float> &values, bool half) {
  std::vector<uint8_t> out(values.size() * (half ? 2 : 4));
  for (size_t i = 0; i < values.size(); ++i) {
    if (half) {
      uint16_t h = quant::floatToHalf(values[i]);
      out[2 * i] = uint8_t(h);
      out[2 * i + 1] = uint8_t(h >> 8);
    } else {
      std::memcpy(&out[4 * i], &values[i], 4);
    }
  }
  return out;
}

} // namespace

std::string exportGguf(ModuleOp module, const std::string &path,
                       const ExportOptions &options, ExportReport &report) {
  std::vector<std::pair<std::string, GgufValue>> metadata;
  Attribute meta = ggufMetadataOf(module);
  if (!meta)
    return "the module carries no GGUF metadata (lowbit.gguf); import the "
           "model with lowbit-import";
  if (std::string err = metadataFromAttr(meta, metadata); !err.empty())
    return err;
  uint32_t alignment = 32;
  bool hasQuantVersion = false;
  for (const auto &[k, v] : metadata) {
    if (k == "general.alignment")
      alignment = uint32_t(v.u);
    hasQuantVersion |= k == "general.quantization_version";
  }

  std::vector<GgufWriterTensor> tensors;
  std::set<std::string> names;
  std::string error;
  unsigned quantized = 0;
  // Outlier side data (lowbit-split-outliers) has no GGUF form: llama.cpp
  // would load the main matrix alone, with its outlier columns zeroed.
  auto refuse = [&](Value side, const char *op) {
    if (!error.empty())
      return;
    auto c = side.getDefiningOp<arith::ConstantOp>();
    StringAttr name = c ? dialect(c).getNameAttrHelper().getAttr(c) : nullptr;
    error = "tensor '" + (name ? name.str() : std::string("?")) +
            "' is outlier side data (" + op +
            ", from outlier splitting), which GGUF cannot hold; quantize "
            "without outliers= to export";
  };
  module.walk([&](ColumnMatmulOp m) {
    refuse(m.getWeight(), "lowbit.column_matmul");
  });
  module.walk([&](SparseMatmulOp m) {
    refuse(m.getValues(), "lowbit.sparse_matmul");
  });
  if (!error.empty())
    return error;
  module.walk([&](arith::ConstantOp c) {
    StringAttr name = dialect(c).getNameAttrHelper().getAttr(c);
    auto type = dyn_cast<RankedTensorType>(c.getType());
    if (!name || !type || !error.empty() || !names.insert(name.str()).second)
      return;
    GgufWriterTensor t;
    t.name = name.str();
    std::optional<ArrayRef<uint8_t>> bytes = constantBytes(c, t.data);
    if (!bytes) {
      error = "tensor '" + name.str() + "' has no data in the IR";
      return;
    }
    // Views into the IR's blobs: the module outlives the write.
    auto useView = [&] {
      if (t.data.empty()) {
        t.view = bytes->data();
        t.viewBytes = bytes->size();
      }
    };
    Type e = type.getElementType();
    if (isa<FloatType>(e)) {
      t.type = uint32_t(e.isF32()   ? GgmlType::F32
                        : e.isF16() ? GgmlType::F16
                                    : GgmlType::BF16);
      for (int64_t d : llvm::reverse(type.getShape()))
        t.dims.push_back(d);
      useView();
      tensors.push_back(std::move(t));
      return;
    }
    quant::Scheme scheme;
    int64_t rowLength = 0;
    if (!e.isInteger(8) || !packedInfo(c, scheme, rowLength)) {
      error = "tensor '" + t.name + "' is neither float nor packed weights";
      return;
    }
    int64_t rows = type.getNumElements() / type.getShape().back();
    t.dims = {rowLength, rows};
    auto ggml = formatGgmlType(scheme.format);
    if (ggml && rowLength % scheme.groupSize() == 0) {
      t.type = uint32_t(*ggml);
      useView();
      ++quantized;
      tensors.push_back(std::move(t));
      return;
    }
    std::string why =
        ggml ? "rows of " + std::to_string(rowLength) + " leave a partial " +
                   std::to_string(scheme.groupSize()) +
                   "-weight block, which GGUF cannot store"
             : "scheme " + quant::printScheme(scheme) + " has no GGUF type";
    if (options.unsupported == ExportOptions::Unsupported::Error) {
      error = "tensor '" + t.name + "': " + why +
              " (pass --unsupported=f16 or f32 to store decoded values)";
      return;
    }
    std::vector<float> values(size_t(rows * rowLength));
    quant::dequantizeMatrix(scheme, bytes->data(), size_t(rows),
                            unsigned(rowLength), values.data());
    t.view = nullptr;
    bool half = options.unsupported == ExportOptions::Unsupported::F16;
    t.type = uint32_t(half ? GgmlType::F16 : GgmlType::F32);
    t.data = floatsAs(values, half);
    report.conversions.push_back(t.name + ": " + why +
                                 "; stored its decoded values as " +
                                 (half ? "f16" : "f32"));
    tensors.push_back(std::move(t));
  });
  if (!error.empty())
    return error;
  if (quantized && !hasQuantVersion)
    metadata.emplace_back("general.quantization_version", GgufValue::ofU32(2));
  report.tensors = tensors.size();
  report.quantized = quantized;
  return writeGguf(path, metadata, tensors, alignment);
}

} // namespace lowbit::model
