#!/usr/bin/env bash
# test_install.sh — `make install` as a user or a packager runs it: everything lands under a temporary
# PREFIX (binary, libhrcast.so.0 with its soname and only the public API exported, libhrcast.a, header,
# pkg-config file, one man page per command agreeing with --help, bash completion, Python module, README and
# docs/*.md); an
# outside C program built with `pkg-config --cflags --libs hrcast` against the shared library predicts
# the same as the CLI; DESTDIR staging; `make uninstall` leaves nothing behind.
# Usage: tests/test_install.sh [path/to/hrcast]   (make check passes HRCAST_BUILD, HRCAST_CC, HRCAST_OPT)
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/has.sh"
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
root=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${HRCAST_BUILD:-$root/build}
CC_=${HRCAST_CC:-cc}
OPT_=${HRCAST_OPT:--O2 -g}
pass=0; fail=0; skipped=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
show() { cat "$@"; return 1; }  # print what went wrong, and still fail
case "$OPT_" in *-fsanitize*)
  echo "test_install.sh: skipped: a sanitizer build is not installed (outside programs would need its runtime)"
  echo "test_install.sh: 0 passed, 0 failed, 1 skipped"; exit 0 ;;
esac
for tool in pkg-config:pkg-config man:man-db readelf:binutils nm:binutils; do
  command -v ${tool%%:*} >/dev/null || {
    echo "test_install.sh: skipped: ${tool%%:*} missing (apt-get install ${tool#*:}, or scripts/install-deps --ci)"
    echo "test_install.sh: 0 passed, 0 failed, 1 skipped"; exit 0; }
done
tmp=$(mktemp -d /tmp/hrcast-install-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
P=$tmp/prefix
mk() { make --no-print-directory -C "$root" BUILD="$BUILD" CC="$CC_" OPT="$OPT_" "$@"; }

mk install PREFIX="$P" > "$tmp/install.log" 2>&1; rc=$?
check "make install PREFIX=...: exit 0" '[ $rc -eq 0 ] || show $tmp/install.log'
check "make install rebuilt nothing (same flags as the build)" '! grep -q "^  CC " $tmp/install.log'
for f in bin/hrcast lib/libhrcast.so.0 lib/libhrcast.so lib/libhrcast.a include/hrcast.h lib/pkgconfig/hrcast.pc \
         share/man/man1/hrcast.1 share/man/man1/hrcast-predict.1 share/bash-completion/completions/hrcast \
         share/doc/hrcast/README.md share/doc/hrcast/docs/results.md; do
  check "installed $f" '[ -e "$P/$f" ]'
done
check "installed hrcast --version" '"$P/bin/hrcast" --version | has "^hrcast [0-9]"'
check "soname is libhrcast.so.0" 'readelf -d "$P/lib/libhrcast.so.0" | has "SONAME.*\[libhrcast.so.0\]"'
# the exported symbols, the version script and the header's HRCAST_EXPORT functions are the same list
nm -D --defined-only "$P/lib/libhrcast.so.0" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort > "$tmp/exported"
sed -n 's/^HRCAST_EXPORT .*[ *]\(hrcast_[a-z0-9_]*\)(.*/\1/p' "$root/include/hrcast.h" | sort > "$tmp/header"
sed -n 's/^ *\(hrcast_[a-z0-9_]*\);$/\1/p' "$root/src/api/libhrcast.map" | sort > "$tmp/map"
check "only the public API is exported (nm -D = header = version script)" \
  '[ -s $tmp/header ] && cmp -s $tmp/exported $tmp/header && cmp -s $tmp/map $tmp/header || { diff $tmp/exported $tmp/header; diff $tmp/map $tmp/header; false; }'
commands=$("$BIN" help | sed -n "s/^  \([a-z-]*\) .*/\1/p")
n_cmd=$(printf '%s\n' $commands | wc -l)
check "every docs/*.md installed in share/doc/hrcast/docs" '[ $(ls "$P/share/doc/hrcast/docs" | wc -l) -eq $(ls "$root"/docs/*.md | wc -l) ]'
check "the man pages say where the docs they cite are" 'grep -q "share/doc/hrcast/docs" "$P/share/man/man1/hrcast-predict.1"'
check "one man page per command ($n_cmd) plus hrcast.1" '[ $(ls "$P/share/man/man1" | wc -l) -eq $((n_cmd + 1)) ]'
# every option of every --help appears in its page, and the page has no other
for c in $commands; do
  "$BIN" $c --help | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u > "$tmp/h.$c"
  MANWIDTH=200 man -l "$P/share/man/man1/hrcast-$c.1" 2>/dev/null | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u > "$tmp/m.$c"
  check "man -l hrcast-$c.1 has the options of $c --help" '[ -s $tmp/h.$c ] && cmp -s $tmp/h.$c $tmp/m.$c || { diff $tmp/h.$c $tmp/m.$c; false; }'
done
check "man -l hrcast-predict.1: NAME line" 'man -l "$P/share/man/man1/hrcast-predict.1" 2>/dev/null | has "hrcast-predict - predict the heart rate"'
check "man hrcast-predict finds the page through MANPATH" 'MANPATH="$P/share/man" man -w hrcast-predict | has "$P"'

# pkg-config and an outside C program against the shared library
export PKG_CONFIG_PATH="$P/lib/pkgconfig"
check "pkg-config --libs hrcast" '[ "$(echo $(pkg-config --libs hrcast))" = "-L$P/lib -lhrcast" ]'
check "pkg-config --modversion = hrcast --version" '"$P/bin/hrcast" --version | has " $(pkg-config --modversion hrcast)$"'
cat > "$tmp/outside.c" <<'C'
/* an outside program: the mean predicted HR of each workout of a file, through the installed API */
#include <hrcast.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    char err[512];
    hrcast_model *m = hrcast_model_load(argv[1], err, sizeof err);
    if (!m) { fprintf(stderr, "%s\n", err); return 1; }
    hrcast_result *r; int n;
    if (hrcast_predict_file(m, argv[2], &r, &n, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    for (int i = 0; i < n; i++) {
        double s = 0;
        for (int t = 0; t < r[i].n; t++) s += r[i].hr[t];
        printf("%s %d %.4f\n", hrcast_version(), r[i].n, s / r[i].n);
    }
    hrcast_results_free(r, n);
    hrcast_model_free(m);
    return 0;
}
C
"$CC_" -Wall -Werror "$tmp/outside.c" $(pkg-config --cflags --libs hrcast) -o "$tmp/outside" 2> "$tmp/cc.err"
check "outside program builds with pkg-config --cflags --libs hrcast" '[ -x $tmp/outside ] || show $tmp/cc.err'
check "it links the shared library (NEEDED libhrcast.so.0)" 'readelf -d $tmp/outside | has "NEEDED.*libhrcast.so.0"'
"$BIN" simulate --athletes 2 --workouts 2 --seed 3 --emit-files "$tmp/runs" -o "$tmp/sim.hrd" -q
"$BIN" fit-physio "$tmp/sim.hrd" -o "$tmp/physio.safetensors" -q 2>/dev/null
fit=$(ls "$tmp"/runs/*/*.fit | head -1)
LD_LIBRARY_PATH="$P/lib" "$tmp/outside" "$tmp/physio.safetensors" "$fit" > "$tmp/outside.out" 2>&1
# the CLI's JSON rounds each HR to 0.1 bpm: the means agree within 0.05
"$BIN" predict "$tmp/physio.safetensors" "$fit" --format json -q > "$tmp/cli.json"
check "outside program predicts what the CLI predicts" 'python3 -c "
import json, sys
h = json.load(open(\"$tmp/cli.json\"))[\"workouts\"][0][\"hr_pred\"]
v, n, mean = open(\"$tmp/outside.out\").read().split()
assert v == \"$("$BIN" --version | cut -d\  -f2)\" and int(n) == len(h) > 10 and abs(float(mean) - sum(h) / len(h)) < 0.05, (n, len(h), mean, sum(h) / len(h))
"'
check "a bad model path: the library's message" '! LD_LIBRARY_PATH="$P/lib" "$tmp/outside" "$tmp/none.safetensors" "$fit" 2>$tmp/e && grep -q "none.safetensors" $tmp/e'

# the installed static library: only the public API is global, so a program with its own json_parse (a name of
# the library's JSON parser) links it statically (until 2026-12-07: "multiple definition of json_parse")
cat > "$tmp/clash.c" <<'C'
#include <hrcast.h>
#include <stdio.h>
int json_parse(const char *text) { return text != NULL; } /* the program's own, not the library's */
int main(void) { printf("%s %d\n", hrcast_version(), json_parse("x")); return 0; }
C
"$CC_" -Wall -Werror "$tmp/clash.c" -I"$P/include" "$P/lib/libhrcast.a" $(pkg-config --static --libs-only-l hrcast | sed 's/-lhrcast//') -o "$tmp/clash" 2> "$tmp/clash.err"
check "a program with its own json_parse links the static library" '[ -x $tmp/clash ] && "$tmp/clash" | has " 1$" || show $tmp/clash.err'
check "the static library defines only hrcast_ names globally" '[ -z "$(nm -g --defined-only "$P/lib/libhrcast.a" 2>/dev/null | awk "NF == 3 && \$3 !~ /^hrcast_/")" ]'
# bash completion reads the installed binary
check "bash completion: commands and options" 'PATH="$P/bin:$PATH" bash -c "source \"$P/share/bash-completion/completions/hrcast\"; COMP_WORDS=(hrcast pred); COMP_CWORD=1; _hrcast; [ \"\${COMPREPLY[*]}\" = predict ] && COMP_WORDS=(hrcast predict --in); COMP_CWORD=2; _hrcast; [ \"\${COMPREPLY[*]}\" = \"--inputs --int8\" ]"'

# the Python module went where the prefix's Python finds it and remembers the library
pydir=$(ls -d "$P"/lib/python3*/*-packages 2>/dev/null | head -1)
check "Python module installed with the library path" '[ -f "$pydir/hrcast/__init__.py" ] && grep -q "$P/lib/libhrcast.so.0" "$pydir/hrcast/_libpath.py"'
for py in python3 /usr/bin/python3; do "$py" -c 'import numpy' 2>/dev/null && break; py=; done
if [ -n "$py" ]; then
  check "python3 -c 'import hrcast' from the prefix" 'PYTHONPATH="$pydir" "$py" -c "import hrcast; assert hrcast.library_path == \"$P/lib/libhrcast.so.0\", hrcast.library_path"'
else
  skipped=$((skipped + 1))
  echo "skip python3 -c 'import hrcast' (no Python with NumPy: apt-get install python3-numpy, or scripts/install-deps --ci)"
fi

mk uninstall PREFIX="$P" > "$tmp/uninstall.log" 2>&1
check "make uninstall leaves no file in the prefix" '[ -z "$(find "$P" -type f -o -type l)" ] || find "$P" -type f -o -type l'

# a packager's staged install
mk install PREFIX=/usr DESTDIR="$tmp/stage" > "$tmp/stage.log" 2>&1
check "DESTDIR staging: files under DESTDIR/usr, pc file says /usr" '[ -x $tmp/stage/usr/bin/hrcast ] && grep -q "^libdir=/usr/lib$" $tmp/stage/usr/lib/pkgconfig/hrcast.pc && [ -f $tmp/stage/usr/lib/python3/dist-packages/hrcast/__init__.py ]'
mk uninstall PREFIX=/usr DESTDIR="$tmp/stage" > /dev/null 2>&1
check "DESTDIR uninstall leaves no file" '[ -z "$(find "$tmp/stage" -type f -o -type l)" ]'
echo
echo "test_install.sh: $pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
