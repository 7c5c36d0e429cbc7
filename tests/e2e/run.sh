#!/usr/bin/env bash
# run.sh — end-to-end browser test of `hrcast serve`: installs playwright-core into
# tests/e2e/node_modules (npm), starts the server on a free loopback port with a test model, runs
# e2e.mjs in headless Debian chromium, stops the server. Screenshot + CSV land in tests/e2e/out/.
# Usage: tests/e2e/run.sh [path/to/hrcast]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BIN=$(realpath "${1:-${HRCAST_BIN:-build/hrcast}}")
command -v chromium >/dev/null || { echo "e2e: chromium missing (apt-get install -y chromium)"; exit 1; }
[ -d "$here/node_modules/playwright-core" ] || (cd "$here" && npm install --no-audit --no-fund --silent)
out="$here/out"; mkdir -p "$out"
tmp=$(mktemp -d /tmp/hrcast-e2e.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT # $pid: both servers
python3 "$here/../serve_model.py" "$tmp/model.safetensors"
# A 30-minute workout (10 s steps) with a recorded HR, in the JSON the page downloads; and a GPX.
python3 - "$tmp" <<'PY'
import json, math, sys
d = sys.argv[1]
n = 181
speed = [2.8 + (0.9 if (i // 30) % 2 else 0) + 0.05 * math.sin(i) for i in range(n)]
alt = [100 + 15 * math.sin(i / 25) for i in range(n)]
hr = [None if 60 <= i < 66 else round(95 + 55 * (1 - math.exp(-i / 8)) + 12 * ((i // 30) % 2), 1) for i in range(n)]
json.dump({"speed": speed, "altitude": alt, "heart_rate": hr, "step": 10}, open(d + "/workout.json", "w"))
pts = "".join(f'<trkpt lat="{48.1 + i * 0.00025:.6f}" lon="11.5"><ele>{alt[i]:.1f}</ele>'
              f'<time>2024-05-01T07:{i * 10 // 60:02d}:{i * 10 % 60:02d}Z</time></trkpt>' for i in range(n) if i * 10 < 3600)
open(d + "/run.gpx", "w").write('<?xml version="1.0"?><gpx version="1.1" creator="test"><trk><trkseg>' + pts + "</trkseg></trk></gpx>")
PY
# a FIT recording made by hrcast's own encoder (simulated runner)
# (four runs of one simulated runner: the last with the first three as its earlier runs, form field "recent")
"$BIN" simulate --athletes 1 --workouts 4 --seed 3 --emit-files "$tmp/runs" -o "$tmp/one.hrd" -q
fit=$(ls "$tmp"/runs/*/*.fit | head -1)
last=$(ls "$tmp"/runs/*/* | sort | tail -1)
earlier=$(ls "$tmp"/runs/*/* | sort | head -3 | paste -sd, -)
gzip -c "$tmp/run.gpx" > "$tmp/run.gpx.gz"
head -c $(( $(wc -c < "$fit") / 2 )) "$fit" > "$tmp/cut.fit"   # a recording cut short (a watch that died)
# the model as an argument, and a host name (resolved to 127.0.0.1)
"$BIN" serve "$tmp/model.safetensors" --host localhost --port 0 --threads 2 2>"$tmp/log" &
pid=$!
for _ in $(seq 50); do grep -q 'listening on' "$tmp/log" && break; sleep 0.1; done
port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/log")
[ -n "$port" ] || { cat "$tmp/log"; exit 1; }
# a small LSTM served too: the page's model line reads its nested card (it showed only "model: lstm")
"$BIN" simulate --athletes 2 --workouts 10 --seed 5 -o "$tmp/l.hrd" -q
"$BIN" train "$tmp/l.hrd" -o "$tmp/lstm.safetensors" --hidden 4 --layers 1 --epochs 1 -q
"$BIN" serve "$tmp/lstm.safetensors" --host 127.0.0.1 --port 0 --threads 1 2>"$tmp/llog" &
pid="$pid $!"
for _ in $(seq 50); do grep -q 'listening on' "$tmp/llog" && break; sleep 0.1; done
lport=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/llog")
[ -n "$lport" ] || { cat "$tmp/llog"; exit 1; }
# a 30-minute workout with recorded HR only in its first 5 minutes: calibrating on 10 minutes finds none in
# the part the trust counts (the page must say "not calibrated")
python3 -c 'import json,sys; json.dump({"speed": [3] * 180, "heart_rate": [140] * 30 + [None] * 150, "step": 10}, open(sys.argv[1], "w"))' "$tmp/gap.json"
rc=0
node "$here/e2e.mjs" "http://127.0.0.1:$port/" "$out" "$tmp/workout.json" "$tmp/run.gpx" "$fit" "$tmp/run.gpx.gz" \
    "$last" "$earlier" "$tmp/cut.fit" "http://127.0.0.1:$lport/" "$tmp/gap.json" || rc=$?
echo "e2e: server log:"; sed 's/^/  /' "$tmp/log"
# the evaluation report (hrcast eval -o) renders in chromium without errors, every figure loaded
"$BIN" simulate --athletes 6 --workouts 4 --seed 5 -o "$tmp/r.hrd" -q
"$BIN" fit-physio "$tmp/r.hrd" -o "$tmp/p.safetensors" 2>/dev/null
"$BIN" eval "$tmp/p.safetensors" "$tmp/r.hrd" --baselines -o "$tmp/report" -q >/dev/null
node "$here/report.mjs" "$tmp/report/report.html" "$out" || rc=$?
exit $rc
