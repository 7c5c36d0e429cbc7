#!/usr/bin/env bash
# test_hr_scale.sh — `hrcast train --hr-scale athlete` and `hrcast finetune --scale-only` (docs/features.md,
# "The athlete's HR scale"): the card holds each training athlete's scale, predictions follow an athlete's
# scale (a card rewritten with one athlete 10 bpm higher predicts exactly 10 bpm more for that athlete and
# nothing else changes), --scale-only personalises without training and refuses a base without a scale,
# train --init keeps a base's scale, the scale is train's default (not for physio-residual), and wrong uses
# get one line and a non-zero exit.
# Usage: tests/test_hr_scale.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-hr-scale.XXXXXX)
. "$(dirname "$0")/lib.sh"
card() { py "
import json, struct, sys
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
print(json.loads(raw[8:8 + n])['__metadata__']['model'])
" "$1"; }

"$BIN" simulate --athletes 4 --workouts 12 --seed 5 -q -o "$tmp/d.hrd"
"$BIN" train "$tmp/d.hrd" -o "$tmp/s.safetensors" --split chrono --epochs 1 --hidden 8 --hr-scale athlete \
    2>"$tmp/log"; rc=$?
check "train --hr-scale athlete: exit 0, the log gives the scale" '[ $rc -eq 0 ] && grep -q "HR scale: 4 athletes" "$tmp/log"'
card "$tmp/s.safetensors" > "$tmp/s.json"
check "the card holds each athlete's [mean, sd, steps] and the population's" 'py "
import json
s = json.load(open(\"$tmp/s.json\"))[\"hr_scale\"]
assert sorted(s[\"athletes\"]) == [\"sim0001\", \"sim0002\", \"sim0003\", \"sim0004\"], s
assert all(100 < m < 200 and 3 <= sd < 60 and n > 360 for m, sd, n in s[\"athletes\"].values())
assert abs(s[\"pop_mean\"] - sum(v[0] for v in s[\"athletes\"].values()) / 4) < 1e-3
"'

# one athlete's mean 10 bpm higher in the card: their predictions 10 bpm higher, everyone else's the same
py "
import json, struct, sys
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
head = json.loads(raw[8:8 + n])
card = json.loads(head['__metadata__']['model'])
card['hr_scale']['athletes']['sim0002'][0] += 10
head['__metadata__']['model'] = json.dumps(card)
h = json.dumps(head).encode()
h += b' ' * (-len(h) % 8)
open(sys.argv[2], 'wb').write(struct.pack('<Q', len(h)) + h + raw[8 + n:])
" "$tmp/s.safetensors" "$tmp/s10.safetensors"
"$BIN" predict "$tmp/s.safetensors" "$tmp/d.hrd" --format json --inputs -q -o "$tmp/p.json"
"$BIN" predict "$tmp/s10.safetensors" "$tmp/d.hrd" --format json --inputs -q -o "$tmp/p10.json"
check "predict follows the athlete's scale (+10 bpm for sim0002 only)" 'py "
import json
a, b = (json.load(open(f))[\"workouts\"] for f in (\"$tmp/p.json\", \"$tmp/p10.json\"))
for x, y in zip(a, b):
    d = [q - p for p, q in zip(x[\"hr_pred\"], y[\"hr_pred\"]) if p is not None]
    want = 10 if x[\"athlete\"] == \"sim0002\" else 0
    assert d and all(abs(v - want) < 0.01 for v in d), (x[\"athlete\"], min(d), max(d))
"'

"$BIN" finetune "$tmp/s.safetensors" "$tmp/d.hrd" --athlete sim0003 --scale-only -o "$tmp/q.safetensors" 2>"$tmp/log"; rc=$?
card "$tmp/q.safetensors" > "$tmp/q.json"
check "finetune --scale-only: exit 0, a finetuned card for the athlete, the base's weights" '[ $rc -eq 0 ] && py "
import json
q, s = (json.load(open(f)) for f in (\"$tmp/q.json\", \"$tmp/s.json\"))
x = q[\"training\"][\"extra\"]
assert x[\"kind\"] == \"finetune\" and x[\"athlete\"] == \"sim0003\" and \"scale only\" in x[\"freeze\"], x
assert q[\"hr_scale\"][\"athletes\"][\"sim0003\"] == s[\"hr_scale\"][\"athletes\"][\"sim0003\"]
" && grep -q "validation MAE" "$tmp/log"'
# a recording that names no runner, predicted with the runner's finetuned model: the runner's own scale
"$BIN" simulate --athletes 1 --workouts 1 --seed 3 --emit-files "$tmp/runs" -o "$tmp/one.hrd" -q
fit=$(ls "$tmp"/runs/*/*.fit | head -1)
"$BIN" predict "$tmp/q.safetensors" "$fit" --format json -q -o "$tmp/u.json"
"$BIN" predict "$tmp/q.safetensors" "$fit" --format json -q --athlete sim0003 -o "$tmp/n3.json"
"$BIN" predict "$tmp/s.safetensors" "$fit" --format json -q -o "$tmp/pop.json"
check "an unnamed recording gets the finetuned model's own runner's scale (as --athlete), not the population's" 'py "
import json
u, n, pop = (json.load(open(f))[\"workouts\"][0][\"hr_pred\"] for f in (\"$tmp/u.json\", \"$tmp/n3.json\", \"$tmp/pop.json\"))
assert u == n, \"unnamed differs from --athlete sim0003\"
assert max(abs(a - b) for a, b in zip(u, pop)) > 0.5, \"the population scale was used\"
"'
check "predict --inputs names the athlete whose scale was used (the finetuned runner), which the card's recipe reads" \
  '"$BIN" predict "$tmp/q.safetensors" "$fit" --format json --inputs -q | py "
import json, sys; assert json.load(sys.stdin)[\"workouts\"][0][\"athlete\"] == \"sim0003\"" &&
   "$BIN" card "$tmp/q.safetensors" --no-metrics -q > "$tmp/card.md" &&
   grep -q "a workout that names no athlete is predicted as .sim0003..s, the runner this model was finetuned for" "$tmp/card.md"'
"$BIN" replay "$tmp/q.safetensors" "$fit" -q > "$tmp/r.csv"
"$BIN" replay "$tmp/s.safetensors" "$fit" -q > "$tmp/rpop.csv"
check "the stream (replay) does the same: the finetuned model's rows differ from the population's" \
  '[ -s "$tmp/r.csv" ] && ! cmp -s "$tmp/r.csv" "$tmp/rpop.csv"'
"$BIN" train "$tmp/d.hrd" -o "$tmp/n.safetensors" --split chrono --epochs 1 --hidden 8 --hr-scale none -q
"$BIN" finetune "$tmp/n.safetensors" "$tmp/d.hrd" --athlete sim0003 --scale-only -o "$tmp/x.safetensors" 2>"$tmp/e"; rc=$?
check "--scale-only on a base without a scale: exit 1, one line, nothing written" \
  '[ $rc -eq 1 ] && [ $(wc -l < "$tmp/e") -eq 1 ] && grep -q "has no HR scale" "$tmp/e" && [ ! -e "$tmp/x.safetensors" ]'
"$BIN" finetune "$tmp/s.safetensors" "$tmp/d.hrd" --athlete sim0003 --epochs 0 -o "$tmp/x.safetensors" 2>"$tmp/e"; rc=$?
check "finetune --epochs 0: exit 2, the hint names --scale-only" '[ $rc -eq 2 ] && grep -q -- "--scale-only" "$tmp/e"'

"$BIN" train "$tmp/d.hrd" -o "$tmp/i.safetensors" --init "$tmp/s.safetensors" --split chrono --epochs 1 -q; rc=$?
card "$tmp/i.safetensors" > "$tmp/i.json"
check "train --init from a scaled base keeps the scale" '[ $rc -eq 0 ] && py "
import json
assert len(json.load(open(\"$tmp/i.json\"))[\"hr_scale\"][\"athletes\"]) == 4
"'
"$BIN" train "$tmp/d.hrd" -o "$tmp/x.safetensors" --init "$tmp/s.safetensors" --hr-scale none 2>"$tmp/e"; rc=$?
check "train --init with --hr-scale: exit 2, one line" '[ $rc -eq 2 ] && [ $(wc -l < "$tmp/e") -eq 1 ]'
"$BIN" train "$tmp/d.hrd" -o "$tmp/x.safetensors" --hr-scale runner 2>"$tmp/e"; rc=$?
check "--hr-scale runner: exit 2, names the choices" '[ $rc -eq 2 ] && grep -q "not athlete or none" "$tmp/e"'
"$BIN" train "$tmp/d.hrd" -o "$tmp/x.safetensors" --features physio-residual --hr-scale athlete --epochs 1 \
    2>"$tmp/e"; rc=$?
check "--hr-scale athlete with physio-residual: exit 1, one line, nothing written" \
  '[ $rc -eq 1 ] && grep -q "does not go with the physio-residual" "$tmp/e" && [ ! -e "$tmp/x.safetensors" ]'

# the default: train with no --hr-scale has one; physio-residual, which cannot, trains without it
"$BIN" train "$tmp/d.hrd" -o "$tmp/dflt.safetensors" --split chrono --epochs 1 --hidden 8 -q
card "$tmp/dflt.safetensors" > "$tmp/dflt.json"
check "train's default: the athlete's HR scale" 'py "
import json
assert len(json.load(open(\"$tmp/dflt.json\"))[\"hr_scale\"][\"athletes\"]) == 4
"'
"$BIN" train "$tmp/d.hrd" -o "$tmp/res.safetensors" --split chrono --epochs 1 --hidden 8 --features physio-residual -q
rc=$?
card "$tmp/res.safetensors" > "$tmp/res.json"
check "physio-residual without --hr-scale: trained, no scale" '[ $rc -eq 0 ] && py "
import json
assert \"hr_scale\" not in json.load(open(\"$tmp/res.json\"))
"'

# another dataset whose runner has an id the base knows (simulated runners are all sim0001...): the runner's own
# scale, measured here, with a warning (the base's runner's was kept until 2026-12-07)
"$BIN" simulate --athletes 4 --workouts 12 --seed 77 -q -o "$tmp/y.hrd"
"$BIN" finetune "$tmp/s.safetensors" "$tmp/y.hrd" --athlete sim0001 --scale-only -o "$tmp/fy.safetensors" 2>"$tmp/log"; rc=$?
card "$tmp/fy.safetensors" > "$tmp/fy.json"
"$BIN" finetune "$tmp/s.safetensors" "$tmp/d.hrd" --athlete sim0001 --scale-only -o "$tmp/fd.safetensors" 2>"$tmp/logd"
card "$tmp/fd.safetensors" > "$tmp/fd.json"
check "finetune on another dataset with a known id: that runner's scale, and a warning naming both" '[ $rc -eq 0 ] && grep -q "^warning: HR scale of sim0001, measured on [0-9]* training workouts: .* where the base has .* this one is used" "$tmp/log" && py "
import json
base = json.load(open(\"$tmp/s.json\"))[\"hr_scale\"][\"athletes\"][\"sim0001\"]
y = json.load(open(\"$tmp/fy.json\"))[\"hr_scale\"][\"athletes\"][\"sim0001\"]
d = json.load(open(\"$tmp/fd.json\"))[\"hr_scale\"][\"athletes\"][\"sim0001\"]
assert abs(y[0] - base[0]) > 1, (y, base)
assert d == base, (d, base)  # on the dataset of the base: the same scale to the last bit
" && ! grep -q "^warning: HR scale" "$tmp/logd"'
echo "test_hr_scale: $pass passed, $fail failed"
[ $fail -eq 0 ]
