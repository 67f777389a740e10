/* csv_number.c - csv_parse_double: decimal text to the nearest double.
 *
 * Three paths, each exactly rounded (round to nearest, ties to even), so the
 * result is the bits strtod gives, whichever path is taken:
 *
 *   1. Clinger's fast path: at most 2^53 as an integer and |exponent| <= 22:
 *      one IEEE multiplication or division of two exact doubles.
 *   2. Eisel-Lemire: up to 19 significant digits and any exponent: the digits
 *      times a 128-bit approximation of 5^q (csv_pow5.h), with the rare cases
 *      where 128 bits cannot decide the rounding detected and sent on to 3.
 *      More than 19 digits: the first 19 are w, and when w and w+1 round to the
 *      same double, so does the whole number.  (D. Lemire, "Number parsing at a
 *      gigabyte per second", Software: Practice and Experience 51(8), 2021; the
 *      algorithm of fast_float, which Debian ships as libfast-float-dev.)
 *   3. strtod, on a copy of the text.
 *
 * Digits are read eight at a time where eight are there (SWAR, little-endian
 * hosts); tests/unit/test_csv_number.c checks every path against strtod.
 */
#include "csv.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv_pow5.h"

/* The powers of ten that are exact doubles. */
static const double exact_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* A decimal number: value = w * 10^q when exact. */
typedef struct {
  uint64_t w;    /* the first 19 significant digits */
  long q;        /* decimal exponent of the last digit kept */
  bool exact;    /* no nonzero digit was dropped */
} Decimal;

static bool digit(char c) {
  return (unsigned char)(c - '0') < 10;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CSV_SWAR 1
/* Are the 8 bytes all ASCII digits? */
static bool eight_digits(uint64_t v) {
  return ((v & 0xF0F0F0F0F0F0F0F0u) | (((v + 0x0606060606060606u) & 0xF0F0F0F0F0F0F0F0u) >> 4)) ==
         0x3333333333333333u;
}

/* The value of 8 ASCII digits, the first in the lowest byte. */
static uint32_t eight_digit_value(uint64_t v) {
  const uint64_t mask = 0x000000FF000000FFu, mul1 = 0x000F424000000064u, mul2 = 0x0000271000000001u;
  v -= 0x3030303030303030u;
  v = v * 10 + (v >> 8);
  return (uint32_t)((((v & mask) * mul1) + (((v >> 16) & mask) * mul2)) >> 32);
}
#endif

/* Accumulates the digits at p into *w (wrapping past 19 digits); the end. */
static const char *read_digits(const char *p, const char *e, uint64_t *w) {
  uint64_t v = *w;
#ifdef CSV_SWAR
  while (e - p >= 8) {
    uint64_t chunk;
    memcpy(&chunk, p, 8);
    if (!eight_digits(chunk)) break;
    v = v * 100000000u + eight_digit_value(chunk);
    p += 8;
  }
#endif
  for (; p < e && digit(*p); p++) v = v * 10 + (uint64_t)(*p - '0');
  *w = v;
  return p;
}

/* Reads the first 19 significant digits of [p, e) (digits with one '.') into d,
   for a number of more than 19 digits. */
static void keep_19_digits(const char *p, const char *e, Decimal *d) {
  int ndig = 0;
  bool frac = false;
  d->w = 0;
  d->exact = true;
  long q = 0;
  for (; p < e; p++) {
    if (*p == '.') {
      frac = true;
      continue;
    }
    int v = *p - '0';
    if (d->w == 0 && v == 0) {
      q -= frac; /* a leading zero */
    } else if (ndig < 19) {
      d->w = d->w * 10 + (uint64_t)v;
      ndig++;
      q -= frac;
    } else {
      q += !frac; /* a dropped digit */
      d->exact &= v == 0;
    }
  }
  d->q += q;
}

/* Clinger: exact w * 10^q when w <= 2^53 and |q| <= 22 (after shifting zeros
   in). Off where doubles are evaluated in wider registers (x87). */
static bool clinger(Decimal d, double *out) {
#if FLT_EVAL_METHOD != 0
  return false;
#endif
  const uint64_t limit = (uint64_t)1 << 53;
  if (!d.exact || d.w > limit) return false;
  if (d.w == 0) {
    *out = 0.0;
    return true;
  }
  while (d.q > 22 && d.w <= limit / 10) {
    d.w *= 10;
    d.q--;
  }
  if (d.q > 22 || d.q < -22 || d.w > limit) return false;
  double v = (double)d.w;
  *out = d.q < 0 ? v / exact_pow10[-d.q] : v * exact_pow10[d.q];
  return true;
}

#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 U128;

/* The bits of the double nearest w * 10^q (w > 0), or -1 when 128 bits of 5^q
   cannot tell (then strtod decides).  Infinity comes back as its bits. */
static int64_t eisel_lemire(uint64_t w, long q) {
  if (q < CSV_POW5_MIN) return 0;
  if (q > CSV_POW5_MAX) return (int64_t)0x7FF << 52;
  int lz = __builtin_clzll(w);
  w <<= lz;
  const uint64_t *p5 = csv_pow5_128[q - CSV_POW5_MIN];
  U128 first = (U128)w * p5[0];
  uint64_t high = (uint64_t)(first >> 64), low = (uint64_t)first;
  const uint64_t precision_mask = UINT64_MAX >> 55;   /* 52 bits + implicit + round + shift */
  if ((high & precision_mask) == precision_mask) {     /* the low half may carry: add it */
    U128 second = (U128)w * p5[1];
    uint64_t second_high = (uint64_t)(second >> 64);
    low += second_high;
    if (second_high > low) high++;
  }
  if (low == UINT64_MAX && (q < -27 || q > 55)) return -1;
  int upper = (int)(high >> 63), shift = upper + 64 - 52 - 3;
  uint64_t m = high >> shift;
  int64_t power2 = (((152170 + 65536) * q) >> 16) + 63 + upper - lz + 1023;
  if (power2 <= 0) {   /* subnormal */
    if (-power2 + 1 >= 64) return 0;
    m >>= -power2 + 1;
    m += m & 1;
    m >>= 1;
    power2 = m < ((uint64_t)1 << 52) ? 0 : 1;
    return (int64_t)((uint64_t)power2 << 52 | (m & (((uint64_t)1 << 52) - 1)));
  }
  /* exactly halfway between two doubles: round to even rather than up */
  if (low <= 1 && q >= -4 && q <= 23 && (m & 3) == 1 && (m << shift) == high) m &= ~(uint64_t)1;
  m += m & 1;
  m >>= 1;
  if (m >= (uint64_t)2 << 52) {
    m = (uint64_t)1 << 52;
    power2++;
  }
  m &= ~((uint64_t)1 << 52);
  if (power2 >= 0x7FF) return (int64_t)0x7FF << 52;
  return (int64_t)((uint64_t)power2 << 52 | m);
}
#else
static int64_t eisel_lemire(uint64_t w, long q) {
  (void)w, (void)q;
  return -1;
}
#endif

/* The nearest double to d, by Eisel-Lemire; false when strtod must decide. */
static bool by_eisel_lemire(Decimal d, double *out) {
  if (d.w == 0) {
    *out = 0.0;
    return true;
  }
  int64_t bits = eisel_lemire(d.w, d.q);
  if (bits < 0) return false;
  if (!d.exact) { /* dropped digits: w and w + 1 must agree */
    int64_t above = eisel_lemire(d.w + 1, d.q);
    if (above != bits) return false;
  }
  uint64_t u = (uint64_t)bits;
  memcpy(out, &u, sizeof *out);
  return true;
}

/* strtod on validated text; rejects overflow to infinity. */
static int by_strtod(const char *s, size_t n, double *out) {
  char small[128];
  char *copy = n < sizeof small ? small : malloc(n + 1);
  if (!copy) return -1;
  memcpy(copy, s, n);
  copy[n] = '\0';
  errno = 0;
  char *end;
  double v = strtod(copy, &end);
  int ok = end == copy + n && !(errno == ERANGE && isinf(v));
  if (copy != small) free(copy);
  if (!ok) return -1;
  *out = v;
  return 0;
}

/* Does [s, e) spell word (lower case), ignoring ASCII case? */
static bool word_is(const char *s, const char *e, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(e - s) != n) return false;
  for (size_t i = 0; i < n; i++)
    if ((s[i] | 0x20) != word[i]) return false;
  return true;
}

/* nan, inf, infinity in any case, after the sign. */
static int special(const char *p, const char *e, bool neg, double *out) {
  double v;
  if (word_is(p, e, "nan"))
    v = NAN;
  else if (word_is(p, e, "inf") || word_is(p, e, "infinity"))
    v = INFINITY;
  else
    return -1;
  *out = neg ? -v : v;
  return 0;
}

/* Reads "e[+-]digits" at p into *q; the end, or NULL when malformed. */
static const char *read_exponent(const char *p, const char *e, long *q) {
  if (p == e || (*p | 0x20) != 'e') return p;
  p++;
  bool neg = p < e && *p == '-';
  if (p < e && (*p == '+' || *p == '-')) p++;
  if (p == e || !digit(*p)) return NULL;
  long x = 0;
  for (; p < e && digit(*p); p++)
    if (x < 100000) x = x * 10 + (*p - '0');
  *q += neg ? -x : x;
  return p;
}

#ifdef CSV_SWAR
/* How many of the 8 bytes of c, from the first, are ASCII digits. A byte past the
   first non-digit may be misjudged (a carry), which does not matter here. */
static int leading_digits(uint64_t c) {
  const uint64_t high = 0xF0F0F0F0F0F0F0F0u, threes = 0x3030303030303030u;
  uint64_t bad = ((c & high) ^ threes) | (((c + 0x0606060606060606u) & high) ^ threes);
  return bad ? __builtin_ctzll(bad) >> 3 : 8;
}

/* The value of the first k (1..8) digits of c. */
static uint32_t digits_value(uint64_t c, int k) {
  int shift = 8 * (8 - k);   /* the digits to the top, '0's below */
  if (shift) c = (c << shift) | (0x3030303030303030u >> (64 - shift));
  return eight_digit_value(c);
}

static const uint32_t pow10_u32[8] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};

int csv_parse_double_padded(const char *s, size_t n, double *out) {
  const char *p = s, *e = s + n;
  bool neg = n > 0 && *p == '-';
  p += neg;
  uint64_t c;
  memcpy(&c, p, 8);
  int k = leading_digits(c), f = 0;
  uint64_t w = k ? digits_value(c, k) : 0;
  const char *q = p + k;
  if (q < e && *q == '.') {
    memcpy(&c, q + 1, 8);
    f = leading_digits(c);
    if (f) w = w * pow10_u32[f & 7] + digits_value(c, f);
    q += 1 + f;
  }
  int x = 0;   /* an exponent of up to 3 digits */
  if (q < e && (*q | 0x20) == 'e') {
    const char *t = q + 1;
    bool xneg = t < e && *t == '-';
    t += t < e && (*t == '-' || *t == '+');
    const char *first = t;
    for (; t < e && t - first < 3 && digit(*t); t++) x = x * 10 + (*t - '0');
    if (t == first) return csv_parse_double(s, n, out);
    x = xneg ? -x : x;
    q = t;
  }
  /* up to 7 + 7 digits: w < 2^53, and 10^|x - f| <= 10^22 is exact: one rounding (Clinger) */
  int p10 = x - f;
  if (q != e || k == 8 || f == 8 || k + f == 0 || p10 < -22 || p10 > 22 || FLT_EVAL_METHOD != 0)
    return csv_parse_double(s, n, out);
  double v = p10 < 0 ? (double)w / exact_pow10[-p10] : (double)w * exact_pow10[p10];
  *out = neg ? -v : v;
  return 0;
}
#else
int csv_parse_double_padded(const char *s, size_t n, double *out) {
  return csv_parse_double(s, n, out);
}
#endif

int csv_parse_double(const char *s, size_t n, double *out) {
  const char *p = s, *e = s + n;
  while (p < e && (*p == ' ' || *p == '\t')) p++;
  while (e > p && (e[-1] == ' ' || e[-1] == '\t')) e--;
  const char *start = p;
  bool neg = p < e && *p == '-';
  if (p < e && (*p == '-' || *p == '+')) p++;
  if (p < e && !digit(*p) && *p != '.') return special(p, e, neg, out);
  Decimal d = {0, 0, true};
  const char *digits = p;
  p = read_digits(p, e, &d.w);
  long nint = p - digits, nfrac = 0;
  bool dot = p < e && *p == '.';
  if (dot) {
    const char *f = ++p;
    p = read_digits(p, e, &d.w);
    nfrac = p - f;
  }
  if (nint + nfrac == 0) return -1;
  const char *mant_end = p;
  d.q = -nfrac;
  if (nint + nfrac > 19) {   /* maybe more than 19 significant digits */
    const char *z = digits;
    while (z < mant_end && (*z == '0' || *z == '.')) z++;
    long sig = (mant_end - z) - (dot && z < digits + nint);
    if (sig > 19) {
      d.q = 0;
      keep_19_digits(digits, mant_end, &d);
    }
  }
  p = read_exponent(p, e, &d.q);
  if (!p || p != e) return -1;
  double v;
  if (clinger(d, &v) || by_eisel_lemire(d, &v)) {
    if (isinf(v)) return -1;   /* overflow */
    *out = neg ? -v : v;
    return 0;
  }
  return by_strtod(start, (size_t)(e - start), out);
}
