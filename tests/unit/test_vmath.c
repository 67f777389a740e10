/* test_vmath.c - exp, log and pow on blocks (vm_*_n: SLEEF's vector functions, as wide
 * as the CPU allows) give the scalar functions' bits, at every length and in place, in
 * both SLEEF families (vmath.h). */
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
  vm_set_family(VM_FINZ);   /* cannot raise it again */
  cr_assert(vm_family() == VM_CINZ);
}

Test(vmath, special_values) {
  cr_assert(vm_exp(-INFINITY) == 0 && vm_exp(INFINITY) == INFINITY && vm_exp(0) == 1);
  cr_assert(vm_log(0) == -INFINITY && isnan(vm_log(-1)) && !signbit(vm_log(-1)) && vm_log(1) == 0);
  cr_assert(vm_pow(5, 0) == 1 && vm_pow(2, 10) == 1024 && isnan(vm_pow(-2, 0.5)) && vm_pow(-2, 3) == -8);
  double r[9], a[9] = {-1, -1, -1, -1, -1, -1, -1, -1, -1};
  vm_log_n(a, r, 9);   /* the AVX-512 functions give -NaN: made the positive one */
  for (int i = 0; i < 9; i++) cr_assert(isnan(r[i]) && !signbit(r[i]));
}
