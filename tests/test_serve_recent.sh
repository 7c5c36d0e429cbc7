#!/usr/bin/env bash
# test_serve_recent.sh — the runner's earlier runs sent with an upload to `hrcast serve` (form field
# "recent"; docs/features.md "Recent form", limits in docs/security.md): a real server with a small general
# LSTM (an HR scale) and a simulated runner it does not know, driven by curl: the prediction equals `hrcast
# predict --recent-form` with the same files (their HR scale and recent form), the JSON says what they
# changed, the workout part may come after them, ?calibrate= works on top, the workout sent again as an
# earlier run never counts for itself, and a bad file, more than 20
# files, more than 100 runs in them, or runs without heart rate are refused with the reason.
# Usage: tests/test_serve_recent.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-serve-recent.XXXXXX)
pid=
. "$(dirname "$0")/lib.sh"
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

"$BIN" simulate --athletes 4 --workouts 12 --seed 5 -q -o "$tmp/d.hrd"
"$BIN" train "$tmp/d.hrd" -o "$tmp/g.safetensors" --split chrono --epochs 1 --hidden 8 -q
"$BIN" simulate --athletes 1 --workouts 4 --seed 8 --emit-files "$tmp/runs" -o "$tmp/new.hrd" -q
set -- $(ls "$tmp"/runs/*/* | sort) # FIT, GPX, TCX: the last is the workout, the others the earlier runs

"$BIN" serve "$tmp/g.safetensors" --host 127.0.0.1 --port 0 --threads 2 2>"$tmp/log" &
pid=$!
for _ in $(seq 300); do grep -q 'listening on' "$tmp/log" && break; sleep 0.1; done
port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/log")
[ -n "$port" ] || { cat "$tmp/log"; echo "server did not start"; exit 1; }
U=http://127.0.0.1:$port/api/predict
code() { curl -s -o "$tmp/body" -w '%{http_code}' "$@"; }

c0=$(code -F "file=@$4" "$U"); cp "$tmp/body" "$tmp/plain.json"
c1=$(code -F "file=@$4" -F "recent=@$1" -F "recent=@$2" -F "recent=@$3" "$U"); cp "$tmp/body" "$tmp/recent.json"
"$BIN" predict "$tmp/g.safetensors" "$4" --recent-form "$1" --recent-form "$2" --recent-form "$3" --format json -q \
    -o "$tmp/cli.json"
check "with earlier runs: 200, recent_form in the JSON, the prediction as predict --recent-form's" '[ "$c0" = 200 ] && [ "$c1" = 200 ] && py "
import json
a, b = (json.load(open(f)) for f in (\"$tmp/plain.json\", \"$tmp/recent.json\"))
p = json.load(open(\"$tmp/cli.json\"))[\"workouts\"][0]
r = b[\"recent_form\"]
assert \"recent_form\" not in a
assert r[\"files\"] == 3 and r[\"scaled\"] and r[\"scale_runs\"] == 3 and r[\"runs\"] == p[\"recent_form_runs\"], r
assert abs(r[\"scale_mean_bpm\"] - p[\"recent_scale_mean_bpm\"]) < 0.06, (r, p[\"recent_scale_mean_bpm\"])
assert abs(r[\"shift_bpm\"] - p[\"recent_form_bpm\"]) < 1e-3 * max(1, abs(r[\"shift_bpm\"])), (r, p[\"recent_form_bpm\"])
assert max(abs(x - y) for x, y in zip(b[\"hr_predicted\"], p[\"hr_pred\"])) < 0.06
assert b[\"summary\"][\"mae\"] < a[\"summary\"][\"mae\"], (a[\"summary\"][\"mae\"], b[\"summary\"][\"mae\"])
"'
c2=$(code -F "recent=@$1" -F "recent=@$2" -F "file=@$4" -F "recent=@$3" "$U?calibrate=10m"); cp "$tmp/body" "$tmp/cal.json"
check "the workout part after the earlier runs, and ?calibrate= on top: both in the JSON" '[ "$c2" = 200 ] && py "
import json
b, c = (json.load(open(f)) for f in (\"$tmp/recent.json\", \"$tmp/cal.json\"))
assert c[\"recent_form\"] == b[\"recent_form\"] and c[\"hr_predicted\"] == b[\"hr_predicted\"]
assert c[\"calibration\"][\"calibrate_s\"] == 600
"'
# the workout itself among the earlier runs, in a file without absolute times (start times cannot tell them
# apart): left out of its own history, the JSON counts it as same_run
py "
import math
with open('$tmp/untimed.csv', 'w') as f:
    f.write('time_s,speed_mps,altitude_m,heart_rate\\n')
    for t in range(0, 1800, 2):
        f.write('%d,%.3f,100,%.1f\\n' % (t, 3.0 + 0.4 * math.sin(t / 200), 165 + 8 * math.sin(t / 300)))
"
c5=$(code -F "file=@$tmp/untimed.csv" -F "recent=@$tmp/untimed.csv" "$U"); cp "$tmp/body" "$tmp/self.json"
check "the workout sent as its own earlier run: not counted (runs 0, same_run 1)" '[ "$c5" = 200 ] && py "
import json
r = json.load(open(\"$tmp/self.json\"))[\"recent_form\"]
assert r[\"runs\"] == 0 and r[\"same_run\"] == 1 and r[\"shift_bpm\"] == 0, r
"'
# an undated recording with dated earlier runs: no shift and no scale, as eval gives it, and a warning says
# why (until 2026-12-07 it was taken for a planned run: the runner's latest runs and their HR scale)
c6=$(code -F "file=@$tmp/untimed.csv" -F "recent=@$1" -F "recent=@$2" -F "recent=@$3" "$U"); cp "$tmp/body" "$tmp/und.json"
check "a recording without a start time: no shift, no scale, a warning" '[ "$c6" = 200 ] && py "
import json
d = json.load(open(\"$tmp/und.json\"))
r = d[\"recent_form\"]
assert r[\"runs\"] == 0 and r[\"shift_bpm\"] == 0 and not r[\"scaled\"], r
assert any(\"a recording without a start time\" in w for w in d[\"warnings\"]), d.get(\"warnings\")
"'
printf 'not a workout' > "$tmp/junk.fit"
c3=$(code -F "file=@$4" -F "recent=@$1" -F "recent=@$tmp/junk.fit" "$U")
check "a recent file that cannot be read: 400, the reason names it" '[ "$c3" = 400 ] && grep -q "recent run 2 junk.fit" "$tmp/body"'
args=()
for _ in $(seq 21); do args+=(-F "recent=@$1"); done
c4=$(code -F "file=@$4" "${args[@]}" "$U")
check "more than 20 recent files: 400 with the limit" '[ "$c4" = 400 ] && grep -q "more than 20" "$tmp/body"'
py "
import json, sys
with open(sys.argv[1], 'w') as f:  # FitRec: one workout per line
    for k in range(101):
        f.write(json.dumps({'id': k, 'userId': 1, 'sport': 'run', 'heart_rate': [140 + k % 5] * 40, 'speed': [11.0] * 40,
                            'timestamp': [1408898746 + k * 86400 + i * 10 for i in range(40)]}) + '\\n')
" "$tmp/many.json"
c6=$(code -F "file=@$4" -F "recent=@$tmp/many.json" "$U")
check "a file of 101 earlier runs: 400, more than 100 runs" '[ "$c6" = 400 ] && grep -q "more than 100 runs" "$tmp/body"' "$(cat "$tmp/body")"
gpx_without_hr "$tmp/nohr.gpx"
c5=$(code -F "file=@$4" -F "recent=@$tmp/nohr.gpx" "$U")
check "recent runs without heart rate: 400, says so" '[ "$c5" = 400 ] && grep -q "none of the 1 files has 300 s of heart rate" "$tmp/body"'
kill -TERM "$pid"; wait "$pid" 2>/dev/null; pid=

echo "test_serve_recent: $pass passed, $fail failed"
[ $fail -eq 0 ]
