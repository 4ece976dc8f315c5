#!/bin/sh
# Whole-model decode speed on a Llama-7B-shaped synthetic model whose packed
# weights exceed 2x the last-level cache (so decode reads them from memory,
# as a real 7B model does): for each scheme, tokens/s with 1 and 2 threads
# and the packed bytes read per token over the time (GB/s), beside the CPU
# and its cache. Weights are quantized by round-to-nearest (their speed
# does not depend on the method).
#
#   bench/whole_model_decode.sh [layers] [schemes...]
#
# Default layers: the fewest (at least 2) whose q4_0 weights exceed 2x the
# LLC; default schemes: q4_0 q4_k q8_0.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$here/build/bin
llc=0
for f in /sys/devices/system/cpu/cpu0/cache/index*/size; do
  v=$(awk '{ n = $0 + 0; if ($0 ~ /K$/) n *= 1024; if ($0 ~ /M$/) n *= 1048576; print n }' "$f")
  [ "$v" -gt "$llc" ] && llc=$v
done
# One 7B layer in q4_0: 202 M weights at 4.5 bits, about 113 MB.
layers=${1:-$(( (2 * llc / 113000000) + 1 ))}
[ "$layers" -lt 2 ] && layers=2
[ $# -gt 0 ] && shift
schemes=${*:-q4_0 q4_k q8_0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), last-level cache $((llc / 1048576)) MiB"
"$bin/../bench/lowbit-synthetic-gguf" "$work/m.gguf" "$layers" >/dev/null
"$bin/lowbit-import" "$work/m.gguf" --context=512 -o "$work/f.mlirbc"
rm "$work/m.gguf"
for s in $schemes; do
  "$bin/lowbit-opt" "$work/f.mlirbc" \
    --lowbit-quantize="default=$s method=rtn report=-" \
    -emit-bytecode -o "$work/q.mlirbc" >"$work/report.txt"
  # Bytes a token reads: every packed weight but the embedding table, of
  # which a token reads one row.
  bytes=$(awk '
    /^model: / { total = $6 }
    /^token_embd.weight / { split($2, d, "x"); emb = d[1] * d[2] * $4 / 8 }
    END { printf "%.0f", total - emb }' "$work/report.txt")
  for t in 1 2; do
    line=$(OMP_NUM_THREADS=$t "$bin/lowbit-run" bench "$work/q.mlirbc" 16 -n 32)
    tps=$(echo "$line" | sed -n 's/.*decode [0-9]* tokens: \([0-9.]*\) tokens.*/\1/p')
    echo "$s, $layers layers, $((bytes / 1048576)) MiB read per token, $t thread(s): decode $tps tokens/s, $(awk "BEGIN { printf \"%.2f\", $bytes * $tps / 1e9 }") GB/s"
  done
done
