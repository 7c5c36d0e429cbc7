#!/usr/bin/env bash
# test_splits.sh — honest splits from the command line: one runner's dataset trains and evaluates on the
# chronological split (never validating on training data), info warns of empty or tiny split parts, eval
# refuses a selection the model trained on (exit 2, one line; --allow-overlap labels it), fit-physio --all
# then eval is refused, card refuses another model's metrics, --resume checks the dataset and options,
# Ctrl-C leaves a resumable run and prints the command, --epochs 0 is refused; and the same first steps
# on the real runpandas folder (skipped when ../shared/data/real is absent).
# Usage: tests/test_splits.sh [path/to/hrcast]
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/has.sh"
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
REAL=${HRCAST_REAL:-../shared/data/real}
tmp=$(mktemp -d /tmp/hrcast-splits-test.XXXXXX)
pass=0; fail=0; skip=0
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
lines() { wc -l < "$1" | tr -d ' '; }
py() { python3 -c "$@"; }

# --- one runner
"$BIN" simulate --athletes 1 --workouts 20 --seed 3 -o "$tmp/one.hrd" -q
check "info warns: no athlete validation part" '"$BIN" info "$tmp/one.hrd" 2>$tmp/e >/dev/null && grep -q "athlete split has no validation part" $tmp/e'
"$BIN" simulate --athletes 2 --workouts 6 --seed 3 -o "$tmp/six_each.hrd" -q
check "info warns: no chrono validation part under 10 workouts an athlete, and says so" '"$BIN" info "$tmp/six_each.hrd" 2>$tmp/e >/dev/null && grep -q "chrono split has no validation part (it needs an athlete with 10 or more workouts" $tmp/e'
check "info --json lists the split warnings" '"$BIN" info "$tmp/one.hrd" --json 2>/dev/null | py "import json,sys; w=json.load(sys.stdin)[\"split_warnings\"]; assert any(\"athlete split\" in x for x in w), w"'
"$BIN" train "$tmp/one.hrd" -o "$tmp/one.safetensors" --hidden 8 --epochs 2 --batch 4 2>"$tmp/train.err"; rc=$?
check "one runner: train defaults to the chrono split and says so" '[ $rc = 0 ] && grep -q "^one athlete: .*chronological split" $tmp/train.err && grep -q "validating on 2 (chrono split)" $tmp/train.err'
check "one runner: --split athlete refused in one line, pointing to chrono" '"$BIN" train "$tmp/one.hrd" -o "$tmp/x.safetensors" --split athlete -q 2>$tmp/e; [ $? = 1 ] && [ $(lines $tmp/e) = 1 ] && grep -q "validation part of the athlete split .* is empty.*--split chrono" $tmp/e && [ ! -e $tmp/x.safetensors ]'
check "one runner: eval defaults to chrono:test" '"$BIN" eval "$tmp/one.safetensors" "$tmp/one.hrd" -q > $tmp/o && head -1 $tmp/o | has "(chrono:test): 4 workouts"'
check "one runner: fit-physio defaults to chrono too" '"$BIN" fit-physio "$tmp/one.hrd" -o "$tmp/p1.safetensors" 2>$tmp/e && grep -q "chronological split" $tmp/e && "$BIN" eval "$tmp/p1.safetensors" "$tmp/one.hrd" -q > $tmp/o && head -1 $tmp/o | has "(chrono:test)"'
check "train --epochs 0: exit 2, one line" '"$BIN" train "$tmp/one.hrd" -o "$tmp/z.safetensors" --epochs 0 2>$tmp/e; [ $? = 2 ] && [ $(lines $tmp/e) = 1 ] && grep -q "untrained model" $tmp/e && [ ! -e $tmp/z.safetensors ]'

# --- overlap between a model's training data and the evaluated selection
"$BIN" simulate --athletes 6 --workouts 10 --seed 4 -o "$tmp/six.hrd" -q
"$BIN" train "$tmp/six.hrd" -o "$tmp/c.safetensors" --split chrono --hidden 8 --epochs 2 --batch 8 -q
check "eval of a chrono model on athlete:test: exit 2, one line, what to use" '"$BIN" eval "$tmp/c.safetensors" "$tmp/six.hrd" --split athlete:test 2>$tmp/e >$tmp/o; [ $? = 2 ] && [ $(lines $tmp/e) = 1 ] && [ ! -s $tmp/o ] && grep -q "was trained on [0-9]* of the [0-9]* workouts in athlete:test.*--split chrono:test.*--allow-overlap" $tmp/e'
check "eval default follows the model: chrono:test" '"$BIN" eval "$tmp/c.safetensors" "$tmp/six.hrd" -q > $tmp/o && head -1 $tmp/o | has "(chrono:test)"'
check "eval --split chrono (short form) = chrono:test" '"$BIN" eval "$tmp/c.safetensors" "$tmp/six.hrd" --split chrono --json -q | py "import json,sys; d=json.load(sys.stdin); assert d[\"split\"]==\"chrono:test\" and d[\"seen_in_training\"]==0 and d[\"overlap_checked\"], d[\"split\"]"'
check "--allow-overlap scores it, labelled in the output" '"$BIN" eval "$tmp/c.safetensors" "$tmp/six.hrd" --split all --allow-overlap --json 2>$tmp/e | py "import json,sys; d=json.load(sys.stdin); assert \"NOT HELD OUT\" in d[\"split\"] and d[\"seen_in_training\"] > 0, d[\"split\"]" && grep -q "NOT HELD OUT" $tmp/e'
"$BIN" train "$tmp/six.hrd" -o "$tmp/a.safetensors" --hidden 8 --epochs 2 --batch 8 -q
check "an athlete-split model on chrono:test is refused too" '"$BIN" eval "$tmp/a.safetensors" "$tmp/six.hrd" --split chrono:test 2>$tmp/e >/dev/null; [ $? = 2 ] && [ $(lines $tmp/e) = 1 ] && grep -q "athlete split.*--split athlete:test" $tmp/e'
check "fit-physio --split athlete with 2 athletes (nothing held out): exit 1, one line, no model" '"$BIN" fit-physio "$tmp/six_each.hrd" --split athlete -o "$tmp/p2.safetensors" 2>$tmp/e; [ $? = 1 ] && [ $(lines $tmp/e) = 1 ] && grep -q "test part of the athlete split .* is empty.*--split chrono.*--all" $tmp/e && [ ! -e $tmp/p2.safetensors ]'
"$BIN" fit-physio "$tmp/six.hrd" --all -o "$tmp/pall.safetensors" -q
check "fit-physio --all then eval: exit 2, one line" '"$BIN" eval "$tmp/pall.safetensors" "$tmp/six.hrd" 2>$tmp/e >/dev/null; [ $? = 2 ] && [ $(lines $tmp/e) = 1 ] && grep -q "fitted on every workout" $tmp/e'
check "a --physio baseline fitted on the test workouts: refused too" '"$BIN" eval "$tmp/c.safetensors" "$tmp/six.hrd" --physio "$tmp/pall.safetensors" -q 2>$tmp/e >/dev/null; [ $? = 2 ] && [ $(lines $tmp/e) = 1 ] && grep -q -- "--physio .* was fitted on [0-9]* of the" $tmp/e'
"$BIN" simulate --athletes 4 --workouts 10 --seed 6 --emit-files "$tmp/files" -o "$tmp/files.hrd" -q
"$BIN" import --athlete-from-dir "$tmp/files" --seed 1 -o "$tmp/s1.hrd" -q
"$BIN" import --athlete-from-dir "$tmp/files" --seed 2 -o "$tmp/s2.hrd" -q
"$BIN" train "$tmp/s1.hrd" -o "$tmp/s1.safetensors" --split chrono --hidden 8 --epochs 1 --batch 8 -q
check "the same workouts imported with other stored splits: its training workouts found, refused" '"$BIN" eval "$tmp/s1.safetensors" "$tmp/s2.hrd" --split athlete:test 2>$tmp/e >/dev/null; [ $? = 2 ] && [ $(lines $tmp/e) = 1 ] && grep -q "was trained on [1-9][0-9]* of the" $tmp/e'
check "another dataset: checked by workout fingerprints, nothing of it seen, no warning" '"$BIN" eval "$tmp/c.safetensors" "$tmp/s1.hrd" --split athlete:test --json 2>$tmp/e | py "import json,sys; d=json.load(sys.stdin); assert d[\"overlap_checked\"] and d[\"seen_in_training\"]==0 and d[\"seen_in_validation\"]==0, d" && ! grep -q "cannot check" $tmp/e'
# a re-export of the model's own dataset, cut to a subset and imported again (another file, other
# paths, other splits): its training workouts are still found by their fingerprints
"$BIN" export "$tmp/six.hrd" --format csv -o "$tmp/six.csv" 2>/dev/null
awk -F, 'NR == 1 || $1 % 10 < 7' "$tmp/six.csv" > "$tmp/cut.csv"
"$BIN" import "$tmp/cut.csv" -o "$tmp/cut.hrd" -q
check "a cut re-import of the training data: the model's training workouts found, refused" '"$BIN" eval "$tmp/c.safetensors" "$tmp/cut.hrd" --split all 2>$tmp/e >/dev/null; [ $? = 2 ] && [ $(lines $tmp/e) = 1 ] && grep -q "was trained on [1-9][0-9]* of the 42 workouts" $tmp/e'

# --- card: another model's metrics
"$BIN" eval "$tmp/a.safetensors" "$tmp/six.hrd" -o "$tmp/ev-a" -q >/dev/null
check "metrics.json names its model by hash" 'py "import json; d=json.load(open(\"$tmp/ev-a/metrics.json\")); assert d[\"model_hash\"].startswith(\"fnv1a64:\")"'
check "card --metrics of another model: exit 2, one line" '"$BIN" card "$tmp/c.safetensors" --metrics "$tmp/ev-a/metrics.json" 2>$tmp/e >$tmp/o; [ $? = 2 ] && [ $(lines $tmp/e) = 1 ] && grep -q "evaluation of another model" $tmp/e && [ ! -s $tmp/o ]'
check "card --metrics of this model: included" '"$BIN" card "$tmp/a.safetensors" --metrics "$tmp/ev-a/metrics.json" -q > $tmp/card.md && grep -q "model-index" $tmp/card.md'

# --- resume
"$BIN" train "$tmp/six.hrd" -o "$tmp/r.safetensors" --hidden 8 --epochs 3 --batch 8 --time-budget 0.000001 -q
check "a stopped run keeps its resume file" '[ -s $tmp/r.safetensors.resume ]'
check "resume on another dataset: refused" '"$BIN" train "$tmp/one.hrd" -o "$tmp/r.safetensors" --resume 2>$tmp/e; [ $? = 1 ] && [ $(lines $tmp/e) = 1 ] && grep -q "another dataset" $tmp/e'
check "resume with another --hidden: refused, naming the option" '"$BIN" train "$tmp/six.hrd" -o "$tmp/r.safetensors" --hidden 16 --resume 2>$tmp/e; [ $? = 1 ] && [ $(lines $tmp/e) = 1 ] && grep -q -- "--hidden 16 differs from the run being resumed (8)" $tmp/e'
check "resume with another --lr: refused" '"$BIN" train "$tmp/six.hrd" -o "$tmp/r.safetensors" --lr 0.01 --resume 2>$tmp/e; [ $? = 1 ] && grep -q -- "--lr 0.01 differs" $tmp/e'
check "resume says what it keeps and counts every epoch" '"$BIN" train "$tmp/six.hrd" -o "$tmp/r.safetensors" --epochs 3 --resume 2>$tmp/e && grep -q "resuming .* at epoch 2 of 3; it keeps its dataset.*LSTM 2x8.*batch 8" $tmp/e && py "
import json, struct
b = open(\"$tmp/r.safetensors\", \"rb\").read(); n = struct.unpack(\"<Q\", b[:8])[0]
t = json.loads(json.loads(b[8:8 + n])[\"__metadata__\"][\"model\"])[\"training\"]
assert t[\"epochs_run\"] == 3, t"'

# --- Ctrl-C
"$BIN" simulate --athletes 8 --workouts 30 --seed 5 -o "$tmp/big.hrd" -q
"$BIN" train "$tmp/big.hrd" -o "$tmp/i.safetensors" --hidden 48 --epochs 6 --patience 50 --batch 4 --seed 7 2>"$tmp/int.err" &
tpid=$!
for _ in $(seq 200); do [ -e "$tmp/i.safetensors.resume" ] && break; sleep 0.05; done
kill -INT "$tpid"; wait "$tpid"; rc=$?
cmdline=$(sed -n "s/^hrcast train: interrupted; continue with --resume: [^ ]* //p" "$tmp/int.err")
check "Ctrl-C: exit 130, the message and the command" '[ $rc = 130 ] && [ -n "$cmdline" ] && [ -s $tmp/i.safetensors.resume ]'
check "the printed command continues the run to its end" 'eval "\"$BIN\" $cmdline -q" && [ -s $tmp/i.safetensors ] && [ ! -e $tmp/i.safetensors.resume ]'

# --- workouts without a start time: in no chrono part beside dated ones (until 2026-12-07 tested as the
# latest runs, silently), file-name order when none is dated; import, info and train say how many
mkdir -p "$tmp/und/mixed" "$tmp/und/none"
py "
import math
for k in range(9):
    for d in ('mixed', 'none'):
        dated = d == 'mixed' and k >= 2
        with open('$tmp/und/%s/run%d.csv' % (d, k), 'w') as f:
            f.write('timestamp,heart_rate,speed\\n' if dated else 'time,heart_rate,speed\\n')
            for i in range(1200):
                t = 1714546800 + k * 86400 + i if dated else i
                f.write('%d,%d,%.2f\\n' % (t, 140 + k + int(10 * math.sin(i / 60)), 2.5 + 0.05 * k))
"
"$BIN" import "$tmp/und/mixed" -o "$tmp/undm.hrd" 2>"$tmp/e"
check "import: undated workouts counted, left out of the chrono split" 'grep -q "^warning: 2 of 9 workouts have no start time: 2 left out of the chrono split (part none" $tmp/e'
"$BIN" export "$tmp/undm.hrd" --format jsonl -o "$tmp/undm.jsonl" -q
check "export: the undated workouts are in chrono part none, the dated latest is test" 'py "
import json
r = {x[\"source\"].rsplit(\"/\", 1)[1]: x[\"split_chrono\"] for x in map(json.loads, open(\"$tmp/undm.jsonl\"))}
assert r[\"run0.csv\"] == r[\"run1.csv\"] == \"none\" and r[\"run8.csv\"] == \"test\" and list(r.values()).count(\"train\") == 6, r"'
check "info: a none column, the shares and the warning" '"$BIN" info "$tmp/undm.hrd" 2>$tmp/e >$tmp/o && grep -q "^  chrono  *6  *0  *1  *2$" $tmp/o && grep -q "^  chrono, share of workouts  *66.7 %  *0.0 %  *11.1 %  *22.2 %$" $tmp/o && grep -q "2 of 9 workouts have no start time" $tmp/e'
check "info --json: splits.chrono.none" '"$BIN" info "$tmp/undm.hrd" --json 2>/dev/null | py "import json,sys; d=json.load(sys.stdin); assert d[\"splits\"][\"chrono\"][\"none\"] == 2, d[\"splits\"]"'
"$BIN" import "$tmp/und/none" -o "$tmp/undn.hrd" 2>"$tmp/e"
check "import: an athlete with no dated workout is split in file-name order, and told" 'grep -q "9 of 9 workouts have no start time: 9 split in file-name order" $tmp/e && "$BIN" info "$tmp/undn.hrd" 2>/dev/null | grep -q "^  chrono  *6  *0  *3  *0$"'
check "train --split chrono: the same warning" '"$BIN" train "$tmp/undm.hrd" -o "$tmp/und.safetensors" --split chrono --epochs 1 2>$tmp/e; grep -q "^warning: 2 of 9 workouts have no start time" $tmp/e'

# --- the real runpandas folder: one runner's own runs
if [ -d "$REAL/runpandas" ]; then
  "$BIN" import "$REAL/runpandas" -o "$tmp/rp.hrd" -q 2>/dev/null
  "$BIN" train "$tmp/rp.hrd" -o "$tmp/rp.safetensors" --hidden 8 --epochs 1 --max-len 200 2>"$tmp/rp.err"; rc=$?
  check "real runpandas: trains on the chrono split, validating on held-out runs" '[ $rc = 0 ] && grep -q "one athlete" $tmp/rp.err && grep -q "validating on [1-9][0-9]* (chrono split)" $tmp/rp.err'
  check "real runpandas: eval defaults to chrono:test" '"$BIN" eval "$tmp/rp.safetensors" "$tmp/rp.hrd" -q > $tmp/o && head -1 $tmp/o | has "(chrono:test): [1-9][0-9]* workouts"'
else
  skip=$((skip + 1)); echo "skip real runpandas checks: $REAL/runpandas not found"
fi
echo
echo "test_splits.sh: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
