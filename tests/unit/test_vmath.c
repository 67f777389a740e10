/* test_vmath.c - exp, log and pow on blocks (vm_*_n: SLEEF's vector functions and
 * missionc's vectorised pow, as wide as the CPU allows) give the scalar functions' bits,
 * at every length and in place, in both SLEEF families (vmath.h); SLEEF's determinism
 * guarantee itself: every width of a family (2, 4 and 8 lanes, as far as this CPU runs
 * them) gives the scalar bits; missionc's pow: one function in both families, within
 * 0.62 ulp of a long-double reference (0.76 for subnormal results), C99 Annex F's special cases. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmath.h"

double Sleef_cinz_expd1_u10purec(double x);
double Sleef_cinz_logd1_u10purec(double x);

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
    cr_assert(same_bits(vm_log(xs[i]), vm_nan_canonical(Sleef_cinz_logd1_u10purec(xs[i]))));
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
  (void)vm_pow(2, 3);   /* the same in every family: not counted */
  cr_assert(vm_scalar_calls() == before + 2);
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
 * missionc's pow (vmath_pow.c)
 * ------------------------------------------------------------------------ */

/* xorshift64 in [0, 1) */
static double unit(uint64_t *s) {
  *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
  return (double)(*s >> 11) / 9007199254740992.0;
}

/* How far r is from ref in ulps of the double nearest ref (subnormal ulps below 2^-1022);
 * 0 where both are the same special value, a huge number where they are not. */
static double ulps(double r, long double ref) {
  if (isnan(ref) || isinf(ref) || ref == 0 || isnan(r) || isinf(r))
    return (isnan(r) && isnan(ref)) || (long double)r == ref || (double)ref == r ? 0 : 1e9;
  int e;
  frexpl(fabsl(ref), &e);
  if (e - 53 < -1074) e = -1074 + 53;
  return (double)(fabsl((long double)r - ref) / ldexpl(1.0L, e - 53));
}

/* Arguments of kind k: 0 moderate, 1 any x with y driving y log x over the whole range
 * (overflow, underflow, subnormal results), 2 x near 1 with large y, 3 x < 0 with an
 * integer y, 4 subnormal x; kind 5 in the test: a subnormal result. */
static void pow_args(uint64_t *s, int k, double *x, double *y) {
  double l;
  switch (k) {
  case 0: *x = unit(s) * 100, *y = unit(s) * 20 - 10; return;
  case 1: {
    uint64_t b;
    do {
      *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
      b = *s & 0x7fefffffffffffffull;
      memcpy(x, &b, sizeof b);
    } while (*x == 0 || *x == 1);
    l = fabs(log(*x));
    *y = (unit(s) * 2 - 1) * 760 / l;
    return;
  }
  case 2:
    *x = 1 + (unit(s) * 2 - 1) * ldexp(1, -(int)(unit(s) * 52));
    l = fabs(log(*x));
    *y = l > 0 ? (unit(s) * 2 - 1) * 740 / l : 3;
    return;
  case 3: *x = -unit(s) * 30, *y = floor(unit(s) * 400 - 200); return;
  default: *x = unit(s) * 0x1p-1022, *y = unit(s) * 2.2 - 1.1; return;
  }
}

Test(vmath, pow_is_within_0_62_ulp_of_the_exact_result) {
  /* the reference: glibc's powl on 64-bit mantissas (its error, under 2^-10 of a
     double's ulp, counts here); subnormal results are rounded twice (to 53 bits, then
     to the subnormal's), hence up to 0.75 of their ulp */
  uint64_t s = 88172645463325252ull;
  double worst[6] = {0}, wx[6] = {0}, wy[6] = {0};
  enum { COUNT = 1000000 };
  for (int i = 0; i < COUNT; i++) {
    int k = i % 5;
    double x, y;
    pow_args(&s, k, &x, &y);
    long double ref = powl(x, y);
    double u = ulps(vm_pow_value(x, y), ref);
    if (fabsl(ref) < 0x1p-1022L && ref != 0) k = 5;
    if (u > worst[k]) worst[k] = u, wx[k] = x, wy[k] = y;
  }
  for (int k = 0; k < 6; k++) {
    cr_log_info("pow kind %d: at most %.4f ulp, at pow(%a, %a)", k, worst[k], wx[k], wy[k]);
    cr_assert(worst[k] <= (k == 5 ? 0.76 : 0.62), "pow(%a, %a): %.4f ulp", wx[k], wy[k], worst[k]);
  }
}

Test(vmath, exp_and_log_are_within_1_ulp_of_the_exact_result) {
  /* SLEEF's u10 bound, in both families, against glibc's expl and logl: log over every
     binade (subnormals and near 1 included), exp over its whole finite range */
  uint64_t s = 2718281828459045ull;
  enum { COUNT = 400000 };
  for (VmFamily fam = VM_CINZ; fam <= VM_FINZ; fam++) {
    vm_set_family(fam);
    double worst_exp = 0, worst_log = 0, wx_exp = 0, wx_log = 0;
    for (int i = 0; i < COUNT; i++) {
      double x = i % 4 == 0 ? 1 + (unit(&s) * 2 - 1) * ldexp(1, -(int)(unit(&s) * 52))
                            : ldexp(0.5 + unit(&s) / 2, (int)(unit(&s) * 2098) - 1073);
      double ux = ulps(vm_log(x), logl(x));
      if (ux > worst_log) worst_log = ux, wx_log = x;
      double e = (unit(&s) * 2 - 1) * 708;
      double ue = ulps(vm_exp(e), expl(e));
      if (ue > worst_exp) worst_exp = ue, wx_exp = e;
    }
    cr_log_info("%s: exp at most %.4f ulp at %a, log %.4f at %a", vm_family_name(fam), worst_exp, wx_exp, worst_log,
                wx_log);
    cr_assert(worst_exp <= 1.0 && worst_log <= 1.0, "%s: exp %.4f ulp at %a, log %.4f ulp at %a", vm_family_name(fam),
              worst_exp, wx_exp, worst_log, wx_log);
  }
  vm_set_family(VM_FINZ);
}

Test(vmath, pow_is_one_function_in_both_families_and_every_kernel) {
  /* vm_pow_value: Dekker's products; vm_pow_values on an FMA CPU: fma, vectorised */
  enum { COUNT = 200000 };
  static double x[COUNT], y[COUNT], wide[COUNT], finz[COUNT];
  uint64_t s = 99;
  for (int i = 0; i < COUNT; i++) pow_args(&s, i % 5, &x[i], &y[i]);
  static const char *const isas[] = {"generic", "avx2", "avx512"};
  for (VmPowIsa isa = VM_POW_GENERIC; isa <= VM_POW_AVX512; isa++)
    for (size_t n = 0; n <= 19; n++) {   /* every tail length, at an odd offset */
      if (!vm_pow_values_on(isa, x + 3, y + 3, wide, n)) break;
      for (size_t i = 0; i < n; i++)
        cr_assert(same_bits(wide[i], vm_pow_value(x[3 + i], y[3 + i])), "%s pow(%a, %a): %a", isas[isa], x[3 + i],
                  y[3 + i], wide[i]);
    }
  for (VmPowIsa isa = VM_POW_GENERIC; isa <= VM_POW_AVX512; isa++) {
    if (!vm_pow_values_on(isa, x, y, wide, COUNT)) continue;
    cr_log_info("pow: the %s version", isas[isa]);
    for (int i = 0; i < COUNT; i++)
      cr_assert(same_bits(wide[i], vm_pow_value(x[i], y[i])), "%s pow(%a, %a): %a, scalar %a", isas[isa], x[i], y[i],
                wide[i], vm_pow_value(x[i], y[i]));
  }
  vm_pow_n(x, y, finz, COUNT);
  vm_set_family(VM_CINZ);
  vm_pow_n(x, y, wide, COUNT);
  for (int i = 0; i < COUNT; i++) {
    double one = vm_pow_value(x[i], y[i]);
    cr_assert(same_bits(wide[i], one) && same_bits(finz[i], one), "pow(%a, %a): %a, %a, scalar %a", x[i], y[i],
              wide[i], finz[i], one);
  }
  vm_set_family(VM_FINZ);
}

Test(vmath, pow_has_annex_fs_special_cases) {
  /* glibc's pow follows C99 Annex F: where either result is 0, inf, NaN or +-1, or an
     argument is special, the same value and sign; elsewhere within 1 ulp */
  static const double v[] = {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, INFINITY, -INFINITY, NAN, -NAN,
                             0x1p-1074, -0x1p-1074, 0x1p-1022, 1e308, -1e308, 0x1p52, 0x1p53, 0x1p53 + 2,
                             -0x1p53 - 2, 0x1p52 + 1, -(0x1p52 + 1), 0.5 + 0x1p-53, 1 - 0x1p-53, 1 + 0x1p-52,
                             1e-300, 1e300, 2.5, -2.5, 1023, 1024, -1074, -1075, -1076, 0x1.fffffffffffffp1023};
  enum { NV = sizeof v / sizeof *v };
  for (int i = 0; i < NV; i++)
    for (int j = 0; j < NV; j++) {
      double r = vm_pow(v[i], v[j]), c = pow(v[i], v[j]);
      cr_assert(!isnan(r) || !signbit(r), "pow(%a, %a): a negative NaN", v[i], v[j]);
      if (isnan(c) || isinf(c) || c == 0 || fabs(c) == 1 || !isfinite(v[i]) || !isfinite(v[j]) || v[i] == 0)
        cr_assert(same_bits(r, c) || (isnan(r) && isnan(c)), "pow(%a, %a): %a, C %a", v[i], v[j], r, c);
      else
        cr_assert(fabs(r - c) <= fabs(c) * 0x1p-52 && signbit(r) == signbit(c), "pow(%a, %a): %a, C %a", v[i], v[j], r, c);
    }
}

/* ------------------------------------------------------------------------
 * SLEEF's guarantee itself: within a family, every width gives the scalar bits
 * (the 2-, 4- and 8-wide exp and log the compiled code calls on other CPUs too)
 * ------------------------------------------------------------------------ */
#if defined(__x86_64__)
#include <immintrin.h>

double Sleef_finz_expd1_u10purecfma(double x);
double Sleef_finz_logd1_u10purecfma(double x);

/* fn on xs (and ys) W at a time into r. */
#define WIDE(NAME, TARGET, T, W, LOAD, STORE, EXP, LOG)                                         \
  __attribute__((target(TARGET))) T EXP(T);                                                     \
  __attribute__((target(TARGET))) T LOG(T);                                                     \
  __attribute__((target(TARGET))) static void NAME(int fn, double *r) {                         \
    for (int i = 0; i + W <= N; i += W) STORE(r + i, fn == 0 ? EXP(LOAD(xs + i)) : LOG(LOAD(xs + i))); \
  }
WIDE(cinz2, "sse2", __m128d, 2, _mm_loadu_pd, _mm_storeu_pd, Sleef_cinz_expd2_u10sse2, Sleef_cinz_logd2_u10sse2)
WIDE(cinz4, "avx", __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, Sleef_cinz_expd4_u10avx, Sleef_cinz_logd4_u10avx)
WIDE(cinz8, "avx512f", __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, Sleef_cinz_expd8_u10avx512fnofma,
     Sleef_cinz_logd8_u10avx512fnofma)
WIDE(finz2, "avx2,fma", __m128d, 2, _mm_loadu_pd, _mm_storeu_pd, Sleef_finz_expd2_u10avx2128, Sleef_finz_logd2_u10avx2128)
WIDE(finz4, "avx2,fma", __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, Sleef_finz_expd4_u10avx2, Sleef_finz_logd4_u10avx2)
WIDE(finz8, "avx512f", __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, Sleef_finz_expd8_u10avx512f,
     Sleef_finz_logd8_u10avx512f)

/* The scalar function fn (0 exp, 1 log) of a family on row i. */
static double scalar_of(bool finz, int fn, int i) {
  double x = xs[i];
  if (finz) return fn == 0 ? Sleef_finz_expd1_u10purecfma(x) : Sleef_finz_logd1_u10purecfma(x);
  return fn == 0 ? Sleef_cinz_expd1_u10purec(x) : Sleef_cinz_logd1_u10purec(x);
}

/* One width of a family against its scalar functions (NaNs as NaN, whatever their sign). */
static void check_width(const char *name, bool finz, void (*wide)(int, double *)) {
  static const char *const fns[] = {"exp", "log"};
  double r[N];
  for (int fn = 0; fn < 2; fn++) {
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
