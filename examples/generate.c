/* Deployment example: greedy generation with a model compiled by
 * lowbit-compile. Build:
 *   lowbit-compile model.bin -o model.o --emit-header lowbit_model.h
 *   cc -O2 -I. generate.c model.o -L/usr/lib/llvm-22/lib \
 *      -lmlir_c_runner_utils -Wl,-rpath,/usr/lib/llvm-22/lib -lm -o generate
 * Run: ./generate <steps> <prompt token ids...>   (prints all token ids) */
#include "lowbit_model.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s <steps> <token ids...>\n", argv[0]);
    return 2;
  }
  int steps = atoi(argv[1]);
  int count = argc - 2;
  int32_t *tokens = malloc(sizeof(int32_t) * (size_t)(count + steps));
  for (int i = 0; i < count; ++i)
    tokens[i] = (int32_t)atoi(argv[2 + i]);
  lowbit_model *m = lowbit_model_create(LOWBIT_MODEL_CONTEXT);
  float *logits = malloc(sizeof(float) * LOWBIT_MODEL_VOCAB);
  if (!m || !tokens || !logits)
    return 1;
  /* Prompt in one call, then one token at a time. */
  if (lowbit_model_forward(m, tokens, count, 0, logits) != 0)
    return 1;
  for (int s = 0; s < steps; ++s) {
    int32_t best = 0;
    for (int32_t v = 1; v < LOWBIT_MODEL_VOCAB; ++v)
      if (logits[v] > logits[best])
        best = v;
    tokens[count++] = best;
    if (s + 1 < steps && lowbit_model_forward(m, &best, 1, count - 1, logits))
      return 1;
  }
  for (int i = 0; i < count; ++i)
    printf("%s%d", i ? " " : "", tokens[i]);
  printf("\n");
  lowbit_model_free(m);
  free(tokens);
  free(logits);
  return 0;
}
