//===- lowbit-compile.cpp - Model IR or model file -> .o + C header ---------===//
//
//   lowbit-compile model.mlirbc -o model.o --emit-header model.h
//   lowbit-compile stories260K.bin --quantize="recipe=q4_k_m" -o m.o
//       [-mtriple=aarch64-linux-gnu] [-mcpu=...] [-mattr=+dotprod,...]
//
// Input is model IR, or a model file (imported in-process, then quantized
// with the lowbit-quantize options given). Code comes from the reference
// lowering (lowbit-lowering: vector kernels per target) compiled by LLVM at -O3 for the
// selected target; weights live in the object. The header declares a C
// ABI to create a model state (its KV cache), run one token, read logits.
//
//===----------------------------------------------------------------------===//

#include "TargetSelection.h"

#include "lowbit/InitAll.h"
#include "lowbit/Model/Gguf.h"
#include "lowbit/Model/Llama2C.h"
#include "lowbit/Model/ModelIR.h"
#include "lowbit/Model/Safetensors.h"
#include "lowbit/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "lowbit/Codegen/Targets.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <fstream>

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputPath(cl::Positional,
                                      cl::desc("<model IR or model file>"),
                                      cl::Required);
static cl::opt<std::string> outputPath("o", cl::desc("output object file"),
                                       cl::Required);
static cl::opt<std::string> headerPath("emit-header",
                                       cl::desc("write a C header here"),
                                       cl::init(""));
static cl::opt<std::string> quantize(
    "quantize", cl::desc("lowbit-quantize options, e.g. recipe=q4_k_m"),
    cl::init(""));
static cl::opt<std::string> triple("mtriple", cl::desc("target triple"),
                                   cl::init(""));
static cl::opt<std::string> cpu("mcpu", cl::desc("target CPU (native = host)"),
                                cl::init(""));
static cl::opt<std::string> attrs("mattr", cl::desc("target features"),
                                  cl::init(""));
static cl::opt<std::string> tokenizer("tokenizer",
                                      cl::desc("llama2.c-format tokenizer for "
                                               "model files"),
                                      cl::init(""));
static cl::opt<int64_t> context("context",
                                cl::desc("KV cache length for model files"),
                                cl::init(0));

static cl::opt<bool> floatPath(
    "float-path", cl::desc("f32 kernels even where int8 dot products exist"));
static cl::opt<bool> referenceKernels(
    "reference-kernels",
    cl::desc("scalar reference lowering instead of vector kernels"));
static cl::opt<bool> kernelReport(
    "kernel-report", cl::desc("print the kernel chosen for each matmul"));

static int fail(const std::string &msg) {
  llvm::errs() << "lowbit-compile: error: " << msg << "\n";
  return 1;
}

/// Imports a model file in-process (as lowbit-import does).
static OwningOpRef<ModuleOp> importModel(MLIRContext &ctx, std::string &err,
                                         lowbit::model::GgufFile &gguf,
                                         lowbit::model::Llama2CModel &l2c,
                                         lowbit::model::SafetensorsFile &st,
                                         lowbit::model::ModelDescription &d) {
  llvm::StringRef path(inputPath);
  if (path.ends_with(".gguf")) {
    err = gguf.open(inputPath);
    if (err.empty())
      d = lowbit::model::describeModel(gguf, err);
  } else if (path.ends_with(".safetensors")) {
    llvm::SmallString<256> config(path);
    llvm::sys::path::remove_filename(config);
    llvm::sys::path::append(config, "config.json");
    lowbit::model::HfLlamaConfig hf;
    err = lowbit::model::readHfLlamaConfig(std::string(config), hf);
    if (err.empty())
      err = st.open(inputPath);
    if (err.empty())
      err = lowbit::model::describeModel(st, hf, tokenizer, d);
  } else {
    err = l2c.open(inputPath);
    if (err.empty())
      err = lowbit::model::describeModel(l2c, tokenizer, d);
  }
  if (!err.empty())
    return nullptr;
  if (context > 0 && d.llama)
    d.llama->context = context;
  return lowbit::model::buildModelIR(ctx, d, err);
}

/// Bufferization creates the constants' globals in an order (and with
/// numbered names) that varies from run to run; sort them by type and data
/// and rename them so the same input always gives the same object.
static void stabilizeGlobals(ModuleOp module) {
  SmallVector<std::pair<std::string, LLVM::GlobalOp>> globals;
  for (auto g : module.getOps<LLVM::GlobalOp>()) {
    if (!g.getSymName().starts_with("__constant_"))
      continue;
    std::string key;
    llvm::raw_string_ostream os(key);
    os << g.getGlobalType() << " ";
    if (auto value = g.getValueOrNull())
      value.print(os);
    globals.emplace_back(key, g);
  }
  llvm::stable_sort(globals,
                    [](const auto &a, const auto &b) { return a.first < b.first; });
  Block *body = module.getBody();
  Operation *anchor = body->empty() ? nullptr : &body->front();
  for (auto [i, entry] : llvm::enumerate(globals)) {
    LLVM::GlobalOp g = entry.second;
    std::string name = "__lowbit_constant_" + std::to_string(i);
    if (failed(SymbolTable::replaceAllSymbolUses(g, StringAttr::get(module.getContext(), name), module)))
      continue;
    g.setSymName(name);
    g->moveBefore(anchor);
    anchor = g->getNextNode();
  }
}

/// The C ABI over the generated _mlir_ciface_forward.
static std::string header(int64_t layers, int64_t ctx, int64_t kvDim,
                          int64_t vocab, bool openmp) {
  auto n = [](int64_t v) { return std::to_string(v); };
  return R"(/* Generated by lowbit-compile: the C interface of a compiled model.
 * Link the object and, for its strided copies, libmlir_c_runner_utils;
 * when LOWBIT_MODEL_USES_OPENMP is 1, also the OpenMP runtime (-fopenmp or
 * -lomp; OMP_NUM_THREADS sets the threads, results do not depend on it). */
#ifndef LOWBIT_MODEL_H
#define LOWBIT_MODEL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LOWBIT_MODEL_LAYERS )" + n(layers) + R"(
#define LOWBIT_MODEL_CONTEXT )" + n(ctx) + R"(
#define LOWBIT_MODEL_KV_DIM )" + n(kvDim) + R"(
#define LOWBIT_MODEL_VOCAB )" + n(vocab) + R"(
#define LOWBIT_MODEL_USES_OPENMP )" + n(openmp) + R"(

struct lowbit_memref2 { float *allocated, *aligned; int64_t offset, sizes[2], strides[2]; };
struct lowbit_memref3 { float *allocated, *aligned; int64_t offset, sizes[3], strides[3]; };
void _mlir_ciface_forward(struct lowbit_memref2 *logits, int64_t token, int64_t pos,
                          struct lowbit_memref3 *kcache, struct lowbit_memref3 *vcache);

typedef struct lowbit_model {
  struct lowbit_memref3 k, v;
  int64_t context;
} lowbit_model;

typedef struct lowbit_model_info {
  int64_t layers, context, kv_dim, vocab;
} lowbit_model_info;

static inline lowbit_model_info lowbit_model_get_info(void) {
  lowbit_model_info i = {LOWBIT_MODEL_LAYERS, LOWBIT_MODEL_CONTEXT,
                         LOWBIT_MODEL_KV_DIM, LOWBIT_MODEL_VOCAB};
  return i;
}

static inline void lowbit_model_init_cache(struct lowbit_memref3 *m, float *data) {
  m->allocated = m->aligned = data;
  m->offset = 0;
  m->sizes[0] = LOWBIT_MODEL_LAYERS;
  m->sizes[1] = LOWBIT_MODEL_CONTEXT;
  m->sizes[2] = LOWBIT_MODEL_KV_DIM;
  m->strides[0] = (int64_t)LOWBIT_MODEL_CONTEXT * LOWBIT_MODEL_KV_DIM;
  m->strides[1] = LOWBIT_MODEL_KV_DIM;
  m->strides[2] = 1;
}

/* A model state with a KV cache for `context` positions (at most the
 * compiled LOWBIT_MODEL_CONTEXT); NULL on failure. */
static inline lowbit_model *lowbit_model_create(int64_t context) {
  if (context <= 0 || context > LOWBIT_MODEL_CONTEXT)
    return NULL;
  size_t n = (size_t)LOWBIT_MODEL_LAYERS * LOWBIT_MODEL_CONTEXT * LOWBIT_MODEL_KV_DIM;
  lowbit_model *m = (lowbit_model *)calloc(1, sizeof *m);
  float *k = (float *)calloc(n, sizeof(float)), *v = (float *)calloc(n, sizeof(float));
  if (!m || !k || !v) {
    free(m); free(k); free(v);
    return NULL;
  }
  lowbit_model_init_cache(&m->k, k);
  lowbit_model_init_cache(&m->v, v);
  m->context = context;
  return m;
}

static inline void lowbit_model_free(lowbit_model *m) {
  if (!m)
    return;
  free(m->k.allocated);
  free(m->v.allocated);
  free(m);
}

/* Runs `count` tokens starting at position `pos`; writes the logits of the
 * last one (LOWBIT_MODEL_VOCAB floats). Returns 0, or -1 when the tokens do
 * not fit the context or a token is out of range. */
static inline int lowbit_model_forward(lowbit_model *m, const int32_t *tokens,
                                       int64_t count, int64_t pos, float *logits) {
  if (!m || count <= 0 || pos < 0 || pos + count > m->context)
    return -1;
  for (int64_t i = 0; i < count; ++i) {
    if (tokens[i] < 0 || tokens[i] >= LOWBIT_MODEL_VOCAB)
      return -1;
    struct lowbit_memref2 out;
    _mlir_ciface_forward(&out, tokens[i], pos + i, &m->k, &m->v);
    if (i == count - 1)
      memcpy(logits, out.aligned, sizeof(float) * LOWBIT_MODEL_VOCAB);
    free(out.allocated);
  }
  return 0;
}

#endif /* LOWBIT_MODEL_H */
)";
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "lowbit-compile: model -> object file + C header\n");
  std::string err;
  std::unique_ptr<llvm::TargetMachine> tm =
      lowbit::selectTarget(triple, cpu, attrs, err);
  if (!tm)
    return fail(err);

  DialectRegistry registry;
  lowbit::registerAllDialects(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
  lowbit::registerAllPasses();
  MLIRContext ctx(registry);

  lowbit::model::GgufFile gguf;
  lowbit::model::Llama2CModel l2c;
  lowbit::model::SafetensorsFile st;
  lowbit::model::ModelDescription description;
  OwningOpRef<ModuleOp> module;
  llvm::StringRef path(inputPath);
  if (path.ends_with(".mlir") || path.ends_with(".mlirbc")) {
    llvm::SourceMgr sourceMgr;
    module = parseSourceFile<ModuleOp>(inputPath, sourceMgr, ParserConfig(&ctx));
    if (!module)
      return fail("cannot parse " + inputPath);
  } else {
    module = importModel(ctx, err, gguf, l2c, st, description);
    if (!module)
      return fail(err);
  }
  auto forward = module->lookupSymbol<func::FuncOp>("forward");
  // Without @forward the module is compiled as a library of its public
  // functions (e.g. single kernels for tests); the model header needs it.
  if (!forward && !headerPath.empty())
    return fail(inputPath + " has no @forward (a Llama model is needed)");
  RankedTensorType cache;
  int64_t vocab = 0;
  if (forward) {
    cache = cast<RankedTensorType>(forward.getArgumentTypes()[2]);
    vocab = cast<RankedTensorType>(forward.getResultTypes()[0]).getDimSize(1);
  }

  // Kernel remarks (--kernel-report) and errors, one line each.
  ScopedDiagnosticHandler diagnostics(&ctx, [](Diagnostic &d) {
    bool remark = d.getSeverity() == DiagnosticSeverity::Remark;
    if (remark && !kernelReport)
      return success();
    llvm::errs() << (remark ? "kernel: " : "lowbit-compile: ") << d.str()
                 << "\n";
    return success();
  });
  PassManager pm(&ctx);
  if (!quantize.empty() &&
      failed(parsePassPipeline("lowbit-quantize{" + quantize + "}", pm)))
    return fail("bad --quantize options '" + quantize + "'");
  // The kernels' target description, from the same feature set LLVM uses.
  const llvm::MCSubtargetInfo *sti = tm->getMCSubtargetInfo();
  const lowbit::codegen::TargetDesc *desc = lowbit::codegen::selectTarget(
      tm->getTargetTriple().getArchName(),
      [&](llvm::StringRef f) { return sti->checkFeatures("+" + f.str()); });
  if (!desc && !referenceKernels)
    return fail("no kernel target description for " +
                tm->getTargetTriple().str() + " (known: " +
                lowbit::codegen::targetNames() +
                "); --reference-kernels compiles it with scalar code");
  lowbit::LoweringOptions lowering;
  lowering.reference = referenceKernels;
  lowering.floatPath = floatPath;
  lowering.report = kernelReport;
  if (desc)
    lowering.target = desc->name;
  lowbit::buildLoweringPipeline(pm, lowering);
  if (failed(pm.run(*module)))
    return fail("lowering failed");
  stabilizeGlobals(*module);

  llvm::LLVMContext llvmCtx;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(*module, llvmCtx, "lowbit_model");
  if (!llvmModule)
    return fail("translation to LLVM IR failed");
  bool usesOpenMP = llvmModule->getFunction("__kmpc_fork_call") != nullptr;
  llvmModule->setTargetTriple(tm->getTargetTriple());
  llvmModule->setDataLayout(tm->createDataLayout());
  auto optimize = makeOptimizingTransformer(3, 0, tm.get());
  if (llvm::Error e = optimize(llvmModule.get()))
    return fail("optimization failed: " + llvm::toString(std::move(e)));

  std::error_code ec;
  llvm::ToolOutputFile out(outputPath, ec, llvm::sys::fs::OF_None);
  if (ec)
    return fail(outputPath + ": " + ec.message());
  llvm::legacy::PassManager codegen;
  if (tm->addPassesToEmitFile(codegen, out.os(), nullptr,
                              llvm::CodeGenFileType::ObjectFile))
    return fail("the target cannot emit object files");
  codegen.run(*llvmModule);
  out.keep();
  if (!headerPath.empty()) {
    std::ofstream h(headerPath);
    h << header(cache.getDimSize(0), cache.getDimSize(1), cache.getDimSize(2),
                vocab, usesOpenMP);
    if (!h)
      return fail("cannot write " + headerPath);
  }
  return 0;
}
