/* Hostile calls of a compiled model's C API: each is refused with -1 and
 * changes nothing; prints "ok" when every check holds. */
#include "lowbit_model.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

static float a[LOWBIT_MODEL_VOCAB], b[LOWBIT_MODEL_VOCAB];

#define CHECK(c)                                                               \
  do {                                                                         \
    if (!(c)) {                                                                \
      printf("failed: %s\n", #c);                                              \
      return 1;                                                                \
    }                                                                          \
  } while (0)

int main(void) {
  lowbit_model *m = lowbit_model_create(LOWBIT_MODEL_CONTEXT);
  lowbit_model *fresh = lowbit_model_create(LOWBIT_MODEL_CONTEXT);
  CHECK(m && fresh);
  int32_t good[2] = {7, 400}, bad[2] = {7, 99999}, one = 400;
  /* Overflowing positions and counts, NULL pointers: refused. */
  CHECK(lowbit_model_forward(m, good, INT64_MAX, 1, a) == -1);
  CHECK(lowbit_model_forward(m, good, 1, INT64_MAX, a) == -1);
  CHECK(lowbit_model_forward(m, good, 2, LOWBIT_MODEL_CONTEXT - 1, a) == -1);
  CHECK(lowbit_model_forward(m, NULL, 1, 0, a) == -1);
  CHECK(lowbit_model_forward(m, good, 1, 0, NULL) == -1);
  CHECK(lowbit_model_forward(NULL, good, 1, 0, a) == -1);
  /* A bad second token: the first must not have run (cache position 0
   * stays empty), so position 1 then sees what a fresh model sees. */
  CHECK(lowbit_model_forward(m, bad, 2, 0, a) == -1);
  CHECK(lowbit_model_forward(m, &one, 1, 1, a) == 0);
  CHECK(lowbit_model_forward(fresh, &one, 1, 1, b) == 0);
  for (int i = 0; i < LOWBIT_MODEL_VOCAB; ++i)
    CHECK(a[i] == b[i] && !isnan(a[i]));
#if LOWBIT_MODEL_HAS_TOKENIZER
  char piece[16];
  CHECK(lowbit_model_token_piece(400, NULL, 16) == -1);
  CHECK(lowbit_model_token_piece(-1, piece, sizeof piece) == -1);
  CHECK(lowbit_model_token_piece(400, piece, sizeof piece) > 0);
#endif
  lowbit_model_free(m);
  lowbit_model_free(fresh);
  lowbit_model_free(NULL);
  printf("ok\n");
  return 0;
}
