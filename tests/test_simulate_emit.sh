#!/usr/bin/env bash
# test_simulate_emit.sh — simulate --emit-files DIR writes into an empty or new folder, or over its own
# files (the same command again); a folder holding anything else is refused (exit 2, one line), where
# old and new files were mixed without a word.
# Usage: tests/test_simulate_emit.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-emit-test.XXXXXX)
. "$(dirname "$0")/lib.sh"

"$BIN" simulate --athletes 2 --workouts 3 --seed 5 --emit-files "$tmp/runs" -o "$tmp/a.hrd" -q; rc=$?
check "a new folder: written" '[ $rc -eq 0 ] && [ $(find $tmp/runs -type f | wc -l) -eq 6 ]'
"$BIN" simulate --athletes 2 --workouts 3 --seed 5 --emit-files "$tmp/runs" -o "$tmp/b.hrd" -q; rc=$?
check "the same command again: written over" '[ $rc -eq 0 ] && [ $(find $tmp/runs -type f | wc -l) -eq 6 ]'
"$BIN" simulate --athletes 2 --workouts 2 --seed 6 --emit-files "$tmp/runs" -o "$tmp/c.hrd" 2> "$tmp/e"; rc=$?
check "other files there: exit 2, one line naming one, nothing written" \
  '[ $rc -eq 2 ] && [ $(wc -l < $tmp/e) -eq 1 ] && grep -q "holds .*which this run would not write" $tmp/e && [ ! -e $tmp/c.hrd ]'
mkdir -p "$tmp/other" && : > "$tmp/other/notes.txt"
"$BIN" simulate --athletes 1 --workouts 1 --emit-files "$tmp/other" -o "$tmp/d.hrd" 2> /dev/null; rc=$?
check "a folder of something else: exit 2" '[ $rc -eq 2 ] && [ ! -e $tmp/d.hrd ]'

echo "test_simulate_emit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
