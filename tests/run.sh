#!/usr/bin/env bash
# run.sh — runs each cmocka test binary given, prints their output, and a closing summary line
# "N passed, N failed, N skipped" counted over individual cmocka test cases.
set -u
passed=0; failed=0; skipped=0; bad_bins=()
for bin in "$@"; do
  name=$(basename "$bin")
  if [ "${bin%.sh}" != "$bin" ]; then
    # a shell test: prints "name: N passed, N failed" itself
    out=$("$bin" "${HRCAST_BIN:-build/hrcast}" 2>&1); rc=$?
    printf '%s\n' "$out" | tail -3
    # the failed checks by name, so that a CI log says which one failed (the tail alone does not)
    printf '%s\n' "$out" | grep -E '^(FAIL|not ok)' | sed "s|^|  in $name: |" || true
    line=$(printf '%s\n' "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -1)
    p=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) passed.*/\1/p'); p=${p:-0}
    f=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p'); f=${f:-0}
    s=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p'); s=${s:-0}
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); bad_bins+=("$name (exit $rc)"); fi
    continue
  fi
  out=$("$bin" 2>&1); rc=$?
  printf '%s\n' "$out"
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END{print s+0}')
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END{print s+0}')
  s=$(printf '%s\n' "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END{print s+0}')
  [ "$s" -eq 0 ] && s=$(printf '%s\n' "$out" | grep -c '^\[  SKIPPED \] [a-z_]' || true)
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); bad_bins+=("$name (exit $rc)"); fi
done
[ ${#bad_bins[@]} -gt 0 ] && printf 'crashed or failed outside cmocka: %s\n' "${bad_bins[*]}"
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
