//===- Evaluate.cpp - Perplexity, KLD, sampling and speed of a model ------===//

#include "lowbit/Run/Evaluate.h"

#include "llvm/ADT/ArrayRef.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>

namespace lowbit {

namespace {

std::string strip(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

/// log softmax in double.
std::vector<double> logSoftmax(llvm::ArrayRef<float> logits) {
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
double nll(llvm::ArrayRef<float> logits, int32_t target) {
  return -logSoftmax(logits)[size_t(target)];
}

/// Runs the protocol over `text`: for every scored token, calls
/// Why a score is not a number: NaN or infinite logits (a model whose
/// weights hold them, or an overflow), counted so the user can find them.
std::string notFinite(llvm::ArrayRef<float> logits, size_t scoredBefore) {
  size_t nan = 0, inf = 0;
  for (float l : logits) {
    nan += std::isnan(l);
    inf += std::isinf(l);
  }
  return "the model's logits are not finite at scored token " +
         std::to_string(scoredBefore + 1) + " (" + std::to_string(nan) +
         " NaN, " + std::to_string(inf) + " infinite of " +
         std::to_string(logits.size()) +
         "): no perplexity is computed from them";
}

/// Feeds each window's tokens (positions 0, 1, ...) to `feed`, which
/// returns "" or why it failed, then calls `score(i, target)` for every
/// scored token, `i` being the window row whose logits predict it. `score`
/// returns "" to go on, or why the run stops (its `error`). Returns the
/// number of stories, or -1 with `error` set.
long forEachScored(const RunnableModel &m, const std::string &text,
                   const ScoringWindows &windows,
                   const std::function<std::string(const std::vector<int32_t> &)>
                       &feed,
                   const std::function<std::string(size_t, int32_t)> &score,
                   std::string &error) {
  const std::string sep = "<|endoftext|>";
  const int window = windows.window > 0
                         ? windows.window
                         : int(std::min<int64_t>(512, m.context()));
  const int stride =
      windows.stride > 0 ? windows.stride : std::max(1, window / 2);
  if (windows.window < 0 || window < 2 || window > m.context()) {
    error = "--window must be in [2, the context " +
            std::to_string(m.context()) + "], got " + std::to_string(window);
    return -1;
  }
  if (windows.stride < 0 || stride > window) {
    error = "--stride must be in [1, the window " + std::to_string(window) +
            "], got " + std::to_string(stride);
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
    for (size_t w = 0; done < t.size(); w += size_t(stride)) {
      size_t n = std::min(t.size() - w, size_t(window));
      // The window's inputs in one batched call; every row's logits.
      std::vector<int32_t> inputs(t.begin() + long(w),
                                  t.begin() + long(w + n - 1));
      if (std::string failed = feed(inputs); !failed.empty()) {
        error = failed;
        return -1;
      }
      for (size_t i = 0; i + 1 < n; ++i) {
        size_t target = w + i + 1;
        if (target >= done)
          if (std::string stop = score(i, t[target]); !stop.empty()) {
            error = stop; // a result that makes the rest meaningless
            return -1;
          }
      }
      done = w + n;
    }
  }
  return stories;
}

} // namespace

std::string evaluatePerplexity(RunnableModel &m, const std::string &text,
                               const ScoringWindows &windows,
                               PerplexityResult &out) {
  double total = 0;
  size_t scored = 0;
  const std::vector<float> *logits = nullptr;
  const size_t vocab = size_t(m.vocab());
  std::string error;
  long stories = forEachScored(
      m, text, windows,
      [&](const std::vector<int32_t> &tokens) {
        std::string failed;
        logits = &m.forwardBatch(tokens, 0, /*all=*/true, failed);
        return failed;
      },
      [&](size_t row, int32_t target) -> std::string {
        llvm::ArrayRef<float> rowLogits(logits->data() + row * vocab, vocab);
        double x = nll(rowLogits, target);
        if (!std::isfinite(x))
          return notFinite(rowLogits, scored);
        total += x;
        ++scored;
        return "";
      },
      error);
  if (stories < 0)
    return error;
  out.stories = stories;
  out.scored = scored;
  out.meanNll = scored ? total / double(scored) : 0;
  return "";
}

std::string evaluateKld(RunnableModel &m, RunnableModel &ref,
                        const std::string &text, const ScoringWindows &windows,
                        KldResult &out) {
  if (m.vocab() != ref.vocab())
    return "the models' vocabularies differ";
  double kl = 0, nllTest = 0, nllRef = 0;
  size_t scored = 0, agree = 0;
  std::vector<float> testAll, refAll;
  const size_t vocab = size_t(m.vocab());
  std::string error;
  long stories = forEachScored(
      m, text, windows,
      [&](const std::vector<int32_t> &tokens) {
        std::string failed;
        testAll = m.forwardBatch(tokens, 0, /*all=*/true, failed);
        if (failed.empty())
          refAll = ref.forwardBatch(tokens, 0, /*all=*/true, failed);
        return failed;
      },
      [&](size_t row, int32_t target) -> std::string {
        llvm::ArrayRef<float> testLogits(testAll.data() + row * vocab, vocab),
            refLogits(refAll.data() + row * vocab, vocab);
        std::vector<double> p = logSoftmax(refLogits),
                            q = logSoftmax(testLogits);
        if (!std::isfinite(q[size_t(target)]))
          return notFinite(testLogits, scored);
        if (!std::isfinite(p[size_t(target)]))
          return "the reference model: " + notFinite(refLogits, scored);
        double d = 0;
        for (size_t i = 0; i < p.size(); ++i)
          d += std::exp(p[i]) * (p[i] - q[i]);
        kl += d;
        nllTest -= q[size_t(target)];
        nllRef -= p[size_t(target)];
        agree += std::max_element(p.begin(), p.end()) - p.begin() ==
                 std::max_element(q.begin(), q.end()) - q.begin();
        ++scored;
        return "";
      },
      error);
  if (stories < 0)
    return error;
  double n = double(std::max<size_t>(scored, 1));
  out.scored = scored;
  out.meanKld = kl / n;
  out.meanNll = nllTest / n;
  out.referenceMeanNll = nllRef / n;
  out.top1Agreement = double(agree) / n;
  return "";
}

int32_t Sampler::next(const std::vector<float> &logits) {
  auto best = std::max_element(logits.begin(), logits.end());
  if (temperature_ <= 0)
    return int32_t(best - logits.begin());
  std::vector<std::pair<double, int32_t>> p;
  for (size_t i = 0; i < logits.size(); ++i)
    p.emplace_back(std::exp(double(logits[i] - *best) / temperature_),
                   int32_t(i));
  std::sort(p.begin(), p.end(), [](const auto &a, const auto &b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  if (topK_ > 0 && size_t(topK_) < p.size())
    p.resize(size_t(topK_));
  double total = 0;
  for (const auto &e : p)
    total += e.first;
  double mass = 0;
  size_t keep = 0;
  while (keep < p.size() && (keep == 0 || mass < topP_ * total))
    mass += p[keep++].first;
  p.resize(keep);
  double r = std::uniform_real_distribution<double>(0.0, mass)(rng_);
  for (const auto &e : p)
    if ((r -= e.first) < 0)
      return e.second;
  return p.back().second;
}

std::vector<int32_t> generateTokens(RunnableModel &m, const std::string &prompt,
                                    int steps, Sampler &sampler,
                                    std::string &error) {
  std::vector<int32_t> t = m.tokenizer().encode(prompt);
  const size_t promptTokens = t.size();
  if (int64_t(promptTokens) > m.context()) {
    error = "the prompt does not fit the context";
    return {};
  }
  // The prompt in batched calls, then one token per call.
  const std::vector<float> *logits = &m.forwardBatch(t, 0, false, error);
  if (!error.empty())
    return {};
  while (t.size() < promptTokens + size_t(std::max(0, steps))) {
    int32_t next = sampler.next(*logits);
    if (next == m.tokenizer().bos() || next == m.tokenizer().eos())
      break;
    t.push_back(next);
    int64_t pos = int64_t(t.size()) - 1;
    if (pos >= m.context())
      break;
    logits = &m.forward(next, pos);
  }
  return std::vector<int32_t>(t.begin() + 1, t.end());
}

std::string measureSpeed(RunnableModel &m, long prompt, int steps,
                         bool oneTokenPerCall, SpeedResult &out) {
  if (prompt <= 0 || steps < 0 || prompt + steps > m.context())
    return "prompt and decode tokens must fit the context (" +
           std::to_string(m.context()) + ")";
  auto now = [] { return std::chrono::steady_clock::now(); };
  auto seconds = [](auto a, auto b) {
    return std::chrono::duration<double>(b - a).count();
  };
  int32_t token = m.hasTokenizer() ? m.tokenizer().bos() : 1;
  std::vector<int32_t> tokens(size_t(prompt), token);
  std::string error;
  if (oneTokenPerCall) {
    // What the prompt cost before the batched forward, for comparison.
    auto t0 = now();
    for (long p = 0; p < prompt; ++p)
      m.forward(token, p);
    out.prefillOneTokenPerCallTokensPerSecond =
        double(prompt) / seconds(t0, now());
  }
  auto t0 = now();
  const std::vector<float> *logits = &m.forwardBatch(tokens, 0, false, error);
  if (!error.empty())
    return error;
  auto t1 = now();
  for (long p = prompt; p < prompt + steps; ++p) {
    token = int32_t(std::max_element(logits->begin(), logits->end()) -
                    logits->begin());
    logits = &m.forward(token, p);
  }
  auto t2 = now();
  out.prefillTokensPerSecond = double(prompt) / seconds(t0, t1);
  out.decodeTokensPerSecond = double(steps) / seconds(t1, t2);
  return "";
}

} // namespace lowbit
