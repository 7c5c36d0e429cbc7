#!/usr/bin/env bash
# altitude_shift.sh — the same runs recorded higher up: bench/real.sh's models scored on its dataset as it is
# and with every recorded altitude raised by SHIFT metres (runs without altitude stay without), as if the
# runners lived at altitude. A model whose inputs are heights above the run's start (`default+relalt`)
# must give the same numbers; one fed heights above the sea (`default`) shows how far its predictions move
# with the place alone (docs/results.md, "A runner the model has never seen, and one who lives higher").
# The dataset goes through `hrcast export --format csv` and `hrcast import` (both kept: the unshifted
# round trip must reproduce bench/real.sh's figures).
# Usage: bench/altitude_shift.sh OUT [OUT...]   (bench/real.sh output folders; finetuned models
#        OUT/models/ft_sS_A.safetensors and, with COLD, the leave-one-out OUT/loo/A/cold_sS.safetensors)
# Env: SHIFT (1500), SEEDS ("1 2 3"), HRCAST (build/hrcast)
set -euo pipefail
cd "$(dirname "$0")/.."
SHIFT=${SHIFT:-1500}
SEEDS=${SEEDS:-1 2 3}
HRCAST=${HRCAST:-build/hrcast}
ATHLETES="patricktudor-strava-export shaonianche-running-data-sync arthurfsy2-workouts-page runpandas rikluost-athlete-hr-predict"
[ $# -ge 1 ] || { echo "usage: bench/altitude_shift.sh OUT [OUT...]" >&2; exit 2; }
tmp=$(mktemp -d /tmp/hrcast-altshift.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
echo "altitude_shift: $(date -u +%FT%H:%MZ), shift $SHIFT m, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# pooled MAE (by steps) of one model kind over the five athletes, for one seed, on one dataset
pooled() { # OUT KIND(ft|cold) SEED DATA
    local a m
    for a in $ATHLETES; do
        if [ "$2" = ft ]; then m="$1/models/ft_s$3_$a.safetensors"; else m="$1/loo/$a/cold_s$3.safetensors"; fi
        [ -f "$m" ] || return 0
        "$HRCAST" eval "$m" "$4" --split chrono:test --athlete "$a" --json -q 2>/dev/null
    done | python3 -c '
import json, sys
text, dec, r, i = sys.stdin.read(), json.JSONDecoder(), [], 0
while text[i:].strip():
    j, i = dec.raw_decode(text, len(text) - len(text[i:].lstrip()))
    r.append(j)
if len(r) == 5:
    s = sum(j["steps"] for j in r)
    print("%.3f %s" % (sum(j["mae"] * j["steps"] for j in r) / s, " ".join("%.2f" % j["mae"] for j in r)))'
}

for out in "$@"; do
    "$HRCAST" export "$out/real.hrd" --format csv -o "$tmp/as_is.csv"
    python3 - "$tmp/as_is.csv" "$tmp/higher.csv" "$SHIFT" <<'PY'
import csv, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w", newline="") as g:
    r, w = csv.reader(f), csv.writer(g)
    head = next(r)
    w.writerow(head)
    a = head.index("altitude_m")
    for row in r:
        if row[a] != "":
            row[a] = repr(float(row[a]) + float(sys.argv[3]))
        w.writerow(row)
PY
    step=$(python3 -c 'import csv, sys; print(next(csv.DictReader(open(sys.argv[1])))["step_s"])' "$tmp/as_is.csv")
    "$HRCAST" import "$tmp/as_is.csv" --step "$step" -o "$tmp/as_is.hrd" -q
    "$HRCAST" import "$tmp/higher.csv" --step "$step" -o "$tmp/higher.hrd" -q
    for kind in ft cold; do
        for s in $SEEDS; do
            a=$(pooled "$out" $kind "$s" "$tmp/as_is.hrd")
            [ -n "$a" ] || continue
            b=$(pooled "$out" $kind "$s" "$tmp/higher.hrd")
            echo "$out $kind seed $s: as recorded ${a%% *} [${a#* }]  +$SHIFT m ${b%% *} [${b#* }]"
        done
    done
done
echo "altitude_shift: load $(cut -d' ' -f1-3 /proc/loadavg) at the end" >&2
