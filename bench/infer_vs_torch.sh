#!/usr/bin/env bash
# infer_vs_torch.sh — inference throughput (sequences/s) of the 2x128 LSTM, B 64, T 500, hrcast lean
# forward vs PyTorch no_grad, same thread counts, same run; prints both and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(MODE=infer ITERS=${ITERS:-7} bench/train_vs_torch.sh)
echo "$out"
echo "$out" | awk '/ratio/ {for(i=1;i<=NF;i++){if($i=="hrcast")h=$(i+1); if($i=="torch")t=$(i+1)};
  if (t) printf "%s  hrcast %.0f seq/s  torch %.0f seq/s\n", $2, 64000/h, 64000/t}'
