#!/bin/sh
# Quality of quantization methods on one model, calibrated on one half of a
# text and evaluated on the other (so nothing is tuned to the evaluation):
# for each scheme, RTN, search, search + imatrix, GPTQ and GPTQ with
# act-order, each with its bits/weight (all weights in the scheme, as
# llama-quantize --pure), mean KLD vs the float model, perplexity, and the
# quantization's wall time and peak RSS.
#
#   bench/quant_quality.sh [model] [text] [calibration stories] [evaluation stories] [schemes...]
#
# Defaults: the bundled stories260K (f32 GGUF), the bundled TinyStories
# text, stories 1-23 to calibrate, 24-46 to evaluate, and q4_k q4_0 iq4_xs
# q3_k b3:g64:asym:f16 q2_k.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$here/build/bin
model=${1:-$here/data/models/stories260K-gguf/stories260K-f32.gguf}
text=${2:-$here/data/models/tinystories-valid-head/tinystories_valid_head.txt}
calib=${3:-1-23}
eval=${4:-24-46}
[ $# -gt 4 ] && shift 4 || set --
schemes=${*:-q4_k q4_0 iq4_xs q3_k b3:g64:asym:f16 q2_k}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin/lowbit-import" "$model" --context=512 -o "$work/f.mlirbc"
"$bin/lowbit-run" calibrate "$work/f.mlirbc" "$text" --stories="$calib" \
  --gram -o "$work/cal.gguf" >/dev/null
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p')"
echo "model: $model; calibration: stories $calib; evaluation: stories $eval"
echo
echo "| scheme | method | bits/weight | mean KLD | perplexity | time (s) | peak RSS (MB) |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for s in $schemes; do
  for m in rtn search imatrix gptq gptq-act-order; do
    case $m in
    rtn) opts="method=rtn" ;;
    search) opts="" ;;
    imatrix) opts="calibration=$work/cal.gguf" ;;
    gptq) opts="calibration=$work/cal.gguf gptq=true" ;;
    gptq-act-order) opts="calibration=$work/cal.gguf gptq=true gptq-act-order=true" ;;
    esac
    /usr/bin/time -f "%e %M" -o "$work/time" "$bin/lowbit-opt" "$work/f.mlirbc" \
      --lowbit-quantize="default=$s $opts report=$work/report.txt" \
      -emit-bytecode -o "$work/q.mlirbc"
    bpw=$(sed -n 's/^model: .*(\([0-9.]*\) bits\/weight).*/\1/p' "$work/report.txt")
    kld=$("$bin/lowbit-run" kld "$work/q.mlirbc" "$text" \
      --reference="$work/f.mlirbc" --stories="$eval")
    mean=$(echo "$kld" | sed -n 's/.*mean KLD \([0-9.]*\).*/\1/p')
    ppl=$(echo "$kld" | sed -n 's/.*perplexity \([0-9.]*\) .*/\1/p')
    read -r secs rss <"$work/time"
    echo "| $s | $m | $bpw | $mean | $ppl | $secs | $((rss / 1024)) |"
  done
done
