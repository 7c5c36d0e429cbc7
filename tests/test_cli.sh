#!/usr/bin/env bash
# test_cli.sh — the hrcast binary as a user meets it: help everywhere, import of a folder with good and
# bad files (one line per bad file, exit status, the rest imported), info --json keys, export round
# trips (CSV, JSON lines, Parquet -> import -> the same series), simulate -> train -> predict -> eval,
# plot/animate files, and usage errors. Usage: tests/test_cli.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-cli-test.XXXXXX)
. "$(dirname "$0")/lib.sh"

# --- help and usage
check "help lists every command" '"$BIN" help | has "^  serve" && "$BIN" help | has "^  import"'
for c in $("$BIN" help | sed -n "s/^  \([a-z-]*\) .*/\1/p"); do
  # into a file first: grep -q stops reading at the match, and a help text over one stdio buffer (4 KiB)
  # would then die of SIGPIPE, which pipefail reports as a failure
  check "$c --help has examples" '"$BIN" $c --help > $tmp/help.txt && grep -q "^examples:" $tmp/help.txt'
done
check "--version" '"$BIN" --version | has "^hrcast [0-9]"'
check "unknown command: exit 2" '"$BIN" bogus 2>/dev/null; [ $? -eq 2 ]'
check "import --sport with an empty value: exit 2 (it kept every sport)" '"$BIN" import --sport "" -o $tmp/x.hrd . 2>$tmp/e; [ $? -eq 2 ] && grep -q -- "--sport: give a sport" $tmp/e && [ ! -e $tmp/x.hrd ]'
check "bad option value: exit 2 and a message" '"$BIN" import --step abc -o x.hrd . 2>$tmp/e; [ $? -eq 2 ] && grep -q "not a number" $tmp/e'

# --- a folder of simulated recordings (FIT, GPX, TCX from hrcast's own writers) plus bad files
"$BIN" simulate --athletes 3 --workouts 4 --seed 9 --emit-files "$tmp/runs" -o "$tmp/sim.hrd" -q
mkdir -p "$tmp/runs/bad"
fit=$(ls "$tmp"/runs/sim0001/*.fit | head -1)
head -c 300 "$fit" > "$tmp/runs/bad/truncated.fit"
py "b = open('$fit', 'rb').read(); open('$tmp/runs/bad/corrupt.fit', 'wb').write(b[:14] + b'\\xff' * (len(b) - 14))"
: > "$tmp/runs/bad/empty.csv"
printf 'time,heart_rate,speed\nNaN,NaN,NaN\nabc,def,ghi\n' > "$tmp/runs/bad/nantext.csv"
printf '<?xml version="1.0"?><gpx><trk><trkseg><trkpt lat="1e999" lon="7"><time>2020-01-01T00:00:00Z</time></trkpt>' > "$tmp/runs/bad/broken.gpx"
printf 'just some words\n' > "$tmp/runs/bad/notes.dat"
"$BIN" import --athlete-from-dir "$tmp/runs" -o "$tmp/files.hrd" 2>"$tmp/imp.err"; rc=$?
check "import with bad files: exit 1" '[ $rc -eq 1 ]'
check "truncated FIT: a warning with path and offset, the messages before the cut read" 'grep -q "truncated.fit: [0-9]*: truncated: .*reading the messages before the cut" $tmp/imp.err'
check "corrupt FIT: one line with path, offset and reason" 'grep -q "corrupt.fit: 14: data message for undefined local message type" $tmp/imp.err'
check "broken GPX: one line with path" 'grep -q "broken.gpx: " $tmp/imp.err'
check "NaN-text CSV: one line with path" 'grep -q "nantext.csv" $tmp/imp.err'
check "the good files were imported" '[ "$("$BIN" info "$tmp/files.hrd" --json | py "import json,sys; print(json.load(sys.stdin)[\"workouts\"])")" = 12 ]'
check "no temp file left" '! ls $tmp/*.tmp.* 2>/dev/null'
"$BIN" info "$tmp/files.hrd" --json > "$tmp/info.json"
check "info --json keys" 'py "import json; d=json.load(open(\"$tmp/info.json\")); assert all(k in d for k in (\"workouts\",\"athletes\",\"hours\",\"rejected\")); assert d[\"athletes\"]==3; assert d[\"rejected\"][\"read_error\"]>=3"'
check "files and simulation give the same series count" '[ "$("$BIN" info "$tmp/sim.hrd" --json | py "import json,sys; print(json.load(sys.stdin)[\"workouts\"])")" = 12 ]'
check "import of a missing path: exit 1" '"$BIN" import /nonexistent -o $tmp/x.hrd 2>/dev/null; [ $? -eq 1 ] && [ ! -e $tmp/x.hrd ]'
mkdir -p "$tmp/Ann" && cp "$fit" "$tmp/Ann/run.fit"
abs_bin=$(readlink -f "$BIN")
(cd "$tmp/Ann" && "$abs_bin" import . -o ../dot.hrd -q && "$abs_bin" import run.fit -o ../file.hrd -q) 2>/dev/null
athletes_of() { "$BIN" info "$1" --json 2>/dev/null | py "import json,sys; print(*json.load(sys.stdin)[\"by_athlete\"])"; }
check "import . and import run.fit inside a runner's folder: the athlete is the folder's name, not '.'" \
  '[ "$(athletes_of $tmp/dot.hrd)" = Ann ] && [ "$(athletes_of $tmp/file.hrd)" = Ann ]'
# the masked counts are those of the workouts kept: a duplicate's (or a rejected workout's) were added too
mkdir -p "$tmp/twice" && cp "$fit" "$tmp/twice/a.fit" && cp "$fit" "$tmp/twice/b.fit"
"$BIN" import "$tmp/twice" -o "$tmp/twice.hrd" -q 2>/dev/null
"$BIN" import "$fit" -o "$tmp/once.hrd" -q 2>/dev/null
masked_of() { "$BIN" info "$1" --json 2>/dev/null | py "import json,sys; print(json.load(sys.stdin)[\"masked\"])"; }
check "the same file twice: one duplicate rejected, the masked counts of one copy" \
  '"$BIN" info "$tmp/twice.hrd" --json 2>/dev/null | py "import json,sys; assert json.load(sys.stdin)[\"rejected\"][\"duplicate\"] == 1" &&
   [ "$(masked_of $tmp/twice.hrd)" = "$(masked_of $tmp/once.hrd)" ]'
# a FitRec/jsonl file with a bad line: the rest read, the line counted as a read error and exit 1 (it was
# skipped with a warning, counted nowhere, exit 0)
"$BIN" export "$tmp/sim.hrd" --format jsonl -o "$tmp/lines.jsonl"
printf '{"heart_rate": [140, 141], "speed": [3, 3.1\n' >> "$tmp/lines.jsonl"
"$BIN" import "$tmp/lines.jsonl" -o "$tmp/lines.hrd" 2>"$tmp/e"; rc=$?
check "a jsonl file with one bad line: exit 1, the other 12 imported, read_error=1" \
  '[ $rc -eq 1 ] && grep -q "1 bad line skipped, 12 workouts read" $tmp/e && "$BIN" info "$tmp/lines.hrd" --json 2>/dev/null | py "
import json,sys; d=json.load(sys.stdin); assert d[\"workouts\"] == 12 and d[\"rejected\"][\"read_error\"] == 1, d[\"rejected\"]"'
head -c 14 "$fit" > "$tmp/header_only.fit"
"$BIN" import "$tmp/header_only.fit" -o "$tmp/x.hrd" 2>"$tmp/e"; rc=$?
check "a FIT file with no records: exit 1, counted as unsupported_format (the list was empty)" \
  '[ $rc -eq 1 ] && grep -q "no workout was accepted, .* not written; rejected: unsupported_format=1$" $tmp/e'
"$BIN" import "$tmp/header_only.fit" "$fit" -o "$tmp/x.hrd" 2>"$tmp/e"; rc=$?
check "a FIT file with no records beside a good one: counted in the totals" \
  '[ $rc -eq 0 ] && grep -q "^rejected: unsupported_format=1$" $tmp/e'
rm -f "$tmp/x.hrd"
check "info of a non-dataset: clear error" '"$BIN" info "$fit" 2>$tmp/e; [ $? -eq 1 ] && grep -q "is a workout recording (fit), not a dataset; import it first: .*import" $tmp/e'

# --- exports and round trips
"$BIN" export "$tmp/sim.hrd" --format csv -o "$tmp/sim.csv"
check "export csv: one row per step" '[ $(($(wc -l < $tmp/sim.csv) - 1)) = $("$BIN" info "$tmp/sim.hrd" --json | py "import json,sys; print(json.load(sys.stdin)[\"steps\"])") ]'
check "export jsonl: one line per workout" '[ "$("$BIN" export "$tmp/sim.hrd" --format jsonl | wc -l)" = 12 ]'
check "export --codec with csv or jsonl: exit 2, one line (it was ignored without a word)" \
  '"$BIN" export "$tmp/sim.hrd" --format jsonl --codec zstd > $tmp/o 2>$tmp/e; [ $? -eq 2 ] && [ ! -s $tmp/o ] && [ $(wc -l < $tmp/e) = 1 ] && grep -q -- "--codec applies to --format parquet only" $tmp/e'
"$BIN" export "$tmp/sim.hrd" --format parquet -o "$tmp/pq" 2>/dev/null
check "export parquet: three splits and a card" '[ -s $tmp/pq/data/train.parquet ] && [ -s $tmp/pq/data/test.parquet ] && head -1 $tmp/pq/README.md | has "^---$"'
"$BIN" import "$tmp/pq/data" -o "$tmp/back.hrd" -q 2>/dev/null
"$BIN" simulate --athletes 2 --workouts 10 -o "$tmp/two.hrd" -q
"$BIN" export "$tmp/two.hrd" --format parquet -o "$tmp/pq2" -q
check "parquet round trip of 2 athletes: the empty split parts are no rejected workouts" '"$BIN" import "$tmp/pq2" -o "$tmp/two_back.hrd" -q && "$BIN" info "$tmp/two_back.hrd" --json 2>/dev/null | py "import json,sys; d=json.load(sys.stdin); assert d[\"workouts\"] == 20 and not any(d[\"rejected\"].values()), d[\"rejected\"]"'
"$BIN" export "$tmp/back.hrd" --format jsonl > "$tmp/back.jsonl"
"$BIN" export "$tmp/sim.hrd" --format jsonl > "$tmp/orig.jsonl"
check "parquet round trip: the same series" 'py "
import json
def load(p):
    out = {}
    for line in open(p):
        d = json.loads(line)
        out[(d[\"athlete\"], d[\"start_time\"])] = [d[k] for k in (\"speed\", \"altitude\", \"heart_rate\")]
    return out
a, b = load(\"$tmp/orig.jsonl\"), load(\"$tmp/back.jsonl\")
assert a.keys() == b.keys(), (len(a), len(b))
for k in a:
    for x, y in zip(a[k], b[k]):
        assert len(x) == len(y)
        assert all((u is None and v is None) or abs(u - v) < 1e-3 for u, v in zip(x, y)), k
"'

# --- simulate -> train -> predict -> eval -> pictures
"$BIN" train "$tmp/sim.hrd" -o "$tmp/m.safetensors" --hidden 8 --epochs 2 --batch 4 -q
check "train writes a model and a log" '[ -s $tmp/m.safetensors ] && [ $(wc -l < $tmp/m.safetensors.log.jsonl) = 2 ]'
# a command ended by SIGTERM (or Ctrl-C, kill, logout) leaves no temp file (simulate left a 3 GB one)
mkdir -p "$tmp/term"
"$BIN" simulate --athletes 3000 --workouts 20 -o "$tmp/term/big.hrd" -q & spid=$!
for _ in $(seq 400); do ls "$tmp"/term/big.hrd.tmp.* >/dev/null 2>&1 && break; sleep 0.02; done
had_tmp=$(ls "$tmp"/term/ | wc -l); kill -TERM "$spid"; wait "$spid"; src=$?
check "simulate ended by SIGTERM while writing: exit 143, its temp file removed" '[ "$had_tmp" = 1 ] && [ $src = 143 ] && [ -z "$(ls "$tmp"/term/)" ]'
# the same for SIGPIPE: a log piped into a reader that has gone (`2>&1 | head -1`; the temp file stayed)
mkdir -p "$tmp/sigpipe"
py "import os, subprocess, sys
r, w = os.pipe(); os.close(r)
p = subprocess.run([\"$BIN\", \"predict\", \"$tmp/m.safetensors\", \"$tmp/sim.hrd\", \"--format\", \"json\", \"-o\", \"$tmp/sigpipe/out.json\"], stdout=w, stderr=w)
open(\"$tmp/sigpipe.rc\", \"w\").write(str(p.returncode))"
check "a command ended by SIGPIPE (its log pipe closed) removes its temp file" '[ "$(cat $tmp/sigpipe.rc)" = -13 ] && [ -z "$(ls "$tmp"/sigpipe/)" ]'
# -o naming a pipe or a device (/dev/null, /dev/stdout) writes into it: the atomic temp-and-rename replaced it
# with a regular file (until 2026-12-07 `-o /dev/null` turned the machine's /dev/null into a file)
mkfifo "$tmp/pipe"; cat "$tmp/pipe" > "$tmp/from_pipe.csv" & cpid=$!
"$BIN" export "$tmp/sim.hrd" --format csv -o "$tmp/pipe" 2>/dev/null; erc=$?; wait "$cpid"
check "export -o a FIFO: written through it, the FIFO left a FIFO" '[ $erc = 0 ] && [ -p "$tmp/pipe" ] && [ "$(head -c 8 "$tmp/from_pipe.csv")" = "workout," ] && [ -z "$(ls "$tmp" | grep "pipe.tmp")" ]'
# a 45 s stop (a timer stopped at a crossing: no record, the distance unmoved) is a pause, not running at the
# pace around it (until 2026-12-07 the gap was interpolated: 135 m the watch never recorded)
py "
with open(\"$tmp/stop.csv\", \"w\") as f:
    f.write(\"time,distance,heart_rate\\n\")
    for t in range(0, 1201):
        if 600 < t < 645:
            continue
        d = 3.0 * min(t, 600) + 3.0 * max(0, t - 645)
        f.write(f\"{t},{d:.1f},150\\n\")
"
"$BIN" import "$tmp/stop.csv" -o "$tmp/stop.hrd" -q 2>/dev/null
"$BIN" export "$tmp/stop.hrd" --format jsonl -o "$tmp/stop.jsonl" 2>/dev/null
check "a 45 s stop with the distance unmoved: speed 0 and paused inside it, 3 m/s around it" 'py "
import json
w = json.loads(open(\"$tmp/stop.jsonl\").readline())
t, v, q = w[\"time\"], w[\"speed\"], w[\"hr_issue\"]
inside = [i for i, x in enumerate(t) if 605 < x < 640]
assert inside and all(v[i] == 0 and q[i] == \"pause\" for i in inside), [(t[i], v[i], q[i]) for i in inside]
assert abs(v[t.index(300)] - 3) < 0.01 and abs(v[t.index(900)] - 3) < 0.01
assert abs(w[\"distance\"][-1] - 3.0 * 1155) < 15, w[\"distance\"][-1]
"'
# -o naming the process's own descriptor writes at its end (`>>` appends; the rename replaced /dev/stdout),
# and -o naming a symlink to a file replaces the file and keeps the link (the link was replaced by a file)
echo first > "$tmp/fd3.txt"
"$BIN" export "$tmp/sim.hrd" --format csv -o /dev/fd/3 -q 3>> "$tmp/fd3.txt"; frc=$?
check "export -o /dev/fd/3 opened for appending: appended after the line there" '[ $frc = 0 ] && [ "$(head -1 "$tmp/fd3.txt")" = first ] && [ "$(sed -n 2p "$tmp/fd3.txt" | cut -c1-8)" = "workout," ]'
echo old > "$tmp/target.csv"; ln -s target.csv "$tmp/link.csv"
"$BIN" export "$tmp/sim.hrd" --format csv -o "$tmp/link.csv" -q
check "export -o a symlink to a file: the file rewritten, the link kept" '[ -L "$tmp/link.csv" ] && [ "$(head -c 8 "$tmp/target.csv")" = "workout," ]'
mkdir -p "$tmp/odd"; cp "$(ls "$tmp"/runs/sim0001/*.tcx | head -1)" "$tmp/odd/race, \"2024\".tcx"
for c in predict replay; do
  check "$c CSV: a file name with a comma and quotes is one quoted field (every row as wide as the header)" '"$BIN" $c "$tmp/m.safetensors" "$tmp/odd/race, \"2024\".tcx" -q > $tmp/comma.csv && py "
import csv
rows = list(csv.reader(open(\"$tmp/comma.csv\")))
assert len(rows) > 2 and all(len(r) == len(rows[0]) for r in rows), [len(r) for r in rows[:3]]
assert rows[1][1].endswith(\"race, \\\"2024\\\".tcx\"), rows[1][1]
"'
done
# --threads: auto by default (the CPUs this process may use, at most 8), recorded in the model card; the same seed
# and thread count give the same bytes
auto_threads=$(py "import os; print(min(len(os.sched_getaffinity(0)), 8))")
"$BIN" train "$tmp/sim.hrd" -o "$tmp/m2.safetensors" --hidden 8 --epochs 2 --batch 4 -q
"$BIN" train "$tmp/sim.hrd" -o "$tmp/m3.safetensors" --hidden 8 --epochs 2 --batch 4 --threads auto -q
check "train --threads auto is the default: the same bytes twice" 'cmp -s $tmp/m.safetensors $tmp/m2.safetensors && cmp -s $tmp/m.safetensors $tmp/m3.safetensors'
check "train: the card records the auto thread count ($auto_threads)" 'py "import json, struct; b=open(\"$tmp/m.safetensors\",\"rb\").read(); n=struct.unpack(\"<Q\", b[:8])[0]; t=json.loads(json.loads(b[8:8+n])[\"__metadata__\"][\"model\"])[\"training\"]; assert t[\"threads\"] == $auto_threads, t[\"threads\"]"'
for th in 1 2; do
  "$BIN" train "$tmp/sim.hrd" -o "$tmp/t$th-a.safetensors" --hidden 8 --epochs 1 --batch 16 --threads $th -q
  "$BIN" train "$tmp/sim.hrd" -o "$tmp/t$th-b.safetensors" --hidden 8 --epochs 1 --batch 16 --threads $th -q
  check "train --threads $th: the same seed gives the same bytes" 'cmp -s $tmp/t$th-a.safetensors $tmp/t$th-b.safetensors'
done
check "train --threads x: exit 2, one line naming auto" '"$BIN" train "$tmp/sim.hrd" -o $tmp/x.safetensors --threads x 2>$tmp/e; [ $? -eq 2 ] && [ $(wc -l < $tmp/e) = 1 ] && grep -q "is not auto or an integer in \[1, 256\]" $tmp/e'
# fit-physio names the athletes left with the population's parameters, each counted once however many runs they have
mkdir -p "$tmp/short/ann" "$tmp/short/bob"
for who in ann bob; do for k in 1 2; do
  { echo "time,heart_rate,speed"; for i in $(seq 0 800); do echo "$i,$((120 + i % 30)),3"; done; } > "$tmp/short/$who/r$k.csv"
done; done
"$BIN" import --athlete-from-dir "$tmp/short" -o "$tmp/short.hrd" -q 2>/dev/null
check "fit-physio: athletes under 200 HR steps counted once each, the first named" '"$BIN" fit-physio "$tmp/short.hrd" --all -o $tmp/short.safetensors 2>$tmp/e && grep -q "2 athletes with fewer than 200 steps with heart rate (ann, ...)" $tmp/e'
# started by mpirun (OMPI_COMM_WORLD_SIZE, PMI_SIZE) without MPI built in: refused, pointing at hrcast-mpi (each
# process trained the whole model into the same file)
check "train under mpirun without MPI: exit 2, names hrcast-mpi" 'OMPI_COMM_WORLD_SIZE=2 "$BIN" train "$tmp/sim.hrd" -o $tmp/x.safetensors 2>$tmp/e; [ $? -eq 2 ] && grep -q "run hrcast-mpi" $tmp/e && [ ! -e $tmp/x.safetensors ]'
# a seed a JSON card cannot hold exactly is refused (2^64 - 1 was recorded as -1, which --seed then refused)
check "train --seed 2^64-1: exit 2, names the range" '"$BIN" train "$tmp/sim.hrd" -o $tmp/x.safetensors --seed 18446744073709551615 2>$tmp/e; [ $? -eq 2 ] && grep -q "from 0 to 9007199254740991" $tmp/e'
check "finetune --threads 0: exit 2, one line" '"$BIN" finetune "$tmp/m.safetensors" "$tmp/sim.hrd" --athlete sim0001 -o $tmp/x.safetensors --threads 0 2>$tmp/e; [ $? -eq 2 ] && [ $(wc -l < $tmp/e) = 1 ] && grep -q -- "--threads: .0. is not auto" $tmp/e'
"$BIN" predict "$tmp/m.safetensors" "$fit" > "$tmp/pred.csv" 2>"$tmp/pred.err"
check "predict csv: header and rows" 'head -1 $tmp/pred.csv | has "hr_pred_bpm" && [ $(wc -l < $tmp/pred.csv) -gt 10 ]'
check "predict: summary line with MAE" 'grep -q "MAE" $tmp/pred.err'
check "predict json parses" '"$BIN" predict "$tmp/m.safetensors" "$fit" --format json -q | py "import json,sys; d=json.load(sys.stdin); assert len(d[\"workouts\"][0][\"hr_pred\"]) > 10"'
check "predict of a garbage model: clear error" '"$BIN" predict "$fit" "$fit" 2>$tmp/e; [ $? -eq 1 ] && grep -q "safetensors\|model" $tmp/e'
check "predict --int8: every step within 1 bpm of FP32, not all equal" '"$BIN" predict "$tmp/m.safetensors" "$fit" --format json --inputs -q > $tmp/p32.json && "$BIN" predict "$tmp/m.safetensors" "$fit" --format json --inputs --int8 -q > $tmp/p8.json && py "import json; a=json.load(open(\"$tmp/p32.json\"))[\"workouts\"][0][\"hr_pred\"]; b=json.load(open(\"$tmp/p8.json\"))[\"workouts\"][0][\"hr_pred\"]; d=[abs(x-y) for x,y in zip(a,b)]; assert len(a)==len(b)>10 and max(d)<1 and max(d)>0, max(d)"'
check "predict --bf16: within 0.5 bpm of FP32, not all equal, closer than --int8" '"$BIN" predict "$tmp/m.safetensors" "$fit" --format json --inputs --bf16 -q > $tmp/pb.json && py "import json; l=lambda f: json.load(open(f))[\"workouts\"][0][\"hr_pred\"]; a, b, q = l(\"$tmp/p32.json\"), l(\"$tmp/pb.json\"), l(\"$tmp/p8.json\"); d=[abs(x-y) for x,y in zip(a,b)]; d8=[abs(x-y) for x,y in zip(a,q)]; assert len(a)==len(b)>10 and max(d)<0.5 and max(d)>0 and sum(d) < sum(d8), (max(d), sum(d), sum(d8))"'
check "predict --bf16 under HRCAST_ISA=portable: one warning line, the same predictions within 1e-3 bpm" 'HRCAST_ISA=portable "$BIN" predict "$tmp/m.safetensors" "$fit" --format json --inputs --bf16 > $tmp/pbp.json 2>$tmp/e && [ $(grep -c "warning: --bf16: the portable kernel path (HRCAST_ISA) has no BF16 products; its products are emulated in FP32" $tmp/e) = 1 ] && py "import json; l=lambda f: json.load(open(f))[\"workouts\"][0][\"hr_pred\"]; a, b = l(\"$tmp/pb.json\"), l(\"$tmp/pbp.json\"); assert len(a)==len(b)>10 and max(abs(x-y) for x,y in zip(a,b)) < 1e-3"'
check "predict --bf16 -q under HRCAST_ISA=portable: no warning" 'HRCAST_ISA=portable "$BIN" predict "$tmp/m.safetensors" "$fit" --bf16 -q 2>$tmp/e >/dev/null && [ ! -s $tmp/e ]'
check "predict --bf16 --int8: exit 2, one line" '"$BIN" predict "$tmp/m.safetensors" "$fit" --bf16 --int8 2>$tmp/e >/dev/null; [ $? -eq 2 ] && [ $(wc -l < $tmp/e) = 1 ] && grep -q -- "--bf16 and --int8 exclude each other" $tmp/e'
"$BIN" fit-physio "$tmp/sim.hrd" -o "$tmp/phys.safetensors" -q 2>/dev/null
check "--int8 with a physio model: exit 2, one line saying why" '"$BIN" predict "$tmp/phys.safetensors" "$fit" --int8 2>$tmp/e >/dev/null; [ $? -eq 2 ] && [ $(wc -l < $tmp/e) = 1 ] && grep -q "int8 inference applies to LSTM models; this is a physio model" $tmp/e'
"$BIN" eval "$tmp/m.safetensors" "$tmp/sim.hrd" --baselines --json -q > "$tmp/ev.json" 2>/dev/null
check "eval --json: mae, rmse, workouts, steps, baselines" 'py "import json; d=json.load(open(\"$tmp/ev.json\")); assert all(k in d for k in (\"mae\",\"rmse\",\"workouts\",\"steps\")); assert set(d[\"baselines\"]) == {\"constant\",\"physio\"}; assert all(\"mae\" in v and \"rmse\" in v for v in d[\"baselines\"].values())"'
# fit-physio fits the same targets as eval --baselines (the trusted steps): with sensor artifacts in the data its
# model gave another physio MAE than the baseline eval fitted itself, and fit-physio --constant another constant
"$BIN" simulate --athletes 4 --workouts 6 --seed 3 --artifacts -o "$tmp/art.hrd" -q
"$BIN" train "$tmp/art.hrd" -o "$tmp/art.safetensors" --hidden 8 --epochs 1 --batch 4 -q 2>/dev/null
"$BIN" fit-physio "$tmp/art.hrd" -o "$tmp/art_phys.safetensors" -q 2>/dev/null
"$BIN" fit-physio "$tmp/art.hrd" --constant -o "$tmp/art_const.safetensors" -q 2>/dev/null
"$BIN" eval "$tmp/art.safetensors" "$tmp/art.hrd" --baselines --json -q > "$tmp/art_b.json" 2>/dev/null
"$BIN" eval "$tmp/art.safetensors" "$tmp/art.hrd" --physio "$tmp/art_phys.safetensors" --json -q > "$tmp/art_p.json" 2>/dev/null
"$BIN" eval "$tmp/art_const.safetensors" "$tmp/art.hrd" --json -q > "$tmp/art_c.json" 2>/dev/null
check "fit-physio and fit-physio --constant fit what eval --baselines fits (trusted steps, artifacts in the data)" 'py "
import json; l=lambda f: json.load(open(f)); b, p, c = l(\"$tmp/art_b.json\"), l(\"$tmp/art_p.json\"), l(\"$tmp/art_c.json\")
assert abs(b[\"baselines\"][\"physio\"][\"mae\"] - p[\"baselines\"][\"physio\"][\"mae\"]) < 1e-9, (b[\"baselines\"], p[\"baselines\"])
assert abs(b[\"baselines\"][\"constant\"][\"mae\"] - c[\"mae\"]) < 1e-9, (b[\"baselines\"], c[\"mae\"])
"'
check "--bf16 with a physio model: exit 2, one line saying why" '"$BIN" predict "$tmp/phys.safetensors" "$fit" --bf16 2>$tmp/e >/dev/null; [ $? -eq 2 ] && [ $(wc -l < $tmp/e) = 1 ] && grep -q "bf16 inference applies to LSTM models; this is a physio model" $tmp/e'
check "eval --bf16: MAE within 0.1 bpm of FP32" '"$BIN" eval "$tmp/m.safetensors" "$tmp/sim.hrd" --json --bf16 -q > $tmp/evb.json 2>/dev/null && py "import json; a=json.load(open(\"$tmp/ev.json\"))[\"mae\"]; b=json.load(open(\"$tmp/evb.json\"))[\"mae\"]; assert abs(a-b) < 0.1, (a, b)"'
check "eval --int8: MAE within 0.5 bpm of FP32" '"$BIN" eval "$tmp/m.safetensors" "$tmp/sim.hrd" --json --int8 -q > $tmp/ev8.json 2>/dev/null && py "import json; a=json.load(open(\"$tmp/ev.json\"))[\"mae\"]; b=json.load(open(\"$tmp/ev8.json\"))[\"mae\"]; assert abs(a-b) < 0.5, (a, b)"'
check "plot png" '"$BIN" plot "$tmp/m.safetensors" "$fit" -o $tmp/p.png -q 2>/dev/null; [ "$(head -c 4 $tmp/p.png | tail -c 3)" = PNG ]'
check "plot svg" '"$BIN" plot "$tmp/m.safetensors" "$fit" -o $tmp/p.svg 2>/dev/null; grep -q "<svg" $tmp/p.svg'
check "animate gif" '"$BIN" animate "$tmp/m.safetensors" "$fit" -o $tmp/a.gif --frames 10 2>/dev/null; [ "$(head -c 3 $tmp/a.gif)" = GIF ]'
check "plot to an unknown extension: error, no file" '! "$BIN" plot "$tmp/m.safetensors" "$fit" -o $tmp/p.bmp 2>/dev/null && [ ! -e $tmp/p.bmp ]'
echo
echo "test_cli.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
