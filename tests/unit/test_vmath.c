/* test_vmath.c - exp, log and pow on blocks (vm_*_n: SLEEF's vector functions, as wide
 * as the CPU allows) give the scalar functions' bits, at every length and in place, in
 * both SLEEF families (vmath.h); and SLEEF's determinism guarantee itself: every width
 * of a family (2, 4 and 8 lanes, as far as this CPU runs them) gives the scalar bits. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmath.h"

double Sleef_cinz_expd1_u10purec(double x);
double Sleef_cinz_logd1_u35purec(double x);
double Sleef_cinz_powd1_u10purec(double x, double y);

/* The host's family, whatever the environment asks (read at the first vm_family()). */
static void host_family(void) { unsetenv("MISSIONC_VMATH"); }

TestSuite(vmath, .init = host_family);

enum { N = 1000 };
static double xs[N], ys[N];

/* splitmix64 */
static uint64_t next(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Special values first, then random ones over the whole range and near 0 .. 1000. */
static void fill(void) {
  static const double special[] = {0.0, -0.0, 1.0, -1.0, 2.0, 0.5, 4.9406564584124654e-324,
                                   2.2250738585072014e-308, 709.782712893384, 709.79, -745.13321910194111,
                                   -745.2, 1e300, -1e300, INFINITY, -INFINITY, NAN, -3.0, 1e-10};
  enum { NS = sizeof special / sizeof *special };
  uint64_t s = 17;
  for (int i = 0; i < N; i++) {
    if (i < NS * NS) {
      xs[i] = special[i / NS];
      ys[i] = special[i % NS];
      continue;
    }
    uint64_t r = next(&s);
    if (r & 1) memcpy(&xs[i], &(uint64_t){next(&s)}, sizeof(double));
    else xs[i] = (double)(next(&s) >> 11) / 9007199254740992.0 * 1000 - 300;
    ys[i] = r & 2 ? (double)(next(&s) >> 11) / 9007199254740992.0 * 40 - 20 : (double)((int)(r >> 20) % 9 - 4);
  }
}

static bool same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* vm_*_n on xs[off .. off+n) equals the scalar function, bit for bit (NaNs included:
 * both are the positive quiet NaN). */
static void check_block(size_t off, size_t n) {
  double r[64], in[64];
  vm_exp_n(xs + off, r, n);
  for (size_t i = 0; i < n; i++)
    cr_assert(same_bits(r[i], vm_exp(xs[off + i])), "exp(%a): %a, scalar %a (n %zu)", xs[off + i], r[i], vm_exp(xs[off + i]), n);
  vm_log_n(xs + off, r, n);
  for (size_t i = 0; i < n; i++)
    cr_assert(same_bits(r[i], vm_log(xs[off + i])), "log(%a): %a, scalar %a (n %zu)", xs[off + i], r[i], vm_log(xs[off + i]), n);
  vm_pow_n(xs + off, ys + off, r, n);
  for (size_t i = 0; i < n; i++)
    cr_assert(same_bits(r[i], vm_pow(xs[off + i], ys[off + i])), "pow(%a, %a): %a, scalar %a (n %zu)", xs[off + i],
              ys[off + i], r[i], vm_pow(xs[off + i], ys[off + i]), n);
  memcpy(in, xs + off, n * sizeof *in);   /* in place */
  vm_exp_n(in, in, n);
  for (size_t i = 0; i < n; i++) cr_assert(same_bits(in[i], vm_exp(xs[off + i])));
}

/* Every length from 0 to 40 (full vectors and padded tails) at many offsets. */
static void check_family(void) {
  fill();
  for (size_t n = 0; n <= 40; n++)
    for (size_t off = 0; off + n <= N; off += 37) check_block(off, n);
}

Test(vmath, blocks_equal_the_scalar_functions_in_the_hosts_family) { check_family(); }

Test(vmath, blocks_equal_the_scalar_functions_in_the_cinz_family) {
  vm_set_family(VM_CINZ);
  cr_assert(vm_family() == VM_CINZ);
  check_family();
  /* cinz is SLEEF's non-FMA family, whatever the CPU */
  for (int i = 0; i < N; i++) {
    if (isnan(xs[i]) || isnan(ys[i])) continue;
    cr_assert(same_bits(vm_exp(xs[i]), vm_nan_canonical(Sleef_cinz_expd1_u10purec(xs[i]))));
    cr_assert(same_bits(vm_log(xs[i]), vm_nan_canonical(Sleef_cinz_logd1_u35purec(xs[i]))));
    cr_assert(same_bits(vm_pow(xs[i], ys[i]), vm_nan_canonical(Sleef_cinz_powd1_u10purec(xs[i], ys[i]))));
  }
}

Test(vmath, the_families_differ_where_the_cpu_has_fma) {
  cr_assert(vm_family() == (vm_host_has_fma() ? VM_FINZ : VM_CINZ));
  if (!vm_host_has_fma()) return;
  fill();
  double finz[N], cinz[N];
  vm_exp_n(xs, finz, N);
  vm_set_family(VM_CINZ);
  vm_exp_n(xs, cinz, N);
  int differ = 0;
  for (int i = 0; i < N; i++) differ += !same_bits(finz[i], cinz[i]);
  cr_assert(differ > 0, "finz and cinz gave the same exp on %d values", N);
  vm_set_family(VM_FINZ);   /* build raises it again where the CPU has FMA */
  cr_assert(vm_family() == VM_FINZ);
}

Test(vmath, finz_needs_a_cpu_with_fma) {
  vm_set_family(VM_CINZ);
  vm_set_family(VM_FINZ);
  cr_assert(vm_family() == (vm_host_has_fma() ? VM_FINZ : VM_CINZ));
}

Test(vmath, the_cpu_test_agrees_with_the_compilers) {
#if defined(__x86_64__)
  /* GCC's and clang's runtime also require the OS to save the AVX state */
  bool theirs = __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2");
  cr_assert(vm_host_has_fma() == theirs);
#else
  cr_assert(!vm_host_has_fma());
#endif
}

Test(vmath, the_scalar_functions_are_counted) {
  unsigned long before = vm_scalar_calls();
  vm_exp_n((double[]){1, 2, 3}, (double[3]){0}, 3);   /* blocks: not the folder's */
  cr_assert(vm_scalar_calls() == before);
  (void)vm_exp(1);
  (void)vm_log(2);
  (void)vm_pow(2, 3);
  cr_assert(vm_scalar_calls() == before + 3);
}

Test(vmath, special_values) {
  cr_assert(vm_exp(-INFINITY) == 0 && vm_exp(INFINITY) == INFINITY && vm_exp(0) == 1);
  cr_assert(vm_log(0) == -INFINITY && isnan(vm_log(-1)) && !signbit(vm_log(-1)) && vm_log(1) == 0);
  cr_assert(vm_pow(5, 0) == 1 && vm_pow(2, 10) == 1024 && isnan(vm_pow(-2, 0.5)) && vm_pow(-2, 3) == -8);
  double r[9], a[9] = {-1, -1, -1, -1, -1, -1, -1, -1, -1};
  vm_log_n(a, r, 9);   /* the AVX-512 functions give -NaN: made the positive one */
  for (int i = 0; i < 9; i++) cr_assert(isnan(r[i]) && !signbit(r[i]));
}

/* ------------------------------------------------------------------------
 * SLEEF's guarantee itself: within a family, every width gives the scalar bits
 * (the 2-, 4- and 8-wide functions the compiled code calls on other CPUs too)
 * ------------------------------------------------------------------------ */
#if defined(__x86_64__)
#include <immintrin.h>

double Sleef_finz_expd1_u10purecfma(double x);
double Sleef_finz_logd1_u35purecfma(double x);
double Sleef_finz_powd1_u10purecfma(double x, double y);

/* fn on xs (and ys) W at a time into r. */
#define WIDE(NAME, TARGET, T, W, LOAD, STORE, EXP, LOG, POW)                                    \
  __attribute__((target(TARGET))) T EXP(T);                                                     \
  __attribute__((target(TARGET))) T LOG(T);                                                     \
  __attribute__((target(TARGET))) T POW(T, T);                                                  \
  __attribute__((target(TARGET))) static void NAME(int fn, double *r) {                         \
    for (int i = 0; i + W <= N; i += W)                                                         \
      STORE(r + i, fn == 0 ? EXP(LOAD(xs + i)) : fn == 1 ? LOG(LOAD(xs + i)) : POW(LOAD(xs + i), LOAD(ys + i))); \
  }
WIDE(cinz2, "sse2", __m128d, 2, _mm_loadu_pd, _mm_storeu_pd, Sleef_cinz_expd2_u10sse2, Sleef_cinz_logd2_u35sse2,
     Sleef_cinz_powd2_u10sse2)
WIDE(cinz4, "avx", __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, Sleef_cinz_expd4_u10avx, Sleef_cinz_logd4_u35avx,
     Sleef_cinz_powd4_u10avx)
WIDE(cinz8, "avx512f", __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, Sleef_cinz_expd8_u10avx512fnofma,
     Sleef_cinz_logd8_u35avx512fnofma, Sleef_cinz_powd8_u10avx512fnofma)
WIDE(finz2, "avx2,fma", __m128d, 2, _mm_loadu_pd, _mm_storeu_pd, Sleef_finz_expd2_u10avx2128, Sleef_finz_logd2_u35avx2128,
     Sleef_finz_powd2_u10avx2128)
WIDE(finz4, "avx2,fma", __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, Sleef_finz_expd4_u10avx2, Sleef_finz_logd4_u35avx2,
     Sleef_finz_powd4_u10avx2)
WIDE(finz8, "avx512f", __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, Sleef_finz_expd8_u10avx512f,
     Sleef_finz_logd8_u35avx512f, Sleef_finz_powd8_u10avx512f)

/* The scalar function fn (0 exp, 1 log, 2 pow) of a family on row i. */
static double scalar_of(bool finz, int fn, int i) {
  double x = xs[i], y = ys[i];
  if (finz) return fn == 0 ? Sleef_finz_expd1_u10purecfma(x) : fn == 1 ? Sleef_finz_logd1_u35purecfma(x)
                                                                         : Sleef_finz_powd1_u10purecfma(x, y);
  return fn == 0 ? Sleef_cinz_expd1_u10purec(x) : fn == 1 ? Sleef_cinz_logd1_u35purec(x) : Sleef_cinz_powd1_u10purec(x, y);
}

/* One width of a family against its scalar functions (NaNs as NaN, whatever their sign). */
static void check_width(const char *name, bool finz, void (*wide)(int, double *)) {
  static const char *const fns[] = {"exp", "log", "pow"};
  double r[N];
  for (int fn = 0; fn < 3; fn++) {
    wide(fn, r);
    for (int i = 0; i < N; i++) {
      double s = scalar_of(finz, fn, i);
      cr_assert(same_bits(r[i], s) || (isnan(r[i]) && isnan(s)), "%s %s(%a, %a): %a, scalar %a", name, fns[fn], xs[i],
                ys[i], r[i], s);
    }
  }
}

Test(vmath, every_width_of_a_family_gives_the_scalar_bits) {
  fill();
  check_width("cinz sse2", false, cinz2);
  if (__builtin_cpu_supports("avx")) check_width("cinz avx", false, cinz4);
  if (__builtin_cpu_supports("avx512f")) check_width("cinz avx512fnofma", false, cinz8);
  if (!vm_host_has_fma()) return;
  check_width("finz avx2128", true, finz2);
  check_width("finz avx2", true, finz4);
  if (__builtin_cpu_supports("avx512f")) check_width("finz avx512f", true, finz8);
}
#endif
