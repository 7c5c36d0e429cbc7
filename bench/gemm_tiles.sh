#!/usr/bin/env bash
# gemm_tiles.sh — builds bench/gemm_tiles.c once per AVX-512 register tile (rows x 16-column panels)
# and prints each one's GFLOP/s on the LSTM's product shapes, with the load average: the data behind
# NN_Z_MR / NN_Z_NP in src/nn/gemm_packed.c. Usage: bench/gemm_tiles.sh [H [B]] (default 128 64).
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/libhrcast.a
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
inc="-Iinclude -Isrc -I/usr/include/x86_64-linux-gnu/openblas-pthread -I/usr/include/openblas"
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
for shape in ${TILES:-4x4 6x2 6x3 6x4 8x2 8x3 12x2}; do
  mr=${shape%x*} np=${shape#*x}
  ${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 $inc -DNN_Z_MR="$mr" -DNN_Z_NP="$np" bench/gemm_tiles.c \
    build/libhrcast.a -lopenblas -lm -o "$tmp/t"
  "$tmp/t" "${1:-128}" "${2:-64}"
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
