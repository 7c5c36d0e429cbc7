#!/usr/bin/env bash
# test_mpi.sh — data-parallel training: `mpirun -np 2 hrcast-mpi train` must give the same model as
# one process (same global batch and seed; dropout 0 because each rank draws its own masks) within
# 1e-5, write the model/log from rank 0 only, and -np 1 must give the plain binary's bytes.
# Skips (prints "0 passed, 0 failed, 1 skipped") when mpirun or build/hrcast-mpi is absent.
# Usage: tests/test_mpi.sh path/to/hrcast   (hrcast-mpi is looked up next to it)
set -u
BIN=${1:-build/hrcast}
MPIBIN=$(dirname "$BIN")/hrcast-mpi
if ! command -v mpirun >/dev/null || [ ! -x "$MPIBIN" ]; then
  echo "mpi: skipped (no mpirun or no $MPIBIN: install openmpi-bin libopenmpi-dev and rebuild)"
  echo "mpi: 0 passed, 0 failed, 1 skipped"
  exit 0
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self,vader OMPI_MCA_rmaps_base_oversubscribe=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0 # Open MPI's own allocations
tmp=$(mktemp -d /tmp/hrcast-mpi-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { echo "ok: $1"; pass=$((pass + 1)); }
bad() { echo "FAIL: $1"; fail=$((fail + 1)); }

"$BIN" simulate --athletes 6 --workouts 4 --seed 3 -q -o "$tmp/d.hrd" || { bad "simulate"; echo "mpi: $pass passed, $((fail)) failed"; exit 1; }
# threads pinned: the default (auto) counts the CPUs each process may use, and mpirun binds ranks to cores
args=(--hidden 16 --layers 2 --dropout 0 --batch 7 --epochs 2 --max-len 200 --seed 5 --threads 1 -q)
"$BIN" train "$tmp/d.hrd" -o "$tmp/one.safetensors" "${args[@]}" || bad "single-process train"
mpirun --oversubscribe -np 2 "$MPIBIN" train "$tmp/d.hrd" -o "$tmp/two.safetensors" "${args[@]}" \
  >"$tmp/mpi.log" 2>&1 || { bad "mpirun -np 2 train"; cat "$tmp/mpi.log"; }
mpirun --oversubscribe -np 1 "$MPIBIN" train "$tmp/d.hrd" -o "$tmp/np1.safetensors" "${args[@]}" \
  >"$tmp/np1.log" 2>&1 || { bad "mpirun -np 1 train"; cat "$tmp/np1.log"; }

# max |a - b| over every tensor of two safetensors files (little-endian F32), and tensor count
cmp_models() {
  python3 - "$1" "$2" <<'PY'
import json, struct, sys
def load(p):
    b = open(p, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    h = json.loads(b[8:8 + n])
    d = b[8 + n:]
    out = {}
    for k, v in h.items():
        if k == "__metadata__" or v["dtype"] != "F32":
            continue
        s, e = v["data_offsets"]
        out[k] = struct.unpack("<%df" % ((e - s) // 4), d[s:e])
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
assert a.keys() == b.keys() and a, "different tensors"
print(len(a), max(max(abs(x - y) for x, y in zip(a[k], b[k])) for k in a))
PY
}
if [ -f "$tmp/one.safetensors" ] && [ -f "$tmp/two.safetensors" ]; then
  read -r nt diff < <(cmp_models "$tmp/one.safetensors" "$tmp/two.safetensors")
  echo "np 2 vs one process: $nt tensors, max |diff| $diff"
  awk -v d="$diff" 'BEGIN{exit !(d <= 1e-5)}' && ok "np 2 model equals the one-process model within 1e-5" \
    || bad "np 2 model differs by $diff"
  awk -v d="$diff" 'BEGIN{exit !(d > 0 || d == 0)}' && [ "$nt" -ge 4 ] && ok "models have $nt tensors" || bad "tensor count $nt"
else
  bad "a model file is missing"
fi
cmp -s "$tmp/one.safetensors" "$tmp/np1.safetensors" && ok "np 1 writes the plain binary's bytes" || bad "np 1 bytes differ"
n1=$(wc -l <"$tmp/one.safetensors.log.jsonl" 2>/dev/null || echo 0)
n2=$(wc -l <"$tmp/two.safetensors.log.jsonl" 2>/dev/null || echo 0)
[ "$n1" = 2 ] && [ "$n2" = 2 ] && ok "one log line per epoch from rank 0 ($n2)" || bad "log lines $n1 vs $n2"
# the training loss of each epoch agrees too (it is reduced across ranks)
l1=$(sed -n 's/.*"train_loss":\([^,]*\).*/\1/p' "$tmp/one.safetensors.log.jsonl" | tr '\n' ' ')
l2=$(sed -n 's/.*"train_loss":\([^,]*\).*/\1/p' "$tmp/two.safetensors.log.jsonl" | tr '\n' ' ')
python3 -c "import sys; a=list(map(float,sys.argv[1].split())); b=list(map(float,sys.argv[2].split())); sys.exit(not (len(a)==len(b)==2 and all(abs(x-y)<=1e-4*max(1,abs(x)) for x,y in zip(a,b))))" "$l1" "$l2" \
  && ok "train loss per epoch agrees ($l2)" || bad "train loss $l1 vs $l2"
[ ! -e "$tmp/two.safetensors.resume" ] && ok "finished run leaves no resume file" || bad "resume file left"
# the card of an MPI-trained model does not claim that the seed and thread count alone give its bytes
"$BIN" card "$tmp/two.safetensors" -q > "$tmp/two.md" 2>/dev/null
"$BIN" card "$tmp/one.safetensors" -q > "$tmp/one.md" 2>/dev/null
grep -q "| seed, threads, MPI ranks | .*, 2 (the same seed, thread count and number of ranks" "$tmp/two.md" &&
  grep -q "| seed, threads | " "$tmp/one.md" && ok "the card names the MPI ranks (2) of an MPI-trained model" ||
  bad "card: ranks not named"
echo "mpi: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
