#!/usr/bin/env bash
# Sets up, builds and runs every test (GoogleTest + lit, through ctest).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${LOWBIT_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
cd "$build"
log="$(mktemp)"
status=0
ctest --output-on-failure -j2 2>&1 | tee "$log" || status=$?
# lit ran inside ctest; its own counts are in ctest's log.
lit_line="$(grep -E "^ *(Passed|Failed|Unsupported): " "$build/Testing/Temporary/LastTest.log" | tail -n 3 || true)"
echo "----------------------------------------------------------------"
grep -E "tests passed|tests failed" "$log" | tail -n 1
echo "lit (counted as one ctest test): $(echo "$lit_line" | tr '\n' ' ')"
rm -f "$log"
exit $status
