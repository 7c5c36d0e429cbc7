#!/usr/bin/env bash
# parity.sh — regenerates the PyTorch golden files into a temp dir with tools/torch_golden.py and runs
# the nn tests against them live (make parity). Skips with a message when python3-torch is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "parity: python3-torch not installed (apt-get install -y python3-torch); skipped"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 tools/torch_golden.py "$tmp"
make -s build/tests/test_nn
HRCAST_GOLDEN_DIR="$tmp" build/tests/test_nn 2>&1 | grep -E "parity|PASSED|FAILED|Error"
