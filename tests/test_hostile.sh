#!/usr/bin/env bash
# test_hostile.sh — hostile clients against a real `hrcast serve` on loopback (docs/security.md):
# the five upload bombs of issue 20 (built here by tests/hostile.py), one at a time and four at once,
# each refused within 1 s with the server's peak RSS (VmHWM) under 300 MB; 4 stalled uploads and 128
# slowloris connections while /healthz must answer within 100 ms and a legitimate predict gets 200;
# connections per client address; conflicting Content-Length; the request log escapes the method;
# a large answer is streamed. Bounded: about 40 s, a few hundred connections, 127.0.0.0/8 only.
# Usage: tests/test_hostile.sh [path/to/hrcast]. HOSTILE_VERBOSE=1 prints the measurements.
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/hrcast-hostile.XXXXXX)
pass=0; fail=0; pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1 (${3:-})"; fi; }
measure() { echo "measured: $*" >> "$tmp/measured"; }
val() { sed -n "s/^$1 //p" "$2" | tail -1; }
H=hostile.py
hp() { python3 "$here/$H" "$@"; }
# The time goals (1 s, 100 ms) are for a machine that is not overloaded: on a shared one they are
# stretched by the load per core when it is above 1 (printed at the end with the measurements).
load=$(cut -d' ' -f1 /proc/loadavg)
stretch=$(awk -v l="$load" -v n="$(nproc)" 'BEGIN { f = l / n; printf "%.2f", (f > 1 ? f : 1) }')
# A sanitizer build (make asan) is slower and bigger: goals x 3, and no address-space cap (ASan maps
# terabytes of shadow memory).
rss_goal=300; asan=0
if grep -q __asan_init "$BIN" 2>/dev/null; then asan=1; rss_goal=900; stretch=$(awk -v f="$stretch" 'BEGIN { printf "%.2f", f * 3 }'); fi
within() { awk -v t="$1" -v g="$2" -v f="$stretch" 'BEGIN { exit !(t + 0 <= g * f) }'; } # seconds goal

python3 "$here/serve_model.py" "$tmp/const.safetensors" constant
for k in csv-gz fit-gz parquet-pages parquet-list parquet-footer; do hp bomb $k "$tmp/$k" || { echo "cannot build $k"; exit 1; }; done

# The server under test: the default upload limit (20 MiB), short receive timeout so the stalled and
# slow clients are dropped within seconds (the mechanism is the same at the default 10 s). The address
# space cap only protects this shared machine from a runaway bomb; the RSS check is what tests.
start_server() { # extra flags...
  ([ $asan = 1 ] || ulimit -v 2000000; exec "$BIN" serve --model "$tmp/const.safetensors" --port 0 --threads 2 --recv-timeout 2 \
    --min-rate 64K --deadline 5 "$@" 2>"$tmp/log") &
  pid=$!
  for _ in $(seq 100); do grep -q 'listening on' "$tmp/log" && break; sleep 0.1; done
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/log")
  [ -n "$port" ] || { cat "$tmp/log"; echo "server did not start"; exit 1; }
  U=http://127.0.0.1:$port
}
stop_server() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=; }
hwm_mb() { awk '/VmHWM/ {printf "%d", $2 / 1024}' /proc/$pid/status; }
post() { # file -> "status seconds"
  curl -s -o "$tmp/body.$(basename "$1")" -w '%{http_code} %{time_total}' -m 60 --data-binary @"$1" "$U/api/predict"
}
start_server

# --- the five bombs, one at a time
for k in csv-gz fit-gz parquet-pages parquet-list parquet-footer; do
  read -r st secs < <(post "$tmp/$k")
  mb=$(hwm_mb)
  measure "bomb $k ($(stat -c %s "$tmp/$k") B): $st in ${secs}s, server VmHWM ${mb} MB"
  check "bomb $k refused (400/413) within 1 s, peak RSS < 300 MB" \
    '{ [ "$st" = 400 ] || [ "$st" = 413 ]; } && within "$secs" 1 && [ "$mb" -lt $rss_goal ]' \
    "$st in ${secs}s, VmHWM ${mb} MB: $(head -c 160 "$tmp/body.$k")"
done
check "server alive after the bombs" '[ "$(curl -s -o /dev/null -w "%{http_code}" $U/healthz)" = 200 ]'

# --- four at once, on a fresh server (peak RSS is per process)
stop_server; start_server
for k in csv-gz parquet-pages parquet-list parquet-footer; do
  (post "$tmp/$k" > "$tmp/four.$k") &
done
wait $(jobs -p | grep -v "^$pid$") 2>/dev/null
mb=$(hwm_mb)
four_ok=1; four=""
for k in csv-gz parquet-pages parquet-list parquet-footer; do
  read -r st secs < "$tmp/four.$k"
  four="$four $k:$st/${secs}s"
  { [ "$st" = 400 ] || [ "$st" = 413 ]; } && within "$secs" 1 || four_ok=0
done
measure "four bombs at once:$four, server VmHWM ${mb} MB"
check "four bombs at once: each refused within 1 s, peak RSS < 300 MB" '[ $four_ok = 1 ] && [ "$mb" -lt $rss_goal ]' "$four, VmHWM ${mb} MB"

# --- 4 stalled uploads (20 MiB - 8 bytes, then 1 byte every 10 s), on a fresh server: the workers
# of the one above may still be finishing bombs past their deadline
stop_server; start_server
hp stall "$port" 12 > "$tmp/stall"
measure "stalled uploads: $(tr '\n' ' ' < "$tmp/stall")"
check "stalled uploads: /healthz 200 within 100 ms" '[ "$(val stall_healthz_status $tmp/stall)" = 200 ] && within "$(val stall_healthz_max_ms $tmp/stall)" 100' "$(tr '\n' ' ' < $tmp/stall)"
check "stalled uploads: a legitimate predict gets 200" '[ "$(val stall_predict_status $tmp/stall)" = 200 ]'
check "stalled uploads: the stalling client's own predict gets 503 + Retry-After (its budget is full)" \
  '[ "$(val stall_same_client_status $tmp/stall)" = 503 ] && [ "$(val stall_same_client_retry_after $tmp/stall)" = 1 ]'
check "stalled uploads: all 4 dropped by the server (below --min-rate)" \
  '[ "$(val stall_dropped $tmp/stall)" = 4 ] && grep -q "connection dropped after .*upload below the minimum rate" $tmp/log'
check "after the stalled uploads: predict 200" '[ "$(val after_stall_predict_status $tmp/stall)" = 200 ]'

# --- 128 slowloris connections (one header byte every 0.5 s: never idle, never done)
hp slowloris "$port" 128 8 > "$tmp/slow"
measure "slowloris: $(tr '\n' ' ' < "$tmp/slow")"
check "slowloris: /healthz 200 within 100 ms" '[ "$(val slowloris_healthz_status $tmp/slow)" = 200 ] && within "$(val slowloris_healthz_max_ms $tmp/slow)" 100' "$(tr '\n' ' ' < $tmp/slow)"
check "slowloris: a legitimate predict gets 200" '[ "$(val slowloris_predict_status $tmp/slow)" = 200 ]'
check "slowloris: all 128 dropped once their headers took over --recv-timeout" \
  '[ "$(val slowloris_dropped $tmp/slow)" = 128 ] && grep -q "connection dropped after .*request headers not complete" $tmp/log'
check "after slowloris: /healthz 200" '[ "$(val after_slowloris_healthz_status $tmp/slow)" = 200 ]'

# --- connections per client address (--max-per-client, default 32)
hp per-client "$port" 40 > "$tmp/pc"
check "40 connections from one address: 32 kept" '[ "$(val per_client_kept $tmp/pc)" = 32 ]' "$(cat $tmp/pc)"

# --- request framing and the log
hexreq() { printf '%b' "$1" | od -An -tx1 -v | tr -d ' \n'; }
# the body is a valid predict (35 bytes): a server that reads either length would answer it
J35='{"speed":[3,3.1,3.2,3.3],"step":10}'
check "two different Content-Length headers: 400" \
  '[ "$(hp raw $port $(hexreq "POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 35\r\nContent-Length: 45\r\n\r\n$J35") | cut -d" " -f2)" = 400 ]'
check "two equal Content-Length headers: 400" \
  '[ "$(hp raw $port $(hexreq "POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 35\r\nContent-Length: 35\r\n\r\n$J35") | cut -d" " -f2)" = 400 ]'
check "one Content-Length, same request: 200" \
  '[ "$(hp raw $port $(hexreq "POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 35\r\nConnection: close\r\n\r\n$J35") | cut -d" " -f2)" = 200 ]'
hp raw "$port" "$(hexreq "G\x1b[31mET / HTTP/1.1\r\nHost: x\r\n\r\n")" > /dev/null
sleep 0.2
check "the request log escapes the method (no terminal escape)" '! grep -q $'"'"'\x1b'"'"' $tmp/log && grep -q "G?\[31mET" $tmp/log'

# --- a large answer is streamed (chunked), whole and valid
python3 -c 'import json; print(json.dumps({"speed": [3.0 + (i % 7) * 0.1 for i in range(17280)], "step": 10}))' > "$tmp/long.json"
check "large answer streamed (chunked), valid JSON with every step" \
  'curl -s -D $tmp/h -o $tmp/long.out -H "Content-Type: application/json" --data-binary @$tmp/long.json $U/api/predict && grep -qi "^Transfer-Encoding: chunked" $tmp/h && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d[\"n\"] == 17280 == len(d[\"hr_predicted\"])" $tmp/long.out'
stop_server

# --- a 48 h run at 1 s without HR: one pass per channel (a channel with no value took a scan per step)
start_server --threads 1 --queue 1
python3 -c 'import json; print(json.dumps({"speed": [3.0] * 172800, "step": 1}))' > "$tmp/big.json"
read -r st secs < <(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Content-Type: application/json" --data-binary @$tmp/big.json $U/api/predict)
measure "48 h at 1 s without HR (172800 samples): $st in ${secs}s"
check "48 h at 1 s without HR predicted within 2 s" '[ "$st" = 200 ] && within "$secs" 2' "$st in ${secs}s"

# --- the prediction queue: full -> 503 with Retry-After at once; /healthz meanwhile
for i in 1 2 3 4 5 6; do curl -s -o /dev/null -D "$tmp/q$i.h" -w '%{http_code} %{time_total}\n' -H "Content-Type: application/json" --data-binary @$tmp/big.json $U/api/predict > "$tmp/q$i" & done
sleep 0.3
hc=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' $U/healthz)
wait $(jobs -p | grep -v "^$pid$") 2>/dev/null
measure "queue 1, 1 worker, 6 big predicts at once: $(cat $tmp/q? | tr '\n' ' '); /healthz meanwhile: $hc"
check "queue full: some of 6 predicts get 503 with Retry-After" 'grep -l "^503" $tmp/q? >/dev/null && for f in $(grep -l "^503" $tmp/q?); do grep -qi "^Retry-After: 1" $f.h || exit 1; done'
check "queue full: /healthz still 200 within 100 ms" '[ "${hc% *}" = 200 ] && within "${hc#* }" 0.1' "$hc"
stop_server

[ "${HOSTILE_VERBOSE:-0}" = 1 ] && cat "$tmp/measured"
echo "load at start $load on $(nproc) cores: time goals x $stretch, RSS goal $rss_goal MB; load now $(cut -d' ' -f1-3 /proc/loadavg)"
echo "test_hostile.sh: $pass passed, $fail failed"
[ $fail -eq 0 ]
