/* Hostile calls of a compiled model's C API: each is refused with -1 and
 * changes nothing; a prompt through the batched entry gives bit for bit the
 * logits of one token per call; prints "ok" when every check holds. */
#include "lowbit_model.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

static float a[LOWBIT_MODEL_VOCAB], b[LOWBIT_MODEL_VOCAB];
/* 11 tokens: two whole kernel tiles of 4 and a tail of 3. */
#define SEQ 11
static float all[SEQ * LOWBIT_MODEL_VOCAB], last[LOWBIT_MODEL_VOCAB];

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
  /* The batched entry: refused like the one-token one, nothing run. */
  int32_t seq[SEQ] = {1, 400, 7, 311, 25, 90, 2, 480, 64, 128, 5};
  int32_t badSeq[SEQ] = {1, 400, 7, 311, 25, 90, 2, 480, 64, 128, 512};
  lowbit_model *batched = lowbit_model_create(LOWBIT_MODEL_CONTEXT);
  lowbit_model *single = lowbit_model_create(LOWBIT_MODEL_CONTEXT);
  CHECK(batched && single);
  CHECK(lowbit_model_forward_all(batched, badSeq, SEQ, 0, all) == -1);
  CHECK(lowbit_model_forward_all(batched, seq, SEQ, LOWBIT_MODEL_CONTEXT - 1, all) == -1);
  CHECK(lowbit_model_forward_all(batched, NULL, SEQ, 0, all) == -1);
  CHECK(lowbit_model_forward_all(batched, seq, SEQ, 0, NULL) == -1);
  /* Every row equals one token per call, bit for bit; the last-logits
   * entry equals the last row. */
  CHECK(lowbit_model_forward_all(batched, seq, SEQ, 0, all) == 0);
  for (int t = 0; t < SEQ; ++t) {
    CHECK(lowbit_model_forward(single, &seq[t], 1, t, a) == 0);
    for (int i = 0; i < LOWBIT_MODEL_VOCAB; ++i)
      CHECK(all[t * LOWBIT_MODEL_VOCAB + i] == a[i] && !isnan(a[i]));
  }
  CHECK(lowbit_model_forward(fresh, seq, SEQ, 0, last) == 0);
  for (int i = 0; i < LOWBIT_MODEL_VOCAB; ++i)
    CHECK(last[i] == all[(SEQ - 1) * LOWBIT_MODEL_VOCAB + i]);
  lowbit_model_free(batched);
  lowbit_model_free(single);
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
