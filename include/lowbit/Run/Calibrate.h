//===- Calibrate.h - Running a text through an instrumented model -*- C++ -*-===//
//
// llama-imatrix's protocol, so that lowbit's calibration files and
// llama.cpp's agree: the stories joined by a blank line, tokenized once
// with BOS, cut into chunks of `chunkSize` tokens (a partial last chunk is
// dropped), each chunk's first token replaced by BOS and every token of it
// fed from position 0; the model's recorder sees every token.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_RUN_CALIBRATE_H
#define LOWBIT_RUN_CALIBRATE_H

#include "lowbit/Calibration/Range.h"
#include "lowbit/Run/RunnableModel.h"

#include <functional>
#include <string>
#include <vector>

namespace lowbit {

/// The stories of a text: split on <|endoftext|>, stripped, empty ones
/// dropped (the perplexity protocol's split).
std::vector<std::string> splitStories(const std::string &text);

/// Stories `range` (1-based) of `text`, re-joined with <|endoftext|>; ""
/// or an error naming the number of stories.
std::string selectStories(const std::string &text, IndexRange range,
                          std::string &out);

struct CalibrationRun {
  long chunks = 0;
  int64_t chunkSize = 0;
  size_t tokens = 0; ///< fed to the model
};

/// Runs `text` through `model` by llama-imatrix's protocol; `progress(k,
/// n)` after each chunk. "" or why not (a text shorter than one chunk).
std::string runCalibration(RunnableModel &model, const std::string &text,
                           int64_t chunkSize, CalibrationRun &out,
                           const std::function<void(long, long)> &progress);

} // namespace lowbit

#endif
