#!/usr/bin/env bash
# train_vs_torch.sh — one training step (2x128 LSTM, 14 inputs, B 64, T 500, masked MSE, clip 1.0,
# Adam) in hrcast and in PyTorch CPU, same thread counts, same run; prints both medians and the ratio
# torch_ms / hrcast_ms (> 1 means hrcast is faster), hrcast's GFLOP/s (matrix products counted, see
# bench/train_bench.c) and OpenBLAS sgemm's GFLOP/s on the gate shapes at the same thread count.
# Then "best-vs-best": each side at its fastest thread count (the machine as a whole).
# PyTorch runs twice per round: with the environment as it is and with OPENBLAS_CORETYPE /
# OPENBLAS_L2_SIZE unset (for that command only: the environment pins OpenBLAS to Haswell/AVX2 code),
# and the ratio is taken against the faster of the two medians (the peer at its best). Every figure
# carries the 1-minute load average (uptime) at the time; above 0.5 a WARNING says the machine is busy.
# hrcast's GFLOP/s is also given as a fraction of the 512-bit FMA ceiling (bench/fma_peak.c).
# Env: ITERS (5), WARMUP (1), THREADS ("1 2"), ROUNDS (3), MODE (train, infer, infer8: hrcast's int8
# forward), PEER_MODE (what PyTorch runs: MODE by default; infer8 there is torch's dynamic int8 LSTM),
# HRCAST_ISA (the kernel path: avx512, avx2, portable; default the best the CPU has).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${MODE:-train}
peer=${PEER_MODE:-$mode}
make -s build/libhrcast.a
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -I/usr/include/x86_64-linux-gnu/openblas-pthread -o build/train_bench \
  bench/train_bench.c build/libhrcast.a -lopenblas -lpthread -lm
cc -O2 -o build/fma_peak bench/fma_peak.c
load() { cut -d' ' -f1 /proc/loadavg; }
loadnote() { awk -v l="$1" 'BEGIN{printf "load %s%s", l, (l > 0.5 ? " (WARNING: load above 0.5, figures unreliable)" : "")}'; }
peaks=$(build/fma_peak)
peak=$(echo "$peaks" | sed -n 's/^fma_peak gflops=\([0-9.]*\).*/\1/p')
peak512=$(echo "$peaks" | sed -n 's/^fma_peak512 gflops=\([0-9.]*\).*/\1/p')
peakbf16=$(echo "$peaks" | sed -n 's/^bf16_peak gflops=\([0-9.]*\).*/\1/p')
echo "  ceilings per core (bench/fma_peak.c, FMAs only, no memory): 256-bit FP32 ${peak} GFLOP/s, 512-bit FP32 ${peak512:-n/a} GFLOP/s, 512-bit BF16 ${peakbf16:-n/a} GFLOP/s; $(loadnote "$(load)")"
echo "  kernel path: ${HRCAST_ISA:-default (the best this CPU has)}"
ceil=${peak512:-$peak}
have_torch=1
/usr/bin/python3 -c 'import torch' 2>/dev/null || have_torch=0
best_h=; best_t=; best_hth=; best_tth=
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END{print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
# ROUNDS alternations of hrcast and PyTorch per thread count (this VM's speed drifts by tens of percent
# over a minute, so both sides sample the same moments); each side's figure is the median over rounds.
for th in ${THREADS:-1 2}; do
  hs=; ts=; tu=; hl=; loads=
  for r in $(seq "${ROUNDS:-3}"); do
    loads="$loads $(load)"
    hl=$(build/train_bench "$mode" "$th" "${ITERS:-5}" "${WARMUP:-1}")
    hs="$hs $(echo "$hl" | sed 's/.*median_ms=\([0-9.]*\).*/\1/')"
    if [ $have_torch = 1 ]; then
      ts="$ts $(OMP_NUM_THREADS=$th /usr/bin/python3 bench/torch_train.py "$peer" "$th" "${ITERS:-5}" "${WARMUP:-1}" | sed 's/.*median_ms=//')"
      tu="$tu $(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_NUM_THREADS=$th /usr/bin/python3 bench/torch_train.py "$peer" "$th" "${ITERS:-5}" "${WARMUP:-1}" | sed 's/.*median_ms=//')"
    fi
  done
  h=$(echo "$hs" | median)
  ld=$(echo "$loads" | tr ' ' '\n' | grep . | sort -g | tail -1)
  echo "  hrcast $mode threads=$th rounds:$hs ms; torch rounds:${ts:- -} ms; torch OPENBLAS_* unset rounds:${tu:- -} ms; round loads:$loads | $(build/train_bench sgemm "$th" 3 1)"
  gflop=$(echo "$hl" | awk '{for(i=1;i<=NF;i++){if($i~/^median_ms=/){split($i,a,"=");ms=a[2]} if($i~/^gflops=/){split($i,b,"=");g=b[2]}}} END{print g*ms/1000}')
  echo "  $(awk -v m="$mode" -v th="$th" -v h="$h" -v f="$gflop" -v c="$ceil" 'BEGIN{g = f * 1000 / h; printf "hrcast %s threads=%s median_ms=%.2f gflops=%.2f (%.0f%% of %.0f GFLOP/s x %d threads)", m, th, h, g, 100 * g / (c * th), c, th}')  $(loadnote "$ld")"
  if [ $have_torch = 1 ]; then
    t1=$(echo "$ts" | median); t2=$(echo "$tu" | median)
    t=$(awk -v a="$t1" -v b="$t2" 'BEGIN{print (a < b ? a : b)}')
    which=$(awk -v a="$t1" -v b="$t2" 'BEGIN{print (a < b ? "environment as is" : "OPENBLAS_CORETYPE/L2_SIZE unset")}')
    echo "  torch $peer threads=$th: $t1 ms with the environment as is, $t2 ms with OPENBLAS_CORETYPE/L2_SIZE unset; the faster ($which) is compared"
    echo "  $(loadnote "$ld") (highest of the rounds)"
    awk -v m="$mode" -v p="$peer" -v th="$th" -v h="$h" -v t="$t" 'BEGIN{printf "%s threads=%s  hrcast %.1f ms  torch%s %.1f ms  ratio torch/hrcast %.2fx\n", m, th, h, (p == m ? "" : " " p), t, t/h}'
    if [ -z "$best_t" ] || awk -v a="$t" -v b="$best_t" 'BEGIN{exit !(a < b)}'; then best_t=$t; best_tth=$th; fi
  else
    echo "$mode threads=$th  hrcast $h ms  (python3-torch absent: no peer)"
  fi
  if [ -z "$best_h" ] || awk -v a="$h" -v b="$best_h" 'BEGIN{exit !(a < b)}'; then best_h=$h; best_hth=$th; fi
done
# the machine as a whole: each side at its own best thread count
if [ -n "$best_t" ]; then
  awk -v m="$mode" -v h="$best_h" -v hth="$best_hth" -v t="$best_t" -v tth="$best_tth" \
    -v p="$peer" 'BEGIN{printf "%s best-vs-best  hrcast %.1f ms (threads=%s)  torch%s %.1f ms (threads=%s)  ratio %.2fx\n", m, h, hth, (p == m ? "" : " " p), t, tth, t/h}'
fi
