//===- Evaluate.cpp - Perplexity, KLD, sampling and speed of a model ------===//

#include "lowbit/Run/Evaluate.h"

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
std::vector<double> logSoftmax(const std::vector<float> &logits) {
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
double nll(const std::vector<float> &logits, int32_t target) {
  return -logSoftmax(logits)[size_t(target)];
}

/// Runs the protocol over `text`: for every scored token, calls
/// Why a score is not a number: NaN or infinite logits (a model whose
/// weights hold them, or an overflow), counted so the user can find them.
std::string notFinite(const std::vector<float> &logits, size_t scoredBefore) {
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

/// `score(target)` after feeding the token before it to `feed(token, pos)`.
/// `score` returns "" to go on, or why the run stops (its `error`).
/// Returns the number of stories, or -1 with `error` set.
long forEachScored(const RunnableModel &m, const std::string &text,
                   const ScoringWindows &windows,
                   const std::function<void(int32_t, int64_t)> &feed,
                   const std::function<std::string(int32_t)> &score,
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
      for (size_t i = 0; i + 1 < n; ++i) {
        feed(t[w + i], int64_t(i));
        size_t target = w + i + 1;
        if (target >= done)
          if (std::string stop = score(t[target]); !stop.empty()) {
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
  std::string error;
  long stories = forEachScored(
      m, text, windows,
      [&](int32_t tok, int64_t pos) { logits = &m.forward(tok, pos); },
      [&](int32_t target) -> std::string {
        double x = nll(*logits, target);
        if (!std::isfinite(x))
          return notFinite(*logits, scored);
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
  std::vector<float> testLogits, refLogits;
  std::string error;
  long stories = forEachScored(
      m, text, windows,
      [&](int32_t tok, int64_t pos) {
        testLogits = m.forward(tok, pos);
        refLogits = ref.forward(tok, pos);
      },
      [&](int32_t target) -> std::string {
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
  for (int64_t pos = 0; pos < m.context(); ++pos) {
    const std::vector<float> &logits = m.forward(t[size_t(pos)], pos);
    if (size_t(pos) + 1 < t.size())
      continue;
    if (t.size() >= promptTokens + size_t(std::max(0, steps)))
      break;
    int32_t next = sampler.next(logits);
    if (next == m.tokenizer().bos() || next == m.tokenizer().eos())
      break;
    t.push_back(next);
  }
  return std::vector<int32_t>(t.begin() + 1, t.end());
}

std::string measureSpeed(RunnableModel &m, long prompt, int steps,
                         SpeedResult &out) {
  if (prompt <= 0 || steps < 0 || prompt + steps > m.context())
    return "prompt and decode tokens must fit the context (" +
           std::to_string(m.context()) + ")";
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
  out.prefillTokensPerSecond =
      double(prompt) / std::chrono::duration<double>(t1 - t0).count();
  out.decodeTokensPerSecond =
      double(steps) / std::chrono::duration<double>(t2 - t1).count();
  return "";
}

} // namespace lowbit
