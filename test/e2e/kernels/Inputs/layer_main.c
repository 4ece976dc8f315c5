/* Calls the compiled @layer (3 x 40 -> 3 x 8) on fixed inputs and prints
 * the outputs, one per line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct memref2 { float *allocated, *aligned; int64_t offset, sizes[2], strides[2]; };
void _mlir_ciface_layer(struct memref2 *out, struct memref2 *in);

int main(void) {
  static float x[3 * 40];
  for (int i = 0; i < 3 * 40; ++i)
    x[i] = (float)((i * 37 % 23) - 11) / 7.0f;
  struct memref2 in = {x, x, 0, {3, 40}, {40, 1}}, out;
  _mlir_ciface_layer(&out, &in);
  for (int t = 0; t < 3; ++t)
    for (int n = 0; n < 8; ++n)
      printf("%.9g\n", out.aligned[out.offset + t * out.strides[0] + n]);
  free(out.allocated);
  return 0;
}
