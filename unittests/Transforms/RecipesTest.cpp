//===- RecipesTest.cpp - llama.cpp's mixes against its own files ----------===//

#include "lowbit/Dialect/LowBit/Transforms/Recipes.h"
#include "lowbit/Model/Gguf.h"

#include <gtest/gtest.h>

using namespace lowbit;
using namespace lowbit::model;

TEST(Recipes, PredictWhatLlamaCppStoredForQ4_K_M) {
  // llama.cpp 3f545bec quantized stories260K with Q4_K_M; for every
  // tensor, the recipe's type (or llama.cpp's row fallback from it) must be
  // exactly what the file holds.
  GgufFile f;
  ASSERT_EQ(f.open(std::string(LOWBIT_DATA_DIR) +
                   "/models/stories260K-gguf/Q4_K_M-default.gguf"),
            "");
  RecipeContext c;
  c.numLayers = 5;
  c.gqa = 2;
  c.hasOutput = true;
  int checked = 0;
  for (const GgufTensor &t : f.tensors()) {
    if (t.dims.size() != 2)
      continue;
    RecipeTensor rt{t.name, t.dims[0], layerOf(t.name)};
    auto choice = recipeFormat("q4_k_m", rt, c);
    ASSERT_TRUE(choice);
    std::string stored = choice->llamaCppFallback.empty()
                             ? quant::formatName(choice->format)
                             : choice->llamaCppFallback;
    std::string actual = ggmlTypeName(t.type);
    for (char &ch : actual)
      ch = char(std::tolower(ch));
    EXPECT_EQ(stored, actual) << t.name;
    ++checked;
  }
  EXPECT_EQ(checked, 37);
}

TEST(Recipes, MoreBitsForSomeLayers) {
  RecipeContext c;
  c.numLayers = 32;
  auto at = [&](const std::string &recipe, const std::string &name) {
    return recipeFormat(recipe, {name, 4096, layerOf(name)}, c)->format;
  };
  using quant::Format;
  // use_more_bits: first and last eighth, and every third in between.
  EXPECT_EQ(at("q4_k_m", "blk.0.attn_v.weight"), Format::Q6_K);
  EXPECT_EQ(at("q4_k_m", "blk.4.attn_v.weight"), Format::Q4_K);
  EXPECT_EQ(at("q4_k_m", "blk.6.attn_v.weight"), Format::Q6_K);
  EXPECT_EQ(at("q4_k_m", "blk.31.ffn_down.weight"), Format::Q6_K);
  EXPECT_EQ(at("q4_k_m", "blk.10.ffn_down.weight"), Format::Q4_K);
  EXPECT_EQ(at("q4_k_m", "output.weight"), Format::Q6_K);
  EXPECT_EQ(at("q3_k_m", "blk.0.attn_v.weight"), Format::Q5_K);
  EXPECT_EQ(at("q3_k_m", "blk.5.attn_output.weight"), Format::Q4_K);
  EXPECT_EQ(at("q3_k_m", "blk.1.ffn_down.weight"), Format::Q5_K);
  EXPECT_EQ(at("q3_k_m", "blk.9.ffn_down.weight"), Format::Q4_K);
  EXPECT_EQ(at("q8_0", "output.weight"), Format::Q8_0);
  EXPECT_EQ(at("q6_k", "blk.3.ffn_up.weight"), Format::Q6_K);
  EXPECT_EQ(at("q2_k", "blk.3.ffn_down.weight"), Format::Q3_K);
  EXPECT_FALSE(recipeFormat("q4_k_q", {"x", 64, -1}, c));
  // Rows of 4096 never need llama.cpp's fallback.
  EXPECT_EQ(recipeFormat("q4_k_m", {"blk.3.attn_q.weight", 4096, 3}, c)
                ->llamaCppFallback,
            "");
}
