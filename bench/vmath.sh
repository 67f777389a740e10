#!/usr/bin/env bash
# bench/vmath.sh BUILD_DIR [ROWS] - exp, log and pow in compiled rules against the same
# loops in C built with `gcc -O3 -march=native -ffast-math` (which vectorises them with
# glibc's libmvec) and with plain `-O3 -march=native` (scalar libm), on ROWS rows
# (default 4,000,000): ns/row for each function (thread CPU time, so that other jobs on
# the machine count less), best of 7 interleaved runs, and the
# ratio to libmvec. BASELINE=/path/to/an/older/missionc adds its objects (before/after).
# missionc's objects call SLEEF's deterministic exp and log and compute missionc's own
# pow inline (LANGUAGE.md, "exp, log and pow"): built with `--cpu native`, exp and log of
# the host's family (finz, with FMA, on a CPU with FMA and AVX2), as wide as the CPU
# allows, pow on 8 lanes with AVX-512 (tables in registers) or 4; built by default (the
# generic CPU), exp and log 2-wide, of the family that the object's CPU test picks when
# first called (a load and a select per call), pow 4 lanes compiled for AVX2 and FMA
# where that test passes, and the same code with the test's answer preset to cinz (what
# it computes on a CPU without FMA: pow by Dekker's products for SSE2; compiled by the
# llc of missionc's LLVM). On a finz CPU, tight C loops over the same SLEEF functions
# too (and SLEEF's pow, which missionc used before), at the widest width and 2-wide.
# Asserts nothing.
set -euo pipefail
build=$(cd "${1:?usage: bench/vmath.sh BUILD_DIR [ROWS]}" && pwd)
rows=${2:-4000000}
cmake --build "$build" --target missionc >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat >v.mission <<'MISSION'
indicator x { unit 1 }
indicator y { unit 1 }
score v_exp = exp(x)
score v_log = log(y)
score v_pow = pow(y, x)
MISSION
cat >hand.c <<'C'
#include <math.h>
#include <stddef.h>
void m_v_exp_batch(size_t n, const double *const *c, double *o) { for (size_t i = 0; i < n; i++) o[i] = exp(c[0][i]); }
void m_v_log_batch(size_t n, const double *const *c, double *o) { for (size_t i = 0; i < n; i++) o[i] = log(c[0][i]); }
void m_v_pow_batch(size_t n, const double *const *c, double *o) { for (size_t i = 0; i < n; i++) o[i] = pow(c[0][i], c[1][i]); }
C
cat >driver.c <<'C'
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
typedef void (*Fn)(size_t, const double *const *, double *);
static double now(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec + t.tv_nsec * 1e-9; }   /* CPU time: a loaded machine does not count */
int main(int argc, char **argv) {
  size_t n = strtoul(argv[1], NULL, 10);
  int nlib = argc - 2;
  double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *o = malloc(n * sizeof *o);
  srand(1);
  for (size_t i = 0; i < n; i++) x[i] = (rand() / (double)RAND_MAX) * 20 - 10, y[i] = (rand() / (double)RAND_MAX) * 100 + 1e-3;
  static const char *names[3] = {"m_v_exp_batch", "m_v_log_batch", "m_v_pow_batch"};
  Fn fn[16][3];
  double best[16][3];
  for (int l = 0; l < nlib; l++) {
    void *h = dlopen(argv[2 + l], RTLD_NOW | RTLD_LOCAL);
    if (!h) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    for (int f = 0; f < 3; f++) { fn[l][f] = (Fn)dlsym(h, names[f]); best[l][f] = 1e9; }
  }
  const double *cols[1] = {x};
  const double *ycol[1] = {y};
  const double *powcols[2] = {y, x};   /* pow(y, x): inputs in order of appearance */
  for (int round = 0; round < 7; round++)
    for (int f = 0; f < 3; f++)
      for (int l = 0; l < nlib; l++) {
        const double *const *c = f == 0 ? cols : f == 1 ? ycol : powcols;
        double t0 = now();
        fn[l][f](n, c, o);
        double t = now() - t0;
        if (t < best[l][f]) best[l][f] = t;
      }
  for (int l = 0; l < nlib; l++)
    printf("%s %.2f %.2f %.2f\n", argv[2 + l], best[l][0] / n * 1e9, best[l][1] / n * 1e9, best[l][2] / n * 1e9);
  return 0;
}
C
"$build/missionc" build v.mission -o libmc.so --header v.h --prefix m --cpu native
grep -A6 'score v_pow' v.h | grep -q '\[0\] y' || { echo "bench/vmath.sh: pow's inputs are not (y, x)"; exit 1; }
family=$(grep -o 'deterministic [a-z]* functions' v.h | cut -d' ' -f2)
"$build/missionc" build v.mission -o libmc_portable.so --prefix m
libs=("$work/libmc.so" "$work/libmc_portable.so")
labels=("missionc native ($family)" "missionc generic (runtime: $family)")
llvm_major=$(sed -n 's/.*"llvm_version": "\([0-9]*\)\..*/\1/p' libmc.so.json)
llc=/usr/lib/llvm-$llvm_major/bin/llc
if [ -x "$llc" ]; then
  "$build/missionc" build v.mission --emit-llvm -o portable.ll --prefix m
  sed -i 's/^\(@missionc.vmath.family = internal .*global i32\) -1/\1 0/' portable.ll
  "$llc" -O2 -filetype=obj -relocation-model=pic -o portable.o portable.ll
  gcc -shared -o libmc_portable_cinz.so portable.o -lsleef -lm
  libs+=("$work/libmc_portable_cinz.so"); labels+=("missionc generic (run as cinz)")
fi
if [ -n "${BASELINE:-}" ]; then
  "$BASELINE" build v.mission -o libbase.so --prefix m --cpu native
  "$BASELINE" build v.mission -o libbase_generic.so --prefix m
  libs+=("$work/libbase.so" "$work/libbase_generic.so"); labels+=("baseline missionc native" "baseline missionc generic")
fi
# the same SLEEF functions as missionc's native objects in a tight C loop (the widest
# vectors, a scalar tail): what the generated kernel costs beyond the calls
cat >sleef.c <<'C'
#include <immintrin.h>
#include <stddef.h>
#if defined(TWO)
typedef __m128d V;
enum { W = 2 };
#define LOAD _mm_loadu_pd
#define STORE _mm_storeu_pd
#define F(fn, ulp, isa) Sleef_finz_##fn##d2_##ulp##avx2128
#elif defined(__AVX512F__)
typedef __m512d V;
enum { W = 8 };
#define LOAD _mm512_loadu_pd
#define STORE _mm512_storeu_pd
#define F(fn, ulp, isa) Sleef_finz_##fn##d8_##ulp##avx512f
#else
typedef __m256d V;
enum { W = 4 };
#define LOAD _mm256_loadu_pd
#define STORE _mm256_storeu_pd
#define F(fn, ulp, isa) Sleef_finz_##fn##d4_##ulp##avx2
#endif
V F(exp, u10, )(V), F(log, u10, )(V), F(pow, u10, )(V, V);
double Sleef_finz_expd1_u10purecfma(double), Sleef_finz_logd1_u10purecfma(double), Sleef_finz_powd1_u10purecfma(double, double);
void m_v_exp_batch(size_t n, const double *const *c, double *o) {
  size_t i = 0;
  for (; i + W <= n; i += W) STORE(o + i, F(exp, u10, )(LOAD(c[0] + i)));
  for (; i < n; i++) o[i] = Sleef_finz_expd1_u10purecfma(c[0][i]);
}
void m_v_log_batch(size_t n, const double *const *c, double *o) {
  size_t i = 0;
  for (; i + W <= n; i += W) STORE(o + i, F(log, u10, )(LOAD(c[0] + i)));
  for (; i < n; i++) o[i] = Sleef_finz_logd1_u10purecfma(c[0][i]);
}
void m_v_pow_batch(size_t n, const double *const *c, double *o) {
  size_t i = 0;
  for (; i + W <= n; i += W) STORE(o + i, F(pow, u10, )(LOAD(c[0] + i), LOAD(c[1] + i)));
  for (; i < n; i++) o[i] = Sleef_finz_powd1_u10purecfma(c[0][i], c[1][i]);
}
C
if [ "$family" = finz ]; then
  gcc -O3 -march=native -fPIC -shared -o libsleefloop.so sleef.c -lsleef
  gcc -O3 -march=native -DTWO -fPIC -shared -o libsleefloop2.so sleef.c -lsleef
  libs+=("$work/libsleefloop.so" "$work/libsleefloop2.so"); labels+=("C loop over SLEEF finz" "C loop over SLEEF finz 2-wide")
fi
gcc -O3 -march=native -ffast-math -fPIC -shared -o libmvec.so hand.c -lm
gcc -O3 -march=native -fPIC -shared -o libm_scalar.so hand.c -lm
libs+=("$work/libmvec.so" "$work/libm_scalar.so")
labels+=("gcc -O3 -ffast-math (libmvec)" "gcc -O3 (scalar libm)")
grep -q '_ZGV' <<<"$(objdump -d libmvec.so)" || echo "note: gcc did not vectorise with libmvec"
gcc -O2 -o driver driver.c -ldl
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "rows: $rows; load average at the start: $load"
./driver "$rows" "${libs[@]}" >times.txt
printf '%-32s %9s %9s %9s   (ns/row; ratio to libmvec)\n' engine exp log pow
mvec=$(grep libmvec.so times.txt)
i=0
while read -r lib e l p; do
  read -r _ me ml mp <<<"$mvec"
  printf '%-32s %9.2f %9.2f %9.2f   %.2fx %.2fx %.2fx\n' "${labels[$i]}" "$e" "$l" "$p" \
    "$(echo "$e / $me" | bc -l)" "$(echo "$l / $ml" | bc -l)" "$(echo "$p / $mp" | bc -l)"
  i=$((i + 1))
done <times.txt
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
