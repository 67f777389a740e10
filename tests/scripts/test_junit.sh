#!/usr/bin/env bash
# test_junit.sh MISSIONC SOURCE_DIR BINARY_DIR - `missionc test` over several files with --junit.
#
# Two files (one failing test among six): the count line, exit 1, and JUnit XML that
# parses, with the counts and the failure's expected and actual values; the examples'
# own tests all pass.
set -uo pipefail
missionc=$1 src=$2 bin=$3
work=$bin/test-junit
rm -rf "$work"
mkdir -p "$work"
fail=0
cd "$src/tests/golden/test" || exit 1
"$missionc" test pass.mission fail.mission --junit "$work/out.xml" >"$work/out" 2>"$work/err"
st=$?
[ $st = 1 ] || { echo "FAIL: exit $st, expected 1"; fail=1; }
tail -1 "$work/out" | grep -qx '5 passed, 1 failed' || { echo "FAIL: count line:"; cat "$work/out"; fail=1; }
python3 - "$work/out.xml" <<'PY' || fail=1
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites" and root.get("tests") == "6" and root.get("failures") == "1", root.attrib
cases = root.findall("./testsuite/testcase")
assert len(cases) == 6, len(cases)
failures = [c for c in cases if c.find("failure") is not None]
assert len(failures) == 1 and "expected 0.6, got 0.5" in failures[0].find("failure").text
PY
# A JUnit file that cannot be written: exit 2, nothing left behind.
"$missionc" test pass.mission --junit "$work/no/such/dir/out.xml" >/dev/null 2>&1
[ $? = 2 ] || { echo "FAIL: an unwritable --junit is not exit 2"; fail=1; }
# The tests written in the examples pass.
for f in "$src"/examples/*.mission; do
  grep -q '^test ' "$f" || continue
  "$missionc" test "$f" >"$work/out" 2>&1 || { echo "FAIL: the tests of $f:"; cat "$work/out"; fail=1; }
done
exit $fail
