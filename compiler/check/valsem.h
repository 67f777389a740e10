/* valsem.h - the value semantics every engine shares, one scalar at a time.
 *
 * Values are IEEE doubles; booleans are 1, 0, or NaN (missing). NaN is a missing
 * value (LANGUAGE.md 7.5): it goes in and comes out of arithmetic, comparisons,
 * min/max/clamp, pow and `if`; `and`/`or` follow three-valued (Kleene, SQL) logic, so
 * `false and NaN` is false and `true or NaN` is true; is_missing(x) and
 * coalesce(x, y) test and replace it. The checker folds constants with these
 * functions, the interpreter evaluates with them, and codegen.c emits the same
 * selects; a NaN result is any NaN (payloads are not part of the semantics).
 */
#ifndef MISSION_VALSEM_H
#define MISSION_VALSEM_H

#include <math.h>
#include <stdbool.h>

#include "vmath.h"

/* Whether either operand is missing. */
static inline bool sem_na2(double a, double b) { return isnan(a) || isnan(b); }

/* min(a, b) = b < a ? b : a; NaN when either is NaN */
static inline double sem_min(double a, double b) { return sem_na2(a, b) ? NAN : b < a ? b : a; }
/* max(a, b) = b > a ? b : a; NaN when either is NaN */
static inline double sem_max(double a, double b) { return sem_na2(a, b) ? NAN : b > a ? b : a; }
/* clamp(x, lo, hi) = min(max(x, lo), hi) */
static inline double sem_clamp(double x, double lo, double hi) { return sem_min(sem_max(x, lo), hi); }
/* a ^ b, pow(a, b): SLEEF's pow (vmath.h), NaN when either is NaN (pow(NaN, 0) is 1) */
static inline double sem_pow(double a, double b) { return sem_na2(a, b) ? NAN : vm_pow(a, b); }

/* A comparison's result: NaN when either side is NaN, else 1 or 0. */
static inline double sem_eq(double a, double b) { return sem_na2(a, b) ? NAN : a == b; }
static inline double sem_ne(double a, double b) { return sem_na2(a, b) ? NAN : a != b; }
static inline double sem_lt(double a, double b) { return sem_na2(a, b) ? NAN : a < b; }
static inline double sem_le(double a, double b) { return sem_na2(a, b) ? NAN : a <= b; }
static inline double sem_gt(double a, double b) { return sem_na2(a, b) ? NAN : a > b; }
static inline double sem_ge(double a, double b) { return sem_na2(a, b) ? NAN : a >= b; }

/* Whether a boolean is true: non-zero and not NaN. */
static inline bool sem_true(double a) { return a < 0.0 || a > 0.0; }
/* a and b: false if either is false, else NaN if either is NaN, else true */
static inline double sem_and(double a, double b) {
  return a == 0.0 || b == 0.0 ? 0.0 : sem_na2(a, b) ? NAN : 1.0;
}
/* a or b: true if either is true, else NaN if either is NaN, else false */
static inline double sem_or(double a, double b) {
  return sem_true(a) || sem_true(b) ? 1.0 : sem_na2(a, b) ? NAN : 0.0;
}
/* not a: NaN stays NaN */
static inline double sem_not(double a) { return isnan(a) ? NAN : a == 0.0; }
/* if c then a else b: NaN when the condition is NaN */
static inline double sem_if(double c, double a, double b) { return isnan(c) ? NAN : c != 0.0 ? a : b; }
/* A boolean input (any double): NaN stays NaN, else 1 when non-zero, 0 when zero. */
static inline double sem_bool_in(double a) { return isnan(a) ? NAN : a != 0.0; }

/* is_missing(x): 1 when x is NaN, else 0 (never NaN) */
static inline double sem_is_missing(double a) { return isnan(a) ? 1.0 : 0.0; }
/* coalesce(x, y): x unless it is NaN, else y */
static inline double sem_coalesce(double a, double b) { return isnan(a) ? b : a; }

#endif
