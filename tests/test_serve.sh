#!/usr/bin/env bash
# test_serve.sh — starts `hrcast serve` on a free loopback port with a tiny constant model file and
# exercises every route with curl: good inputs, ?calibrate= (the live view; bad values 400 with the
# reason), 413, 400 with a reason, 404, 405, slow clients,
# junk, and a clean stop on SIGTERM. Usage: tests/test_serve.sh [path/to/hrcast]
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/has.sh"
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-serve-test.XXXXXX)
pass=0; fail=0; pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1 (${3:-})"; fi; }

# Model files written by tests/serve_model.py (format of src/model: safetensors + __metadata__).
here=$(cd "$(dirname "$0")" && pwd)
python3 "$here/serve_model.py" "$tmp/const.safetensors" constant
python3 "$here/serve_model.py" "$tmp/physio.safetensors"

"$BIN" serve --model "$tmp/const.safetensors" --host 127.0.0.1 --port 0 --max-upload 64K --timeout 2 \
  --threads 2 2>"$tmp/log" &
pid=$!
for _ in $(seq 300); do grep -q 'listening on' "$tmp/log" && break; sleep 0.1; done
port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/log")
[ -n "$port" ] || { cat "$tmp/log"; echo "server did not start"; exit 1; }
U=http://127.0.0.1:$port
code() { curl -s -o "$tmp/body" -w '%{http_code}' "$@"; }

# --- GET routes
check "healthz 200" '[ "$(code $U/healthz)" = 200 ] && grep -q "\"ok\"" $tmp/body'
check "model metadata" '[ "$(code $U/api/model)" = 200 ] && grep -q "\"model_type\":\"constant\"" $tmp/body'
check "samples: 4 named" '[ "$(code $U/api/samples)" = 200 ] && for s in steady intervals progressive hilly; do grep -q "\"id\":\"$s\"" $tmp/body || exit 1; done'
check "index page" '[ "$(code $U/)" = 200 ] && grep -q "<title>hrcast" $tmp/body'
check "app.js + uPlot embedded" '[ "$(code $U/app.js)" = 200 ] && [ "$(code $U/vendor/uPlot.iife.min.js)" = 200 ] && [ $(wc -c < $tmp/body) -gt 40000 ]'
check "page has no external URL" '! curl -s $U/ $U/app.js $U/style.css | grep -Eq "(src|href)=\"(https?:)?//"'
check "HEAD healthz" '[ "$(curl -s -I -o /dev/null -w "%{http_code}" $U/healthz)" = 200 ]'
check "404 unknown path (JSON error)" '[ "$(code $U/nope)" = 404 ] && grep -q "\"error\"" $tmp/body'
check "404 path traversal" '[ "$(code --path-as-is $U/../../etc/passwd)" = 404 ]'
check "405 GET predict" '[ "$(code $U/api/predict)" = 405 ]'
check "405 POST healthz" '[ "$(code -X POST -d x $U/healthz)" = 405 ]'
check "405 DELETE page" '[ "$(code -X DELETE $U/)" = 405 ]'

# --- predict: good inputs
J='{"speed":[3,3.2,3.1,3,null,3.3],"heart_rate":[140,141,null,150,151,152],"altitude":[10,11,12,13,14,15],"step":10,"gender":"m"}'
check "JSON predict 200" '[ "$(code -H "Content-Type: application/json" -d "$J" $U/api/predict)" = 200 ]'
check "JSON predict fields" 'for k in time speed altitude hr_predicted hr_sigma heart_rate summary mae; do grep -q "\"$k\"" $tmp/body || exit 1; done'
check "JSON predict values" 'grep -q "\"hr_predicted\":\[142,142,142,142,142,142\]" $tmp/body && grep -q "\"predicted_avg\":142" $tmp/body'
check "MAE vs actual" 'grep -q "\"mae\":5.58" $tmp/body'
printf '%s' "$J" > "$tmp/w.json"
check "multipart upload of JSON file" '[ "$(code -F file=@$tmp/w.json $U/api/predict)" = 200 ] && grep -q "\"name\":\"w.json\"" $tmp/body'
check "raw body JSON (no content type)" '[ "$(code --data-binary @$tmp/w.json $U/api/predict)" = 200 ]'
gzip -c "$tmp/w.json" > "$tmp/w.json.gz"
# the summary's distance at the last step's end, as its duration: "2 km @ 4:30/km" is 54 steps, 9:00 and 2,000 m
# (it said 1,963 m: the distance at the last step's start)
python3 -c 'import json; print(json.dumps({"speed": [1000 / 270] * 54, "step": 10}))' > "$tmp/2k.json"
check "plan 2 km @ 4:30/km: duration_s 540, distance_m 2000" '[ "$(code -H "Content-Type: application/json" --data-binary @$tmp/2k.json $U/api/predict)" = 200 ] && grep -q "\"duration_s\":540,\"distance_m\":2000," $tmp/body' "$(grep -o "\"summary.\{40\}" $tmp/body)"
check "result without actual HR has no MAE" '[ "$(code -H "Content-Type: application/json" -d "{\"speed\":[3,3,3],\"step\":5}" $U/api/predict)" = 200 ] && grep -q "\"mae\":null" $tmp/body && ! grep -q "\"heart_rate\"" $tmp/body'
curl -s $U/api/samples | python3 -c 'import json,sys; s=json.load(sys.stdin)[3]; print(json.dumps({"speed":s["speed"],"altitude":s["altitude"],"heart_rate":s["heart_rate"],"step":s["step"]}))' > "$tmp/hilly.json"
nhilly=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["speed"]))' "$tmp/hilly.json")
check "sample round trip (simulated runner with recorded HR)" '[ "$(code -H "Content-Type: application/json" --data-binary @$tmp/hilly.json $U/api/predict)" = 200 ] && grep -q "\"n\":$nhilly" $tmp/body && grep -q "\"mae\":[0-9]" $tmp/body'

# --- predict?calibrate=S: the live view (serve/live.h)
check "calibrate=10m: hr_calibrated, the window's steps unchanged, the offset after them, fading as the trust says" '[ "$(code -H "Content-Type: application/json" --data-binary @$tmp/hilly.json "$U/api/predict?calibrate=10m")" = 200 ] && python3 -c "
import json,sys,math; j=json.load(open(sys.argv[1])); c=j[\"calibration\"]; p=j[\"hr_predicted\"]; q=j[\"hr_calibrated\"]
assert c[\"calibrate_s\"]==600 and c[\"window_steps\"]==600/j[\"step\"] and c[\"label\"]==\"calibrated 10 min\", c
w=c[\"window_steps\"]; assert q[:w]==p[:w] and len(q)==len(p)==j[\"n\"]
o, per, tau = c[\"offset_bpm\"], c[\"trust_persist\"], c[\"trust_tau_s\"]
d=[b-a for a,b in zip(p[w:],q[w:])]
assert all(abs(x - o * (per + (1 - per) * math.exp(-i * j[\"step\"] / tau))) < 0.06 for i, x in enumerate(d)), (d[:3], c)
assert c[\"steps_after\"]>0 and c[\"mae\"]>=0 and c[\"mae_uncalibrated\"]>0 and c[\"mae\"]<c[\"mae_uncalibrated\"], c
assert (c[\"trust_warm_s\"], c[\"trust_k_steps\"], c[\"trust_tail_s\"], per, tau) == (0, 0, 30, 0.8, 150), c
" $tmp/body'
check "calibrate=600 (seconds) equals calibrate=10m" 'cp $tmp/body $tmp/cal10m && [ "$(code -H "Content-Type: application/json" --data-binary @$tmp/hilly.json "$U/api/predict?calibrate=600")" = 200 ] && cmp -s $tmp/body $tmp/cal10m'
check "no calibrate: no calibration fields" '[ "$(code -H "Content-Type: application/json" --data-binary @$tmp/hilly.json $U/api/predict)" = 200 ] && ! grep -q "hr_calibrated\|\"calibration\"" $tmp/body'
for q in abc 0 5 10h inf 10m,20m -60 ""; do
  check "calibrate=$q: 400 with the reason" '[ "$(code -H "Content-Type: application/json" --data-binary @$tmp/hilly.json "$U/api/predict?calibrate=$q")" = 400 ] && grep -q "\"error\":\"calibrate: .*\(not a window\|outside\)" $tmp/body'
done
check "calibrate without recorded HR in the window: 400 with the reason" '[ "$(code -H "Content-Type: application/json" -d "{\"speed\":[3,3,3,3,3,3,3,3,3,3],\"step\":10}" "$U/api/predict?calibrate=60")" = 400 ] && grep -q "no heart rate recorded in the first 60 s" $tmp/body'
# HR in the window but none in the part the trust counts (its last 30 s): 200, offset 0, and a warning that
# says it is not calibrated (before: "calibrated", offset 0 and mae == mae_uncalibrated without a word)
python3 -c 'import json; print(json.dumps({"speed": [3] * 70, "heart_rate": [140] * 20 + [None] * 50, "step": 10}))' > "$tmp/gap.json"
check "calibrate with no HR in the counted part of the window: 200, offset_steps 0, a warning: not calibrated" '[ "$(code -H "Content-Type: application/json" --data-binary @$tmp/gap.json "$U/api/predict?calibrate=10m")" = 200 ] && python3 -c "
import json,sys; j=json.load(open(sys.argv[1])); c=j[\"calibration\"]
assert c[\"offset_steps\"] == 0 and c[\"offset_bpm\"] == 0, c
assert any(w.startswith(\"calibrate: no recorded HR in the part of the window the trust counts (last 30 s of the window\") and w.endswith(\"): not calibrated\") for w in j[\"warnings\"]), j.get(\"warnings\")
" $tmp/body'
check "calibrate=10m of the hilly sample: offset_steps 3 (the last 30 s), no warning" '[ "$(code -H "Content-Type: application/json" --data-binary @$tmp/hilly.json "$U/api/predict?calibrate=10m")" = 200 ] && grep -q "\"offset_steps\":3," $tmp/body && ! grep -q "\"warnings\"" $tmp/body'
check "calibrate window not shorter than the run: 400 with the reason" '[ "$(code -H "Content-Type: application/json" -d "$J" "$U/api/predict?calibrate=60")" = 400 ] && grep -q "not shorter than the run" $tmp/body'

# --- predict: bad inputs, each 400 with a reason
check "400 empty body" '[ "$(code -X POST $U/api/predict)" = 400 ] && grep -q "empty upload" $tmp/body'
head -c 3000 /dev/urandom > "$tmp/junk.bin"
check "400 junk file names format" '[ "$(code -F file=@$tmp/junk.bin $U/api/predict)" = 400 ] && grep -q "junk.bin: 0: unrecognised format" $tmp/body'
check "400 bad JSON with offset" '[ "$(code -H "Content-Type: application/json" -d "{\"speed\":[3,3,}" $U/api/predict)" = 400 ] && grep -q "invalid JSON" $tmp/body'
check "400 JSON without speed" '[ "$(code -H "Content-Type: application/json" -d "{\"step\":10}" $U/api/predict)" = 400 ] && grep -q "speed" $tmp/body'
check "400 length mismatch" '[ "$(code -H "Content-Type: application/json" -d "{\"speed\":[3,3],\"altitude\":[1],\"step\":10}" $U/api/predict)" = 400 ] && grep -q "differ in length" $tmp/body'
check "400 speed out of range" '[ "$(code -H "Content-Type: application/json" -d "{\"speed\":[3,300],\"step\":10}" $U/api/predict)" = 400 ] && grep -q "outside" $tmp/body'
check "400 speed of 13 m/s (taken up to 15 before, then run as standing still), naming km/h" '[ "$(code -H "Content-Type: application/json" -d "{\"speed\":[13,13,13],\"step\":10}" $U/api/predict)" = 400 ] && grep -q "speed 13 m/s at sample 0 is outside 0..12 m/s (speeds are m/s: a value in km/h? 12 m/s is 43.2 km/h)" $tmp/body' "$(cat $tmp/body)"
for g in '"x"' '"woman"' 1 null '""'; do
  check "400 gender $g (was taken as u without a word)" '[ "$(code -H "Content-Type: application/json" -d "{\"speed\":[3,3,3],\"step\":10,\"gender\":$g}" $U/api/predict)" = 400 ] && grep -q "\"gender\\\\\" must be \\\\\"m\\\\\", \\\\\"f\\\\\" or \\\\\"u\\\\\"" $tmp/body' "$(cat $tmp/body)"
done
check "gender F, u and none: 200" 'for g in "\"gender\":\"F\"," "\"gender\":\"u\"," ""; do [ "$(code -H "Content-Type: application/json" -d "{$g\"speed\":[3,3,3],\"step\":10}" $U/api/predict)" = 200 ] || exit 1; done'
check "400 multipart without file" '[ "$(code -F name=x $U/api/predict)" = 400 ] && grep -q "no file" $tmp/body'
check "400 multipart without boundary" '[ "$(code -H "Content-Type: multipart/form-data" -d x $U/api/predict)" = 400 ]'
printf '<?xml version="1.0"?><gpx version="1.1"></gpx>' > "$tmp/empty.gpx"
check "400 empty GPX" '[ "$(code -F file=@$tmp/empty.gpx $U/api/predict)" = 400 ] && grep -q "empty.gpx" $tmp/body'
check "400 truncated gzip" 'head -c 20 $tmp/w.json.gz > $tmp/t.gz; [ "$(code -F file=@$tmp/t.gz $U/api/predict)" = 400 ]'
# a FIT file cut short is read up to the cut (as the CLI reads it), and the answer says so (it said nothing)
"$BIN" simulate --athletes 1 --workouts 1 --seed 2 --emit-files "$tmp/simf" -o "$tmp/simf.hrd" -q
fit=$(ls "$tmp"/simf/*/*.fit | head -1)
gzip -c "$fit" > "$tmp/whole.fit.gz"
head -c $(( $(wc -c < "$fit") / 2 )) "$fit" | gzip -c > "$tmp/cut.fit.gz"
check "a FIT upload cut short: 200 with the part before the cut, and warnings that say so" \
  '[ "$(code -F file=@$tmp/cut.fit.gz $U/api/predict)" = 200 ] && python3 -c "import json,sys; w=json.load(open(sys.argv[1]))[\"warnings\"]; assert any(x.startswith(\"cut.fit.gz: \") and \"truncated\" in x for x in w), w" $tmp/body'
check "a whole FIT upload: no warnings key" '[ "$(code -F file=@$tmp/whole.fit.gz $U/api/predict)" = 200 ] && ! grep -q "\"warnings\"" $tmp/body'
# {"speed": [...]} alone: the API's m/s or a seed JSON file's km/h? (read as km/h without a word before)
check "a raw JSON body {speed} with neither a step nor a JSON content type: 400, ambiguous" \
  '[ "$(code -d "{\"speed\":[3,3.2,3.1]}" $U/api/predict)" = 400 ] && grep -q "ambiguous JSON body" $tmp/body'
check "the same with Content-Type: application/json: 200, the API's m/s" \
  '[ "$(code -H "Content-Type: application/json" -d "{\"speed\":[3,3.2,3.1]}" $U/api/predict)" = 200 ] && grep -q "\"speed\":\[3,3.2" $tmp/body'
# a multi-member gzip (each half of a CSV gzipped on its own, concatenated): every member is read, as
# `hrcast predict` (gzread) reads it; bytes after the last member that are not one are refused
python3 - "$tmp" <<'PY'
import gzip, math, sys
rows = [b"time,heart_rate,speed"] + [b"%d,%.1f,%.2f" % (i, 140 + 5 * math.sin(i / 50), 3 + 0.3 * math.sin(i / 80))
                                      for i in range(3000)]
h = len(rows) // 2
two = gzip.compress(b"\n".join(rows[:h]) + b"\n") + gzip.compress(b"\n".join(rows[h:]) + b"\n")
open(sys.argv[1] + "/r2.csv.gz", "wb").write(two)
open(sys.argv[1] + "/r2pad.csv.gz", "wb").write(two + bytes(512))
open(sys.argv[1] + "/r2junk.csv.gz", "wb").write(two + b"junk")
PY
cli_steps=$("$BIN" predict "$tmp/const.safetensors" "$tmp/r2.csv.gz" 2>&1 >/dev/null | sed -n 's/.*: \([0-9]*\) steps,.*/\1/p')
st=$(code --data-binary @$tmp/r2.csv.gz $U/api/predict)
check "two-member gzip upload: as many steps as hrcast predict of the file (300)" '[ "$cli_steps" = 300 ] && [ $st = 200 ] && grep -q "\"n\":300," $tmp/body' "cli $cli_steps, server $st $(head -c 100 $tmp/body)"
st=$(code -F file=@$tmp/r2pad.csv.gz $U/api/predict)
check "two-member gzip with zero padding after it: 200, 300 steps" '[ $st = 200 ] && grep -q "\"n\":300," $tmp/body' "$st $(head -c 100 $tmp/body)"
st=$(code -F file=@$tmp/r2junk.csv.gz $U/api/predict)
check "gzip with trailing junk: 400 naming it" '[ $st = 400 ] && grep -q "4 trailing bytes after the gzip data are not a gzip member" $tmp/body' "$st $(head -c 100 $tmp/body)"

# hrcast's own JSON (the page's "Download JSON": "step", speeds in m/s, "heart_rate") is read as that, gzipped
# or not, by the server and by `hrcast predict` (gzipped it was read as a FitRec line in km/h, and a raw
# gzipped body was refused as ambiguous; the CLI read it as km/h without a word)
code -H "Content-Type: application/json" --data-binary @$tmp/hilly.json $U/api/predict >/dev/null
cp "$tmp/body" "$tmp/dl.json"; gzip -c "$tmp/dl.json" > "$tmp/dl.json.gz"
ndl=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["n"])' "$tmp/dl.json")
for f in dl.json dl.json.gz; do
  check "the page's downloaded result $f uploaded: read as hrcast JSON ($ndl steps, format json)" '[ "$(code -F file=@$tmp/$f $U/api/predict)" = 200 ] && grep -q "\"format\":\"json\",.*\"n\":$ndl," $tmp/body' "$(head -c 150 $tmp/body)"
  check "the same $f as a raw body: the same" '[ "$(code --data-binary @$tmp/$f $U/api/predict)" = 200 ] && grep -q "\"format\":\"json\",.*\"n\":$ndl," $tmp/body' "$(head -c 150 $tmp/body)"
  "$BIN" predict "$tmp/const.safetensors" "$tmp/$f" -o "$tmp/dl.csv" 2>"$tmp/dl.err"
  check "hrcast predict $f: $ndl steps, as the server" 'grep -q ": $ndl steps," $tmp/dl.err' "$(cat $tmp/dl.err)"
done
# hrcast's jsonl export of one workout: read by the FitRec line reader as `hrcast predict` reads it (with
# its athlete and hr_issue), not as the API's JSON (its "time" and "speed" passed for that)
"$BIN" simulate --athletes 1 --workouts 1 --seed 4 -q -o "$tmp/one.hrd" 2>/dev/null
"$BIN" export "$tmp/one.hrd" --format jsonl -o "$tmp/one.jsonl" 2>/dev/null
check "a jsonl export of one workout uploaded: format fitrec, as hrcast predict reads it" '[ "$(code -F file=@$tmp/one.jsonl $U/api/predict)" = 200 ] && grep -q "\"format\":\"fitrec\"" $tmp/body && [ "$(code -H "Content-Type: application/json" --data-binary @$tmp/one.jsonl $U/api/predict)" = 200 ] && grep -q "\"format\":\"fitrec\"" $tmp/body' "$(head -c 150 $tmp/body)"
# a file of several workouts (a multisport TCX: a 30-minute ride, then a 10-minute run): the run is predicted,
# not the first workout, and the warnings say how many the file held and which one; ?workout=N picks one
# (the first, the ride, was predicted without a word before)
python3 - "$tmp/multi.tcx" <<'PY'
import sys
def act(sport, t0, mins, v):
    pts = "".join("<Trackpoint><Time>2024-05-01T%02d:%02d:%02dZ</Time><DistanceMeters>%.1f</DistanceMeters>"
                  "<HeartRateBpm><Value>140</Value></HeartRateBpm></Trackpoint>"
                  % ((t0 + s) // 3600, (t0 + s) // 60 % 60, (t0 + s) % 60, v * s) for s in range(0, mins * 60, 5))
    return '<Activity Sport="%s"><Id>x</Id><Lap><Track>%s</Track></Lap></Activity>' % (sport, pts)
open(sys.argv[1], "w").write('<?xml version="1.0"?><TrainingCenterDatabase><Activities>' + act("Biking", 36000, 30, 8)
                             + act("Running", 38000, 10, 3) + "</Activities></TrainingCenterDatabase>")
PY
gzip "$tmp/multi.tcx"
check "a multisport TCX: the run predicted (60 steps), a warning naming 2 workouts and the one predicted" '[ "$(code -F file=@$tmp/multi.tcx.gz $U/api/predict)" = 200 ] && grep -q "\"n\":60," $tmp/body && grep -q "\"warnings\":\[\"multi.tcx.gz: the file holds 2 workouts; predicted workout 2 (running, 10 min), the longest run; choose another with ?workout=N (1 to 2)\"\]" $tmp/body'
check "?workout=1: the ride (180 steps), as asked" '[ "$(code -F file=@$tmp/multi.tcx.gz "$U/api/predict?workout=1")" = 200 ] && grep -q "\"n\":180," $tmp/body && grep -q "predicted workout 1 (biking, 30 min), as asked" $tmp/body'
check "?workout=3 of 2: 400 naming the count" '[ "$(code -F file=@$tmp/multi.tcx.gz "$U/api/predict?workout=3")" = 400 ] && grep -q "\"error\":\"multi.tcx.gz: workout=3: the file holds 2 workouts\"" $tmp/body'
check "?workout=0 and ?workout=x: 400" '[ "$(code -F file=@$tmp/multi.tcx.gz "$U/api/predict?workout=0")" = 400 ] && [ "$(code -F file=@$tmp/multi.tcx.gz "$U/api/predict?workout=x")" = 400 ] && grep -q "not a workout number" $tmp/body'

# --- limits
head -c 100000 /dev/urandom > "$tmp/big.bin"
check "413 over --max-upload (Content-Length)" '[ "$(code --data-binary @$tmp/big.bin $U/api/predict)" = 413 ] && grep -q "limit" $tmp/body'
check "413 over --max-upload (chunked)" '[ "$(code -H "Transfer-Encoding: chunked" --data-binary @$tmp/big.bin $U/api/predict)" = 413 ]'
# request smuggling: Content-Length with Transfer-Encoding (RFC 9112 6.1) is refused, and the connection closed
clte='POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'
python3 "$here/hostile.py" raw-all "$port" "$(printf "$clte" | od -An -tx1 | tr -d ' \n')" > "$tmp/clte" 2>&1
check "400 Content-Length with Transfer-Encoding: chunked, one message, connection closed" 'head -1 $tmp/clte | grep -q "^HTTP/1.1 400" && [ $(grep -c "^HTTP/1" $tmp/clte) = 1 ] && grep -q "\"error\":\"conflicting Content-Length and Transfer-Encoding headers: send one of them\"" $tmp/clte' "$(head -c 400 $tmp/clte)"
# doomed uploads give their budget back at once: 4 uploads of 60,000 bytes at once from one address
# (its share: 2 x 64K = 131,072 bytes). Each sends 40,000 bytes in turn (3 fit, the 4th is refused), then
# 12,000 more in turn: the 1st no longer fits, is refused and gives back its 40,000 bytes, so the 2nd and
# 3rd fit, and finish with the last 8,000 (before, the 1st kept its bytes while the rest of its body came,
# and all 4 were refused).
python3 - "$port" "$here" <<'PY' > "$tmp/budget" 2>&1
import math, sys, time
sys.dont_write_bytecode = True  # no __pycache__ in tests/
sys.path.insert(0, sys.argv[2])
from hostile import connect, recv_reply
rows, i = [b"time,heart_rate,speed"], 0
while sum(len(r) + 1 for r in rows) < 60000:
    rows.append(b"%d,%.1f,%.2f" % (i, 140 + 5 * math.sin(i / 50), 3 + 0.3 * math.sin(i / 80)))
    i += 1
body = (b"\n".join(rows) + b"\n")[:60000]
body = body[:body.rfind(b"\n") + 1]
head = b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: %d\r\n\r\n" % len(body)
socks = []
for k in range(4):
    socks.append(connect(int(sys.argv[1]), src="127.0.0.7", timeout=20))
for a, b in ((0, 40000), (40000, 52000), (52000, len(body))):
    for s in socks:
        try:
            s.sendall((head if a == 0 else b"") + body[a:b])
        except OSError:
            pass
        time.sleep(0.2)
codes = []
for s in socks:
    data = recv_reply(s, until=b"\r\n\r\n")
    codes.append(data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "none")
print(" ".join(codes))
PY
check "4 uploads at once from one address: 2 fit its share and finish (503 200 200 503)" '[ "$(cat $tmp/budget)" = "503 200 200 503" ]' "$(cat $tmp/budget)"
check "then that address has its share back: a predict from it 200" '[ "$(code --interface 127.0.0.7 -H "Content-Type: application/json" --data-binary @$tmp/hilly.json $U/api/predict)" = 200 ]'
# slow client: opens a connection, sends half a request, then stalls; the server must drop it
t0=$(date +%s)
python3 - "$port" <<'PY' > "$tmp/slow" 2>&1
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc")
s.settimeout(10)
try:
    print("closed" if s.recv(100) == b"" else "data")
except Exception as e:
    print("timeout", e)
PY
t1=$(date +%s)
check "slow client dropped by timeout" 'grep -q closed $tmp/slow && [ $((t1 - t0)) -le 9 ]' "$(cat $tmp/slow) in $((t1 - t0))s"
# garbage on the socket, then the server still answers
python3 -c "import socket,sys,os; s=socket.create_connection(('127.0.0.1',$port)); s.sendall(os.urandom(5000)); s.close()" 2>/dev/null
check "alive after garbage" '[ "$(code $U/healthz)" = 200 ]'
# concurrent requests
for i in $(seq 16); do curl -s -o /dev/null -w '%{http_code}\n' -H "Content-Type: application/json" --data-binary @$tmp/hilly.json $U/api/predict & done > "$tmp/par"; wait $(jobs -p | grep -v "^$pid$") 2>/dev/null
check "16 concurrent predictions 200" '[ "$(grep -c 200 $tmp/par)" = 16 ]' "codes: $(sort $tmp/par | uniq -c | tr -s " \n" " ")"

# --- log and shutdown
check "one log line per request" 'grep -q "127.0.0.1 GET /healthz 200" $tmp/log && grep -q "127.0.0.1 POST /api/predict 413" $tmp/log'
kill -TERM "$pid"
for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then bad "SIGTERM stops the server"; else wait "$pid"; rc=$?; check "SIGTERM stops cleanly (exit 0)" '[ $rc = 0 ] && grep -q "stopping" $tmp/log'; fi
pid=
check "bad --max-upload rejected" '! "$BIN" serve --model $tmp/const.safetensors --max-upload 12Q 2>/dev/null'
check "missing model file reported" '"$BIN" serve --model $tmp/none --port 0 2>$tmp/err; [ $? = 1 ] && grep -q "none: cannot open" $tmp/err'
check "physio model serves a rising HR" '"$BIN" serve --model $tmp/physio.safetensors --port 0 2>$tmp/plog & p2=$!; for _ in $(seq 300); do grep -q listening $tmp/plog && break; sleep 0.1; done; p=$(sed -n "s|.*127.0.0.1:\([0-9]*\)/.*|\1|p" $tmp/plog); curl -s -H "Content-Type: application/json" -d "{\"speed\":[3,3,3,3],\"step\":10}" http://127.0.0.1:$p/api/predict > $tmp/pb; kill $p2; wait $p2; grep -q "\"hr_predicted\":\[90,99.8," $tmp/pb'
# a model made by hrcast finetune: the server calibrates with the finetuned default (fading to 40 % over 450 s)
"$BIN" simulate --athletes 3 --workouts 4 --seed 3 -q -o "$tmp/ft_sim.hrd"
"$BIN" train "$tmp/ft_sim.hrd" -o "$tmp/ft_base.safetensors" --epochs 1 --hidden 4 --layers 1 -q 2>/dev/null
"$BIN" finetune "$tmp/ft_base.safetensors" "$tmp/ft_sim.hrd" --athlete sim0001 -o "$tmp/ft.safetensors" --epochs 1 -q 2>/dev/null
check "a finetuned model serves calibrate=10m with the finetuned default trust (0,0,30,0.4,450)" '"$BIN" serve --model $tmp/ft.safetensors --port 0 2>$tmp/flog & p2=$!; for _ in $(seq 300); do grep -q listening $tmp/flog && break; sleep 0.1; done; p=$(sed -n "s|.*127.0.0.1:\([0-9]*\)/.*|\1|p" $tmp/flog); curl -s -H "Content-Type: application/json" --data-binary @$tmp/hilly.json "http://127.0.0.1:$p/api/predict?calibrate=10m" > $tmp/fb; kill $p2; wait $p2; python3 -c "
import json,sys; c=json.load(open(sys.argv[1]))[\"calibration\"]
assert (c[\"trust_warm_s\"], c[\"trust_k_steps\"], c[\"trust_tail_s\"], c[\"trust_persist\"], c[\"trust_tau_s\"]) == (0, 0, 30, 0.4, 450), c
" $tmp/fb'
# ?calibrate= with a file that names an athlete the model knows: that runner's default trust (fading to 40 %
# over 450 s), as hrcast predict --calibrate; another runner's file: the general one (before: the general one
# for every upload, the trust computed once per worker without an athlete)
python3 "$here/serve_model.py" "$tmp/const_ath.safetensors" constant-sim0001
sed 's/"athlete":"sim0001"/"athlete":"other"/' "$tmp/one.jsonl" > "$tmp/other.jsonl"
"$BIN" serve --model "$tmp/const_ath.safetensors" --port 0 2>$tmp/alog & p2=$!
for _ in $(seq 300); do grep -q listening $tmp/alog && break; sleep 0.1; done
p=$(sed -n "s|.*127.0.0.1:\([0-9]*\)/.*|\1|p" $tmp/alog)
trust_of() { curl -s -F file=@$1 "http://127.0.0.1:$p/api/predict?calibrate=10m" | python3 -c "import json,sys; c=json.load(sys.stdin)[\"calibration\"]; print(c[\"trust_persist\"], c[\"trust_tau_s\"])"; }
check "calibrate=10m of a file naming an athlete the model knows: the personal trust (0.4, 450 s)" '[ "$(trust_of $tmp/one.jsonl)" = "0.4 450" ]' "$(trust_of $tmp/one.jsonl)"
check "calibrate=10m of another runner's file: the general trust (0.8, 150 s)" '[ "$(trust_of $tmp/other.jsonl)" = "0.8 150" ]'
"$BIN" predict "$tmp/const_ath.safetensors" "$tmp/one.jsonl" --calibrate 10m -o "$tmp/ath.csv" 2>"$tmp/ath.err"
check "  ... as hrcast predict --calibrate says of the same file" 'grep -q "fading to 40 % (time constant 450 s)" $tmp/ath.err' "$(cat $tmp/ath.err)"
kill $p2; wait $p2 2>/dev/null
check "--help shows examples" '"$BIN" serve --help | has "examples:"'
check "--int8 with a physio model: refused, saying why" '"$BIN" serve --model $tmp/physio.safetensors --port 0 --int8 2>$tmp/err; [ $? = 1 ] && grep -q "int8 inference applies to LSTM models" $tmp/err'
check "--bf16 with a physio model: refused, saying why" '"$BIN" serve --model $tmp/physio.safetensors --port 0 --bf16 2>$tmp/err; [ $? = 1 ] && grep -q "bf16 inference applies to LSTM models" $tmp/err'
check "--bf16 --int8: exit 2, one line" '"$BIN" serve --model $tmp/physio.safetensors --port 0 --bf16 --int8 2>$tmp/err; [ $? = 2 ] && [ $(wc -l < $tmp/err) = 1 ] && grep -q "exclude each other" $tmp/err'
"$BIN" simulate --athletes 2 --workouts 10 --seed 5 -o "$tmp/s.hrd" 2>/dev/null &&
  "$BIN" train "$tmp/s.hrd" -o "$tmp/lstm.safetensors" --hidden 8 --epochs 1 --batch 2 -q 2>/dev/null
serve_predict() { # model, extra flag -> the predicted HR array of a fixed 6-step run
  "$BIN" serve --model "$1" --port 0 ${2:-} 2>$tmp/llog & local p2=$!
  for _ in $(seq 200); do grep -qs listening $tmp/llog && break; sleep 0.1; done # slow under ASan and load
  local p=$(sed -n "s|.*127.0.0.1:\([0-9]*\)/.*|\1|p" $tmp/llog)
  curl -s -H "Content-Type: application/json" -d "{\"speed\":[2,3,3.5,3.5,4,4],\"step\":10}" http://127.0.0.1:$p/api/predict
  kill $p2; wait $p2 2>/dev/null
}
serve_predict "$tmp/lstm.safetensors" > $tmp/l32.json
serve_predict "$tmp/lstm.safetensors" --int8 > $tmp/l8.json
check "LSTM served with --int8: within 1 bpm of FP32, and logged as int8" 'grep -q "(lstm, int8," $tmp/llog && python3 -c "import json; a=json.load(open(\"$tmp/l32.json\"))[\"hr_predicted\"]; b=json.load(open(\"$tmp/l8.json\"))[\"hr_predicted\"]; assert len(a)==len(b)==6 and max(abs(x-y) for x,y in zip(a,b)) < 1, (a, b)"'
serve_predict "$tmp/lstm.safetensors" --bf16 > $tmp/lb.json
check "LSTM served with --bf16: within 0.2 bpm of FP32, and logged as bf16" 'grep -q "(lstm, bf16," $tmp/llog && python3 -c "import json; a=json.load(open(\"$tmp/l32.json\"))[\"hr_predicted\"]; b=json.load(open(\"$tmp/lb.json\"))[\"hr_predicted\"]; assert len(a)==len(b)==6 and max(abs(x-y) for x,y in zip(a,b)) < 0.2, (a, b)"'
HRCAST_ISA=portable serve_predict "$tmp/lstm.safetensors" "--bf16 --threads 3" > $tmp/lbp.json
check "--bf16 emulated (HRCAST_ISA=portable), 3 worker threads: one warning line, the same HR as native" '[ $(grep -c "warning: --bf16: .*emulated in FP32" $tmp/llog) = 1 ] && python3 -c "import json; a=json.load(open(\"$tmp/lb.json\"))[\"hr_predicted\"]; b=json.load(open(\"$tmp/lbp.json\"))[\"hr_predicted\"]; assert len(a)==len(b)==6 and max(abs(x-y) for x,y in zip(a,b)) < 0.02, (a, b)"'
echo
echo "test_serve.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
