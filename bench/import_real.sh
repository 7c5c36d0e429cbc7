#!/usr/bin/env bash
# import_real.sh — wall time of `hrcast import --athlete-from-dir` of ../shared/data/real (about 1,340 files of
# every format) for this build against a peer binary, interleaved RUNS times each, with the load average
# before and after; prints each run, the medians and the ratio. Run it on a quiet machine
# (../shared/tools/quiet-run bench/import_real.sh). A change to the readers or to prep (src/io, src/prep)
# should leave the ratio near 1 unless it means to change the speed.
# Usage: BASE=/path/to/old/hrcast bench/import_real.sh      HRCAST=build/hrcast REAL=../shared/data/real RUNS=3
set -euo pipefail
cd "$(dirname "$0")/.."
HRCAST=${HRCAST:-build/hrcast}
REAL=${REAL:-../shared/data/real}
RUNS=${RUNS:-3}
[ -n "${BASE:-}" ] || { echo "import_real.sh: set BASE to the peer hrcast binary (e.g. one built at main's last release)" >&2; exit 2; }
[ -d "$REAL" ] || { echo "import_real.sh: $REAL is absent" >&2; exit 2; }
tmp=$(mktemp -d /tmp/hrcast-import-real.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for k in $(seq "$RUNS"); do
  for who in base this; do
    bin=$([ $who = base ] && echo "$BASE" || echo "$HRCAST")
    s=$(date +%s.%N)
    "$bin" import -q --athlete-from-dir "$REAL" -o "$tmp/$who.hrd" 2>/dev/null
    e=$(date +%s.%N)
    echo "$who $(echo "$e - $s" | bc)" | tee -a "$tmp/times"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$tmp/times" <<'PY'
import statistics, sys
t = {}
for line in open(sys.argv[1]):
    who, s = line.split()
    t.setdefault(who, []).append(float(s))
b, n = statistics.median(t["base"]), statistics.median(t["this"])
print(f"median: base {b:.2f} s, this {n:.2f} s; this / base = {n / b:.3f}")
PY
