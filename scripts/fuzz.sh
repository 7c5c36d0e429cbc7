#!/usr/bin/env bash
# fuzz.sh — builds every fuzz/fuzz_*.c as a libFuzzer target with clang (ASan+UBSan) and runs each
# for FUZZ_SECONDS (default 30) seeded with tests-generated corpora in build-fuzz/corpus/<name>.
set -euo pipefail
secs=${FUZZ_SECONDS:-30}
targets=$(ls fuzz/fuzz_*.c 2>/dev/null || true)
[ -z "$targets" ] && { echo "fuzz: no targets"; exit 0; }
make -s BUILD=build-fuzz CC=clang OPT="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" build-fuzz/libhrcast.a
# Seeds: the unit tests save the inputs they generate when HRCAST_SEED_DIR is set.
HRCAST_SEED_DIR="$PWD/build-fuzz/corpus" make -s test >/dev/null 2>&1 || true
for t in $targets; do
  name=$(basename "$t" .c)
  mkdir -p build-fuzz/corpus/$name
  [ -d fuzz/seeds/$name ] && cp -n fuzz/seeds/$name/* build-fuzz/corpus/$name/ 2>/dev/null || true
  clang -std=c11 -D_GNU_SOURCE -Iinclude -Isrc -O1 -g -fsanitize=fuzzer,address,undefined \
    -o build-fuzz/$name "$t" build-fuzz/libhrcast.a $(pkg-config --libs expat zlib spng libmicrohttpd snappy libzstd libarchive) -lopenblas -lgif -lpthread -lm
  echo "fuzz: $name for ${secs}s"
  build-fuzz/$name -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 build-fuzz/corpus/$name 2>&1 | tail -3
done
