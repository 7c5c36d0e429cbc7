#!/usr/bin/env bash
# test_other_runner.sh — a finetuned model and runs that name another athlete than its runner (its own runs
# imported with --athlete me, or from another folder, which names the folder): eval, predict, plot and replay
# predict them as the athlete they name, as before, but warn, naming the model's runner, the athlete and the
# count, with the option that predicts them as the model's runner (eval --runner, --athlete elsewhere), and
# that option gives the numbers of the runs imported under the runner's own name. --recent-form runs that name
# another runner (a dataset imported from the folder "last-week" names "last-week"): predict and plan say so,
# naming them, and --athlete RUNNER counts a one-runner file as RUNNER's (until 2026-12-07 predict blamed their
# dates, plan said "+0.0 bpm from the last 0").
# Usage: tests/test_other_runner.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-other-runner.XXXXXX)
. "$(dirname "$0")/lib.sh"
mae_eval() { sed -n 's/^  lstm  *\([0-9.]*\) .*/\1/p' "$1" | head -1; }
mae_predict() { sed -n 's/.*MAE \([0-9.]*\) bpm.*/\1/p' "$1" | tail -1; }

"$BIN" simulate --athletes 4 --workouts 12 --seed 5 --emit-files "$tmp/runs" -q -o "$tmp/d.hrd"
"$BIN" train "$tmp/d.hrd" -o "$tmp/g.safetensors" --split chrono --epochs 1 --hidden 8 --threads 1 -q
"$BIN" finetune "$tmp/g.safetensors" "$tmp/d.hrd" --athlete sim0003 --scale-only -o "$tmp/q.safetensors" -q
"$BIN" import "$tmp/runs/sim0003" --athlete sim0003 -o "$tmp/own.hrd" -q
"$BIN" import "$tmp/runs/sim0003" --athlete me -o "$tmp/me.hrd" -q

E="--split all --allow-overlap"
"$BIN" eval "$tmp/q.safetensors" "$tmp/own.hrd" $E >"$tmp/own" 2>"$tmp/own.e"
"$BIN" eval "$tmp/q.safetensors" "$tmp/me.hrd" $E >"$tmp/me" 2>"$tmp/me.e"
check "eval, runs naming 'me': one warning naming the runner, the athlete, the count and --runner sim0003" \
  'grep -q "^warning: .*q.safetensors was finetuned for runner .sim0003., but 12 of the 12 workouts of all name another athlete (.me.).*add --runner sim0003$" $tmp/me.e'
check "eval of the runs under the runner's own name: no such warning" '! grep -q "finetuned for runner" $tmp/own.e'
"$BIN" eval "$tmp/q.safetensors" "$tmp/me.hrd" $E --runner sim0003 >"$tmp/as" 2>"$tmp/as.e"; rc=$?
check "eval --runner sim0003 (pasted from the warning): exit 0, the MAE of the runs named sim0003 ($(mae_eval $tmp/own)), no warning" \
  '[ $rc -eq 0 ] && [ "$(mae_eval $tmp/as)" = "$(mae_eval $tmp/own)" ] && [ "$(mae_eval $tmp/me)" != "$(mae_eval $tmp/own)" ] && ! grep -q "finetuned for runner" $tmp/as.e && grep -q "as runner sim0003" $tmp/as'
"$BIN" eval "$tmp/q.safetensors" "$tmp/me.hrd" $E --runner nobody >/dev/null 2>"$tmp/e"; rc=$?
check "eval --runner nobody: exit 2, one line listing the runners the model knows" \
  '[ $rc -eq 2 ] && [ $(wc -l < $tmp/e) = 1 ] && grep -q "has no parameters for .nobody." $tmp/e'

"$BIN" predict "$tmp/q.safetensors" "$tmp/me.hrd" >/dev/null 2>"$tmp/e"
check "predict, runs naming 'me': the warning, with --athlete sim0003" \
  'grep -q "^warning: .*finetuned for runner .sim0003., but 12 of the 12 runs given name another athlete (.me.).*add --athlete sim0003$" $tmp/e'
"$BIN" predict "$tmp/q.safetensors" "$tmp/me.hrd" --athlete sim0003 >/dev/null 2>"$tmp/pa"
"$BIN" predict "$tmp/q.safetensors" "$tmp/own.hrd" >/dev/null 2>"$tmp/po"
check "predict --athlete sim0003: no warning, the MAE of the runs named sim0003" \
  '! grep -q "finetuned for runner" $tmp/pa && [ "$(mae_predict $tmp/pa)" = "$(mae_predict $tmp/po)" ] && ! grep -q "finetuned for runner" $tmp/po'
fit=$(ls "$tmp"/runs/sim0003/*.fit | head -1) # names no runner: the model's own, no warning
"$BIN" predict "$tmp/q.safetensors" "$fit" >/dev/null 2>"$tmp/e"
check "predict of a file naming no one: no warning" '! grep -q "finetuned for runner" $tmp/e'
"$BIN" predict "$tmp/g.safetensors" "$tmp/me.hrd" >/dev/null 2>"$tmp/e"
check "a general model: no warning" '! grep -q "finetuned for runner" $tmp/e'

"$BIN" plot "$tmp/q.safetensors" "$tmp/me.hrd" -o "$tmp/p.svg" 2>"$tmp/e"
check "plot: the run names another athlete, add --athlete sim0003" \
  'grep -q "^warning: .*but the run names another athlete (.me.).*add --athlete sim0003$" $tmp/e'
"$BIN" replay "$tmp/q.safetensors" "$tmp/me.hrd" >"$tmp/r1" 2>"$tmp/e"
check "replay: the warning, with --athlete sim0003" 'grep -q "^warning: .*12 of the 12 runs given name another athlete.*add --athlete sim0003$" $tmp/e'
"$BIN" replay "$tmp/q.safetensors" "$tmp/me.hrd" --athlete sim0003 >"$tmp/r2" 2>"$tmp/e"; rc=$?
"$BIN" replay "$tmp/q.safetensors" "$tmp/own.hrd" >"$tmp/r3" 2>/dev/null
check "replay --athlete sim0003: exit 0, no warning, the rows of the runs named sim0003" \
  '[ $rc -eq 0 ] && ! grep -q "finetuned for runner" $tmp/e && [ "$(cut -d, -f3- $tmp/r2 | md5sum)" = "$(cut -d, -f3- $tmp/r3 | md5sum)" ] && [ "$(cut -d, -f3- $tmp/r1 | md5sum)" != "$(cut -d, -f3- $tmp/r3 | md5sum)" ]'
"$BIN" replay "$tmp/q.safetensors" "$tmp/me.hrd" --athlete nobody >/dev/null 2>"$tmp/e"; rc=$?
check "replay --athlete nobody: exit 2, one line" '[ $rc -eq 2 ] && [ $(wc -l < $tmp/e) = 1 ]'

# --recent-form from a one-runner dataset that names its folder
mkdir -p "$tmp/last-week" && cp "$tmp"/runs/sim0003/* "$tmp/last-week/"
"$BIN" import "$tmp/last-week" -o "$tmp/lw.hrd" -q
"$BIN" predict "$tmp/q.safetensors" "$fit" --recent-form "$tmp/lw.hrd" >/dev/null 2>"$tmp/e"
check "predict --recent-form of runs naming 'last-week': says they are not sim0003's, names them, --athlete sim0003" \
  'grep -q "none of the runs given for --recent-form is sim0003.s: they name .last-week.: no shift; if they are sim0003.s, add --athlete sim0003" $tmp/e && ! grep -q "started in the 7 days" $tmp/e'
"$BIN" predict "$tmp/q.safetensors" "$fit" --recent-form "$tmp/lw.hrd" --athlete sim0003 >/dev/null 2>"$tmp/e"; rc=$?
check "... --athlete sim0003 (pasted): exit 0, the one-runner file counted as sim0003's, said in a line" \
  '[ $rc -eq 0 ] && grep -q "the 12 runs of .*lw.hrd name one runner, .last-week.: counted as sim0003.s" $tmp/e && ! grep -q "is sim0003.s: they name" $tmp/e'
gpx=$(ls "$tmp"/runs/sim0003/*.gpx | head -1)
"$BIN" plan "$tmp/q.safetensors" --course "$gpx" --target-time 40:00 --recent-form "$tmp/lw.hrd" >/dev/null 2>"$tmp/e"
check "plan --recent-form of runs naming 'last-week': the same warning, no '+0.0 bpm from the last 0'" \
  'grep -q "^warning: plan: none of the runs given for --recent-form is sim0003.s: they name .last-week." $tmp/e && ! grep -q "from the last 0" $tmp/e'
"$BIN" plan "$tmp/q.safetensors" --course "$gpx" --target-time 40:00 --recent-form "$tmp/lw.hrd" --athlete sim0003 >/dev/null 2>"$tmp/e"; rc=$?
check "plan ... --athlete sim0003: exit 0, recent form from 3 runs" '[ $rc -eq 0 ] && grep -q "recent form .* from the last 3 of the runs given" $tmp/e'
cp "$tmp/d.hrd" "$tmp/several.hrd"
"$BIN" predict "$tmp/q.safetensors" "$fit" --recent-form "$tmp/several.hrd" --athlete sim0003 >/dev/null 2>"$tmp/e"; rc=$?
check "a dataset of several runners with --athlete: only sim0003's count, none renamed" \
  '[ $rc -eq 0 ] && grep -q "36 of the runs given name another runner than sim0003: left out" $tmp/e && ! grep -q "counted as sim0003" $tmp/e'

rm -rf "$tmp"
echo
echo "test_other_runner.sh: $pass passed, $fail failed"
[ $fail -eq 0 ]
