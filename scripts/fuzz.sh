#!/usr/bin/env bash
# fuzz.sh — builds every fuzz/fuzz_*.c as a libFuzzer target with clang (ASan+UBSan) and runs each
# for FUZZ_SECONDS (default 30) seeded with tests-generated corpora in build-fuzz/corpus/<name>, with
# memory and time limits per input (FUZZ_RSS_MB, default 512; FUZZ_TIMEOUT, default 10 s). Undefined
# behaviour stops a run like a crash (-fno-sanitize-recover; a 110 s run of fuzz_csv found an undefined
# cast that had only been reported, never failed a run).
set -euo pipefail
secs=${FUZZ_SECONDS:-30}
rss_mb=${FUZZ_RSS_MB:-512}      # the targets read with the server's upload budgets (fuzz/fuzz_limits.h)
timeout_s=${FUZZ_TIMEOUT:-10}   # any one input (ASan+UBSan build)
targets=$(ls fuzz/fuzz_*.c 2>/dev/null || true)
[ -z "$targets" ] && { echo "fuzz: no targets"; exit 0; }
make -s BUILD=build-fuzz CC=clang OPT="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
  build-fuzz/libhrcast.a
# Seeds: the unit tests save the inputs they generate when HRCAST_SEED_DIR is set.
HRCAST_SEED_DIR="$PWD/build-fuzz/corpus" make -s test >/dev/null 2>&1 || true
for t in $targets; do
  name=$(basename "$t" .c)
  mkdir -p build-fuzz/corpus/$name
  [ -d fuzz/seeds/$name ] && cp -n fuzz/seeds/$name/* build-fuzz/corpus/$name/ 2>/dev/null || true
  clang -std=c11 -D_GNU_SOURCE -Iinclude -Isrc -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -o build-fuzz/$name "$t" build-fuzz/libhrcast.a $(pkg-config --libs expat zlib spng libmicrohttpd snappy libzstd libarchive) -lopenblas -lgif -lpthread -lm
  echo "fuzz: $name for ${secs}s"
  # -rss_limit_mb (also the largest single malloc) and -timeout (seconds per input): a resource bug
  # (an allocation or a loop that the input sizes should have bounded) fails the run like a crash
  build-fuzz/$name -max_total_time="$secs" -rss_limit_mb="$rss_mb" -timeout="$timeout_s" -max_len=65536 \
    build-fuzz/corpus/$name 2>&1 | tail -3
done
