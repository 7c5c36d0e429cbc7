#!/usr/bin/env bash
# test_default_train.sh — `hrcast train` with no options (the default pipeline: feature set `default+relalt`,
# docs/features.md, the measured best on real data, docs/results.md) on a small simulated dataset beats the
# physiological baseline fitted on the same training part (`eval --baselines`, the test part of the split
# train chose). The simulator's physiology is close to the physiological model's own (docs/simulator.md), so
# a network that does not read the physio prior needs enough workouts to match it: 2 athletes x 40 workouts
# (dataset seeds 5-7) gave 4.98-7.21 bpm against physio's 3.20-4.20, 2 x 120 (seeds 5-8) 3.33-4.08 against
# 3.43-3.84 (one win), 2 x 200 (seeds 5-8) 3.58/3.44/3.03/3.45 against 3.63/3.57/3.23/3.63 (four wins):
# this test pins 2 x 200, seed 7, as a check of the pipeline (with `default+relalt`, the default since
# 2026-12-07: 2.85 against 3.23); the real-data numbers are in docs/results.md.
# The physio-residual set (its blend: physio + alpha x network, alphas chosen on validation, never worse
# than physio there) is checked on 2 x 40, seed 7, with --features physio-residual.
# Usage: tests/test_default_train.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-default-train.XXXXXX)
. "$(dirname "$0")/lib.sh"

"$BIN" simulate --athletes 2 --workouts 200 --seed 7 -q -o "$tmp/big.hrd"
"$BIN" train "$tmp/big.hrd" -o "$tmp/d.safetensors" -q; rc=$?
check "train with no options: exit 0" '[ $rc -eq 0 ]'
"$BIN" eval "$tmp/d.safetensors" "$tmp/big.hrd" --baselines --json > "$tmp/d.json" 2>/dev/null
check "the default model beats the physio baseline fitted on the same training part" 'py "
import json, struct
d = json.load(open(\"$tmp/d.json\"))
lstm, phys = d[\"mae\"], d[\"baselines\"][\"physio\"][\"mae\"]
print(\"   test MAE: default LSTM %.2f, physio %.2f bpm\" % (lstm, phys))
assert d[\"split\"] == \"chrono:test\" and d[\"workouts\"] > 0
assert lstm < phys, (lstm, phys)
raw = open(\"$tmp/d.safetensors\", \"rb\").read()
n = struct.unpack(\"<Q\", raw[:8])[0]
c = json.loads(json.loads(raw[8:8 + n])[\"__metadata__\"][\"model\"])
assert c[\"features\"][\"set\"] == \"default+relalt\" and c[\"architecture\"][\"input_size\"] == 14, c[\"features\"]
"'

"$BIN" simulate --athletes 2 --workouts 40 --seed 7 -q -o "$tmp/sim.hrd"
"$BIN" train "$tmp/sim.hrd" -o "$tmp/m.safetensors" -q --features physio-residual; rc=$?
check "train --features physio-residual: exit 0" '[ $rc -eq 0 ]'
"$BIN" eval "$tmp/m.safetensors" "$tmp/sim.hrd" --baselines --json > "$tmp/e.json" 2>/dev/null
check "the physio-residual model beats the physio baseline fitted on the same training part" 'py "
import json
d = json.load(open(\"$tmp/e.json\"))
lstm, phys = d[\"mae\"], d[\"baselines\"][\"physio\"][\"mae\"]
print(\"   test MAE: physio-residual LSTM %.2f, physio %.2f bpm\" % (lstm, phys))
assert d[\"split\"] == \"chrono:test\" and d[\"workouts\"] > 0
assert lstm < phys, (lstm, phys)
"'
check "its card: physio-residual, 15 inputs, a blend never worse than physio on validation" 'py "
import json, struct
raw = open(\"$tmp/m.safetensors\", \"rb\").read()
n = struct.unpack(\"<Q\", raw[:8])[0]
meta = json.loads(raw[8:8 + n])[\"__metadata__\"]
c = json.loads(meta[\"model\"])
assert c[\"features\"][\"set\"] == \"physio-residual\" and c[\"architecture\"][\"input_size\"] == 15
b = c[\"blend\"]
assert 0 <= b[\"alpha\"] <= 1 and len(b[\"athletes\"]) == 2, b
assert b[\"val_mae\"] <= b[\"physio_val_mae\"], b
assert c[\"features\"][\"names\"][-1] == \"physio_prior_hr\"
"'
# physio + alpha x network: with every alpha 0 the model predicts its prior column exactly
"$BIN" predict "$tmp/m.safetensors" "$tmp/sim.hrd" --format json --inputs -q -o "$tmp/p.json"
py "
import json, struct
raw = open('$tmp/m.safetensors', 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
head = json.loads(raw[8:8 + n])
c = json.loads(head['__metadata__']['model'])
c['blend']['alpha'] = 0
c['blend']['athletes'] = {k: 0 for k in c['blend']['athletes']}
head['__metadata__']['model'] = json.dumps(c)
h = json.dumps(head).encode(); h += b' ' * (-len(h) % 8)
open('$tmp/zero.safetensors', 'wb').write(struct.pack('<Q', len(h)) + h + raw[8 + n:])
"
"$BIN" predict "$tmp/zero.safetensors" "$tmp/sim.hrd" --format json --inputs -q -o "$tmp/z.json"
check "alpha 0 everywhere: the predictions are the physio prior column" 'py "
import json
for w in json.load(open(\"$tmp/z.json\"))[\"workouts\"]:
    assert all(abs(h - r[-1]) < 1e-4 for h, r in zip(w[\"hr_pred\"], w[\"inputs\"])), w[\"source\"]
"'
check "alpha 0 differs from the model's own predictions" 'py "
import json
p, z = (json.load(open(f))[\"workouts\"] for f in (\"$tmp/p.json\", \"$tmp/z.json\"))
assert any(a[\"hr_pred\"] != b[\"hr_pred\"] for a, b in zip(p, z))
"'

echo
echo "test_default_train.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
