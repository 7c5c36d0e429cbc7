#!/usr/bin/env bash
# int8_accuracy.sh — what `--int8` (lstm_infer_q8) costs in accuracy on real data. Imports
# ../shared/data/real (athlete = folder), trains the default 2x128 LSTM on the athlete split (time
# budget), then: `hrcast eval` on athlete:test (held-out runners) and on all workouts, with FP32 and
# with --int8 (global masked MAE/RMSE),
# and `hrcast predict` of every workout both ways, per-step |FP32 - int8| (max, mean, 99th
# percentile; predictions are printed to 0.1 bpm), and the time of each predict pass.
# Usage: bench/int8_accuracy.sh   Env: REAL (../shared/data/real), OUT (temp dir, kept when given),
#        BUDGET (training seconds, 300), THREADS (2), MODEL (an existing model: skips the training)
set -euo pipefail
cd "$(dirname "$0")/.."
REAL=${REAL:-../shared/data/real}
if [ ! -d "$REAL" ]; then
    echo "int8_accuracy.sh: $REAL not found (set REAL=...); nothing to do" >&2
    exit 0
fi
make -s build/hrcast >/dev/null
if [ -n "${OUT:-}" ]; then
    mkdir -p "$OUT"
else
    OUT=$(mktemp -d /tmp/hrcast-int8-XXXXXX)
    trap 'rm -rf "$OUT"' EXIT
fi
H=build/hrcast
echo "int8_accuracy.sh — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
[ -f "$OUT/real.hrd" ] || $H import -q --athlete-from-dir "$REAL" -o "$OUT/real.hrd"
model=${MODEL:-$OUT/model.safetensors}
if [ -z "${MODEL:-}" ]; then
    $H train "$OUT/real.hrd" -o "$model" --threads "${THREADS:-2}" --time-budget "${BUDGET:-300}" -q
fi
for mode in fp32 int8; do
    flag=; [ $mode = int8 ] && flag=--int8
    $H eval "$model" "$OUT/real.hrd" --split athlete:test --json $flag -q > "$OUT/eval_$mode.json"
    # all workouts include the training ones: fine for FP32 vs int8, labelled (eval refuses without the flag)
    $H eval "$model" "$OUT/real.hrd" --split all --allow-overlap --json $flag -q > "$OUT/evalall_$mode.json" 2>/dev/null
    t0=$(date +%s.%N)
    $H predict "$model" "$OUT/real.hrd" $flag -q > "$OUT/pred_$mode.csv"
    t1=$(date +%s.%N)
    awk -v m=$mode -v t0="$t0" -v t1="$t1" 'BEGIN{printf "%s predict of every workout: %.1f s\n", m, t1 - t0}'
done
# the first "mae"/"rmse" of the (pretty-printed) eval JSON: the model's global metrics
mae() { grep -m1 '"mae"' "$1" | sed 's/[^0-9.]*\([0-9.]*\).*/\1/'; }
rmse() { grep -m1 '"rmse"' "$1" | sed 's/[^0-9.]*\([0-9.]*\).*/\1/'; }
for part in eval:athlete:test evalall:all; do
    f=${part%%:*}; name=${part#*:}
    echo "$name  FP32 MAE $(mae "$OUT/${f}_fp32.json") RMSE $(rmse "$OUT/${f}_fp32.json") bpm" \
         " | int8 MAE $(mae "$OUT/${f}_int8.json") RMSE $(rmse "$OUT/${f}_int8.json") bpm"
done
# column 6 is hr_pred_bpm; rows are the same steps in the same order
paste -d, <(cut -d, -f6 "$OUT/pred_fp32.csv") <(cut -d, -f6 "$OUT/pred_int8.csv") | tail -n +2 |
    awk -F, '{d = $1 - $2; d = d < 0 ? -d : d; print d}' | sort -g |
    awk '{v[NR] = $1; s += $1} END {printf "per step |FP32 - int8| over %d steps: mean %.3f, 99th pct %.1f, max %.1f bpm\n",
         NR, s / NR, v[int(NR * 0.99)], v[NR]}'
