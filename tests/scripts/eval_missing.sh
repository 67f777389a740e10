#!/usr/bin/env bash
# eval_missing.sh MISSIONC SOURCE_DIR BINARY_DIR - missing values in `missionc eval`
# (LANGUAGE.md 7.5 and 10.3):
#   1. status and eval --carry-forward agree on the same actuals file: for every date of
#      the actuals, the row of eval (which carries each indicator's last observation
#      forward) has the scores that `status --as-of` that date prints; without
#      --carry-forward eval stops at the first empty cell with E0812;
#   2. --carry-forward gives the same results with keys interleaved or grouped, on every
#      engine and thread count, from a file and from a pipe, plain or gzip-compressed;
#   3. a data error on rows that cannot be read back (a pipe, a compressed file) has its
#      location (line and column) without the source line; from a regular file, with it;
#      JSON output has the code and the location.
set -euo pipefail
missionc=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$work"

cat >m.mission <<'MISSION'
unit city
unit MtCO2e
indicator neutral { unit city }
indicator ghg { unit MtCO2e }
goal hundred { indicator neutral; baseline 0 city at 2021; target 100 city by 2030 }
goal cut { indicator ghg; baseline 120 MtCO2e at 2019; target 0 MtCO2e by 2030 }
score mission_score = 0.6 * progress(hundred) + 0.4 * progress(cut)
score filled = coalesce(ghg, 0 MtCO2e) / 1 MtCO2e + neutral / 1 city
MISSION

# 1. status and eval agree, date by date
cat >actuals.csv <<'CSV'
date,neutral,ghg
2022-06-30,1,
2022-12-31,2,95
2023-06-30,,90
2024-05-31,12,
2024-12-31,,60
2025-03-31,20,
CSV
set +e
"$missionc" eval m.mission --input actuals.csv >plain.out 2>plain.err
status=$?
set -e
[ $status = 1 ] || fail "an empty cell without --carry-forward: exit $status"
grep -q '^actuals.csv:2:14: error\[E0812\]: empty cell in column .ghg.' plain.err || fail "E0812: $(cat plain.err)"
"$missionc" eval m.mission --input actuals.csv --carry-forward --order date --na=nan --keep date >carried.csv
tail -n +2 carried.csv | while IFS=, read -r day score filled; do
  report=$("$missionc" status m.mission --input actuals.csv --as-of "$day" 2>/dev/null)
  want=$(awk '$1 == "mission_score" { print $2; exit }' <<<"$report")   # the SCORES table, not SCORE TERMS
  if [ "$score" = nan ]; then
    grep -q 'mission_score *- .*no observation of ghg' <<<"$report" || fail "$day: eval nan, status: $report"
  else
    [ -n "$want" ] || fail "$day: no mission_score in status: $report"
    python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); sys.exit(abs(a - b) > 5e-4 * max(1, abs(a)))" \
      "$score" "$want" || fail "$day: eval $score, status $want"
  fi
done
[ "$(sed -n 2p carried.csv)" = "2022-06-30,nan,1" ] || fail "no ghg yet: $(sed -n 2p carried.csv)"

# 2. keys interleaved or grouped, engines, threads, pipes, gzip
python3 - <<'PY'
import random
random.seed(7)
rows = []
for key in range(200):
    y = 2020
    for k in range(30):
        day = f"{y + k // 12:04d}-{k % 12 + 1:02d}-15"
        n = "" if random.random() < 0.4 else str(random.randint(0, 100))
        g = "" if random.random() < 0.4 else ("nan" if random.random() < 0.1 else str(random.uniform(0, 120)))
        rows.append((day, f"k{key}", n, g))
with open("grouped.csv", "w") as f:
    f.write("id,date,neutral,ghg\n")
    for day, key, n, g in rows:
        f.write(f"{key},{day},{n},{g}\n")
with open("interleaved.csv", "w") as f:
    f.write("date,ghg,id,neutral\n")
    for day, key, n, g in sorted(rows):
        f.write(f"{day},{g},{key},{n}\n")
PY
args=(--carry-forward --by id --order date --na=nan --keep id,date)
"$missionc" eval m.mission --input grouped.csv "${args[@]}" --threads 1 >g1.csv
"$missionc" eval m.mission --input interleaved.csv "${args[@]}" --threads 3 >i3.csv
head -1 g1.csv >g1.sorted; tail -n +2 g1.csv | sort >>g1.sorted
head -1 i3.csv >i3.sorted; tail -n +2 i3.csv | sort >>i3.sorted
cmp -s g1.sorted i3.sorted || fail "grouped and interleaved keys differ: $(diff g1.sorted i3.sorted | head -5)"
"$missionc" eval m.mission --input grouped.csv "${args[@]}" --engine interp >interp.csv
cmp -s g1.csv interp.csv || fail "the interpreter differs"
cat grouped.csv | "$missionc" eval m.mission --input - "${args[@]}" >pipe.csv
cmp -s g1.csv pipe.csv || fail "a pipe differs"
gzip -c grouped.csv >grouped.csv.gz
"$missionc" eval m.mission --input grouped.csv.gz "${args[@]}" >gz.csv
cmp -s g1.csv gz.csv || fail "gzip differs"
[ "$(wc -l <g1.csv)" = 6001 ] || fail "rows: $(wc -l <g1.csv)"
grep -q ',nan,' g1.csv || fail "no missing value left: the test tests little"

# 3. locations with and without the line
printf 'date,neutral,ghg\n2022-12-31,2,95\n2023-12-31,x7,90\n' >bad.csv
set +e
"$missionc" eval m.mission --input bad.csv 2>file.err
cat bad.csv | "$missionc" eval m.mission --input - 2>pipe.err
gzip -c bad.csv >bad.csv.gz
"$missionc" eval m.mission --input bad.csv.gz 2>gz.err
"$missionc" eval m.mission --input bad.csv --diagnostics-format json 2>json.err
set -e
[ "$(sed -n 1p file.err)" = "bad.csv:3:12: error[E0813]: bad number 'x7' in column 'neutral'" ] || fail "file: $(cat file.err)"
[ "$(sed -n 2p file.err)" = "  2023-12-31,x7,90" ] || fail "file: no line: $(cat file.err)"
[ "$(sed -n 1p pipe.err)" = "<stdin>:3:12: error[E0813]: bad number 'x7' in column 'neutral'" ] || fail "pipe: $(cat pipe.err)"
[ "$(sed -n 2p pipe.err | cut -c1-5)" = "note:" ] || fail "pipe: a line shown that cannot be known: $(cat pipe.err)"
[ "$(sed -n 1p gz.err)" = "bad.csv.gz:3:12: error[E0813]: bad number 'x7' in column 'neutral'" ] || fail "gz: $(cat gz.err)"
python3 - json.err <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
d = doc["diagnostics"]
assert doc["errors"] == 1 and len(d) == 1, doc
assert d[0]["code"] == "E0813" and d[0]["location"]["line"] == 3 and d[0]["location"]["column"] == 12, d
assert d[0]["location"]["startByte"] is None, d
PY
echo "ok: status and eval agree; carry-forward on every engine and input; locations"
