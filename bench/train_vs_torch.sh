#!/usr/bin/env bash
# train_vs_torch.sh — one training step (2x128 LSTM, 14 inputs, B 64, T 500, masked MSE, clip 1.0,
# Adam) in hrcast and in PyTorch CPU, same thread counts, same run; prints both medians and the ratio
# torch_ms / hrcast_ms (> 1 means hrcast is faster), hrcast's GFLOP/s (matrix products counted, see
# bench/train_bench.c) and OpenBLAS sgemm's GFLOP/s on the gate shapes at the same thread count.
# Env: ITERS (5), WARMUP (1), THREADS ("1 2"), MODE.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${MODE:-train}
make -s build/libhrcast.a
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -I/usr/include/x86_64-linux-gnu/openblas-pthread -o build/train_bench \
  bench/train_bench.c build/libhrcast.a -lopenblas -lpthread -lm
have_torch=1
/usr/bin/python3 -c 'import torch' 2>/dev/null || have_torch=0
for th in ${THREADS:-1 2}; do
  hl=$(build/train_bench "$mode" "$th" "${ITERS:-5}" "${WARMUP:-1}")
  h=$(echo "$hl" | sed 's/.*median_ms=\([0-9.]*\).*/\1/')
  echo "  $hl | $(build/train_bench sgemm "$th" 3 1)"
  if [ $have_torch = 1 ]; then
    t=$(OMP_NUM_THREADS=$th /usr/bin/python3 bench/torch_train.py "$mode" "$th" "${ITERS:-5}" "${WARMUP:-1}" | sed 's/.*median_ms=//')
    awk -v m="$mode" -v th="$th" -v h="$h" -v t="$t" 'BEGIN{printf "%s threads=%s  hrcast %.1f ms  torch %.1f ms  ratio torch/hrcast %.2fx\n", m, th, h, t, t/h}'
  else
    echo "$mode threads=$th  hrcast $h ms  (python3-torch absent: no peer)"
  fi
done
