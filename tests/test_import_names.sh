#!/usr/bin/env bash
# test_import_names.sh — athlete ids that import derives from names (folders, archives, --athlete): an id
# holds 63 bytes; a longer folder name is cut between UTF-8 characters with a warning, two folders that
# would become the same id are refused (exit 2, both named), and a longer --athlete is refused. Also: a
# dataset given to import is named as one (it was an "unrecognised format").
# Usage: tests/test_import_names.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-names-test.XXXXXX)
. "$(dirname "$0")/lib.sh"

"$BIN" simulate --athletes 1 --workouts 2 --seed 5 --emit-files "$tmp/runs" -o "$tmp/sim.hrd" -q
fit=$(ls "$tmp"/runs/sim0001/*.fit | head -1)
long=$(printf "a%.0s" $(seq 62))          # 62 bytes, then a 2-byte character that does not fit in 63
mkdir -p "$tmp/club/${long}üü" "$tmp/club/ann"
cp "$fit" "$tmp/club/${long}üü/"
cp "$fit" "$tmp/club/ann/"
"$BIN" import --athlete-from-dir "$tmp/club" --min-minutes 0 -o "$tmp/club.hrd" 2> "$tmp/e"; rc=$?
check "a long folder name: imported, with a warning naming the stored id" \
  '[ $rc -eq 0 ] && grep -q "athlete .${long}üü. is longer than the 63 bytes .*stored as .${long}.$" $tmp/e'
"$BIN" export "$tmp/club.hrd" --format jsonl -o "$tmp/club.jsonl" -q
check "the stored id is cut between characters (valid UTF-8, 62 bytes)" \
  'py "import json; ids = sorted(json.loads(l)[\"athlete\"] for l in open(\"$tmp/club.jsonl\", encoding=\"utf-8\")); assert ids == [\"$long\", \"ann\"], ids"'

mkdir -p "$tmp/twins/${long}üü-one" "$tmp/twins/${long}üü-two"
cp "$fit" "$tmp/twins/${long}üü-one/"
cp "$fit" "$tmp/twins/${long}üü-two/"
"$BIN" import --athlete-from-dir "$tmp/twins" --min-minutes 0 -o "$tmp/twins.hrd" 2> "$tmp/e"; rc=$?
check "two folders that cut to the same id: exit 2, one line naming both, no dataset" \
  '[ $rc -eq 2 ] && [ $(wc -l < $tmp/e) -eq 1 ] && grep -q "${long}üü-one. and .${long}üü-two. are the same id" $tmp/e && [ ! -e $tmp/twins.hrd ]'

"$BIN" import --athlete "${long}üü" --min-minutes 0 -o "$tmp/x.hrd" "$fit" 2> "$tmp/e"; rc=$?
check "--athlete longer than an id: exit 2 and the limit" '[ $rc -eq 2 ] && grep -q "holds at most 63" $tmp/e && [ ! -e $tmp/x.hrd ]'

"$BIN" import "$tmp/sim.hrd" -o "$tmp/y.hrd" 2> "$tmp/e"; rc=$?
check "import of a dataset: exit 1, one line saying it is one and that commands take it directly" \
  '[ $rc -eq 1 ] && grep -q "sim.hrd: 0: already an hrcast dataset: the other commands .* take it directly" $tmp/e && ! grep -q unrecognised $tmp/e'

echo "test_import_names: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
