#!/usr/bin/env bash
# features_ablation.sh — which inputs help the LSTM on simulated held-out athletes: the demo's dataset and
# exactly the demo's train options (src/cli/demo.c: --hidden 64 --layers 2 --batch 16 --lr 2e-3 --dropout 0.2
# --epochs 60 --patience 5 --time-budget 150 --hr-scale none --threads 2 --seed 1), only --features varying,
# once per feature set, each evaluated on athlete:test against the physiological and constant baselines, so
# its default+pace row is the demo's LSTM. Until 2026-12-07 it passed no --hr-scale (train's default scales
# each athlete's HR since that day) and 1 thread (THREADS=1 gives the thread count of docs/results.md's table).
# Usage: [FEATURES="a b"] [BUDGET=S] [THREADS=T] bench/features_ablation.sh [DIR]   (default /tmp/hrcast-ablation)
# Takes up to 3 minutes per feature set on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/hrcast
dir=${1:-/tmp/hrcast-ablation}
mkdir -p "$dir"
[ -x "$B" ] || make -s -j2
[ -s "$dir/sim.hrd" ] || $B simulate --athletes 60 --workouts 20 --seed 1 -o "$dir/sim.hrd" -q
[ -s "$dir/physio.safetensors" ] || $B fit-physio "$dir/sim.hrd" -o "$dir/physio.safetensors" 2>/dev/null
printf '%-16s %8s %18s %8s   (athlete:test; physio and constant baselines on the same split)\n' features MAE "95% CI" RMSE
for fs in ${FEATURES:-default default+physio default+pace}; do
  $B train "$dir/sim.hrd" -o "$dir/$fs.safetensors" --features "$fs" --hidden 64 --layers 2 --batch 16 --lr 2e-3 \
    --dropout 0.2 --epochs 60 --patience 5 --time-budget "${BUDGET:-150}" --hr-scale none \
    --threads "${THREADS:-2}" --seed 1 -q
  $B eval "$dir/$fs.safetensors" "$dir/sim.hrd" --split athlete:test --physio "$dir/physio.safetensors" --json -q \
    > "$dir/$fs.json"
  python3 - "$dir/$fs.json" "$fs" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = d["model_metrics"]
print(f"{sys.argv[2]:<16} {d['mae']:8.2f}    [{m['mae_ci95'][0]:.2f}, {m['mae_ci95'][1]:.2f}] {d['rmse']:8.2f}")
for k, v in d["baselines"].items():
    print(f"  {k:<14} {v['mae']:8.2f}    [{v['mae_ci95'][0]:.2f}, {v['mae_ci95'][1]:.2f}] {v['rmse']:8.2f}")
PY
done
