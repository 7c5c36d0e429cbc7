#!/usr/bin/env bash
# test_train_init.sh — `hrcast train --init MODEL` (start from a model's weights, e.g. one pretrained on
# simulated runners): the new model keeps the base's feature set, size, pre-roll and input normaliser, its card
# names the base and what the base saw, a set with a physiological prior gets its prior fitted on the new
# dataset, options the base fixes are refused, and eval still refuses the workouts the base trained on.
# Usage: tests/test_train_init.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-train-init.XXXXXX)
trap "rm -rf $tmp" EXIT
. "$(dirname "$0")/lib.sh"

"$BIN" simulate --athletes 4 --workouts 8 --seed 3 -q -o "$tmp/a.hrd"
"$BIN" simulate --athletes 3 --workouts 10 --seed 4 -q -o "$tmp/b.hrd"
"$BIN" train "$tmp/a.hrd" -o "$tmp/base.safetensors" --epochs 1 --hidden 12 --preroll 30 -q
"$BIN" train "$tmp/b.hrd" -o "$tmp/init.safetensors" --init "$tmp/base.safetensors" --epochs 1 --threads 1 \
    2>"$tmp/log"; rc=$?
check "train --init: exit 0" '[ $rc -eq 0 ]'
check "train --init: the log names the base" 'grep -q "from $tmp/base.safetensors" "$tmp/log"'
# the card of a model file
card() { py "
import json, struct, sys
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
print(json.loads(raw[8:8 + n])['__metadata__']['model'])
" "$1"; }
card "$tmp/base.safetensors" > "$tmp/base.json"
card "$tmp/init.safetensors" > "$tmp/init.json"
check "the base's set, size, pre-roll and normaliser kept; the new dataset and the base recorded" 'py "
import json
b, m = (json.load(open(f)) for f in (\"$tmp/base.json\", \"$tmp/init.json\"))
assert m[\"features\"] == b[\"features\"] and m[\"architecture\"] == b[\"architecture\"], m[\"architecture\"]
assert m[\"architecture\"][\"hidden_size\"] == 12 and m[\"preroll_steps\"] == b[\"preroll_steps\"] > 0
assert m[\"normalizer\"] == b[\"normalizer\"]
t = m[\"training\"]
assert t[\"dataset\"] == \"$tmp/b.hrd\" and t[\"base_model\"] == \"$tmp/base.safetensors\", t
assert t[\"base_training\"][\"dataset_id\"] == b[\"training\"][\"dataset_id\"] != t[\"dataset_id\"]
"'
check "the weights moved from the base's" '! cmp -s "$tmp/base.safetensors" "$tmp/init.safetensors"'

for opt in "--hidden 8" "--layers 1" "--features seed11" "--preroll 0"; do
  "$BIN" train "$tmp/b.hrd" -o "$tmp/x.safetensors" --init "$tmp/base.safetensors" $opt 2>"$tmp/e"; rc=$?
  check "train --init with $opt: exit 2, one line naming what the base fixes" \
    '[ $rc -eq 2 ] && [ $(wc -l < "$tmp/e") -eq 1 ] && grep -q "keeps its own feature set" "$tmp/e" && [ ! -e "$tmp/x.safetensors" ]'
done
"$BIN" train "$tmp/b.hrd" -o "$tmp/x.safetensors" --init "$tmp/missing.safetensors" 2>"$tmp/e"; rc=$?
check "train --init of a missing file: exit 1, names it" '[ $rc -eq 1 ] && grep -q "missing.safetensors" "$tmp/e"'

# what the base trained on stays refused, through the new model
"$BIN" eval "$tmp/init.safetensors" "$tmp/a.hrd" --split athlete:train 2>"$tmp/e" >/dev/null; rc=$?
check "eval on the base's training part: refused (exit 2), the overlap named as the base model's" \
  '[ $rc -eq 2 ] && grep -q "was trained on [0-9]* of the [0-9]* workouts in athlete:train (by its base model, the one it started from): evaluate on data neither saw" "$tmp/e"'
"$BIN" eval "$tmp/init.safetensors" "$tmp/b.hrd" --json 2>"$tmp/e" > "$tmp/ev.json"; rc=$?
check "eval on the new dataset's test part: exit 0" '[ $rc -eq 0 ] && py "import json; assert json.load(open(\"$tmp/ev.json\"))[\"workouts\"] > 0"'

# a set with a prior: the prior is fitted on the new dataset's athletes
"$BIN" train "$tmp/a.hrd" -o "$tmp/pbase.safetensors" --epochs 1 --hidden 12 --features default+physio -q
"$BIN" train "$tmp/b.hrd" -o "$tmp/pinit.safetensors" --init "$tmp/pbase.safetensors" --epochs 1 --split chrono -q
card "$tmp/pbase.safetensors" > "$tmp/pbase.json"
card "$tmp/pinit.safetensors" > "$tmp/pinit.json"
"$BIN" info "$tmp/b.hrd" > "$tmp/info" 2>&1
check "default+physio --init: the prior is fitted on the new dataset (its athletes, its parameters)" 'py "
import json
b, m = (json.load(open(f)) for f in (\"$tmp/pbase.json\", \"$tmp/pinit.json\"))
pb, pm = b[\"physio_prior\"], m[\"physio_prior\"]
info = open(\"$tmp/info\").read()
assert sorted(pm[\"athletes\"]) == [\"sim0001\", \"sim0002\", \"sim0003\"] != sorted(pb[\"athletes\"]), (pb, pm)
assert all(a in info for a in pm[\"athletes\"])
assert abs(pm[\"offset\"] - pb[\"offset\"]) > 1e-3, (pb[\"offset\"], pm[\"offset\"])
"'

echo
echo "test_train_init.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
