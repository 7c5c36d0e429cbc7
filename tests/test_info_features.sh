#!/usr/bin/env bash
# test_info_features.sh — `hrcast info DATASET --features SET [--split SPEC] [--json]`: one row per feature
# with mean, sd and percentiles that agree with the features themselves, JSON keys, split selection and
# the usage errors. Usage: tests/test_info_features.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-info-features.XXXXXX)
. "$(dirname "$0")/lib.sh"
lines() { wc -l < "$1" | tr -d " "; }

"$BIN" simulate --athletes 3 --workouts 3 --seed 4 -o "$tmp/sim.hrd" -q
"$BIN" info "$tmp/sim.hrd" --features default+relalt > "$tmp/t.txt"; rc=$?
check "table: exit 0" '[ $rc -eq 0 ]'
check "table: one row per feature of the set (14)" '[ $(grep -cE "^(speed|altitude|grade|elevation_gain|elapsed_time|distance|gender)" $tmp/t.txt) -ge 7 ] && [ $(sed 1,2d $tmp/t.txt | wc -l) -eq 14 ]'
"$BIN" info "$tmp/sim.hrd" --features default+relalt --json > "$tmp/all.json"
# the statistics agree with the LSTM's raw inputs of every workout (hrcast predict --inputs of a model)
"$BIN" train "$tmp/sim.hrd" -o "$tmp/m.safetensors" --epochs 1 --hidden 4 --batch 4 -q
"$BIN" predict "$tmp/m.safetensors" "$tmp/sim.hrd" --format json --inputs -q -o "$tmp/pred.json"
check "json: mean, sd, min, max of every feature equal the model's raw inputs over all workouts" 'py "
import json, math
st = json.load(open(\"$tmp/all.json\")); p = json.load(open(\"$tmp/pred.json\"))
names = list(st)
rows = [r for w in p[\"workouts\"] for r in w[\"inputs\"]]
assert len(rows) == st[\"speed\"][\"count\"], (len(rows), st[\"speed\"][\"count\"])
for f, n in enumerate(names):
    v = sorted(r[f] for r in rows)
    m = sum(v) / len(v); sd = math.sqrt(max(sum(x * x for x in v) / len(v) - m * m, 0))
    s = st[n]
    for a, b in ((s[\"mean\"], m), (s[\"sd\"], sd), (s[\"min\"], v[0]), (s[\"max\"], v[-1]),
                 (s[\"p50\"], v[int(0.5 * (len(v) - 1) + 0.5)])):
        assert abs(a - b) <= 1e-3 * (1 + abs(b)), (n, a, b)
"'
"$BIN" info "$tmp/sim.hrd" --features default+relalt --split athlete:train --json > "$tmp/train.json"
check "--split athlete:train: fewer steps than all" 'py "
import json
a = json.load(open(\"$tmp/all.json\")); t = json.load(open(\"$tmp/train.json\"))
assert 0 < t[\"speed\"][\"count\"] < a[\"speed\"][\"count\"]
"'
check "unknown set: exit 2 and a message" '"$BIN" info "$tmp/sim.hrd" --features bogus 2>$tmp/e; [ $? -eq 2 ] && grep -q "unknown feature set" $tmp/e'
check "bad split: exit 2 and a message" '"$BIN" info "$tmp/sim.hrd" --features default+relalt --split nope 2>$tmp/e; [ $? -eq 2 ] && grep -q "bad --split" $tmp/e'
check "unknown set: the message lists every set, as train --help does" '"$BIN" info "$tmp/sim.hrd" --features bogus 2>$tmp/e; (for s in $("$BIN" train --help | sed -n "/^feature sets/{n;p}" | tr -d ","); do grep -q -- "[ (]$s[,)]" $tmp/e || exit 1; done) && grep -q "default+relalt" $tmp/e && [ $(lines $tmp/e) = 1 ]'
check "info --help lists every set" '"$BIN" info --help | grep -q "default+effort, default+relalt"'
check "--split without --features: exit 2, one line, nothing on stdout" '"$BIN" info "$tmp/sim.hrd" --split athlete:test >$tmp/o 2>$tmp/e; [ $? -eq 2 ] && [ $(lines $tmp/e) = 1 ] && [ ! -s $tmp/o ] && grep -q -- "--split needs --features" $tmp/e'
"$BIN" simulate --athletes 1 --workouts 5 --seed 3 -o "$tmp/one.hrd" -q
check "an empty part (one runner, chrono:val): exit 1, one line naming it, no zeros on stdout" '"$BIN" info "$tmp/one.hrd" --features default --split chrono:val >$tmp/o 2>$tmp/e; [ $? -eq 1 ] && [ ! -s $tmp/o ] && [ $(lines $tmp/e) = 1 ] && grep -q "the chrono:val part of .*one.hrd is empty" $tmp/e'
check "an empty part with --json: the same refusal, no JSON of zeros" '"$BIN" info "$tmp/one.hrd" --features default --split chrono:val --json >$tmp/o 2>$tmp/e; [ $? -eq 1 ] && [ ! -s $tmp/o ] && grep -q "is empty" $tmp/e'
check "a set that needs a model (default+physio): exit 1 and a message" '"$BIN" info "$tmp/sim.hrd" --features default+physio 2>$tmp/e; [ $? -eq 1 ] && grep -q "needs a fitted prior" $tmp/e'

echo
echo "test_info_features.sh: $pass passed, $fail failed"
[ $fail -eq 0 ]
