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

#include "RunnableModel.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <malloc.h>
#include <random>
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
static cl::opt<int> window("window", cl::desc("perplexity window"),
                           cl::init(512));
static cl::opt<int> stride("stride", cl::desc("perplexity window stride"),
                           cl::init(256));
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

static std::string strip(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

/// log softmax in double.
static std::vector<double> logSoftmax(const std::vector<float> &logits) {
  double max = logits[0];
  for (float l : logits)
    max = std::max(max, double(l));
  double sum = 0;
  for (float l : logits)
    sum += std::exp(double(l) - max);
  double lse = std::log(sum) + max;
  std::vector<double> out(logits.size());
  for (size_t i = 0; i < logits.size(); ++i)
    out[i] = double(logits[i]) - lse;
  return out;
}

/// -log softmax(logits)[target].
static double nll(const std::vector<float> &logits, int32_t target) {
  return -logSoftmax(logits)[size_t(target)];
}

/// Runs the perplexity protocol over `path`: for every scored token,
/// calls `score(target, position, windowStart)` after feeding the token
/// before it to `feed(token, pos)`. Returns the number of stories or -1.
static long forEachScored(const lowbit::RunnableModel &m,
                          const std::string &path,
                          const std::function<void(int32_t, int64_t)> &feed,
                          const std::function<void(int32_t)> &score) {
  std::ifstream in(path);
  if (!in) {
    fail("cannot read " + path);
    return -1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const std::string sep = "<|endoftext|>";
  if (window > m.context() || stride <= 0 || stride > window) {
    fail("window must be <= the context (" + std::to_string(m.context()) +
         ") and stride in [1, window]");
    return -1;
  }
  long stories = 0;
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find(sep, start);
    std::string story = strip(text.substr(
        start, end == std::string::npos ? std::string::npos : end - start));
    start = end == std::string::npos ? text.size() + 1 : end + sep.size();
    if (story.empty())
      continue;
    ++stories;
    std::vector<int32_t> t = m.tokenizer().encode(story);
    size_t done = 1; // tokens [0, done) are scored (BOS is never scored)
    for (size_t w = 0; done < t.size(); w += size_t(stride.getValue())) {
      size_t n = std::min(t.size() - w, size_t(window.getValue()));
      for (size_t i = 0; i + 1 < n; ++i) {
        feed(t[w + i], int64_t(i));
        size_t target = w + i + 1;
        if (target >= done)
          score(t[target]);
      }
      done = w + n;
    }
  }
  return stories;
}

static int perplexity(lowbit::RunnableModel &m, const std::string &path) {
  double total = 0;
  size_t scored = 0;
  const std::vector<float> *logits = nullptr;
  long stories = forEachScored(
      m, path, [&](int32_t tok, int64_t pos) { logits = &m.forward(tok, pos); },
      [&](int32_t target) {
        total += nll(*logits, target);
        ++scored;
      });
  if (stories < 0)
    return 1;
  double mean = scored ? total / double(scored) : 0;
  llvm::outs() << llvm::format(
      "stories %ld, scored tokens %zu, mean NLL %.6f nats/token, "
      "perplexity %.4f\n",
      stories, scored, mean, std::exp(mean));
  return 0;
}

static int kld(lowbit::RunnableModel &m, lowbit::RunnableModel &ref,
               const std::string &path) {
  if (m.vocab() != ref.vocab())
    return fail("the models' vocabularies differ");
  double kl = 0, nllTest = 0, nllRef = 0;
  size_t scored = 0, agree = 0;
  std::vector<float> testLogits, refLogits;
  long stories = forEachScored(
      m, path,
      [&](int32_t tok, int64_t pos) {
        testLogits = m.forward(tok, pos);
        refLogits = ref.forward(tok, pos);
      },
      [&](int32_t target) {
        std::vector<double> p = logSoftmax(refLogits),
                            q = logSoftmax(testLogits);
        double d = 0;
        for (size_t i = 0; i < p.size(); ++i)
          d += std::exp(p[i]) * (p[i] - q[i]);
        kl += d;
        nllTest -= q[size_t(target)];
        nllRef -= p[size_t(target)];
        agree += std::max_element(p.begin(), p.end()) - p.begin() ==
                 std::max_element(q.begin(), q.end()) - q.begin();
        ++scored;
      });
  if (stories < 0)
    return 1;
  double n = double(std::max<size_t>(scored, 1));
  llvm::outs() << llvm::format(
      "scored tokens %zu, mean KLD %.6f, perplexity %.4f (reference %.4f, "
      "delta %+.4f), top-1 agreement %.2f%%\n",
      scored, kl / n, std::exp(nllTest / n), std::exp(nllRef / n),
      std::exp(nllTest / n) - std::exp(nllRef / n), 100.0 * double(agree) / n);
  return 0;
}

/// Prefill `promptTokens` tokens, then decode `steps` more; tokens/s each.
static int bench(lowbit::RunnableModel &m, const std::string &promptTokens) {
  long prompt = std::strtol(promptTokens.c_str(), nullptr, 10);
  if (prompt <= 0 || prompt + steps > m.context())
    return fail("prompt and decode tokens must fit the context (" +
                std::to_string(m.context()) + ")");
  auto now = [] { return std::chrono::steady_clock::now(); };
  int32_t token = m.hasTokenizer() ? m.tokenizer().bos() : 1;
  auto t0 = now();
  for (long p = 0; p < prompt; ++p)
    m.forward(token, p);
  auto t1 = now();
  for (long p = prompt; p < prompt + steps; ++p) {
    const std::vector<float> &logits = m.forward(token, p);
    token = int32_t(std::max_element(logits.begin(), logits.end()) -
                    logits.begin());
  }
  auto t2 = now();
  double prefill = std::chrono::duration<double>(t1 - t0).count();
  double decode = std::chrono::duration<double>(t2 - t1).count();
  llvm::outs() << llvm::format(
      "prefill %ld tokens: %.1f tokens/s; decode %d tokens: %.1f tokens/s "
      "(%s, one token per call)\n",
      prompt, double(prompt) / prefill, int(steps), double(steps) / decode,
      m.describe().c_str());
  return 0;
}

/// The next token: argmax, or a sample at `temperature` from the top-k
/// tokens cut to the smallest prefix of probability mass >= top-p.
class Sampler {
public:
  explicit Sampler(unsigned seed) : rng_(seed) {}
  int32_t next(const std::vector<float> &logits) {
    auto best = std::max_element(logits.begin(), logits.end());
    if (temperature <= 0)
      return int32_t(best - logits.begin());
    std::vector<std::pair<double, int32_t>> p;
    for (size_t i = 0; i < logits.size(); ++i)
      p.emplace_back(std::exp(double(logits[i] - *best) / temperature),
                     int32_t(i));
    std::sort(p.begin(), p.end(), [](const auto &a, const auto &b) {
      return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    if (topK > 0 && size_t(topK) < p.size())
      p.resize(size_t(topK));
    double total = 0;
    for (const auto &e : p)
      total += e.first;
    double mass = 0;
    size_t keep = 0;
    while (keep < p.size() && (keep == 0 || mass < topP * total))
      mass += p[keep++].first;
    p.resize(keep);
    double r = std::uniform_real_distribution<double>(0.0, mass)(rng_);
    for (const auto &e : p)
      if ((r -= e.first) < 0)
        return e.second;
    return p.back().second;
  }

private:
  std::mt19937_64 rng_;
};

static int generate(lowbit::RunnableModel &m, const std::string &prompt) {
  if (temperature < 0 || topK < 0 || !(topP > 0 && topP <= 1))
    return fail("need --temperature >= 0, --top-k >= 0, 0 < --top-p <= 1");
  std::vector<int32_t> t = m.tokenizer().encode(prompt);
  const size_t promptTokens = t.size();
  if (int64_t(promptTokens) > m.context())
    return fail("the prompt does not fit the context");
  Sampler sampler(seed);
  for (int64_t pos = 0; pos < m.context(); ++pos) {
    const std::vector<float> &logits = m.forward(t[size_t(pos)], pos);
    if (size_t(pos) + 1 < t.size())
      continue;
    if (t.size() >= promptTokens + size_t(std::max(0, int(steps))))
      break;
    int32_t next = sampler.next(logits);
    if (next == m.tokenizer().bos() || next == m.tokenizer().eos())
      break;
    t.push_back(next);
  }
  std::string out, ids;
  for (size_t i = 1; i < t.size(); ++i) {
    std::string piece = m.tokenizer().decode(t[i]);
    if (i == 1 && !piece.empty() && piece[0] == ' ')
      piece = piece.substr(1); // the dummy prefix
    out += piece;
    ids += (i > 1 ? " " : "") + std::to_string(t[i]);
  }
  llvm::outs() << out << "\ntokens: 1 " << ids << "\n";
  return 0;
}

int main(int argc, char **argv) {
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
