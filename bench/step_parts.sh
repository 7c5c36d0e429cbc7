#!/usr/bin/env bash
# step_parts.sh — bench/step_parts.c on every kernel path this CPU has, with the 512-bit FMA ceiling
# (bench/fma_peak.c) and the load average: which part of a training step is how far from the ceiling.
# Usage: bench/step_parts.sh   Env: PATHS ("avx512 avx2 portable"), CEILING (GFLOP/s to compare with
# instead of the one measured now, e.g. a quiet machine's)
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/libhrcast.a
inc="-Iinclude -Isrc -I/usr/include/x86_64-linux-gnu/openblas-pthread -I/usr/include/openblas"
cc -std=c11 -D_GNU_SOURCE -O2 $inc bench/step_parts.c build/libhrcast.a -lopenblas -lpthread -lm -o build/step_parts
cc -O2 -o build/fma_peak bench/fma_peak.c
peaks=$(build/fma_peak)
echo "$peaks"
ceil=$(echo "$peaks" | sed -n 's/^fma_peak512 gflops=\([0-9.]*\).*/\1/p')
ceil=${ceil:-$(echo "$peaks" | sed -n 's/^fma_peak gflops=\([0-9.]*\).*/\1/p')}
ceil=${CEILING:-$ceil}
echo "ceiling used: $ceil GFLOP/s"
for p in ${PATHS:-avx512 avx2 portable}; do
  echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
  HRCAST_ISA=$p build/step_parts "$ceil" || echo "path $p: not on this CPU"
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
