#!/usr/bin/env bash
# test_live.sh — live forecasting from the command line: predict --calibrate marks the window (CSV column,
# JSON fields) and shifts only the steps after it by the offset; eval --calibrate prints the issue's JSON
# fields for one window and a list; replay's forecasts equal hrcast predict of the whole run, (errors over the steps after the window, the same model uncalibrated,
# the baselines), and refuses a split without a validation part and malformed windows.
# Usage: tests/test_live.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-live-test.XXXXXX)
. "$(dirname "$0")/lib.sh"

"$BIN" simulate --athletes 6 --workouts 20 --seed 5 -q -o "$tmp/sim.hrd"
"$BIN" fit-physio "$tmp/sim.hrd" --split chrono -o "$tmp/p.safetensors" -q 2>/dev/null || "$BIN" fit-physio "$tmp/sim.hrd" --split chrono -o "$tmp/p.safetensors" >/dev/null 2>&1
"$BIN" simulate --athletes 1 --workouts 1 --seed 8 -q -o "$tmp/one.hrd"

"$BIN" predict "$tmp/p.safetensors" "$tmp/one.hrd" -q > "$tmp/plain.csv"
"$BIN" predict "$tmp/p.safetensors" "$tmp/one.hrd" --calibrate 10m -q > "$tmp/cal.csv"
check "predict --calibrate: in_window column, 60 steps of 10 s marked" '[ "$(head -1 $tmp/cal.csv | tr , "\n" | tail -1)" = in_window ] && [ "$(grep -c ",1$" $tmp/cal.csv)" = 60 ]'
check "predict --calibrate: the window keeps the plain prediction, the rest moves by one offset" 'py "
import csv,sys
a=list(csv.DictReader(open(\"$tmp/plain.csv\"))); b=list(csv.DictReader(open(\"$tmp/cal.csv\")))
d=[float(y[\"hr_pred_bpm\"])-float(x[\"hr_pred_bpm\"]) for x,y in zip(a,b)]
assert all(abs(v)<1e-9 for v in d[:60]), d[:60]
assert max(d[60:])-min(d[60:])<0.11 and abs(d[60])>0.5, d[60:65]
"'
"$BIN" predict "$tmp/p.safetensors" "$tmp/one.hrd" --calibrate 600s --format json -q > "$tmp/cal.json"
check "predict --calibrate json: calibrate_s, window_steps, offset_bpm" 'py "
import json; w=json.load(open(\"$tmp/cal.json\"))[\"workouts\"][0]
assert w[\"calibrate_s\"]==600 and w[\"window_steps\"]==60 and abs(w[\"offset_bpm\"])>0.5
assert w[\"summary\"][\"steps_with_actual\"]<=len(w[\"time\"])-60
"'
"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --calibrate 10m --json -q > "$tmp/e1.json"
check "eval --calibrate 10m --json: the issue's fields" 'py "
import json; j=json.load(open(\"$tmp/e1.json\"))
assert j[\"calibrate_s\"]==600 and j[\"label\"]==\"calibrated 10 min\"
for k in (\"mae\",\"rmse\"): assert j[k]>0 and j[\"uncalibrated\"][k]>0
for b in (\"physio\",\"window_mean\",\"last\"): assert j[\"baselines\"][b][\"mae\"]>0
assert j[\"mae\"]<=j[\"uncalibrated\"][\"mae\"]*1.1
"'
"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --calibrate 5m,10m,20m --json -q > "$tmp/e3.json"
check "eval --calibrate list: one entry per window, the 10 min one equal to the single run" 'py "
import json; j=json.load(open(\"$tmp/e3.json\")); one=json.load(open(\"$tmp/e1.json\"))
assert [c[\"calibrate_s\"] for c in j[\"calibrated\"]]==[300,600,1200]
assert abs(j[\"calibrated\"][1][\"mae\"]-one[\"mae\"])<1e-9
"'
check "eval --calibrate table is labelled" '"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --calibrate 5m -q | grep -q "^| calibrated 5 min |"'
check "eval --calibrate on all: error, exit 1" '! "$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split all --allow-overlap --calibrate 5m -q 2>$tmp/e && grep -q "validation part" $tmp/e'
check "bad window: exit 2 and a message" '"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --calibrate 5x 2>$tmp/e; [ $? -eq 2 ] && grep -q "not a window" $tmp/e'
check "predict bad --trust: exit 2" '"$BIN" predict "$tmp/p.safetensors" "$tmp/one.hrd" --calibrate 5m --trust abc 2>/dev/null; [ $? -eq 2 ]'
"$BIN" replay "$tmp/p.safetensors" "$tmp/one.hrd" -q > "$tmp/rp.csv"
check "replay: every forecast equals hrcast predict of the whole run (the rest of the recording as the plan)" 'py "
import csv
pr=list(csv.DictReader(open(\"$tmp/plain.csv\"))); rp=list(csv.DictReader(open(\"$tmp/rp.csv\")))
hr={float(r[\"time_s\"]):float(r[\"hr_pred_bpm\"]) for r in pr}; last=float(pr[-1][\"hr_pred_bpm\"])
assert len(rp)>=10
for r in rp:
    t=float(r[\"time_s\"]); assert abs(float(r[\"hr_forecast_finish\"])-last)<0.051, r
    if t+600 in hr: assert abs(float(r[\"hr_forecast_ahead\"])-hr[t+600])<0.051, (r, hr[t+600])
"'
"$BIN" replay "$tmp/p.safetensors" "$tmp/one.hrd" --calibrate 10m --every 300 -q > "$tmp/rc.csv"
check "replay --calibrate: rows from 600 s on are calibrated" 'py "
import csv
for r in csv.DictReader(open(\"$tmp/rc.csv\")): assert (r[\"calibrated\"]==\"1\")==(float(r[\"time_s\"])>=600), r
"'
echo
echo "test_live.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
