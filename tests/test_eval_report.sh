#!/usr/bin/env bash
# test_eval_report.sh — what eval's report (metrics.json, metrics.md, report.html) and the model card say
# about how the numbers were made: the --physio file's kind and step are checked and the file is recorded;
# a selection the model validated or trained on is flagged as optimistic; the Rerun line is the command as
# run; the precision; the training curve only from this model's own log; the card's --license and epochs.
# Usage: tests/test_eval_report.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-eval-report-test.XXXXXX)
. "$(dirname "$0")/lib.sh"
lines() { wc -l < "$1" | tr -d ' '; }

"$BIN" simulate --athletes 6 --workouts 12 --seed 5 -o "$tmp/big.hrd" -q
"$BIN" train "$tmp/big.hrd" -o "$tmp/bc.safetensors" --split chrono --epochs 3 --threads 1 --hidden 16 -q

# --- hrcast card
check "card --license with a newline: exit 2, one line, no card" '"$BIN" card "$tmp/bc.safetensors" --no-metrics -o "$tmp/c.md" --license "$(printf "mit\nlibrary_name: evil")" 2>$tmp/e; [ $? = 2 ] && [ $(lines $tmp/e) = 1 ] && grep -q -- "--license: not a licence id" $tmp/e && [ ! -e $tmp/c.md ]'
check "card --license with a colon: exit 2" '"$BIN" card "$tmp/bc.safetensors" --no-metrics --license "a: b" >/dev/null 2>$tmp/e; [ $? = 2 ] && [ $(lines $tmp/e) = 1 ]'
check "card --license apache-2.0 is written as it is" '"$BIN" card "$tmp/bc.safetensors" --no-metrics --license apache-2.0 -q | has -x "license: apache-2.0"'
check "card: epochs run and the epoch the weights are from, said apart" '"$BIN" card "$tmp/bc.safetensors" --no-metrics -q | has "^| epochs | 3 run; the weights are the best validation epoch.s ([123]) |$"'

echo "test_eval_report: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
