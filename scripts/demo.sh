#!/usr/bin/env bash
# The product demo on the bundled stories260K model: set up, build, then
#   compile the llama2.c checkpoint twice, straight from the model file:
#   float32 and llama.cpp's Q4_K_M recipe, each into an object + C header;
#   link the quantized object into examples/generate.c and generate a story;
#   print the size, and perplexity and KLD against the float32 build, run on
#   shared libraries linked from the same two objects.
# Then a tour: the recipe's per-tensor choices and errors, a bits/weight
# budget, GGUF export, and every scheme on the whole model.
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
llvmlib=/usr/lib/llvm-22/lib
runtime=(-L"$llvmlib" -lmlir_c_runner_utils -lomp -Wl,-rpath,"$llvmlib" -lm)

echo
echo "== Compile stories260K (llama2.c checkpoint) to objects: float32, and Q4_K_M for the host =="
"$bin/lowbit-compile" "$model" -o "$work/f32.o"
"$bin/lowbit-compile" "$model" --quantize="recipe=q4_k_m" \
  -o "$work/q4km.o" --emit-header "$work/lowbit_model.h"
clang-22 -O2 -I"$work" "$root/examples/generate.c" "$work/q4km.o" "${runtime[@]}" \
  -o "$work/generate"
for m in f32 q4km; do
  clang-22 -shared "$work/$m.o" "${runtime[@]}" -o "$work/$m.so"
done

echo
echo "== A story from examples/generate.c linked with the Q4_K_M object (greedy) =="
"$work/generate" 200 | head -n -1

echo
echo "== Size =="
f32_bytes=$(stat -c %s "$work/f32.o")
q_bytes=$(stat -c %s "$work/q4km.o")
echo "float32 object: $f32_bytes bytes; Q4_K_M object: $q_bytes bytes" \
     "($(awk -v a="$q_bytes" -v b="$f32_bytes" 'BEGIN {printf "%.1f", 100 * a / b}') %)"

echo
echo "== Perplexity on the first 46 TinyStories validation stories (float32 reference: 3.3991) =="
for m in f32 q4km; do
  printf "%-6s " "$m"
  "$bin/lowbit-run" perplexity "$work/$m.so" "$text"
done
echo
echo "== KL divergence of Q4_K_M from the float32 build =="
"$bin/lowbit-run" kld "$work/q4km.so" "$text" --reference "$work/f32.so"

echo
echo "== Tour: Q4_K_M's scheme per tensor, and what llama.cpp would store =="
"$bin/lowbit-import" "$model" -o "$work/f32.mlirbc"
"$bin/lowbit-opt" "$work/f32.mlirbc" \
  --lowbit-quantize="recipe=q4_k_m assign-report=- report=$work/q4km.txt" \
  -emit-bytecode -o "$work/q4km.mlirbc"
echo
echo "== Q4_K_M: error per tensor =="
cat "$work/q4km.txt"
echo
echo "== A 4.5 bits/weight budget, solved per tensor, and its KLD =="
"$bin/lowbit-opt" "$work/f32.mlirbc" --lowbit-quantize="bpw=4.5 report=$work/b.txt" \
  -emit-bytecode -o "$work/bpw45.mlirbc"
tail -n 1 "$work/b.txt"
"$bin/lowbit-run" kld "$work/bpw45.mlirbc" "$text" --reference "$work/f32.mlirbc"
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
