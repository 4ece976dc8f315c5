#!/usr/bin/env bash
# The main job: sets up, builds, imports the bundled stories260K model,
# quantizes every weight matrix through lowbit-opt and prints a per-tensor
# table (default scheme q4_k, or the first argument), then a summary of
# every GGUF format and two parametric schemes on the whole model.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${LOWBIT_BUILD_DIR:-$root/build}"
scheme="${1:-q4_k}"
"$root/scripts/setup.sh"
"$root/scripts/build.sh" lowbit-opt lowbit-import
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
model="$root/data/models/stories260K/stories260K.bin"
"$build/bin/lowbit-import" "$model" -o "$work/stories260K.mlirbc"
echo
echo "== stories260K: every weight matrix in $scheme (tails included) =="
"$build/bin/lowbit-opt" "$work/stories260K.mlirbc" \
  --lowbit-select-block-scales="scheme=$scheme report=-" -o "$work/q.mlirbc"
echo
echo "== stories260K: whole model per scheme (rows of 64 and 172) =="
printf "%-26s %9s %11s %11s\n" scheme bpw rmse max_err
for s in q8_0 q6_k q5_k q5_1 q5_0 q4_k q4_1 q4_0 iq4_nl iq4_xs q3_k q2_k \
         b4:g32:sym:f16:nf4 b3:g64:asym:f16; do
  "$build/bin/lowbit-opt" "$work/stories260K.mlirbc" \
    --lowbit-select-block-scales="scheme=$s report=$work/r.txt" -o /dev/null
  awk -v s="$s" '/^total/ {printf "%-26s %9s %11s %11s\n", s, $(NF-2), $(NF-1), $NF}' "$work/r.txt"
done
