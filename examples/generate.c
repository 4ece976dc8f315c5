/* Deployment example: generate a story with a model compiled by
 * lowbit-compile, greedily, and print it as text (the tokenizer is in the
 * object). Build:
 *   lowbit-compile model.bin -o model.o --emit-header lowbit_model.h
 *   cc -O2 -I. generate.c model.o -L/usr/lib/llvm-22/lib \
 *      -lmlir_c_runner_utils -lomp -Wl,-rpath,/usr/lib/llvm-22/lib -o generate
 * Run: ./generate [steps] [prompt token ids...]
 *   (models compiled with external weights map LOWBIT_WEIGHTS, default
 *   the file name lowbit-compile recorded, in the current directory)
 *   (default: 200 steps from BOS; stops at BOS or EOS). Prints the text,
 *   then a line "tokens: <ids>". */
#include "lowbit_model.h"

#include <stdio.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#if !LOWBIT_MODEL_HAS_TOKENIZER
#error "this example prints text: compile a model that carries a tokenizer"
#endif

int main(int argc, char **argv) {
  int steps = argc > 1 ? atoi(argv[1]) : 200;
  int count = argc > 2 ? argc - 2 : 1;
  if (steps < 0 || count + steps > LOWBIT_MODEL_CONTEXT) {
    fprintf(stderr, "usage: %s [steps] [token ids...] (at most %d tokens)\n",
            argv[0], LOWBIT_MODEL_CONTEXT);
    return 2;
  }
#if LOWBIT_MODEL_EXTERNAL_WEIGHTS
  /* Large models keep their weights in a file beside the object. */
  const char *weights = getenv("LOWBIT_WEIGHTS");
  const char *why = NULL;
  if (lowbit_model_map_weights(weights ? weights : LOWBIT_MODEL_WEIGHTS_FILE,
                               &why)) {
    fprintf(stderr, "%s: %s\n", weights ? weights : LOWBIT_MODEL_WEIGHTS_FILE,
            why);
    return 1;
  }
#endif
#ifdef __GLIBC__
  /* The model allocates and frees temporaries every token: keep freed
   * memory instead of returning it to the kernel each time. */
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
  const int32_t bos = lowbit_model_special_tokens[0];
  const int32_t eos = lowbit_model_special_tokens[1];
  int32_t *tokens = malloc(sizeof(int32_t) * (size_t)(count + steps));
  float *logits = malloc(sizeof(float) * LOWBIT_MODEL_VOCAB);
  lowbit_model *m = lowbit_model_create(LOWBIT_MODEL_CONTEXT);
  if (!m || !tokens || !logits)
    return 1;
  tokens[0] = bos;
  for (int i = 2; i < argc; ++i)
    tokens[i - 2] = (int32_t)atoi(argv[i]);
  /* The prompt in one call, then one token at a time. */
  if (lowbit_model_forward(m, tokens, count, 0, logits) != 0) {
    fprintf(stderr, "bad prompt token\n");
    return 1;
  }
  for (int s = 0; s < steps; ++s) {
    int32_t best = 0;
    for (int32_t v = 1; v < LOWBIT_MODEL_VOCAB; ++v)
      if (logits[v] > logits[best])
        best = v;
    if (best == bos || best == eos)
      break;
    tokens[count++] = best;
    if (lowbit_model_forward(m, &best, 1, count - 1, logits) != 0)
      return 1;
  }
  char piece[256];
  for (int i = 0; i < count; ++i) {
    if (tokens[i] == bos ||
        lowbit_model_token_piece(tokens[i], piece, sizeof piece) < 0)
      continue;
    /* SentencePiece's dummy prefix: no space at the very start. */
    fputs(i == 1 && piece[0] == ' ' ? piece + 1 : piece, stdout);
  }
  printf("\ntokens:");
  for (int i = 0; i < count; ++i)
    printf(" %d", tokens[i]);
  printf("\n");
  lowbit_model_free(m);
  free(tokens);
  free(logits);
  return 0;
}
