#!/usr/bin/env bash
# channel_residuals.sh — what cadence and the watch's temperature (recorded, not hrcast inputs) would add:
# a linear correction of the finetuned models' residuals on them, against the same correction on speed
# alone (bench/channel_residuals.py; docs/results.md, "Cadence and temperature"). Reads a bench/real.sh
# output folder (real.hrd, models/ft_sS_A.safetensors), predicts with each seed's finetuned model of the
# athletes that record FIT files, and prints a Markdown table. Deterministic; about 2 min once built.
# Usage: bench/channel_residuals.sh OUT      Env: REAL (../shared/data/real), SEEDS ("1 2 3"), HRCAST, CC
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: bench/channel_residuals.sh OUT (a bench/real.sh output folder)}
REAL=${REAL:-../shared/data/real}
SEEDS=${SEEDS:-1 2 3}
HRCAST=${HRCAST:-build/hrcast}
CC=${CC:-cc}
ATHLETES="patricktudor-strava-export shaonianche-running-data-sync arthurfsy2-workouts-page"
[ -d "$REAL" ] || { echo "channel_residuals.sh: $REAL not found; nothing to do" >&2; exit 0; }
[ -f "$OUT/real.hrd" ] || { echo "channel_residuals.sh: $OUT/real.hrd not found (run bench/real.sh first)" >&2; exit 2; }
make -s build/libhrcast.a build/hrcast >/dev/null
$CC -O2 -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc -o build/fit_fields bench/fit_fields.c build/libhrcast.a \
    $(pkg-config --libs expat zlib spng libmicrohttpd snappy libzstd) -lopenblas -lgif -lpthread -lm
tmp=$(mktemp -d /tmp/hrcast-channels-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$HRCAST" export "$OUT/real.hrd" --format jsonl -o "$tmp/real.jsonl" 2>/dev/null
# the dataset's sources are absolute paths: the series are named the same way
real_abs=$(cd "$REAL" && pwd)
for a in $ATHLETES; do
    find "$real_abs/$a" -type f \( -name '*.fit' -o -name '*.fit.gz' \) -print0 | sort -z |
        xargs -0 build/fit_fields --series >> "$tmp/series.tsv" 2>>"$tmp/series.log"
    for s in $SEEDS; do
        "$HRCAST" predict -q "$OUT/models/ft_s${s}_$a.safetensors" "$OUT/real.hrd" -o "$tmp/pred_s${s}_$a.csv"
    done
done
echo "bench/channel_residuals.sh $OUT   # $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)"
/usr/bin/python3 bench/channel_residuals.py "$tmp/series.tsv" "$tmp/real.jsonl" "$tmp" "$SEEDS" $ATHLETES
