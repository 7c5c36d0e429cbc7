#!/usr/bin/env bash
# train_mpi.sh — data-parallel scaling of `hrcast train`: seconds per epoch (training + validation,
# from MODEL.log.jsonl) of one process (1 BLAS thread, and 2 threads as the shared-memory peer) vs
# `mpirun -np 2 build/hrcast-mpi` (1 thread per rank) on the same simulated dataset, default 2x128
# LSTM, batch 64, dropout 0, REPS runs each (median of all epochs), then the isolated gradient
# allreduce cost (bench/mpi_allreduce.c). Needs Open MPI (mpicc, mpirun).
# Env: REPS (3), EPOCHS (2), ATHLETES (24), WORKOUTS (10).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v mpirun >/dev/null && command -v mpicc >/dev/null || { echo "train_mpi.sh: Open MPI absent"; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self,vader
make -s build/hrcast build/hrcast-mpi >/dev/null
mpicc -O2 -o build/mpi_allreduce bench/mpi_allreduce.c
tmp=$(mktemp -d /tmp/hrcast-mpibench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
build/hrcast simulate --athletes "${ATHLETES:-24}" --workouts "${WORKOUTS:-10}" --seed 7 -q -o "$tmp/d.hrd"
A=(--epochs "${EPOCHS:-2}" --dropout 0 --patience 10 --seed 1 --batch 64 -q)
echo "bench/train_mpi.sh: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
secs() { grep -o '"seconds":[0-9.]*' "$1" | cut -d: -f2; }
: >"$tmp/np1"; : >"$tmp/th2"; : >"$tmp/np2"
for _ in $(seq "${REPS:-3}"); do
  build/hrcast train "$tmp/d.hrd" -o "$tmp/a.safetensors" "${A[@]}" --threads 1 && secs "$tmp/a.safetensors.log.jsonl" >>"$tmp/np1"
  build/hrcast train "$tmp/d.hrd" -o "$tmp/b.safetensors" "${A[@]}" --threads 2 && secs "$tmp/b.safetensors.log.jsonl" >>"$tmp/th2"
  mpirun --oversubscribe --bind-to none -np 2 build/hrcast-mpi train "$tmp/d.hrd" -o "$tmp/c.safetensors" "${A[@]}" \
    --threads 1 && secs "$tmp/c.safetensors.log.jsonl" >>"$tmp/np2"
done
med() { sort -g "$1" | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
m1=$(med "$tmp/np1"); mt=$(med "$tmp/th2"); m2=$(med "$tmp/np2")
printf 'epoch seconds (median of %d): 1 process 1 thread %.2f | 1 process 2 threads %.2f | 2 ranks x 1 thread %.2f\n' \
  "$(wc -l <"$tmp/np1")" "$m1" "$mt" "$m2"
awk -v a="$m1" -v b="$m2" -v c="$mt" 'BEGIN{printf "speedup 1 -> 2 ranks: %.2fx (2 BLAS threads: %.2fx)\n", a/b, a/c}'
mpirun --oversubscribe --bind-to none -np 2 build/mpi_allreduce 205953 200
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
