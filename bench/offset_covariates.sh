#!/usr/bin/env bash
# offset_covariates.sh — imports ../shared/data/real, fits the per-athlete physiological model on the chrono
# training parts, predicts every workout, and prints how the per-workout HR offset correlates with what is
# known before a run (bench/offset_covariates.py; docs/results.md, "Why 7 bpm is out of reach here").
# Env: REAL (../shared/data/real), OUT (work dir; temp, removed unless given).
set -euo pipefail
cd "$(dirname "$0")/.."
REAL=${REAL:-../shared/data/real}
[ -d "$REAL" ] || { echo "offset_covariates.sh: $REAL not found; nothing to do" >&2; exit 0; }
make -s build/hrcast >/dev/null
if [ -n "${OUT:-}" ]; then mkdir -p "$OUT"; else OUT=$(mktemp -d /tmp/hrcast-offsets-XXXXXX); trap 'rm -rf "$OUT"' EXIT; fi
build/hrcast import -q --athlete-from-dir "$REAL" -o "$OUT/real.hrd" 2>/dev/null || true
build/hrcast fit-physio "$OUT/real.hrd" --split chrono -o "$OUT/physio.safetensors" 2>/dev/null
build/hrcast predict -q "$OUT/physio.safetensors" "$OUT/real.hrd" -o "$OUT/pred.csv"
build/hrcast export "$OUT/real.hrd" --format jsonl -o "$OUT/real.jsonl"
/usr/bin/python3 bench/offset_covariates.py "$OUT/real.jsonl" "$OUT/pred.csv"
