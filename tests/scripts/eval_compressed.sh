#!/usr/bin/env bash
# eval_compressed.sh MISSIONC SOURCE_DIR BINARY_DIR - eval and status read .csv.gz and
# .csv.zst (told by their first bytes, not their names) with the same results as the
# plain file; concatenated gzip members and zstd frames read in turn; truncated or
# corrupt input is an error (exit 1 or 2), never a crash or a silently short output.
set -euo pipefail
missionc=$1 src=$2
source "$src/tests/scripts/skip.bash"
command -v zstd >/dev/null || skip_test "no zstd command (apt-get install zstd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$work"
cat >rules.mission <<'MISSION'
record applicant {
  income 1
  size 1
}
score s "Score" on applicant = income * 2 + size
MISSION
{ echo "id,income,size"; for i in $(seq 1 30000); do echo "$i,$((i % 97)).25,$((i % 7))"; done; } >rows.csv
"$missionc" eval rules.mission --on applicant --input rows.csv --keep id -o plain.out
gzip -c rows.csv >rows.csv.gz
zstd -q -c rows.csv >rows.csv.zst
cp rows.csv.gz misnamed.csv
for f in rows.csv.gz rows.csv.zst misnamed.csv; do
  "$missionc" eval rules.mission --on applicant --input "$f" --keep id -o "$f.out"
  cmp -s plain.out "$f.out" || fail "$f gives other results than the plain file"
  "$missionc" eval rules.mission --on applicant --input - --keep id <"$f" >"$f.stdin.out"
  cmp -s plain.out "$f.stdin.out" || fail "$f on standard input gives other results"
done
# members and frames one after another
head -1 rows.csv >head.csv; tail -n +2 rows.csv >body.csv
{ gzip -c head.csv; gzip -c body.csv; } >two.gz
{ zstd -q -c head.csv; zstd -q -c body.csv; } >two.zst
for f in two.gz two.zst; do
  "$missionc" eval rules.mission --on applicant --input "$f" --keep id -o "$f.out"
  cmp -s plain.out "$f.out" || fail "$f (two members) gives other results"
done
# truncated and corrupt: an error, and -o is not written
for f in rows.csv.gz rows.csv.zst; do
  head -c 20000 "$f" >"cut-$f"
  status=0
  "$missionc" eval rules.mission --on applicant --input "cut-$f" -o "cut-$f.out" 2>"cut-$f.err" || status=$?
  [ "$status" -eq 1 ] || fail "truncated $f: exit $status, expected 1"
  grep -q "ends early" "cut-$f.err" || fail "truncated $f: $(cat "cut-$f.err")"
  [ ! -e "cut-$f.out" ] || fail "truncated $f: -o was written"
done
{ gzip -c rows.csv; printf 'garbage'; } >junk.gz
status=0
"$missionc" eval rules.mission --on applicant --input junk.gz -o junk.out 2>junk.err || status=$?
[ "$status" -eq 1 ] && grep -q "incorrect header check" junk.err || fail "trailing garbage: exit $status: $(cat junk.err)"
# status: a compressed actuals file, with carets into the decompressed text
cd "$src/tests/golden/status"
gzip -c verdicts.actuals.csv >"$work/actuals.csv.gz"
"$missionc" status verdicts.mission --input verdicts.actuals.csv --as-of 2025-06-30 >"$work/plain.status"
"$missionc" status verdicts.mission --input "$work/actuals.csv.gz" --as-of 2025-06-30 >"$work/gz.status"
diff <(tail -n +4 "$work/plain.status") <(tail -n +4 "$work/gz.status") >/dev/null ||
  fail "status on the gzipped actuals differs"
printf 'date,cities_done\n2024-01-01,abc\n' | gzip >"$work/bad.csv.gz"
status=0
"$missionc" status verdicts.mission --input "$work/bad.csv.gz" --as-of 2025-06-30 --color=never 2>"$work/bad.err" || status=$?
[ "$status" -eq 1 ] && grep -q "^  2024-01-01,abc$" "$work/bad.err" ||
  fail "a bad cell in gzipped actuals should be shown decompressed: $(cat "$work/bad.err")"
echo "eval_compressed: ok"
