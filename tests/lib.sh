# lib.sh — the counting helpers the shell tests share: ok/bad/check keep the pass/fail counts that each
# test prints in its closing line ("name: N passed, N failed"), and remove $tmp on exit.
# Source it after setting $tmp:  . "$(dirname "$0")/lib.sh"
pass=0; fail=0
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
py() { python3 -c "$@"; }
