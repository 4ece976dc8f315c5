//===- Recipes.h - llama.cpp's per-tensor quantization mixes ----*- C++ -*-===//
//
// Reproduces llama_tensor_get_type of llama.cpp (commit 3f545bec) for the
// Llama family: which GGUF type each tensor gets under a file type such as
// Q4_K_M. llama.cpp then substitutes another type when a row does not fill
// a 256-wide super-block; lowbit never does (it has tails), so that
// substitution is only reported.
//
//===----------------------------------------------------------------------===//
#ifndef LOWBIT_DIALECT_LOWBIT_TRANSFORMS_RECIPES_H
#define LOWBIT_DIALECT_LOWBIT_TRANSFORMS_RECIPES_H

#include "lowbit/Quant/Scheme.h"

#include <optional>
#include <string>
#include <vector>

namespace lowbit {

struct RecipeTensor {
  std::string name;      ///< GGUF name, e.g. blk.3.ffn_down.weight
  int64_t rowLength = 0; ///< ne[0]
  int layer = -1;        ///< parsed from blk.N., -1 otherwise
};

struct RecipeContext {
  int numLayers = 0;
  int gqa = 1;           ///< n_head / n_head_kv
  bool hasOutput = true; ///< a separate output.weight exists
};

struct RecipeChoice {
  quant::Format format;
  /// What llama.cpp would store instead ("q5_0", "f16") when its
  /// row-length fallback applies; empty otherwise.
  std::string llamaCppFallback;
};

/// Names of the supported recipes ("q4_k_m", ...).
const std::vector<std::string> &recipeNames();

/// The format `recipe` gives `tensor`; nullopt for an unknown recipe.
std::optional<RecipeChoice> recipeFormat(const std::string &recipe,
                                         const RecipeTensor &tensor,
                                         const RecipeContext &context);

/// Layer index of a GGUF tensor name ("blk.12.attn_v.weight" -> 12).
int layerOf(const std::string &name);

} // namespace lowbit

#endif
