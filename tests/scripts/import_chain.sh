#!/usr/bin/env bash
# import_chain.sh MISSIONC SOURCE_DIR BINARY_DIR - long chains of imports (LANGUAGE.md E0210).
#
# Loading imports keeps its own stack, not the C stack: a chain of 1,001 files
# (c0 imports c1, which imports c2, ... c1000), the longest allowed, loads even with a
# 512 KiB stack; one file more is error E0210, naming the chain, never a crash.
set -euo pipefail
missionc=$1 bin=$3
work=$bin/import-chain
rm -rf "$work"
mkdir -p "$work"
cd "$work"

for i in $(seq 0 1000); do printf 'import "c%d"\nunit w%d = %d day\n' $((i + 1)) "$i" $((i + 1)) >"c$i.mission"; done
printf 'unit w1001 = 1 day\n' >c1001.mission
printf 'unit w1002 = 1 day\n' >c1002.mission

# c1 -> ... -> c1001: 1,001 files, depth 1000
(ulimit -s 512; "$missionc" check c1.mission) || { echo "FAIL: a chain of 1,001 imports (status $?)"; exit 1; }

# c0 -> ... -> c1001: one level too deep
set +e
(ulimit -s 512; "$missionc" check c0.mission) >out.txt 2>err.txt
status=$?
set -e
[ $status = 1 ] || { echo "FAIL: status $status for a chain too deep"; cat err.txt; exit 1; }
grep -q '^c1000.mission:1:1: error\[E0210\]: imports nested more than 1000 deep: c0.mission -> c1.mission -> c2.mission -> ... (995 more) ... -> c998.mission -> c999.mission -> c1000.mission -> c1001.mission$' err.txt ||
  { echo "FAIL: message:"; cat err.txt; exit 1; }
[ "$(grep -c 'error\[' err.txt)" = 1 ] || { echo "FAIL: more than one error"; cat err.txt; exit 1; }

# a cycle through 600 files is E0205, with the whole cycle
for i in $(seq 0 599); do printf 'import "k%d"\n' $(((i + 1) % 600)) >"k$i.mission"; done
set +e
(ulimit -s 512; "$missionc" check k0.mission) 2>err2.txt
status=$?
set -e
[ $status = 1 ] || { echo "FAIL: status $status for a cycle"; head -5 err2.txt; exit 1; }
grep -q '^k599.mission:1:1: error\[E0205\]: import cycle: k0.mission -> k1.mission -> k2.mission -> ... (594 more) ... -> k597.mission -> k598.mission -> k599.mission -> k0.mission$' err2.txt ||
  { echo "FAIL: cycle:"; head -5 err2.txt; exit 1; }
grep -q '^note: ... and 579 more imports in the cycle$' err2.txt || { echo "FAIL: notes:"; cat err2.txt; exit 1; }
[ "$(wc -l <err2.txt)" -lt 80 ] || { echo "FAIL: $(wc -l <err2.txt) lines for one cycle"; exit 1; }
echo ok
