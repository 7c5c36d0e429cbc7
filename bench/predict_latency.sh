#!/usr/bin/env bash
# predict_latency.sh — end-to-end latency of predicting one 2-hour 1 Hz FIT file (7200 samples ->
# 720 steps of 10 s) with a 2x128 LSTM: `hrcast predict` as a process (hyperfine median, or the
# median of RUNS timed runs without it), the in-process path by stage with 1 BLAS thread (as
# `hrcast predict` sets) and 2 (bench/predict_latency.c:
# model load, decode+clean+resample, features+LSTM), and as the peer PyTorch's no_grad forward of
# the same 2x128 LSTM over the same 720 steps (B 1), same run; and `hrcast predict` vs `--int8`,
# alternating. Goal: < 50 ms.
# Env: RUNS (15). Usage: bench/predict_latency.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-15}
make -s build/hrcast build/libhrcast.a >/dev/null
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Isrc -o build/predict_latency bench/predict_latency.c \
  build/libhrcast.a $(pkg-config --libs expat zlib spng libmicrohttpd snappy libzstd 2>/dev/null) -lopenblas -lgif -lpthread -lm
tmp=$(mktemp -d /tmp/hrcast-predlat.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
build/predict_latency gen "$tmp/run2h.fit"
# a 2x128 model of the default 14 features after one epoch (latency does not depend on the weights)
build/hrcast simulate --athletes 3 --workouts 3 --seed 1 -q -o "$tmp/s.hrd"
build/hrcast train "$tmp/s.hrd" -o "$tmp/m.safetensors" --epochs 1 -q
echo "bench/predict_latency.sh: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
echo "input: $(stat -c %s "$tmp/run2h.fit") bytes FIT, 7200 samples at 1 Hz (2 h); model 2x128 LSTM"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$tmp/h.json" \
    "build/hrcast predict -q $tmp/m.safetensors $tmp/run2h.fit" "build/hrcast --version" >/dev/null 2>&1
  cli=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print('%.2f %.2f %.2f' % (r['median']*1e3, r['min']*1e3, r['max']*1e3))" "$tmp/h.json")
  read -r cli_med cli_min cli_max <<<"$cli"
  echo "hrcast predict (process, hyperfine $RUNS runs): median $cli_med ms (min $cli_min, max $cli_max)"
  v=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][1]; print('%.2f' % (r['median']*1e3))" "$tmp/h.json")
  echo "process start alone (hrcast --version): median $v ms"
else
  for i in $(seq "$RUNS"); do
    a=$(date +%s%N); build/hrcast predict -q "$tmp/m.safetensors" "$tmp/run2h.fit" >/dev/null; b=$(date +%s%N)
    echo $(( (b - a) / 1000 ))
  done | sort -n | awk '{v[NR]=$1} END {printf "hrcast predict (process, %d runs): median %.2f ms\n", NR, v[int((NR+1)/2)]/1000}'
fi
# FP32 and --int8 (lstm_infer_q8) as processes, alternating, medians of RUNS timed runs each
for i in $(seq "$RUNS"); do
  for flag in "" --int8; do
    a=$(date +%s%N); build/hrcast predict -q $flag "$tmp/m.safetensors" "$tmp/run2h.fit" >/dev/null; b=$(date +%s%N)
    echo "${flag:-fp32} $(( (b - a) / 1000 ))"
  done
done | sort -k1,1 -k2n | awk '{n[$1]++; v[$1, n[$1]] = $2}
  END {for (k in n) printf "hrcast predict %s (process, %d runs, alternating): median %.2f ms\n", k, n[k], v[k, int((n[k] + 1) / 2)] / 1000}'
build/predict_latency time "$tmp/m.safetensors" "$tmp/run2h.fit" "$RUNS" 1 | tee "$tmp/in.txt"
build/predict_latency time "$tmp/m.safetensors" "$tmp/run2h.fit" "$RUNS" 2
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  t=$(OMP_NUM_THREADS=1 /usr/bin/python3 bench/torch_train.py infer 1 "$RUNS" 3 1 720 | sed 's/.*median_ms=//')
  l=$(sed 's/.*features_lstm_ms=\([0-9.]*\).*/\1/' "$tmp/in.txt")
  awk -v t="$t" -v l="$l" 'BEGIN{printf "peer: torch 2x128 LSTM forward, B 1, T 720, 1 thread: %.2f ms; ratio torch/hrcast(features+LSTM) %.2fx\n", t, t/l}'
fi
