#!/usr/bin/env bash
# test_plot_runner.sh — `hrcast plot` and `hrcast animate` predict a workout as `hrcast predict` does: --athlete
# (the runner's HR scale or parameters; one the model does not know is refused, exit 2, listing those it knows),
# --gender m|f|u, a finetuned model's own runner for a file that names none, and a title that names the runner
# when it is not the file's own; plot refuses animate's --frames (exit 2, one line) instead of ignoring it.
# Usage: tests/test_plot_runner.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-plot-runner.XXXXXX)
. "$(dirname "$0")/lib.sh"
lines() { wc -l < "$1" | tr -d " "; }
# the MAE of predict's summary line, and of plot's "wrote" line (its title)
mae_predict() { sed -n 's/.*MAE \([0-9.]*\) bpm.*/\1/p' "$1" | tail -1; }
mae_plot() { sed -n 's/.*MAE \([0-9.]*\) bpm).*/\1/p' "$1" | tail -1; }
same() { py "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); assert abs(a - b) <= 0.051, (a, b)" "$1" "$2" 2>/dev/null; }

"$BIN" simulate --athletes 4 --workouts 12 --seed 5 --emit-files "$tmp/runs" -q -o "$tmp/d.hrd"
"$BIN" train "$tmp/d.hrd" -o "$tmp/s.safetensors" --split chrono --epochs 1 --hidden 8 --threads 1 -q
"$BIN" finetune "$tmp/s.safetensors" "$tmp/d.hrd" --athlete sim0003 --scale-only -o "$tmp/q.safetensors" -q
fit=$(ls "$tmp"/runs/sim0003/*.fit | head -1) # a FIT file names no runner

"$BIN" predict "$tmp/s.safetensors" "$fit" --athlete sim0003 2>"$tmp/pa" >/dev/null
"$BIN" predict "$tmp/s.safetensors" "$fit" 2>"$tmp/pp" >/dev/null
"$BIN" plot "$tmp/s.safetensors" "$fit" --athlete sim0003 -o "$tmp/a.svg" 2>"$tmp/e"; rc=$?
check "plot --athlete: exit 0, the MAE of predict --athlete ($(mae_predict $tmp/pa)), not the population's ($(mae_predict $tmp/pp))" \
  '[ $rc -eq 0 ] && same "$(mae_plot $tmp/e)" "$(mae_predict $tmp/pa)" && ! same "$(mae_plot $tmp/e)" "$(mae_predict $tmp/pp)"'
check "plot --athlete: the title names the runner whose scale was used" 'grep -q "lstm model as runner sim0003, MAE" $tmp/a.svg'
"$BIN" plot "$tmp/s.safetensors" "$fit" -o "$tmp/p.svg" 2>"$tmp/e"
check "plot without --athlete: predict's population MAE, no runner in the title" \
  'same "$(mae_plot $tmp/e)" "$(mae_predict $tmp/pp)" && ! grep -q "as runner" $tmp/p.svg'
"$BIN" animate "$tmp/s.safetensors" "$fit" --athlete sim0003 --frames 4 -o "$tmp/a.gif" 2>"$tmp/e"; rc=$?
check "animate --athlete: exit 0, a GIF, predict --athlete's MAE" \
  '[ $rc -eq 0 ] && [ "$(head -c 3 $tmp/a.gif)" = GIF ] && grep -q "as runner sim0003" $tmp/e && same "$(mae_plot $tmp/e)" "$(mae_predict $tmp/pa)"'

# a finetuned model on a file that names no runner: its own runner, as predict does
"$BIN" predict "$tmp/q.safetensors" "$fit" 2>"$tmp/pq" >/dev/null
"$BIN" plot "$tmp/q.safetensors" "$fit" -o "$tmp/q.svg" 2>"$tmp/e"
check "plot of a finetuned model, unnamed file: predict's MAE, the title names the model's runner" \
  'same "$(mae_plot $tmp/e)" "$(mae_predict $tmp/pq)" && grep -q "as runner sim0003 (its finetuned runner)" $tmp/q.svg'

# a dataset names its athletes: their own scale, no note; --athlete another one: noted
"$BIN" plot "$tmp/s.safetensors" "$tmp/d.hrd" --index 0 -o "$tmp/d.svg" 2>"$tmp/e"
check "a dataset's workout is its own athlete's: no runner note" '! grep -q "as runner" $tmp/e'
"$BIN" plot "$tmp/s.safetensors" "$tmp/d.hrd" --index 0 --athlete sim0002 -o "$tmp/d.svg" 2>"$tmp/e"
check "--athlete other than the dataset's athlete: the title says so" 'grep -q "as runner sim0002" $tmp/d.svg'

# refusals: one line, exit 2, nothing written
for c in plot animate; do
    ext=svg; [ $c = animate ] && ext=gif
    "$BIN" $c "$tmp/s.safetensors" "$fit" --athlete nobody -o "$tmp/n.$ext" 2>"$tmp/e"; rc=$?
    check "$c --athlete nobody: exit 2, one line listing the model's athletes, no file" \
      '[ $rc -eq 2 ] && [ $(lines $tmp/e) = 1 ] && grep -q "has no parameters for .nobody.; its 4 athlete(s): sim0001" $tmp/e && [ ! -e $tmp/n.$ext ]'
    "$BIN" $c "$tmp/s.safetensors" "$fit" --gender x -o "$tmp/n.$ext" 2>"$tmp/e"; rc=$?
    check "$c --gender x: exit 2, one line" '[ $rc -eq 2 ] && [ $(lines $tmp/e) = 1 ] && grep -q -- "--gender: .x. is not m, f or u" $tmp/e'
done
check "plot --gender f and u accepted" '"$BIN" plot "$tmp/s.safetensors" "$fit" --gender f -o "$tmp/g.svg" -q && "$BIN" plot "$tmp/s.safetensors" "$fit" --gender u -o "$tmp/g.svg" -q'
check "predict --gender u accepted (the same check as plot)" '"$BIN" predict "$tmp/s.safetensors" "$fit" --gender u -q >/dev/null'
"$BIN" plot "$tmp/s.safetensors" "$fit" --frames 5 -o "$tmp/f.svg" 2>"$tmp/e"; rc=$?
check "plot --frames (an animate option): exit 2, one line, no file" \
  '[ $rc -eq 2 ] && [ $(lines $tmp/e) = 1 ] && grep -q -- "--frames is an option of .*animate" $tmp/e && [ ! -e $tmp/f.svg ]'


rm -rf "$tmp"
echo
echo "test_plot_runner.sh: $pass passed, $fail failed"
[ $fail -eq 0 ]
