//===- CompiledMatmul.cpp - JIT-compiled single quantized matmul ----------===//

#include "lowbit/Harness/CompiledMatmul.h"
#include "lowbit/Codegen/TargetMachine.h"
#include "lowbit/Dialect/LowBit/IR/LowBit.h"
#include "lowbit/Dialect/LowBit/Transforms/AttachTarget.h"
#include "lowbit/Dialect/LowBit/Transforms/OutlierColumns.h"
#include "lowbit/Harness/Jit.h"
#include "lowbit/InitAll.h"
#include "lowbit/Pipelines/Pipelines.h"
#include "lowbit/Target/CPU/ExternalWeights.h"
#include "lowbit/Target/CPU/ModelABI.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Pass/PassManager.h"

#include <cstdlib>
#include <cstring>

using namespace mlir;

namespace lowbit {

struct CompiledMatmul::Impl {
  MLIRContext ctx;
  std::unique_ptr<ExecutionEngine> engine;
  void (*fn)(StridedMemRefType<float, 2> *,
             StridedMemRefType<float, 2> *) = nullptr;
  unsigned rows = 0, cols = 0, tokens = 0;
  const void **slots = nullptr;
  std::vector<const void *> weights;
  std::vector<uint64_t> weightSizes;
};

CompiledMatmul::CompiledMatmul() : impl_(std::make_unique<Impl>()) {}
CompiledMatmul::~CompiledMatmul() = default;

std::string CompiledMatmul::build(const quant::Scheme &scheme, unsigned rows,
                                  unsigned cols, unsigned tokens,
                                  const std::vector<uint8_t> &packed,
                                  const MatmulBuildOptions &options) {
  registerAllPasses();
  Impl &m = *impl_;
  m.rows = rows;
  m.cols = cols;
  m.tokens = tokens;
  DialectRegistry registry;
  registerAllDialects(registry);
  registerLLVMTranslations(registry);
  m.ctx.appendDialectRegistry(registry);
  m.ctx.loadAllAvailableDialects();

  std::string diagnostics;
  ScopedDiagnosticHandler handler(&m.ctx, [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Remark)
      report_ = d.str();
    else
      diagnostics += d.str() + "\n";
    return success();
  });

  OpBuilder b(&m.ctx);
  Location loc = b.getUnknownLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module->getBody());
  auto f32 = b.getF32Type();
  int64_t t = options.dynamicRows ? ShapedType::kDynamic : int64_t(tokens);
  auto xType = RankedTensorType::get({t, cols}, f32);
  auto yType = RankedTensorType::get({t, rows}, f32);
  auto fn = func::FuncOp::create(b, loc, "matmul",
                                 b.getFunctionType({xType}, {yType}));
  fn->setAttr("llvm.emit_c_interface", b.getUnitAttr());
  b.setInsertionPointToStart(fn.addEntryBlock());
  int64_t rowBytes = int64_t(packed.size() / rows);
  auto wType = RankedTensorType::get({int64_t(rows), rowBytes}, b.getI8Type());
  auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<char>(
      reinterpret_cast<const char *>(packed.data()), packed.size()));
  Value w = arith::ConstantOp::create(
      b, loc, wType,
      DenseResourceElementsAttr::get(wType, "weight", std::move(blob)));
  Value x = fn.getArgument(0);
  const std::vector<int64_t> &columns = options.outlierColumns;
  if (!columns.empty())
    x = maskInputColumns(b, loc, x, columns);
  Value y =
      MatmulOp::create(b, loc, yType, x, w, SchemeAttr::get(&m.ctx, scheme));
  if (!columns.empty()) {
    auto sType = RankedTensorType::get(
        {int64_t(rows), int64_t(columns.size())}, b.getF16Type());
    if (options.outlierWeights.size() != size_t(rows) * columns.size())
      return "outlier weights must be rows x columns";
    Value side = arith::ConstantOp::create(
        b, loc, sType,
        DenseResourceElementsAttr::get(
            sType, "outliers",
            HeapAsmResourceBlob::allocateAndCopyInferAlign(
                ArrayRef<uint16_t>(options.outlierWeights))));
    y = addSideColumns(b, loc, y, fn.getArgument(0), side, columns);
  }
  if (!options.sparseOffsets.empty()) {
    if (options.sparseOffsets.size() != size_t(rows) + 1 ||
        options.sparseColumns.size() != options.sparseValues.size())
      return "sparse outliers need rows + 1 offsets and one column per value";
    auto constant = [&](Type e, auto data, const char *name) -> Value {
      auto type = RankedTensorType::get({int64_t(data.size())}, e);
      return arith::ConstantOp::create(
          b, loc, type,
          DenseResourceElementsAttr::get(
              type, name,
              HeapAsmResourceBlob::allocateAndCopyInferAlign(
                  ArrayRef(data))));
    };
    y = addSparseOutliers(
        b, loc, y, fn.getArgument(0),
        constant(b.getF16Type(), options.sparseValues, "sparse_values"),
        constant(b.getIntegerType(16), options.sparseColumns, "sparse_columns"),
        constant(b.getIntegerType(32), options.sparseOffsets,
                 "sparse_offsets"));
  }
  func::ReturnOp::create(b, loc, y);

  // The host CPU, and the kernels of the requested table entry (which the
  // host must be able to run: the JIT executes them here).
  std::string error;
  std::unique_ptr<llvm::TargetMachine> tm =
      codegen::createHostTargetMachine(error);
  if (!tm)
    return error;
  const codegen::TargetDesc *desc = options.target == "host"
                                        ? codegen::selectTarget(*tm)
                                        : codegen::findTarget(options.target);
  if (!desc)
    return "no kernel target '" + options.target +
           "' (known: " + codegen::targetNames() + ", host)";
  if (!codegen::runsOn(*desc, *tm))
    return std::string("this CPU cannot run target ") + desc->name;
  attachTarget(*module, *tm, *desc);

  PassManager pm(&m.ctx);
  LoweringOptions lowering;
  lowering.floatPath = options.floatPath;
  lowering.reference = options.reference;
  lowering.parallelThreshold = options.parallelThreshold;
  lowering.report = true;
  buildLoweringPipeline(pm, lowering);
  if (failed(pm.run(*module)))
    return "lowering failed: " + diagnostics;
  if (options.weightsInSlots)
    if (std::string e = cpu::referenceWeightsInPlace(*module, 4096, m.weights,
                                                     &m.weightSizes);
        !e.empty())
      return e;

  m.engine = jitCompile(*module, error);
  if (!m.engine)
    return error;
  if (!m.weights.empty()) {
    auto slots = m.engine->lookup(cpu::abiName(cpu::AbiSymbol::WeightSlots));
    if (!slots)
      return "JIT: no weight slots: " + llvm::toString(slots.takeError());
    m.slots = static_cast<const void **>(*slots);
    std::copy(m.weights.begin(), m.weights.end(), m.slots);
  }
  auto sym = m.engine->lookup("_mlir_ciface_matmul");
  if (!sym)
    return "JIT: " + llvm::toString(sym.takeError());
  m.fn = reinterpret_cast<decltype(m.fn)>(*sym);
  return "";
}

std::vector<std::pair<const void *, size_t>>
CompiledMatmul::weightBlobs() const {
  std::vector<std::pair<const void *, size_t>> blobs;
  for (size_t i = 0; i < impl_->weights.size(); ++i)
    blobs.push_back({impl_->slots[i], size_t(impl_->weightSizes[i])});
  return blobs;
}

void CompiledMatmul::setWeightSlot(size_t i, const void *bytes) {
  impl_->slots[i] = bytes;
}

void CompiledMatmul::run(const float *x, float *y) {
  Impl &m = *impl_;
  StridedMemRefType<float, 2> in;
  in.basePtr = in.data = const_cast<float *>(x);
  in.offset = 0;
  in.sizes[0] = m.tokens;
  in.sizes[1] = m.cols;
  in.strides[0] = m.cols;
  in.strides[1] = 1;
  StridedMemRefType<float, 2> out{};
  m.fn(&out, &in);
  for (unsigned t = 0; t < m.tokens; ++t)
    std::memcpy(y + size_t(t) * m.rows,
                out.data + out.offset + size_t(t) * out.strides[0],
                m.rows * sizeof(float));
  std::free(out.basePtr); // the caller owns returned buffers
}

} // namespace lowbit
