#!/usr/bin/env bash
# test_input_limits.sh — the input limits as a user of the command line meets them (docs/data.md
# "Input limits"): --max-samples / --max-inflate / --max-footer on import and predict, a refusal that
# names the limit and its flag, bad values refused with exit 2, the file walk of `import` ending on
# symlink loops, and the dataset written whole (no temp file left, a planted symlink not followed).
# Usage: tests/test_input_limits.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-limits-test.XXXXXX)
pass=0; fail=0
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

# a CSV run of 400 samples, 1 s apart
{ echo "time,heart_rate,speed"; for i in $(seq 0 399); do echo "$i,150,3.0"; done; } > "$tmp/run.csv"
gzip -c "$tmp/run.csv" > "$tmp/run.csv.gz"

# (the help into files first: grep -q would close a pipe early, and pipefail turns that into a failure)
"$BIN" import --help > "$tmp/import-help"
"$BIN" predict --help > "$tmp/predict-help"
check "import --help lists the limit flags" 'grep -q -- "--max-samples N" "$tmp/import-help" && grep -q -- "--max-inflate SIZE" "$tmp/import-help"'
check "predict --help lists the limit flags" 'grep -q -- "--max-footer N" "$tmp/predict-help"'
"$BIN" import --sport any --min-minutes 1 --max-samples 100 "$tmp/run.csv" -o "$tmp/a.hrd" 2>"$tmp/e"; rc=$?
check "--max-samples 100: exit 1, no dataset" '[ $rc -eq 1 ] && [ ! -e $tmp/a.hrd ]'
check "the refusal names the file, the limit and the flag" 'grep -q "run.csv: line 102: .*exceeds the 100-sample limit (--max-samples)" $tmp/e'
"$BIN" import --sport any --min-minutes 1 --max-inflate 4K "$tmp/run.csv.gz" -o "$tmp/b.hrd" 2>"$tmp/e"; rc=$?
check "--max-inflate 4K on a 4.8 KB gzip CSV: refused naming the file and the limit" '[ $rc -eq 1 ] && grep -q "run.csv.gz: inflated data exceeds the 4096-byte limit (--max-inflate)" $tmp/e'
"$BIN" import --sport any --min-minutes 1 --max-samples 400 --max-inflate 64K "$tmp/run.csv.gz" -o "$tmp/c.hrd" -q 2>"$tmp/e"; rc=$?
check "limits that fit: imported" '[ $rc -eq 0 ] && [ -s $tmp/c.hrd ]'
check "bad --max-inflate: exit 2 and a message" '"$BIN" import --max-inflate 12Q x -o $tmp/x.hrd 2>$tmp/e; [ $? -eq 2 ] && grep -q "max-inflate" $tmp/e'
check "bad --max-samples: exit 2 and a message" '"$BIN" predict --max-samples -5 m x 2>$tmp/e; [ $? -eq 2 ] && grep -q "max-samples" $tmp/e'

# two links to "." and one to the parent: the walk used to branch without end (2^32 paths)
mkdir -p "$tmp/loop/sub"
cp "$tmp/run.csv" "$tmp/loop/sub/run.csv"
ln -s . "$tmp/loop/sub/again"; ln -s . "$tmp/loop/sub/more"; ln -s .. "$tmp/loop/sub/up"
timeout 30 "$BIN" import --sport any --min-minutes 1 "$tmp/loop" -o "$tmp/loop.hrd" -q 2>"$tmp/e"; rc=$?
check "import through symlink loops ends (each folder once)" '[ $rc -eq 0 ] && [ "$("$BIN" info "$tmp/loop.hrd" --json | python3 -c "import json,sys; print(json.load(sys.stdin)[\"workouts\"])")" = 1 ]'

# the dataset is written through an exclusive temp file: a symlink planted where the old predictable
# temp name would be is left alone, and no temp file stays behind
echo precious > "$tmp/victim"
for pid in $(seq $$ $(( $$ + 50 ))); do ln -s "$tmp/victim" "$tmp/out.hrd.tmp.$pid" 2>/dev/null; done
"$BIN" import --sport any --min-minutes 1 "$tmp/run.csv" -o "$tmp/out.hrd" -q
check "planted symlinks not followed" '[ "$(cat $tmp/victim)" = precious ] && [ -s $tmp/out.hrd ] && [ ! -L $tmp/out.hrd ]'
check "no temp file left" '[ -z "$(find $tmp -maxdepth 1 -name "out.hrd.tmp.*" ! -type l)" ]'

echo
echo "test_input_limits.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
