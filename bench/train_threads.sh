#!/usr/bin/env bash
# train_threads.sh — how much faster hrcast's training step (2x128 LSTM, B 64, T 500: bench/train_bench.c) runs
# on 2 threads than on 1 (issue #17's goal: >= 1.6x): ROUNDS alternating rounds of `train_bench train 1` and
# `train_bench train 2`, each the median of ITERS steps, with the load average of each round; prints the medians,
# the per-round ratios and, last, a line a script can read:
#   train threads 2 vs 1  X ms  Y ms  ratio Zx (per-round median Wx)
# No PyTorch here (bench/train_vs_torch.sh has both); run it under ../shared/tools/quiet-run.
# Env: ROUNDS (8), ITERS (5), HRCAST_ISA (the kernel path).
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/libhrcast.a
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -I/usr/include/x86_64-linux-gnu/openblas-pthread -o build/train_bench \
  bench/train_bench.c build/libhrcast.a -lopenblas -lpthread -lm
ms() { sed 's/.*median_ms=\([0-9.]*\).*/\1/'; }
one=; two=; loads=
for r in $(seq "${ROUNDS:-8}"); do
  loads="$loads $(cut -d' ' -f1 /proc/loadavg)"
  one="$one $(build/train_bench train 1 "${ITERS:-5}" 1 | ms)"
  two="$two $(build/train_bench train 2 "${ITERS:-5}" 1 | ms)"
done
echo "  1 thread rounds:$one ms"
echo "  2 threads rounds:$two ms"
warn=$(echo "$loads" | awk '{for (i = 1; i <= NF; i++) if ($i > 0.5) w = 1}
  END {if (w) printf " (WARNING: load above 0.5 in some rounds; the 2-thread rounds raise it themselves)"}')
echo "  round loads:$loads$warn"
awk -v a="$one" -v b="$two" 'function med(v, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
    if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t } return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
  BEGIN { n = split(a, x, " "); split(b, y, " "); for (i = 1; i <= n; i++) { x2[i] = x[i]; y2[i] = y[i]; q[i] = x[i] / y[i] }
    printf "  per-round ratios:"; for (i = 1; i <= n; i++) printf " %.2f", q[i]; printf "\n"
    m1 = med(x2, n); m2 = med(y2, n)
    printf "train threads 2 vs 1  %.1f ms  %.1f ms  ratio %.2fx (per-round median %.2fx)\n", m1, m2, m1 / m2, med(q, n) }'
