#!/usr/bin/env bash
# test_completion.sh — bash completion (tools/hrcast-completion.bash) offers each command's options as its
# --help lists them on option lines, and none that the command rejects (until 2026-12-07 it took every
# --word of the help's prose: export --artifacts, predict --trust-on, card --baselines, ...). Each offered
# option is given to its command alone; "unrecognized option" fails. demo and simulate are left out: they
# need no argument, so an option alone would run them.
# Usage: tests/test_completion.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
COMP=$(dirname "$0")/../tools/hrcast-completion.bash
tmp=$(mktemp -d /tmp/hrcast-completion.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

words() { bash -c "source '$COMP'; _HRCAST_BIN='$BIN'; _hrcast_words '$1'"; }
cmds=$(words "")
for c in $cmds; do
  case $c in help|--*|demo|simulate) continue ;; esac
  offered=$(words "$c")
  [ -n "$offered" ] || { bad "$c: no option offered"; continue; }
  rejected=
  for o in $offered; do
    case $o in --help|-h) continue ;; esac
    (cd "$tmp" && timeout 10 "$BIN" "$c" "$o" < /dev/null > /dev/null 2> "$tmp/err")
    grep -q "unrecognized option\|invalid option" "$tmp/err" && rejected="$rejected $o"
  done
  if [ -z "$rejected" ]; then ok "$c: the $(echo $offered | wc -w) options offered are all accepted"; else bad "$c: offered but rejected:$rejected"; fi
done
for pair in "export --artifacts" "predict --trust-on" "card --baselines" "plan --calibrate" "finetune --hr-scale"; do
  set -- $pair
  if words "$1" | tr ' ' '\n' | grep -qx -- "$2"; then bad "$1 does not offer $2 (named in its help's prose only)"; else ok "$1 does not offer $2 (named in its help's prose only)"; fi
done
echo "test_completion.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
