#!/usr/bin/env bash
# import.sh — FitRec import throughput: generates a synthetic Endomondo-style file (bench/gen_fitrec.c,
# SIZE MB, default 1024, seeded), then measures side by side
#   - our parser alone: bench/fitrec_parse_bench.c (fitrec_read_stream + counting sink), MB/s and peak RSS
#   - `hrcast import FILE -o X.hrd` (the whole pipeline) when the binary has the import command
#   - the reference: Python's ast.literal_eval (/usr/bin/python3) over the first REF_LINES lines, MB/s
# and prints the ratio. MB = 2^20 bytes. Everything lives in a temp dir that is removed at the end.
# Usage: bench/import.sh            SIZE=256 bench/import.sh         REF_LINES=300 SEED=1
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-1024}
SEED=${SEED:-1}
REF_LINES=${REF_LINES:-300}
CC=${CC:-cc}

make -s build/hrcast build/libhrcast.a >/dev/null
$CC -O2 -Wall -Wextra -Werror -o build/gen_fitrec bench/gen_fitrec.c
$CC -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc -o build/fitrec_parse_bench bench/fitrec_parse_bench.c \
    build/libhrcast.a $(pkg-config --libs expat zlib spng libmicrohttpd snappy libzstd) -lopenblas -lgif -lpthread -lm

tmp=$(mktemp -d /tmp/hrcast-bench-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
file="$tmp/endomondo.json"
t0=$(date +%s.%N)
build/gen_fitrec "$file" "$SIZE" "$SEED"
t1=$(date +%s.%N)
bytes=$(stat -c %s "$file")
mb=$(awk -v b="$bytes" 'BEGIN{printf "%.1f", b/1048576}')
echo "file: $mb MB synthetic FitRec (500 samples/line, seed $SEED), generated in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# Peak RSS (kB) and elapsed seconds from /usr/bin/time -v.
rss_of() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
elapsed_of() {
    sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" |
        awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'
}

# 1. our parser alone (best of 2 runs by CPU time; wall time is shown too)
best_cpu=0
for run in 1 2; do
    out=$(/usr/bin/time -v -o "$tmp/time.txt" build/fitrec_parse_bench "$file")
    read -r _ wk samples _ wall mbs_wall cpu mbs_cpu <<<"$out"
    rss=$(rss_of "$tmp/time.txt")
    if awk -v a="$mbs_cpu" -v b="$best_cpu" 'BEGIN{exit !(a>b)}'; then
        best_cpu=$mbs_cpu; best_wall=$mbs_wall; best_rss=$rss
    fi
done
echo "parser (fitrec_read_stream): $wk workouts, $samples samples"
printf '  ours:      %8.1f MB/s (CPU time)  %8.1f MB/s (wall)  peak RSS %6.1f MB\n' "$best_cpu" "$best_wall" \
    "$(awk -v k="$best_rss" 'BEGIN{print k/1024}')"

# 2. the full import command, when it is built
imp_mbs=""
if build/hrcast import --help >/dev/null 2>&1; then
    if /usr/bin/time -v -o "$tmp/time2.txt" build/hrcast import "$file" -o "$tmp/x.hrd" >/dev/null 2>"$tmp/import.err"; then
        el=$(elapsed_of "$tmp/time2.txt")
        imp_rss=$(rss_of "$tmp/time2.txt")
        imp_mbs=$(awk -v b="$bytes" -v s="$el" 'BEGIN{printf "%.1f", b/1048576/s}')
        printf '  import:    %8.1f MB/s (wall, whole pipeline incl. .hrd write)   peak RSS %6.1f MB\n' "$imp_mbs" \
            "$(awk -v k="$imp_rss" 'BEGIN{print k/1024}')"
    else
        echo "  import:    failed: $(tail -1 "$tmp/import.err")"
    fi
else
    echo "  import:    n/a (this build's hrcast has no working import command yet)"
fi

# 3. reference: ast.literal_eval over the first REF_LINES lines (CPU time of the parse loop only)
ref=$(/usr/bin/python3 - "$file" "$REF_LINES" <<'EOF'
import ast, sys, time
path, n = sys.argv[1], int(sys.argv[2])
lines = []
with open(path, "rb") as f:
    for _ in range(n):
        l = f.readline()
        if not l:
            break
        lines.append(l.decode())
size = sum(len(l) for l in lines)
t0 = time.process_time()
samples = 0
for l in lines:
    d = ast.literal_eval(l)
    samples += len(d["timestamp"])
dt = time.process_time() - t0
print(f"{size / 1048576 / dt:.2f} {len(lines)} {samples} {size / 1048576:.1f}")
EOF
)
read -r ref_mbs ref_lines ref_samples ref_mb <<<"$ref"
printf '  reference: %8.2f MB/s (CPU time; Python ast.literal_eval over %s lines = %s MB, scaled)\n' "$ref_mbs" \
    "$ref_lines" "$ref_mb"
printf 'ratio ours/reference: %.0fx (parser, CPU time)' "$(awk -v a="$best_cpu" -v b="$ref_mbs" 'BEGIN{print a/b}')"
[ -n "$imp_mbs" ] && printf ', %.0fx (import, wall)' "$(awk -v a="$imp_mbs" -v b="$ref_mbs" 'BEGIN{print a/b}')"
echo
