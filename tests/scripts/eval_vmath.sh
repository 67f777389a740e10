#!/usr/bin/env bash
# eval_vmath.sh MISSIONC SOURCE_DIR BINARY_DIR - exp, log and pow give the same bits in
# every engine of one SLEEF family (LANGUAGE.md, "exp, log and pow"). The host's family
# (finz, with FMA, on a CPU with FMA and AVX2; else cinz): the interpreter (scalar
# functions), the JIT for the native CPU (8-wide AVX-512 or 4-wide AVX2 ones), for a
# named CPU and for the generic x86-64 (2-wide ones), and objects built ahead of time
# for the native CPU, linked with -lsleef into a C program. The cinz family: objects
# for the generic CPU (2-wide SSE2 functions) equal MISSIONC_VMATH=cinz's interpreter,
# JIT and `build --cpu native` objects (8- or 4-wide). 100,003 random rows plus the
# special values (0, -0, subnormals, +-inf, NaN, the edges of exp's range, negative
# bases with whole and fractional exponents), compared as text (csv_format_double's
# output) and through %a in C (NaNs as NaN, whatever their sign).
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
// which finz and cinz differ): folded with the objects' family
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
# build for cpu $2 with MISSIONC_VMATH=$3 (or unset) and run it: in_$1.csv, bits_$1.txt
object() {
  local name=$1 cpu=$2 family=$3
  MISSIONC_VMATH=$family "$missionc" build m.mission -o "m_$name.o" --header "m_$name.h" --prefix m --cpu "$cpu"
  cp "m_$name.h" m.h
  "$cc" -std=c17 -O2 -Wall -Werror -o "gen_$name" gen.c "m_$name.o" -lsleef -lm
  "./gen_$name" "in_$name.csv" "bits_$name.txt"
  # a NaN is a NaN: its sign is not defined (x86 gives -NaN for 0 * inf, and which
  # operand's NaN an addition keeps depends on the order the back end picks)
  sed -i 's/-nan/nan/g' "bits_$name.txt"
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
object native native ""
object generic generic ""
object cinz_native native cinz
cmp -s in_native.csv in_generic.csv || fail "the C programs wrote different inputs"
grep -qF 'deterministic cinz functions' m_generic.h || fail "the header of objects for the generic CPU does not say cinz"
grep -qF "deterministic $host functions" m_native.h || fail "the header of native objects does not say $host"
grep -qF 'deterministic cinz functions' m_cinz_native.h || fail "MISSIONC_VMATH=cinz build does not say cinz"

# the host's family in every engine
for engine in "--engine interp" "--cpu native" "--cpu generic" "--cpu x86-64-v3"; do
  run_eval "" "$engine" out.csv
  if [ "$engine" = "--engine interp" ]; then cp out.csv interp.csv; continue; fi
  cmp -s out.csv interp.csv || fail "eval $engine differs from the interpreter: $(diff out.csv interp.csv | head -4)"
done
same_as_object interp.csv bits_native.txt || fail "native objects differ from the interpreter"

# the cinz family in every engine: what objects for another CPU compute
for engine in "--engine interp" "--cpu native" "--cpu generic"; do
  run_eval cinz "$engine" out.csv
  if [ "$engine" = "--engine interp" ]; then cp out.csv interp_cinz.csv; continue; fi
  cmp -s out.csv interp_cinz.csv || fail "MISSIONC_VMATH=cinz eval $engine differs from its interpreter: $(diff out.csv interp_cinz.csv | head -4)"
done
cmp -s bits_generic.txt bits_cinz_native.txt || fail "cinz objects for the native and the generic CPU differ: $(diff bits_generic.txt bits_cinz_native.txt | head -4)"
same_as_object interp_cinz.csv bits_generic.txt || fail "objects for the generic CPU differ from MISSIONC_VMATH=cinz's interpreter"

if [ "$host" = finz ]; then
  # the families really differ (exp in the last bit on most arguments), so the
  # comparisons above compared what they say
  cmp -s bits_native.txt bits_generic.txt && fail "finz and cinz objects gave the same bits"
  cmp -s interp.csv interp_cinz.csv && fail "MISSIONC_VMATH=cinz did not change the interpreter's bits"
  run_eval finz "--engine interp" out.csv
  cmp -s out.csv interp.csv || fail "MISSIONC_VMATH=finz differs from the host's default"
fi
# a bad MISSIONC_VMATH: a warning, and the host's family
warn=$(run_eval fast "--engine interp" out.csv 2>&1)
grep -qF "MISSIONC_VMATH takes cinz" <<<"$warn" || fail "no warning for MISSIONC_VMATH=fast: $warn"
cmp -s out.csv interp.csv || fail "MISSIONC_VMATH=fast is not the host's family"
echo ok
