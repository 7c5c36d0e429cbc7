#!/usr/bin/env bash
# real.sh — the real-data benchmark of the CLI's DEFAULT pipeline (issue 14; docs/results.md "Results on
# main's defaults"). No model option is set here beyond the split, the epochs, the seed and the threads, so
# whatever `hrcast train` and `hrcast finetune` default to is what is measured.
#   import   ../shared/data/real with --athlete-from-dir (athlete = folder name); the five personal folders
#            with >= 50 runs are evaluated, the fixture folders are extra training data only
#   per seed hrcast train --split chrono --epochs $EPOCHS --seed S --threads $THREADS (the general model);
#            per athlete: hrcast finetune (defaults; --seed S --threads $THREADS), then
#            hrcast eval --split chrono:test --athlete A --json of the finetuned and the general model, the
#            finetuned model with --calibrate $LIVE (live rows, kept apart; the physio baseline calibrated the
#            same way is fit-physio --split chrono), and per-kind MAE (bench/real_kinds.c: treadmill, steep
#            >= 25 m/km, long > 2 h), and the finetuned model with --recent-form (each test run shifted by the model's residuals on the
#            runner's latest earlier runs: a row of its own)
#   baselines once per athlete (deterministic): eval --baselines (constant = the athlete's mean, physio = the
#            per-athlete fit, both fitted on the chrono training part's trusted steps), and with --recent-form
#   cold     leave one athlete out: the other nine folders (symlinked, nothing copied) imported alone, the
#            general model trained on them the same way, population physio (fit-physio --population-only)
#            and constant at the population mean fitted on them; scored on the athlete's chrono:test part;
#            with LIVE, the cold model with --calibrate too (its default trust is a general model's; the physio
#            baseline is the fold's population model, calibrated the same way)
#   tables   bench/real_tables.py: mean ± sd over seeds, ratio to per-athlete physio, the goals of issue 14
#            checked, trusted-step MAE next to all steps; printed and written to $OUT/real.md (ready to paste)
# Usage: bench/real.sh            full run (3 seeds, 15 epochs: about 20-30 min on 2 idle cores)
#        bench/real.sh --quick    smoke run (1 seed, 2 epochs, finetune 2 epochs: 3.6 min at load 4 on 2 cores)
# Env: REAL=data (../shared/data/real), OUT=work dir (temp, removed unless given), SEEDS ("1 2 3"),
#      EPOCHS (15), THREADS (2), LIVE (5m,10m,20m; "" skips), COLD (1; 0 skips the leave-one-out part, "only"
#      runs nothing else), COLD_SEEDS (the seeds of the cold-start models; default SEEDS),
#      HRCAST (build/hrcast; built when it is the default),
#      TRAIN_ARGS (extra options of every train, e.g. "--features default+physio": to compare a candidate
#      for the default; empty = the defaults, which is what the tables claim)
# Two runs can share the work (e.g. COLD=0 and COLD=only, each with THREADS=1, in two OUT dirs):
#      bench/real_tables.py OUT1 OUT2 > real.md   joins them
set -euo pipefail
cd "$(dirname "$0")/.."
REAL=${REAL:-../shared/data/real}
SEEDS=${SEEDS:-1 2 3}
EPOCHS=${EPOCHS:-15}
THREADS=${THREADS:-2}
LIVE=${LIVE-5m,10m,20m}
COLD=${COLD:-1}
COLD_SEEDS=${COLD_SEEDS:-$SEEDS}
FT_ARGS=()
MODE=full
if [ "${1:-}" = "--quick" ]; then
    MODE=quick
    SEEDS=${QUICK_SEEDS:-1}
    COLD_SEEDS=$SEEDS
    EPOCHS=${QUICK_EPOCHS:-2}
    FT_ARGS=(--epochs 2)
elif [ -n "${1:-}" ]; then
    echo "usage: bench/real.sh [--quick]" >&2
    exit 2
fi
ATHLETES="patricktudor-strava-export shaonianche-running-data-sync arthurfsy2-workouts-page runpandas rikluost-athlete-hr-predict"
if [ ! -d "$REAL" ]; then
    echo "real.sh: $REAL not found (set REAL=...); nothing to do" >&2
    exit 0
fi
REAL=$(cd "$REAL" && pwd)
CC=${CC:-cc}
if [ -z "${HRCAST:-}" ]; then
    make -s build/hrcast build/libhrcast.a >/dev/null
    HRCAST=build/hrcast
fi
$CC -O2 -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc -o build/real_kinds bench/real_kinds.c build/libhrcast.a \
    $(pkg-config --libs expat zlib spng libmicrohttpd snappy libzstd) -lopenblas -lgif -lpthread -lm

if [ -n "${OUT:-}" ]; then
    mkdir -p "$OUT"
    KEEP_OUT=1
else
    OUT=$(mktemp -d /tmp/hrcast-real-XXXXXX)
    trap 'rm -rf "$OUT"' EXIT
fi
J=$OUT/json
M=$OUT/models
mkdir -p "$J" "$M"
t0=$(date +%s)
log() { echo "real.sh: $* ($(( $(date +%s) - t0 )) s)" >&2; }
{
    echo "mode=$MODE"
    echo "command=$( [ "$MODE" = quick ] && echo "bench/real.sh --quick" || echo "bench/real.sh")"
    echo "env=SEEDS=\"$SEEDS\" EPOCHS=$EPOCHS THREADS=$THREADS LIVE=$LIVE COLD=$COLD COLD_SEEDS=\"$COLD_SEEDS\""
    echo "finetune_args=${FT_ARGS[*]:-}"
    echo "train_args=${TRAIN_ARGS:-}"
    echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
    echo "machine=$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo +changes)"
    echo "athletes=$ATHLETES"
    [ "$COLD" = only ] || echo "seeds=$SEEDS"
    [ "$COLD" = 0 ] || echo "cold_seeds=$COLD_SEEDS"
} > "$OUT/run.txt"

q() { "$HRCAST" "$@" -q; }
evalj() { # MODEL DATASET ATHLETE OUTFILE [extra options]: eval chrono:test of one athlete as JSON
    local model=$1 ds=$2 a=$3 out=$4
    shift 4
    "$HRCAST" eval "$model" "$ds" --split chrono:test --athlete "$a" --json -q "$@" > "$out.tmp" 2>>"$OUT/eval.log"
    mv "$out.tmp" "$out"
}

q import --athlete-from-dir "$REAL" -o "$OUT/real.hrd" 2>"$OUT/import.log" || { cat "$OUT/import.log" >&2; exit 1; }
"$HRCAST" info "$OUT/real.hrd" | sed -n 2,3p > "$OUT/info.txt"
q fit-physio "$OUT/real.hrd" --split chrono -o "$M/physio.safetensors"
q fit-physio "$OUT/real.hrd" --split chrono --constant -o "$M/constant.safetensors"
log "imported $(sed -n 2p "$OUT/info.txt" | sed 's/^ *//')"
[ "$COLD" = only ] && PERS_SEEDS= || PERS_SEEDS=$SEEDS
for a in ${PERS_SEEDS:+$ATHLETES}; do
    evalj "$M/constant.safetensors" "$OUT/real.hrd" "$a" "$J/base_$a.json" --baselines
    evalj "$M/constant.safetensors" "$OUT/real.hrd" "$a" "$J/baseform_$a.json" --baselines --recent-form
done
[ -z "$PERS_SEEDS" ] || log "baselines fitted and evaluated"

for s in $PERS_SEEDS; do
    q train "$OUT/real.hrd" -o "$M/general_s$s.safetensors" --split chrono --epochs "$EPOCHS" --seed "$s" \
        --threads "$THREADS" ${TRAIN_ARGS:-} 2>>"$OUT/train.log"
    log "seed $s: general model trained"
    for a in $ATHLETES; do
        ft=$M/ft_s${s}_$a.safetensors
        q finetune "$M/general_s$s.safetensors" "$OUT/real.hrd" --athlete "$a" -o "$ft" --seed "$s" \
            --threads "$THREADS" "${FT_ARGS[@]}" 2>>"$OUT/train.log"
        evalj "$ft" "$OUT/real.hrd" "$a" "$J/pers_s${s}_$a.json"
        evalj "$ft" "$OUT/real.hrd" "$a" "$J/persform_s${s}_$a.json" --recent-form
        evalj "$M/general_s$s.safetensors" "$OUT/real.hrd" "$a" "$J/gen_s${s}_$a.json"
        if [ -n "$LIVE" ]; then
            evalj "$ft" "$OUT/real.hrd" "$a" "$J/live_s${s}_$a.json" --calibrate "$LIVE" --physio "$M/physio.safetensors"
        fi
        build/real_kinds "$OUT/real.hrd" chrono:test "$a" finetuned="$ft" general="$M/general_s$s.safetensors" \
            physio="$M/physio.safetensors" constant="$M/constant.safetensors" > "$J/kinds_s${s}_$a.jsonl"
        log "seed $s: $a finetuned and evaluated"
    done
done

if [ "$COLD" != 0 ]; then
    for a in $ATHLETES; do
        d=$OUT/loo/$a
        mkdir -p "$d/data"
        for f in "$REAL"/*/; do
            f=${f%/}
            [ "$(basename "$f")" = "$a" ] || ln -sfn "$f" "$d/data/$(basename "$f")"
        done
        q import --athlete-from-dir "$d/data" -o "$d/loo.hrd" 2>>"$OUT/import.log"
        q fit-physio "$d/loo.hrd" --split chrono --population-only -o "$d/physio_pop.safetensors"
        q fit-physio "$d/loo.hrd" --split chrono --constant -o "$d/constant.safetensors"
        evalj "$d/physio_pop.safetensors" "$OUT/real.hrd" "$a" "$J/coldphys_$a.json"
        evalj "$d/constant.safetensors" "$OUT/real.hrd" "$a" "$J/coldconst_$a.json"
        for s in $COLD_SEEDS; do
            q train "$d/loo.hrd" -o "$d/cold_s$s.safetensors" --split chrono --epochs "$EPOCHS" --seed "$s" \
                --threads "$THREADS" ${TRAIN_ARGS:-} 2>>"$OUT/train.log"
            evalj "$d/cold_s$s.safetensors" "$OUT/real.hrd" "$a" "$J/cold_s${s}_$a.json"
            # a model with an HR scale: the runner's scale measured on their own training part (earlier
            # runs), nothing trained (finetune --scale-only); its own row, apart from the cold start
            "$HRCAST" card "$d/cold_s$s.safetensors" -q -o "$d/card_s$s.md" 2>/dev/null || true
            if grep -q '"hr_scale"' "$d/card_s$s.md" 2>/dev/null; then
                q finetune "$d/cold_s$s.safetensors" "$OUT/real.hrd" --athlete "$a" --scale-only \
                    -o "$d/coldscale_s$s.safetensors" 2>>"$OUT/train.log"
                evalj "$d/coldscale_s$s.safetensors" "$OUT/real.hrd" "$a" "$J/coldscale_s${s}_$a.json"
                evalj "$d/coldscale_s$s.safetensors" "$OUT/real.hrd" "$a" "$J/coldscaleform_s${s}_$a.json" --recent-form
            fi
            # the runner's earlier runs at prediction time (eval --recent-form: their HR scale and recent form,
            # nothing trained): not a cold start, its own rows
            evalj "$d/cold_s$s.safetensors" "$OUT/real.hrd" "$a" "$J/coldform_s${s}_$a.json" --recent-form
            if [ -n "$LIVE" ]; then
                evalj "$d/cold_s$s.safetensors" "$OUT/real.hrd" "$a" "$J/coldlive_s${s}_$a.json" --calibrate "$LIVE" \
                    --physio "$d/physio_pop.safetensors"
            fi
        done
        log "cold start without $a done"
    done
fi
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/run.txt"
echo "wall_s=$(( $(date +%s) - t0 ))" >> "$OUT/run.txt"
python3 bench/real_tables.py "$OUT" > "$OUT/real.md.tmp"
mv "$OUT/real.md.tmp" "$OUT/real.md"
cat "$OUT/real.md"
echo
echo "total $(( $(date +%s) - t0 )) s$( [ -n "${KEEP_OUT:-}" ] && echo "; tables in $OUT/real.md")"
