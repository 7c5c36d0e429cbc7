#!/usr/bin/env bash
# test_live.sh — live forecasting from the command line: predict --calibrate marks the window (CSV column,
# JSON fields) and shifts only the steps after it by the offset; eval --calibrate prints the issue's JSON
# fields for one window and a list (errors over the steps after the window, the same model uncalibrated,
# the baselines; with -o DIR the report gets its own live section, figure and metrics.json key), and refuses
# a split without a validation part and malformed windows; replay (forecasts equal to hrcast predict of the
# whole run) and --gif writes a
# valid animated GIF (blocks parsed to the trailer, one frame per row); plan --so-far calibrates on the part run
# (the offset of predict --calibrate over it) and plans the rest, with its refusals.
# Usage: tests/test_live.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-live-test.XXXXXX)
. "$(dirname "$0")/lib.sh"

"$BIN" simulate --athletes 6 --workouts 20 --seed 5 -q -o "$tmp/sim.hrd"
"$BIN" fit-physio "$tmp/sim.hrd" --split chrono -o "$tmp/p.safetensors" -q 2>/dev/null || "$BIN" fit-physio "$tmp/sim.hrd" --split chrono -o "$tmp/p.safetensors" >/dev/null 2>&1
"$BIN" simulate --athletes 1 --workouts 1 --seed 8 -q -o "$tmp/one.hrd"

"$BIN" predict "$tmp/p.safetensors" "$tmp/one.hrd" -q > "$tmp/plain.csv"
"$BIN" predict "$tmp/p.safetensors" "$tmp/one.hrd" --calibrate 10m -q > "$tmp/cal_default.csv"
"$BIN" predict "$tmp/p.safetensors" "$tmp/one.hrd" --calibrate 10m --trust 0,0,30 -q > "$tmp/cal.csv"
check "predict --calibrate: in_window column, 60 steps of 10 s marked" '[ "$(head -1 $tmp/cal_default.csv | tr , "\n" | tail -1)" = in_window ] && [ "$(grep -c ",1$" $tmp/cal_default.csv)" = 60 ]'
check "predict --calibrate --trust 0,0,30 (held): the window keeps the plain prediction, the rest moves by one offset" 'py "
import csv,sys
a=list(csv.DictReader(open(\"$tmp/plain.csv\"))); b=list(csv.DictReader(open(\"$tmp/cal.csv\")))
d=[float(y[\"hr_pred_bpm\"])-float(x[\"hr_pred_bpm\"]) for x,y in zip(a,b)]
assert all(abs(v)<1e-9 for v in d[:60]), d[:60]
assert max(d[60:])-min(d[60:])<0.11 and abs(d[60])>0.5, d[60:65]
"'
"$BIN" predict "$tmp/p.safetensors" "$tmp/one.hrd" --calibrate 600s --format json -q > "$tmp/cal.json"
check "predict --calibrate json: calibrate_s, window_steps, offset_bpm" 'py "
import json; w=json.load(open(\"$tmp/cal.json\"))[\"workouts\"][0]
assert w[\"calibrate_s\"]==600 and w[\"window_steps\"]==60 and abs(w[\"offset_bpm\"])>0.5
assert w[\"summary\"][\"steps_with_actual\"]<=len(w[\"time\"])-60
"'
"$BIN" predict "$tmp/p.safetensors" "$tmp/one.hrd" --calibrate 600s --trust 0,0,30,0.4,450 --format json -q > "$tmp/cal_tail.json"
"$BIN" predict "$tmp/p.safetensors" "$tmp/one.hrd" --calibrate 600s --trust 0,0,30 --format json -q > "$tmp/cal_held.json"
"$BIN" predict "$tmp/p.safetensors" "$tmp/one.hrd" --calibrate 600s --trust 180,10 --format json -q > "$tmp/cal_warm.json"
check "predict --calibrate: a physio model fitted on this runner (sim0001) knows them: the default trust is the last 30 s, k 0, fading to 40 % over 450 s (--trust 0,0,30,0.4,450), the JSON says so; 180,10 is another" 'cmp -s "$tmp/cal.json" "$tmp/cal_tail.json" && py "
import json; o=[json.load(open(f))[\"workouts\"][0][\"offset_bpm\"] for f in (\"$tmp/cal.json\", \"$tmp/cal_warm.json\")]
assert abs(o[0]-o[1])>1e-3, o
w=json.load(open(\"$tmp/cal.json\"))[\"workouts\"][0]
assert (w[\"trust_warm_s\"], w[\"trust_k_steps\"], w[\"trust_tail_s\"], w[\"trust_persist\"], w[\"trust_tau_s\"]) == (0, 0, 30, 0.4, 450), w
"'
check "predict --calibrate: the shift fades (the held trust with the same offset shifts by it all along)" 'py "
import json, math
f, h = (json.load(open(p))[\"workouts\"][0] for p in (\"$tmp/cal.json\", \"$tmp/cal_held.json\"))
o = f[\"offset_bpm\"]
assert abs(o - h[\"offset_bpm\"]) < 1e-6 and abs(o) > 0.5
for i in (60, 100, len(f[\"time\"]) - 1):
    shift = f[\"hr_pred\"][i] - (h[\"hr_pred\"][i] - o)  # the faded shift: held prediction minus its offset, plus it
    want = o * (0.4 + 0.6 * math.exp(-(i * 10 - 600) / 450))
    assert abs(shift - want) < 0.02, (i, shift, want)
"'
# a model finetuned to the runner gets the personal default (fading to 40 % over 450 s); its base, a general
# model, and a population-only physio model (no runner's own parameters) the general one (80 % over 150 s)
"$BIN" train "$tmp/sim.hrd" -o "$tmp/m.safetensors" --epochs 1 --hidden 4 --layers 1 -q 2>/dev/null
"$BIN" finetune "$tmp/m.safetensors" "$tmp/sim.hrd" --athlete sim0001 -o "$tmp/f.safetensors" --epochs 1 -q 2>/dev/null
"$BIN" fit-physio "$tmp/sim.hrd" --split chrono --population-only -o "$tmp/pop.safetensors" -q 2>/dev/null
for t in default 0,0,30,0.4,450 0,0,30,0.8,150; do
  a=(--trust $t); [ $t = default ] && a=()
  for m in f m pop; do
    "$BIN" predict "$tmp/$m.safetensors" "$tmp/one.hrd" --calibrate 600s "${a[@]}" --format json -q > "$tmp/${m}_$t.json"
  done
done
check "predict --calibrate: a finetuned model's default trust fades to 40 % over 450 s, a general LSTM's and a population physio model's to 80 % over 150 s" \
  'cmp -s $tmp/f_default.json $tmp/f_0,0,30,0.4,450.json && ! cmp -s $tmp/f_default.json $tmp/f_0,0,30,0.8,150.json &&
   cmp -s $tmp/m_default.json $tmp/m_0,0,30,0.8,150.json && ! cmp -s $tmp/m_default.json $tmp/m_0,0,30,0.4,450.json &&
   cmp -s $tmp/pop_default.json $tmp/pop_0,0,30,0.8,150.json && ! cmp -s $tmp/pop_default.json $tmp/pop_0,0,30,0.4,450.json'
# (stderr into a file: grep -q would stop reading at the match and the writer die of SIGPIPE under pipefail)
check "predict --calibrate: the log line names the trust and whose default it is" \
  '"$BIN" predict "$tmp/m.safetensors" "$tmp/one.hrd" --calibrate 10m 2>$tmp/log1 >/dev/null && grep -q "calibrated on the first 600 s (60 steps, the offset from 3 with HR; trust: last 30 s of the window, prior 0 steps, fading to 80 % (time constant 150 s), the default of a general model): offset" $tmp/log1 &&
   "$BIN" predict "$tmp/f.safetensors" "$tmp/one.hrd" --calibrate 10m --trust 0,0,60 2>$tmp/log2 >/dev/null && grep -q "(60 steps, the offset from 6 with HR; trust: last 60 s of the window, prior 0 steps, as given): offset" $tmp/log2'
# the window's last 30 s without HR: nothing measured, so no offset, and the log says so (not "offset +0.0")
"$BIN" export "$tmp/one.hrd" --format csv -o "$tmp/one.csv" 2>/dev/null
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "time_s") t = i; else if ($i == "heart_rate_bpm") h = i }
         NR > 1 && $t >= 560 && $t < 600 { $h = "" } { print }' OFS=, "$tmp/one.csv" > "$tmp/tailnohr.csv"
"$BIN" import "$tmp/tailnohr.csv" --min-minutes 0 -o "$tmp/tailnohr.hrd" -q
check "predict --calibrate: no HR in the counted tail: a warning naming the trust and what counts the whole window, offset 0, offset_steps 0" \
  '"$BIN" predict "$tmp/m.safetensors" "$tmp/tailnohr.hrd" --calibrate 10m --format json 2>$tmp/log3 >$tmp/tailnohr.json &&
   grep -q "no recorded HR in the part of the first 600 s that the trust counts (last 30 s of the window.*not calibrated (offset 0); --trust 0,0 counts the whole window" $tmp/log3 &&
   py "import json; w=json.load(open(\"$tmp/tailnohr.json\"))[\"workouts\"][0]; assert w[\"offset_bpm\"]==0 and w[\"offset_steps\"]==0, w[\"offset_steps\"]" &&
   "$BIN" predict "$tmp/m.safetensors" "$tmp/tailnohr.hrd" --calibrate 10m --trust 0,0 --format json -q | py "import json,sys; w=json.load(sys.stdin)[\"workouts\"][0]; assert w[\"offset_steps\"]>50 and w[\"offset_bpm\"]!=0, w[\"offset_steps\"]"'
"$BIN" simulate --athletes 2 --workouts 1 --seed 8 -q -o "$tmp/two.hrd"
check "predict --calibrate: a model finetuned to sim0001 treats sim0002's run as a general model would" \
  '"$BIN" predict "$tmp/f.safetensors" "$tmp/two.hrd" --calibrate 600s --format json -q | py "
import json, sys
got = {w[\"source\"].split(\"#\")[0]: (w[\"trust_persist\"], w[\"trust_tau_s\"]) for w in json.load(sys.stdin)[\"workouts\"]}
assert got == {\"sim:sim0001\": (0.4, 450), \"sim:sim0002\": (0.8, 150)}, got
"'
check "predict --trust with a bad tail: exit 2, names the form" '"$BIN" predict "$tmp/p.safetensors" "$tmp/one.hrd" --calibrate 5m --trust 0,10,-5 2>$tmp/e; [ $? -eq 2 ] && grep -q "WARM_S,K\[,TAIL_S\[,PERSIST,TAU_S\]\]" $tmp/e'
check "predict --trust with a persist over 1: exit 2" '"$BIN" predict "$tmp/p.safetensors" "$tmp/one.hrd" --calibrate 5m --trust 0,0,30,1.5,450 2>$tmp/e; [ $? -eq 2 ] && grep -q "PERSIST in 0..1" $tmp/e'
"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --calibrate 10m --json -q > "$tmp/e1.json"
check "eval --calibrate 10m --json: the issue's fields" 'py "
import json; j=json.load(open(\"$tmp/e1.json\"))
assert j[\"calibrate_s\"]==600 and j[\"label\"]==\"calibrated 10 min\"
for k in (\"mae\",\"rmse\"): assert j[k]>0 and j[\"uncalibrated\"][k]>0
for b in (\"physio\",\"window_mean\",\"last\"): assert j[\"baselines\"][b][\"mae\"]>0
assert j[\"mae\"]<=j[\"uncalibrated\"][\"mae\"]*1.1
"'
"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --calibrate 5m,10m,20m --json -q > "$tmp/e3.json"
check "eval --calibrate list: one entry per window, the 10 min one equal to the single run" 'py "
import json; j=json.load(open(\"$tmp/e3.json\")); one=json.load(open(\"$tmp/e1.json\"))
assert [c[\"calibrate_s\"] for c in j[\"calibrated\"]]==[300,600,1200]
assert abs(j[\"calibrated\"][1][\"mae\"]-one[\"mae\"])<1e-9
"'
"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --calibrate 10m --json -o "$tmp/rep" -q > "$tmp/e1o.json"
check "eval --calibrate -o DIR: stdout is the live JSON of the window asked, as without -o" 'cmp -s "$tmp/e1.json" "$tmp/e1o.json"'
check "eval --calibrate -o DIR: metrics.json keeps the offline numbers and adds live rows (asked and the sweep)" 'py "
import json; j=json.load(open(\"$tmp/rep/metrics.json\")); one=json.load(open(\"$tmp/e1.json\"))
assert j[\"mae\"]>0 and \"baselines\" in j
rows=j[\"live\"][\"calibrated\"]; assert [r[\"calibrate_s\"] for r in rows]==[120,300,600,900,1200,1800]
assert [r[\"asked\"] for r in rows]==[False,False,True,False,False,False]
assert abs(rows[2][\"mae\"]-one[\"mae\"])<1e-9 and rows[2][\"label\"]==\"calibrated 10 min\"
"'
check "eval --calibrate -o DIR: metrics.md has its own live section after the offline tables" 'grep -q "^## Live forecasting" $tmp/rep/metrics.md && grep -q "^| calibrated 2 min |" $tmp/rep/metrics.md && [ $(grep -n "^| model | MAE" $tmp/rep/metrics.md | head -1 | cut -d: -f1) -lt $(grep -n "^## Live" $tmp/rep/metrics.md | cut -d: -f1) ]'
live_html_ok() { python3 - "$1" <<'PY'
import sys
h = open(sys.argv[1]).read()
i = h.index('<h2 id="live">')
assert h.index("<h2>Metrics</h2>") < i and "data:image/png;base64" in h[i:]
assert "MAE after the window against calibration minutes" in h[i:] and "--calibrate 10m --json -o" in h  # the Rerun line, as typed
assert "the trust in the window: the default of a model that knows the runner, as predict --calibrate (nothing learned)" in h[i:]
assert "last 30 s of the window, prior 0 steps, fading to 40 % (time constant 450 s)" in h[i:]
PY
}
check "eval --calibrate -o DIR: the figure is a PNG, embedded in the report's live section" 'head -c 8 $tmp/rep/live_mae.png | od -An -tx1 | has "89 50 4e 47 0d 0a 1a 0a" && live_html_ok $tmp/rep/report.html'
check "report.html: the duration bucket '< 30 min' is escaped (it was a raw '<' in a cell)" \
  'grep -qF "<td>&lt; 30 min</td>" $tmp/rep/report.html && ! grep -qF "<td>< " $tmp/rep/report.html'
check "eval --calibrate table is labelled" '"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --calibrate 5m -q | has "^| calibrated 5 min |"'
check "eval --calibrate 90s: labelled in seconds (not 1.5 min)" '"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --calibrate 90s -q | has "^| calibrated 90 s |"'
"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --calibrate 5m,100h -q > "$tmp/long.out" 2>&1; rc=$?
check "eval --calibrate with a window longer than every run: its row says -, not nan" \
  '[ $rc -eq 0 ] && grep -q "^| calibrated 6000 min | - | - | - | - | - |$" $tmp/long.out && ! grep -q nan $tmp/long.out && grep -q "no test workout goes on past that window" $tmp/long.out'
"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split chrono:test --calibrate 100h -q > "$tmp/long.out" 2>"$tmp/long.err"; rc=$?
check "eval --calibrate with only such windows: exit 1 and one line why (it printed nan and exited 0)" \
  '[ $rc -eq 1 ] && [ "$(cat $tmp/long.err)" = "hrcast eval: no test workout goes on past the window asked: nothing was scored" ]'
check "eval --calibrate on all: error, exit 1" '! "$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --split all --allow-overlap --calibrate 5m -q 2>$tmp/e && grep -q "validation part" $tmp/e'
check "bad window: exit 2 and a message" '"$BIN" eval "$tmp/p.safetensors" "$tmp/sim.hrd" --calibrate 5x 2>$tmp/e; [ $? -eq 2 ] && grep -q "not a window" $tmp/e'
check "predict bad --trust: exit 2" '"$BIN" predict "$tmp/p.safetensors" "$tmp/one.hrd" --calibrate 5m --trust abc 2>/dev/null; [ $? -eq 2 ]'
"$BIN" replay "$tmp/p.safetensors" "$tmp/one.hrd" -q > "$tmp/rp.csv"
check "replay: every forecast equals hrcast predict of the whole run (the rest of the recording as the plan)" 'py "
import csv
pr=list(csv.DictReader(open(\"$tmp/plain.csv\"))); rp=list(csv.DictReader(open(\"$tmp/rp.csv\")))
hr={float(r[\"time_s\"]):float(r[\"hr_pred_bpm\"]) for r in pr}; last=float(pr[-1][\"hr_pred_bpm\"])
assert len(rp)>=10
for r in rp:
    t=float(r[\"time_s\"]); assert abs(float(r[\"hr_forecast_finish\"])-last)<0.051, r
    if t+600 in hr: assert abs(float(r[\"hr_forecast_ahead\"])-hr[t+600])<0.051, (r, hr[t+600])
"'
"$BIN" replay "$tmp/p.safetensors" "$tmp/one.hrd" --calibrate 10m --every 300 -q > "$tmp/rc.csv"
check "replay --calibrate: rows from 600 s on are calibrated" 'py "
import csv
for r in csv.DictReader(open(\"$tmp/rc.csv\")): assert (r[\"calibrated\"]==\"1\")==(float(r[\"time_s\"])>=600), r
"'
# replay --every/--ahead between grid steps: rounded to the nearest step, each with a warning (-q keeps errors only)
"$BIN" replay "$tmp/p.safetensors" "$tmp/one.hrd" --every 45 --ahead 15 > "$tmp/r45.csv" 2> "$tmp/r45.err"
check "replay --every 45 on a 10 s grid: rows every 50 s, and a warning says so" \
  '[ "$(sed -n "2,4p" $tmp/r45.csv | cut -d, -f3 | tr "\n" " ")" = "0 50 100 " ] && grep -q "^warning: --every 45 s is not a multiple of the model.s 10 s grid step: 50 s is used$" $tmp/r45.err'
check "replay --ahead 15 on a 10 s grid: the forecast 20 s ahead, and a warning says so" \
  'grep -q "^warning: --ahead 15 s is not a multiple of the model.s 10 s grid step: 20 s is used$" $tmp/r45.err && cmp -s $tmp/r45.csv <("$BIN" replay "$tmp/p.safetensors" "$tmp/one.hrd" --every 50 --ahead 20 2>/dev/null)'
check "replay on grid multiples: no warning" '! "$BIN" replay "$tmp/p.safetensors" "$tmp/one.hrd" --every 50 --ahead 20 2>&1 >/dev/null | grep -q "^warning: --"'
# replay --gif: a valid animated GIF (header, blocks to the trailer), one frame per row up to --frames
gif_frames() { py "
import sys
b=open(sys.argv[1],'rb').read(); assert b[:6] in (b'GIF89a',b'GIF87a'), b[:6]
w=b[6]|b[7]<<8; h=b[8]|b[9]<<8; f=b[10]; i=13+(3<<((f&7)+1) if f&0x80 else 0); n=0
def blocks(i):
    while b[i]: i+=b[i]+1
    return i+1
while b[i]!=0x3B:
    if b[i]==0x21: i=blocks(i+2)
    elif b[i]==0x2C:
        lf=b[i+9]; i+=10+(3<<((lf&7)+1) if lf&0x80 else 0); i=blocks(i+1); n+=1
    else: raise SystemExit('bad block %x at %d'%(b[i],i))
assert i==len(b)-1, (i,len(b))
print(w,h,n)
" "$1"; }
"$BIN" replay "$tmp/p.safetensors" "$tmp/one.hrd" --calibrate 10m --gif "$tmp/r.gif" -q > "$tmp/rg.csv"
check "replay --gif: a valid GIF, 800x450, one frame per row" '[ "$(gif_frames $tmp/r.gif)" = "800 450 $(($(wc -l < $tmp/rg.csv) - 1))" ]'
check "replay --gif: the CSV is the same as without it" 'cmp -s "$tmp/rg.csv" <("$BIN" replay "$tmp/p.safetensors" "$tmp/one.hrd" --calibrate 10m -q)'
"$BIN" replay "$tmp/p.safetensors" "$tmp/one.hrd" --gif "$tmp/r12.gif" --frames 12 -q > /dev/null
"$BIN" replay "$tmp/p.safetensors" "$tmp/one.hrd" --gif "$tmp/r12.gif" --frames 12 > /dev/null 2> "$tmp/r12.err"
check "replay --gif --frames 12: 12 frames, and the log says 12 (it said the moments' count)" '[ "$(gif_frames $tmp/r12.gif | cut -d" " -f3)" = 12 ] && grep -q "wrote .*r12.gif (12 frames of [0-9]* moments)" $tmp/r12.err'
check "replay --gif into a missing folder: exit 1, one line naming it" '! "$BIN" replay "$tmp/p.safetensors" "$tmp/one.hrd" --gif "$tmp/no/r.gif" -q >/dev/null 2>$tmp/e && grep -q "no/r.gif" $tmp/e'

# plan --so-far: the part run (the first 30 min of one.hrd, as CSV: its last row at 29:50) calibrates the
# model as predict --calibrate does over the same 30 min; the plan covers the rest, printed from the race's
# start; the time run so far is the last row's, 29:50 (it was counted a step more, 30:00)
"$BIN" export "$tmp/one.hrd" --format csv -o "$tmp/one.csv"
awk -F, 'NR == 1 || $11 < 1800' "$tmp/one.csv" > "$tmp/part.csv"
"$BIN" predict "$tmp/p.safetensors" "$tmp/part.csv" --calibrate 30m --format json -q > "$tmp/pc.json"
"$BIN" plan "$tmp/p.safetensors" --distance 12km --target-time 1:10:00 --so-far "$tmp/part.csv" --json -q > "$tmp/sf.json"
check "plan --so-far: the offset of predict --calibrate over the part run, the rest planned to the finish" 'py "
import json; j=json.load(open(\"$tmp/sf.json\")); w=json.load(open(\"$tmp/pc.json\"))[\"workouts\"][0]
s=j[\"so_far\"]; assert abs(s[\"offset_bpm\"]-w[\"offset_bpm\"])<0.01 and abs(s[\"offset_bpm\"])>0.5, (s, w[\"offset_bpm\"])
assert s[\"elapsed_s\"]==1790 and 1000<s[\"distance_m\"]<11000, s
assert abs(j[\"course\"][\"length_m\"]+s[\"distance_m\"]-12000)<1 and abs(j[\"finish_time_s\"]-(4200-1790))<1
km=j[\"km\"]; assert abs(km[-1][\"km\"]-12)<1e-3 and abs(km[-1][\"elapsed_s\"]-4200)<1 and km[0][\"km\"]>s[\"distance_m\"]/1000
assert abs(s[\"race_finish_time_s\"]-4200)<1
assert [k[\"km\"] for k in km]==list(range(int(s[\"distance_m\"]//1000)+1,13)), [k[\"km\"] for k in km]
"'
"$BIN" plan "$tmp/p.safetensors" --distance 12km --target-time 1:10:00 --so-far "$tmp/part.csv" --trust 0,1e9 --json -q > "$tmp/sf0.json"
check "plan --so-far --trust 0,1e9 (never trusted): offset 0, a cooler plan than the calibrated one" 'py "
import json; a=json.load(open(\"$tmp/sf.json\")); b=json.load(open(\"$tmp/sf0.json\"))
assert b[\"so_far\"][\"offset_bpm\"]==0 and b[\"so_far\"][\"trust_k_steps\"]==-1
assert (a[\"peak_hr\"]-b[\"peak_hr\"])*a[\"so_far\"][\"offset_bpm\"]>0, (a[\"peak_hr\"],b[\"peak_hr\"])
"'
check "plan --so-far table: the part run in the header, the race finish" '"$BIN" plan "$tmp/p.safetensors" --distance 12km --target-time 1:10:00 --so-far "$tmp/part.csv" -q > $tmp/sf.txt && grep -q "^# so far .*part.csv: .* km in 0:29:50, calibrated offset" $tmp/sf.txt && grep -q "^finish 1:10:00 (the rest in 0:40:10" $tmp/sf.txt'
"$BIN" plan "$tmp/p.safetensors" --distance 12km --target-time 1:10:00 --so-far "$tmp/part.csv" --plot "$tmp/sf.svg" -q > /dev/null
check "plan --so-far --plot: distances from the race start and the race finish, as the table (the axis began at 0)" 'grep -q "from km [0-9.]* - min-peak-hr - finish 1:10:00" $tmp/sf.svg && grep -q "distance from the start (km)" $tmp/sf.svg'
check "plan --so-far past the target time: exit 2, one line" '"$BIN" plan "$tmp/p.safetensors" --distance 12km --target-time 20:00 --so-far "$tmp/part.csv" -q 2>$tmp/e >/dev/null; [ $? -eq 2 ] && [ $(wc -l < $tmp/e) = 1 ] && grep -q "already run 0:29:50" $tmp/e'
check "plan --so-far with under a minute left: exit 2, one line, says a minute is needed" '"$BIN" plan "$tmp/p.safetensors" --distance 12km --target-time 30:30 --so-far "$tmp/part.csv" -q 2>$tmp/e >/dev/null; [ $? -eq 2 ] && [ $(wc -l < $tmp/e) = 1 ] && grep -q "already run 0:29:50, under a minute before it; a plan needs at least a minute left" $tmp/e'
printf '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg><trkpt lat="45.0" lon="7.0"><ele>100</ele></trkpt><trkpt lat="45.000899" lon="7.0"><ele>100</ele></trkpt></trkseg></trk></gpx>\n' > "$tmp/c100.gpx"
check "plan on a course just under 100 m: the length to the centimetre, not rounded to the limit" '! "$BIN" plan "$tmp/p.safetensors" --course "$tmp/c100.gpx" --target-time 1:00 -q 2>$tmp/e >/dev/null && grep -q "course length 99.96 m is outside \[100, 500000\] m" $tmp/e'
check "plan --so-far past the course: exit 2 (a bad pair of arguments, as a target already passed; it was 1), names the distance left" '"$BIN" plan "$tmp/p.safetensors" --distance 1km --pace 5:00 --so-far "$tmp/part.csv" -q 2>$tmp/e >/dev/null; [ $? = 2 ] && grep -q "leaves 0 m" $tmp/e'
# HR that stops 60 s before the part run's end: the last 30 s the default trust counts hold none; it said
# "calibrated offset +0.0 bpm" with in-sample MAE nan (replay: "offset +0.0", rows marked calibrated)
awk -F, 'BEGIN { OFS = "," } NR > 1 && $11 >= 1730 { $16 = "" } { print }' "$tmp/part.csv" > "$tmp/hrshort.csv"
check "plan --so-far without HR in the part the trust counts: a warning, the header says not calibrated" '"$BIN" plan "$tmp/p.safetensors" --distance 12km --target-time 1:10:00 --so-far "$tmp/hrshort.csv" > $tmp/hs.txt 2>$tmp/e && grep -q "^warning: plan: .*hrshort.csv: .*no recorded HR in the part the trust counts" $tmp/e && grep -q "^# so far .*hrshort.csv: .* km in 0:29:50, not calibrated;" $tmp/hs.txt && ! grep -q nan $tmp/e'
check "plan --so-far --json without it: offset_steps 0" '"$BIN" plan "$tmp/p.safetensors" --distance 12km --target-time 1:10:00 --so-far "$tmp/hrshort.csv" --json -q | py "import json,sys; s=json.load(sys.stdin)[\"so_far\"]; assert s[\"offset_steps\"] == 0 and s[\"offset_bpm\"] == 0, s"'
check "replay --calibrate 29:50 without HR in the part counted: a warning, not an offset" '"$BIN" replay "$tmp/p.safetensors" "$tmp/hrshort.csv" --calibrate 1780 > /dev/null 2>$tmp/e; grep -q "no recorded HR in the part of the first 1780 s that the trust counts" $tmp/e && ! grep -q "offset +0.0" $tmp/e'
check "replay --calibrate longer than the run: a warning (it said nothing)" '"$BIN" replay "$tmp/p.safetensors" "$tmp/part.csv" --calibrate 2h > /dev/null 2>$tmp/e; grep -q "is not longer than the window of 7200 s" $tmp/e'
cut -d, -f1-15 "$tmp/part.csv" > "$tmp/nohr.csv"
check "plan --so-far without heart rate: exit 1, says so" '! "$BIN" plan "$tmp/p.safetensors" --distance 12km --pace 5:00 --so-far "$tmp/nohr.csv" -q 2>$tmp/e >/dev/null && grep -q "no heart rate" $tmp/e'
check "plan --so-far missing file: exit 1, names it" '! "$BIN" plan "$tmp/p.safetensors" --distance 12km --pace 5:00 --so-far "$tmp/nope.fit" -q 2>$tmp/e >/dev/null && grep -q "nope.fit" $tmp/e'
check "plan --trust without --so-far: exit 2, one line" '"$BIN" plan "$tmp/p.safetensors" --distance 12km --pace 5:00 --trust 0,0 2>$tmp/e >/dev/null; [ $? -eq 2 ] && [ $(wc -l < $tmp/e) = 1 ] && grep -q "so-far" $tmp/e'
check "replay --frames without --gif: exit 2" '"$BIN" replay "$tmp/p.safetensors" "$tmp/one.hrd" --frames 5 2>$tmp/e >/dev/null; [ $? -eq 2 ] && grep -q "gif" $tmp/e'
check "plan bad --trust: exit 2" '"$BIN" plan "$tmp/p.safetensors" --distance 12km --pace 5:00 --so-far "$tmp/part.csv" --trust x 2>/dev/null >/dev/null; [ $? -eq 2 ]'

echo
echo "test_live.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
