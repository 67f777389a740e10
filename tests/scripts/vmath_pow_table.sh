#!/usr/bin/env bash
# vmath_pow_table.sh MISSIONC SOURCE_DIR BINARY_DIR - pow's tables
# (compiler/base/vmath_pow_table.h) are what compiler/base/vmath_pow_table.py generates
# from exact decimal arithmetic: the committed header was not edited by hand, nor left
# behind after a change of the script. And the generator's own checks of its rows: the
# interval around 1 has invc exactly 1 and log 0 (LANGUAGE.md, "exp, log and pow").
set -euo pipefail
src=$2
# shellcheck source=skip.bash
source "$src/tests/scripts/skip.bash"
command -v python3 >/dev/null || skip_test "python3 is missing"
generated=$(python3 "$src/compiler/base/vmath_pow_table.py")
if ! diff -u "$src/compiler/base/vmath_pow_table.h" - <<<"$generated" >/dev/null; then
  echo "FAIL: compiler/base/vmath_pow_table.h differs from what vmath_pow_table.py writes:"
  diff -u "$src/compiler/base/vmath_pow_table.h" - <<<"$generated" | head -20
  exit 1
fi
grep -qF '{0x1.0000000000000p+0, 0x0.0p+0, 0x0.0p+0},' <<<"$generated" || { echo "FAIL: no interval with invc 1"; exit 1; }
echo ok
