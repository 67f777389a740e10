#!/usr/bin/env bash
# eval_engines.sh MISSIONC SOURCE_DIR BINARY_DIR - `missionc eval` gives the same bytes
# whatever the engine, the threads and the way the rows arrive.
#
# 30,011 random rows (ordinary values, zeros, negative zeros, NaN, infinities, huge and
# tiny values, a few blank-padded cells) through a file of rules that uses every
# operator and built-in: the JIT on 1, 2 and 5 threads, the interpreter, the rows from
# standard input, and through -o; every output must be identical, have one row per
# input row, and read back (python3) to numbers. Compiling twice with a fresh object
# cache must hit the cache the second time.
set -euo pipefail
missionc=$1 bin=$3
work=$bin/eval-engines
rm -rf "$work"
mkdir -p "$work"
cd "$work"

cat >rules.mission <<'MISSION'
import "std/units"
indicator spend { unit MEUR }
indicator jobs  { unit 1 }
indicator share { unit % }
indicator ghg   { unit MtCO2e }
goal cut { indicator ghg; baseline 120 MtCO2e at 2019; target 10 MtCO2e by 2030 }
goal grow { indicator jobs; baseline 10 at 2020; target 500 by 2028 }
fn soft(x) = x / (1 + abs(x))
fn pick(c, a, b) = if c then a else b
score per_job : kEUR = spend / max(jobs, 1)
score fit = 0.4 * clamp((spend - 2 MEUR) / (5 MEUR), 0, 1) + 0.3 * min(1, share / 42%) + 0.3 * soft(jobs)
score curve = pow(share, 2) + sqrt(abs(jobs)) - log(1 + abs(jobs)) + exp(-abs(share))
score rounded = round(jobs / 3) + floor(share * 10) / 10 + ceil(-share)
score powers = 2 ^ share + jobs ^ 0.5
score track = progress(cut) * 0.5 + progress(grow) * 0.5
condition on_time = on_track(cut, date) and (on_track(grow, date) or jobs > 100)
score gap : MtCO2e = ghg - expected(cut, date)
milestone early { date 2023-06-30; expects cut: 100 MtCO2e }
milestone late  { date 2027-12; expects cut: 25 MtCO2e }
score plan_gap : MtCO2e = ghg - planned(cut, date)
score next_review = date + pick(share > 50%, 30 day, 90 day)
score days_left : day = cut.deadline - date
condition odd = jobs != jobs or share == 0 or not (spend >= 0 MEUR)
score uses = fit * 100 + per_job / 1 kEUR * 0
score filled = coalesce(share, 0%) + coalesce(jobs, -1) * 1% + max(coalesce(spend, 0 MEUR), 1 MEUR) / 1 MEUR
condition missing = is_missing(spend) or is_missing(ghg) and not is_missing(date)
condition kleene = (share > 50% or jobs > 10) and not (ghg < 0 MtCO2e)
MISSION

python3 - <<'PY'
import random
random.seed(4242)
special = ["0", "-0", "nan", "inf", "-inf", "1e308", "-1e308", "5e-324", "1e-300", " 7 ", "-1"]
def val():
    r = random.random()
    if r < 0.12: return random.choice(special)
    if r < 0.3: return str(random.randint(-1000, 100000))
    return repr(random.uniform(-50, 150) * 10 ** random.randint(-3, 4))
with open("rows.csv", "w") as f:
    f.write("date,spend,jobs,share,ghg,unused\n")
    for i in range(30011):
        y, m, d = random.randint(2015, 2035), random.randint(1, 12), random.randint(1, 28)
        f.write(f"{y:04d}-{m:02d}-{d:02d},{val()},{val()},{val()},{val()},x{i}\n")
PY

export MISSIONC_CACHE_DIR=$work/cache
"$missionc" eval rules.mission --input rows.csv --threads 1 >jit1.csv
"$missionc" eval rules.mission --input rows.csv --threads 2 --time >jit2.csv 2>time.txt
grep -q 'cache: 16 hits, 0 misses\|cache: [1-9][0-9]* hits, 0 misses' time.txt || {
  echo "FAIL: the second compilation did not come from the object cache:"; cat time.txt; exit 1; }
"$missionc" eval rules.mission --input rows.csv --threads 5 >jit5.csv
"$missionc" eval rules.mission --input rows.csv --engine interp >interp.csv
"$missionc" eval rules.mission --input - <rows.csv >stdin.csv
"$missionc" eval rules.mission --input rows.csv -o file.csv
"$missionc" eval rules.mission --input rows.csv --opt O3 --threads 2 >o3.csv
MISSIONC_CACHE=0 "$missionc" eval rules.mission --input rows.csv --opt none >none.csv
"$missionc" eval rules.mission --input rows.csv --cpu generic >generic.csv

for f in jit2 jit5 interp stdin file o3 none generic; do
  if ! cmp -s jit1.csv $f.csv; then
    echo "FAIL: $f.csv differs from jit1.csv:"; diff jit1.csv $f.csv | head -20; exit 1
  fi
done
python3 - <<'PY'
import csv, math
rows = list(csv.reader(open("jit1.csv")))
assert rows[0] == ["per_job", "fit", "curve", "rounded", "powers", "track", "on_time", "gap", "plan_gap",
                   "next_review", "days_left", "odd", "uses", "filled", "missing", "kleene"], rows[0]
assert len(rows) == 30012, len(rows)
finite = 0
for r in rows[1:]:
    for i, v in enumerate(r):
        if i in (6, 11, 15): assert v in ("0", "1", "nan"), v   # a condition on a missing value is nan
        elif i == 14: assert v in ("0", "1"), v                  # is_missing is never missing
        elif i == 9: assert v == "nan" or (len(v) == 10 and v[4] == "-"), v
        else:
            x = float(v)
            finite += math.isfinite(x)
assert finite > 200000, finite
PY
echo "ok: 30011 rows, 16 rules, identical in every engine"
