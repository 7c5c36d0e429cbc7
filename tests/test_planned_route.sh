#!/usr/bin/env bash
# test_planned_route.sh — a route without times (a planned race) given to predict, plot or replay: the failure
# ("no usable workout (no_time)", exit 1) is followed by one line pointing to hrcast plan with a command that
# works when pasted (until 2026-12-07 the failure stood alone and predict's help suggested a planned route would
# do); predict's help says what it takes for a planned run (a CSV of elapsed times), and such a CSV works.
# Usage: tests/test_planned_route.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
tmp=$(mktemp -d /tmp/hrcast-planned-route.XXXXXX)
. "$(dirname "$0")/lib.sh"

"$BIN" simulate --athletes 2 --workouts 4 --seed 3 -q -o "$tmp/d.hrd"
"$BIN" fit-physio "$tmp/d.hrd" -o "$tmp/m.safetensors" -q
py "
import math, sys
pts = ''.join(f'<trkpt lat=\"{45 + i * 9e-4:.6f}\" lon=\"7.0\"><ele>{100 + 20 * math.sin(i / 15):.1f}</ele></trkpt>'
              for i in range(100))
open(sys.argv[1], 'w').write('<?xml version=\"1.0\"?><gpx version=\"1.1\" creator=\"t\"><trk><trkseg>' + pts +
                             '</trkseg></trk></gpx>')
" "$tmp/route.gpx"

(cd "$tmp" && "$BIN" predict m.safetensors route.gpx) >/dev/null 2>"$tmp/e"; rc=$?
cmd=$(sed -n 's/.*e\.g\. 45:00: //p' "$tmp/e")
check "predict of a route without times: exit 1, the failure, then one line naming hrcast plan --course --target-time" \
  '[ $rc -eq 1 ] && [ $(wc -l < $tmp/e) = 2 ] && grep -q "no usable workout (no_time)" $tmp/e && echo "$cmd" | grep -q "plan m.safetensors --course route.gpx --target-time 45:00$"'
(cd "$tmp" && eval "$cmd") >"$tmp/plan" 2>"$tmp/e"; rc=$?
check "the plan command given (pasted): exit 0, a plan" '[ $rc -eq 0 ] && [ -s $tmp/plan ]'
for c in plot replay; do
    out=; [ $c = plot ] && out="-o r.png"
    (cd "$tmp" && "$BIN" $c m.safetensors route.gpx $out) >/dev/null 2>"$tmp/e"; rc=$?
    check "$c of the route: exit 1 and the same hint" '[ $rc -eq 1 ] && grep -q "has no times, as a planned route has.*plan m.safetensors --course route.gpx" $tmp/e'
done
check "predict --help: a route without times is for plan; a planned run as a CSV of elapsed times" \
  '"$BIN" predict --help | tr "\n" " " | grep -q "route without them (a planned race) is for hrcast plan MODEL --course *FILE --target-time T.*CSV of elapsed times"'
printf "elapsed,speed,altitude\n" > "$tmp/planned.csv"
for i in $(seq 0 10 1800); do echo "$i,3.2,100" >> "$tmp/planned.csv"; done
"$BIN" predict "$tmp/m.safetensors" "$tmp/planned.csv" >"$tmp/o" 2>"$tmp/e"; rc=$?
check "a planned run as a CSV of elapsed times, speed and altitude: exit 0, predicted" '[ $rc -eq 0 ] && [ $(wc -l < $tmp/o) -gt 100 ]'

rm -rf "$tmp"
echo
echo "test_planned_route.sh: $pass passed, $fail failed"
[ $fail -eq 0 ]
