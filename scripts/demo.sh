#!/usr/bin/env bash
# The main job on the bundled stories260K model: set up, build, then
#   import (llama2.c -> model IR with a Llama forward pass and tokenizer),
#   quantize with llama.cpp's Q4_K_M recipe (per-tensor report; llama.cpp
#   itself must substitute other types for these short rows),
#   hit a bits/weight budget, score perplexity and KLD, generate, compile
#   to an object linked into a C program, export GGUF, and compare every
#   scheme on the whole model.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${LOWBIT_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
"$root/scripts/build.sh" lowbit-opt lowbit-import lowbit-run lowbit-export lowbit-compile
bin="$build/bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
model="$root/data/models/stories260K/stories260K.bin"
text="$root/data/models/tinystories-valid-head/tinystories_valid_head.txt"

"$bin/lowbit-import" "$model" -o "$work/f32.mlirbc"
echo
echo "== Q4_K_M recipe: which scheme each tensor gets, and what llama.cpp would store =="
"$bin/lowbit-opt" "$work/f32.mlirbc" \
  --lowbit-quantize="recipe=q4_k_m assign-report=- report=$work/q4km.txt" \
  -emit-bytecode -o "$work/q4km.mlirbc"
echo
echo "== Q4_K_M: error per tensor =="
cat "$work/q4km.txt"
echo
echo "== A 4.5 bits/weight budget, solved per tensor =="
"$bin/lowbit-opt" "$work/f32.mlirbc" --lowbit-quantize="bpw=4.5 report=$work/b.txt" \
  -emit-bytecode -o "$work/bpw45.mlirbc"
tail -n 1 "$work/b.txt"
echo
echo "== Perplexity on the first 46 TinyStories validation stories (reference float32: 3.3991) =="
"$bin/lowbit-run" perplexity "$work/f32.mlirbc" "$text"
echo
echo "== KL divergence from the float32 model =="
for m in q4km bpw45; do
  printf "%-6s " "$m"
  "$bin/lowbit-run" kld "$work/$m.mlirbc" "$text" --reference "$work/f32.mlirbc"
done
echo
echo "== Greedy continuation by the Q4_K_M model =="
"$bin/lowbit-run" generate "$work/q4km.mlirbc" "Once upon a time" -n 60 | head -n 2
echo
echo "== Compiled to an object, linked into examples/generate.c, run (greedy, token ids) =="
"$bin/lowbit-compile" "$work/q4km.mlirbc" -o "$work/model.o" --emit-header "$work/lowbit_model.h"
clang-22 -O2 -I"$work" "$root/examples/generate.c" "$work/model.o" \
  -L/usr/lib/llvm-22/lib -lmlir_c_runner_utils -Wl,-rpath,/usr/lib/llvm-22/lib -lm \
  -o "$work/generate"
ls -l "$work/model.o" | awk '{print "object: " $5 " bytes"}'
"$work/generate" 40 1 403 407 261 378
echo
echo "== GGUF export (q8_0, ffn_down kept in float: its rows of 172 fill no GGUF block) =="
"$bin/lowbit-opt" "$work/f32.mlirbc" --lowbit-quantize="default=q8_0 rules=ffn_down=keep" \
  -emit-bytecode -o "$work/q8.mlirbc"
"$bin/lowbit-export" "$work/q8.mlirbc" -o "$work/stories260K-q8_0.gguf"
echo
echo "== Every scheme on the whole model (rows of 64 and 172, no fallback) =="
printf "%-26s %9s %11s %11s\n" scheme bpw rmse max_err
for s in q8_0 q6_k q5_k q5_1 q5_0 q4_k q4_1 q4_0 iq4_nl iq4_xs q3_k q2_k \
         b4:g32:sym:f16:nf4 b3:g64:asym:f16; do
  "$bin/lowbit-opt" "$work/f32.mlirbc" \
    --lowbit-select-block-scales="scheme=$s report=$work/r.txt" -o /dev/null
  awk -v s="$s" '/^total/ {printf "%-26s %9s %11s %11s\n", s, $(NF-2), $(NF-1), $NF}' "$work/r.txt"
done
