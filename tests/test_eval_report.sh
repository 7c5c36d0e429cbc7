#!/usr/bin/env bash
# test_eval_report.sh — what eval's report (metrics.json, metrics.md, report.html) and the model card say
# about how the numbers were made: the --physio file's kind and step are checked and the file is recorded;
# a selection the model validated or trained on is flagged as optimistic; the Rerun line is the command as
# run; the precision; the training curve only from this model's own log; the card's --license and epochs.
# Usage: tests/test_eval_report.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-eval-report-test.XXXXXX)
. "$(dirname "$0")/lib.sh"
lines() { wc -l < "$1" | tr -d ' '; }

"$BIN" simulate --athletes 6 --workouts 12 --seed 5 -o "$tmp/big.hrd" -q
"$BIN" train "$tmp/big.hrd" -o "$tmp/bc.safetensors" --split chrono --epochs 3 --threads 1 --hidden 16 -q

# --- hrcast card
check "card --license with a newline: exit 2, one line, no card" '"$BIN" card "$tmp/bc.safetensors" --no-metrics -o "$tmp/c.md" --license "$(printf "mit\nlibrary_name: evil")" 2>$tmp/e; [ $? = 2 ] && [ $(lines $tmp/e) = 1 ] && grep -q -- "--license: not a licence id" $tmp/e && [ ! -e $tmp/c.md ]'
check "card --license with a colon: exit 2" '"$BIN" card "$tmp/bc.safetensors" --no-metrics --license "a: b" >/dev/null 2>$tmp/e; [ $? = 2 ] && [ $(lines $tmp/e) = 1 ]'
check "card --license apache-2.0 is written as it is" '"$BIN" card "$tmp/bc.safetensors" --no-metrics --license apache-2.0 -q | has -x "license: apache-2.0"'
check "card: epochs run and the epoch the weights are from, said apart" '"$BIN" card "$tmp/bc.safetensors" --no-metrics -q | has "^| epochs | 3 run; the weights are the best validation epoch.s ([123]) |$"'

# --- eval --physio FILE: a physio model on the dataset's grid, recorded by path and hash
"$BIN" simulate --athletes 3 --workouts 4 --seed 3 -o "$tmp/other.hrd" -q
"$BIN" simulate --athletes 3 --workouts 4 --seed 3 --step 5 -o "$tmp/other5.hrd" -q
"$BIN" train "$tmp/other.hrd" -o "$tmp/other_lstm.safetensors" --epochs 1 --threads 1 --hidden 8 -q
"$BIN" fit-physio "$tmp/other.hrd" -o "$tmp/other_physio.safetensors" -q
"$BIN" fit-physio "$tmp/other5.hrd" -o "$tmp/physio5.safetensors" -q
check "eval --physio LSTM: exit 2, one line, says what it is and what to run" '"$BIN" eval "$tmp/bc.safetensors" "$tmp/big.hrd" --physio "$tmp/other_lstm.safetensors" >$tmp/o 2>$tmp/e; [ $? = 2 ] && [ $(lines $tmp/e) = 1 ] && [ ! -s $tmp/o ] && grep -q "not a physiological model (its model_type is lstm): .* fit-physio .*big.hrd --split chrono" $tmp/e'
check "eval --physio with another step: exit 2, one line" '"$BIN" eval "$tmp/bc.safetensors" "$tmp/big.hrd" --physio "$tmp/physio5.safetensors" >$tmp/o 2>$tmp/e; [ $? = 2 ] && [ $(lines $tmp/e) = 1 ] && grep -q "has a step of 5 s, the dataset.s is 10 s" $tmp/e'
"$BIN" eval "$tmp/bc.safetensors" "$tmp/big.hrd" --physio "$tmp/other_physio.safetensors" -o "$tmp/evp" -q >/dev/null
phash=$(py "import json; print(json.load(open('$tmp/evp/metrics.json'))['baselines']['physio'].get('file_hash', 'none'))")
check "metrics.json: the physio baseline names its file and the file's hash" 'py "
import json
b=json.load(open(\"$tmp/evp/metrics.json\"))[\"baselines\"]
assert b[\"physio\"][\"file\"]==\"$tmp/other_physio.safetensors\" and b[\"physio\"][\"file_hash\"].startswith(\"fnv1a64:\"), b[\"physio\"]
assert \"file\" not in b[\"constant\"]
"'
check "the workout figures are dated in UTC, and say so (title and caption)" 'grep -q "<figcaption>best workout by [^<]* MAE ([^,]*, 20[0-9][0-9]-[01][0-9]-[0-3][0-9] UTC, [0-9]* min" $tmp/evp/report.html'
check "metrics.md and report.html say the physio baseline was read from the file" 'grep -q "physio baseline was read from $tmp/other_physio.safetensors ($phash), not fitted here" $tmp/evp/metrics.md && grep -q "physio baseline was read from $tmp/other_physio.safetensors ($phash)" $tmp/evp/report.html'
check "card: the physio baseline came from that file (not 'Baselines were fitted')" '"$BIN" card "$tmp/bc.safetensors" --metrics $tmp/evp/metrics.json -q > $tmp/card.md && grep -q "the physio baseline came from the file .$tmp/other_physio.safetensors. ($phash)" $tmp/card.md && ! grep -q "Baselines were fitted" $tmp/card.md'

# --- the Rerun line: the command as run, shell-quoted; pasted, it writes the same metrics
cp "$tmp/other_physio.safetensors" "$tmp/my 'physio'.safetensors"
"$BIN" eval "$tmp/bc.safetensors" "$tmp/big.hrd" --split chrono:test --athlete sim0003 --seed 7 --recent-form \
    --physio "$tmp/my 'physio'.safetensors" -o "$tmp/rr" -q >/dev/null
cp "$tmp/rr/metrics.json" "$tmp/rr1.json"
rerun=$(py "import html,re; print(html.unescape(re.search(r'Rerun: <code>(.*?)</code>', open('$tmp/rr/report.html').read()).group(1)))")
check "report.html's Rerun line is the command as run (options in the order typed)" 'case "$rerun" in *" eval $tmp/bc.safetensors $tmp/big.hrd --split chrono:test --athlete sim0003 --seed 7 --recent-form --physio "*"physio"*" -o $tmp/rr -q") true;; *) false;; esac'
check "metrics.json and metrics.md carry the same command" 'py "import json,sys; assert json.load(open(\"$tmp/rr1.json\"))[\"command\"]==sys.argv[1]" "$rerun" && grep -qxF -- "$rerun" $tmp/rr/metrics.md'
rm -rf "$tmp/rr"
check "the Rerun line pasted into a shell runs and writes the same metrics.json" 'bash -c "$rerun" >/dev/null 2>&1 && cmp -s "$tmp/rr/metrics.json" "$tmp/rr1.json"'

# --- --int8 / --bf16: the precision is recorded and said wherever the numbers go
"$BIN" eval "$tmp/bc.safetensors" "$tmp/big.hrd" --int8 -o "$tmp/ev8" -q >/dev/null
check "eval --int8: metrics.json precision int8 (fp32 without it)" 'py "import json; assert json.load(open(\"$tmp/ev8/metrics.json\"))[\"precision\"]==\"int8\" and json.load(open(\"$tmp/evp/metrics.json\"))[\"precision\"]==\"fp32\""'
check "eval --int8: metrics.md and report.html say so; an fp32 report does not" 'grep -q "predicted with its int8 forward" $tmp/ev8/metrics.md && grep -q "predicted with its int8 forward" $tmp/ev8/report.html && ! grep -q "forward (hrcast eval" $tmp/evp/metrics.md $tmp/evp/report.html'
check "card --metrics of an int8 eval: a note and the model-index names say int8" '"$BIN" card "$tmp/bc.safetensors" --metrics $tmp/ev8/metrics.json -q > $tmp/card8.md && grep -q "^- \*\*Note:\*\* The model predicted with its int8 forward" $tmp/card8.md && grep -q "name: \"MAE (bpm, all valid steps), model run in int8\"" $tmp/card8.md && ! grep -q "int8" $tmp/card.md'

# --- optimistic numbers (validation or training workouts in the selection) are flagged in every output
"$BIN" eval "$tmp/bc.safetensors" "$tmp/big.hrd" --split athlete:test --allow-overlap -o "$tmp/evo" -q >/dev/null
"$BIN" eval "$tmp/bc.safetensors" "$tmp/big.hrd" --split chrono:val -o "$tmp/evv" -q >/dev/null
check "--allow-overlap: metrics.md and report.html say how many were training data" 'n=$(py "import json; print(json.load(open(\"$tmp/evo/metrics.json\"))[\"seen_in_training\"])"); [ "$n" -gt 0 ] && grep -q "Not held out: $n of these [0-9]* workouts were the model.s training data" $tmp/evo/metrics.md && grep -q "Not held out: $n of these" $tmp/evo/report.html'
check "chrono:val: metrics.md and report.html say they were its validation data" 'grep -q "workouts were the model.s validation data (they chose its best epoch)" $tmp/evv/metrics.md && grep -q "validation data (they chose its best epoch)" $tmp/evv/report.html'
check "a held-out eval says nothing of the kind" '! grep -q "Not held out" $tmp/evp/metrics.md $tmp/evp/report.html $tmp/card.md'
check "card of an athlete:test --allow-overlap eval (its split says test): flagged optimistic" '"$BIN" card "$tmp/bc.safetensors" --metrics $tmp/evo/metrics.json -q | has "^- \*\*Note:\*\* Not held out: [0-9]* of these [0-9]* workouts were the model.s training data.*optimistic"'
py "import json; j=json.load(open('$tmp/evp/metrics.json')); j['seen_in_validation']=3; json.dump(j, open('$tmp/val3.json', 'w'))"
check "card: seen_in_validation > 0 on a test split: flagged optimistic" '"$BIN" card "$tmp/bc.safetensors" --metrics $tmp/val3.json -q | has "^- \*\*Note:\*\* Not held out: 3 of these [0-9]* workouts were the model.s validation data"'

# --- the training curve comes from MODEL.log.jsonl only when that log is this model's
check "an LSTM's own log: the report has its training curve" '"$BIN" eval "$tmp/bc.safetensors" "$tmp/big.hrd" -o "$tmp/evc" -q >/dev/null && [ -s $tmp/evc/training_curve.png ] && grep -q "from the training log" $tmp/evc/report.html'
"$BIN" train "$tmp/other.hrd" -o "$tmp/pz.safetensors" --epochs 2 --threads 1 --hidden 8 -q
"$BIN" fit-physio "$tmp/other.hrd" -o "$tmp/pz.safetensors" -q
check "a physio model written over an LSTM's file: no curve from the LSTM's log, a warning says why" '"$BIN" eval "$tmp/pz.safetensors" "$tmp/other.hrd" -o "$tmp/evz" >/dev/null 2>$tmp/e && [ ! -e $tmp/evz/training_curve.png ] && ! grep -q "from the training log" $tmp/evz/report.html && grep -q "pz.safetensors.log.jsonl is not this model.s training log" $tmp/e'
cp "$tmp/other_lstm.safetensors.log.jsonl" "$tmp/bc2.safetensors.log.jsonl"; cp "$tmp/bc.safetensors" "$tmp/bc2.safetensors"
check "another LSTM's log under this model's name: no curve" '"$BIN" eval "$tmp/bc2.safetensors" "$tmp/big.hrd" -o "$tmp/evc2" -q >/dev/null 2>&1 && [ ! -e $tmp/evc2/training_curve.png ]'

echo "test_eval_report: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
