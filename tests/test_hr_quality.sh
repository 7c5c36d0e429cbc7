#!/usr/bin/env bash
# test_hr_quality.sh — the HR-quality stage as a user meets it: simulate --artifacts stores the truth,
# info --json counts verdicts (and the truth), export jsonl carries "hr_issue" (null or a reason) per
# step next to start_time and step_s, train records its targets (trusted, or all with --keep-flagged),
# eval shows all recorded and trusted steps side by side in stdout, metrics.json, metrics.md and
# report.html, and the precision/recall bench runs. Usage: tests/test_hr_quality.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-hrq-test.XXXXXX)
. "$(dirname "$0")/lib.sh"

"$BIN" simulate --athletes 4 --workouts 4 --seed 3 --artifacts -o "$tmp/a.hrd" -q
"$BIN" simulate --athletes 4 --workouts 4 --seed 3 -o "$tmp/c.hrd" -q
"$BIN" info "$tmp/a.hrd" --json > "$tmp/a.json"
"$BIN" info "$tmp/c.hrd" --json > "$tmp/c.json"
check "info --json: hr_quality counts every step" 'py "import json; d=json.load(open(\"$tmp/a.json\")); q=d[\"hr_quality\"]; assert sum(q.values())==d[\"steps\"], q; assert q[\"trusted\"]>0"'
check "info --json: hr_quality names every reason" 'py "import json; q=json.load(open(\"$tmp/a.json\"))[\"hr_quality\"]; assert set(q)=={\"trusted\",\"hr_gap\",\"pause\",\"cadence_lock\",\"lock_on\",\"dropout\",\"stuck\",\"level_shift\",\"spike\"}, q"'
check "simulate --artifacts: the injected truth is stored" 'py "import json; t=json.load(open(\"$tmp/a.json\"))[\"hr_quality_truth\"]; assert sum(t[k] for k in t if k!=\"trusted\")>0, t"'
check "without --artifacts: no truth" 'py "import json; assert \"hr_quality_truth\" not in json.load(open(\"$tmp/c.json\"))"'
check "info text: the HR quality table" '"$BIN" info "$tmp/a.hrd" | has "HR quality (grid steps)"'
"$BIN" export "$tmp/a.hrd" --format jsonl > "$tmp/a.jsonl"
check "export jsonl: hr_issue per step, null or a reason, next to start_time and step_s" 'py "
import json
names={\"hr_gap\",\"pause\",\"cadence_lock\",\"lock_on\",\"dropout\",\"stuck\",\"level_shift\",\"spike\"}
flagged=0
for line in open(\"$tmp/a.jsonl\"):
    d=json.loads(line)
    assert len(d[\"hr_issue\"])==len(d[\"heart_rate\"]) and \"start_time\" in d and \"step_s\" in d
    for i,h in zip(d[\"hr_issue\"], d[\"heart_rate\"]):
        assert i is None or i in names, i
        assert (h is None) == (i in (\"hr_gap\",\"pause\")), (h,i)
        flagged += i is not None and h is not None
assert flagged > 0
"'
check "export jsonl: the counts match info" 'py "
import json
q=json.load(open(\"$tmp/a.json\"))[\"hr_quality\"]
c={}
for line in open(\"$tmp/a.jsonl\"):
    for i in json.loads(line)[\"hr_issue\"]:
        c[i or \"trusted\"]=c.get(i or \"trusted\",0)+1
assert all(c.get(k,0)==v for k,v in q.items()), (c,q)
"'
check "import prints the verdict counts" '"$BIN" simulate --athletes 1 --workouts 2 --emit-files "$tmp/runs" -o "$tmp/s.hrd" -q && "$BIN" import "$tmp/runs" -o "$tmp/r.hrd" 2>&1 | has "HR quality (grid steps): trusted="'
"$BIN" train "$tmp/a.hrd" -o "$tmp/m.safetensors" --hidden 8 --layers 1 --epochs 1 --max-len 300 -q
"$BIN" train "$tmp/a.hrd" -o "$tmp/k.safetensors" --hidden 8 --layers 1 --epochs 1 --max-len 300 --keep-flagged -q
check "train: the model says it trained on trusted steps" 'grep -a -q "trusted steps" "$tmp/m.safetensors"'
check "train --keep-flagged: says all recorded steps" 'grep -a -q "all recorded steps (--keep-flagged)" "$tmp/k.safetensors"'
check "train --keep-flagged changes the model" '! cmp -s "$tmp/m.safetensors" "$tmp/k.safetensors"'
"$BIN" eval "$tmp/m.safetensors" "$tmp/a.hrd" --baselines -o "$tmp/ev" > "$tmp/ev.txt" 2>/dev/null # its held-out split
check "eval stdout: all recorded and trusted side by side" 'grep -q "MAE all  MAE trusted" "$tmp/ev.txt" && grep -q "^  constant " "$tmp/ev.txt"'
check "eval metrics.json: trusted metrics for the model and every baseline" 'py "
import json
d=json.load(open(\"$tmp/ev/metrics.json\"))
assert d[\"steps_trusted\"] < d[\"steps\"] and d[\"hr_quality_assessed\"]
for m in [d[\"model_metrics\"]] + list(d[\"baselines\"].values()):
    assert m[\"trusted\"][\"steps\"] == d[\"steps_trusted\"] and m[\"trusted\"][\"mae\"] > 0
assert len(d[\"baselines\"]) >= 2
"'
check "eval metrics.md: two labelled columns" 'grep -q "| model | MAE all recorded | MAE trusted |" "$tmp/ev/metrics.md"'
check "eval report.html: two labelled columns" 'grep -q "<th>MAE all recorded</th><th>MAE trusted</th>" "$tmp/ev/report.html"'

# the recordings simulate --emit-files writes carry the cadence (FIT record cadence + fraction, TCX RunCadence,
# GPX cad), so their import gets the dataset's verdicts: every FIT and TCX run step for step (GPX's cadence is
# whole strides, which may move a few steps). Without it, cadence locks became level shifts.
"$BIN" simulate --athletes 3 --workouts 12 --seed 1 --emit-files "$tmp/files" -o "$tmp/e.hrd" -q
"$BIN" import "$tmp/files" --athlete-from-dir -o "$tmp/ei.hrd" -q 2>/dev/null
"$BIN" export "$tmp/e.hrd" --format jsonl -o "$tmp/e.jsonl"
"$BIN" export "$tmp/ei.hrd" --format jsonl -o "$tmp/ei.jsonl"
check "emitted FIT and TCX files import with the dataset's HR-quality verdicts, cadence locks included" 'py "
import json
a = {(d[\"athlete\"], d[\"start_time\"]): d[\"hr_issue\"] for d in map(json.loads, open(\"$tmp/e.jsonl\"))}
locks = checked = 0
for d in map(json.loads, open(\"$tmp/ei.jsonl\")):
    if d[\"source\"].endswith((\".fit\", \".tcx\")):
        assert d[\"hr_issue\"] == a[(d[\"athlete\"], d[\"start_time\"])], d[\"source\"]
        locks += d[\"hr_issue\"].count(\"cadence_lock\"); checked += 1
assert checked >= 20 and locks > 0, (checked, locks)
"'

# import --step 120: the quality stage still trusts a clean run (every step was stuck from 81 s up), and a
# training part with no trusted step is refused, no model written (it trained on NaN and exited 0)
"$BIN" import "$tmp/files" --athlete-from-dir --step 120 -o "$tmp/s120.hrd" -q 2>/dev/null
check "import --step 120: most steps trusted, none stuck" '"$BIN" info "$tmp/s120.hrd" --json 2>/dev/null | py "
import json, sys; q = json.load(sys.stdin)[\"hr_quality\"]; assert q[\"stuck\"] == 0 and q[\"trusted\"] > 0.8 * sum(q.values()), q"'
"$BIN" export "$tmp/e.hrd" --format csv -o "$tmp/e.csv"
py "
import csv
rows = list(csv.reader(open('$tmp/e.csv'))); h = rows[0]; i, hr = h.index('hr_issue'), h.index('heart_rate_bpm')
for r in rows[1:]:
    r[i] = 'stuck' if r[hr] else r[i]
csv.writer(open('$tmp/untrusted.csv', 'w', newline='')).writerows(rows)
"
"$BIN" import "$tmp/untrusted.csv" -o "$tmp/untrusted.hrd" -q 2>/dev/null
"$BIN" train "$tmp/untrusted.hrd" -o "$tmp/u.safetensors" --hidden 8 --epochs 2 --batch 4 -q 2>"$tmp/e"; rc=$?
check "train with no trusted HR step: exit 1, one line, no model and no resume file" \
  '[ $rc -eq 1 ] && [ $(wc -l < $tmp/e) = 1 ] && grep -q "has no trusted heart-rate step to learn from" $tmp/e && [ ! -e $tmp/u.safetensors ] && [ ! -e $tmp/u.safetensors.resume ]'
echo
echo "test_hr_quality.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
