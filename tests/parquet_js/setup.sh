#!/usr/bin/env bash
# setup.sh — installs the npm packages of the Parquet cross-check (hyparquet, hyparquet-writer,
# hyparquet-compressors) into tests/parquet_js/node_modules (git-ignored). Idempotent; without node/npm
# it prints a note and exits 0 (the C tests then skip the cross-checks).
set -eu
dir="$(cd "$(dirname "$0")" && pwd)"
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "parquet_js/setup.sh: node/npm absent; Parquet cross-checks will be skipped" >&2
  exit 0
fi
if [ -f "$dir/node_modules/hyparquet-writer/package.json" ] && [ -f "$dir/node_modules/hyparquet/package.json" ] &&
   [ -f "$dir/node_modules/hyparquet-compressors/package.json" ]; then
  exit 0
fi
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error >&2
