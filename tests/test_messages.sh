#!/usr/bin/env bash
# test_messages.sh — what a new user is told when a command is given the wrong thing (issue 19,
# "Consistency and messages"): a folder or recording where a dataset belongs (import it first, with
# the command), a dataset and a model swapped, the real grid step in the step message, no doubled
# prefixes, the user's path (not the temp file) in write errors, one usage line instead of the whole
# help, exit 2 for every bad option value, the valid athletes listed, predict --athlete/--gender,
# serve's model as an argument, a host name and no -t/-p/-c, demo --time-budget, animate/plot extensions, eval's
# row names, the demo's "Next:" hint. Usage: tests/test_messages.sh [path/to/hrcast]
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/has.sh"
BIN=$(realpath "${1:-${HRCAST_BIN:-build/hrcast}}")
tmp=$(mktemp -d /tmp/hrcast-messages-test.XXXXXX)
pass=0; fail=0; pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -f "$tmp/e" ] && sed 's/^/     /' "$tmp/e" | head -5; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
# one line on stderr (the command's own), exit status $1
lines() { [ "$(grep -c . "$tmp/e")" -eq "$1" ]; }

"$BIN" simulate --athletes 4 --workouts 3 --seed 4 --emit-files "$tmp/runs" -o "$tmp/sim.hrd" -q
"$BIN" train "$tmp/sim.hrd" -o "$tmp/m.safetensors" --epochs 1 --hidden 4 --layers 1 -q
"$BIN" fit-physio "$tmp/sim.hrd" -o "$tmp/p.safetensors" -q
fit=$(ls "$tmp"/runs/*/*.fit | head -1)

# --- a folder or a recording where a dataset belongs: import it first, with the command
"$BIN" train "$tmp/runs" -o "$tmp/x.safetensors" 2>"$tmp/e"; rc=$?
check "train FOLDER: exit 1, one line, 'import it first' with the command" \
  '[ $rc -eq 1 ] && lines 1 && grep -q "is a folder, not a dataset; import it first: $BIN import $tmp/runs -o runs.hrd" $tmp/e'
check "no 'cannot map: No such device'" '! grep -q "No such device" $tmp/e'
check "the printed import command works" \
  'cmd=$(sed -n "s/.*import it first: //p" $tmp/e); (cd $tmp && $cmd -q) && [ -s $tmp/runs.hrd ]'
"$BIN" info "$fit" 2>"$tmp/e"; rc=$?
check "info RECORDING: a workout recording (fit), import it first" \
  '[ $rc -eq 1 ] && lines 1 && grep -q "is a workout recording (fit), not a dataset; import it first: $BIN import" $tmp/e'

# --- swapped arguments: this is a dataset, not a model (and the other way round), for every command
for c in "predict" "eval" "plot" "animate" "card"; do
  case $c in
    predict) args=("$tmp/sim.hrd" "$tmp/m.safetensors");;
    eval) args=("$tmp/sim.hrd" "$tmp/m.safetensors");;
    plot) args=("$tmp/sim.hrd" "$tmp/m.safetensors" -o "$tmp/x.png");;
    animate) args=("$tmp/sim.hrd" "$tmp/m.safetensors" -o "$tmp/x.gif");;
    card) args=("$tmp/sim.hrd");;
  esac
  "$BIN" $c "${args[@]}" >/dev/null 2>"$tmp/e"; rc=$?
  check "$c DATASET ...: 'a dataset, not a model', the synopsis, no header length" \
    '[ $rc -eq 1 ] && lines 1 && grep -q "sim.hrd is an hrcast dataset, not a model (usage: hrcast $c MODEL" $tmp/e && ! grep -q "header length" $tmp/e'
done
for c in train fit-physio info export; do
  out=(-o "$tmp/y.out"); [ $c = info ] && out=()
  "$BIN" $c "$tmp/m.safetensors" "${out[@]}" >/dev/null 2>"$tmp/e"; rc=$?
  check "$c MODEL: 'a model, not a dataset'" '[ $rc -eq 1 ] && lines 1 && grep -q "m.safetensors is a model, not a dataset" $tmp/e'
done
"$BIN" plan "$tmp/sim.hrd" --distance 5000 --target-time 25:00 >/dev/null 2>"$tmp/e"; rc=$?
check "plan DATASET: 'a dataset, not a model', the synopsis, no header length" \
  '[ $rc -eq 1 ] && lines 1 && grep -q "sim.hrd is an hrcast dataset, not a model (usage: hrcast plan MODEL" $tmp/e && ! grep -q "header length" $tmp/e'
"$BIN" plan "$tmp/p.safetensors" --distance 5000 --target-time 25:00 --athlete nobody >/dev/null 2>"$tmp/e"; rc=$?
check "plan --athlete nobody: exit 2, the valid athletes listed" '[ $rc -eq 2 ] && grep -q "sim0001" $tmp/e'
"$BIN" predict "$fit" "$tmp/sim.hrd" >/dev/null 2>"$tmp/e"; rc=$?
check "predict RECORDING ...: not a model, how to make one" \
  '[ $rc -eq 1 ] && lines 1 && grep -q "is a workout recording (fit), not a model" $tmp/e && grep -q "then $BIN train" $tmp/e'

# --- the grid step message names the real steps (it said "dataset step 0 s")
"$BIN" simulate --athletes 2 --workouts 2 --seed 4 --step 1 -o "$tmp/s1.hrd" -q
"$BIN" predict "$tmp/m.safetensors" "$tmp/s1.hrd" >/dev/null 2>"$tmp/e"; rc=$?
check "predict on a 1 s dataset with a 10 s model: 'step 1 s differs from the model's 10 s'" \
  '[ $rc -eq 1 ] && grep -q "hrcast predict: .*grid step 1 s differs from the model.s 10 s" $tmp/e && ! grep -q "step 0 s" $tmp/e'

# --- no doubled prefixes; the user's path in write errors
"$BIN" finetune "$tmp/m.safetensors" "$tmp/sim.hrd" --athlete sim0001 -o "$tmp/f.safetensors" --epochs 1 \
  --split athlete 2>"$tmp/e" >/dev/null
"$BIN" train "$tmp/sim.hrd" -o "$tmp/nodir/m.safetensors" --epochs 1 --hidden 4 -q 2>>"$tmp/e"
check "no 'hrcast CMD: CMD:' anywhere" '! grep -Eq "hrcast ([a-z-]+): (train|finetune|eval|plot|predict|serve|plan): " $tmp/e'
"$BIN" simulate --athletes 2 --workouts 2 -o "$tmp/nodir/x.hrd" 2>"$tmp/e"; rc=$?
check "write error names the user's path, not the temp file" \
  '[ $rc -ne 0 ] && grep -q "$tmp/nodir/x.hrd: cannot create" $tmp/e && ! grep -q "\.tmp\." $tmp/e'

# --- -o naming one of the command's own inputs (under any name), or a folder: refused before any work, the
# input intact (each command overwrote it and exited 0); a missing folder: exit 1 before training
cp "$tmp/sim.hrd" "$tmp/in.hrd"; cp "$tmp/m.safetensors" "$tmp/in.safetensors"
sum0=$(cat "$tmp/in.hrd" "$tmp/in.safetensors" | md5sum)
for cmdline in "train $tmp/in.hrd -o $tmp/in.hrd -q" "finetune $tmp/in.safetensors $tmp/in.hrd --athlete sim0001 -o $tmp/./in.safetensors -q" \
               "fit-physio $tmp/in.hrd -o $tmp/in.hrd -q" "export $tmp/in.hrd -o $tmp/in.hrd" "card $tmp/in.safetensors -o $tmp/in.safetensors -q" \
               "predict $tmp/in.safetensors $tmp/in.hrd -o $tmp/in.hrd -q" "import $tmp/in.hrd -o $tmp/in.hrd -q"; do
  $BIN $cmdline 2>"$tmp/e" >/dev/null; rc=$?
  check "${cmdline%% *} -o its own input: exit 2, one line, the input intact" \
    '[ $rc -eq 2 ] && [ $(wc -l < $tmp/e) = 1 ] && grep -q "it would be overwritten; write to another file" $tmp/e && [ "$(cat "$tmp/in.hrd" "$tmp/in.safetensors" | md5sum)" = "$sum0" ]'
done
mkdir -p "$tmp/afolder"
"$BIN" finetune "$tmp/m.safetensors" "$tmp/sim.hrd" --athlete sim0001 -o "$tmp/afolder" -q 2>"$tmp/e"; rc=$?
check "finetune -o FOLDER: exit 2 before training, nothing left beside it" \
  '[ $rc -eq 2 ] && grep -q "is a folder: give a file name in it" $tmp/e && ! ls $tmp/afolder.* 2>/dev/null'
"$BIN" finetune "$tmp/m.safetensors" "$tmp/sim.hrd" --athlete sim0001 -o "$tmp/nofolder/p.safetensors" -q 2>"$tmp/e"; rc=$?
check "finetune -o into a missing folder: exit 1, names the folder (not a temp file)" \
  '[ $rc -eq 1 ] && grep -q "the folder $tmp/nofolder does not exist" $tmp/e'
"$BIN" finetune "$tmp/m.safetensors" "$tmp/sim.hrd" --athlete sim0001 --scale-only --lr 0.1 -o "$tmp/s.safetensors" 2>"$tmp/e"; rc=$?
check "finetune --scale-only with a training option: exit 2 (it was recorded in the card, nothing trained)" \
  '[ $rc -eq 2 ] && grep -q -- "--scale-only trains nothing: drop --lr" $tmp/e'

# --- a missing argument: one usage line and where the help is, exit 2
for c in train predict eval serve finetune fit-physio info export plot animate card; do
  "$BIN" $c >/dev/null 2>"$tmp/e"; rc=$?
  check "$c with no arguments: exit 2, a short usage, 'see hrcast $c --help'" \
    '[ $rc -eq 2 ] && [ $(wc -l < $tmp/e) -le 8 ] && grep -q "^usage: hrcast $c" $tmp/e && grep -q "see .hrcast $c --help." $tmp/e'
done

# --- every bad option value exits 2
"$BIN" train "$tmp/sim.hrd" -o "$tmp/z.safetensors" --loss foo 2>"$tmp/e"; rc=$?
check "train --loss foo: exit 2 (was 1), lists the losses" '[ $rc -eq 2 ] && grep -q "mse, mae, huber or nll" $tmp/e'
"$BIN" train "$tmp/sim.hrd" -o "$tmp/z.safetensors" --features nope 2>"$tmp/e"; rc=$?
check "train --features nope: exit 2, lists every set" \
  '[ $rc -eq 2 ] && grep -q "is not one of physio-residual, default, seed11, default+physio, default+pace, default+effort, default+relalt" $tmp/e'
for c in train finetune predict eval; do
  check "$c --help lists every feature set and the default" \
    '"$BIN" $c --help | grep -A2 "^feature sets" | tr -s " \n" " " | has "physio-residual, default, seed11, default+physio, default+pace, default+effort, default+relalt new models: default+relalt $"'
done
check "train --help: --features describes every set" \
  '"$BIN" train --help | sed -n "/--features/,/--split/p" | tr -s " \n" " " | has "default+effort (+ averages" \
  && "$BIN" train --help | sed -n "/--features/,/--split/p" | tr -s " \n" " " | has "default (the same with altitude above the sea"'

check "train --help: --features describes default+relalt as the default" \
  '"$BIN" train --help | grep -A1 -- "--features" | has "default+relalt (the default"'

# --- unknown athletes are answered with the valid ones
"$BIN" finetune "$tmp/m.safetensors" "$tmp/sim.hrd" --athlete nobody -o "$tmp/f.safetensors" 2>"$tmp/e"; rc=$?
check "finetune --athlete nobody: exit 2, lists sim0001..sim0004" \
  '[ $rc -eq 2 ] && lines 1 && grep -q "its 4 athlete(s): sim0001, sim0002, sim0003, sim0004" $tmp/e'
"$BIN" predict "$tmp/p.safetensors" "$fit" --athlete nobody 2>"$tmp/e" >/dev/null; rc=$?
check "predict --athlete nobody (physio): exit 2, lists the model's athletes" \
  '[ $rc -eq 2 ] && grep -q "has no parameters for .nobody.; its [0-9]* athlete(s): sim000" $tmp/e'

# --- predict --athlete / --gender: the athlete's own physio parameters on a new file (the two
# athletes the model lists: those of the training part)
read -r a1 a2 < <(sed -n 's/.*athlete(s): \([^,]*\), \([^,]*\).*/\1 \2/p' "$tmp/e")
b=$("$BIN" predict "$tmp/p.safetensors" "$fit" --athlete "$a1" -q | sed -n 5p | cut -d, -f6)
c=$("$BIN" predict "$tmp/p.safetensors" "$fit" --athlete "$a2" -q | sed -n 5p | cut -d, -f6)
check "predict --athlete changes the physio prediction per athlete ($a1: $b, $a2: $c bpm)" \
  '[ -n "$b" ] && [ -n "$c" ] && [ "$b" != "$c" ]'
"$BIN" predict "$tmp/m.safetensors" "$fit" --gender x 2>/dev/null; rc=$?
check "predict --gender f accepted, --gender x exit 2" \
  '"$BIN" predict "$tmp/m.safetensors" "$fit" --gender f -q >/dev/null && [ $rc -eq 2 ]'
unset a1 a2 b c

# --- eval of a physio model with --baselines: distinct row names
"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --baselines -q > "$tmp/ev" 2>"$tmp/e"
check "eval physio --baselines: the main table has one row 'physio' and one 'physio-base'" \
  'cat $tmp/ev >> $tmp/e; sed -n 1,7p $tmp/ev > $tmp/ev1; [ $(grep -Ec "^  physio +[0-9]" $tmp/ev1) -eq 1 ] && [ $(grep -Ec "^  physio-base +[0-9]" $tmp/ev1) -eq 1 ]'
check "eval physio --baselines: no table has two columns named physio" '! grep -Eq " physio +constant +physio +" $tmp/ev'

# --- pictures: the extension says what is written
"$BIN" animate "$tmp/m.safetensors" "$fit" -o "$tmp/x.png" 2>"$tmp/e"; rc=$?
check "animate -o x.png: refused (exit 2), nothing written" '[ $rc -eq 2 ] && grep -q "\.gif" $tmp/e && [ ! -e $tmp/x.png ]'
"$BIN" plot "$tmp/m.safetensors" "$fit" -o "$tmp/x.gif" 2>"$tmp/e"; rc=$?
check "plot -o x.gif: refused (exit 2)" '[ $rc -eq 2 ] && [ ! -e $tmp/x.gif ]'
check "animate -o x.GIF writes a GIF" '"$BIN" animate "$tmp/m.safetensors" "$fit" -o "$tmp/y.GIF" --frames 3 -q && [ "$(head -c 6 $tmp/y.GIF)" = GIF89a ]'

# --- demo: --time-budget like train (the old --budget still accepted), a Linux-friendly hint
check "demo --help documents --time-budget, not --budget" \
  '"$BIN" demo --help | has -- "--time-budget S" && ! "$BIN" demo --help | has -- "--budget"'
check "demo accepts both names (a bad value is checked under either)" \
  '"$BIN" demo --time-budget x 2>/dev/null; r1=$?; "$BIN" demo --budget x 2>/dev/null; r2=$?; [ $r1 -eq 2 ] && [ $r2 -eq 2 ]'
check "demo's hint opens the report with xdg-open, not the macOS 'open'" \
  'strings "$BIN" > $tmp/strings; grep -qx "xdg-open" $tmp/strings && ! grep -q "^  open %s/report.html" $tmp/strings'

# --- serve: the model as an argument (or --model), a host name, no -t/-c short flags
start() { "$BIN" serve "$@" --port 0 2>"$tmp/log" & pid=$!
  for _ in $(seq 300); do grep -q 'listening on' "$tmp/log" && break; sleep 0.1; done; }
stop() { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=; }
start "$tmp/p.safetensors" --host localhost
port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/ (localhost).*|\1|p' "$tmp/log")
check "serve MODEL --host localhost: listens on 127.0.0.1" \
  '[ -n "$port" ] && curl -s http://127.0.0.1:$port/healthz | has ok'
gzip -c "$fit" > "$tmp/run.fit.gz"
check "a .fit.gz upload reports format fit (was unknown)" \
  'curl -s -F file=@$tmp/run.fit.gz http://127.0.0.1:$port/api/predict > $tmp/body; grep -q "\"format\":\"fit\"" $tmp/body'
check "duration of 150 steps of 10 s is 1500 s (a 25-minute plan, not 24:50)" \
  'curl -s -H "Content-Type: application/json" -d "{\"speed\":[$(printf "3,%.0s" $(seq 149))3],\"step\":10}" http://127.0.0.1:$port/api/predict > $tmp/body; grep -q "\"duration_s\":1500" $tmp/body'
stop
start --model "$tmp/p.safetensors"
check "serve --model MODEL still works" 'grep -q "listening on" $tmp/log'
stop
timeout 10 "$BIN" serve "$tmp/p.safetensors" --host no-such-host.invalid --port 0 2>"$tmp/e"; rc=$?
check "serve --host unknown name: exit 2, says it cannot resolve" '[ $rc -eq 2 ] && grep -q "cannot resolve" $tmp/e'
for f in -t -p -c; do
  timeout 10 "$BIN" serve "$tmp/p.safetensors" $f 2 --port 0 2>"$tmp/e"; rc=$?
  check "serve $f is gone (plan's short flags mean other things): exit 2" '[ $rc -eq 2 ]'
done
check "serve --help shows MODEL as an argument" '"$BIN" serve --help | has "^usage: hrcast serve MODEL"'

# --- import of a file whose sport is not running: the sport named, and how to keep it
tcx=$(ls "$tmp"/runs/*/*.tcx | head -1)
sed 's/Sport="Running"/Sport="Biking"/' "$tcx" > "$tmp/ride.tcx"
"$BIN" import "$tmp/ride.tcx" -o "$tmp/ride.hrd" 2>"$tmp/e"; rc=$?
check "import of a ride alone: exit 1, the count, the hint --sport any" \
  '[ $rc -eq 1 ] && [ ! -e $tmp/ride.hrd ] && has "^hrcast import: 1 states a sport other than running (-v names it); --sport any keeps every sport$" < $tmp/e'
"$BIN" import "$tmp/ride.tcx" -o "$tmp/ride.hrd" -v 2>"$tmp/e"
check "import -v names the sport of the file left out" 'has "ride.tcx: rejected: not_running (sport biking; --sport any keeps every sport)" < $tmp/e'
check "import --sport any keeps it" '"$BIN" import "$tmp/ride.tcx" --sport any -o "$tmp/ride.hrd" -q && [ -s $tmp/ride.hrd ]'

# --- predict of a run with positions but no altitude: said once, not for a treadmill run (no positions)
python3 - "$tmp" <<'EOF'
import sys
for name, ele in (("noalt", False), ("withalt", True)):
    with open(sys.argv[1] + "/" + name + ".gpx", "w") as f:
        f.write('<?xml version="1.0"?><gpx version="1.1" creator="t"><trk><trkseg>\n')
        for t in range(0, 1500, 2):
            f.write('<trkpt lat="%.6f" lon="7.0">%s<time>2021-05-01T08:%02d:%02dZ</time><extensions><hr>%d</hr>'
                    '</extensions></trkpt>\n' % (46.0 + t * 2.7e-5, "<ele>%.1f</ele>" % (300 + t / 50) if ele else "",
                                               t // 60 % 60, t % 60, 135 + t % 7))
        f.write('</trkseg></trk></gpx>\n')
EOF
gpx="$tmp/withalt.gpx"
"$BIN" predict "$tmp/p.safetensors" "$tmp/noalt.gpx" >/dev/null 2>"$tmp/e"
check "predict of a run with positions, no altitude: one warning, flat ground" \
  'has "^warning: .*noalt.gpx: positions but no altitude: predicted as flat ground (grade 0), as a treadmill run is" < $tmp/e && [ "$(grep -c "no altitude" $tmp/e)" = 1 ]'
"$BIN" predict "$tmp/p.safetensors" "$gpx" >/dev/null 2>"$tmp/e"
check "predict of a run with altitude: no such warning" '! grep -q "no altitude" $tmp/e'

echo
echo "test_messages.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
