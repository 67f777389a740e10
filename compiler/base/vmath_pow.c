/* vmath_pow.c - missionc's own pow (vmath.h): exp(y * log|x|) in double-double, from
 * the tables of vmath_pow_table.h, with C99 Annex F's special cases.
 *
 * Deterministic by construction: the same bits in every engine and on every CPU. It
 * uses only IEEE operations that round once (+ - * and int64 -> double on small values),
 * integer operations on the bits and table loads; no libm. The one fused operation,
 * two_prod_err(a, b, p) = a*b - p, is exact, so fma on a CPU that has it and Dekker's
 * product elsewhere give the same value. This file is compiled with -ffp-contract=off,
 * and native/vmath_ir.c emits the same operations in the same order as IR.
 *
 * log: |x| = 2^k z, z in [0x1.6cp-1, 0x1.6cp0); c the centre of z's interval among
 * 32, invc ~ 1/c (exactly 1 near 1) from the table; z*invc = 1 + r exactly as
 * r + rlo (|r| <= 2^-6); log|x| = k ln2 - log(invc) + log1p(r), log1p by its Taylor
 * series to r^11 (the rest is below 2^-69 r), every sum of the leading terms with its
 * exact error: a double-double lhi + llo with a relative error near 2^-66.
 * exp of e = y*lhi + y*llo (ehi + elo): e = (32e + j) ln2/32 + r, |r| <= ln2/64;
 * 2^(j/32) from the table (hi and relative rest), exp(r) - 1 by Taylor to r^7; the
 * scale 2^e applied in two halves (exact for normal results; a subnormal one is
 * rounded twice). Accuracy measured against a long-double reference
 * (tests/unit/test_vmath.c; LANGUAGE.md "exp, log and pow"). */
#include "vmath.h"

#include <stdint.h>
#include <string.h>

#include "vmath_pow_table.h"

/* The bits of a double, and back. */
static inline uint64_t bits_of(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  return u;
}
static inline double double_of(uint64_t u) {
  double d;
  memcpy(&d, &u, sizeof d);
  return d;
}

/* a*b - p exactly, p = a*b rounded (no overflow): fma where the caller has it, else
 * Dekker's product of Veltkamp's halves (the same value: an exact one). */
static inline double two_prod_err(double a, double b, double p, bool has_fma) {
  if (has_fma) return __builtin_fma(a, b, -p);
  double ca = 134217729.0 * a, cb = 134217729.0 * b;
  double ah = ca - (ca - a), bh = cb - (cb - b);
  double al = a - ah, bl = b - bh;
  return (((ah * bh - p) + ah * bl) + al * bh) + al * bl;
}

/* log|x| (|x| finite, non-zero) as lhi + llo. */
static inline void log_dd(double ax, bool has_fma, double *lhi, double *llo) {
  uint64_t ix = bits_of(ax);
  bool sub = ix < 0x0010000000000000u;   /* subnormal: scaled by 2^52 */
  ix = sub ? bits_of(ax * 0x1p52) - (52ull << 52) : ix;
  uint64_t tmp = ix - VM_POW_LOG_OFF;
  unsigned i = (unsigned)(tmp >> (52 - VM_POW_LOG_BITS)) & ((1u << VM_POW_LOG_BITS) - 1);
  double kd = (double)((int64_t)tmp >> 52);
  double z = double_of(ix - (tmp & 0xfffull << 52));
  double invc = vm_pow_log_table[i][0], logc = vm_pow_log_table[i][1], logclo = vm_pow_log_table[i][2];
  double p = z * invc;
  double rlo = two_prod_err(z, invc, p, has_fma);
  double r = p - 1.0;                             /* exact (Sterbenz) */
  double a = kd * VM_POW_LN2_HI;                  /* exact */
  double t1 = a + logc, e1 = (a - t1) + logc;     /* Fast2Sum: |a| >= |logc| or a = 0 */
  double t2 = t1 + r, e2 = (t1 - t2) + r;         /* |t1| > |r| or t1 = 0 */
  double ar = -0.5 * r;
  double ar2 = r * ar, e3 = two_prod_err(r, ar, ar2, has_fma);
  double hi = t2 + ar2, e4 = (t2 - hi) + ar2;
  double r2 = r * r, r4 = r2 * r2;
  double q34 = 1.0 / 3 - r * 0.25, q56 = 0.2 - r * (1.0 / 6), q78 = 1.0 / 7 - r * 0.125, q910 = 1.0 / 9 - r * 0.1;
  double q = (q34 + r2 * q56) + r4 * ((q78 + r2 * q910) + r4 * (1.0 / 11));
  double poly = r2 * r * q;                       /* r^3/3 - r^4/4 ... + r^11/11 */
  double rtail = rlo * ((1.0 - r) + r2);          /* log1p(r + rlo) - log1p(r) */
  double lo = kd * VM_POW_LN2_LO + logclo;
  lo = lo + e1 + e2 + e3 + e4 + rtail + poly;
  *lhi = hi + lo;
  *llo = (hi - *lhi) + lo;
}

/* exp(ehi + elo), |elo| <~ 2^-53 |ehi|; 0 or inf beyond the double range. */
static inline double exp_dd(double ehi, double elo) {
  bool big = !(__builtin_fabs(ehi) <= 800.0);      /* NaN too: fixed by the caller */
  ehi = big ? (ehi > 0 ? 800.0 : -800.0) : ehi;
  elo = big ? 0.0 : elo;
  double zk = ehi * VM_POW_INV_LN2N;
  double sh = zk + 0x1.8p52;
  int64_t ki = (int64_t)(bits_of(sh) - bits_of(0x1.8p52));
  double kd = sh - 0x1.8p52;
  double r = ((ehi - kd * VM_POW_LN2N_HI) - kd * VM_POW_LN2N_LO) + elo;
  unsigned j = (unsigned)ki & ((1u << VM_POW_EXP_BITS) - 1);
  int64_t e = ki >> VM_POW_EXP_BITS, e1 = e >> 1, e2 = e - e1;
  double s1 = double_of(bits_of(vm_pow_exp_table[j][0]) + ((uint64_t)e1 << 52));
  double s2 = double_of((uint64_t)(e2 + 1023) << 52);
  double r2 = r * r, r4 = r2 * r2;
  double b2 = 0.5 + r * (1.0 / 6), b4 = 1.0 / 24 + r * (1.0 / 120), b6 = 1.0 / 720 + r * (1.0 / 5040);
  double tmp = r + (vm_pow_exp_table[j][1] + (r2 * b2 + r4 * (b4 + r2 * b6)));   /* tail + exp(r) - 1 */
  return (s1 + s1 * tmp) * s2;
}

/* pow(x, y): C99 Annex F's special cases around exp(y log|x|). */
static inline double pow_core(double x, double y, bool has_fma) {
  double ax = __builtin_fabs(x), ay = __builtin_fabs(y);
  /* y an integer, and odd */
  bool ybig = ay >= 0x1p52;
  double t = ay + 0x1p52;
  bool yint = ybig || (t - 0x1p52 == ay);
  bool yodd = yint && ay < 0x1p53 && ((ybig ? bits_of(ay) : bits_of(t)) & 1);
  double lhi, llo;
  log_dd(ax, has_fma, &lhi, &llo);
  double ehi = y * lhi;
  double elo = y * llo + two_prod_err(y, lhi, ehi, has_fma);
  double m = exp_dd(ehi, elo);
  bool yinf = ay == __builtin_inf();
  m = yinf ? ((ax < 1.0) == (y < 0) ? __builtin_inf() : 0.0) : m;
  m = ax == 0.0 ? (y < 0 ? __builtin_inf() : 0.0) : m;
  m = ax == __builtin_inf() ? (y < 0 ? 0.0 : __builtin_inf()) : m;
  m = ax == 1.0 ? 1.0 : m;   /* x = -1 with y = +-inf, or x = 1 */
  m = double_of(bits_of(m) | (uint64_t)(yodd && bits_of(x) >> 63) << 63);
  bool nan = x != x || y != y || (x < 0 && x > -__builtin_inf() && !yint);
  m = nan ? __builtin_nan("") : m;
  return y == 0.0 || x == 1.0 ? 1.0 : m;
}

double vm_pow_value(double x, double y) { return pow_core(x, y, false); }

/* pow_core over n values: the interpreter's blocks on a CPU without FMA and AVX2. */
static void pow_loop_generic(const double *a, const double *b, double *r, size_t n) {
  for (size_t i = 0; i < n; i++) r[i] = pow_core(a[i], b[i], false);
}

#if defined(__x86_64__)

/* ------------------------------------------------------------------------
 * With FMA and AVX2, or AVX-512: pow_core on 4 or 8 values at once
 * (vmath_pow_vec.inc), fma for the exact products
 * ------------------------------------------------------------------------ */
#include <immintrin.h>
/* every function of this part (GCC and clang) */
#define VM_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))
_Static_assert(VM_POW_LOG_BITS >= 4 && VM_POW_LOG_BITS <= 5 && VM_POW_EXP_BITS >= 4 && VM_POW_EXP_BITS <= 5,
               "vlookup reads tables of 16 or 32 values");

/* vmath_pow_vec.inc with AVX2 and FMA: 4 lanes, tables read by gathers. */
#define VecD VecD4
#define VecI VecI4
#define VecU VecU4
#define VW 4
#define VP(name) name##_avx2
#define VP_ATTR VM_AVX2
#define VM_AVX2 __attribute__((target("avx2,fma")))
typedef double VecD4 __attribute__((vector_size(32)));
typedef int64_t VecI4 __attribute__((vector_size(32)));
typedef uint64_t VecU4 __attribute__((vector_size(32)));
/* t[idx * stride] lane by lane. */
VM_AVX2 static inline __attribute__((always_inline)) VecD4 vlookup_avx2(const double *t, int stride, int n, VecI4 idx) {
  (void)n;
  return (VecD4)_mm256_i64gather_pd(t, (__m256i)(idx * stride), 8);
}
/* two_prod_err lane by lane, by fma. */
VM_AVX2 static inline __attribute__((always_inline)) VecD4 vtwo_prod_err_avx2(VecD4 a, VecD4 b, VecD4 p) {
  return (VecD4)_mm256_fmsub_pd((__m256d)a, (__m256d)b, (__m256d)p);
}
/* k (|k| < 2^51) as a double, exactly: 1.5 * 2^52 + k, less 1.5 * 2^52 (AVX2 has no
 * int64 -> double conversion). */
VM_AVX2 static inline __attribute__((always_inline)) VecD4 vcvt_avx2(VecI4 k) {
  return (VecD4)(k + 0x4338000000000000) - 0x1.8p52;
}
#include "vmath_pow_vec.inc"
#undef VecD
#undef VecI
#undef VecU
#undef VW
#undef VP
#undef VP_ATTR

/* vmath_pow_vec.inc with AVX-512: 8 lanes, tables in registers read by permutes. */
#define VecD VecD8
#define VecI VecI8
#define VecU VecU8
#define VW 8
#define VP(name) name##_avx512
#define VP_ATTR VM_AVX512
typedef double VecD8 __attribute__((vector_size(64)));
typedef int64_t VecI8 __attribute__((vector_size(64)));
typedef uint64_t VecU8 __attribute__((vector_size(64)));
/* t[idx] lane by lane for a table of n values every stride-th from t (n <= 32): by
 * permutes of registers (vpermi2pd picks from 16 by the low 4 bits; bit 4 picks
 * between two such). */
VM_AVX512 static inline __attribute__((always_inline)) VecD8 vlookup_avx512(const double *t, int stride, int n, VecI8 idx) {
  __m512d reg[4];
  for (int h = 0; h < 4; h++) {
    double v[8];
    for (int l = 0; l < 8; l++) v[l] = h * 8 + l < n ? t[(h * 8 + l) * stride] : 0;
    reg[h] = _mm512_loadu_pd(v);
  }
  __m512i ix = (__m512i)idx;
  __m512d lo = _mm512_permutex2var_pd(reg[0], ix, reg[1]);
  if (n <= 16) return (VecD8)lo;
  __m512d hi = _mm512_permutex2var_pd(reg[2], ix, reg[3]);
  return (VecD8)_mm512_mask_blend_pd(_mm512_test_epi64_mask(ix, _mm512_set1_epi64(16)), lo, hi);
}

/* two_prod_err lane by lane, by fma. */
VM_AVX512 static inline __attribute__((always_inline)) VecD8 vtwo_prod_err_avx512(VecD8 a, VecD8 b, VecD8 p) {
  return (VecD8)_mm512_fmsub_pd((__m512d)a, (__m512d)b, (__m512d)p);
}

/* k as a double. */
VM_AVX512 static inline __attribute__((always_inline)) VecD8 vcvt_avx512(VecI8 k) { return __builtin_convertvector(k, VecD8); }
#include "vmath_pow_vec.inc"
#undef VecD
#undef VecI
#undef VecU
#undef VW
#undef VP
#undef VP_ATTR

#endif

bool vm_pow_values_on(VmPowIsa isa, const double *a, const double *b, double *r, size_t n) {
  switch (isa) {
  case VM_POW_GENERIC: pow_loop_generic(a, b, r, n); return true;
#if defined(__x86_64__)
  case VM_POW_AVX2:
    if (!vm_host_has_fma()) return false;
    pow_loop_avx2(a, b, r, n);
    return true;
  case VM_POW_AVX512:
    if (!vm_host_has_fma() || !__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512dq") ||
        !__builtin_cpu_supports("avx512vl"))
      return false;
    pow_loop_avx512(a, b, r, n);
    return true;
#endif
  default: return false;
  }
}

void vm_pow_values(const double *a, const double *b, double *r, size_t n) {
  if (!vm_pow_values_on(VM_POW_AVX512, a, b, r, n) && !vm_pow_values_on(VM_POW_AVX2, a, b, r, n))
    vm_pow_values_on(VM_POW_GENERIC, a, b, r, n);
}
