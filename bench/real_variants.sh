#!/usr/bin/env bash
# real_variants.sh — the finetune-variant study on real data (until 2026-12-05 this was bench/real.sh; the
# "historical" real-data tables of docs/results.md come from it; bench/real.sh now benchmarks the CLI's default
# pipeline over seeds). Imports ../shared/data/real once
# (athlete = folder name), then bench/real_bench.c evaluates on the five personal folders with >= 50
# runs (the fixture folders are extra training data only): constant, physio (population / per athlete),
# the general LSTM, the general LSTM finetuned per athlete (4 variants, default picked by validation
# MAE), and leave-one-athlete-out cold start. Prints Markdown tables; writes them to $OUT/real.md.
# Usage: bench/real_variants.sh            full run (under an hour on 2 cores)
#        bench/real_variants.sh --quick    smoke run for CI (a few minutes): tiny epochs/time budgets
# Env: REAL=path to the data (../shared/data/real), OUT=work dir (temp, removed unless given), THREADS=2,
#      EXTRA="features=default+physio variants=1" (more key=value settings for bench/real_bench.c)
set -euo pipefail
cd "$(dirname "$0")/.."
REAL=${REAL:-../shared/data/real}
THREADS=${THREADS:-2}
CC=${CC:-cc}
ATHLETES=patricktudor-strava-export,shaonianche-running-data-sync,arthurfsy2-workouts-page,runpandas,rikluost-athlete-hr-predict
if [ ! -d "$REAL" ]; then
    echo "real_variants.sh: $REAL not found (set REAL=...); nothing to do" >&2
    exit 0
fi
if [ "${1:-}" = "--quick" ]; then
    ARGS="hidden=16 epochs=2 ft_epochs=2 patience=2 budget_general=30 budget_cold=10 budget_ft=5"
else
    ARGS="hidden=64 epochs=40 ft_epochs=20 patience=4 budget_general=360 budget_cold=150 budget_ft=30"
fi

make -s build/hrcast build/libhrcast.a >/dev/null
$CC -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc -Ibench -o build/real_bench bench/real_bench.c bench/real_diag.c \
    build/libhrcast.a $(pkg-config --libs expat zlib spng libmicrohttpd snappy libzstd) -lopenblas -lgif -lpthread -lm

if [ -n "${OUT:-}" ]; then
    mkdir -p "$OUT"
else
    OUT=$(mktemp -d /tmp/hrcast-real-XXXXXX)
    trap 'rm -rf "$OUT"' EXIT
fi
echo "real_variants.sh $* — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "settings: threads=$THREADS $ARGS ${EXTRA:-}"
t0=$(date +%s)
build/hrcast import -q --athlete-from-dir "$REAL" -o "$OUT/real.hrd" 2>"$OUT/import.log" || { cat "$OUT/import.log" >&2; exit 1; }
build/hrcast info "$OUT/real.hrd" | sed -n 2,3p
build/real_bench "$OUT/real.hrd" "$OUT" "$ATHLETES" threads="$THREADS" $ARGS ${EXTRA:-}
echo
echo "total $(( $(date +%s) - t0 )) s"
