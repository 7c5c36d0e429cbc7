#!/usr/bin/env bash
# test_parquet_speed.sh — a Parquet file laid out like the FitRec publication (timestamp + speed lists, no unit)
# has its speed read as km/h (docs/parquet.md); when that makes the run a walk (a FIT file turned into a table,
# speed in m/s), import says so in one warning naming the fixes (until 2026-12-07: a 3 km/h walk, no word). A
# FitRec-like file with speeds of a run in km/h imports without it. Needs node and tests/parquet_js's
# hyparquet-writer (tests/parquet_js/setup.sh); skipped (counted) without them.
# Usage: tests/test_parquet_speed.sh [path/to/hrcast]
set -uo pipefail
BIN=${1:-${HRCAST_BIN:-build/hrcast}}
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
JS=$(cd "$(dirname "$0")/parquet_js" && pwd)
tmp=$(mktemp -d /tmp/hrcast-parquet-speed.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0; skip=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
if ! command -v node >/dev/null || [ ! -d "$JS/node_modules/hyparquet-writer" ]; then
  skip=2; echo "skip: node or tests/parquet_js/node_modules absent (run tests/parquet_js/setup.sh)"
  echo "test_parquet_speed.sh: $pass passed, $fail failed, $skip skipped"; exit 0
fi
write() { # write OUT SPEED: 30 min at 1 Hz, speed around SPEED, in the FitRec layout
  (cd "$JS" && node --input-type=module -e "
import { parquetWriteBuffer } from 'hyparquet-writer'
import fs from 'fs'
const n = 1800, ts = [], sp = [], hr = []
for (let i = 0; i < n; i++) { ts.push(BigInt(1600000000 + i)); sp.push($2 + 0.2 * Math.sin(i / 50)); hr.push(140 + Math.round(10 * Math.sin(i / 200))) }
const list = (name, type) => [
  { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL', type },
]
const schema = [{ name: 'root', num_children: 4 }, ...list('timestamp', 'INT64'), ...list('speed', 'DOUBLE'),
  ...list('heart_rate', 'INT32'), { name: 'sport', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }]
const buf = parquetWriteBuffer({ schema, columnData: [{ name: 'timestamp', data: [ts] }, { name: 'speed', data: [sp] },
  { name: 'heart_rate', data: [hr] }, { name: 'sport', data: ['running'] }] })
fs.writeFileSync('$1', Buffer.from(buf))
")
}
write "$tmp/ms.parquet" 3.0
write "$tmp/kmh.parquet" 10.8
"$BIN" import "$tmp/ms.parquet" -o "$tmp/ms.hrd" 2> "$tmp/e1"; rc1=$?
check "speeds of 3 in the FitRec layout (m/s by mistake): imported, one warning naming speed_ms and hrcast.speed_unit" \
  '[ $rc1 = 0 ] && [ $(grep -c "^warning: .*ms.parquet: the speed column has no unit and is read as km/h .* moving median is then 0.8[0-9] m/s, a walk; .*speed_ms.*hrcast.speed_unit" "$tmp/e1") = 1 ]'
"$BIN" import "$tmp/kmh.parquet" -o "$tmp/kmh.hrd" 2> "$tmp/e2"; rc2=$?
check "speeds of 10.8 km/h in the FitRec layout: no warning" '[ $rc2 = 0 ] && ! grep -q "speed column has no unit" "$tmp/e2"'
echo "test_parquet_speed.sh: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
