#!/usr/bin/env bash
# test_archive.sh — `hrcast import` of bulk-export archives read in place: a Strava-layout export built here
# from simulated recordings (activities/*.fit.gz, .gpx, .tcx + activities.csv with a ride, a manual
# activity, a quoted title) imports the same workouts as the unpacked folder, as .zip, as .tar.gz and as a
# folder one level down in a folder of runners; the ride is skipped unread; a Garmin-style archive inside the archive is read; a bad member gets one
# "archive:member: offset: reason" line and the rest is imported; oversized members, a total over its
# limit, '..' and absolute names, links and too-deep nesting are refused by name.
# Usage: tests/test_archive.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
tmp=$(mktemp -d /tmp/hrcast-archive-test.XXXXXX)
pass=0; fail=0
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
py() { python3 -c "$@"; }
workouts() { "$BIN" info "$1" --json | py "import json,sys; print(json.load(sys.stdin)['workouts'])"; }

# --- an unpacked Strava export from simulated recordings; athlete = the folder / archive name
"$BIN" simulate --athletes 1 --workouts 7 --seed 21 --emit-files "$tmp/sim" -o "$tmp/sim.hrd" -q
ex=$tmp/export_42
mkdir -p "$ex/activities" "$ex/media"
py "
import glob, gzip, os, shutil
files = sorted(glob.glob('$tmp/sim/*/*'))
rows = ['Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Filename']
for i, f in enumerate(files):
    ext = os.path.splitext(f)[1]
    aid = 1000 + i
    if ext == '.fit':  # Strava stores FIT files gzipped
        dst = 'activities/%d.fit.gz' % aid
        with open(f, 'rb') as a, gzip.open('$ex/' + dst, 'wb') as b:
            shutil.copyfileobj(a, b)
    else:
        dst = 'activities/%d%s' % (aid, ext)
        shutil.copy(f, '$ex/' + dst)
    kind = 'Ride' if i == 1 else 'Run'
    title = '\"Lunch, hills\"' if i == 0 else ('\"Two\nlines\"' if i == 2 else 'Run %d' % i)
    rows.append('%d,\"Jan 1, 2024\",%s,%s,,1800,%s' % (aid, title, kind, dst))
rows.append('2000,\"Jan 2, 2024\",Gym,Weight Training,,3600,')  # a manual activity: no file
open('$ex/activities.csv', 'w').write('\n'.join(rows) + '\n')
open('$ex/profile.csv', 'w').write('Athlete ID,Email Address\n1,runner@example.org\n')
open('$ex/media/photo.jpg', 'wb').write(b'\xff\xd8\xff\xe0' + bytes(5000))
"
ride=$(sed -n '3p' "$ex/activities.csv" | awk -F, '{print $NF}')
# the ride's file is cut short: reading it would print an error line, skipping it unread prints none
head -c 200 "$ex/$ride" > "$tmp/cut" && mv "$tmp/cut" "$ex/$ride"
(cd "$tmp" && py "
import os, zipfile, tarfile
names = sorted(os.path.relpath(os.path.join(d, f), 'export_42') for d, _, fs in os.walk('export_42') for f in fs)
with zipfile.ZipFile('export_42.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    for n in names: z.write(os.path.join('export_42', n), n)
with tarfile.open('export_42.tar.gz', 'w:gz') as t:
    for n in names: t.add(os.path.join('export_42', n), n)
")
# the export folder zipped whole (export_42/activities.csv inside): its index applies as at the root (until
# 2026-12-07 activities.csv was read as a workout CSV, a read error, and the ride imported as a run)
(cd "$tmp" && py "
import os, zipfile
with zipfile.ZipFile('wrapped.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    for d, _, fs in os.walk('export_42'):
        for f in fs: z.write(os.path.join(d, f))
")
"$BIN" import "$tmp/wrapped.zip" -o "$tmp/wrapped.hrd" 2> "$tmp/wrapped.err"; rc_w=$?
check "an export folder zipped whole: exit 0, 6 workouts, the ride skipped, no read error" '[ $rc_w = 0 ] && [ "$(workouts $tmp/wrapped.hrd)" = 6 ] && "$BIN" info $tmp/wrapped.hrd --json | py "import json,sys; r=json.load(sys.stdin)[\"rejected\"]; assert r.get(\"not_running\") == 1 and not r.get(\"read_error\") and not r.get(\"no_time\"), r"'
check "... with the titles of its activities.csv" '"$BIN" export $tmp/wrapped.hrd --format jsonl | py "
import json, sys
t = [json.loads(l)[\"title\"] for l in sys.stdin]
assert \"Lunch, hills\" in t and \"Run 3\" in t, t"'
"$BIN" import "$ex" -o "$tmp/folder.hrd" 2> "$tmp/folder.err"; rc_f=$?
"$BIN" import "$tmp/export_42.zip" -o "$tmp/zip.hrd" 2> "$tmp/zip.err"; rc_z=$?
"$BIN" import "$tmp/export_42.tar.gz" -o "$tmp/tgz.hrd" 2> "$tmp/tgz.err"; rc_t=$?
check "folder, zip and tar.gz imports: exit 0" '[ $rc_f = 0 ] && [ $rc_z = 0 ] && [ $rc_t = 0 ] || cat $tmp/*.err'
check "the folder import has 6 workouts (7 minus the ride)" '[ "$(workouts $tmp/folder.hrd)" = 6 ]'
for a in zip tgz; do
  check "$a: the same series as the unpacked folder (export csv)" 'cmp -s <("$BIN" export $tmp/folder.hrd) <("$BIN" export $tmp/$a.hrd)'
  check "$a: the same sport, titles and athlete as the folder" 'cmp -s <("$BIN" export $tmp/folder.hrd --format jsonl | py "
import json, sys
for l in sys.stdin:
    d = json.loads(l); print(d[\"athlete\"], d[\"sport\"], d[\"title\"], d[\"source\"].split(\"export_42/\")[1])") <("$BIN" export $tmp/$a.hrd --format jsonl | py "
import json, sys, re
for l in sys.stdin:
    d = json.loads(l); print(d[\"athlete\"], d[\"sport\"], d[\"title\"], re.split(r\"export_42\.(?:zip|tar\.gz):\", d[\"source\"])[1])")'
  check "$a: the ride skipped unread (not_running=1, no error line)" '"$BIN" info $tmp/$a.hrd --json | py "import json,sys; d=json.load(sys.stdin); r=d[\"rejected\"]; assert r.get(\"not_running\") == 1 and not r.get(\"read_error\"), r" && ! grep -q "$(basename $ride)" $tmp/$a.err'
done
"$BIN" export "$tmp/zip.hrd" --format jsonl > "$tmp/zip.jsonl"
"$BIN" export "$tmp/folder.hrd" --format jsonl > "$tmp/folder.jsonl"
for a in zip folder; do
  check "$a: titles from activities.csv (quoted comma, newline -> space), the source the plain path" 'py "
import json
t = {}
for l in open(\"$tmp/$a.jsonl\"):
    d = json.loads(l); t[d[\"source\"].split(\"/\")[-1]] = d[\"title\"]
assert t[\"1000.fit.gz\" if \"$a\" == \"zip\" else [k for k in t if k.startswith(\"1000.\")][0]] == \"Lunch, hills\", t
assert \"Two lines\" in t.values() and \"Run 3\" in t.values(), t
assert not any(\"#\" in k for k in t), t
"'
done
# the export one level down, beside another runner's folder (`import --athlete-from-dir RUNNERS`): its
# activities.csv still names the sports and titles (it was read as a workout CSV and the ride imported)
mkdir -p "$tmp/runners/other"
cp -r "$ex" "$tmp/runners/export_42"
cp $(ls "$tmp"/sim/*/*.gpx | head -2) "$tmp/runners/other/"
"$BIN" import --athlete-from-dir "$tmp/runners" -o "$tmp/parent.hrd" 2> "$tmp/parent.err"; rc=$?
"$BIN" export "$tmp/parent.hrd" --format jsonl > "$tmp/parent.jsonl"
check "an export inside the folder imported: its activities.csv applies (ride skipped, titles), not read as a run" '[ $rc = 0 ] && ! grep -q "activities.csv" $tmp/parent.err && "$BIN" info $tmp/parent.hrd --json | py "
import json,sys; d=json.load(sys.stdin); r=d[\"rejected\"]
assert d[\"workouts\"] == 8 and r.get(\"not_running\") == 1 and not r.get(\"no_hr\") and not r.get(\"read_error\"), (d[\"workouts\"], r)" && py "
import json
def rows(p, who):
    return sorted((d[\"sport\"], d[\"title\"], d[\"source\"].split(\"export_42/\")[1]) for d in map(json.loads, open(p))
                  if who is None or d[\"athlete\"] == who)
assert rows(\"$tmp/parent.jsonl\", \"export_42\") == rows(\"$tmp/folder.jsonl\", None), rows(\"$tmp/parent.jsonl\", \"export_42\")
"'
"$BIN" export "$tmp/zip.hrd" --format parquet -o "$tmp/pq" 2>/dev/null
"$BIN" import "$tmp/pq/data" -o "$tmp/pq.hrd" -q 2>/dev/null
check "parquet round trip keeps the titles" 'py "
import json
def titles(p): return sorted((round(d[\"start_time\"]), d[\"title\"]) for d in map(json.loads, open(p)))
a = titles(\"$tmp/zip.jsonl\")
b = [(round(d[\"start_time\"]), d[\"title\"]) for d in map(json.loads, __import__(\"subprocess\").run([\"$BIN\", \"export\", \"$tmp/pq.hrd\", \"--format\", \"jsonl\"], capture_output=True, text=True).stdout.splitlines())]
assert a == sorted(b) and any(t for _, t in a), (a, b)
"'
check "athlete = the archive name" '[ "$(grep -c "\"athlete\":\"export_42\"" $tmp/zip.jsonl)" = 6 ]'

# --- Garmin Connect style: the FIT files in a zip inside the zip
(cd "$tmp" && py "
import glob, io, zipfile
inner = io.BytesIO()
with zipfile.ZipFile(inner, 'w', zipfile.ZIP_DEFLATED) as z:
    for f in sorted(glob.glob('sim/*/*')): z.write(f, f.split('/')[-1])
with zipfile.ZipFile('garmin.zip', 'w') as z:
    z.writestr('DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip', inner.getvalue())
    z.writestr('DI_CONNECT/DI-Connect-Fitness/summary.json', '{\"summarizedActivitiesExport\": []}')
")
"$BIN" import "$tmp/garmin.zip" -o "$tmp/garmin.hrd" 2> "$tmp/garmin.err"; rc=$?
check "archive inside the archive: every workout read (7), exit 0" '[ $rc = 0 ] && [ "$(workouts $tmp/garmin.hrd)" = 7 ] || cat $tmp/garmin.err'

# --- a bad member: one line "archive:member: offset: reason", the rest imported, exit 1
fit=$(ls "$tmp"/sim/*/*.fit | head -1)
(cd "$tmp" && py "
import zipfile
with zipfile.ZipFile('bad.zip', 'w') as z:
    z.write('$fit', 'activities/good.fit')
    b = open('$fit', 'rb').read()
    z.writestr('activities/123.fit', b[:14] + b'\\xff' * (len(b) - 14))  # its header, then no valid message
")
"$BIN" import "$tmp/bad.zip" -o "$tmp/bad.hrd" 2> "$tmp/bad.err"; rc=$?
check "bad member: exit 1, one line bad.zip:activities/123.fit: offset: reason" '[ $rc = 1 ] && grep -q "bad.zip:activities/123.fit: [0-9]*: " $tmp/bad.err'
check "bad member: the good one imported" '[ "$(workouts $tmp/bad.hrd)" = 1 ]'

# --- bombs and tricks
(cd "$tmp" && py "
import zipfile, tarfile, io
with zipfile.ZipFile('bomb.zip', 'w', zipfile.ZIP_DEFLATED) as z:
    z.write('$fit', 'good.fit')
    z.writestr('zeros.csv', bytes(8 << 20))       # 8 MiB of zeros, a few KiB packed
    z.writestr('../evil.fit', open('$fit', 'rb').read())
    z.writestr('/abs.fit', open('$fit', 'rb').read())
with tarfile.open('link.tar.gz', 'w:gz') as t:
    t.add('$fit', 'good.fit')
    s = tarfile.TarInfo('passwd.fit'); s.type = tarfile.SYMTYPE; s.linkname = '/etc/passwd'; t.addfile(s)
data = open('$fit', 'rb').read()
for level in range(4):                              # a zip in a zip in a zip in a zip
    b = io.BytesIO()
    with zipfile.ZipFile(b, 'w') as z: z.writestr('level%d.zip' % level if level else 'run.fit', data)
    data = b.getvalue()
open('deep.zip', 'wb').write(data)
")
"$BIN" import "$tmp/bomb.zip" --archive-max-member 1M -o "$tmp/bomb.hrd" 2> "$tmp/bomb.err"; rc=$?
check "oversized member refused naming the limit, exit 1" '[ $rc = 1 ] && grep -q "bomb.zip:zeros.csv: .*member limit of 1048576 bytes (--archive-max-member)" $tmp/bomb.err'
check "'..' and absolute member names refused" 'grep -q "bomb.zip:../evil.fit: member name refused" $tmp/bomb.err && grep -q "bomb.zip:/abs.fit: member name refused" $tmp/bomb.err'
check "the good member still imported" '[ "$(workouts $tmp/bomb.hrd)" = 1 ]'
"$BIN" import "$tmp/bomb.zip" --archive-max-total 2M -o "$tmp/bomb2.hrd" 2> "$tmp/bomb2.err"; rc=$?
check "total over its limit: the archive stops, the limit named" '[ $rc = 1 ] && grep -q "bomb.zip: the archive inflates to more than the total limit of 2097152 bytes (--archive-max-total)" $tmp/bomb2.err'
check "bad size flag: exit 2" '"$BIN" import "$tmp/bomb.zip" --archive-max-member lots -o $tmp/x.hrd 2>$tmp/e; [ $? = 2 ] && grep -q "archive-max-member" $tmp/e'
"$BIN" import "$tmp/link.tar.gz" -o "$tmp/link.hrd" 2> "$tmp/link.err"; rc=$?
check "link member refused, regular one imported" '[ $rc = 1 ] && grep -q "link.tar.gz:passwd.fit: link member refused" $tmp/link.err && [ "$(workouts $tmp/link.hrd)" = 1 ]'
"$BIN" import "$tmp/deep.zip" -o "$tmp/deep.hrd" 2> "$tmp/deep.err"; rc=$?
check "nesting deeper than 3 refused by name" '[ $rc = 1 ] && grep -q "deep.zip:level3.zip:level2.zip:level1.zip: archive nested deeper than 3 levels" $tmp/deep.err'
printf 'PK\003\004garbage that is not a zip at all' > "$tmp/broken.zip"
"$BIN" import "$tmp/broken.zip" -o "$tmp/broken.hrd" 2> "$tmp/broken.err"; rc=$?
check "a broken zip: one line, exit 1" '[ $rc = 1 ] && grep -q "broken.zip" $tmp/broken.err'

# seeds for fuzz/fuzz_archive.c (scripts/fuzz.sh sets HRCAST_SEED_DIR)
if [ -n "${HRCAST_SEED_DIR:-}" ]; then
  mkdir -p "$HRCAST_SEED_DIR/fuzz_archive"
  for f in bad.zip link.tar.gz deep.zip garmin.zip; do cp "$tmp/$f" "$HRCAST_SEED_DIR/fuzz_archive/"; done
fi
echo
echo "test_archive.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
