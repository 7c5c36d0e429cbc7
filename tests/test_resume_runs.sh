#!/usr/bin/env bash
# test_resume_runs.sh — a resumed run is the run that stopped: finetune --resume continues a stopped or
# interrupted finetune to the same bytes as an uninterrupted one; train --resume refuses a finetune's resume
# file (printing the finetune command, which works when pasted), and finetune refuses a train's; another
# athlete, base model or --freeze is refused; train --init resumed without --init, with another base, or
# --init added is refused, and with the same base gives the uninterrupted run's bytes; --init with --loss is
# refused; a model file with a NaN weight is refused on load, naming the file and tensor; --max-len crops
# training sequences only (the validation MAE is eval's on whole workouts).
# Usage: tests/test_resume_runs.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
tmp=$(mktemp -d /tmp/hrcast-resume-test.XXXXXX)
pass=0; fail=0
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
lines() { wc -l < "$1" | tr -d ' '; }
cd "$tmp" || exit 1

"$BIN" simulate --athletes 6 --workouts 12 --seed 9 -o s.hrd -q
"$BIN" train s.hrd -o gen.safetensors --hidden 12 --epochs 1 --threads 1 -q
"$BIN" train s.hrd -o gen2.safetensors --hidden 12 --epochs 1 --threads 1 --seed 2 -q
FT=("$BIN" finetune gen.safetensors s.hrd --athlete sim0002 --epochs 3 --threads 1)

# --- finetune stopped by its time budget, then resumed
"${FT[@]}" -o full.safetensors -q
"${FT[@]}" -o part.safetensors --time-budget 0.000001 2>e0
check "a finetune stopped by its budget keeps its resume file and says --resume continues" '[ -s part.safetensors.resume ] && grep -q "(--resume continues)" e0'
"$BIN" train s.hrd -o part.safetensors --resume 2>e; rc=$?
hint=$(sed -n "s/.*continue it with: [^ ]* //p" e)
check "train --resume of a finetune: exit 1, one line naming finetune, base and athlete" '[ $rc = 1 ] && [ $(lines e) = 1 ] && grep -q "belongs to a run of hrcast finetune (base gen.safetensors, athlete sim0002)" e'
check "finetune --resume with another athlete: refused" '"$BIN" finetune gen.safetensors s.hrd --athlete sim0003 -o part.safetensors --resume 2>e; [ $? = 1 ] && grep -q "finetunes athlete sim0002, not sim0003" e'
check "finetune --resume from another base: refused" '"$BIN" finetune gen2.safetensors s.hrd --athlete sim0002 -o part.safetensors --resume 2>e; [ $? = 1 ] && grep -q "gen2.safetensors is not the base model the run being resumed" e'
check "finetune --resume with another --freeze: refused" '"$BIN" finetune gen.safetensors s.hrd --athlete sim0002 -o part.safetensors --freeze lower --resume 2>e; [ $? = 1 ] && grep -q -- "--freeze differs" e'
check "finetune --resume with another --lr: refused" '"$BIN" finetune gen.safetensors s.hrd --athlete sim0002 -o part.safetensors --lr 0.01 --resume 2>e; [ $? = 1 ] && grep -q -- "--lr 0.01 differs" e'
check "finetune --resume --scale-only: refused" '"$BIN" finetune gen.safetensors s.hrd --athlete sim0002 -o part.safetensors --scale-only --resume 2>e; [ $? = 2 ] && grep -q "scale-only trains nothing: drop --resume" e'
check "the printed finetune command continues the run to the uninterrupted bytes" '[ -n "$hint" ] && eval "\"$BIN\" $hint --epochs 3 --threads 1 -q" && cmp -s full.safetensors part.safetensors && [ ! -e part.safetensors.resume ]'
"$BIN" train s.hrd -o plain.safetensors --hidden 12 --epochs 3 --threads 1 --time-budget 0.000001 -q
check "finetune --resume of a train run: refused, naming the train command" '"$BIN" finetune gen.safetensors s.hrd --athlete sim0002 -o plain.safetensors --resume 2>e; [ $? = 1 ] && grep -q "belongs to a run of hrcast train, not of finetune: continue it with: [^ ]*hrcast train s.hrd -o plain.safetensors --resume" e'
check "train --resume with --init added: refused" '"$BIN" train s.hrd -o plain.safetensors --resume --init gen.safetensors 2>e; [ $? = 1 ] && grep -q "did not start from a base model: drop --init" e'

# --- finetune interrupted by Ctrl-C
"$BIN" simulate --athletes 3 --workouts 40 --seed 5 -o big.hrd -q
"$BIN" train big.hrd -o bigbase.safetensors --hidden 48 --epochs 1 --threads 1 --split chrono -q
"$BIN" finetune bigbase.safetensors big.hrd --athlete sim0001 -o fi.safetensors --epochs 8 --patience 50 --batch 2 --threads 1 2>int.err &
fpid=$!
for _ in $(seq 400); do [ -e fi.safetensors.resume ] && break; sleep 0.05; done
kill -INT "$fpid"; wait "$fpid"; rc=$?
cmdline=$(sed -n "s/^hrcast finetune: interrupted; continue with --resume: [^ ]* //p" int.err)
check "finetune Ctrl-C: exit 130, the message and the command" '[ $rc = 130 ] && [ -n "$cmdline" ] && [ -s fi.safetensors.resume ]'
check "the printed command continues the finetune to its end" 'eval "\"$BIN\" $cmdline -q" && [ -s fi.safetensors ] && [ ! -e fi.safetensors.resume ]'

# --- train --init stopped, then resumed
"$BIN" train s.hrd -o ifull.safetensors --init gen.safetensors --epochs 3 --threads 1 -q
"$BIN" train s.hrd -o ipart.safetensors --init gen.safetensors --epochs 3 --threads 1 --time-budget 0.000001 -q
check "train --init resumed without --init: refused, naming the base" '"$BIN" train s.hrd -o ipart.safetensors --epochs 3 --resume 2>e; [ $? = 1 ] && grep -q "started from gen.safetensors: give --init gen.safetensors" e'
check "train --init resumed from another base: refused" '"$BIN" train s.hrd -o ipart.safetensors --epochs 3 --resume --init gen2.safetensors 2>e; [ $? = 1 ] && grep -q "is not the base model" e'
check "train --init resumed with the same base: the uninterrupted bytes" '"$BIN" train s.hrd -o ipart.safetensors --init gen.safetensors --epochs 3 --threads 1 --resume -q && cmp -s ifull.safetensors ipart.safetensors'
check "train --init with --loss: exit 2, one line" '"$BIN" train s.hrd --init gen.safetensors --loss nll -o x.safetensors 2>e; [ $? = 2 ] && [ $(lines e) = 1 ] && grep -q "drop .*--loss" e && [ ! -e x.safetensors ]'

# --- a model file with a NaN weight
python3 - <<'PY'
import json, struct
b = bytearray(open("gen.safetensors", "rb").read())
n = struct.unpack("<Q", b[:8])[0]
o = 8 + n + json.loads(b[8:8 + n])["fc.bias"]["data_offsets"][0]
b[o:o + 4] = struct.pack("<f", float("nan"))
open("nan.safetensors", "wb").write(b)
PY
check "a NaN weight: predict exits 1 naming the file and the tensor" '"$BIN" predict nan.safetensors s.hrd -q -o out.csv 2>e; [ $? = 1 ] && [ $(lines e) = 1 ] && grep -q "nan.safetensors: tensor .fc.bias.: element 0 is NaN" e && [ ! -e out.csv ]'
check "a NaN weight: eval exits 1" '"$BIN" eval nan.safetensors s.hrd -q >o 2>e; [ $? = 1 ] && grep -q "is NaN" e'

# --- --max-len crops training only
"$BIN" train s.hrd -o ml.safetensors --hidden 12 --epochs 1 --threads 1 --max-len 30 2>e
val=$(sed -n "s/.*validation MAE \([0-9.]*\) bpm.*/\1/p" e | tail -1)
ev=$("$BIN" eval ml.safetensors s.hrd --split athlete:val --allow-overlap --json -q | python3 -c "import json,sys; print('%.2f' % json.load(sys.stdin)['mae_trusted'])")
check "--max-len 30: the validation MAE is eval's on whole validation workouts ($val = $ev)" '[ -n "$val" ] && [ "$val" = "$ev" ]'

# default+pace's median speed is the whole workout's in training too: with --max-len 30 every training
# workout contributes 30 rows of its own median, so the normaliser's mean of that column is the plain mean of
# the whole workouts' medians (until 2026-12-07 it was the crops' medians, while predict used the whole run's)
"$BIN" train s.hrd -o pace.safetensors --features default+pace --hidden 4 --epochs 1 --threads 1 --max-len 30 -q
"$BIN" export s.hrd --format jsonl -o s.jsonl -q
check "default+pace under --max-len: the normaliser sees the whole workouts' median speeds" 'python3 - <<PY
import json, struct
b = open("pace.safetensors", "rb").read(); n = struct.unpack("<Q", b[:8])[0]
card = json.loads(json.loads(b[8:8 + n])["__metadata__"]["model"])
nz = card["normalizer"]["mean"][14]
meds = []
for line in open("s.jsonl"):
    w = json.loads(line)
    if w["split_athlete"] != "train":
        continue
    v = sorted(x for x in w["speed"] if x is not None and x > 0.5)
    k = len(v)
    meds.append((v[(k - 1) // 2] + v[k // 2]) / 2 if k % 2 == 0 else v[k // 2])
want = sum(meds) / len(meds)
assert abs(nz - want) < 2e-3, (nz, want)
PY'
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
