/* vmath.c - exp and log of one SLEEF family for the whole process, and pow (vmath_pow.c)
 * (vmath.h). */
#include "vmath.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double Sleef_cinz_expd1_u10purec(double x);
double Sleef_cinz_logd1_u10purec(double x);
double Sleef_finz_expd1_u10purecfma(double x);
double Sleef_finz_logd1_u10purecfma(double x);

static atomic_int family = -1;   /* VmFamily once known */
static atomic_bool warned;

static atomic_ulong scalar_calls;

#if defined(__x86_64__)
#include <cpuid.h>
/* The FMA family's CPU test, bit for bit the one codegen.c emits (vmath.h). */
static bool cpu_has_fma(void) {
  unsigned a, b, c, d;
  if (__get_cpuid_max(0, NULL) < 7) return false;
  __cpuid_count(1, 0, a, b, c, d);
  const unsigned need = 1u << 12 | 1u << 27 | 1u << 28;   /* FMA, OSXSAVE, AVX */
  if ((c & need) != need) return false;
  unsigned lo, hi;
  __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  if ((lo & 6) != 6) return false;   /* the OS saves the SSE and AVX state */
  __cpuid_count(7, 0, a, b, c, d);
  return (b >> 5) & 1;               /* AVX2 */
}
#endif

bool vm_host_has_fma(void) {
#if defined(__x86_64__)
  static atomic_int known = -1;
  int k = atomic_load_explicit(&known, memory_order_relaxed);
  if (k < 0) atomic_store_explicit(&known, k = cpu_has_fma(), memory_order_relaxed);
  return k;
#else
  return false;
#endif
}

unsigned long vm_scalar_calls(void) { return atomic_load_explicit(&scalar_calls, memory_order_relaxed); }

/* The family MISSIONC_VMATH asks for, else the CPU's. */
static VmFamily initial_family(void) {
  VmFamily host = vm_host_has_fma() ? VM_FINZ : VM_CINZ;
  const char *v = getenv("MISSIONC_VMATH");
  if (!v || !*v) return host;
  if (strcmp(v, "cinz") == 0) return VM_CINZ;
  if (strcmp(v, "finz") == 0 && host == VM_FINZ) return VM_FINZ;
  if (!atomic_exchange(&warned, true))
    fprintf(stderr, "missionc: warning: MISSIONC_VMATH takes cinz%s, not '%.40s'; using %s\n",
            host == VM_FINZ ? " or finz" : " (this CPU has no FMA and AVX2 for finz)", v,
            vm_family_name(host));
  return host;
}

VmFamily vm_family(void) {
  int f = atomic_load_explicit(&family, memory_order_acquire);
  if (f < 0) {
    int expected = -1;
    f = initial_family();
    if (!atomic_compare_exchange_strong(&family, &expected, f)) f = expected;
  }
  return (VmFamily)f;
}

void vm_set_family(VmFamily f) {
  if (f == VM_FINZ && !vm_host_has_fma()) return;
  atomic_store(&family, f);
}

const char *vm_family_name(VmFamily f) { return f == VM_FINZ ? "finz" : "cinz"; }

double vm_exp(double x) {
  atomic_fetch_add_explicit(&scalar_calls, 1, memory_order_relaxed);
  return vm_nan_canonical(vm_family() == VM_FINZ ? Sleef_finz_expd1_u10purecfma(x) : Sleef_cinz_expd1_u10purec(x));
}

double vm_log(double x) {
  atomic_fetch_add_explicit(&scalar_calls, 1, memory_order_relaxed);
  return vm_nan_canonical(vm_family() == VM_FINZ ? Sleef_finz_logd1_u10purecfma(x) : Sleef_cinz_logd1_u10purec(x));
}

double vm_pow(double x, double y) { return vm_pow_value(x, y); }

/* ------------------------------------------------------------------------
 * n values at once: the widest functions of the family that this CPU runs
 * ------------------------------------------------------------------------ */

typedef void (*VmUnary)(const double *a, double *r, size_t n);
typedef struct VmKernels {
  VmUnary exp, log;
} VmKernels;

/* fn on a, n values into r, W at a time (the last ones padded with 1.0): a function
 * NAME compiled for the ISA target (vector type T, its unaligned load and store). */
#define VM_UNARY(NAME, TARGET, T, W, LOAD, STORE, FN)                                \
  __attribute__((target(TARGET))) T FN(T);                                            \
  __attribute__((target(TARGET))) static void NAME(const double *a, double *r, size_t n) { \
    size_t i = 0;                                                                     \
    for (; i + W <= n; i += W) STORE(r + i, FN(LOAD(a + i)));                         \
    if (i == n) return;                                                               \
    double ta[W], tr[W];                                                              \
    for (size_t k = 0; k < W; k++) ta[k] = i + k < n ? a[i + k] : 1.0;                \
    STORE(tr, FN(LOAD(ta)));                                                          \
    for (size_t k = 0; i + k < n; k++) r[i + k] = tr[k];                              \
  }
/* The two functions of a family at one width. */
#define VM_WIDTH(TAG, TARGET, T, W, LOAD, STORE, FAM, ISA)                                      \
  VM_UNARY(TAG##_exp, TARGET, T, W, LOAD, STORE, Sleef_##FAM##_expd##W##_u10##ISA)              \
  VM_UNARY(TAG##_log, TARGET, T, W, LOAD, STORE, Sleef_##FAM##_logd##W##_u10##ISA)              \
  static const VmKernels TAG = {TAG##_exp, TAG##_log};

#if defined(__x86_64__)
#include <immintrin.h>
VM_WIDTH(cinz2, "sse2", __m128d, 2, _mm_loadu_pd, _mm_storeu_pd, cinz, sse2)
VM_WIDTH(cinz4, "avx", __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, cinz, avx)
VM_WIDTH(cinz8, "avx512f", __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, cinz, avx512fnofma)
VM_WIDTH(finz4, "avx2,fma", __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, finz, avx2)
VM_WIDTH(finz8, "avx512f", __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, finz, avx512f)
#else
/* One value at a time, by the scalar functions (a CPU other than x86-64). */
static void scalar_exp(const double *a, double *r, size_t n) { for (size_t i = 0; i < n; i++) r[i] = vm_exp(a[i]); }
static void scalar_log(const double *a, double *r, size_t n) { for (size_t i = 0; i < n; i++) r[i] = vm_log(a[i]); }
static const VmKernels scalar = {scalar_exp, scalar_log};

#endif

/* The widest functions of the process's family on this CPU. */
static const VmKernels *kernels(void) {
#if defined(__x86_64__)
  bool avx512 = __builtin_cpu_supports("avx512f");
  if (vm_family() == VM_FINZ) return avx512 ? &finz8 : &finz4;
  return avx512 ? &cinz8 : __builtin_cpu_supports("avx") ? &cinz4 : &cinz2;
#else
  return &scalar;
#endif
}

/* Every NaN of r[0..n) the positive quiet NaN. */
static void canonical_nans(double *r, size_t n) {
  for (size_t i = 0; i < n; i++) r[i] = vm_nan_canonical(r[i]);
}

void vm_exp_n(const double *a, double *r, size_t n) {
  kernels()->exp(a, r, n);
  canonical_nans(r, n);
}

void vm_log_n(const double *a, double *r, size_t n) {
  kernels()->log(a, r, n);
  canonical_nans(r, n);
}

void vm_pow_n(const double *a, const double *b, double *r, size_t n) { vm_pow_values(a, b, r, n); }
