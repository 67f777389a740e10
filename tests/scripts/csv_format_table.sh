#!/usr/bin/env bash
# csv_format_table.sh MISSIONC SOURCE_DIR BINARY_DIR - the fast formatter's table
# (compiler/eval/csv_format_table.h) is what compiler/eval/csv_format_table.py writes:
# the committed header was not edited by hand, nor left behind after a change of the
# script (whose own asserts check every row: the shift's range, M's error, the range of
# the scaled value).
set -euo pipefail
src=$2
# shellcheck source=skip.bash
source "$src/tests/scripts/skip.bash"
command -v python3 >/dev/null || skip_test "python3 is missing"
generated=$(python3 "$src/compiler/eval/csv_format_table.py")
if ! diff -u "$src/compiler/eval/csv_format_table.h" - <<<"$generated" >/dev/null; then
  echo "FAIL: compiler/eval/csv_format_table.h differs from what csv_format_table.py writes:"
  diff -u "$src/compiler/eval/csv_format_table.h" - <<<"$generated" | head -20
  exit 1
fi
echo ok
