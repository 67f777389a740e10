#!/usr/bin/env bash
# readme_tour.sh MISSIONC SOURCE_DIR BINARY_DIR - the README's tour still prints what
# the README says: check, eval, build + ctypes, status on the flagship example.
set -euo pipefail
mc=$1
src=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$src"
fail() { echo "FAIL: $*"; exit 1; }
flag=examples/climate_neutral_cities.mission
acts=examples/climate_neutral_cities.actuals.csv

# check: the exact text the README shows
"$mc" check --show-allowed --color=never "$flag" 2>"$work/check.err" || fail "check exited $?"
sed -n '/^\$ missionc check --show-allowed examples\/climate_neutral_cities.mission$/,/^```$/p' README.md |
  sed '1d;$d' >"$work/check.expected"
diff -u "$work/check.expected" "$work/check.err" || fail "README's check output is stale"

# eval: the three label shares
"$mc" eval "$flag" --input "$acts" --rules label_share >"$work/eval.csv"
sed -n '/^\$ missionc eval examples\/climate_neutral_cities.mission/,/^```$/p' README.md | sed '1d;$d' \
  >"$work/eval.expected"
diff -u "$work/eval.expected" "$work/eval.csv" || fail "README's eval output is stale"

# eval with missing values: --na=nan and --carry-forward
"$mc" eval --na=nan --carry-forward --order date --keep date "$flag" --input "$acts" >"$work/eval-na.csv"
sed -n '/^\$ missionc eval --na=nan --carry-forward --order date --keep date examples/,/^```$/p' README.md |
  sed '1d;$d' >"$work/eval-na.expected"
[ -s "$work/eval-na.expected" ] || fail "README's eval --carry-forward example is gone"
diff -u "$work/eval-na.expected" "$work/eval-na.csv" || fail "README's eval --carry-forward output is stale"

# explain: the exact tree the README shows
"$mc" explain "$flag" --input "$acts" --row 3 --rule label_share >"$work/explain.txt" 2>/dev/null
sed -n '/^\$ missionc explain examples\/climate_neutral_cities.mission/,/^```$/p' README.md | sed '1d;$d' \
  >"$work/explain.expected"
diff -u "$work/explain.expected" "$work/explain.txt" || fail "README's explain output is stale"

# build + ctypes
"$mc" build "$flag" -o "$work/libcities.so" --header "$work/cities.h"
got=$(cd "$work" && python3 -c '
import ctypes
lib = ctypes.CDLL("./libcities.so")
f = lib.cities_label_share
f.restype = ctypes.c_double
f.argtypes = [ctypes.POINTER(ctypes.c_double)]
print(f((ctypes.c_double * 1)(103.0)))')
[ "$got" = 91.96428571428571 ] || fail "ctypes call gave $got"

# status: the lines the README quotes
"$mc" status "$flag" --input "$acts" >"$work/status.txt"
for line in "Status on 2025-10-15 (the latest date in the actuals)" \
            "hundred  city         0  100 [1]  2030-12-31         -  -          -      43.7  line    -       1903  no data  100 climate-neutral and smart cities by 2030"; do
  grep -qxF "$line" "$work/status.txt" || fail "status no longer prints: $line"
done
grep -q "^label_share           91.9643% " "$work/status.txt" || fail "status label_share line changed"
# a score that reads no observation but does not depend on it is evaluated (LANGUAGE.md 10.4)
grep -q "^hundred_expected  43.6982 city .* neutral_cities = missing, date = 2025-10-15$" "$work/status.txt" ||
  fail "status hundred_expected line changed"
# the label share at the end of 2024: 53 of the 112 cities (README: 47.3214%)
"$mc" status "$flag" --input "$acts" --as-of 2024-12-31 >"$work/status2024.txt"
grep -q "^label_share           47.3214% .*labelled_cities = 53 city (2024-10-22)$" "$work/status2024.txt" ||
  fail "status --as-of 2024-12-31 no longer gives 53 labelled cities (47.3214%)"
grep -qF "With \`--as-of 2024-12-31\` the label share is 47.3214%" README.md || fail "README's 2024 label share is stale"
echo "README tour: check, eval, build + ctypes and status print what the README shows"
