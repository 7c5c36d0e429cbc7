#!/usr/bin/env bash
# test_roundtrip.sh — every export format imports back to the same dataset: `hrcast export --format F`
# then `hrcast import` gives the same workouts (none lost), the same series (every value, masks
# included) and the same metadata (id, athlete, sport, gender, device, start time, step), on a
# simulated dataset plus hand-made recordings that hrcast stores with sport "unknown", no start time
# and pauses; then the same on the real import (skipped when ../shared/data/real is absent).
# Usage: tests/test_roundtrip.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
REAL=${HRCAST_REAL_DATA:-$(cd "$(dirname "$0")/.." && pwd)/../shared/data/real}
tmp=$(mktemp -d /tmp/hrcast-roundtrip.XXXXXX)
pass=0; fail=0; skip=0
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

# same A.jsonl B.jsonl: the two exports hold the same workouts (order free), every key but the
# ones that name where a workout came from (index, source), the redrawn splits and hr_issue.
same() {
  python3 - "$1" "$2" <<'EOF'
import json, math, sys
def load(p):
    out = []
    for line in open(p):
        d = json.loads(line)
        # hr_issue: the HR-quality verdicts are assessed again on import from HR, speed and the sensor
        # kind; the cadence they also use is not stored in a dataset, so cadence locks are not found
        # again (docs/data.md): compared apart, below
        for k in ("index", "source", "split_athlete", "split_chrono", "hr_issue"):
            d.pop(k, None)
        out.append(json.dumps(d, sort_keys=True))
    return sorted(out)
a, b = load(sys.argv[1]), load(sys.argv[2])
if len(a) != len(b):
    sys.exit("workouts: %d exported, %d imported back" % (len(a), len(b)))
for x, y in zip(a, b):
    if x != y:
        sys.exit("first difference:\n  %s\n  %s" % (x[:300], y[:300]))
EOF
}

# roundtrip NAME DATASET: export in each format, import back with the dataset's step, compare.
roundtrip() {
  local name=$1 ds=$2 step
  step=$("$BIN" info "$ds" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["step"])')
  "$BIN" export "$ds" --format jsonl -o "$tmp/$name.orig.jsonl"
  for fmt in csv jsonl parquet; do
    local out="$tmp/$name.$fmt"
    rm -rf "$out" "$tmp/$name.$fmt.hrd"
    "$BIN" export "$ds" --format $fmt -o "$out" 2>/dev/null
    "$BIN" import "$out" --step "$step" -o "$tmp/$name.$fmt.hrd" 2>"$tmp/$name.$fmt.err"
    "$BIN" export "$tmp/$name.$fmt.hrd" --format jsonl -o "$tmp/$name.$fmt.back.jsonl" 2>/dev/null
    check "$name: $fmt export imports back to the same workouts, series and metadata" \
      'same "$tmp/$name.orig.jsonl" "$tmp/$name.$fmt.back.jsonl"'
  done
}

# --- simulated runners plus recordings that state no sport, have no absolute time, and pause
"$BIN" simulate --athletes 3 --workouts 4 --seed 5 --emit-files "$tmp/runs" -o "$tmp/sim.hrd" -q
mkdir -p "$tmp/runs/nosport"
python3 - "$tmp/runs/nosport" <<'EOF'
import math, sys
d = sys.argv[1]
# elapsed time only (no start time), no sport column, a 3-minute pause in the middle
with open(d + "/elapsed_pause.csv", "w") as f:
    f.write("seconds,heart_rate,speed\n")
    for t in range(0, 2400, 2):
        if 1200 <= t < 1380:
            continue
        f.write("%d,%.0f,%.2f\n" % (t, 130 + 20 * math.sin(t / 300), 3.0 + 0.3 * math.sin(t / 97)))
# absolute time, no sport, some HR dropouts
with open(d + "/absolute.csv", "w") as f:
    f.write("timestamp,heart_rate,speed,altitude\n")
    for t in range(0, 1800, 1):
        hr = "" if 600 <= t < 640 else "%.0f" % (140 + 10 * math.sin(t / 200))
        f.write("%d,%s,%.2f,%.1f\n" % (1600000000 + t, hr, 2.8, 100 + 5 * math.sin(t / 150)))
# a title that needs quoting in CSV and escaping in JSON: quotes, a comma, a backslash, UTF-8
with open(d + "/titled.gpx", "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="t"><trk><name>'
            'Hill "reps", 6\u00d7400 m \\ back</name><trkseg>\n')
    for t in range(0, 1500, 2):
        f.write('<trkpt lat="%.6f" lon="7.0"><time>2021-05-01T08:%02d:%02dZ</time><extensions><hr>%d</hr>'
                '</extensions></trkpt>\n' % (46.0 + t * 2.7e-5, t // 60 % 60, t % 60, 135 + t % 7))
    f.write('</trkseg></trk></gpx>\n')
EOF
"$BIN" import --athlete-from-dir "$tmp/runs" -o "$tmp/mixed.hrd" -q 2>/dev/null
"$BIN" export "$tmp/mixed.hrd" --format jsonl -o "$tmp/mixed.jsonl"
check "the mixed dataset holds workouts of sport unknown" 'grep -q "\"sport\":\"unknown\"" "$tmp/mixed.jsonl"'
check "the mixed dataset holds a workout without a start time" 'grep -q "\"start_time\":null" "$tmp/mixed.jsonl"'
check "the mixed dataset holds a titled workout (GPX trk/name)" 'grep -qF "\"title\":\"Hill \\\"reps\\\", 6×400 m \\\\ back\"" "$tmp/mixed.jsonl"'
check "the mixed dataset holds a workout without altitude" 'grep -q "\"altitude\":\[null" "$tmp/mixed.jsonl"'
roundtrip sim "$tmp/mixed.hrd"
"$BIN" import --athlete-from-dir "$tmp/runs" --step 5 -o "$tmp/mixed5.hrd" -q 2>/dev/null
roundtrip sim-step5 "$tmp/mixed5.hrd"
"$BIN" import "$tmp/sim-step5.csv" -o "$tmp/resampled.hrd" 2>"$tmp/resampled.err"
check "an export imported with another --step: said, with the option that keeps it" \
  'grep -q "on a 5 s grid, resampled to 10 s (import with --step 5" "$tmp/resampled.err"'
check "an export imported: said that its HR-quality verdicts are assessed again without cadence" \
  'grep -q "HR-quality verdicts are assessed again without cadence" "$tmp/sim.csv.err"'

# --- what import refuses, with a reason
printf '{"index":0,"athlete":"a","speed":[3,3],"step_s":10,"time":[0,10],"heart_rate":[120,121]}\n' > "$tmp/late.jsonl"
check "jsonl export line with step_s after the arrays: refused with a reason" \
  '! "$BIN" import "$tmp/late.jsonl" -o "$tmp/late.hrd" 2>"$tmp/late.err" && grep -q "step_s after the sample arrays" "$tmp/late.err"'

# --- the real import
if [ -d "$REAL" ]; then
  "$BIN" import --athlete-from-dir "$REAL" -o "$tmp/real.hrd" -q 2>/dev/null
  roundtrip real "$tmp/real.hrd"
else
  skip=$((skip + 1)); echo "skip real-data round trips: $REAL absent"
fi
echo
echo "test_roundtrip.sh: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
