#!/usr/bin/env bash
# test_stdin.sh — workout files that can be read only once: "-" (standard input), /dev/stdin, a pipe, a
# process substitution, gzip-compressed or not. Each must give exactly the numbers of the same file given
# by path (predict, replay, plan --course, import), and what cannot come from a pipe (a dataset, which is
# mapped) or is empty gets one clear line and exit 1.
# Usage: tests/test_stdin.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-stdin-test.XXXXXX)
. "$(dirname "$0")/lib.sh"

"$BIN" simulate --athletes 2 --workouts 12 --seed 4 --emit-files "$tmp/runs" -o "$tmp/sim.hrd" -q
"$BIN" train "$tmp/sim.hrd" -o "$tmp/m.safetensors" --hidden 8 --epochs 1 --batch 4 -q
fit=$(ls "$tmp"/runs/sim0001/*.fit | head -1)
gpx=$(ls "$tmp"/runs/sim0001/*.gpx | head -1)
tcx=$(ls "$tmp"/runs/sim0002/*.tcx | head -1)

# the rows without the source column (which names where the file came from)
rows() { cut -d, -f1,3-; }
for f in "$fit" "$gpx" "$tcx"; do
  kind=${f##*.}
  "$BIN" predict "$tmp/m.safetensors" "$f" 2>/dev/null | rows > "$tmp/by_path.csv"
  check "$kind by path: rows predicted" '[ $(wc -l < $tmp/by_path.csv) -gt 100 ]'
  check "$kind from - (stdin): the same rows" '"$BIN" predict "$tmp/m.safetensors" - < "$f" 2>/dev/null | rows | cmp -s - $tmp/by_path.csv'
  check "$kind from /dev/stdin through a pipe: the same rows" 'cat "$f" | "$BIN" predict "$tmp/m.safetensors" /dev/stdin 2>/dev/null | rows | cmp -s - $tmp/by_path.csv'
  check "$kind gzip-compressed through a process substitution: the same rows" '"$BIN" predict "$tmp/m.safetensors" <(gzip -c "$f") 2>/dev/null | rows | cmp -s - $tmp/by_path.csv'
done
check "stdin is named stdin in the rows" '"$BIN" predict "$tmp/m.safetensors" - < "$fit" 2>/dev/null | sed -n 2p | cut -d, -f2 | has "^stdin$"'
check "replay from stdin: the same forecasts as by path" '[ "$("$BIN" replay "$tmp/m.safetensors" - < "$gpx" 2>/dev/null | rows)" = "$("$BIN" replay "$tmp/m.safetensors" "$gpx" 2>/dev/null | rows)" ]'
check "plan --course from a pipe: the same plan as by path" '[ "$(cat "$gpx" | "$BIN" plan "$tmp/m.safetensors" --course /dev/stdin --target-time 1:00:00 2>/dev/null)" = "$("$BIN" plan "$tmp/m.safetensors" --course "$gpx" --target-time 1:00:00 2>/dev/null)" ]'

# import: the series from stdin equal those of the file; the athlete is "stdin", not the folder /dev
"$BIN" import "$fit" --athlete a -o "$tmp/by_path.hrd" -q
gzip -c "$fit" | "$BIN" import - --athlete a -o "$tmp/from_stdin.hrd" -q
check "import - (gzip on stdin): the same series as by path" '[ "$("$BIN" export "$tmp/from_stdin.hrd" --format csv | cut -d, -f3-)" = "$("$BIN" export "$tmp/by_path.hrd" --format csv | cut -d, -f3-)" ]'
cat "$tcx" | "$BIN" import /dev/stdin -o "$tmp/piped.hrd" -q
check "import /dev/stdin with no --athlete: athlete stdin" '"$BIN" info "$tmp/piped.hrd" --json | py "import json,sys; d=json.load(sys.stdin); assert d[\"workouts\"]==1 and list(d[\"by_athlete\"])==[\"stdin\"]"'

# what a pipe cannot give
cat "$tmp/sim.hrd" | "$BIN" predict "$tmp/m.safetensors" - > /dev/null 2> "$tmp/e"; rc=$?
check "a dataset on stdin: exit 1 and one line saying to give its path" '[ $rc -eq 1 ] && [ $(wc -l < $tmp/e) = 1 ] && grep -q "^hrcast predict: stdin: a dataset is mapped from a file, not read from a pipe or stdin; give its path$" $tmp/e'
"$BIN" predict "$tmp/m.safetensors" - < /dev/null > /dev/null 2> "$tmp/e"; rc=$?
check "empty stdin: exit 1, stdin: 0: empty file" '[ $rc -eq 1 ] && grep -q "stdin: 0: empty file" $tmp/e'
head -c 5000 "$gpx" | gzip -c | head -c 300 | "$BIN" predict "$tmp/m.safetensors" - > /dev/null 2> "$tmp/e"; rc=$?
check "a cut gzip stream on stdin: exit 1 and the offset" '[ $rc -eq 1 ] && grep -q "stdin: [0-9]*: corrupt or truncated gzip data" $tmp/e'

echo "test_stdin: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
