#!/usr/bin/env bash
# adversarial_outputs.sh MISSIONC SOURCE_DIR BINARY_DIR - a failed run never destroys an
# existing output file, and `eval -o` never overwrites the mission file.
#
# Every command that writes -o runs on a mission with an error, on a bad cell and on a
# bad CPU, with OUT already present: OUT must keep its bytes and no temporary is left.
# `eval -o` naming the mission file (directly, through a symbolic link or another
# spelling) is refused with exit status 2 and the file kept; naming the CSV input is
# allowed (the results replace it, through a temporary file).
set -euo pipefail
missionc=$1 bin=$3
work=$bin/adversarial-outputs
rm -rf "$work"
mkdir -p "$work"
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
export MISSIONC_CACHE=0

printf 'indicator x { unit 1 }\nscore s = x * 2\n' >good.mission
printf 'indicator x { unit 1 }\nscore s = y * 2\n' >bad.mission
printf 'x\n1\n2\n' >rows.csv
printf 'x\n1\noops\n' >bad_rows.csv
printf 'date,x\n2024-01-01,1\n' >actuals.csv

# keeps NAME ARGS...: missionc ARGS fails (status 1 or 2) and leaves OUT and OUT.o as they were
keeps() {
  local name=$1 status
  shift
  echo precious >OUT
  echo precious-object >OUT.o
  set +e
  "$missionc" "$@" >/dev/null 2>"$name.err"
  status=$?
  set -e
  [ "$status" = 1 ] || [ "$status" = 2 ] || fail "$name: exit status $status: $(cat "$name.err")"
  [ "$(cat OUT)" = precious ] || fail "$name: OUT was changed by a failed run"
  [ "$(cat OUT.o)" = precious-object ] || fail "$name: OUT.o was changed by a failed run"
  [ -z "$(find . -name '*.tmp*' -o -name 'OUT.*.tmp*')" ] || fail "$name: temporary left: $(ls)"
}
keeps export export bad.mission -o OUT
keeps graph graph bad.mission -o OUT
keeps graph-svg graph bad.mission -T svg -o OUT
keeps status status bad.mission --input actuals.csv -o OUT
keeps build build bad.mission -o OUT.o --header OUT
keeps build-cpu build good.mission -o OUT.o --header OUT --cpu bogus
keeps eval eval bad.mission -i rows.csv -o OUT
keeps eval-cell eval good.mission -i bad_rows.csv -o OUT
keeps eval-cpu eval good.mission -i rows.csv -o OUT --cpu bogus
grep -q "unknown CPU 'bogus'" eval-cpu.err || fail "--cpu bogus: $(cat eval-cpu.err)"
# the list of CPUs is on lines of its own, not joined by '?' nor cut
grep -q "^note: --cpu takes native, generic" eval-cpu.err || fail "--cpu bogus, note: $(cat eval-cpu.err)"
grep -q "x86-64-v2" build-cpu.err || fail "--cpu bogus, list cut: $(cat build-cpu.err)"

# eval -o never names the mission file
cp good.mission keep.mission
ln -s keep.mission link.mission
for out in keep.mission ./keep.mission link.mission "$work/keep.mission"; do
  set +e
  "$missionc" eval keep.mission -i rows.csv -o "$out" 2>refuse.err
  status=$?
  set -e
  [ "$status" = 2 ] || fail "eval -o $out (the mission file): exit status $status"
  grep -Eq "names the mission file|is the input .* refusing to overwrite it" refuse.err || fail "eval -o $out: $(cat refuse.err)"
  cmp -s keep.mission good.mission || fail "eval -o $out overwrote the mission file"
done
[ -L link.mission ] || fail "the symbolic link was replaced"

# the CSV input is not an output either: refused, and left as it was
cp rows.csv inout.csv
set +e
"$missionc" eval good.mission -i inout.csv -o inout.csv 2>inout.err
status=$?
set -e
[ "$status" = 2 ] || fail "eval -o INPUT.csv: exit status $status"
cmp -s rows.csv inout.csv || fail "eval -o INPUT.csv changed the input"
echo "ok: failed runs keep OUT; eval -o refuses the mission file and the input"
