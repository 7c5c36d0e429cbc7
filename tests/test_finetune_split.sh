#!/usr/bin/env bash
# test_finetune_split.sh — `finetune --split athlete` is refused (exit 2, one line) with the same command on the
# chrono split, which works when pasted: the athlete split keeps each athlete in one part, so it trained and
# validated on every run of the runner (until 2026-12-07 without a word). eval's hints for a model that saw
# the selection never point back and forth between the two test parts (athlete:test empty -> "try chrono:test"
# -> refused there -> "evaluate on athlete:test") and count the validation runs it saw too.
# Usage: tests/test_finetune_split.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
tmp=$(mktemp -d /tmp/hrcast-finetune-split.XXXXXX)
. "$(dirname "$0")/lib.sh"

"$BIN" simulate --athletes 4 --workouts 12 --seed 5 --emit-files "$tmp/runs" -q -o "$tmp/d.hrd"
"$BIN" train "$tmp/d.hrd" -o "$tmp/g.safetensors" --split athlete --epochs 1 --hidden 8 --threads 1 -q
"$BIN" import "$tmp/runs/sim0003" --athlete sim0003 -o "$tmp/one.hrd" -q

(cd "$tmp" && "$BIN" finetune g.safetensors one.hrd --athlete sim0003 --split athlete --epochs 1 -o p.safetensors) \
  2>"$tmp/e"; rc=$?
cmd=$(sed -n 's/.*by date: //p' "$tmp/e")
check "finetune --split athlete on one runner: exit 2, one line, nothing written, the chrono command" \
  '[ $rc -eq 2 ] && [ $(wc -l < $tmp/e) = 1 ] && grep -q "all 12 of sim0003.s workouts are in its training part" $tmp/e && [ ! -e $tmp/p.safetensors ] && [ -n "$cmd" ] && ! echo "$cmd" | grep -q -- "--split"'
(cd "$tmp" && eval "$cmd") 2>"$tmp/e"; rc=$?
check "the command given (pasted): exit 0, a model on the chrono split" \
  '[ $rc -eq 0 ] && [ -s $tmp/p.safetensors ] && grep -q "chrono split" $tmp/e'

# a model that trained (athlete split) on every run of one of the runners: which one is in its training part
for a in 1 2 3 4; do
    "$BIN" import "$tmp/runs/sim000$a" --athlete sim000$a -o "$tmp/a.hrd" -q
    "$BIN" eval "$tmp/g.safetensors" "$tmp/a.hrd" --split chrono:test >/dev/null 2>"$tmp/e2" || break
done
"$BIN" eval "$tmp/g.safetensors" "$tmp/a.hrd" >/dev/null 2>"$tmp/e1"; rc1=$?
check "eval, athlete:test empty, chrono:test seen: exit non-zero, no 'try --split chrono:test'" \
  '[ $rc1 -ne 0 ] && grep -q "athlete:test selection .* is empty" $tmp/e1 && ! grep -q "try --split chrono" $tmp/e1'
check "eval --split chrono:test, seen: no 'evaluate on --split athlete:test' (it is empty)" \
  'grep -q "was trained on [0-9]* of the [0-9]* workouts in chrono:test" $tmp/e2 && ! grep -q "split athlete:test" $tmp/e2'

"$BIN" eval "$tmp/p.safetensors" "$tmp/one.hrd" --allow-overlap -o "$tmp/rep/" 2>"$tmp/e" >/dev/null; rc=$?
check "eval -o DIR/: exit 0, 'wrote DIR/metrics.json', no '//'" '[ $rc -eq 0 ] && grep -q "wrote $tmp/rep/metrics.json" $tmp/e && ! grep -q "//" $tmp/e'
"$BIN" train "$tmp/one.hrd" -o "$tmp/o.safetensors" --epochs 1 --hidden 4 --threads 1 2>"$tmp/e" >/dev/null
check "train on one runner: 'HR scale: 1 athlete with their own'" 'grep -q "HR scale: 1 athlete with their own" $tmp/e'
mkdir -p "$tmp/few" && cp $(ls "$tmp"/runs/sim0003/* | head -3) "$tmp/few/"
"$BIN" import "$tmp/few" -o "$tmp/few.hrd" -q
"$BIN" finetune "$tmp/g.safetensors" "$tmp/few.hrd" --athlete few --epochs 1 -o "$tmp/f.safetensors" 2>"$tmp/e" >/dev/null
check "finetune with under 60 min of HR: the population's scale with its numbers" \
  'grep -q "HR scale of few: under 60 min of heart rate to measure, the population.s ([0-9.]* +- [0-9.]* bpm)" $tmp/e'

rm -rf "$tmp"
echo
echo "test_finetune_split.sh: $pass passed, $fail failed"
[ $fail -eq 0 ]
