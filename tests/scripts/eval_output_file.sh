#!/usr/bin/env bash
# eval_output_file.sh MISSIONC SOURCE_DIR BINARY_DIR - `eval -o` writes atomically.
#
# A successful run replaces OUT.csv with the results (permissions of a new file); a
# failed run (a bad cell late in a large input, a missing column, an unreadable input)
# leaves OUT.csv as it was, or absent, and no temporary file behind; --na=nan turns
# the bad cell into nan instead. The input may not be the output file.
set -euo pipefail
missionc=$1 bin=$3
work=$bin/eval-output-file
rm -rf "$work"
mkdir -p "$work"
cd "$work"

printf 'indicator x { unit 1 }\nscore double = x * 2\n' >rules.mission
awk 'BEGIN { print "x"; for (i = 0; i < 50000; i++) print i; print "oops"; print 1 }' >bad.csv
awk 'BEGIN { print "x"; for (i = 0; i < 50000; i++) print i }' >good.csv

# success
"$missionc" eval rules.mission --input good.csv -o out.csv
[ "$(head -2 out.csv | tr '\n' ' ')" = "double 0 " ] || { echo "FAIL: bad output"; exit 1; }
[ "$(wc -l <out.csv)" = 50001 ] || { echo "FAIL: wrong row count"; exit 1; }
[ "$(stat -c %a out.csv)" = "$(umask -S >/dev/null; touch probe; stat -c %a probe)" ] ||
  { echo "FAIL: permissions $(stat -c %a out.csv)"; exit 1; }
cp out.csv before.csv

# a bad cell on line 50002: exit 1, message with line and column, old file kept
set +e
"$missionc" eval rules.mission --input bad.csv -o out.csv 2>err.txt
status=$?
set -e
[ $status = 1 ] || { echo "FAIL: exit status $status for a bad cell"; exit 1; }
grep -q '^bad.csv:50002:1: error\[E0813\]: bad number .oops. in column .x.$' err.txt ||
  { echo "FAIL: message:"; cat err.txt; exit 1; }
cmp -s out.csv before.csv || { echo "FAIL: out.csv changed by a failed run"; exit 1; }
[ -z "$(ls -A | grep '^\.')" ] || { echo "FAIL: temporary file left: $(ls)"; exit 1; }

# a failed run with no previous output leaves nothing
set +e
"$missionc" eval rules.mission --input bad.csv -o new.csv 2>/dev/null
"$missionc" eval rules.mission --input missing.csv -o new.csv 2>err2.txt
status=$?
set -e
[ $status = 2 ] || { echo "FAIL: exit status $status for a missing input"; exit 1; }
grep -q "cannot open missing.csv" err2.txt || { echo "FAIL: message:"; cat err2.txt; exit 1; }
[ ! -e new.csv ] || { echo "FAIL: new.csv written by a failed run"; exit 1; }
printf 'y\n1\n' >other.csv
set +e
"$missionc" eval rules.mission --input other.csv -o new.csv 2>/dev/null
status=$?
set -e
[ $status = 1 ] && [ ! -e new.csv ] || { echo "FAIL: missing column: status $status"; exit 1; }
[ -z "$(ls -A | grep '^\.')" ] || { echo "FAIL: temporary file left: $(ls)"; exit 1; }

# --na=nan
"$missionc" eval rules.mission --input bad.csv --na=nan -o nan.csv
[ "$(sed -n 50002p nan.csv)" = nan ] || { echo "FAIL: --na=nan"; exit 1; }

# the input as its own output is refused (exit 2), the input unchanged
cp good.csv self.csv
set +e
"$missionc" eval rules.mission --input self.csv -o self.csv 2>/dev/null
status=$?
set -e
[ $status = 2 ] || { echo "FAIL: -o naming the input: status $status"; exit 1; }
cmp -s self.csv good.csv || { echo "FAIL: the input changed"; exit 1; }

# nothing on stdout with -o, no progress line when stderr is not a terminal
"$missionc" eval rules.mission --input good.csv -o quiet.csv >stdout.txt 2>stderr.txt
[ ! -s stdout.txt ] && [ ! -s stderr.txt ] || { echo "FAIL: unexpected output"; exit 1; }
echo "ok"
