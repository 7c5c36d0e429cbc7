#!/usr/bin/env bash
# stream.sh — time per pushed sample of the live stream on a 2x128 LSTM (the issue's goal: <= 5 us):
# bench/stream_bench.c pushes a 2-hour 1 Hz run (7200 samples) into hrcast_stream_push, best of REPS passes,
# alone and with hrcast_stream_hr_now after every push. The model is untrained (the time does not depend on
# the weights), default features, 60 s pre-roll. Prints the machine's load: on a shared machine the numbers
# are upper bounds. Env: REPS (5). Usage: bench/stream.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-5}
make -s build/hrcast build/libhrcast.a >/dev/null
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Iinclude -o build/stream_bench bench/stream_bench.c \
  build/libhrcast.a $(pkg-config --libs expat zlib spng libmicrohttpd snappy libzstd 2>/dev/null) -lopenblas -lgif -lpthread -lm
tmp=$(mktemp -d /tmp/hrcast-stream.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
build/hrcast simulate --athletes 3 --workouts 3 --seed 1 -q -o "$tmp/s.hrd"
build/hrcast train "$tmp/s.hrd" -o "$tmp/m.safetensors" --epochs 1 --time-budget 5 --hidden 128 --layers 2 --features default -q
echo "bench/stream.sh: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ); model 2x128 LSTM"
build/stream_bench "$tmp/m.safetensors" "$REPS"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
