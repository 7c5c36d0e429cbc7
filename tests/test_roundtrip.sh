#!/usr/bin/env bash
# test_roundtrip.sh — every export format imports back to the same dataset: `hrcast export --format F`
# then `hrcast import` gives the same workouts (none lost), the same series (every value, masks
# included), the same metadata (id, athlete, sport, gender, device, start time, step) and the same
# HR-quality verdicts (hr_issue: kept as stored, not assessed again, so cadence locks that need the
# cadence a dataset does not store survive), on a simulated dataset plus hand-made recordings that
# hrcast stores with sport "unknown", no start time and pauses, and on a simulated dataset with
# injected artifacts; then the same on the real import (skipped when ../shared/data/real is absent).
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
py() { python3 -c "$@"; }

# same A.jsonl B.jsonl: the two exports hold the same workouts (order free), every key but the
# ones that name where a workout came from (index, source) and the redrawn splits; hr_issue included.
# With a third argument: hr_truth (the injected artifacts) left out too (csv and parquet do not carry it).
same() {
  python3 - "$@" <<'EOF'
import json, math, sys
def load(p):
    out = []
    for line in open(p):
        d = json.loads(line)
        for k in ("index", "source", "split_athlete", "split_chrono") + (("hr_truth",) if len(sys.argv) > 3 else ()):
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
    check "$name: $fmt export imports back to the same workouts, series, metadata and verdicts" \
      'same "$tmp/$name.orig.jsonl" "$tmp/$name.$fmt.back.jsonl" ${NO_TRUTH[$fmt]:-}'
  done
}
declare -A NO_TRUTH=([csv]=no-truth [parquet]=no-truth) # jsonl carries hr_truth too

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
def gpx(path, creator, trk_name, day, lon, hr):
    """A 25-minute GPX track with HR (hr(t) bpm at t s); creator and trk_name are written as given (escaped)."""
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="%s"><trk>%s<trkseg>\n'
                % (creator, "<name>%s</name>" % trk_name if trk_name else ""))
        for t in range(0, 1500, 2):
            f.write('<trkpt lat="%.6f" lon="%.1f"><time>2021-05-%02dT08:%02d:%02dZ</time><extensions><hr>%d</hr>'
                    '</extensions></trkpt>\n' % (46.0 + t * 2.7e-5, lon, day, t // 60 % 60, t % 60, hr(t)))
        f.write('</trkseg></trk></gpx>\n')
# a title that needs quoting in CSV and escaping in JSON: quotes, a comma, a backslash, UTF-8
gpx(d + "/titled.gpx", "t", 'Hill "reps", 6\u00d7400 m \\ back', 1, 7.0, lambda t: 135 + t % 7)
# an athlete (the folder's name) and a device (GPX creator) with a quote, a comma and a backslash: CSV
# doubled the quotes and dropped the backslash of these until 2026-12-07
import os
named = os.path.join(os.path.dirname(d), 'O"Brien, Jr \\ x')
os.makedirs(named, exist_ok=True)
gpx(named + "/named.gpx", "Garmin &quot;Forerunner&quot;, 245 \\ b", None, 2, 7.1, lambda t: 140 + t % 5)
EOF
"$BIN" import --athlete-from-dir "$tmp/runs" -o "$tmp/mixed.hrd" -q 2>/dev/null
"$BIN" export "$tmp/mixed.hrd" --format jsonl -o "$tmp/mixed.jsonl"
check "the mixed dataset holds workouts of sport unknown" 'grep -q "\"sport\":\"unknown\"" "$tmp/mixed.jsonl"'
check "the mixed dataset holds a workout without a start time" 'grep -q "\"start_time\":null" "$tmp/mixed.jsonl"'
check "the mixed dataset holds a titled workout (GPX trk/name)" 'grep -qF "\"title\":\"Hill \\\"reps\\\", 6×400 m \\\\ back\"" "$tmp/mixed.jsonl"'
check "the mixed dataset holds an athlete and a device named with a quote, a comma and a backslash" \
  'grep -qF "\"athlete\":\"O\\\"Brien, Jr \\\\ x\"" "$tmp/mixed.jsonl" && grep -qF "\"device\":\"Garmin \\\"Forerunner\\\", 245 \\\\ b\"" "$tmp/mixed.jsonl"'
check "the mixed dataset holds a workout without altitude" 'grep -q "\"altitude\":\[null" "$tmp/mixed.jsonl"'
roundtrip sim "$tmp/mixed.hrd"
"$BIN" import --athlete-from-dir "$tmp/runs" --step 5 -o "$tmp/mixed5.hrd" -q 2>/dev/null
roundtrip sim-step5 "$tmp/mixed5.hrd"
"$BIN" import "$tmp/sim-step5.csv" -o "$tmp/resampled.hrd" 2>"$tmp/resampled.err"
check "an export imported with another --step: said, with the option that keeps it" \
  'grep -q "on a 5 s grid, resampled to 10 s (import with --step 5" "$tmp/resampled.err"'
check "an export imported with another --step: said that its HR-quality verdicts are assessed again" \
  'grep -q "on another grid: its HR-quality verdicts are assessed again without cadence" "$tmp/resampled.err"'
for fmt in csv jsonl parquet; do
  check "a $fmt export imported on its own grid: its verdicts kept, nothing said about assessing them" \
    '! grep -q "assessed again" "$tmp/sim.$fmt.err"'
done

# --- injected artifacts: every verdict kind, cadence locks included (found with the cadence of the
# simulated recording, which no export carries), and the truth through jsonl
"$BIN" simulate --athletes 4 --workouts 4 --seed 7 --artifacts -o "$tmp/art.hrd" -q
roundtrip art "$tmp/art.hrd"
check "the artifacts dataset has cadence locks to keep" \
  '"$BIN" info "$tmp/art.hrd" --json | py "import json,sys; assert json.load(sys.stdin)[\"hr_quality\"][\"cadence_lock\"] > 0"'
check "jsonl export imports back with its injected truth" \
  '"$BIN" info "$tmp/art.jsonl.hrd" --json | py "import json,sys; d=json.load(sys.stdin); t=d[\"hr_quality_truth\"]; assert sum(t.values()) == d[\"steps\"] and t[\"cadence_lock\"] > 0, t"'
check "csv export: hr_issue is the last column, empty or a reason name" 'py "
import csv
rows = list(csv.reader(open(\"$tmp/art.csv\")))
assert rows[0][-1] == \"hr_issue\", rows[0]
v = {r[-1] for r in rows[1:]}
assert \"\" in v and \"cadence_lock\" in v, v
assert v <= {\"\", \"hr_gap\", \"pause\", \"cadence_lock\", \"lock_on\", \"dropout\", \"stuck\", \"level_shift\", \"spike\"}, v
"'
# a csv whose hr_issue says unassessed (exported from a dataset without verdicts): assessed on import
py "
import csv
rows = list(csv.reader(open('$tmp/art.csv')))
w = csv.writer(open('$tmp/unassessed.csv', 'w', newline=''), lineterminator='\n')
w.writerow(rows[0])
for r in rows[1:]:
    w.writerow(r[:-1] + ['unassessed'])
"
"$BIN" import "$tmp/unassessed.csv" --step 10 -o "$tmp/unassessed.hrd" 2>"$tmp/unassessed.err"
check "csv export without verdicts (unassessed): assessed again on import, and said so" \
  'grep -q "without stored verdicts: its HR-quality verdicts are assessed again" "$tmp/unassessed.err"'
check "csv export without verdicts: the cadence locks are not found again (no cadence), the rest is" \
  '"$BIN" info "$tmp/unassessed.hrd" --json | py "import json,sys; q=json.load(sys.stdin)[\"hr_quality\"]; assert q[\"cadence_lock\"] == 0 and q[\"level_shift\"] > 0, q"'
sed '2s/,[a-z_]*$/,no_such_reason/' "$tmp/art.csv" > "$tmp/badissue.csv"
check "csv hr_issue with an unknown reason: the row skipped, with its line and the reason" \
  '"$BIN" import "$tmp/badissue.csv" --step 10 -o "$tmp/badissue.hrd" 2>"$tmp/badissue.err"; grep -q "bad row skipped (first: line 2: unknown hr_issue" "$tmp/badissue.err"'
head -1 "$tmp/art.jsonl" | sed 's/"hr_issue":\[[^],]*/"hr_issue":["no_such_reason"/' > "$tmp/badissue.jsonl"
check "jsonl hr_issue with an unknown reason: the line refused, with the reason" \
  '! "$BIN" import "$tmp/badissue.jsonl" --step 10 -o "$tmp/badissue2.hrd" 2>"$tmp/badissue2.err" && grep -q "line 1: hr_issue: unknown verdict .no_such_reason." "$tmp/badissue2.err"'
head -1 "$tmp/art.jsonl" | sed 's/"hr_issue":\[[^],]*,/"hr_issue":[/' > "$tmp/shortissue.jsonl"
check "jsonl hr_issue shorter than the time array: the line refused, with the counts" \
  '! "$BIN" import "$tmp/shortissue.jsonl" --step 10 -o "$tmp/shortissue.hrd" 2>"$tmp/shortissue.err" && grep -q "line 1: hr_issue has [0-9]* values, the time array" "$tmp/shortissue.err"'

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
