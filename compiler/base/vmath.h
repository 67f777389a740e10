/* vmath.h - exp, log and pow as every engine computes them.
 * exp and log are SLEEF's deterministic functions, which give the same bits at every
 * vector width within one *family*:
 *   VM_FINZ  Sleef_finz_*: with fused multiply-add (x86-64 with FMA and AVX2)
 *   VM_CINZ  Sleef_cinz_*: without (any CPU)
 * exp and log are the u10 functions (at most 1.0 ulp from the exact result; LANGUAGE.md
 * "exp, log and pow"). The two families differ in the last
 * bit on some arguments, so one process uses one: vm_family(). The interpreter and
 * the constant folder call the scalar functions here; compiled code calls the same
 * family's 2-, 4- and 8-wide ones (codegen.c).
 * pow is missionc's own (vmath_pow.c; at most 0.52 ulp measured), one function with
 * the same bits in every family, width and engine: compiled code computes it by the
 * same operations in IR (native/vmath_ir.c). */
#ifndef MISSIONC_VMATH_H
#define MISSIONC_VMATH_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { VM_CINZ, VM_FINZ } VmFamily;

/* Whether this CPU can run the FMA family: x86-64 with FMA and AVX2 and the OS's AVX
 * state enabled (CPUID leaf 1 ECX bits 12 FMA, 27 OSXSAVE, 28 AVX; XGETBV(0) & 6 == 6;
 * leaf 7 EBX bit 5 AVX2). Objects built for another CPU test the same bits when first
 * called (codegen.c, the "runtime" family). */
bool vm_host_has_fma(void);
/* This process's family: VM_FINZ where the CPU can run it, unless MISSIONC_VMATH=cinz
 * (a warning once, and the default, for any value but cinz and finz), or
 * vm_set_family lowered it. Thread-safe. */
VmFamily vm_family(void);
/* Use f from now on (before any thread computes), whatever MISSIONC_VMATH says;
 * VM_FINZ only where the CPU has FMA and AVX2 (`build` folds constants with the
 * objects' family, which MISSIONC_VMATH does not change). */
void vm_set_family(VmFamily f);
/* How many times this process has called vm_exp and vm_log (the scalar ones: the
 * constant folder's), so that `build` can tell whether a folded constant depends on
 * the family (vm_pow's do not). */
unsigned long vm_scalar_calls(void);
/* "finz" or "cinz". */
const char *vm_family_name(VmFamily f);

/* exp and log of the process's family, and pow; a NaN result is the positive quiet NaN
 * in every engine (SLEEF's widths agree on every bit but a NaN's sign: the AVX-512
 * functions give -NaN for log(-1)). */
double vm_exp(double x);
double vm_log(double x);
double vm_pow(double x, double y);

/* The same on n values at once (the interpreter's blocks), as wide as this CPU
 * allows in the family (8-wide on AVX-512, 4-wide on AVX or AVX2, else 2-wide or
 * scalar): the same bits as the scalar functions. r may be a or b, or apart from them. */
void vm_exp_n(const double *a, double *r, size_t n);
void vm_log_n(const double *a, double *r, size_t n);
void vm_pow_n(const double *a, const double *b, double *r, size_t n);

/* pow itself (vmath_pow.c), without vm_pow's count; on n values at once, vectorised
 * as this CPU allows. */
double vm_pow_value(double x, double y);
void vm_pow_values(const double *a, const double *b, double *r, size_t n);
/* vm_pow_values by one of its versions (for the tests): false, computing nothing, where
 * this CPU cannot run it. GENERIC: one value at a time (Dekker's products); AVX2: 4 at
 * once with FMA and AVX2; AVX512: 8 at once. */
typedef enum { VM_POW_GENERIC, VM_POW_AVX2, VM_POW_AVX512 } VmPowIsa;
bool vm_pow_values_on(VmPowIsa isa, const double *a, const double *b, double *r, size_t n);

static inline double vm_nan_canonical(double r) { return r != r ? __builtin_nan("") : r; }

#endif
