#!/usr/bin/env bash
# deb_test.sh — CI step (root, a throwaway machine; not part of make check, which never touches the
# system): `make deb`, install it with dpkg -i, use it as a user would (hrcast --version, a man page,
# pkg-config, a prediction, import hrcast from the system Python), then dpkg -r and check that every
# file the package installed is gone. Usage: tests/deb_test.sh   (from the repository root)
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/has.sh"
cd "$(dirname "$0")/.."
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
if [ "$(id -u)" -ne 0 ]; then  # dpkg -i needs root: as install-deps does, through sudo when there is one
  command -v sudo >/dev/null && exec sudo -E "$0" "$@"
  echo "deb_test.sh: needs root (dpkg -i) or sudo"; exit 2
fi
if dpkg-query -W -f='${Status}' hrcast 2>/dev/null | has "install ok installed"; then
  echo "deb_test.sh: a hrcast package is installed already; not touching it"; exit 2
fi
tmp=$(mktemp -d /tmp/hrcast-deb-test.XXXXXX)
trap 'dpkg -r hrcast >/dev/null 2>&1; rm -rf "$tmp"' EXIT
deb=$(make --no-print-directory deb | tail -1)
check "make deb builds $deb" '[ -s "$deb" ]'
dpkg -i "$deb" > "$tmp/dpkg.log" 2>&1; rc=$?
check "dpkg -i" '[ $rc -eq 0 ] || { cat $tmp/dpkg.log; false; }'
dpkg -L hrcast > "$tmp/files"
B=/usr/bin/hrcast
check "hrcast --version" '$B --version | has "^hrcast $(dpkg-query -W -f="\${Version}" hrcast)$"'
check "man hrcast-predict" 'man -w hrcast-predict | has "^/usr/share/man/man1/hrcast-predict.1.gz$" && MANWIDTH=100 man hrcast-predict 2>/dev/null | has -- "--int8"'
check "/usr/share/doc/hrcast: copyright, README.md, docs/results.md" '[ -s /usr/share/doc/hrcast/copyright ] && [ -s /usr/share/doc/hrcast/README.md ] && [ -s /usr/share/doc/hrcast/docs/results.md ]'
check "pkg-config --libs hrcast" '[ "$(echo $(pkg-config --libs hrcast))" = "-lhrcast" ]'
# the cache listing goes to a file first: with pipefail, `ldconfig -p | grep -q` fails whenever grep
# stops reading before ldconfig has written its (over 64 KB) listing, and ldconfig dies of SIGPIPE
ldconfig -p > "$tmp/ldcache"
check "libhrcast.so.0 known to the loader (ldconfig trigger)" 'grep -q "libhrcast.so.0 " "$tmp/ldcache"'
$B simulate --athletes 2 --workouts 2 --seed 4 --emit-files "$tmp/runs" -o "$tmp/sim.hrd" -q
$B fit-physio "$tmp/sim.hrd" -o "$tmp/physio.safetensors" -q 2>/dev/null
fit=$(ls "$tmp"/runs/*/*.fit | head -1)
# more than 10 steps with a predicted HR above 40 bpm in the CSV's hr_pred_bpm column
plausible() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "hr_pred_bpm") c = i }
                       NR > 1 && c && $c > 40 { n++ } END { exit !(n > 10) }'; }
check "a prediction with the installed binary" '$B predict "$tmp/physio.safetensors" "$fit" -q | plausible'
if /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
  check "python3: import hrcast from the package, predict" 'cd "$tmp" && /usr/bin/python3 -c "
import hrcast
assert hrcast.__file__.startswith(\"/usr/lib/python3/dist-packages/\"), hrcast.__file__
assert hrcast.library_path == \"/usr/lib/libhrcast.so.0\"
r = hrcast.Model(\"$tmp/physio.safetensors\").predict_file(\"$fit\")
assert len(r[\"hr\"]) > 10
"'
else
  echo "skip python3 import hrcast (python3-numpy not installed)"
fi
dpkg -r hrcast > "$tmp/remove.log" 2>&1; rc=$?
check "dpkg -r" '[ $rc -eq 0 ] || { cat $tmp/remove.log; false; }'
left=$(while read -r f; do [ -f "$f" ] || [ -L "$f" ] && echo "$f"; done < "$tmp/files")
check "no file of the package left" '[ -z "$left" ] || { echo "$left"; false; }'
check "hrcast gone from PATH's /usr/bin" '[ ! -e /usr/bin/hrcast ]'
echo
echo "deb_test.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
