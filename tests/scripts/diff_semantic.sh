#!/usr/bin/env bash
# diff_semantic.sh MISSIONC SOURCE_DIR BINARY_DIR - `missionc diff` on the flagship and in git.
#
# Deliberate edits to examples/climate_neutral_cities.mission are each reported (exit 1);
# a reformatted copy of every example reports nothing (exit 0); git:REV:PATH reads a
# revision with its imports; git uses it as an external diff driver and as textconv.
set -uo pipefail
missionc=$1 src=$2 bin=$3
work=$bin/diff-semantic
rm -rf "$work"
mkdir -p "$work"
fail=0
flagship=$src/examples/climate_neutral_cities.mission

# edit SED-EXPRESSION EXPECTED-LINE: the edited copy differs by exactly that line.
edit() {
  sed -e "$1" "$flagship" >"$work/edited.mission"
  cmp -s "$flagship" "$work/edited.mission" && { echo "FAIL: the edit '$1' changed nothing"; fail=1; return; }
  "$missionc" diff -I "$src/examples" "$flagship" "$work/edited.mission" >"$work/out" 2>"$work/err"
  local st=$?
  if [ $st != 1 ] || ! grep -qxF -- "$2" "$work/out"; then
    echo "FAIL: edit '$1' (exit $st), expected the line: $2"; cat "$work/out" "$work/err"; fail=1
  fi
}
edit 's/^  target    100 city by 2030 per ncpflanders$/  target    90 city by 2030 per ncpflanders/' 'goal hundred: target 100 city by 2030 per ncpflanders → 90 city by 2030 per ncpflanders'
edit 's/^  budget    360 MEUR per electriblog$/  budget    410 MEUR per electriblog/' 'budget of the mission: 360 MEUR per electriblog → 410 MEUR per electriblog (+13.9%)'
edit 's/requires complete_contract, contract_reviewed/requires complete_contract/' 'instrument mission_label: no longer requires contract_reviewed'
edit 's/^  period    2021-09-29 .. 2030-12-31 per dzs$/  period    2021-09-29 .. 2031-12-31 per dzs/' 'period of the mission: 2021-09-29 .. 2030-12-31 per dzs → 2021-09-29 .. 2031-12-31 per dzs'
edit '$a actor dropout "Drop-outs" { sector citizens }' 'actor dropout added'

# A reformatted copy of each example is the same mission.
for f in "$src"/examples/*.mission; do
  "$missionc" fmt - <"$f" >"$work/formatted.mission"
  if ! "$missionc" diff -I "$(dirname "$f")" "$f" "$work/formatted.mission" >"$work/out" 2>&1; then
    echo "FAIL: reformatting $f is reported as a change:"; cat "$work/out"; fail=1
  fi
done

# git:REV:PATH, the external diff driver and textconv.
if command -v git >/dev/null; then
  repo=$work/repo
  mkdir -p "$repo/sub"
  cd "$repo" || exit 1
  git init -q . && git config user.email t@example.org && git config user.name t
  printf 'import "../lib"\nmission s "S" { period 2021 .. 2030; owner a; budget 5 MEUR }\n' >sub/s.mission
  printf 'import "std/units"\nactor a "A" { sector public }\n' >lib.mission
  git add -A && git commit -qm one
  sed -i 's/sector public/sector private/' lib.mission
  sed -i 's/budget 5 MEUR/budget 6 MEUR/' sub/s.mission
  git commit -qam two
  (cd sub && "$missionc" diff git:HEAD~1:s.mission s.mission) >"$work/out" 2>&1
  st=$?
  printf 'budget of the mission: 5 MEUR → 6 MEUR (+20.0%%)\nactor a: sector public → private\n' >"$work/expected"
  if [ $st != 1 ] || ! diff -u "$work/expected" "$work/out"; then echo "FAIL: git:REV:PATH (exit $st)"; fail=1; fi
  "$missionc" diff git:HEAD~1:lib.mission git:HEAD~1:lib.mission >"$work/out" 2>&1 || { echo "FAIL: same revision differs"; cat "$work/out"; fail=1; }
  "$missionc" diff git:NOSUCHREV:lib.mission lib.mission >/dev/null 2>&1; [ $? = 2 ] || { echo "FAIL: a bad revision is not exit 2"; fail=1; }
  echo '*.mission diff=mission' >.gitattributes
  git -c diff.mission.command="$missionc diff" diff HEAD~1 -- lib.mission >"$work/out" 2>&1 || { echo "FAIL: git diff with the driver failed"; fail=1; }
  grep -qxF 'actor a: sector public → private' "$work/out" || { echo "FAIL: driver output:"; cat "$work/out"; fail=1; }
  git -c diff.mission.textconv="$missionc diff --facts" diff HEAD~1 -- lib.mission >"$work/out" 2>&1
  grep -qxF '+actor a: sector private' "$work/out" || { echo "FAIL: textconv output:"; cat "$work/out"; fail=1; }
fi
exit $fail
