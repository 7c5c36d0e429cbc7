#!/usr/bin/env bash
# test_recent_form.sh — `hrcast eval --recent-form`, `hrcast predict --recent-form` and `plan --recent-form` (docs/features.md,
# "Recent form") on a simulated dataset with a real per-athlete constant model: eval's MAE equals the rule
# recomputed here from the exported series (the mean residual over trusted steps of the runner's last 3
# runs of the 7 days before, outside the chrono training part, averaged with 3 runs' worth of zero), the
# baselines get the same, the JSON and the split say so; predict's recent_form_bpm follows the same rule over
# the runs given, plan's shift the same rule for a run after the runner's latest; wrong uses get one line and a
# non-zero exit.
# Usage: tests/test_recent_form.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-recent-form.XXXXXX)
. "$(dirname "$0")/lib.sh"

"$BIN" simulate --athletes 3 --workouts 15 --seed 5 -q -o "$tmp/d.hrd"
"$BIN" export "$tmp/d.hrd" --format jsonl -o "$tmp/d.jsonl"
"$BIN" fit-physio "$tmp/d.hrd" --split chrono --constant -q -o "$tmp/c.safetensors"
"$BIN" predict "$tmp/c.safetensors" "$tmp/d.hrd" --format json -q -o "$tmp/p.json"
"$BIN" eval "$tmp/c.safetensors" "$tmp/d.hrd" --split chrono:test --json -q --baselines > "$tmp/e0.json"; rc0=$?
"$BIN" eval "$tmp/c.safetensors" "$tmp/d.hrd" --split chrono:test --json -q --recent-form --baselines \
    > "$tmp/e1.json"; rc1=$?
check "eval --recent-form: exit 0, labelled in the split and the JSON" '[ $rc0 -eq 0 ] && [ $rc1 -eq 0 ] && py "
import json
d = json.load(open(\"$tmp/e1.json\"))
assert d[\"split\"] == \"chrono:test, recent form\", d[\"split\"]
r = d[\"recent_form\"]
assert (r[\"runs\"], r[\"days\"], r[\"prior\"]) == (3, 7, 3), r
"'

# the rule, recomputed from the export: PRED(run) is the constant model's value (its prediction is flat)
rule='
import json, math
rows = [json.loads(l) for l in open("'"$tmp"'/d.jsonl")]
pred = {w["source"]: w["hr_pred"][0] for w in json.load(open("'"$tmp"'/p.json"))["workouts"]}
def residual(w):
    r = [h - pred[w["source"]] for h, q in zip(w["heart_rate"], w["hr_issue"]) if h is not None and q is None]
    return sum(r) / len(r) if len(r) * w["step_s"] >= 300 else None
def shift(w, history):
    h = sorted((x["start_time"], residual(x)) for x in history if x["athlete"] == w["athlete"] and
               x["start_time"] < w["start_time"] <= x["start_time"] + 7 * 86400 and residual(x) is not None)[-3:]
    return sum(r for _, r in h) / (len(h) + 3), len(h)
'
check "eval's MAE with recent form is the rule's (validation and earlier test runs; never training runs)" 'py "
$rule
held = [w for w in rows if w[\"split_chrono\"] != \"train\"]
err, n, moved = 0.0, 0, 0
for w in rows:
    if w[\"split_chrono\"] != \"test\":
        continue
    s, k = shift(w, held)
    moved += k > 0
    for h in w[\"heart_rate\"]:
        if h is not None:
            err += abs(pred[w[\"source\"]] + s - h)
            n += 1
d0, d1 = (json.load(open(f)) for f in (\"$tmp/e0.json\", \"$tmp/e1.json\"))
assert moved >= 3, moved
assert abs(d1[\"mae\"] - err / n) < 1e-3, (d1[\"mae\"], err / n)
assert abs(d1[\"mae\"] - d0[\"mae\"]) > 0.01, (d0[\"mae\"], d1[\"mae\"])
"'
check "the baselines are shifted too (their MAE moves with --recent-form)" 'py "
import json
d0, d1 = (json.load(open(f))[\"baselines\"] for f in (\"$tmp/e0.json\", \"$tmp/e1.json\"))
for k in (\"constant-base\", \"physio\"):
    assert abs(d0[k][\"mae\"] - d1[k][\"mae\"]) > 0.01, (k, d0[k][\"mae\"], d1[k][\"mae\"])
"'

"$BIN" predict "$tmp/c.safetensors" "$tmp/d.hrd" --recent-form "$tmp/d.hrd" --format json -q -o "$tmp/pf.json"; rc=$?
check "predict --recent-form DATASET: recent_form_bpm and _runs per workout by the rule (every earlier run)" '[ $rc -eq 0 ] && py "
$rule
out = {w[\"source\"]: w for w in json.load(open(\"$tmp/pf.json\"))[\"workouts\"]}
moved = 0
for w in rows:
    s, k = shift(w, rows)
    o = out[w[\"source\"]]
    # PRED comes from hr_pred, written to 0.01 bpm: the shift of the rule is then off by up to 0.005 x k / (k + 3)
    assert o[\"recent_form_runs\"] == k and abs(o[\"recent_form_bpm\"] - s) < 3e-3, (w[\"source\"], o[\"recent_form_bpm\"], s)
    assert abs(o[\"hr_pred\"][5] - round(pred[w[\"source\"]] + s, 2)) < 0.011
    moved += k > 0
assert moved >= 30, moved
"'

"$BIN" plan "$tmp/c.safetensors" --distance 5km --pace 5:00 --athlete sim0002 --json -q > "$tmp/pl0.json"; rc0=$?
"$BIN" plan "$tmp/c.safetensors" --distance 5km --pace 5:00 --athlete sim0002 --recent-form "$tmp/d.hrd" --json -q \
    > "$tmp/pl1.json"; rc1=$?
check "plan --recent-form: the runner's last 3 runs (7 days up to their latest) shift the plan's HR" '[ $rc0 -eq 0 ] && [ $rc1 -eq 0 ] && py "
$rule
mine = [w for w in rows if w[\"athlete\"] == \"sim0002\"]
latest = max(w[\"start_time\"] for w in mine)
s, k = shift({\"athlete\": \"sim0002\", \"start_time\": latest + 1e-3}, mine)
a, b = (json.load(open(f)) for f in (\"$tmp/pl0.json\", \"$tmp/pl1.json\"))
assert b[\"recent_form\"][\"runs\"] == k == 3 and abs(b[\"recent_form\"][\"shift_bpm\"] - s) < 0.006, (b[\"recent_form\"], s)
assert abs(b[\"peak_hr\"] - a[\"peak_hr\"] - s) < 0.06, (a[\"peak_hr\"], b[\"peak_hr\"], s)
assert \"recent_form\" not in a
"'

# a general LSTM with an HR scale, and a runner it does not know (FIT files name no athlete): the runs given
# set the runner's scale (mean and sd of their trusted HR) and the shift is measured against it
card() { py "
import json, struct, sys
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
print(json.loads(raw[8:8 + n])['__metadata__']['model'])
" "$1"; }
"$BIN" train "$tmp/d.hrd" -o "$tmp/g.safetensors" --split chrono --epochs 1 --hidden 8 -q
card "$tmp/g.safetensors" > "$tmp/g.json"
"$BIN" simulate --athletes 1 --workouts 4 --seed 8 --emit-files "$tmp/runs" -o "$tmp/new.hrd" -q
set -- $(ls "$tmp"/runs/*/* | sort)   # FIT, GPX, TCX: none names an athlete
"$BIN" predict "$tmp/g.safetensors" "$4" --format json -q -o "$tmp/g0.json"
"$BIN" predict "$tmp/g.safetensors" "$4" --recent-form "$1" --recent-form "$2" --recent-form "$3" --format json \
    -o "$tmp/g1.json" 2>"$tmp/g1.log"; rc=$?
"$BIN" predict "$tmp/g.safetensors" "$1" "$2" "$3" --format json -q -o "$tmp/gr.json"
check "a runner the scaled model does not know: their scale from the runs given, the prediction mapped onto it" '[ $rc -eq 0 ] && grep -q "HR scale from 3 of the runs given" "$tmp/g1.log" && py "
import json
sc = json.load(open(\"$tmp/g.json\"))[\"hr_scale\"]
a = json.load(open(\"$tmp/g0.json\"))[\"workouts\"][0]
b = json.load(open(\"$tmp/g1.json\"))[\"workouts\"][0]
hr = [h for w in json.load(open(\"$tmp/gr.json\"))[\"workouts\"] for h in w[\"hr_actual\"] if h is not None]
m, sd = b[\"recent_scale_mean_bpm\"], b[\"recent_scale_sd_bpm\"]
assert b[\"recent_scale_runs\"] == 3 and b[\"recent_form_runs\"] >= 1, b
mean = sum(hr) / len(hr)
assert abs(m - mean) < 1.0, (m, mean)  # trusted steps only: within a bpm of every recorded step
for p0, p1 in zip(a[\"hr_pred\"], b[\"hr_pred\"]):
    want = m + sd * (p0 - sc[\"pop_mean\"]) / sc[\"pop_sd\"] + b[\"recent_form_bpm\"]
    assert abs(p1 - want) < 0.02, (p0, p1, want)
"'
"$BIN" finetune "$tmp/g.safetensors" "$tmp/d.hrd" --athlete sim0003 --scale-only -o "$tmp/gq.safetensors" -q
"$BIN" predict "$tmp/gq.safetensors" "$4" --recent-form "$1" --recent-form "$2" --recent-form "$3" --format json \
    -q -o "$tmp/gq.json"
check "a finetuned model knows its runner: the runs give the shift only, no scale" 'py "
import json
b = json.load(open(\"$tmp/gq.json\"))[\"workouts\"][0]
assert \"recent_scale_mean_bpm\" not in b and \"recent_form_bpm\" in b, b.keys()
"'

"$BIN" eval "$tmp/c.safetensors" "$tmp/d.hrd" --split all --recent-form --allow-overlap -q > /dev/null 2>"$tmp/err"; rc=$?
check "eval --recent-form --split all: exit 2, one line" '[ $rc -eq 2 ] && [ $(wc -l < "$tmp/err") -eq 1 ] && grep -q "recent-form needs a split" "$tmp/err"'
"$BIN" eval "$tmp/c.safetensors" "$tmp/d.hrd" --recent-form --calibrate 10m -q > /dev/null 2>"$tmp/err"; rc=$?
check "eval --recent-form --calibrate: exit 2, one line" '[ $rc -eq 2 ] && [ $(wc -l < "$tmp/err") -eq 1 ] && grep -q "one or the other" "$tmp/err"'
"$BIN" predict "$tmp/c.safetensors" "$tmp/d.hrd" --recent-form "$tmp/missing.fit" -q > /dev/null 2>"$tmp/err"; rc=$?
check "predict --recent-form with a missing file: exit 1, one line naming it" '[ $rc -eq 1 ] && [ $(wc -l < "$tmp/err") -eq 1 ] && grep -q "missing.fit" "$tmp/err"'
gpx_without_hr "$tmp/nohr.gpx"
"$BIN" predict "$tmp/c.safetensors" "$tmp/d.hrd" --recent-form "$tmp/nohr.gpx" -q > /dev/null 2>"$tmp/err"; rc=$?
check "predict --recent-form with runs without heart rate: exit 1, says so" '[ $rc -eq 1 ] && grep -q "none of the runs given has 300 s of trusted heart rate" "$tmp/err"'
# files without absolute times (elapsed seconds only): the start times cannot tell the run predicted from an
# earlier run, so the same file given as both must be caught by its content, never its own history
py "
import math
for k, off in ((1, 25), (2, -10)):
    with open('$tmp/untimed%d.csv' % k, 'w') as f:
        f.write('time_s,speed_mps,altitude_m,heart_rate\\n')
        for t in range(0, 1800, 2):
            f.write('%d,%.3f,100,%.1f\\n' % (t, 3.0 + 0.4 * math.sin(t / 200 + k), 140 + off + 8 * math.sin(t / 300)))
"
"$BIN" predict "$tmp/c.safetensors" "$tmp/untimed1.csv" --recent-form "$tmp/untimed1.csv" --format json \
    -o "$tmp/self.json" 2>"$tmp/err"; rc=$?
check "predict FILE --recent-form FILE (no times): the run is not its own history, a warning says so" '[ $rc -eq 0 ] && grep -q "the same run is among the runs given for --recent-form" "$tmp/err" && py "
import json
w = json.load(open(\"$tmp/self.json\"))[\"workouts\"][0]
assert w.get(\"recent_form_runs\", 0) == 0 and w.get(\"recent_form_bpm\", 0) == 0, w.get(\"recent_form_bpm\")
"'
"$BIN" predict "$tmp/c.safetensors" "$tmp/untimed1.csv" --recent-form "$tmp/untimed1.csv" --recent-form "$tmp/untimed2.csv" \
    --format json -o "$tmp/two.json" 2>"$tmp/err"; rc=$?
# a recording without a start time gets no shift and no scale, as in eval (which runs came before it is
# unknown; until 2026-12-07 predict took it for a planned run: the runner's latest runs, even a month away)
check "... with another run beside it: a recording without a time, so no shift, and a warning says why" '[ $rc -eq 0 ] && grep -q "untimed1.csv: a recording without a start time: which of the runs given for --recent-form came before it is unknown: no shift" "$tmp/err" && ! grep -q "started in the 7 days" "$tmp/err" && py "
import json
w = json.load(open(\"$tmp/two.json\"))[\"workouts\"][0]
assert w.get(\"recent_form_runs\", 0) == 0 and w.get(\"recent_form_bpm\", 0) == 0 and \"recent_scale_runs\" not in w, w
"'
# a planned run (no time, no heart rate) still takes the runner's latest runs
cut -d, -f1-3 "$tmp/untimed1.csv" > "$tmp/planned.csv"
"$BIN" predict "$tmp/c.safetensors" "$tmp/planned.csv" --recent-form "$tmp/untimed2.csv" --format json -o "$tmp/pl.json" \
    2>"$tmp/err"; rc=$?
check "a planned run (no time, no HR): the runs given shift it" '[ $rc -eq 0 ] && ! grep -q "recording without a start time" "$tmp/err" && py "
import json
w = json.load(open(\"$tmp/pl.json\"))[\"workouts\"][0]
assert w[\"recent_form_runs\"] == 1 and w[\"recent_form_bpm\"] < 0, w
"'
# --- runs of several runners: only the runner's own count (until 2026-12-07 every runner's counted)
"$BIN" simulate --athletes 4 --workouts 6 --seed 8 --emit-files "$tmp/runs" -q -o "$tmp/four.hrd"
"$BIN" simulate --athletes 2 --workouts 12 --seed 9 -q -o "$tmp/two.hrd"
"$BIN" train "$tmp/two.hrd" -o "$tmp/l2.safetensors" --hidden 8 --epochs 1 --threads 1 --split chrono -q
run=$(ls "$tmp"/runs/sim0003/005-*.tcx)
"$BIN" predict "$tmp/l2.safetensors" "$run" --recent-form "$tmp/four.hrd" -q -o "$tmp/x.csv" 2>"$tmp/err"; rc=$?
check "a file that names no runner, with the runs of 4 runners: exit 1, one line asking for --athlete" '[ $rc -eq 1 ] && [ $(wc -l < "$tmp/err") -eq 1 ] && grep -q "names no runner, and the runs given are of 4 runners (sim0001, sim0002, ...): name the runner with --athlete ID" "$tmp/err"'
"$BIN" predict "$tmp/l2.safetensors" "$run" --recent-form "$tmp/four.hrd" --athlete sim0003 --format json -o "$tmp/r3.json" 2>"$tmp/err"; rc=$?
check "--athlete sim0003 (unknown to the model, in the runs given): exit 0, only their 5 earlier runs" '[ $rc -eq 0 ] && grep -q "18 of the runs given name another runner than sim0003: left out" "$tmp/err" && grep -q "has no parameters for sim0003: predicted as a new runner" "$tmp/err" && py "
import json
w = json.load(open(\"$tmp/r3.json\"))[\"workouts\"][0]
assert w[\"recent_scale_runs\"] == 5 and w[\"recent_form_runs\"] == 3, w
"'
"$BIN" predict "$tmp/l2.safetensors" "$run" --recent-form "$tmp/four.hrd" --athlete nobody -q -o "$tmp/x.csv" 2>"$tmp/err"; rc=$?
check "--athlete that neither the model nor the runs know: exit 1, one line" '[ $rc -eq 1 ] && [ $(wc -l < "$tmp/err") -eq 1 ] && grep -q "none of the runs given is nobody.s (24 name other runners)" "$tmp/err"'
"$BIN" predict "$tmp/l2.safetensors" "$run" --athlete sim0003 -q -o "$tmp/x.csv" 2>"$tmp/err"; rc=$?
check "--athlete unknown to the model without --recent-form: still refused (exit 2)" '[ $rc -eq 2 ] && grep -q -- "--athlete" "$tmp/err"'
"$BIN" plan "$tmp/l2.safetensors" --distance 5km --target-time 25:00 --recent-form "$tmp/four.hrd" -q >/dev/null 2>"$tmp/err"; rc=$?
check "plan with the runs of 4 runners and no --athlete: exit 2, one line" '[ $rc -eq 2 ] && [ $(wc -l < "$tmp/err") -eq 1 ] && grep -q "the plan names no runner" "$tmp/err"'
check "plan --athlete sim0003 with them: exit 0" '"$BIN" plan "$tmp/l2.safetensors" --distance 5km --target-time 25:00 --recent-form "$tmp/four.hrd" --athlete sim0003 -q >/dev/null'

"$BIN" predict --help > "$tmp/help"
check "predict --help documents --recent-form with an example" 'grep -q -- "--recent-form RUNS" "$tmp/help" && grep -q "race.gpx --recent-form" "$tmp/help"'

echo "test_recent_form: $pass passed, $fail failed"
[ $fail -eq 0 ]
