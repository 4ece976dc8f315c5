//===- lowbit-export.cpp - Model IR -> GGUF
//---------------------------------===//
//
// Writes every named tensor of (quantized) model IR, with the metadata the
// IR carries (`lowbit.gguf`), as a GGUF v3 file llama.cpp can load. Tensors
// GGUF cannot hold (parametric schemes, rows that leave a truncated
// super-block or padded block) are refused with a message naming them,
// unless --unsupported=f16|f32 asks to store their decoded values instead;
// every such conversion is listed.
//
//===----------------------------------------------------------------------===//

#include "lowbit/Dialect/LowBit/IR/ConstantData.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"
#include "lowbit/Model/Gguf.h"
#include "lowbit/ModelIR/GgufMetadata.h"
#include "lowbit/Quant/Half.h"
#include "lowbit/Quant/Quantizer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

#include <set>

using namespace mlir;
using namespace lowbit;
namespace cl = llvm::cl;

static cl::opt<std::string> inputPath(cl::Positional,
                                      cl::desc("<model IR (.mlir/.mlirbc)>"),
                                      cl::Required);
static cl::opt<std::string> outputPath("o", cl::desc("output GGUF file"),
                                       cl::value_desc("path"), cl::Required);
static cl::opt<std::string> unsupported(
    "unsupported",
    cl::desc("tensors GGUF cannot hold: error (default), or store their "
             "decoded values as f16 or f32"),
    cl::init("error"));

namespace {

int fail(const std::string &msg) {
  llvm::errs() << "lowbit-export: error: " << msg << "\n";
  return 1;
}

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

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "lowbit-export: model IR -> GGUF\n");
  if (unsupported != "error" && unsupported != "f16" && unsupported != "f32")
    return fail("--unsupported must be error, f16 or f32");

  DialectRegistry registry;
  registry.insert<arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                  tensor::TensorDialect, LowBitDialect>();
  MLIRContext ctx(registry);
  llvm::SourceMgr sourceMgr;
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(inputPath, sourceMgr, ParserConfig(&ctx));
  if (!module)
    return fail("cannot parse " + inputPath);

  std::vector<std::pair<std::string, model::GgufValue>> metadata;
  Attribute meta = model::ggufMetadataOf(*module);
  if (!meta)
    return fail(inputPath + " carries no GGUF metadata (lowbit.gguf); "
                            "import the model with lowbit-import");
  if (std::string err = model::metadataFromAttr(meta, metadata); !err.empty())
    return fail(err);
  uint32_t alignment = 32;
  bool hasQuantVersion = false;
  for (const auto &[k, v] : metadata) {
    if (k == "general.alignment")
      alignment = uint32_t(v.u);
    hasQuantVersion |= k == "general.quantization_version";
  }

  std::vector<model::GgufWriterTensor> tensors;
  std::set<std::string> names;
  std::string error;
  unsigned converted = 0, quantized = 0;
  module->walk([&](arith::ConstantOp c) {
    StringAttr name = dialect(c).getNameAttrHelper().getAttr(c);
    auto type = dyn_cast<RankedTensorType>(c.getType());
    if (!name || !type || !error.empty() || !names.insert(name.str()).second)
      return;
    model::GgufWriterTensor t;
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
      t.type = uint32_t(e.isF32()   ? model::GgmlType::F32
                        : e.isF16() ? model::GgmlType::F16
                                    : model::GgmlType::BF16);
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
    auto ggml = model::formatGgmlType(scheme.format);
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
    if (unsupported == "error") {
      error = "tensor '" + t.name + "': " + why +
              " (pass --unsupported=f16 or f32 to store decoded values)";
      return;
    }
    std::vector<float> values(size_t(rows * rowLength));
    quant::dequantizeMatrix(scheme, bytes->data(), size_t(rows),
                            unsigned(rowLength), values.data());
    t.view = nullptr;
    bool half = unsupported == "f16";
    t.type = uint32_t(half ? model::GgmlType::F16 : model::GgmlType::F32);
    t.data = floatsAs(values, half);
    llvm::outs() << "lowbit-export: " << t.name << ": " << why
                 << "; stored its decoded values as " << unsupported << "\n";
    ++converted;
    tensors.push_back(std::move(t));
  });
  if (!error.empty())
    return fail(error);
  if (quantized && !hasQuantVersion)
    metadata.emplace_back("general.quantization_version",
                          model::GgufValue::ofU32(2));
  if (std::string err =
          model::writeGguf(outputPath, metadata, tensors, alignment);
      !err.empty())
    return fail(err);
  llvm::outs() << "lowbit-export: wrote " << tensors.size() << " tensors ("
               << quantized << " quantized";
  if (converted)
    llvm::outs() << ", " << converted << " stored decoded as " << unsupported;
  llvm::outs() << ") to " << outputPath << "\n";
  return 0;
}
