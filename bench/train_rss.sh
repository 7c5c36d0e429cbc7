#!/usr/bin/env bash
# train_rss.sh — peak memory of training: VmRSS, RssAnon (heap) and RssFile (mapped pages). The dataset is
# now read whole into memory (docs/dataset-format.md "Reading"), so its size shows in RssAnon.
# Runs `hrcast train DATASET` (small LSTM, all steps touched: --max-len 1440) and samples
# /proc/PID/status every 0.2 s: peak VmRSS, RssAnon (the process's own memory) and RssFile (pages of
# the mapped dataset currently resident: page cache the kernel may drop, not the process's heap).
# Usage: bench/train_rss.sh DATASET.hrd [extra train options]
set -euo pipefail
cd "$(dirname "$0")/.."
ds=$1; shift
make -s build/hrcast >/dev/null
tmp=$(mktemp -d /tmp/hrcast-rss.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
echo "bench/train_rss.sh: dataset $(du -h "$ds" | cut -f1) ($(stat -c %s "$ds") bytes), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), MemTotal $(awk '/MemTotal/{print $2/1048576 " GiB"}' /proc/meminfo)"
build/hrcast train "$ds" -o "$tmp/m.safetensors" --hidden 8 --layers 1 --batch 256 --epochs 1 --max-len 1440 -q "$@" &
pid=$!
peak_rss=0 peak_anon=0 peak_file=0
while kill -0 $pid 2>/dev/null; do
  if read -r rss anon file < <(awk '/^VmRSS/{r=$2} /^RssAnon/{a=$2} /^RssFile/{f=$2} END{print r, a, f}' /proc/$pid/status 2>/dev/null); then
    [ -n "$rss" ] || break
    [ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
    [ "$anon" -gt "$peak_anon" ] && peak_anon=$anon
    [ "$file" -gt "$peak_file" ] && peak_file=$file
  fi
  sleep 0.2
done
wait $pid
awk -v r="$peak_rss" -v a="$peak_anon" -v f="$peak_file" -v s="$(stat -c %s "$ds")" 'BEGIN{
  printf "peak VmRSS %.0f MB = RssAnon %.0f MB (heap: index, batches, model) + RssFile up to %.0f MB (mapped dataset pages)\n", r/1024, a/1024, f/1024;
  printf "dataset file %.0f MB: anonymous memory is %.1f%% of it\n", s/1048576, 100*a*1024/s}'
