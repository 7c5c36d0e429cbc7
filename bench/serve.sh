#!/usr/bin/env bash
# serve.sh — bounded load on loopback: wrk POSTs a 1-hour workout (360 steps of 10 s, JSON) to
# /api/predict with 1 and 32 connections for DURATION seconds each (default 10), and GET /healthz
# as the peer (the server's own floor: HTTP without prediction). Prints predictions/s, p99 latency,
# the ratio against /healthz, and fails when any request failed (non-2xx or socket error).
# Usage: bench/serve.sh [path/to/hrcast] [model.safetensors]   Env: DURATION, SERVE_THREADS, SERVE_FLAGS
# (more serve options, e.g. --int8 with an LSTM model)
set -euo pipefail
BIN=${1:-build/hrcast}
DUR=${DURATION:-10}
THREADS=${SERVE_THREADS:-$(nproc)}
tmp=$(mktemp -d /tmp/hrcast-bench.XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
MODEL=${2:-$tmp/model.safetensors}
[ -f "$MODEL" ] || python3 "$(dirname "$0")/../tests/serve_model.py" "$MODEL"
python3 - "$tmp/hour.json" <<'PY'
import json, math, sys
n = 360
json.dump({"speed": [3.0 + 0.6 * ((i // 30) % 2) + 0.05 * math.sin(i) for i in range(n)],
           "altitude": [100 + 20 * math.sin(i / 40) for i in range(n)],
           "heart_rate": [140 + 10 * ((i // 30) % 2) for i in range(n)], "step": 10}, open(sys.argv[1], "w"))
PY
cat > "$tmp/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$tmp/hour.json", "rb"); wrk.body = f:read("*a"); f:close()
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %.1f %.3f %d\n", summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.status + e.timeout))
end
LUA
sed -e 's/wrk.method = "POST"//' -e '/Content-Type/d' -e '/io.open/d' "$tmp/post.lua" > "$tmp/get.lua"
"$BIN" serve --model "$MODEL" --port 0 --threads "$THREADS" --max-conns 256 --quiet ${SERVE_FLAGS:-} 2>"$tmp/log" &
pid=$!
for _ in $(seq 50); do grep -q 'listening on' "$tmp/log" && break; sleep 0.1; done
port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/log")
[ -n "$port" ] || { cat "$tmp/log"; exit 1; }
curl -sf -H 'Content-Type: application/json' --data-binary @"$tmp/hour.json" "http://127.0.0.1:$port/api/predict" \
  | grep -q '"n":360' || { echo "bench: sanity prediction failed"; exit 1; }
echo "bench/serve.sh: $(nproc) CPUs, server --threads $THREADS, model $(basename "$MODEL"), ${DUR}s per run, body $(wc -c < "$tmp/hour.json") bytes"
failed=0
for c in 1 32; do
  wt=$(( c < 4 ? c : 4 ))
  read -r _ np rp p99p errp < <(wrk -t"$wt" -c"$c" -d"${DUR}s" --latency -s "$tmp/post.lua" "http://127.0.0.1:$port/api/predict" | grep '^RESULT')
  read -r _ nh rh p99h errh < <(wrk -t"$wt" -c"$c" -d"${DUR}s" --latency -s "$tmp/get.lua" "http://127.0.0.1:$port/healthz" | grep '^RESULT')
  printf '%2d conn: predict %8.1f/s p99 %7.3f ms (%d req, %d failed) | healthz %9.1f/s p99 %6.3f ms | predict/healthz %.3f\n' \
    "$c" "$rp" "$p99p" "$np" "$errp" "$rh" "$p99h" "$(awk -v a="$rp" -v b="$rh" 'BEGIN { printf "%.4f", a / b }')"
  failed=$((failed + errp + errh))
done
[ "$failed" -eq 0 ] || { echo "bench: $failed failed requests"; exit 1; }
echo "bench: zero failures"
