#!/usr/bin/env bash
# infer_vs_torch.sh — inference throughput (sequences/s) of the 2x128 LSTM, B 64, T 500: hrcast's lean
# FP32 forward vs PyTorch no_grad (the like-for-like pass), then hrcast's int8 forward (lstm_infer_q8,
# `--int8`) vs PyTorch's dynamic int8 LSTM and vs PyTorch FP32 (its fastest inference on these machines),
# then hrcast's bf16 forward (lstm_infer_lowp, `--bf16`: vdpbf16ps where the CPU has AVX512_BF16) vs
# PyTorch FP32 and vs PyTorch with the model and inputs in bfloat16;
# same thread counts, same run, alternating rounds; prints each pass and its ratios. PyTorch runs with
# and without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE and the faster is compared (bench/train_vs_torch.sh),
# each figure with the load average.
# Env: as bench/train_vs_torch.sh (ITERS 7 here, ROUNDS, THREADS); INT8=0 skips the int8 passes, BF16=0
# the bf16 ones. Each pass ends in lines a script can read, e.g.
#   inferbf16 threads=1  hrcast X ms  torch infer Y ms  ratio torch/hrcast Zx
set -euo pipefail
cd "$(dirname "$0")/.."
pass() {
  out=$(ITERS=${ITERS:-7} bench/train_vs_torch.sh)
  echo "$out"
  echo "$out" | awk '/ratio/ {h=t=0; for(i=1;i<=NF;i++){if($i=="hrcast")h=$(i+1);
    if($i=="torch"){j=i+1; if($j !~ /^[0-9.]+$/) j++; t=$j}};
    if (t) printf "%s  hrcast %.0f seq/s  peer %.0f seq/s\n", $2, 64000/h, 64000/t}'
  echo "  load now $(cut -d' ' -f1 /proc/loadavg) (each figure above carries the load of its rounds)"
}
echo "== FP32: hrcast lstm_infer vs torch FP32"
MODE=infer PEER_MODE=infer pass
if [ "${INT8:-1}" = 1 ]; then
  echo "== int8: hrcast lstm_infer_q8 vs torch dynamic int8 (quantize_dynamic, qint8)"
  MODE=infer8 PEER_MODE=infer8 pass
  echo "== int8: hrcast lstm_infer_q8 vs torch FP32"
  MODE=infer8 PEER_MODE=infer pass
fi
if [ "${BF16:-1}" = 1 ]; then
  echo "== bf16: hrcast lstm_infer_lowp (bf16) vs torch FP32"
  MODE=inferbf16 PEER_MODE=infer pass
  echo "== bf16: hrcast lstm_infer_lowp (bf16) vs torch bf16 (model and inputs in torch.bfloat16)"
  MODE=inferbf16 PEER_MODE=inferbf16 pass
fi
