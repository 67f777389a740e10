#!/usr/bin/env bash
# eval_vmath.sh MISSIONC SOURCE_DIR BINARY_DIR - exp, log and pow give the same bits in
# every engine: the interpreter (SLEEF's scalar deterministic functions), the JIT for
# the native CPU (4-wide AVX ones where the CPU has AVX, as here on AVX2/AVX-512
# hosts), for a named CPU and for the generic x86-64 (2-wide SSE2 ones), and objects
# built ahead of time for the native and the generic CPU, linked with -lsleef into a C
# program. 100,000 random rows plus the special values (0, -0, subnormals, +-inf,
# NaN, the edges of exp's range, negative bases with whole and fractional exponents),
# compared as text (csv_format_double's output) and through %a in C (NaNs as NaN,
# whatever their sign).
set -euo pipefail
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
enum { N = 100000 };
static double xs[N], ys[N], out[4][N];
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
  double *outs[] = {out[0], out[1], out[2], out[3]};
  m_all_batch(N, cols, outs);
  FILE *csv = fopen(argv[1], "w"), *bits = fopen(argv[2], "w");
  if (!csv || !bits) return 1;
  fputs("x,y\n", csv);
  for (int i = 0; i < N; i++) {
    fprintf(csv, "%.17g,%.17g\n", xs[i], ys[i]);
    /* one row at a time too: the row functions are scalar code */
    double in[2] = {xs[i], ys[i]};
    double row[4] = {m_e(in), m_l(in), m_p(in), m_q(in)};
    for (int k = 0; k < 4; k++)
      if (memcmp(&row[k], &out[k][i], sizeof(double)) != 0 && !(isnan(row[k]) && isnan(out[k][i]))) {
        fprintf(stderr, "row %d rule %d: row function %a, batch %a\n", i, k, row[k], out[k][i]);
        return 1;
      }
    fprintf(bits, "%a,%a,%a,%a\n", out[0][i], out[1][i], out[2][i], out[3][i]);
  }
  return fclose(csv) || fclose(bits);
}
C

fail() { echo "FAIL: $*"; exit 1; }
for cpu in native generic; do
  "$missionc" build m.mission -o "m_$cpu.o" --header m.h --prefix m --cpu "$cpu"
  "$cc" -std=c17 -O2 -Wall -Werror -o "gen_$cpu" gen.c "m_$cpu.o" -lsleef -lm
  "./gen_$cpu" "in_$cpu.csv" "bits_$cpu.txt"
done
cmp -s in_native.csv in_generic.csv || fail "the two C programs wrote different inputs"
# a NaN is a NaN: its sign is not defined (x86 gives -NaN for 0 * inf, and which
# operand's NaN an addition keeps depends on the order the back end picks)
sed -i 's/-nan/nan/g' bits_native.txt bits_generic.txt
cmp -s bits_native.txt bits_generic.txt || fail "objects for the native and the generic CPU differ: $(diff bits_native.txt bits_generic.txt | head -4)"
for engine in "--engine interp" "--cpu native" "--cpu generic" "--cpu x86-64-v3"; do
  # shellcheck disable=SC2086
  "$missionc" eval m.mission --input in_native.csv -o "out.csv" $engine --no-progress
  if [ "$engine" = "--engine interp" ]; then cp out.csv interp.csv; continue; fi
  cmp -s out.csv interp.csv || fail "eval $engine differs from the interpreter: $(diff out.csv interp.csv | head -4)"
done
# the AOT objects against the interpreter, as text
python3 - interp.csv bits_native.txt <<'PY' || fail "objects differ from the interpreter"
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
echo ok
