#!/usr/bin/env bash
# eval_vmath.sh MISSIONC SOURCE_DIR BINARY_DIR - exp, log and pow give the same bits in
# every engine of one SLEEF family (pow, missionc's own, in both families too), and objects the bits of `missionc eval` on the
# machine that runs them (LANGUAGE.md, "exp, log and pow"). The host's family (finz,
# with FMA, on a CPU with FMA and AVX2; else cinz): the interpreter (scalar functions),
# the JIT for the native CPU (8-wide AVX-512 or 4-wide AVX2 ones), for a named CPU and
# for the generic x86-64 (2-wide ones); objects built for the native CPU (the host's
# family, fixed) and portable ones (the default, the generic CPU; a named CPU), which
# pick their family when first called, linked with -lsleef into a C program. The other
# path of a portable object: its own code (--emit-llvm) with the family variable
# preset to cinz (what its CPU test finds on a CPU without FMA; compiled by llc, of the
# LLVM missionc uses) equals
# MISSIONC_VMATH=cinz's interpreter and JIT; preset to finz, the finz interpreter.
# 100,003 random rows plus the special values (0, -0, subnormals, +-inf, NaN, the edges
# of exp's range, negative bases with whole and fractional exponents), compared as text
# (csv_format_double's output) and through %a in C (NaNs as NaN, whatever their sign).
# A goal's target folded by the front end with exp: a portable object holds both
# families' values.
set -euo pipefail
unset MISSIONC_VMATH   # the host's family unless a step asks for another
missionc=$1 bin=$3
work=$bin/eval-vmath
rm -rf "$work"
mkdir -p "$work"
cd "$work"
cc=${CC:-cc}

cat >m.mission <<'MISSION'
indicator x { unit 1 }
indicator y { unit 1 }
score e = exp(x)
score l = log(x)
score p = pow(x, y)
score q = x ^ 2.5 + exp(y) * log(abs(y) + 1)
// a constant that the front end folds (a goal's target, exp's argument one on
// which finz and cinz differ): a portable object selects the family's value
goal g { indicator x; baseline 1 at 2023; target exp(2.0000000000000004) by 2030 }
score k = x * g.target
MISSION

cat >gen.c <<'C'
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "m.h"
/* splitmix64 */
static uint64_t next(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static double unit(uint64_t *s) { return (double)(next(s) >> 11) / 9007199254740992.0; }
enum { N = 100003 };   /* not a multiple of 8: the last vector is partial */
static double xs[N], ys[N], out[5][N];
int main(int argc, char **argv) {
  static const double special[] = {0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, 4.9406564584124654e-324,
                                   2.2250738585072014e-308, 709.782712893384, 709.79, -745.13321910194111,
                                   -745.2, 1e300, -1e300, INFINITY, -INFINITY, NAN, 3.0, -3.0, 1e-10};
  enum { NS = sizeof special / sizeof *special };
  uint64_t s = 42;
  for (int i = 0; i < N; i++) {
    if (i < NS * NS) {
      xs[i] = special[i / NS];
      ys[i] = special[i % NS];
    } else {
      uint64_t r = next(&s);
      xs[i] = r & 1 ? (unit(&s) - 0.3) * 1500 : ldexp(unit(&s), (int)(r >> 8) % 2000 - 1000);
      ys[i] = r & 2 ? (unit(&s) - 0.5) * 40 : (double)((int)(r >> 20) % 9 - 4);
      if ((r & 0x70) == 0) {   /* pow: x near 1 with y large, up to overflow and underflow */
        xs[i] = 1 + (unit(&s) - 0.5) * ldexp(1, -(int)((r >> 32) % 50));
        ys[i] = (unit(&s) - 0.5) * 1500 / (fabs(log(xs[i])) + 1e-300);
      }
    }
  }
  const double *cols[] = {xs, ys};
  double *outs[] = {out[0], out[1], out[2], out[3], out[4]};
  m_all_batch(N, cols, outs);
  FILE *csv = fopen(argv[1], "w"), *bits = fopen(argv[2], "w");
  if (!csv || !bits) return 1;
  fputs("x,y\n", csv);
  for (int i = 0; i < N; i++) {
    fprintf(csv, "%.17g,%.17g\n", xs[i], ys[i]);
    /* one row at a time too: the row functions are scalar code */
    double in[2] = {xs[i], ys[i]};
    double row[5] = {m_e(in), m_l(in), m_p(in), m_q(in), m_k(in)};
    for (int k = 0; k < 5; k++)
      if (memcmp(&row[k], &out[k][i], sizeof(double)) != 0 && !(isnan(row[k]) && isnan(out[k][i]))) {
        fprintf(stderr, "row %d rule %d: row function %a, batch %a\n", i, k, row[k], out[k][i]);
        return 1;
      }
    fprintf(bits, "%a,%a,%a,%a,%a\n", out[0][i], out[1][i], out[2][i], out[3][i], out[4][i]);
  }
  return fclose(csv) || fclose(bits);
}
C

fail() { echo "FAIL: $*"; exit 1; }
# link object $1.o (header $1.h) into the C program and run it: in_$1.csv, bits_$1.txt
run_object() {
  local name=$1
  cp "m_$name.h" m.h
  "$cc" -std=c17 -O2 -Wall -Werror -o "gen_$name" gen.c "m_$name.o" -lsleef -lm
  "./gen_$name" "in_$name.csv" "bits_$name.txt"
  # a NaN is a NaN: its sign is not defined (x86 gives -NaN for 0 * inf, and which
  # operand's NaN an addition keeps depends on the order the back end picks)
  sed -i 's/-nan/nan/g' "bits_$name.txt"
}
# build for cpu $2 (none: the default) with MISSIONC_VMATH=$3 (or unset) and run it
object() {
  local name=$1 cpu=$2 family=$3
  MISSIONC_VMATH=$family "$missionc" build m.mission -o "m_$name.o" --header "m_$name.h" --prefix m ${cpu:+--cpu "$cpu"}
  run_object "$name"
}
# a portable object's own code with its family variable preset to $2 (0 cinz, 1 finz),
# compiled by the llc of missionc's LLVM
preset_object() {
  local name=$1 value=$2
  "$missionc" build m.mission --emit-llvm -o "m_$name.ll" --header "m_$name.h" --prefix m
  grep -q '^@missionc.vmath.family = internal .*global i32 -1' "m_$name.ll" || fail "no family variable in the IR"
  sed -i "s/^\(@missionc.vmath.family = internal .*global i32\) -1/\1 $value/" "m_$name.ll"
  "$llc" -O2 -filetype=obj -relocation-model=pic -o "m_$name.o" "m_$name.ll"
  run_object "$name"
}
# eval with MISSIONC_VMATH=$1 and the engine options $2 into $3
run_eval() {
  # shellcheck disable=SC2086
  MISSIONC_VMATH=$1 "$missionc" eval m.mission --input in_native.csv -o "$3" $2 --no-progress
}
# the interpreter's output $1 against an object's bits $2, as numbers
same_as_object() {
  python3 - "$1" "$2" <<'PY'
import struct, sys
rows = [l.rstrip("\n").split(",") for l in open(sys.argv[1])][1:]
bits = [l.rstrip("\n").split(",") for l in open(sys.argv[2])]
assert len(rows) == len(bits), (len(rows), len(bits))
for i, (r, b) in enumerate(zip(rows, bits)):
    for t, h in zip(r, b):
        v, w = float(t), float.fromhex(h)
        if struct.pack("<d", v) != struct.pack("<d", w) and not (v != v and w != w):
            sys.exit(f"row {i + 1}: interpreter {t}, object {h}")
PY
}

"$missionc" build m.mission -o probe.o --header probe.h --cpu native
host=$(grep -o 'deterministic [a-z]* functions' probe.h | cut -d' ' -f2)
echo "the host's family: $host"
llvm_major=$(sed -n 's/.*"llvm_version": "\([0-9]*\)\..*/\1/p' probe.o.json)
llc=/usr/lib/llvm-$llvm_major/bin/llc
[ -x "$llc" ] || llc=$(command -v "llc-$llvm_major" || true)
object native native ""
object generic "" ""
object named x86-64-v3 ""
object generic_cinz "" cinz
cmp -s in_native.csv in_generic.csv || fail "the C programs wrote different inputs"
grep -qF "deterministic $host functions" m_native.h || fail "the header of native objects does not say $host"
grep -qF '"vmath": "'"$host"'"' m_native.o.json || fail "the manifest of native objects does not say $host"
grep -q 'Sleef_' <<<"$(nm m_native.o)" || fail "native objects call no SLEEF function"
grep -q 'missionc.vmath' <<<"$(nm m_native.o)" && fail "native objects test the CPU"
for name in generic named; do
  grep -qF 'functions of the family chosen at run time' "m_$name.h" || fail "the header of $name objects does not say runtime"
  grep -qF '"vmath": "runtime"' "m_$name.o.json" || fail "the manifest of $name objects does not say runtime"
done
cmp -s m_generic.o m_generic_cinz.o || fail "MISSIONC_VMATH=cinz changed the object built"

# the host's family in every engine, and in every object run here
for engine in "--engine interp" "--cpu native" "--cpu generic" "--cpu x86-64-v3"; do
  run_eval "" "$engine" out.csv
  if [ "$engine" = "--engine interp" ]; then cp out.csv interp.csv; continue; fi
  cmp -s out.csv interp.csv || fail "eval $engine differs from the interpreter: $(diff out.csv interp.csv | head -4)"
done
same_as_object interp.csv bits_native.txt || fail "native objects differ from the interpreter"
same_as_object interp.csv bits_generic.txt || fail "objects built by default differ from eval on this machine"
cmp -s bits_generic.txt bits_named.txt || fail "objects for a named CPU differ from the default ones"

# the cinz family in every engine: what portable objects compute on a CPU without FMA
for engine in "--engine interp" "--cpu native" "--cpu generic"; do
  run_eval cinz "$engine" out.csv
  if [ "$engine" = "--engine interp" ]; then cp out.csv interp_cinz.csv; continue; fi
  cmp -s out.csv interp_cinz.csv || fail "MISSIONC_VMATH=cinz eval $engine differs from its interpreter: $(diff out.csv interp_cinz.csv | head -4)"
done
if [ -n "$llc" ]; then
  preset_object preset_cinz 0
  same_as_object interp_cinz.csv bits_preset_cinz.txt || fail "a portable object that runs cinz differs from MISSIONC_VMATH=cinz's interpreter"
  if [ "$host" = finz ]; then
    preset_object preset_finz 1
    cmp -s bits_preset_finz.txt bits_generic.txt || fail "a portable object preset to finz differs from its own CPU test's"
  fi
else
  echo "note: no llc of LLVM $llvm_major: the cinz path of portable objects is not run"
  [ -z "${CI:-}" ] || fail "llc of LLVM $llvm_major is missing"
fi

if [ "$host" = finz ]; then
  # the families really differ (exp in the last bit on most arguments), so the
  # comparisons above compared what they say
  cmp -s interp.csv interp_cinz.csv && fail "MISSIONC_VMATH=cinz did not change the interpreter's bits"
  if [ -n "$llc" ]; then
    cmp -s bits_preset_cinz.txt bits_generic.txt && fail "the preset cinz object gave the finz bits"
    # the folded goal target (rule k) too: the families' values differ
    cut -d, -f5 bits_preset_cinz.txt | cmp -s - <(cut -d, -f5 bits_generic.txt) && fail "the folded target is the same in both families"
  fi
  run_eval finz "--engine interp" out.csv
  cmp -s out.csv interp.csv || fail "MISSIONC_VMATH=finz differs from the host's default"
fi
# pow is missionc's own: one function in both families (rule p: eval's column p, the
# third in the objects' bits)
python3 - interp.csv interp_cinz.csv <<'PY'
import csv, sys
a, b = (list(csv.DictReader(open(f))) for f in sys.argv[1:3])
bad = [i for i, (r, t) in enumerate(zip(a, b)) if r["p"] != t["p"]]
sys.exit(f"pow differs between the families on rows {bad[:5]}" if bad else 0)
PY
if [ -n "$llc" ]; then
  cut -d, -f3 bits_preset_cinz.txt | cmp -s - <(cut -d, -f3 bits_generic.txt) || fail "pow differs between a portable object's families"
fi
# a bad MISSIONC_VMATH: a warning, and the host's family
warn=$(run_eval fast "--engine interp" out.csv 2>&1)
grep -qF "MISSIONC_VMATH takes cinz" <<<"$warn" || fail "no warning for MISSIONC_VMATH=fast: $warn"
cmp -s out.csv interp.csv || fail "MISSIONC_VMATH=fast is not the host's family"
echo ok
