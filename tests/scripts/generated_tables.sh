#!/usr/bin/env bash
# generated_tables.sh MISSIONC SOURCE_DIR BINARY_DIR - the committed tables are what
# their generators write: not edited by hand, nor left behind after a change of the
# script. The generators check their own rows as they write them.
#   compiler/base/vmath_pow_table.h   pow's tables, from exact decimal arithmetic; the
#                                     interval around 1 has invc exactly 1 and log 0
#                                     (LANGUAGE.md, "exp, log and pow")
#   compiler/eval/csv_format_table.h  the fast formatter's table (the shift's range, M's
#                                     error, the range of the scaled value)
set -euo pipefail
src=$2
# shellcheck source=skip.bash
source "$src/tests/scripts/skip.bash"
command -v python3 >/dev/null || skip_test "python3 is missing"

# same_as_generated HEADER: HEADER (under compiler/) equals what HEADER's .py prints
same_as_generated() {
  local header=$src/compiler/$1 generated
  generated=$(python3 "${header%.h}.py")
  if ! diff -u "$header" - <<<"$generated" >/dev/null; then
    echo "FAIL: compiler/$1 differs from what ${1%.h}.py writes:"
    diff -u "$header" - <<<"$generated" | head -20
    exit 1
  fi
}
same_as_generated base/vmath_pow_table.h
grep -qF '{0x1.0000000000000p+0, 0x0.0p+0, 0x0.0p+0},' "$src/compiler/base/vmath_pow_table.h" ||
  { echo "FAIL: pow's tables have no interval with invc 1"; exit 1; }
same_as_generated eval/csv_format_table.h
echo ok
