#!/usr/bin/env bash
# build_c.sh MISSIONC SOURCE_DIR BINARY_DIR - `missionc build` for C programs.
#
# The rules of a mission compiled to an object file and to a shared library, each with
# its header; a C program (-Wall -Wextra -Werror, C17) that includes the header, calls
# P_R on single rows, P_R_batch on columns and lists P_R_inputs, is linked against the
# object (static) and against the shared library (dynamic, -Wl,-rpath), for the generic
# and the native CPU; the values it prints equal `missionc eval`'s, byte for byte.
# Then the command's contract: a bad output name or prefix is a usage error (exit 2).
set -euo pipefail
missionc=$1 bin=$3
work=$bin/build-c
rm -rf "$work"
mkdir -p "$work"
cd "$work"
cc=${CC:-cc}

cat >scores.mission <<'MISSION'
import "std/units"
indicator spend { unit MEUR }
indicator jobs  { unit 1 }
indicator ghg   { unit MtCO2e }
goal cut { indicator ghg; baseline 120 MtCO2e at 2019; target 0 MtCO2e by 2030 }
record applicant { tax_haven bool; emission_cut %; employees 1 }
score per_job : kEUR = spend / max(jobs, 1)
score cut_on_track = ghg <= expected(cut, date)
score next_review = date + 90 day
condition decarbonise on applicant = emission_cut >= 4.2% and not tax_haven
score fit on applicant = if tax_haven then 0 else clamp(emission_cut / 10%, 0, 1) + pow(2, employees / 1000)
MISSION
cat >rows.csv <<'CSV'
date,spend,jobs,ghg
2021-03-01,2.5,10,120
2025-06-30,0.75,0,55
2030-12-31,-1,3,0.001
2024-02-29,1e6,12345,70
CSV
cat >applicants.csv <<'CSV'
tax_haven,emission_cut,employees
0,5,10
1,61.7,3
0,4.2,2500
0,-3,0
CSV

cat >main.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include "scores.h"

/* Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil). */
static double days(int y, int m, int d) {
  y -= m <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097.0 + (double)doe - 719468.0;
}

int main(void) {
  /* rows.csv: date, spend, jobs, ghg */
  double date[] = {days(2021, 3, 1), days(2025, 6, 30), days(2030, 12, 31), days(2024, 2, 29)};
  double spend[] = {2.5, 0.75, -1, 1e6}, jobs[] = {10, 0, 3, 12345}, ghg[] = {120, 55, 0.001, 70};
  /* applicants.csv: tax_haven, emission_cut, employees */
  double haven[] = {0, 1, 0, 0}, cut[] = {5, 61.7, 4.2, -3}, staff[] = {10, 3, 2500, 0};
  double out[4];

  /* the inputs, by name, in the order the functions take them */
  for (const char *const *p = S_cut_on_track_inputs; *p; p++) fprintf(stderr, "input %s\n", *p);

  /* per_job: one row at a time (inputs: spend, jobs) */
  double per_job[4];
  for (int i = 0; i < 4; i++) per_job[i] = S_per_job((const double[]){spend[i], jobs[i]});
  /* cut_on_track: the batch function (inputs: ghg, date) */
  const double *cols[] = {ghg, date};
  double on_track[4];
  S_cut_on_track_batch(4, cols, on_track);
  const double *review_cols[] = {date};
  S_next_review_batch(4, review_cols, out);
  printf("per_job,cut_on_track,next_review_days\n");
  for (int i = 0; i < 4; i++) printf("%.17g,%.17g,%.17g\n", per_job[i], on_track[i], out[i]);

  const double *app[] = {haven, cut, staff};
  double dec[4], fit[4];
  S_decarbonise_batch(4, app, dec);
  for (int i = 0; i < 4; i++) fit[i] = S_fit((const double[]){haven[i], cut[i], staff[i]});
  printf("decarbonise,fit\n");
  for (int i = 0; i < 4; i++) printf("%.17g,%.17g\n", dec[i], fit[i]);
  return 0;
}
C

# What eval says, in the same %.17g form (dates as day numbers).
expected() {
  "$missionc" eval scores.mission --input rows.csv --rules per_job,cut_on_track,next_review |
    python3 -c '
import csv, sys, datetime
r = list(csv.reader(sys.stdin))
print("per_job,cut_on_track,next_review_days")
for row in r[1:]:
    d = (datetime.date.fromisoformat(row[2]) - datetime.date(1970, 1, 1)).days
    print("%.17g,%.17g,%.17g" % (float(row[0]), float(row[1]), d))'
  "$missionc" eval scores.mission --input applicants.csv --on applicant |
    python3 -c '
import csv, sys
r = list(csv.reader(sys.stdin))
print("decarbonise,fit")
for row in r[1:]: print("%.17g,%.17g" % (float(row[0]), float(row[1])))'
}
expected >expected.txt

for cpu in generic native; do
  "$missionc" build scores.mission -o scores.o --header scores.h --prefix S --cpu $cpu
  "$cc" -std=c17 -Wall -Wextra -Werror -o static main.c scores.o -lsleef -lm
  ./static >static.txt 2>inputs.txt
  cmp -s static.txt expected.txt || { echo "FAIL ($cpu): object file:"; diff static.txt expected.txt; exit 1; }
  [ "$(tr '\n' ' ' <inputs.txt)" = "input ghg input date " ] || { echo "FAIL: inputs"; cat inputs.txt; exit 1; }

  "$missionc" build scores.mission -o libscores.so --header scores.h --prefix S --cpu $cpu
  "$cc" -std=c17 -Wall -Wextra -Werror -o dynamic main.c -L. -lscores -Wl,-rpath,"$work" -lsleef -lm
  ./dynamic >dynamic.txt 2>/dev/null
  cmp -s dynamic.txt expected.txt || { echo "FAIL ($cpu): shared library:"; diff dynamic.txt expected.txt; exit 1; }
done
# The fused function: every rule at once, columns found by name through S_all_inputs,
# gives the same values as the functions of each rule.
cat >fused.c <<'C'
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "scores.h"

int main(void) {
  const char *names[] = {"date", "spend", "jobs", "ghg", "tax_haven", "emission_cut", "employees"};
  double data[7][5] = {{18687, 20269, 22279, 19782, 0}, {2.5, 0.75, -1, 1e6, 3},
                       {10, 0, 3, 12345, 1},            {120, 55, 0.001, 70, -2},
                       {0, 1, 0, 0, 1},                 {5, 61.7, 4.2, -3, 4.25},
                       {10, 3, 2500, 0, 7}};
  const double *cols[16];
  int ncols = 0;
  for (const char *const *p = S_all_inputs; *p; p++, ncols++)
    for (int k = 0; k < 7; k++)
      if (strcmp(*p, names[k]) == 0) cols[ncols] = data[k];
  int nout = 0;
  while (S_all_outputs[nout]) nout++;
  if (ncols != 7 || nout != 5 || strcmp(S_all_outputs[4], "fit") != 0) return 1;
  double outs[5][5], *outp[5] = {outs[0], outs[1], outs[2], outs[3], outs[4]};
  S_all_batch(5, cols, outp);
  void (*batch[5])(size_t, const double *const *, double *) = {
      S_per_job_batch, S_cut_on_track_batch, S_next_review_batch, S_decarbonise_batch, S_fit_batch};
  const char *const *inputs[5] = {S_per_job_inputs, S_cut_on_track_inputs, S_next_review_inputs,
                                  S_decarbonise_inputs, S_fit_inputs};
  for (int r = 0; r < 5; r++) {
    const double *rcols[8];
    int k = 0;
    for (const char *const *p = inputs[r]; *p; p++, k++)
      for (int c = 0; c < 7; c++)
        if (strcmp(*p, names[c]) == 0) rcols[k] = data[c];
    double one[5];
    batch[r](5, rcols, one);
    if (strcmp(S_all_outputs[r], (const char *[]){"per_job", "cut_on_track", "next_review",
                                                  "decarbonise", "fit"}[r]) != 0) return 2;
    if (memcmp(one, outs[r], sizeof one) != 0) {
      fprintf(stderr, "rule %s differs\n", S_all_outputs[r]);
      return 3;
    }
  }
  puts("fused ok");
  return 0;
}
C
"$cc" -std=c17 -Wall -Wextra -Werror -o fused fused.c -L. -lscores -Wl,-rpath,"$work" -lsleef -lm
[ "$(./fused)" = "fused ok" ] || { echo "FAIL: S_all_batch"; exit 1; }
grep -q 'void S_all_batch(size_t n, const double \*const \*cols, double \*const \*outs);' scores.h
jq -e '.all.outputs == ["per_job","cut_on_track","next_review","decarbonise","fit"] and
       .library.sha256 != null and .prefix == "S"' libscores.so.json >/dev/null ||
  { echo "FAIL: manifest"; cat libscores.so.json; exit 1; }
grep -q 'double S_fit(const double \*in);' scores.h
grep -q '\[1\] emission_cut *%' scores.h

# The default prefix is the output's base name; an empty or reserved prefix is refused,
# so rule names never collide with C's: a score named pow, int or main stays p_pow ...
cat >clash.mission <<'M'
indicator x "X" { unit 1 }
score pow "Takes over libm's pow without a prefix" = x * 2
score int "A C keyword" = x + 1
score main "The C entry point" = x - 1
M
set +e
"$missionc" build clash.mission -o plain.o --prefix '' 2>err.txt; s1=$?
"$missionc" build clash.mission -o plain.o --prefix __x 2>/dev/null; s2=$?
"$missionc" build clash.mission -o plain.o --prefix _X 2>/dev/null; s3=$?
set -e
[ "$s1$s2$s3" = 222 ] && [ ! -e plain.o ] || { echo "FAIL: empty or reserved prefix: $s1 $s2 $s3"; exit 1; }
grep -q "non-empty C identifier" err.txt || { echo "FAIL: message"; cat err.txt; exit 1; }
"$missionc" build clash.mission -o libclash.so --header clash.h -Wno-mission-washing 2>/dev/null
grep -q 'double clash_pow(const double \*in);' clash.h && grep -q 'double clash_int(' clash.h &&
  grep -q 'double clash_main(' clash.h || { echo "FAIL: prefixed names"; cat clash.h; exit 1; }
cat >clash_main.c <<'C'
#include <math.h>
#include <stdio.h>
#include "clash.h"
int main(void) {
  double in[1] = {3};
  volatile double two = 2;
  printf("%g %g %g %g\n", clash_pow(in), clash_int(in), clash_main(in), pow(two, 10));
  return 0;
}
C
"$cc" -std=c17 -Wall -Wextra -Werror -o clash clash_main.c -L. -lclash -Wl,-rpath,"$work" -lsleef -lm
[ "$(timeout 10 ./clash)" = "6 4 2 1024" ] || { echo "FAIL: linked against the library"; exit 1; }
"$missionc" build scores.mission -o my-rules.o
grep -q ' T my_rules_fit$' <<<"$(nm my-rules.o)" || { echo "FAIL: default prefix"; nm my-rules.o; exit 1; }

# usage errors
set +e
"$missionc" build scores.mission -o scores.txt 2>/dev/null; s1=$?
"$missionc" build scores.mission -o x.o --prefix 9x 2>/dev/null; s2=$?
"$missionc" build scores.mission 2>/dev/null; s3=$?
"$missionc" build scores.mission -o x.o --rules nope 2>/dev/null; s4=$?
set -e
[ "$s1$s2$s3$s4" = 2222 ] || { echo "FAIL: usage errors gave $s1 $s2 $s3 $s4"; exit 1; }

# A rule named 'all' would give the fused function's symbol: an error, the old files kept.
printf 'indicator x { unit 1 }\nscore all = x + 1\n' >all.mission
set +e
"$missionc" build all.mission -o libscores.so 2>all.err; s5=$?
set -e
[ "$s5" = 1 ] && grep -q "rule 'all' gives the symbol 'scores_all_batch'" all.err ||
  { echo "FAIL: a rule named all gave $s5"; cat all.err; exit 1; }
./fused >/dev/null || { echo "FAIL: the library was overwritten"; exit 1; }
echo ok
