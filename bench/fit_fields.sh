#!/usr/bin/env bash
# fit_fields.sh — how many recordings in ../shared/data/real carry each profile field a watch stores (FIT
# user_profile / zones: resting HR, max HR, threshold HR, age, weight, gender) and each channel that is not
# heart rate (cadence, power, temperature): issue 14. FIT files are walked by bench/fit_fields.c; the text
# formats (GPX, TCX, CSV) are searched for their channel tags or columns (they hold no profile). Prints a
# Markdown table per folder and in all; writes it to $OUT/fit_fields.md when OUT is given.
# Usage: bench/fit_fields.sh      Env: REAL (../shared/data/real), OUT, CC (cc)
set -euo pipefail
cd "$(dirname "$0")/.."
REAL=${REAL:-../shared/data/real}
CC=${CC:-cc}
if [ ! -d "$REAL" ]; then
    echo "fit_fields.sh: $REAL not found (set REAL=...); nothing to do" >&2
    exit 0
fi
make -s build/libhrcast.a >/dev/null
$CC -O2 -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -Isrc -o build/fit_fields bench/fit_fields.c build/libhrcast.a \
    $(pkg-config --libs expat zlib spng libmicrohttpd snappy libzstd) -lopenblas -lgif -lpthread -lm
tmp=$(mktemp -d /tmp/hrcast-fitfields-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

find "$REAL" -type f \( -name '*.fit' -o -name '*.fit.gz' -o -name '*.FIT' \) -print0 | sort -z |
    xargs -0 build/fit_fields > "$tmp/fit.tsv" 2> "$tmp/fit.log"
# text formats: a channel counts when its tag / column appears with a value (pipefail off: grep -q and head
# stop reading early, and zcat's SIGPIPE is no failure here)
set +o pipefail
: > "$tmp/text.tsv"
while IFS= read -r -d '' f; do
    z() { zcat -f "$f" 2>/dev/null | grep -Eqi "$1"; }
    case "$f" in
    *.gpx|*.gpx.gz) kind=gpx
        cad=$(z '<([a-z0-9]+:)?cad>[0-9]' && echo 1 || echo 0)
        pow=$(z '<([a-z0-9]+:)?power>[0-9]' && echo 1 || echo 0)
        tem=$(z '<([a-z0-9]+:)?(a|w)temp>-?[0-9]' && echo 1 || echo 0) ;;
    *.tcx|*.tcx.gz) kind=tcx
        cad=$(z '<([a-z0-9]+:)?(Run)?Cadence>[0-9]' && echo 1 || echo 0)
        pow=$(z '<([a-z0-9]+:)?Watts>[0-9]' && echo 1 || echo 0)
        tem=0 ;;
    */activities.csv|*/activities.csv.gz) continue ;; # Strava's summary of every activity, not a recording
    *.csv|*.csv.gz) kind=csv
        h=$(zcat -f "$f" 2>/dev/null | head -1 | tr 'A-Z' 'a-z')
        cad=$([[ $h == *cadence* ]] && echo 1 || echo 0)
        pow=$([[ $h == *power* ]] && echo 1 || echo 0)
        tem=$([[ $h == *temperature* ]] && echo 1 || echo 0) ;;
    *) continue ;;
    esac
    printf '%s\t%s\t%s\t%s\t%s\n' "$f" "$kind" "$cad" "$pow" "$tem" >> "$tmp/text.tsv"
done < <(find "$REAL" -type f \( -name '*.gpx' -o -name '*.gpx.gz' -o -name '*.tcx' -o -name '*.tcx.gz' \
    -o -name '*.csv' -o -name '*.csv.gz' \) -print0 | sort -z)
set -o pipefail

python3 - "$REAL" "$tmp/fit.tsv" "$tmp/text.tsv" > "$tmp/out.md" <<'EOF'
import os, sys
real, fit_tsv, text_tsv = sys.argv[1], sys.argv[2], sys.argv[3]
def folder(path):
    return os.path.relpath(path, real).split(os.sep)[0]
rows = [l.rstrip("\n").split("\t") for l in open(fit_tsv)]
cols, rows = rows[0][1:], rows[1:]
fit, errors = {}, {}
for r in rows:
    f = folder(r[0])
    if r[1].startswith("error"):
        errors[f] = errors.get(f, 0) + 1
        continue
    c = fit.setdefault(f, [0] * (len(cols) + 1))
    c[0] += 1
    for k, v in enumerate(r[1:]):
        c[k + 1] += int(v)
names = {"gender": "gender", "age": "age", "weight": "weight", "resting_hr": "resting HR",
         "max_hr_profile": "max HR (user_profile)", "max_hr_zones": "max HR (zones_target)",
         "threshold_hr": "threshold HR", "hr_zones": "HR zones", "hr": "HR channel", "cadence": "cadence",
         "power": "power", "temperature": "temperature"}
folders = sorted(set(fit) | set(errors))
print("FIT files (bench/fit_fields.c): files carrying each field at least once, per folder")
print()
print("| folder | FIT files | " + " | ".join(names[c] for c in cols) + " | not readable |")
print("|---" * (len(cols) + 3) + "|")
tot = [0] * (len(cols) + 1)
for f in folders:
    c = fit.get(f, [0] * (len(cols) + 1))
    tot = [a + b for a, b in zip(tot, c)]
    print(f"| {f} | {c[0]} | " + " | ".join(str(x) for x in c[1:]) + f" | {errors.get(f, 0)} |")
n = tot[0]
print(f"| **all** | **{n}** | " + " | ".join(f"**{x}** ({100 * x / n:.0f} %)" if n else "0" for x in tot[1:]) +
      f" | {sum(errors.values())} |")
text = [l.rstrip("\n").split("\t") for l in open(text_tsv)]
if text:
    print()
    print("Text formats (GPX, TCX, CSV; no profile fields): files with each channel")
    print()
    print("| folder | format | files | cadence | power | temperature |")
    print("|---|---|---|---|---|---|")
    agg = {}
    for r in text:
        k = (folder(r[0]), r[1])
        a = agg.setdefault(k, [0, 0, 0, 0])
        a[0] += 1
        for i in range(3):
            a[i + 1] += int(r[2 + i])
    for (f, kind), a in sorted(agg.items()):
        print(f"| {f} | {kind} | {a[0]} | {a[1]} | {a[2]} | {a[3]} |")
EOF
cat "$tmp/out.md"
if [ -n "${OUT:-}" ]; then
    mkdir -p "$OUT"
    cp "$tmp/out.md" "$OUT/fit_fields.md.tmp" && mv "$OUT/fit_fields.md.tmp" "$OUT/fit_fields.md"
fi
