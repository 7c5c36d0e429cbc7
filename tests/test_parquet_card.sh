#!/usr/bin/env bash
# test_parquet_card.sh — the dataset card (README.md) of `export --format parquet` states what the dataset
# holds: its sports counted from the rows, the split's rule and what it gave (2 athletes: all train), the
# cleaning rules as docs/data.md states them, and that import's options are not recorded. Also that
# export --help does not claim csv and parquet carry hr_truth (simulate --artifacts' labels) back.
# Usage: tests/test_parquet_card.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-pqcard-test.XXXXXX)
. "$(dirname "$0")/lib.sh"

# two athletes, one ride and two runs of 20 minutes, as hrcast's own jsonl lines
py "
import json
with open('$tmp/w.jsonl', 'w') as f:
    for k, (ath, sport) in enumerate([('ann', 'cycling'), ('ann', 'running'), ('bob', 'running')]):
        n = 120
        f.write(json.dumps({'athlete': ath, 'sport': sport, 'start_time': 1.6e9 + k * 86400, 'step_s': 10,
                            'time': [i * 10 for i in range(n)], 'speed': [3.0] * n,
                            'heart_rate': [130 + i % 7 for i in range(n)]}) + '\n')
"
"$BIN" import --sport any "$tmp/w.jsonl" -o "$tmp/w.hrd" -q
"$BIN" export "$tmp/w.hrd" --format parquet -o "$tmp/pq" -q
card=$tmp/pq/README.md
check "the card counts the sports of its rows" 'grep -q "^Sports, by workouts: cycling 1, running 2$" $card'
check "no 'Running workouts' or 'running only' stated as fact" '! grep -qi "running workouts\|running only" $card'
check "the split: the real rule, and that 2 athletes put all in train" \
  'grep -q "balanced toward 70/15/15 % of the valid heart-rate steps" $card && grep -q "Here: train 100.0 %" $card && grep -q "no athlete-disjoint validation or test part" $card && ! grep -q "70/15/15 by athlete" $card'
check "the cleaning rules as docs/data.md states them" \
  'grep -q "non-pause steps" $card && grep -q "keeps the gap.s mean speed" $card && ! grep -q "gaps longer than 60 s are pauses: speed 0" $card'
check "import options are said not to be recorded" 'grep -q "are not recorded in the dataset" $card'

"$BIN" export --help > "$tmp/help.txt"
check "export --help: csv and parquet drop hr_truth" 'grep -q "csv and parquet drop it" $tmp/help.txt'

echo "test_parquet_card: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
