#!/usr/bin/env bash
# test_eval_athlete.sh — `hrcast eval --athlete A`: scores only A's workouts of the split (the split label
# names A; the model's MAE equals A's row of the whole split's by_athlete; the athletes' rows pooled by steps
# give the whole split's MAE), with --baselines and with --calibrate (A's entry equals A's row of the whole
# split's calibrated output with the same trust; the default trust and --trust-on); an unknown athlete
# exits 2 listing the valid ones, an athlete without workouts in the selection exits 1 with one line.
# Usage: tests/test_eval_athlete.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-eval-athlete-test.XXXXXX)
. "$(dirname "$0")/lib.sh"

"$BIN" simulate --athletes 6 --workouts 20 --seed 5 -q -o "$tmp/sim.hrd"
"$BIN" fit-physio "$tmp/sim.hrd" --split chrono -o "$tmp/p.safetensors" -q
"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --json -q > "$tmp/all.json"
for a in sim0001 sim0002 sim0003 sim0004 sim0005 sim0006; do
    "$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --athlete $a --json -q > "$tmp/$a.json"
done
check "one athlete: label, workouts and MAE equal that athlete's row of the whole split" 'py "
import json
full=json.load(open(\"$tmp/all.json\")); row=full[\"model_metrics\"][\"by_athlete\"][\"sim0002\"]
j=json.load(open(\"$tmp/sim0002.json\"))
assert j[\"split\"]==\"chrono:test, athlete sim0002\", j[\"split\"]
assert list(j[\"model_metrics\"][\"by_athlete\"])==[\"sim0002\"] and j[\"athletes\"]==1
assert j[\"steps\"]==row[\"steps\"] and abs(j[\"mae\"]-row[\"mae\"])<1e-9 and abs(j[\"rmse\"]-row[\"rmse\"])<1e-9
assert 0<j[\"workouts\"]<full[\"workouts\"] and j[\"steps_trusted\"]<=j[\"steps\"]
"'
check "the six athletes pooled by steps give the whole split (workouts, steps, MAE)" 'py "
import json
full=json.load(open(\"$tmp/all.json\"))
js=[json.load(open(\"$tmp/sim%04d.json\" % k)) for k in range(1,7)]
assert sum(j[\"workouts\"] for j in js)==full[\"workouts\"]
assert sum(j[\"steps\"] for j in js)==full[\"steps\"]
mae=sum(j[\"mae\"]*j[\"steps\"] for j in js)/full[\"steps\"]
assert abs(mae-full[\"mae\"])<1e-9, (mae, full[\"mae\"])
"'
"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --athlete sim0003 --baselines --json -q > "$tmp/b.json"
"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --baselines --json -q > "$tmp/ball.json"
check "--baselines with --athlete: fitted on the whole training part, scored on the athlete (equal to the whole run's rows)" 'py "
import json
j=json.load(open(\"$tmp/b.json\")); full=json.load(open(\"$tmp/ball.json\"))
assert set(j[\"baselines\"])==set(full[\"baselines\"])
for k,b in j[\"baselines\"].items(): assert b[\"mae\"]>0 and b[\"trusted\"][\"steps\"]<=j[\"steps\"]
one=json.load(open(\"$tmp/sim0003.json\")); assert abs(j[\"mae\"]-one[\"mae\"])<1e-9
"'
"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --calibrate 5m,10m --json -q > "$tmp/call.json"
"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --calibrate 5m,10m --athlete sim0004 --json -q > "$tmp/c4.json"
check "--calibrate with --athlete: only that athlete, equal to its row of the whole split, same trust" 'py "
import json
j=json.load(open(\"$tmp/c4.json\")); full=json.load(open(\"$tmp/call.json\"))
assert \"athlete sim0004\" in j[\"split\"]
for c,f in zip(j[\"calibrated\"], full[\"calibrated\"]):
    assert [a[\"athlete\"] for a in c[\"athletes\"]]==[\"sim0004\"]
    row=[a for a in f[\"athletes\"] if a[\"athlete\"]==\"sim0004\"][0]
    assert abs(c[\"mae\"]-row[\"mae\"])<1e-9 and abs(c[\"uncalibrated\"][\"mae\"]-row[\"uncalibrated_mae\"])<1e-9
    assert c[\"trust\"][\"warm_s\"]==f[\"trust\"][\"warm_s\"] and c[\"trust\"][\"k_steps\"]==f[\"trust\"][\"k_steps\"]
    assert c[\"steps\"]<f[\"steps\"] and c[\"workouts\"]<f[\"workouts\"]
"'
check "--calibrate table with --athlete is labelled with the athlete" '"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --calibrate 5m --athlete sim0001 -q | has "chrono:test, athlete sim0001"'
"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --athlete nobody -q > /dev/null 2> "$tmp/e"
rc=$?
check "unknown athlete: exit 2, one line listing the valid ones" '[ $rc -eq 2 ] && [ $(wc -l < "$tmp/e") -eq 1 ] && grep -q "nobody.*sim0001" "$tmp/e"'
# athlete:test holds whole athletes: find one that is not in it
other=$(py "
import json,subprocess
j=json.loads(subprocess.run(['$BIN','eval','$tmp/p.safetensors','$tmp/sim.hrd','--split','athlete:test','--allow-overlap','--json','-q'],capture_output=True,text=True).stdout)
print(sorted(set('sim%04d' % k for k in range(1,7))-set(j['model_metrics']['by_athlete']))[0])")
"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split athlete:test --allow-overlap --athlete "$other" -q > /dev/null 2> "$tmp/e"
rc=$?
check "athlete with no workout in the selection: exit 1, one line naming it" '[ $rc -eq 1 ] && grep -q "no workout of athlete .$other." "$tmp/e" && [ $(grep -vc "^warning" "$tmp/e") -eq 1 ]'

# --trust-on athlete: the trust of --calibrate learned on the athlete's own validation workouts
"$BIN" simulate --athletes 3 --workouts 40 --seed 6 -q -o "$tmp/t.hrd"
"$BIN" fit-physio "$tmp/t.hrd" --split chrono -o "$tmp/tp.safetensors" -q
"$BIN" export "$tmp/t.hrd" --format jsonl -o "$tmp/t.jsonl" 2>/dev/null
"$BIN" eval "$tmp/tp.safetensors" "$tmp/t.hrd" --split chrono:test --calibrate 5m,10m --athlete sim0002 --trust-on athlete --json -q > "$tmp/own.json"
"$BIN" eval "$tmp/tp.safetensors" "$tmp/t.hrd" --split chrono:test --calibrate 5m,10m --athlete sim0002 --trust-on all --json -q > "$tmp/allv.json"
"$BIN" eval "$tmp/tp.safetensors" "$tmp/t.hrd" --split chrono:test --calibrate 5m,10m --athlete sim0002 --json -q > "$tmp/def.json"
check "--trust-on athlete: learned on the athlete's own validation workouts (their count), labelled so" 'py "
import json
own = [json.loads(l)[\"split_chrono\"] for l in open(\"$tmp/t.jsonl\") if json.loads(l)[\"athlete\"] == \"sim0002\"].count(\"val\")
allv = [json.loads(l)[\"split_chrono\"] for l in open(\"$tmp/t.jsonl\")].count(\"val\")
o, a = json.load(open(\"$tmp/own.json\")), json.load(open(\"$tmp/allv.json\"))
assert own >= 3 and allv > own, (own, allv)
for r in o[\"calibrated\"]:
    assert r[\"trust\"][\"validation_workouts\"] == own and \"own\" in r[\"trust\"][\"learned_on\"], r[\"trust\"]
for r in a[\"calibrated\"]:
    assert r[\"trust\"][\"validation_workouts\"] == allv and \"every athlete\" in r[\"trust\"][\"learned_on\"]
assert [r[\"uncalibrated\"] for r in o[\"calibrated\"]] == [r[\"uncalibrated\"] for r in a[\"calibrated\"]]
"'
check "--calibrate without --trust-on: a physio model that knows the runners gets the personal default (last 30 s, k 0, fading to 40 % over 450 s), nothing learned, the same uncalibrated" 'py "
import json
d, a = json.load(open(\"$tmp/def.json\")), json.load(open(\"$tmp/allv.json\"))
for r in d[\"calibrated\"]:
    t = r[\"trust\"]
    assert t[\"validation_workouts\"] == 0 and t[\"learned_on\"] == \"not learned: the default of a model that knows the runner (as predict --calibrate)\" and t[\"physio_learned_on\"] == t[\"learned_on\"], t
    assert (t[\"warm_s\"], t[\"k_steps\"], t[\"tail_s\"], t[\"persist\"], t[\"tau_s\"]) == (0, 0, 30, 0.4, 450), t
    assert (t[\"physio_warm_s\"], t[\"physio_k_steps\"], t[\"physio_tail_s\"], t[\"physio_persist\"],
            t[\"physio_tau_s\"]) == (0, 0, 30, 0.4, 450), t
assert [r[\"uncalibrated\"] for r in d[\"calibrated\"]] == [r[\"uncalibrated\"] for r in a[\"calibrated\"]]
"'
# a model new to the runners (population-only physio) gets the general default; one that knows some of them
# (fitted on the athlete split's training athletes) gives each run its own, and says so
"$BIN" fit-physio "$tmp/t.hrd" --split chrono --population-only -o "$tmp/tpop.safetensors" -q 2>/dev/null
"$BIN" eval "$tmp/tpop.safetensors" "$tmp/t.hrd" --split chrono:test --calibrate 10m --athlete sim0002 --physio "$tmp/tp.safetensors" --json -q > "$tmp/gen.json"
"$BIN" fit-physio "$tmp/sim.hrd" --split athlete -o "$tmp/pa.safetensors" -q 2>/dev/null
"$BIN" eval "$tmp/pa.safetensors" "$tmp/sim.hrd" --split chrono:test --allow-overlap --calibrate 10m --json -q > "$tmp/mixed.json" 2>/dev/null
check "--calibrate default: a general model's trust fades to 80 % over 150 s (its physio baseline, which knows the runner, keeps 40 % over 450 s); a model knowing some runners: each run's own, labelled" 'py "
import json
t = json.load(open(\"$tmp/gen.json\"))[\"trust\"]
assert \"not learned: the default of a general model\" in t[\"learned_on\"] and \"knows the runner\" in t[\"physio_learned_on\"], t
assert (t[\"warm_s\"], t[\"k_steps\"], t[\"tail_s\"], t[\"persist\"], t[\"tau_s\"]) == (0, 0, 30, 0.8, 150), t
assert (t[\"physio_persist\"], t[\"physio_tau_s\"]) == (0.4, 450), t
m = json.load(open(\"$tmp/mixed.json\"))[\"trust\"]
assert m[\"learned_on\"].startswith(\"not learned: each run\") and \"default (the model knows some of the runners)\" in m[\"learned_on\"], m
"'
# fewer than 3 own validation workouts (20 workouts each: 2): the whole validation part, with a warning
"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --calibrate 5m --athlete sim0001 --trust-on athlete --json > "$tmp/few.json" 2> "$tmp/e"
check "--trust-on athlete with under 3 own validation workouts: warns, learns on all" \
  'grep -q "fewer than 3" "$tmp/e" && py "
import json; t = json.load(open(\"$tmp/few.json\"))[\"trust\"]; assert \"every athlete\" in t[\"learned_on\"], t"'
"$BIN" eval "$tmp/tp.safetensors" "$tmp/t.hrd" --split chrono:test --calibrate 5m --trust-on athlete -q > /dev/null 2> "$tmp/e"; rc=$?
check "--trust-on athlete without --athlete: exit 2, one line" '[ $rc -eq 2 ] && [ $(wc -l < "$tmp/e") -eq 1 ] && grep -q "needs --calibrate W and --athlete A" "$tmp/e"'
"$BIN" eval "$tmp/tp.safetensors" "$tmp/t.hrd" --split chrono:test --calibrate 5m --athlete sim0001 --trust-on me -q > /dev/null 2> "$tmp/e"; rc=$?
check "--trust-on me: exit 2, names the choices" '[ $rc -eq 2 ] && grep -q "not default, all or athlete" "$tmp/e"'
"$BIN" eval "$tmp/tp.safetensors" "$tmp/t.hrd" --split chrono:test --trust-on all -q > /dev/null 2> "$tmp/e"; rc=$?
check "--trust-on all without --calibrate: exit 2, one line (it was ignored)" '[ $rc -eq 2 ] && [ $(wc -l < "$tmp/e") -eq 1 ] && grep -q "give --calibrate W too" "$tmp/e"'
echo "test_eval_athlete: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
