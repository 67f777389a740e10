#!/usr/bin/env bash
# diag_codes.sh MISSIONC SOURCE_DIR BINARY_DIR - one catalogue of diagnostic codes.
#
# tests/scripts/diag_codes.py checks that every code the sources emit has exactly one
# entry in compiler/base/diag_codes.h and one heading in LANGUAGE.md, with the same title,
# and that every entry is documented. This script runs it
#   1. on copies of the catalogue and of LANGUAGE.md with one title changed, one heading
#      removed, and an undocumented extra entry, each of which must fail (so the checker
#      can fail);
#   2. on the real files.
# diag_codes_sarif.sh checks the SARIF rules that missionc writes against the same titles.
set -euo pipefail
missionc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
check=$src/tests/scripts/diag_codes.py
py=/usr/bin/python3
[ -x "$py" ] || py=python3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# must_fail LABEL SRC_DIR DOC : the checker must report a problem.
must_fail() {
  if "$py" "$check" "$2" "$3" >"$tmp/out" 2>&1; then
    echo "FAIL: the checker accepted $1:"; cat "$tmp/out"; exit 1
  fi
  grep -q '^FAIL:' "$tmp/out" || { echo "FAIL: the checker broke on $1:"; cat "$tmp/out"; exit 1; }
}

# 1. Mutations: a changed title, a lost heading, an entry nobody documents.
mkdir -p "$tmp/src/compiler/base"
cp -r "$src/compiler" "$src/include" "$src/grammar" "$tmp/src/"
sed 's/^#### E0201 unknown name$/#### E0201 unknown names/' "$src/LANGUAGE.md" >"$tmp/retitled.md"
must_fail "a changed title" "$src" "$tmp/retitled.md"
sed '/^#### E0302 /d' "$src/LANGUAGE.md" >"$tmp/lost.md"
must_fail "a lost heading" "$src" "$tmp/lost.md"
sed 's/^\(#define DIAG_CODES(X) \\\)$/\1\n  X(E0299, "Extra", "extra", "An entry nobody documents.") \\/' \
  "$src/compiler/base/diag_codes.h" >"$tmp/src/compiler/base/diag_codes.h"
grep -q E0299 "$tmp/src/compiler/base/diag_codes.h" || { echo "FAIL: could not add an entry"; exit 1; }
must_fail "an undocumented entry" "$tmp/src" "$src/LANGUAGE.md"
cp "$src/compiler/base/diag_codes.h" "$tmp/src/compiler/base/diag_codes.h"
sed -i 's/\bE0607\b/"E0607"/' "$tmp/src/compiler/check/check_expr.c"
must_fail "a code written as a string" "$tmp/src" "$src/LANGUAGE.md"

# 2. The real files.
"$py" "$check" "$src" "$src/LANGUAGE.md"
