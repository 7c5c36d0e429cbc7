# lib.sh — the helpers the shell tests share: ok/bad/check keep the pass/fail counts that each
# test prints in its closing line ("name: N passed, N failed"), and remove $tmp on exit.
# Source it after setting $tmp:  . "$(dirname "$0")/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/has.sh"
pass=0; fail=0
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
py() { python3 -c "$@"; }
# gpx_without_hr FILE: a 20-minute GPX track with times and no heart rate (a run the HR-based options refuse)
gpx_without_hr() { py "
import sys
pts = ''.join(f'<trkpt lat=\"{45 + i * 1e-4:.6f}\" lon=\"7.0\"><time>2024-05-01T10:{i // 60:02d}:{i % 60:02d}Z</time></trkpt>'
              for i in range(0, 1200, 5))
open(sys.argv[1], 'w').write('<?xml version=\"1.0\"?><gpx version=\"1.1\" creator=\"t\"><trk><trkseg>' + pts +
                             '</trkseg></trk></gpx>')
" "$1"; }
