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

/* pow_core over n values, fma as the target allows: the interpreter's blocks on a CPU
 * without AVX-512. */
#define VM_POW_LOOP(NAME, ATTR, FMA)                                                       \
  ATTR static void NAME(const double *a, const double *b, double *r, size_t n) {            \
    for (size_t i = 0; i < n; i++) r[i] = pow_core(a[i], b[i], FMA);                         \
  }
VM_POW_LOOP(pow_loop_generic, , false)

#if defined(__x86_64__)
VM_POW_LOOP(pow_loop_avx2, __attribute__((target("avx2,fma"))), true)

/* ------------------------------------------------------------------------
 * With AVX-512: pow_core on 8 values at once (GCC's vector extensions), the same
 * operations lane by lane, selects for its conditions, fma for the exact products,
 * tables read by permutes of registers
 * ------------------------------------------------------------------------ */
#include <immintrin.h>
/* every function of this part (GCC and clang) */
#define VM_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))
_Static_assert(VM_POW_LOG_BITS >= 4 && VM_POW_LOG_BITS <= 5 && VM_POW_EXP_BITS >= 4 && VM_POW_EXP_BITS <= 5,
               "vlookup reads tables of 16 or 32 values");

typedef double VecD __attribute__((vector_size(64)));
typedef int64_t VecI __attribute__((vector_size(64)));
typedef uint64_t VecU __attribute__((vector_size(64)));
enum { VW = 8 };

/* a where m (all ones), else b. */
VM_AVX512 static inline __attribute__((always_inline)) VecD vsel(VecI m, VecD a, VecD b) {
  return (VecD)(((VecI)a & m) | ((VecI)b & ~m));
}
VM_AVX512 static inline __attribute__((always_inline)) VecD vfabs(VecD a) { return (VecD)((VecI)a & INT64_MAX); }
VM_AVX512 static inline __attribute__((always_inline)) VecD vsplat(double v) { return (VecD){v, v, v, v, v, v, v, v}; }

/* t[idx] lane by lane for a table of n values every stride-th from t (n <= 32): by
 * permutes of registers (vpermi2pd picks from 16 by the low 4 bits; bit 4 picks
 * between two such). */
VM_AVX512 static inline __attribute__((always_inline)) VecD vlookup(const double *t, int stride, int n, VecI idx) {
  __m512d reg[4];
  for (int h = 0; h < 4; h++) {
    double v[8];
    for (int l = 0; l < 8; l++) v[l] = h * 8 + l < n ? t[(h * 8 + l) * stride] : 0;
    reg[h] = _mm512_loadu_pd(v);
  }
  __m512i ix = (__m512i)idx;
  __m512d lo = _mm512_permutex2var_pd(reg[0], ix, reg[1]);
  if (n <= 16) return (VecD)lo;
  __m512d hi = _mm512_permutex2var_pd(reg[2], ix, reg[3]);
  return (VecD)_mm512_mask_blend_pd(_mm512_test_epi64_mask(ix, _mm512_set1_epi64(16)), lo, hi);
}

/* two_prod_err lane by lane, by fma. */
VM_AVX512 static inline __attribute__((always_inline)) VecD vtwo_prod_err(VecD a, VecD b, VecD p) {
  return (VecD)_mm512_fmsub_pd((__m512d)a, (__m512d)b, (__m512d)p);
}

/* log_dd lane by lane. */
VM_AVX512 static inline __attribute__((always_inline)) void vlog_dd(VecD ax, VecD *lhi, VecD *llo) {
  VecI ix = (VecI)ax;
  VecI sub = (VecU)ix < 0x0010000000000000u;
  ix = (VecI)vsel(sub, (VecD)((VecI)(ax * 0x1p52) - (int64_t)(52ull << 52)), (VecD)ix);
  VecI tmp = ix - (int64_t)VM_POW_LOG_OFF;
  VecI i = (VecI)((VecU)tmp >> (52 - VM_POW_LOG_BITS)) & ((1 << VM_POW_LOG_BITS) - 1);
  VecD kd = __builtin_convertvector(tmp >> 52, VecD);
  VecD z = (VecD)(ix - (tmp & (int64_t)(0xfffull << 52)));
  VecD invc = vlookup(&vm_pow_log_table[0][0], 3, 1 << VM_POW_LOG_BITS, i);
  VecD logc = vlookup(&vm_pow_log_table[0][1], 3, 1 << VM_POW_LOG_BITS, i);
  VecD logclo = vlookup(&vm_pow_log_table[0][2], 3, 1 << VM_POW_LOG_BITS, i);
  VecD p = z * invc;
  VecD rlo = vtwo_prod_err(z, invc, p);
  VecD r = p - 1.0;
  VecD a = kd * VM_POW_LN2_HI;
  VecD t1 = a + logc, e1 = (a - t1) + logc;
  VecD t2 = t1 + r, e2 = (t1 - t2) + r;
  VecD ar = -0.5 * r;
  VecD ar2 = r * ar, e3 = vtwo_prod_err(r, ar, ar2);
  VecD hi = t2 + ar2, e4 = (t2 - hi) + ar2;
  VecD r2 = r * r, r4 = r2 * r2;
  VecD q34 = 1.0 / 3 - r * 0.25, q56 = 0.2 - r * (1.0 / 6), q78 = 1.0 / 7 - r * 0.125, q910 = 1.0 / 9 - r * 0.1;
  VecD q = (q34 + r2 * q56) + r4 * ((q78 + r2 * q910) + r4 * (1.0 / 11));
  VecD poly = r2 * r * q;
  VecD rtail = rlo * ((1.0 - r) + r2);
  VecD lo = kd * VM_POW_LN2_LO + logclo;
  lo = lo + e1 + e2 + e3 + e4 + rtail + poly;
  *lhi = hi + lo;
  *llo = (hi - *lhi) + lo;
}

/* exp_dd lane by lane. */
VM_AVX512 static inline __attribute__((always_inline)) VecD vexp_dd(VecD ehi, VecD elo) {
  VecI big = ~(vfabs(ehi) <= 800.0);
  ehi = vsel(big, vsel(ehi > 0, vsplat(800.0), vsplat(-800.0)), ehi);
  elo = vsel(big, vsplat(0.0), elo);
  VecD zk = ehi * VM_POW_INV_LN2N;
  VecD sh = zk + 0x1.8p52;
  VecI ki = (VecI)sh - (int64_t)0x4338000000000000;
  VecD kd = sh - 0x1.8p52;
  VecD r = ((ehi - kd * VM_POW_LN2N_HI) - kd * VM_POW_LN2N_LO) + elo;
  VecI j = ki & ((1 << VM_POW_EXP_BITS) - 1);
  VecI e = ki >> VM_POW_EXP_BITS, e1 = e >> 1, e2 = e - e1;
  VecD thi = vlookup(&vm_pow_exp_table[0][0], 2, 1 << VM_POW_EXP_BITS, j);
  VecD tail = vlookup(&vm_pow_exp_table[0][1], 2, 1 << VM_POW_EXP_BITS, j);
  VecD s1 = (VecD)((VecI)thi + (VecI)((VecU)e1 << 52));
  VecD s2 = (VecD)((VecI)((VecU)(e2 + 1023) << 52));
  VecD r2 = r * r, r4 = r2 * r2;
  VecD b2 = 0.5 + r * (1.0 / 6), b4 = 1.0 / 24 + r * (1.0 / 120), b6 = 1.0 / 720 + r * (1.0 / 5040);
  VecD tmp = r + (tail + (r2 * b2 + r4 * (b4 + r2 * b6)));
  return (s1 + s1 * tmp) * s2;
}

/* pow_core lane by lane. */
VM_AVX512 static inline __attribute__((always_inline)) VecD vpow_core(VecD x, VecD y) {
  VecD ax = vfabs(x), ay = vfabs(y);
  VecI ybig = ay >= 0x1p52;
  VecD t = ay + 0x1p52;
  VecI yint = ybig | ((t - 0x1p52) == ay);
  VecI yodd = yint & (ay < 0x1p53) & -(((VecI)vsel(ybig, ay, t)) & 1);
  VecD lhi, llo;
  vlog_dd(ax, &lhi, &llo);
  VecD ehi = y * lhi;
  VecD elo = y * llo + vtwo_prod_err(y, lhi, ehi);
  VecD m = vexp_dd(ehi, elo);
  VecD inf = vsplat(__builtin_inf()), zero = vsplat(0.0), one = vsplat(1.0);
  VecI yneg = y < 0;
  m = vsel(ay == __builtin_inf(), vsel((ax < 1.0) == yneg, inf, zero), m);
  m = vsel(ax == 0.0, vsel(yneg, inf, zero), m);
  m = vsel(ax == __builtin_inf(), vsel(yneg, zero, inf), m);
  m = vsel(ax == 1.0, one, m);
  m = (VecD)((VecI)m | (yodd & ((VecI)x & INT64_MIN)));
  VecI nan = (x != x) | (y != y) | ((x < 0) & (x > -__builtin_inf()) & ~yint);
  m = vsel(nan, vsplat(__builtin_nan("")), m);
  return vsel((y == 0.0) | (x == 1.0), one, m);
}

/* vpow_core over n values (the last ones padded with 1). */
VM_AVX512 static void pow_loop_avx512(const double *a, const double *b, double *r, size_t n) {
  size_t i = 0;
  for (; i + VW <= n; i += VW) {
    VecD x, y;
    memcpy(&x, a + i, sizeof x);
    memcpy(&y, b + i, sizeof y);
    VecD v = vpow_core(x, y);
    memcpy(r + i, &v, sizeof v);
}
  if (i == n) return;
  VecD x = vsplat(1.0), y = vsplat(1.0);
  for (size_t k = 0; i + k < n; k++) x[k] = a[i + k], y[k] = b[i + k];
  VecD v = vpow_core(x, y);
  for (size_t k = 0; i + k < n; k++) r[i + k] = v[k];
}

#endif

void vm_pow_values(const double *a, const double *b, double *r, size_t n) {
#if defined(__x86_64__)
  if (vm_host_has_fma()) {
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
      pow_loop_avx512(a, b, r, n);
    else
      pow_loop_avx2(a, b, r, n);
    return;
  }
#endif
  pow_loop_generic(a, b, r, n);
}
