/* vmath.h - exp, log and pow as every engine computes them: SLEEF's deterministic
 * functions (Sleef_cinz_*_u10: at most 1.0 ulp from the exact result, no fused
 * multiply-add), which give the same bits at every vector width. The interpreter and
 * the constant folder call the scalar ones declared here; the compiled code calls
 * the 2- and 4-wide ones (codegen.c), so that every engine agrees bit for bit. */
#ifndef MISSIONC_VMATH_H
#define MISSIONC_VMATH_H

double Sleef_cinz_expd1_u10purec(double x);
double Sleef_cinz_logd1_u10purec(double x);
double Sleef_cinz_powd1_u10purec(double x, double y);

/* A NaN result is the positive quiet NaN in every engine: SLEEF's widths agree on
 * every bit but a NaN's sign (the AVX-512 functions give -NaN for log(-1)). */
static inline double vm_nan_canonical(double r) { return r != r ? __builtin_nan("") : r; }
static inline double vm_exp(double x) { return vm_nan_canonical(Sleef_cinz_expd1_u10purec(x)); }
static inline double vm_log(double x) { return vm_nan_canonical(Sleef_cinz_logd1_u10purec(x)); }
static inline double vm_pow(double x, double y) { return vm_nan_canonical(Sleef_cinz_powd1_u10purec(x, y)); }

#endif
