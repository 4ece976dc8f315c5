//===- Recipes.cpp - llama.cpp's quantization mixes -----------------------===//

#include "lowbit/Dialect/LowBit/Transforms/Recipes.h"

#include <cstdlib>

namespace lowbit {

using quant::Format;

namespace {
struct RecipeBase {
  const char *name;
  Format base;
};
const RecipeBase kRecipes[] = {
    {"q2_k", Format::Q2_K},     {"q3_k_s", Format::Q3_K},
    {"q3_k_m", Format::Q3_K},   {"q3_k_l", Format::Q3_K},
    {"q4_0", Format::Q4_0},     {"q4_1", Format::Q4_1},
    {"q4_k_s", Format::Q4_K},   {"q4_k_m", Format::Q4_K},
    {"q5_0", Format::Q5_0},     {"q5_1", Format::Q5_1},
    {"q5_k_s", Format::Q5_K},   {"q5_k_m", Format::Q5_K},
    {"q6_k", Format::Q6_K},     {"q8_0", Format::Q8_0},
    {"iq4_nl", Format::IQ4_NL}, {"iq4_xs", Format::IQ4_XS},
};

/// llama.cpp's use_more_bits: the first and last eighth of the layers and
/// every third one in between.
bool useMoreBits(int i, int n) {
  return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
}

bool contains(const std::string &s, const char *part) {
  return s.find(part) != std::string::npos;
}

/// llama.cpp's substitution for rows its blocks do not fill: K-quants fall
/// back to a 32-block type, and when 32 does not divide the row either,
/// to f16.
std::string rowFallback(Format f, int64_t rowLength) {
  unsigned block = quant::ggufScheme(f).groupSize();
  if (rowLength % block == 0)
    return "";
  Format to = f;
  switch (f) {
  case Format::Q4_K:
    to = Format::Q5_0;
    break;
  case Format::Q5_K:
    to = Format::Q5_1;
    break;
  case Format::Q6_K:
    to = Format::Q8_0;
    break;
  case Format::Q2_K:
  case Format::Q3_K:
  case Format::IQ4_XS:
    to = Format::IQ4_NL;
    break;
  default:
    break;
  }
  if (rowLength % 32 != 0)
    return "f16";
  return quant::formatName(to);
}
} // namespace

const std::vector<std::string> &recipeNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const RecipeBase &r : kRecipes)
      v.push_back(r.name);
    return v;
  }();
  return names;
}

int layerOf(const std::string &name) {
  if (name.rfind("blk.", 0) != 0)
    return -1;
  return std::atoi(name.c_str() + 4);
}

std::optional<RecipeChoice> recipeFormat(const std::string &recipe,
                                         const RecipeTensor &t,
                                         const RecipeContext &c) {
  const RecipeBase *base = nullptr;
  for (const RecipeBase &r : kRecipes)
    if (recipe == r.name)
      base = &r;
  if (!base)
    return std::nullopt;
  Format f = base->base;
  const std::string &n = t.name;
  int i = t.layer, layers = c.numLayers;
  bool isOutput =
      n == "output.weight" || (!c.hasOutput && n == "token_embd.weight");
  if (isOutput) {
    // llama.cpp: q8_0 when ne[0] % 256 != 0, else q6_k unless already q8_0.
    // The q8_0 there is a row-length fallback, so it is reported as one.
    if (f != Format::Q8_0)
      f = Format::Q6_K;
  } else if (contains(n, "attn_v.weight")) {
    if (recipe == "q2_k")
      f = c.gqa >= 4 ? Format::Q4_K : Format::Q3_K;
    else if (recipe == "q3_k_m")
      f = i < 2 ? Format::Q5_K : Format::Q4_K;
    else if (recipe == "q3_k_l")
      f = Format::Q5_K;
    else if ((recipe == "iq4_nl" || recipe == "iq4_xs") && c.gqa >= 4)
      f = Format::Q5_K;
    else if ((recipe == "q4_k_m" || recipe == "q5_k_m") &&
             useMoreBits(i, layers))
      f = Format::Q6_K;
    else if (recipe == "q4_k_s" && i < 4)
      f = Format::Q5_K;
  } else if (contains(n, "ffn_down")) {
    if (recipe == "q2_k")
      f = Format::Q3_K;
    else if (recipe == "q3_k_m")
      f = i < layers / 16 ? Format::Q5_K : Format::Q4_K;
    else if (recipe == "q3_k_l")
      f = Format::Q5_K;
    else if (recipe == "q4_k_m" && useMoreBits(i, layers))
      f = Format::Q6_K;
    else if (i < layers / 8 && (recipe == "iq4_nl" || recipe == "iq4_xs"))
      f = Format::Q5_K;
    else if (recipe == "q5_k_m" && useMoreBits(i, layers))
      f = Format::Q6_K;
    else if (recipe == "q4_k_s" && i < layers / 8)
      f = Format::Q5_K;
  } else if (contains(n, "attn_output.weight")) {
    if (recipe == "q2_k")
      f = Format::Q3_K;
    else if (recipe == "q3_k_m")
      f = Format::Q4_K;
    else if (recipe == "q3_k_l")
      f = Format::Q5_K;
  }
  RecipeChoice choice{f, rowFallback(f, t.rowLength)};
  // llama.cpp's output rule picks q8_0 itself for such rows.
  if (isOutput && f == Format::Q6_K && t.rowLength % 256 != 0 &&
      t.rowLength % 32 == 0)
    choice.llamaCppFallback = "q8_0";
  return choice;
}

} // namespace lowbit
