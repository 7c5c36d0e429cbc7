#!/usr/bin/env bash
# real_new_runner.sh — a NEW runner through the default pipeline: the leave-one-out models of bench/real.sh
# (OUT/loo/A/cold_sS.safetensors: trained without runner A) finetuned with finetune's defaults on A's own
# earlier runs (chrono training part), then scored on A's chrono test part. This is what a runner who is not
# in the training data gets from `hrcast finetune`, unlike bench/real.sh's personalised rows, whose general
# model had seen the runner's earlier runs. Prints per athlete and pooled MAE for each seed, mean ± sd, and
# the same with the runner's recent form (eval --recent-form; docs/features.md "Recent form").
# Usage: bench/real_new_runner.sh OUT [OUT...]   (bench/real.sh output folders with COLD=1 or only; their
#        seeds joined). Env: HRCAST (build/hrcast), THREADS (1). Finetuned models and eval JSON go into
#        OUT/loo/A/ft_cold_sS.safetensors, OUT/json/newrunner_sS_A.json and newrunnerform_sS_A.json (reused
#        when present).
set -euo pipefail
HRCAST=${HRCAST:-build/hrcast}
THREADS=${THREADS:-1}
[ $# -ge 1 ] || { echo "usage: bench/real_new_runner.sh OUT [OUT...]" >&2; exit 2; }
echo "real_new_runner: $(date -u +%FT%RZ), load $(cut -d' ' -f1-3 /proc/loadavg) at the start" >&2
for out in "$@"; do
  for d in "$out"/loo/*/; do
    a=$(basename "$d")
    for m in "$d"cold_s*.safetensors; do
      s=$(basename "$m" .safetensors); s=${s#cold_s}
      j=$out/json/newrunner_s${s}_$a.json
      jf=$out/json/newrunnerform_s${s}_$a.json
      [ -s "$j" ] && [ -s "$jf" ] && continue
      if [ ! -s "$j" ]; then
        "$HRCAST" finetune "$m" "$out/real.hrd" --athlete "$a" -o "$d/ft_cold_s$s.safetensors" --seed "$s" \
            --threads "$THREADS" -q
        "$HRCAST" eval "$d/ft_cold_s$s.safetensors" "$out/real.hrd" --split chrono:test --athlete "$a" --json -q \
            > "$j.tmp"
        mv "$j.tmp" "$j"
      fi
      # and with the runner's recent form (eval --recent-form: their latest runs outside the training part)
      "$HRCAST" eval "$d/ft_cold_s$s.safetensors" "$out/real.hrd" --split chrono:test --athlete "$a" --json -q \
          --recent-form > "$jf.tmp"
      mv "$jf.tmp" "$jf"
      echo "real_new_runner: $out seed $s $a done" >&2
    done
  done
done
echo "real_new_runner: load $(cut -d' ' -f1-3 /proc/loadavg) at the end" >&2
python3 - "$@" <<'PY'
import glob, json, os, statistics, sys
def gather(prefix):
    res = {}
    for out in sys.argv[1:]:
        for p in glob.glob(os.path.join(out, "json", prefix + "_s*_*.json")):
            s, a = os.path.basename(p)[len(prefix) + 2:-len(".json")].split("_", 1)
            d = json.load(open(p))
            res.setdefault(s, {})[a] = (d["mae"], d["steps"])
    return res
def ms(v):
    return f"{statistics.mean(v):.2f}" + (f" ± {statistics.stdev(v):.2f}" if len(v) > 1 else "")
res = gather("newrunner")
seeds = sorted(res)
athletes = sorted({a for s in seeds for a in res[s]})
print("| finetuned LOO model, seeds | " + " | ".join(a.split("-")[0] for a in athletes) + " | **pooled** |")
print("|---|" + "---|" * (len(athletes) + 1))
for name, r in (("", res), (" + recent form", gather("newrunnerform"))):
    per = [ms([r[s][a][0] for s in seeds if s in r and a in r[s]]) for a in athletes]
    pooled = [sum(m * n for m, n in r[s].values()) / sum(n for _, n in r[s].values()) for s in seeds
              if s in r and len(r[s]) == len(athletes)]
    print(f"| {', '.join(seeds)}{name} | " + " | ".join(per) + f" | **{ms(pooled)}** |")
PY
