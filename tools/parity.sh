#!/usr/bin/env bash
# parity.sh — PyTorch parity (make parity), skipped with a message when python3-torch is absent:
#  1. regenerates the PyTorch golden files into a temp dir with tools/torch_golden.py and runs the nn
#     tests against them live;
#  2. end to end: simulates a tiny dataset with build/hrcast, trains a tiny model for 2 epochs, runs
#     `hrcast predict --inputs`, and tools/torch_predict.py loads the model file into torch.nn.LSTM +
#     nn.Linear (strict load_state_dict), normalises the inputs with the card and compares with
#     hrcast's predictions (fails above 1e-3 bpm): models of the default and default+effort sets, a physio-residual
#     one with its blend, also rewritten to alphas other than 0 and 1, and one with the athlete's HR scale;
#  3. runs the Python example of `hrcast card` as written in the card, against a stand-in for the
#     `safetensors` package built on torch_predict.py's reader, and compares it the same way.
# With HRCAST_ISA unset it runs all of this once on each kernel path the CPU has (avx512, avx2,
# portable); with it set, on that path only.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "parity: python3-torch not installed (apt-get install -y python3-torch); skipped"
  exit 0
fi
# every kernel path this CPU has (HRCAST_ISA unset): the script runs itself once per path
if [ -z "${HRCAST_ISA:-}" ]; then
  make -s build/hrcast
  for isa in avx512 avx2 portable; do
    if HRCAST_ISA=$isa build/hrcast simulate --help >/dev/null 2>&1; then
      echo "== parity on the $isa kernel path (HRCAST_ISA=$isa)"
      HRCAST_ISA=$isa "$0"
    else
      echo "== parity on the $isa kernel path: this CPU lacks it; skipped"
    fi
  done
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 tools/torch_golden.py "$tmp"
make -s build/tests/test_nn
HRCAST_GOLDEN_DIR="$tmp" build/tests/test_nn 2>&1 | grep -E "parity|PASSED|FAILED|Error"

bin=build/hrcast
$bin simulate --athletes 4 --workouts 3 --seed 7 -q -o "$tmp/sim.hrd"
$bin train "$tmp/sim.hrd" -o "$tmp/tiny-default.safetensors" --epochs 2 --hidden 16 --layers 2 --batch 4 -q
$bin predict "$tmp/tiny-default.safetensors" "$tmp/sim.hrd" --format json --inputs -q -o "$tmp/pred-default.json"
/usr/bin/python3 tools/torch_predict.py "$tmp/tiny-default.safetensors" "$tmp/pred-default.json"
# default+effort: the effort averages are inputs like any other, and the pre-roll's rest rows zero them
$bin train "$tmp/sim.hrd" -o "$tmp/tiny-effort.safetensors" --epochs 2 --hidden 16 --layers 2 --batch 4 -q \
    --features default+effort
$bin predict "$tmp/tiny-effort.safetensors" "$tmp/sim.hrd" --format json --inputs -q -o "$tmp/pred-effort.json"
/usr/bin/python3 tools/torch_predict.py "$tmp/tiny-effort.safetensors" "$tmp/pred-effort.json"
$bin train "$tmp/sim.hrd" -o "$tmp/tiny.safetensors" --epochs 2 --hidden 16 --layers 2 --batch 4 -q \
    --features physio-residual
$bin predict "$tmp/tiny.safetensors" "$tmp/sim.hrd" --format json --inputs -q -o "$tmp/pred.json"
/usr/bin/python3 tools/torch_predict.py "$tmp/tiny.safetensors" "$tmp/pred.json"
# the blend of the physio-residual model with alphas other than 0 and 1: the file rewritten with
# population alpha 0.35 and 0.6 for one athlete (header edited; tensors unchanged), both sides compared
PYTHONPATH=tools /usr/bin/python3 - "$tmp/tiny.safetensors" "$tmp/alpha.safetensors" <<'PY'
import json, struct, sys
raw = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
head = json.loads(raw[8:8 + n])
card = json.loads(head["__metadata__"]["model"])
assert card["features"]["set"] == "physio-residual" and "blend" in card, "the physio-residual model has no blend"
card["blend"]["alpha"] = 0.35
card["blend"]["athletes"] = {"sim0001": 0.6}
head["__metadata__"]["model"] = json.dumps(card)
h = json.dumps(head).encode()
h += b" " * (-len(h) % 8)
open(sys.argv[2], "wb").write(struct.pack("<Q", len(h)) + h + raw[8 + n:])
PY
$bin predict "$tmp/alpha.safetensors" "$tmp/sim.hrd" --format json --inputs -q -o "$tmp/pred-alpha.json"
/usr/bin/python3 - "$tmp/pred.json" "$tmp/pred-alpha.json" <<'PY'
import json, sys
a, b = (json.load(open(p))["workouts"] for p in sys.argv[1:])
assert any(w["athlete"] == "sim0001" for w in b) and any(w["athlete"] != "sim0001" for w in b)
assert any(x["hr_pred"] != y["hr_pred"] for x, y in zip(a, b)), "alpha changed no prediction"
print("blend: alphas 0.35 / 0.6 change the predictions")
PY
/usr/bin/python3 tools/torch_predict.py "$tmp/alpha.safetensors" "$tmp/pred-alpha.json"
# the athlete's HR scale (train --hr-scale athlete), with the NLL head so that its sigma is scaled too
# (trained on 12 workouts per runner, so that the chrono split has a validation part; the same runner ids
# as sim.hrd, whose runs then get their own scale)
$bin simulate --athletes 4 --workouts 12 --seed 7 -q -o "$tmp/sim12.hrd"
$bin train "$tmp/sim12.hrd" -o "$tmp/tiny-scale.safetensors" --epochs 2 --hidden 16 --layers 2 --batch 4 -q \
    --hr-scale athlete --loss nll --split chrono
$bin predict "$tmp/tiny-scale.safetensors" "$tmp/sim.hrd" --format json --inputs -q -o "$tmp/pred-scale.json"
PYTHONPATH=tools /usr/bin/python3 -c "
import json, sys, torch_predict
c = json.loads(torch_predict.read_safetensors(sys.argv[1])[1]['model'])
assert len(c['hr_scale']['athletes']) >= 2, c['hr_scale']
print('hr_scale: %d athletes with their own scale' % len(c['hr_scale']['athletes']))
" "$tmp/tiny-scale.safetensors"
/usr/bin/python3 tools/torch_predict.py "$tmp/tiny-scale.safetensors" "$tmp/pred-scale.json"

# the card's Python example, verbatim but for the workout path and a check appended
mkdir -p "$tmp/shim/safetensors"
cat > "$tmp/shim/safetensors/__init__.py" <<'PY'
# stand-in for the safetensors package (parity test only): safe_open over torch_predict's reader
from torch_predict import read_safetensors
class safe_open:
    def __init__(self, path, framework="pt"):
        self.t, self.m = read_safetensors(path)
    def __enter__(self):
        return self
    def __exit__(self, *a):
        return False
    def metadata(self):
        return self.m
    def get_tensor(self, name):
        return self.t[name]
PY
cat > "$tmp/shim/safetensors/torch.py" <<'PY'
from torch_predict import read_safetensors
def load_file(path):
    return read_safetensors(path)[0]
PY
for model in tiny tiny-scale; do # physio-residual (its blend), and the HR scale
  $bin card "$tmp/$model.safetensors" --no-metrics -q -o "$tmp/README.md"
  sed -n '/^```python$/,/^```$/p' "$tmp/README.md" | sed '1d;$d' |
    sed "s|^workout = .*|workout = \"$tmp/sim.hrd\"|; s|^path = .*|path = \"$tmp/$model.safetensors\"|; s|^print(hr)$||" > "$tmp/example.py"
  cat >> "$tmp/example.py" <<'PY'
d = (hr.double() - torch.tensor(out["workouts"][0]["hr_pred"], dtype=torch.float64)).abs().max().item()
print(f"card example ({path}): {len(hr)} steps, max |torch - hrcast| = {d:.3g} bpm: {'OK' if d <= 1e-3 else 'FAILED'}")
assert d <= 1e-3
PY
  PATH="$PWD/build:$PATH" PYTHONPATH="$tmp/shim:$PWD/tools" /usr/bin/python3 "$tmp/example.py"
done

# the card's YAML header parses (when PyYAML is there)
if /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
  /usr/bin/python3 - "$tmp/README.md" <<'PY'
import sys, yaml
t = open(sys.argv[1]).read()
assert t.startswith("---\n")
h = yaml.safe_load(t[4:t.index("\n---\n", 4)])
assert h["library_name"] == "hrcast" and "lstm" in h["tags"], h
print("card header: YAML parses:", ", ".join(sorted(h)))
PY
fi
