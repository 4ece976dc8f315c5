//===- lowbit-run.cpp - Run a model: perplexity, KLD, generation, speed
//----===//
//
// <model> is model IR (.mlir/.mlirbc, JIT-compiled with the kernels
// lowbit-compile emits) or a shared library linked from lowbit-compile's
// object (.so; its tokenizer and dimensions come from the object).
//
//   lowbit-run perplexity <model> <text>   scores the text as
//       ../shared/models/README.md describes (stories split on
//       <|endoftext|>, [BOS] + tokens, 512-token windows advancing by 256)
//   lowbit-run generate <model> "<prompt>" [-n N] [--temperature T
//       --top-k K --top-p P --seed S]   greedy unless T > 0
//   lowbit-run bench <model> <prompt tokens> [-n decode tokens]
//       [--one-token-prompt]   prompt speed through the batched forward and
//       decode speed one token per call (llama-bench's pp and tg, tokens/s);
//       --one-token-prompt also times the prompt one token per call
//   lowbit-run calibrate <model IR> <text> -o stats.gguf [--chunk N]
//       [--layers a-b]   activation statistics of every weight's input by
//       llama-imatrix's protocol, written as an imatrix GGUF (+ lowbit's)
//   (perplexity, kld and calibrate take --stories a-b: those stories only)
//   lowbit-run kld <model> <text> --reference <ref model>
//       mean KL divergence of the model's next-token distribution from the
//       reference's over the perplexity protocol's scored tokens, both
//       perplexities and top-1 agreement (as llama-perplexity's KLD mode)
//
//===----------------------------------------------------------------------===//

#include "lowbit/Tools/ThreadsOption.h"
#include "lowbit/Calibration/ActivationRecorder.h"
#include "lowbit/Run/Calibrate.h"
#include "lowbit/Run/Evaluate.h"
#include "lowbit/Run/RunnableModel.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <unistd.h>
#include <cstdlib>
#include <fstream>
#include <malloc.h>
#include <sstream>

namespace cl = llvm::cl;

static cl::opt<std::string> command(cl::Positional,
                                    cl::desc("<perplexity|generate|kld|bench|calibrate>"),
                                    cl::Required);
static cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model IR>"),
                                      cl::Required);
static cl::opt<std::string>
    argument(cl::Positional, cl::desc("<text file | prompt>"), cl::Required);
static cl::opt<std::string>
    referencePath("reference", cl::desc("reference model IR for kld"),
                  cl::init(""));
static cl::opt<int> steps("n", cl::desc("tokens to generate"), cl::init(100));
static cl::opt<float> temperature("temperature",
                                  cl::desc("sampling temperature (0: greedy)"),
                                  cl::init(0));
static cl::opt<int> topK("top-k",
                         cl::desc("sample from the K most likely (0: all)"),
                         cl::init(0));
static cl::opt<float>
    topP("top-p", cl::desc("sample from the smallest set of mass >= P"),
         cl::init(1.0f));
static cl::opt<unsigned> seed("seed", cl::desc("sampling seed"), cl::init(1));
static cl::opt<int>
    window("window",
           cl::desc("perplexity window (default: 512, or the context if "
                    "smaller)"),
           cl::init(0));
static cl::opt<int>
    stride("stride",
           cl::desc("perplexity window stride (default: half the window)"),
           cl::init(0));
static cl::opt<bool> referenceKernels(
    "reference-kernels",
    cl::desc("scalar reference lowering instead of vector kernels"));
static cl::opt<std::string> weightsFile(
    "weights",
    cl::desc("external weights of a compiled model (default: the file the "
             "object names, beside the library)"),
    cl::init(""));
static cl::opt<std::string>
    outputPath("o", cl::desc("calibrate: the statistics file to write"),
               cl::value_desc("path"), cl::init(""));
static cl::opt<int> chunk("chunk",
                          cl::desc("calibrate: tokens per chunk (default: "
                                   "512, or the context if smaller)"),
                          cl::init(0));
static cl::opt<std::string>
    layers("layers", cl::desc("calibrate: only weights of layers a-b"),
           cl::init(""));
static cl::opt<bool> gram("gram",
                          cl::desc("calibrate: also each input's Gram matrix "
                                   "XᵀX (float64 while running, f32 upper "
                                   "triangle in the file)"));
static cl::opt<std::string>
    stories("stories",
            cl::desc("perplexity, kld, calibrate: only stories a-b of the "
                     "text (1-based, split on <|endoftext|>)"),
            cl::init(""));
static cl::opt<bool>
    floatPath("float-path",
              cl::desc("f32 kernels even where int8 dot products exist"));
static cl::opt<bool> oneTokenPrompt(
    "one-token-prompt",
    cl::desc("bench: also time the prompt fed one token per call"));

static int fail(const std::string &msg) {
  llvm::errs() << "lowbit-run: error: " << msg << "\n";
  return 1;
}

static bool readText(const std::string &path, std::string &text) {
  std::ifstream in(path);
  if (!in)
    return false;
  std::stringstream ss;
  ss << in.rdbuf();
  text = ss.str();
  return true;
}

/// The text to score or calibrate on: the file, cut to --stories.
static bool readStories(const std::string &path, std::string &text,
                        std::string &error) {
  if (!readText(path, text)) {
    error = "cannot read " + path;
    return false;
  }
  if (stories.empty())
    return true;
  std::optional<lowbit::IndexRange> range = lowbit::parseIndexRange(stories);
  if (!range) {
    error = "--stories must be a-b, got '" + stories + "'";
    return false;
  }
  std::string selected;
  error = lowbit::selectStories(text, *range, selected);
  text = selected;
  return error.empty();
}

static int calibrate(lowbit::RunnableModel &m, lowbit::ActivationRecorder &r,
                     const std::string &path) {
  std::string text, error;
  if (!readStories(path, text, error))
    return fail(error);
  int64_t chunkSize = chunk > 0 ? chunk : std::min<int64_t>(512, m.context());
  bool progress = ::isatty(2);
  auto start = std::chrono::steady_clock::now();
  lowbit::CalibrationRun run;
  r.activate();
  error = lowbit::runCalibration(
      m, text, chunkSize, run, [&](long k, long n) {
        if (!progress)
          return;
        double s = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
        llvm::errs() << llvm::format(
            "\rcalibrate: chunk %ld of %ld, %.0f tokens/s", k, n,
            double(k) * double(chunkSize) / std::max(s, 1e-9));
      });
  r.deactivate();
  if (progress)
    llvm::errs() << "\n";
  if (!error.empty())
    return fail(error);
  if (!r.error().empty())
    return fail(r.error());
  lowbit::CalibrationInfo info;
  info.dataset = llvm::sys::path::filename(path).str();
  info.chunks = run.chunks;
  info.chunkSize = run.chunkSize;
  if (std::string e = r.writeGguf(outputPath, info); !e.empty())
    return fail(e);
  size_t weights = 0;
  for (size_t i = 0; i < r.stats().size(); ++i)
    weights += r.stats()[i].rows ? r.groups()[i].size() : 0;
  llvm::outs() << llvm::format("calibrate: %ld chunks of %lld tokens, %zu "
                               "weights' inputs recorded, wrote ",
                               run.chunks, (long long)run.chunkSize, weights)
               << outputPath << "\n";
  return 0;
}

static int perplexity(lowbit::RunnableModel &m, const std::string &path) {
  std::string text, error;
  if (!readStories(path, text, error))
    return fail(error);
  lowbit::PerplexityResult r;
  if (std::string e = lowbit::evaluatePerplexity(m, text, {window, stride}, r);
      !e.empty())
    return fail(e);
  llvm::outs() << llvm::format(
      "stories %ld, scored tokens %zu, mean NLL %.6f nats/token, "
      "perplexity %.4f\n",
      r.stories, r.scored, r.meanNll, std::exp(r.meanNll));
  return 0;
}

static int kld(lowbit::RunnableModel &m, lowbit::RunnableModel &ref,
               const std::string &path) {
  std::string text, error;
  if (!readStories(path, text, error))
    return fail(error);
  lowbit::KldResult r;
  if (std::string e = lowbit::evaluateKld(m, ref, text, {window, stride}, r);
      !e.empty())
    return fail(e);
  double ppl = std::exp(r.meanNll), refPpl = std::exp(r.referenceMeanNll);
  llvm::outs() << llvm::format(
      "scored tokens %zu, mean KLD %.6f, perplexity %.4f (reference %.4f, "
      "delta %+.4f), top-1 agreement %.2f%%\n",
      r.scored, r.meanKld, ppl, refPpl, ppl - refPpl, 100.0 * r.top1Agreement);
  return 0;
}

/// Prefill `promptTokens` tokens, then decode `steps` more; tokens/s each.
static int bench(lowbit::RunnableModel &m, const std::string &promptTokens) {
  long prompt = std::strtol(promptTokens.c_str(), nullptr, 10);
  lowbit::SpeedResult r;
  if (std::string e =
          lowbit::measureSpeed(m, prompt, steps, oneTokenPrompt, r);
      !e.empty())
    return fail(e);
  llvm::outs() << llvm::format(
      "prompt %ld tokens: %.1f tokens/s (batched, up to %ld per call); "
      "decode %d tokens: %.1f tokens/s (one per call) (%s)\n",
      prompt, r.prefillTokensPerSecond, long(lowbit::RunnableModel::kMaxBatch),
      int(steps), r.decodeTokensPerSecond, m.describe().c_str());
  if (oneTokenPrompt)
    llvm::outs() << llvm::format(
        "prompt %ld tokens one token per call: %.1f tokens/s (%.2fx slower)\n",
        prompt, r.prefillOneTokenPerCallTokensPerSecond,
        r.prefillTokensPerSecond / r.prefillOneTokenPerCallTokensPerSecond);
  return 0;
}

static int generate(lowbit::RunnableModel &m, const std::string &prompt) {
  if (temperature < 0 || topK < 0 || !(topP > 0 && topP <= 1))
    return fail("need --temperature >= 0, --top-k >= 0, 0 < --top-p <= 1");
  lowbit::Sampler sampler(seed, temperature, topK, topP);
  std::string error;
  std::vector<int32_t> t =
      lowbit::generateTokens(m, prompt, steps, sampler, error);
  if (!error.empty())
    return fail(error);
  std::string out, ids;
  for (size_t i = 0; i < t.size(); ++i) {
    std::string piece = m.tokenizer().decode(t[i]);
    if (i == 0 && !piece.empty() && piece[0] == ' ')
      piece = piece.substr(1); // the dummy prefix
    out += piece;
    ids += (i > 0 ? " " : "") + std::to_string(t[i]);
  }
  llvm::outs() << out << "\ntokens: 1 " << ids << "\n";
  return 0;
}

int main(int argc, char **argv) {
  if (lowbit::refuseLLVMThreadsOption(argc, argv))
    return 1;
  llvm::InitLLVM init(argc, argv);
  // Compiled models allocate and free their temporaries every token; keep
  // freed memory in the heap instead of trimming it back to the kernel
  // and faulting it in again (this halved decode speed on stories260K).
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  cl::ParseCommandLineOptions(argc, argv, "lowbit-run: run model IR\n");
  if (command != "perplexity" && command != "generate" && command != "kld" &&
      command != "bench" && command != "calibrate")
    return fail("unknown command '" + command +
                "' (perplexity, generate, kld, bench, calibrate)");
  lowbit::RunnableModel::Options options;
  options.referenceKernels = referenceKernels;
  options.floatPath = floatPath;
  options.weights = weightsFile;
  lowbit::ActivationRecorder recorder;
  if (command == "calibrate") {
    if (outputPath.empty())
      return fail("calibrate needs -o <statistics file>");
    if (llvm::StringRef(modelPath).ends_with(".so"))
      return fail("calibrate runs model IR (it instruments it), not a "
                  "compiled library");
    options.recorder = &recorder;
    options.recordLayers = layers;
    options.recordGram = gram;
  }
  std::string err;
  std::unique_ptr<lowbit::RunnableModel> model =
      lowbit::loadModel(modelPath, options, err);
  if (!model)
    return fail(err);
  if (command != "bench" && !model->hasTokenizer())
    return fail(modelPath + " carries no tokenizer: only bench can run it");
  if (command == "kld") {
    if (referencePath.empty())
      return fail("kld needs --reference <model>");
    lowbit::RunnableModel::Options refOptions = options;
    refOptions.weights = ""; // --weights is the tested model's
    std::unique_ptr<lowbit::RunnableModel> reference =
        lowbit::loadModel(referencePath, refOptions, err);
    if (!reference)
      return fail(err);
    return kld(*model, *reference, argument);
  }
  if (command == "bench")
    return bench(*model, argument);
  if (command == "calibrate")
    return calibrate(*model, recorder, argument);
  return command == "perplexity" ? perplexity(*model, argument)
                                 : generate(*model, argument);
}
