#!/usr/bin/env bash
# test_simulate_like.sh — `hrcast simulate --like PHYSIO_MODEL` (runners whose hearts answer pace like a
# physiological model's fitted athletes; docs/simulator.md): the dataset is written and names the option,
# pace is drawn as without it while the HR changes, and each wrong file gets one line and exit 1 with no
# dataset written. (The draw itself: tests/test_sim.c, test_runners_like_fitted_rows.)
# Usage: tests/test_simulate_like.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-simulate-like.XXXXXX)
. "$(dirname "$0")/lib.sh"

"$BIN" simulate --athletes 3 --workouts 6 --seed 3 -q -o "$tmp/a.hrd"
"$BIN" fit-physio "$tmp/a.hrd" --split chrono -o "$tmp/p.safetensors" -q
"$BIN" simulate --athletes 2 --workouts 3 --seed 5 --like "$tmp/p.safetensors" -o "$tmp/like.hrd" 2>"$tmp/log"; rc=$?
check "simulate --like: exit 0, the log says how many fitted athletes" \
  '[ $rc -eq 0 ] && grep -q "runners like the 3 fitted athletes of $tmp/p.safetensors" "$tmp/log"'
"$BIN" info "$tmp/like.hrd" > "$tmp/info" 2>&1
check "the dataset's 'made by' names --like" 'grep -q -- "--like $tmp/p.safetensors" "$tmp/info"'
"$BIN" simulate --athletes 2 --workouts 3 --seed 5 -q -o "$tmp/plain.hrd"
"$BIN" export "$tmp/like.hrd" --format jsonl -o "$tmp/like.jsonl"
"$BIN" export "$tmp/plain.hrd" --format jsonl -o "$tmp/plain.jsonl"
check "same seed: the same pace, another heart" 'py "
import json
a = [json.loads(l) for l in open(\"$tmp/like.jsonl\")]
b = [json.loads(l) for l in open(\"$tmp/plain.jsonl\")]
assert len(a) == len(b) == 6
assert all(x[\"speed\"] == y[\"speed\"] for x, y in zip(a, b))
assert any(x[\"heart_rate\"] != y[\"heart_rate\"] for x, y in zip(a, b))
"'

"$BIN" simulate --athletes 2 --workouts 1 --like "$tmp/missing.safetensors" -o "$tmp/x.hrd" 2>"$tmp/e"; rc=$?
check "a missing file: exit 1, one line naming it, nothing written" \
  '[ $rc -eq 1 ] && [ $(wc -l < "$tmp/e") -eq 1 ] && grep -q "missing.safetensors" "$tmp/e" && [ ! -e "$tmp/x.hrd" ]'
"$BIN" fit-physio "$tmp/a.hrd" --population-only -o "$tmp/pop.safetensors" -q
"$BIN" simulate --athletes 2 --workouts 1 --like "$tmp/pop.safetensors" -o "$tmp/x.hrd" 2>"$tmp/e"; rc=$?
check "a population-only model: exit 1, one line saying it has no athlete of its own" \
  '[ $rc -eq 1 ] && [ $(wc -l < "$tmp/e") -eq 1 ] && grep -q "no athlete of its own" "$tmp/e" && [ ! -e "$tmp/x.hrd" ]'
"$BIN" train "$tmp/a.hrd" -o "$tmp/lstm.safetensors" --epochs 1 --hidden 8 -q
"$BIN" simulate --athletes 2 --workouts 1 --like "$tmp/lstm.safetensors" -o "$tmp/x.hrd" 2>"$tmp/e"; rc=$?
check "an LSTM model: exit 1, one line, nothing written" \
  '[ $rc -eq 1 ] && [ $(wc -l < "$tmp/e") -eq 1 ] && [ ! -e "$tmp/x.hrd" ]'

echo "test_simulate_like: $pass passed, $fail failed"
[ $fail -eq 0 ]
