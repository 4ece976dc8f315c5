//===- Calibrate.cpp - Running a text through an instrumented model -------===//

#include "lowbit/Run/Calibrate.h"

namespace lowbit {

std::vector<std::string> splitStories(const std::string &text) {
  const std::string sep = "<|endoftext|>";
  std::vector<std::string> stories;
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find(sep, start);
    std::string story =
        text.substr(start, end == std::string::npos ? std::string::npos
                                                    : end - start);
    start = end == std::string::npos ? text.size() + 1 : end + sep.size();
    size_t b = story.find_first_not_of(" \t\r\n"),
           e = story.find_last_not_of(" \t\r\n");
    if (b != std::string::npos)
      stories.push_back(story.substr(b, e - b + 1));
  }
  return stories;
}

std::string selectStories(const std::string &text, IndexRange range,
                          std::string &out) {
  std::vector<std::string> stories = splitStories(text);
  if (range.first < 1 || range.last > int64_t(stories.size()))
    return "--stories " + std::to_string(range.first) + "-" +
           std::to_string(range.last) + " is outside the text's 1-" +
           std::to_string(stories.size());
  out.clear();
  for (int64_t i = range.first; i <= range.last; ++i)
    out += (out.empty() ? "" : "\n<|endoftext|>\n") + stories[size_t(i - 1)];
  return "";
}

std::string runCalibration(RunnableModel &model, const std::string &text,
                           int64_t chunkSize, CalibrationRun &out,
                           const std::function<void(long, long)> &progress) {
  if (chunkSize < 2 || chunkSize > model.context())
    return "--chunk must be in [2, the context " +
           std::to_string(model.context()) + "], got " +
           std::to_string(chunkSize);
  std::string joined;
  for (const std::string &story : splitStories(text))
    joined += (joined.empty() ? "" : "\n\n") + story;
  std::vector<int32_t> tokens = model.tokenizer().encode(joined);
  long chunks = long(tokens.size() / size_t(chunkSize));
  if (chunks == 0)
    return "the text has " + std::to_string(tokens.size()) +
           " tokens, fewer than one chunk of " + std::to_string(chunkSize);
  int32_t bos = model.tokenizer().bos();
  for (long c = 0; c < chunks; ++c) {
    // One chunk in batched calls: the recorder sees its rows in order.
    // Every row's logits, so that the classifier records every row too.
    auto start = tokens.begin() + long(size_t(c) * size_t(chunkSize));
    std::vector<int32_t> chunk(start, start + chunkSize);
    chunk[0] = bos;
    std::string error;
    model.forwardBatch(chunk, 0, /*all=*/true, error);
    if (!error.empty())
      return error;
    if (progress)
      progress(c + 1, chunks);
  }
  out.chunks = chunks;
  out.chunkSize = chunkSize;
  out.tokens = size_t(chunks) * size_t(chunkSize);
  return "";
}

} // namespace lowbit
