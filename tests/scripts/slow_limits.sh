#!/usr/bin/env bash
# slow_limits.sh MISSIONC SOURCE_DIR BINARY_DIR - bounded work and memory (issue 20,
# item 9; LANGUAGE.md section 11.3 "Limits"). Labelled `slow` in ctest, with a TIMEOUT;
# each command also runs under `timeout`, so a regression names the case that hangs.
#
# Each case is linear or refused early with a coded error:
#   - a `parent` circle and an `after` circle of 40,000 declarations: one error each,
#     the chain abbreviated, in seconds and little memory (was over 6 GB);
#   - an 8 MB and a 50 MB comment: lexed in linear time (was 11 s and over 120 s);
#   - a device that never ends (a mknod copy of /dev/zero), and standard input: read up
#     to 256 MB, then a clear error with exit 2 (was: forever);
#   - graph --view portfolio with 2,000 instruments x 2,000 goals: E0903 at once (was
#     32 s and 2.1 GB); -T mermaid still draws it;
#   - build with 1,000 chained scores: E0904 at once (was 47-90 s); a short chain builds;
#   - a quoted CSV field longer than 64 MB is "longer than", not "unterminated".
set -euo pipefail
missionc=$1 bin=$3
work=$bin/slow-limits
rm -rf "$work"
mkdir -p "$work"
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
# run SECONDS MAX_KB CMD...: status in $status, stderr in err.txt; fails past MAX_KB of memory
run() {
  local secs=$1 max_kb=$2
  shift 2
  set +e
  timeout "$secs" /usr/bin/time -f '%M' -o mem.txt "$@" >out.txt 2>err.txt
  status=$?
  set -e
  [ $status != 124 ] || fail "$* did not finish in $secs s"
  local kb
  kb=$(tail -1 mem.txt)
  [ "$kb" -le "$max_kb" ] || fail "$*: $kb KB of memory, more than $max_kb"
}
have_time=1
[ -x /usr/bin/time ] || have_time=0
if [ $have_time = 0 ]; then run() { local secs=$1; shift 2; set +e; timeout "$secs" "$@" >out.txt 2>err.txt; status=$?; set -e; [ $status != 124 ] || fail "$* did not finish in $secs s"; }; fi
asan=0
"$missionc" --version >/dev/null 2>&1 && grep -q __asan_init <<<"$(nm -D "$missionc" 2>/dev/null)" && asan=1
mem() { if [ $asan = 1 ]; then echo $(($1 * 4)); else echo "$1"; fi; }

# ---- circles of 40,000
python3 - <<'PY'
n = 40000
with open("parents.mission", "w") as f:
    f.write('mission m "M" { period 2020 .. 2030 }\n')
    for i in range(n):
        f.write(f'actor a{i} "A" {{ sector public; parent a{(i + 1) % n} }}\n')
with open("after.mission", "w") as f:
    f.write('mission m "M" { period 2020 .. 2030 }\n')
    for i in range(n):
        f.write(f'milestone p{i} "P" {{ date 2021-06-01; after p{(i + 1) % n} }}\n')
PY
run 120 "$(mem 1000000)" "$missionc" check parents.mission
[ $status = 1 ] || fail "parents: status $status"
grep -q "error\[E0603\]: actor 'a0' is its own ancestor: a0 -> a1 -> a2 -> ... (39995 more) ... -> a39998 -> a39999 -> a0$" err.txt ||
  fail "parents: $(grep -m1 E0603 err.txt | cut -c1-300)"
grep -q '^note: ... and 39979 more parents in the circle$' err.txt || fail "parents: notes not capped"
run 120 "$(mem 1000000)" "$missionc" check after.mission
[ $status = 1 ] || fail "after: status $status"
grep -q "error\[E0406\]: .* is after itself, through .* -> ... (39995 more) ... -> " err.txt ||
  fail "after: $(grep -m1 E0406 err.txt | cut -c1-300)"
[ "$(grep -c 'error\[E0406\]' err.txt)" = 1 ] || fail "after: more than one E0406"

# ---- long lines
python3 -c "
open('c8.mission', 'w').write('// ' + 'x' * 8_000_000 + '\nunit u\n')
open('c50.mission', 'w').write('/* ' + 'x' * 50_000_000 + ' */\nunit u\n')
open('s8.mission', 'w').write('unit u\nactor a \"' + 'x' * 8_000_000 + '\" { sector public }\n')"
for f in c8 c50 s8; do
  run 60 "$(mem 600000)" "$missionc" check $f.mission -Wno-unused
  [ $status = 0 ] || { head -c 500 err.txt; fail "$f: status $status"; }
done

# ---- input that never ends
if mknod zero c 1 5 2>/dev/null; then dev=zero; else dev=/dev/zero; fi   # only ever read
run 120 "$(mem 800000)" "$missionc" check $dev
[ $status = 2 ] || fail "check $dev: status $status"
grep -q "more than 256 MB from a pipe or device" err.txt || fail "check $dev: $(cat err.txt)"
printf 'unit u\nmission m "M" { period 2020 .. 2030 }\n' >m.mission
run 120 "$(mem 800000)" "$missionc" status m.mission --input $dev
[ $status = 2 ] || fail "status --input $dev: status $status"
grep -q "more than 256 MB" err.txt || fail "status --input $dev: $(cat err.txt)"
set +e
yes 'unit u' 2>/dev/null | timeout 120 "$missionc" check - >/dev/null 2>err.txt
status=$?
set -e
[ $status = 2 ] || fail "check - (endless): status $status"
grep -q "cannot read standard input: more than 256 MB" err.txt || fail "stdin: $(cat err.txt)"

# ---- the portfolio table
python3 - <<'PY'
def gen(n, path):
    with open(path, "w") as f:
        f.write('unit EUR\nmission m "M" { period 2020 .. 2030 }\nactor a "A" { sector public }\n'
                'indicator x "X" { unit 1 }\n')
        for i in range(n):
            f.write(f'goal g{i} "Goal {i}" {{ indicator x; baseline 0 at 2020; target 10 by 2030 }}\n')
            f.write(f'instrument i{i} "Instrument {i}" {{ kind prize; by a; budget 10 EUR }}\n')
            f.write(f'project p{i} "P {i}" {{ lead a; funded_by i{i}: 1 EUR; contributes g{i}: 1 }}\n')
gen(2000, "port2000.mission")
gen(40, "port40.mission")
PY
run 60 "$(mem 400000)" "$missionc" graph port2000.mission --view portfolio -o p.dot
[ $status = 1 ] && [ ! -e p.dot ] || fail "portfolio 2000: status $status"
grep -q "error\[E0903\]: the portfolio table would have 2000 instruments x 2000 goals, more than 100000 cells to draw" err.txt ||
  fail "portfolio: $(cat err.txt)"
run 120 "$(mem 800000)" "$missionc" graph port2000.mission --view portfolio -T mermaid -o p.mmd
[ $status = 0 ] && [ "$(grep -c -- '-->' p.mmd)" -ge 2000 ] || fail "portfolio -T mermaid: status $status"
run 60 "$(mem 400000)" "$missionc" graph port40.mission --view portfolio -o p40.dot
[ $status = 0 ] || fail "portfolio 40: status $status"

# ---- chained scores
python3 - <<'PY'
for n in (1000, 30):
    with open(f"chain{n}.mission", "w") as f:
        f.write('indicator x "X" { unit 1 }\nscore s0 "S0" = x\n')
        for i in range(1, n):
            f.write(f'score s{i} "S{i}" = s{i - 1} + {i}\n')
PY
run 60 "$(mem 400000)" "$missionc" build chain1000.mission -o chain.o -Wno-unused
[ $status = 1 ] && [ ! -e chain.o ] || fail "1,000 chained scores: status $status"
grep -q "error\[E0904\]: the 1000 rules to build hold more than 100000 formula nodes" err.txt ||
  fail "chain: $(cat err.txt)"
run 60 "$(mem 400000)" "$missionc" build chain1000.mission -o last.o --rules s999 -Wno-unused
[ $status = 0 ] || fail "the last of 1,000 chained scores: status $status: $(cat err.txt)"
run 120 "$(mem 400000)" "$missionc" build chain30.mission -o chain30.o -Wno-unused
[ $status = 0 ] || fail "30 chained scores: status $status"

# ---- a closed quoted field longer than 64 MB
python3 -c "
import sys
with open('long.csv', 'w') as f:
    f.write('x\n\"' + '1' * (65 << 20) + '\"\n')"
printf 'indicator x "X" { unit 1 }\nscore s = x\n' >long.mission
run 120 "$(mem 900000)" "$missionc" eval long.mission --input long.csv --engine interp
[ $status = 1 ] || fail "long field: status $status"
grep -q 'quoted field longer than 67108864 bytes' err.txt || fail "long field: $(cat err.txt)"
! grep -q unterminated err.txt || fail "long field called unterminated: $(cat err.txt)"
rm -f long.csv c50.mission
echo ok
