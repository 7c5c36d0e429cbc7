#!/usr/bin/env bash
# int8_accuracy.sh — what the low-precision forwards (`--int8`, `--bf16`: lstm_infer_lowp) cost in
# accuracy on real data. Imports ../shared/data/real (athlete = folder), trains the default 2x128 LSTM
# on the athlete split (time budget), then: `hrcast eval` on athlete:test (held-out runners) and on all
# workouts, in FP32 and in each low precision (global masked MAE/RMSE), and `hrcast predict --format
# json` of every workout each way, per-step |FP32 - low| (max, mean, 99th percentile; predictions are
# written to 0.01 bpm), and the time of each predict pass (on a loaded machine: no speed figure).
# One line per precision is made to be read by a script:
#   accuracy int8 steps=N mean=0.013 p99=0.10 max=0.20 mae_fp32=17.7478 mae_low=17.7478
# Usage: bench/int8_accuracy.sh   Env: REAL (../shared/data/real), OUT (temp dir, kept when given),
#        BUDGET (training seconds, 300), THREADS (2), MODEL (an existing model: skips the training),
#        PRECISIONS ("int8 bf16"); HRCAST_ISA picks the kernel path as everywhere (avx2: 7-bit int8,
#        emulated bf16)
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
PRECISIONS=${PRECISIONS:-int8 bf16}
for mode in fp32 $PRECISIONS; do
    case $mode in fp32) flag= ;; int8) flag=--int8 ;; bf16) flag=--bf16 ;;
        *) echo "int8_accuracy.sh: PRECISIONS: '$mode' is not int8 or bf16" >&2; exit 2 ;; esac
    $H eval "$model" "$OUT/real.hrd" --split athlete:test --json $flag -q > "$OUT/eval_$mode.json"
    # all workouts include the training ones: fine for FP32 vs low precision, labelled (eval refuses without the flag)
    $H eval "$model" "$OUT/real.hrd" --split all --allow-overlap --json $flag -q > "$OUT/evalall_$mode.json" 2>/dev/null
    t0=$(date +%s.%N)
    $H predict "$model" "$OUT/real.hrd" --format json $flag -q > "$OUT/pred_$mode.json"
    t1=$(date +%s.%N)
    awk -v m=$mode -v t0="$t0" -v t1="$t1" 'BEGIN{printf "%s predict of every workout: %.1f s\n", m, t1 - t0}'
done
# the first "mae"/"rmse" of the (pretty-printed) eval JSON: the model's global metrics
mae() { grep -m1 '"mae"' "$1" | sed 's/[^0-9.]*\([0-9.]*\).*/\1/'; }
rmse() { grep -m1 '"rmse"' "$1" | sed 's/[^0-9.]*\([0-9.]*\).*/\1/'; }
for mode in $PRECISIONS; do
    for part in eval:athlete:test evalall:all; do
        f=${part%%:*}; name=${part#*:}
        echo "$name  FP32 MAE $(mae "$OUT/${f}_fp32.json") RMSE $(rmse "$OUT/${f}_fp32.json") bpm" \
             " | $mode MAE $(mae "$OUT/${f}_$mode.json") RMSE $(rmse "$OUT/${f}_$mode.json") bpm"
    done
    # the same workouts and steps in the same order: hr_pred of each workout, step by step
    python3 - "$OUT/pred_fp32.json" "$OUT/pred_$mode.json" "$mode" "$(mae "$OUT/eval_fp32.json")" \
        "$(mae "$OUT/eval_$mode.json")" <<'PY'
import json, sys
a, b = (json.load(open(p))["workouts"] for p in sys.argv[1:3])
assert len(a) == len(b), (len(a), len(b))
d = sorted(abs(x - y) for wa, wb in zip(a, b) for x, y in zip(wa["hr_pred"], wb["hr_pred"])
           if x is not None and y is not None)
n = len(d)
print("per step |FP32 - %s| over %d steps: mean %.4f, 99th pct %.2f, max %.2f bpm" % (sys.argv[3], n, sum(d) / n,
      d[int(n * 0.99)], d[-1]))
print("accuracy %s steps=%d mean=%.4f p99=%.2f max=%.2f mae_fp32=%s mae_low=%s" % (sys.argv[3], n, sum(d) / n,
      d[int(n * 0.99)], d[-1], sys.argv[4], sys.argv[5]))
PY
done
