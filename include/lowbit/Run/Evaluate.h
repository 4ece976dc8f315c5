//===- Evaluate.h - Perplexity, KLD, sampling and speed of a model -*- C++
//-*-===//
//
// The protocols lowbit-run reports (data/models/README.md describes the
// perplexity one): stories split on <|endoftext|>, [BOS] + tokens, windows
// of `window` tokens advancing by `stride`, every token after BOS scored
// once; KLD of the model's next-token distribution from a reference's on
// the same tokens (as llama-perplexity's KLD mode); seeded sampling.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_RUN_EVALUATE_H
#define LOWBIT_RUN_EVALUATE_H

#include "lowbit/Run/RunnableModel.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace lowbit {

/// 0 = the defaults: a window of 512 tokens (the model's context if
/// smaller, as llama.cpp's stories260K GGUFs have 128), a stride of half the
/// window.
struct ScoringWindows {
  int window = 0;
  int stride = 0;
};

struct PerplexityResult {
  long stories = 0;
  size_t scored = 0;
  double meanNll = 0; ///< nats per scored token
};

struct KldResult {
  size_t scored = 0;
  double meanKld = 0, meanNll = 0, referenceMeanNll = 0;
  double top1Agreement = 0; ///< fraction of tokens with the same argmax
};

/// Scores `text` with `model`; "" or why not.
std::string evaluatePerplexity(RunnableModel &model, const std::string &text,
                               const ScoringWindows &windows,
                               PerplexityResult &out);
/// Compares `model` with `reference` on `text`; "" or why not.
std::string evaluateKld(RunnableModel &model, RunnableModel &reference,
                        const std::string &text, const ScoringWindows &windows,
                        KldResult &out);

/// The next token: argmax at temperature 0, else a sample at `temperature`
/// from the top-k tokens cut to the smallest prefix of probability mass
/// >= top-p.
class Sampler {
public:
  Sampler(unsigned seed, float temperature, int topK, float topP)
      : rng_(seed), temperature_(temperature), topK_(topK), topP_(topP) {}
  int32_t next(const std::vector<float> &logits);

private:
  std::mt19937_64 rng_;
  float temperature_;
  int topK_;
  float topP_;
};

/// Continues `prompt` by at most `steps` tokens (stopping at BOS/EOS or the
/// context); returns the tokens after BOS, prompt included, or "" in
/// `error` when the prompt does not fit.
std::vector<int32_t> generateTokens(RunnableModel &model,
                                    const std::string &prompt, int steps,
                                    Sampler &sampler, std::string &error);

struct SpeedResult {
  double prefillTokensPerSecond = 0, decodeTokensPerSecond = 0;
  /// The prompt fed one token per call (only when asked for).
  double prefillOneTokenPerCallTokensPerSecond = 0;
};

/// Feeds `promptTokens` tokens through the batched forward (llama-bench's
/// pp), then decodes `steps` greedily one token per call (its tg); with
/// `oneTokenPerCall`, first also the prompt one token per call. "" or why
/// not.
std::string measureSpeed(RunnableModel &model, long promptTokens, int steps,
                         bool oneTokenPerCall, SpeedResult &out);

} // namespace lowbit

#endif
