#!/usr/bin/env bash
# test_isa.sh — HRCAST_ISA as a user meets it: an unknown name or a path this CPU lacks (read from
# /proc/cpuinfo) is one line and exit 2; on every path the CPU has, training twice with the same seed
# writes the same bytes, and one model's predictions agree across paths to 1e-3 bpm, in FP32 and with --bf16
# (native vdpbf16ps on avx512 where the CPU has AVX512_BF16, emulated on the other paths).
# Usage: tests/test_isa.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-isa-test.XXXXXX)
pass=0; fail=0
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
unset HRCAST_ISA HRCAST_NN_PORTABLE

check "unknown HRCAST_ISA: exit 2, one line" 'HRCAST_ISA=sse9 "$BIN" info --help >/dev/null 2>$tmp/e; [ $? -eq 2 ] && [ $(wc -l <$tmp/e) -eq 1 ] && grep -q "unknown kernel path" $tmp/e'
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
has() { for f in "$@"; do [[ " $flags " == *" $f "* ]] || return 1; done; }
paths=(portable)
has avx2 fma && paths+=(avx2)
has avx512f avx512bw avx512vl avx512dq && paths+=(avx512)
for p in avx2 avx512; do
  if [[ " ${paths[*]} " == *" $p "* ]]; then
    check "HRCAST_ISA=$p accepted on this CPU" 'HRCAST_ISA=$p "$BIN" info --help >/dev/null 2>&1'
  else
    check "HRCAST_ISA=$p refused on this CPU: exit 2" 'HRCAST_ISA=$p "$BIN" info --help >/dev/null 2>$tmp/e; [ $? -eq 2 ] && grep -q "this CPU lacks" $tmp/e'
  fi
done

"$BIN" simulate --athletes 4 --workouts 3 --seed 3 -q -o "$tmp/sim.hrd"
for p in "${paths[@]}"; do
  for run in 1 2; do
    HRCAST_ISA=$p "$BIN" train "$tmp/sim.hrd" -o "$tmp/$p-$run.safetensors" --epochs 1 --hidden 16 --batch 4 --seed 5 -q
  done
  check "$p: same seed, same model bytes" 'cmp -s "$tmp/$p-1.safetensors" "$tmp/$p-2.safetensors"'
  HRCAST_ISA=$p "$BIN" predict "$tmp/portable-1.safetensors" "$tmp/sim.hrd" --format json -q -o "$tmp/pred-$p.json"
  # --bf16: vdpbf16ps on the avx512 path of a CPU with AVX512_BF16, emulated in FP32 on the others
  HRCAST_ISA=$p "$BIN" predict "$tmp/portable-1.safetensors" "$tmp/sim.hrd" --format json --bf16 -q -o "$tmp/predbf16-$p.json"
done
for pp in "${paths[@]:1}" ${paths[@]/#/bf16-}; do
  p=${pp#bf16-}; pre=pred; [ "$pp" = "$p" ] || pre=predbf16
  [ "$pp" = bf16-portable ] && continue
  check "$pp: predictions within 1e-3 bpm of portable" 'python3 - "$tmp/$pre-portable.json" "$tmp/$pre-$p.json" <<PY
import json, math, sys
def nums(x):
    if isinstance(x, (int, float)) and not isinstance(x, bool): yield float(x)
    elif isinstance(x, dict):
        for v in x.values(): yield from nums(v)
    elif isinstance(x, list):
        for v in x: yield from nums(v)
a, b = (list(nums(json.load(open(f)))) for f in sys.argv[1:3])
assert len(a) == len(b) and len(a) > 100, (len(a), len(b))
worst = max(abs(x - y) for x, y in zip(a, b) if not (math.isnan(x) or math.isnan(y)))
print("   worst difference %.2e bpm over %d numbers" % (worst, len(a)))
sys.exit(0 if worst < 1e-3 else 1)
PY'
done
echo "test_isa: $pass passed, $fail failed"
[ $fail -eq 0 ]
