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
//       prefill and decode speed (tokens/s)
//   lowbit-run kld <model> <text> --reference <ref model>
//       mean KL divergence of the model's next-token distribution from the
//       reference's over the perplexity protocol's scored tokens, both
//       perplexities and top-1 agreement (as llama-perplexity's KLD mode)
//
//===----------------------------------------------------------------------===//

#include "lowbit/Tools/ThreadsOption.h"
#include "lowbit/Run/Evaluate.h"
#include "lowbit/Run/RunnableModel.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <malloc.h>
#include <sstream>

namespace cl = llvm::cl;

static cl::opt<std::string> command(cl::Positional,
                                    cl::desc("<perplexity|generate|kld|bench>"),
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
static cl::opt<bool>
    floatPath("float-path",
              cl::desc("f32 kernels even where int8 dot products exist"));

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

static int perplexity(lowbit::RunnableModel &m, const std::string &path) {
  std::string text;
  if (!readText(path, text))
    return fail("cannot read " + path);
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
  std::string text;
  if (!readText(path, text))
    return fail("cannot read " + path);
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
  if (std::string e = lowbit::measureSpeed(m, prompt, steps, r); !e.empty())
    return fail(e);
  llvm::outs() << llvm::format(
      "prefill %ld tokens: %.1f tokens/s; decode %d tokens: %.1f tokens/s "
      "(%s, one token per call)\n",
      prompt, r.prefillTokensPerSecond, int(steps), r.decodeTokensPerSecond,
      m.describe().c_str());
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
      command != "bench")
    return fail("unknown command '" + command +
                "' (perplexity, generate, kld, bench)");
  lowbit::RunnableModel::Options options;
  options.referenceKernels = referenceKernels;
  options.floatPath = floatPath;
  options.weights = weightsFile;
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
  return command == "perplexity" ? perplexity(*model, argument)
                                 : generate(*model, argument);
}
