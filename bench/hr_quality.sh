#!/usr/bin/env bash
# hr_quality.sh — precision and recall of the HR-quality verdicts (docs/data.md, "HR quality"):
# 1. simulated: `hrcast simulate --artifacts` injects every kind of artifact with its true extent;
#    bench/hr_quality_bench.c compares the verdicts with that truth, per reason, and prints the share of
#    clean steps flagged (all, and chest-strap recordings only);
# 2. real: the files listed in bench/hr_quality_labels.txt (reviewed by eye on plots: file, time range,
#    reason; "clean" = reviewed, no artifact) are imported from ../shared/data/real in place and compared
#    with those labels (skipped with a message when the data is absent).
# Usage: bench/hr_quality.sh [ATHLETES [WORKOUTS [SEED]]]   (defaults 40 10 1; a minute on 2 cores)
# Env: REAL=path to the data (../shared/data/real), CC=cc
set -euo pipefail
cd "$(dirname "$0")/.."
ATHLETES=${1:-40}
WORKOUTS=${2:-10}
SEED=${3:-1}
REAL=${REAL:-../shared/data/real}
CC=${CC:-cc}
make -s build/hrcast build/libhrcast.a >/dev/null
$CC -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc -o build/hr_quality_bench bench/hr_quality_bench.c \
    build/libhrcast.a $(pkg-config --libs expat zlib spng libmicrohttpd snappy libzstd) -lopenblas -lgif -lpthread -lm
tmp=$(mktemp -d /tmp/hrcast-hrq-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
echo "hr_quality.sh — $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## simulated: hrcast simulate --athletes $ATHLETES --workouts $WORKOUTS --seed $SEED --artifacts"
build/hrcast simulate -q --athletes "$ATHLETES" --workouts "$WORKOUTS" --seed "$SEED" --artifacts -o "$tmp/sim.hrd"
build/hr_quality_bench "$tmp/sim.hrd"
echo
LABELS=bench/hr_quality_labels.txt
if [ ! -d "$REAL" ]; then
    echo "## real: $REAL not found (set REAL=...); skipped"
    exit 0
fi
echo "## real: the labelled sample $LABELS ($(grep -vc '^#' $LABELS) labels)"
# the labelled files only, read in place; their sources end with the labels' relative paths
grep -v '^#' "$LABELS" | awk -v r="$REAL" 'NF {print r "/" $1}' | sort -u > "$tmp/files"
xargs -d '\n' build/hrcast import -q --sport any -o "$tmp/real.hrd" < "$tmp/files"
build/hr_quality_bench "$tmp/real.hrd" "$LABELS"
