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
#include <pthread.h>
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

/* The 2 bytes at p, the first in the lowest byte (little-endian hosts). */
static inline uint32_t load_u16(const char *p) {
  uint16_t u;
  memcpy(&u, p, sizeof u);
  return u;
}

static bool digit(char c) {
  return (unsigned char)(c - '0') < 10;
}

/* The exponent "e[+-]d{1,3}" that fills [q, e) exactly, into *x; false otherwise. */
static inline bool short_exponent(const char *q, const char *e, int *x) {
  if ((*q | 0x20) != 'e') return false;
  q++;
  bool neg = q < e && *q == '-';
  q += q < e && (*q == '-' || *q == '+');
  if (q == e || e - q > 3) return false;
  int v = 0;
  for (; q < e; q++) {
    if (!digit(*q)) return false;
    v = v * 10 + (*q - '0');
  }
  *x = neg ? -v : v;
  return true;
}


#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CSV_SWAR 1
/* Are the 8 bytes all ASCII digits? */
static bool eight_digits(uint64_t v) {
  return ((v & 0xF0F0F0F0F0F0F0F0u) | (((v + 0x0606060606060606u) & 0xF0F0F0F0F0F0F0F0u) >> 4)) ==
         0x3333333333333333u;
}

/* The value of 8 ASCII digits, the first in the lowest byte. */
static inline __attribute__((always_inline)) uint32_t eight_digit_value(uint64_t v) {
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
__attribute__((noinline)) static int64_t eisel_lemire(uint64_t w, long q) {
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

/* The exponents q for which w * 10^q (1 <= w < 2^64) is a normal finite double. */
#define EL_NORMAL_MIN (-300)
#define EL_NORMAL_MAX 280

#ifdef __SIZEOF_INT128__
/* Eisel-Lemire for w > 0 and EL_NORMAL_MIN <= q <= EL_NORMAL_MAX (a normal, finite
   result) into *bits; false when strtod must decide. The usual case inline and
   branch-light: one 64x128 product with the high half of 5^q; where the low half may
   carry (a second product), an exact product may lie halfway (low <= 1) or the
   product cannot decide (low all ones), the whole of eisel_lemire decides. */
static inline __attribute__((always_inline)) bool eisel_lemire_normal(uint64_t w, int64_t q, uint64_t *bits) {
  int lz = __builtin_clzll(w);
  U128 first = (U128)(w << lz) * csv_pow5_128[q - CSV_POW5_MIN][0];
  uint64_t high = (uint64_t)(first >> 64), low = (uint64_t)first;
  const uint64_t precision_mask = UINT64_MAX >> 55;   /* 52 bits + implicit + round + shift */
  if (__builtin_expect((high & precision_mask) == precision_mask || low + 1 <= 2, 0)) {
    int64_t b = eisel_lemire(w, q);
    *bits = (uint64_t)b;
    return b >= 0;
  }
  int64_t e2 = (((152170 + 65536) * q) >> 16) - lz;   /* floor(q log2(10)) - lz */
#if defined(__STDC_IEC_559__) && FLT_EVAL_METHOD == 0
  /* the top 53 bits of high, rounded half up (the bits below the round bit, and low,
     are not all zero: a sticky bit), are the nearest double to high / 2: an
     exactly rounded conversion, whose exponent field takes the carry too */
  double top = (double)(int64_t)((high >> 1) | 1);
  uint64_t t;
  memcpy(&t, &top, sizeof t);
  *bits = t + ((uint64_t)(e2 + 2) << 52);   /* top is 2^61 to 2^63: scaled to w * 10^q */
#else
  int upper = (int)(high >> 63);
  uint64_t power2 = (uint64_t)(e2 + 63 + upper + 1023);   /* 1 to 0x7FD */
  uint64_t m = high >> (upper + 64 - 52 - 3);
  m = (m + (m & 1)) >> 1;   /* 2^52 <= m <= 2^53; 2^53 carries into the exponent */
  *bits = ((power2 - 1) << 52) + m;
#endif
  return true;
}
#else
static inline bool eisel_lemire_normal(uint64_t w, int64_t q, uint64_t *bits) {
  (void)w, (void)q, (void)bits;
  return false;
}
#endif

/* The double nearest w * 10^q, of up to 19 digits (exact): 0, Clinger's exact
   product or quotient where w and 10^|q| are exact doubles, else Eisel-Lemire; false
   when strtod must decide (Eisel-Lemire undecided, or an overflow to infinity). The
   fast paths' common tail. */
static inline __attribute__((always_inline)) bool exact_decimal(uint64_t w, long q, double *out) {
  uint64_t u;
  if (w == 0) {
    *out = 0.0;
  } else if (w <= (uint64_t)1 << 53 && q >= -22 && q <= 22 && FLT_EVAL_METHOD == 0) {
    *out = q < 0 ? (double)(int64_t)w / exact_pow10[-q] : (double)(int64_t)w * exact_pow10[q];
  } else if (q >= EL_NORMAL_MIN && q <= EL_NORMAL_MAX) {
    if (!eisel_lemire_normal(w, q, &u)) return false;
    memcpy(out, &u, sizeof *out);
  } else {
    int64_t bits = eisel_lemire(w, q);
    if (bits < 0 || bits == (int64_t)0x7FF << 52) return false;
    u = (uint64_t)bits;
    memcpy(out, &u, sizeof *out);
  }
  return true;
}

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
static inline __attribute__((always_inline)) int leading_digits(uint64_t c) {
  const uint64_t high = 0xF0F0F0F0F0F0F0F0u, threes = 0x3030303030303030u;
  uint64_t bad = ((c & high) ^ threes) | (((c + 0x0606060606060606u) & high) ^ threes);
  return bad ? __builtin_ctzll(bad) >> 3 : 8;
}

/* The value of the first k (1..8) digits of c. */
static inline __attribute__((always_inline)) uint32_t digits_value(uint64_t c, int k) {
  int shift = 8 * (8 - k);   /* the digits to the top, '0's below */
  if (shift) c = (c << shift) | (0x3030303030303030u >> (64 - shift));
  return eight_digit_value(c);
}

static const uint32_t pow10_u32[8] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};

/* csv_parse_double_padded's short path: false when csv_parse_double must decide. */
static inline bool padded_short(const char *s, size_t n, double *out) {
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
    if (t == first) return false;
    x = xneg ? -x : x;
    q = t;
  }
  /* up to 7 + 7 digits: w < 2^53, and 10^|x - f| <= 10^22 is exact: one rounding (Clinger) */
  int p10 = x - f;
  if (q != e || k == 8 || f == 8 || k + f == 0 || p10 < -22 || p10 > 22 || FLT_EVAL_METHOD != 0)
    return false;
  double v = p10 < 0 ? (double)w / exact_pow10[-p10] : (double)w * exact_pow10[p10];
  *out = neg ? -v : v;
  return true;
}
#else
static inline bool padded_short(const char *s, size_t n, double *out) {
  (void)s, (void)n, (void)out;
  return false;
}
#endif

#ifdef CSV_SWAR
static const uint64_t pow10_u64[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

/* Reads the digits at [*p, e) into *w, 8 at a time (the text has 8 readable bytes past
   e); their count. Past 19 digits *w has wrapped (the caller gives up). */
static inline int padded_digits(const char **p, const char *e, uint64_t *w) {
  int count = 0;
  for (;;) {
    uint64_t c;
    memcpy(&c, *p, 8);
    if (e - *p >= 8 && eight_digits(c)) {
      *w = *w * 100000000u + eight_digit_value(c);
      *p += 8;
      count += 8;
      if (count > 19) return count;
      continue;
    }
    int k = leading_digits(c);
    if (k > e - *p) k = (int)(e - *p);
    if (k) *w = *w * pow10_u64[k] + digits_value(c, k);
    *p += k;
    return count + k;
  }
}

/* csv_parse_double_padded's path for up to 19 digits ([-]digits[.digits][e[+-]ddd]):
   Clinger where it is exact, else Eisel-Lemire, straight from the text (no blanks, no
   copies); false when csv_parse_double must decide. */
static inline bool padded_long(const char *s, size_t n, double *out) {
  const char *p = s, *e = s + n;
  bool neg = n > 0 && *p == '-';
  p += neg;
  uint64_t w = 0;
  int whole = padded_digits(&p, e, &w), frac = 0;
  if (p < e && *p == '.') {
    p++;
    frac = padded_digits(&p, e, &w);
  }
  int x = 0;
  if (whole + frac == 0 || whole + frac > 19 || (p < e && !short_exponent(p, e, &x))) return false;
  long q = (long)x - frac;
  double v;
  if (!exact_decimal(w, q, &v)) return false;
  *out = neg ? -v : v;
  return true;
}
#else
static inline bool padded_long(const char *s, size_t n, double *out) {
  (void)s, (void)n, (void)out;
  return false;
}
#endif

int csv_parse_double_padded(const char *s, size_t n, double *out) {
  return padded_short(s, n, out) || padded_long(s, n, out) ? 0 : csv_parse_double(s, n, out);
}

#if defined(CSV_SWAR) && defined(__x86_64__)
#define CSV_SIMD 1
#include <immintrin.h>

/* A decimal of up to 16 bytes after its '-' ([-]digits[.digits][e[+-]ddd], at least one
 * digit) by SSE4.1 in one 16-byte load: the digits become a 16-digit integer V (the
 * point taken out by a one-byte shift of the digits before it, the bytes after the
 * mantissa zeroed), then the value is V times an exact power of ten, one rounding
 * (Clinger) when V <= 2^53 and the power is within 10^+-22. False when
 * csv_parse_double must decide. */
__attribute__((target("sse4.1"))) static inline bool simd_short(const char *s, size_t n, double *out) {
  bool neg = *s == '-';   /* s[0] is readable even when n == 0 */
  const char *p = s + neg;
  unsigned m = (unsigned)(n - neg);
  if (n - neg - 1 >= 16 || FLT_EVAL_METHOD != 0) return false;   /* 1 to 16 bytes (n = 0 wraps) */
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
  __m128i d = _mm_sub_epi8(x, _mm_set1_epi8('0'));
  unsigned dig = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d));
  unsigned dot = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')));
  unsigned valid = (1u << m) - 1;
  unsigned other = ~(dig | dot) & valid;
  unsigned em = other ? (unsigned)__builtin_ctz(other) : m;   /* the mantissa's end */
  unsigned in_mant = (1u << em) - 1;
  dot &= in_mant;
  if ((dot & (dot - 1)) || (dig & in_mant) == 0) return false;   /* two points, or no digit */
  int e10 = 0;
  if (em < m && !short_exponent(p + em, p + m, &e10)) return false;
  const __m128i lane = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  d = _mm_and_si128(d, _mm_cmpgt_epi8(_mm_set1_epi8((char)em), lane));
  int frac = 0;
  if (dot) {
    int j = __builtin_ctz(dot);
    frac = (int)em - 1 - j;
    __m128i before = _mm_cmpgt_epi8(_mm_set1_epi8((char)(j + 1)), lane);   /* lanes <= j */
    d = _mm_blendv_epi8(d, _mm_slli_si128(d, 1), before);
  }
  /* digit pairs, groups of 4, of 8, then the 16 */
  __m128i t = _mm_maddubs_epi16(d, _mm_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1));
  t = _mm_madd_epi16(t, _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1));
  t = _mm_packus_epi32(t, t);
  t = _mm_madd_epi16(t, _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1));
  uint64_t v = (uint64_t)(uint32_t)_mm_cvtsi128_si32(t) * 100000000u + (uint32_t)_mm_extract_epi32(t, 1);
  int p10 = e10 - frac - 16 + (int)em;   /* the last digit sits in lane em - 1 */
  if (v > (uint64_t)1 << 53 || (unsigned)(p10 + 22) > 44) return false;
  double r = p10 < 0 ? (double)(int64_t)v / exact_pow10[-p10] : (double)(int64_t)v * exact_pow10[p10];
  *out = neg ? -r : r;
  return true;
}

/* csv_parse_doubles with simd_short. */
__attribute__((target("sse4.1"))) static size_t parse_column_sse41(const char *text, const CsvCell *cells,
                                                                    size_t stride, size_t n, double *out) {
  for (size_t i = 0; i < n; i++) {
    const CsvCell *c = &cells[i * stride];
    if (!simd_short(text + c->off, c->len, &out[i]) && !padded_long(text + c->off, c->len, &out[i]) &&
        csv_parse_double(text + c->off, c->len, &out[i]) != 0)
      return i;
  }
  return n;
}
#endif

/* csv_parse_doubles with padded_short. */
static size_t parse_column_swar(const char *text, const CsvCell *cells, size_t stride, size_t n, double *out) {
  for (size_t i = 0; i < n; i++) {
    const CsvCell *c = &cells[i * stride];
    if (!padded_short(text + c->off, c->len, &out[i]) && !padded_long(text + c->off, c->len, &out[i]) &&
        csv_parse_double(text + c->off, c->len, &out[i]) != 0)
      return i;
  }
  return n;
}

typedef size_t (*ColumnFn)(const char *, const CsvCell *, size_t, size_t, double *);
static _Atomic(ColumnFn) column_fn;
static _Atomic(bool) records_avx512;   /* csv_parse_records's all-numbers walk by record_avx512 */

const char *csv_parse_use(const char *isa) {
  ColumnFn fn = NULL;
  bool avx512 = false;
#ifdef CSV_SIMD
  __builtin_cpu_init();
  bool sse41 = __builtin_cpu_supports("sse4.1");
  avx512 = sse41 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vbmi") &&
           __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("bmi2") &&
           __builtin_cpu_supports("popcnt");
  if (isa && strcmp(isa, "avx512") != 0) avx512 = false;
  if ((!isa && sse41) || (isa && strcmp(isa, "sse4.1") == 0 && sse41) || avx512) fn = parse_column_sse41;
#endif
  if (!fn && (!isa || strcmp(isa, "swar") == 0)) fn = parse_column_swar;
  if (!fn) return NULL;
  column_fn = fn;
  records_avx512 = avx512;
  return avx512 ? "avx512" : fn == parse_column_swar ? "swar" : "sse4.1";
}

size_t csv_parse_doubles(const char *text, const CsvCell *cells, size_t stride, size_t n, double *out) {
  ColumnFn fn = column_fn;
  if (!fn) {
    csv_parse_use(NULL);
    fn = column_fn;
  }
  return fn(text, cells, stride, n, out);
}

/* ---- csv_parse_records: the structural scan and the numbers in one pass ---- */
#ifdef CSV_SIMD

/* The exponent "e[+-]d{1,3}" at t (t[0] is 'e' or 'E'), added to *p10; the byte after
   it, or NULL when it is not one (no digit, or more than 3: csv_parse_double decides). */
static inline const char *open_exponent(const char *t, int *p10) {
  t++;
  bool neg = *t == '-';
  t += *t == '-' || *t == '+';
  unsigned a = (unsigned char)t[0] - '0', b = (unsigned char)t[1] - '0', c = (unsigned char)t[2] - '0';
  if (a > 9) return NULL;
  int x = (int)a;
  t++;
  if (b <= 9) {
    x = x * 10 + (int)b;
    t++;
    if (c <= 9) {
      x = x * 10 + (int)c;
      t++;
      if ((unsigned)((unsigned char)*t - '0') <= 9u) return NULL;
    }
  }
  *p10 += neg ? -x : x;
  return t;
}

/* A number of up to 19 significant digits ([-]digits[.digits][e[+-]ddd]) at p, whose
   end is not known: its digits 8 at a time (SWAR), then Clinger or Eisel-Lemire; the
   byte after it, or NULL when csv_parse_double must decide. p has 64 readable bytes. */
__attribute__((noinline)) static const char *open_long(const char *p, double *out) {
  bool neg = *p == '-';
  const char *s = p + neg;   /* reads stay within p[0, 64): 24 digits, a point, 8 zeros, 24 digits, 8 bytes */
  uint64_t w = 0;
  int whole = padded_digits(&s, s + 24, &w), frac = 0, zeros = 0;
  if (whole > 19) return NULL;
  if (*s == '.') {
    s++;
    if (w == 0)   /* 0.000ddd: the zeros are not significant */
      while (*s == '0' && zeros < 8) s++, zeros++;
    frac = padded_digits(&s, s + 24, &w);
  }
  if (whole + zeros + frac == 0 || whole + frac > 19) return NULL;
  int q = -frac - zeros;
  if ((*s | 0x20) == 'e' && !(s = open_exponent(s, &q))) return NULL;
  double v;
  if (!exact_decimal(w, q, &v)) return NULL;
  *out = neg ? -v : v;
  return s;
}

/* squeeze[e][j]: the pshufb mask that moves the digits of bytes [0, e) of a vector,
   without the point at byte j (16: none), to its last lanes, in order, and zeroes the
   lanes before them. */
static uint8_t squeeze[17][17][16];
static pthread_once_t squeeze_once = PTHREAD_ONCE_INIT;

/* point_out[j]: the pshufb mask that moves lanes [0, j) of a vector up a lane over the
   point at lane j and zeroes lane 0; point_out[16 to 23] (no point) keeps every lane. */
static _Alignas(16) uint8_t point_out[24][16];

static void squeeze_init(void) {
  for (int e = 0; e <= 16; e++)
    for (int j = 0; j <= 16; j++) {
      uint8_t *m = squeeze[e][j];
      memset(m, 0x80, 16);
      int lane = 15;
      for (int i = e - 1; i >= 0; i--)
        if (i != j) m[lane--] = (uint8_t)i;
    }
  for (int j = 0; j < 24; j++)
    for (int i = 0; i < 16; i++) point_out[j][i] = j >= 16 || i > j ? (uint8_t)i : i == 0 ? 0x80 : (uint8_t)(i - 1);
}

/* The value of 16 digits (0-9 in each byte, the first in lane 0). */
__attribute__((target("sse4.1"))) static inline uint64_t value16(__m128i d) {
  __m128i u = _mm_maddubs_epi16(d, _mm_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1));
  u = _mm_madd_epi16(u, _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1));
  u = _mm_packus_epi32(u, u);
  u = _mm_madd_epi16(u, _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1));
  return (uint64_t)(uint32_t)_mm_cvtsi128_si32(u) * 100000000u + (uint32_t)_mm_extract_epi32(u, 1);
}

/* The digit and point masks of 16 bytes, d = x - '0'. */
__attribute__((target("sse4.1"))) static inline void digit_masks(__m128i x, __m128i d, unsigned *dig, unsigned *dot) {
  *dig = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d));
  *dot = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')));
}

/* A number of up to 19 digits in a mantissa of up to 32 bytes ([-]digits[.digits]
   [e[+-]ddd]) at p, whose end is not known: the mantissa's digits squeezed together
   and converted 16 at a time by SSE4.1 (pshufb, pmaddubsw, pmaddwd), the exponent by
   open_exponent, then Clinger or Eisel-Lemire. The byte after it, or NULL when
   open_long or csv_parse_double must decide. p has 64 readable bytes. open_wide's
   cases other than its usual 17-24 bytes; out of line. */
__attribute__((target("sse4.1"), noinline, cold)) static const char *open_wide_any(const char *p, double *out) {
  bool neg = *p == '-';
  const char *s = p + neg;
  __m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)s), d0 = _mm_sub_epi8(x0, _mm_set1_epi8('0'));
  __m128i d1 = _mm_setzero_si128();
  unsigned dig, dot;
  digit_masks(x0, d0, &dig, &dot);
  unsigned em = (unsigned)__builtin_ctz(~(dig | dot));   /* the mantissa's end, 16 if not in these bytes */
  if (em == 16) {
    __m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)(s + 16));
    d1 = _mm_sub_epi8(x1, _mm_set1_epi8('0'));
    unsigned dig1, dot1;
    digit_masks(x1, d1, &dig1, &dot1);
    dig |= dig1 << 16;
    dot |= dot1 << 16;
    em = (unsigned)__builtin_ctzll(~(uint64_t)(dig | dot));   /* up to 32 */
  }
  uint64_t in_mant = ((uint64_t)1 << em) - 1;
  dot &= (unsigned)in_mant;
  unsigned nd = em - (dot != 0);
  if ((dot & (dot - 1)) || (dig & in_mant) == 0 || nd > 19) return NULL;
  const char *t = s + em;
  int p10 = 0;
  if ((*t | 0x20) == 'e' && !(t = open_exponent(t, &p10))) return NULL;
  unsigned j = dot ? (unsigned)__builtin_ctz(dot) : 32;
  if (dot) p10 -= (int)(em - 1 - j);
  uint64_t v;
  if (em <= 16) {
    v = value16(_mm_shuffle_epi8(d0, _mm_loadu_si128((const __m128i *)(const void *)squeeze[em][j < 16 ? j : 16])));
  } else {   /* 15 or 16 digits in the first 16 bytes, up to 4 after */
    unsigned e1 = em - 16, j1 = j >= 16 && j < 32 ? j - 16 : 16;
    uint64_t a = value16(_mm_shuffle_epi8(d0, _mm_loadu_si128((const __m128i *)(const void *)squeeze[16][j < 16 ? j : 16])));
    uint64_t b = value16(_mm_shuffle_epi8(d1, _mm_loadu_si128((const __m128i *)(const void *)squeeze[e1][j1])));
    v = a * pow10_u64[e1 - (j1 < 16)] + b;
  }
  double r;
  if (!exact_decimal(v, p10, &r)) return NULL;
  *out = neg ? -r : r;
  return t;
}

/* tail_last + k (1 <= k <= 8): the pshufb mask that moves lanes [0, k) to [8 - k, 8)
   and zeroes the lanes below (lanes 8-15 are left to chance). */
static const uint8_t tail_last[24] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0, 1, 2, 3,
                                      4,    5,    6,    7,    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80};

/* A number whose mantissa ([-]digits[.digits]) has 17 to 24 bytes, at most 19 of its
   digits significant and its point (if any) in the first 16 bytes, then an optional
   [eE][+-]ddd: %.17g's numbers such as 8.2634531852153383 or -0.0024759305283427238.
   The digit masks of the 32 bytes after the sign and the point mask of the first 16
   give the mantissa's end and the point (a point after 16 or more digits goes to
   open_wide_any). One pshufb takes the point out
   of the first 16 bytes (the digits before it move up a lane: point_out), one moves
   the last 1-8 digits to the end of their 8 lanes (tail_last), and pmaddubsw/pmaddwd
   turn both vectors into 8-digit groups: w = (g0 * 10^8 + g1) * 10^k + g2. Then
   Eisel-Lemire's usual case inline (w may exceed 2^53; it is exact for any w). The
   byte after it, or NULL when csv_parse_double must decide; other mantissas go to
   open_wide_any. p has 64 readable bytes. The caller has read the first 16 bytes
   after the sign, s: x0, x0 - '0' (d0), and the masks of their digits (dig) and
   points (dot); squeeze_init has run. */
__attribute__((target("sse4.1"), always_inline)) static inline const char *
open_wide_after(const char *p, bool neg, const char *s, __m128i x0, __m128i d0, uint32_t dig, uint32_t dot,
                double *out) {
  const __m128i zero_char = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
  __m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)(s + 16)), d1 = _mm_sub_epi8(x1, zero_char);
  uint32_t mant = dig | dot | (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d1, nine), d1)) << 16;
  uint64_t em = (uint64_t)__builtin_ctzll(~(uint64_t)mant);   /* the mantissa's end, <= 32 */
  uint64_t k = em - 17;   /* the mantissa's bytes past the first 16, less one */
  /* em >= 17: the first 16 bytes are all the mantissa's, and so are the points in dot */
  const char *t = s + em;   /* a point there: one after 16 or more digits */
  if (__builtin_expect(k > 7 || (dot & (dot - 1)) || *t == '.', 0)) return open_wide_any(p, out);
  k++;
  /* the point, or the mantissa's last byte if none (16 to 23): no digit after it */
  uint64_t j = (uint64_t)__builtin_ctzll(dot | (uint64_t)1 << (em - 1));
  if (__builtin_expect(em > 19, 0) && em - (dot != 0) > 19) {   /* leading zeros are not significant */
    uint32_t zeros = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x0, zero_char)) |
                     (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x1, zero_char)) << 16;
    uint64_t lead = (uint64_t)__builtin_ctzll(~(uint64_t)(zeros | dot));   /* zeros and the point */
    if (em - (dot != 0) - (lead - (dot != 0 && j < lead)) > 19) return NULL;
  }
  int64_t p10 = (int64_t)(j + 1 - em);   /* -23 <= p10 <= 0: minus the digits after the point */
  if ((*t | 0x20) == 'e') {
    int x = 0;
    if (!(t = open_exponent(t, &x))) return NULL;
    p10 += x;
    if (p10 < EL_NORMAL_MIN || p10 > EL_NORMAL_MAX) return open_wide_any(p, out);
  }
  d0 = _mm_shuffle_epi8(d0, _mm_load_si128((const __m128i *)(const void *)point_out[j]));
  d1 = _mm_shuffle_epi8(d1, _mm_loadu_si128((const __m128i *)(const void *)(tail_last + k)));
  const __m128i tens = _mm_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1);
  const __m128i hundreds = _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1);
  __m128i u0 = _mm_madd_epi16(_mm_maddubs_epi16(d0, tens), hundreds);
  __m128i u1 = _mm_madd_epi16(_mm_maddubs_epi16(d1, tens), hundreds);
  __m128i g = _mm_madd_epi16(_mm_packus_epi32(u0, u1), _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1));
  uint64_t g01 = (uint64_t)_mm_cvtsi128_si64(g);
  uint64_t w = ((g01 & 0xFFFFFFFFu) * 100000000u + (g01 >> 32)) * pow10_u64[k] + (uint32_t)_mm_extract_epi32(g, 2);
  uint64_t bits = 0;
  if (w && !eisel_lemire_normal(w, p10, &bits)) return NULL;
  bits |= (uint64_t)neg << 63;
  memcpy(out, &bits, sizeof bits);
  return t;
}

/* open_wide_after, reading the first 16 bytes itself (open_number's em == 16 branch:
   the compiler shares the load with open_number's where it can). */
__attribute__((target("sse4.1"), always_inline)) static inline const char *open_wide_inline(const char *p,
                                                                                         double *out) {
  bool neg = *p == '-';
  const char *s = p + neg;
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s), d = _mm_sub_epi8(x, _mm_set1_epi8('0'));
  unsigned dig, dot;
  digit_masks(x, d, &dig, &dot);
  return open_wide_after(p, neg, s, x, d, dig, dot, out);
}

/* open_wide_inline out of line: open_number's exponents beyond Clinger's reach. */
__attribute__((target("sse4.1"), noinline)) static const char *open_wide(const char *p, double *out) {
  return open_wide_inline(p, out);
}

/* open_wide's usual case inline: a mantissa of up to 15 bytes after the '-' (up to 15
   digits, so an exact double), one load and few branches. */
__attribute__((target("sse4.1"), always_inline)) static inline const char *open_number(const char *p, double *out) {
  bool neg = *p == '-';
  const char *s = p + neg;
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s), d = _mm_sub_epi8(x, _mm_set1_epi8('0'));
  unsigned dig, dot;
  digit_masks(x, d, &dig, &dot);
  unsigned em = (unsigned)__builtin_ctz(~(dig | dot));   /* the mantissa's end, 16 if not in these bytes */
  if (__builtin_expect(em == 16, 0)) return open_wide_inline(p, out);
  dot &= (1u << em) - 1;
  if ((dot & (dot - 1)) || em == (dot != 0)) return NULL;   /* two points, or no digit */
  unsigned j = dot ? (unsigned)__builtin_ctz(dot) : 16;
  int p10 = dot ? (int)j + 1 - (int)em : 0;
  const char *t = s + em;
  if ((*t | 0x20) == 'e' && !(t = open_exponent(t, &p10))) return NULL;
  uint64_t v = value16(_mm_shuffle_epi8(d, _mm_loadu_si128((const __m128i *)(const void *)squeeze[em][j])));
  if ((unsigned)(p10 + 22) > 44 || FLT_EVAL_METHOD != 0) return open_wide(p, out);
  double r = (double)(int64_t)v;
  r = p10 < 0 ? r / exact_pow10[-p10] : r * exact_pow10[p10];
  *out = neg ? -r : r;
  return t;
}

/* slide + k (k <= 8): the pshufb mask that moves bytes [0, k) of a vector to lanes
   [8 - k, 8) and zeroes lanes [0, 8 - k) (lanes 8-15: any bytes of the vector). */
static const uint8_t slide[24] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0, 1,  2,  3,
                                  4,    5,    6,    7,    8,    9,    10,   11,   12, 13, 14, 15};

/* lanes8[j][f] (j + f from 1 to 8): the pshufb mask that moves the digits of a
   mantissa of j digits, a point and f digits (bytes [0, em), em = j + 1 + f) to lanes
   0-7, in order, the last in lane 7, and bytes em + 2 and em + 3 (an exponent's two
   digits after "e+") to lanes 14 and 15; the other lanes zero. After value_lanes, lane 0
   is the mantissa's value, lane 1 the exponent's. */
static uint8_t lanes8[9][16][16];
static pthread_once_t lanes8_once = PTHREAD_ONCE_INIT;

static void lanes8_init(void) {
  for (int j = 0; j <= 8; j++)
    for (int f = 0; j + f <= 8; f++) {
      uint8_t *m = lanes8[j][f];
      int em = j + 1 + f, lane = 7;
      memset(m, 0x80, 16);
      for (int i = em - 1; i >= 0; i--)
        if (i != j) m[lane--] = (uint8_t)i;
      m[14] = (uint8_t)(em + 2);
      m[15] = (uint8_t)(em + 3);
    }
}

/* The sign bit a number's '-' (neg: 0 or 1) gives, in the low double. */
__attribute__((target("sse4.1"), always_inline)) static inline __m128d sign_of(size_t neg) {
  return _mm_castsi128_pd(_mm_slli_epi64(_mm_cvtsi64_si128((long long)neg), 63));
}

/* scale_up[p + 22] * scale_down[p + 22] = 10^p for |p| <= 22, both exact: the power
   of ten to multiply by and the one to divide by, one of them 1 (then exact). */
static const double scale_up[45] = {1,   1,    1,    1,    1,    1,    1,    1,    1,    1,    1,    1,
                                    1,   1,    1,    1,    1,    1,    1,    1,    1,    1,    1e0,  1e1,
                                    1e2, 1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13,
                                    1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
static const double scale_down[45] = {1e22, 1e21, 1e20, 1e19, 1e18, 1e17, 1e16, 1e15, 1e14, 1e13, 1e12, 1e11,
                                      1e10, 1e9,  1e8,  1e7,  1e6,  1e5,  1e4,  1e3,  1e2,  1e1,  1,    1,
                                      1,    1,    1,    1,    1,    1,    1,    1,    1,    1,    1,    1,
                                      1,    1,    1,    1,    1,    1,    1,    1,    1};

/* The values of digits (0-9 each) in lanes 0-7 and 8-15 of d, in 32-bit lanes 0 and 1
   (exact: below 10^8). */
__attribute__((target("sse4.1"), always_inline)) static inline __m128i value_lanes(__m128i d) {
  __m128i u = _mm_maddubs_epi16(d, _mm_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1));
  u = _mm_madd_epi16(u, _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1));
  u = _mm_packus_epi32(u, u);
  return _mm_madd_epi16(u, _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1));
}

/* Lane 0 of value_lanes as the low double. */
__attribute__((target("sse4.1"), always_inline)) static inline __m128d lane0_double(__m128i u) {
  return _mm_cvtepi32_pd(u);
}

/* open_field's other shapes: open_number, open_wide, open_long; the byte after the
   number when it is sep, else NULL. Out of line: open_field's usual cases stay small. */
__attribute__((target("sse4.1"), noinline)) static const char *open_other(const char *q, char sep, double *out) {
  const char *t = open_number(q, out);
  if (!t && !(t = open_long(q, out))) return NULL;
  return *t == sep ? t : NULL;
}

/* The number of the field at q that ends at sep (',' or LF), into *out: the byte after
   it (a sep), or NULL when the field is not a number that open_number and open_long
   read (then the slower paths read it). One 16-byte load at q gives the field's end
   (its first sep) and its bytes that are not digits; the usual shapes are then told by
   those alone: up to 8 bytes of digits after an optional '-' (%d: no table, no
   division), up to 9 bytes with one point (%.6g), the same and "e[+-]dd" (%.4e, whose
   digits are converted in the same vector as the mantissa's); the value is an exact
   integer times or over an exact power of ten (Clinger: one rounding). The next field's
   start depends only on the load and the sep compare, not on the number's digits. The
   rest goes by open_wide (16 bytes without a sep) and open_other. q has 64 readable
   bytes. */
__attribute__((target("sse4.1"), always_inline)) static inline const char *open_field(const char *q, char sep,
                                                                                    double *out) {
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)q), d = _mm_sub_epi8(x, _mm_set1_epi8('0'));
  __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
  size_t e = (size_t)__builtin_ctz((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(sep))) | 0x10000u);
  size_t neg = (unsigned char)*q == '-';
  unsigned rest = ~(unsigned)_mm_movemask_epi8(digit) & ((1u << e) - 1) & ~(unsigned)neg;   /* the field's non-digits but its '-' */
  d = _mm_and_si128(d, digit);   /* the '-' counts as a leading zero */
  if (rest == 0 && e <= 8 && e > neg) {   /* 1 to 8 digits: an exact integer */
    __m128i u = value_lanes(_mm_shuffle_epi8(d, _mm_loadu_si128((const __m128i *)(const void *)(slide + e))));
    _mm_store_sd(out, _mm_or_pd(lane0_double(u), sign_of(neg)));
    return q + e;
  }
  size_t j = (size_t)__builtin_ctz(rest | 0x10000u);   /* the point, if it is one */
  unsigned more = rest & (rest - 1);                    /* the non-digits after it */
  if (rest && q[j] == '.' && e <= 13 && FLT_EVAL_METHOD == 0) {   /* j < e */
    if (more == 0 && e <= 9 && e >= 2 + neg) {   /* 1 to 8 digits and the point: over 10^f */
      size_t f = e - j - 1;
      __m128i u = value_lanes(_mm_shuffle_epi8(d, _mm_loadu_si128((const __m128i *)(const void *)lanes8[j][f])));
      __m128d r = _mm_div_sd(lane0_double(u), _mm_load_sd(&exact_pow10[f]));
      _mm_store_sd(out, _mm_or_pd(r, sign_of(neg)));
      return q + e;
    }
    size_t em = e - 4;   /* "e+dd" or "e-dd" ('-' is '+' + 2) at em: the mantissa's end */
    unsigned head = e >= 6 + neg ? load_u16(q + em) | 0x20 : 0;
    if (head && more == 3u << em && ((head - 0x2B65u) & ~0x200u) == 0) {
      size_t f = em - j - 1;
      __m128i u = value_lanes(_mm_shuffle_epi8(d, _mm_loadu_si128((const __m128i *)(const void *)lanes8[j][f])));
      int x10 = _mm_extract_epi32(u, 1);
      size_t i = (size_t)((head & 0x400 ? -x10 : x10) - (int)f + 22);   /* '-' has the bit 0x04 */
      if (i <= 44) {   /* times 10^p or over 10^-p: one rounding */
        __m128d r = _mm_div_sd(_mm_mul_sd(lane0_double(u), _mm_load_sd(&scale_up[i])), _mm_load_sd(&scale_down[i]));
        _mm_store_sd(out, _mm_or_pd(r, sign_of(neg)));
        return q + e;
      }
    }
  }
  if (e == 16 && (rest & (rest - 1)) == 0) {   /* 16 bytes of digits and a point: open_wide, as open_number would (else open_other) */
    const char *t = open_wide(q, out);
    if (__builtin_expect(t && *t == sep, 1)) return t;
  }
  return open_other(q, sep, out);
}

/* The first ',', LF, '"', CR or NUL at or after p (before end), or end. */
__attribute__((target("sse4.1"))) static inline const char *field_end(const char *p, const char *end) {
  for (; p < end; p += 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(',')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\n'))),
                               _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                                                         _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))),
                                            _mm_cmpeq_epi8(x, _mm_setzero_si128())));
    unsigned m = (unsigned)_mm_movemask_epi8(hit);
    if (m) return p + __builtin_ctz(m);
  }
  return end;
}

/* csv_parse_records by open_field and field_end; with_cells: cells too. */
__attribute__((target("sse4.1"), always_inline)) static inline size_t
records_sse41(const char *text, size_t len, size_t *pos, size_t nfields, const int *col, size_t max,
              double *const *out, const int *cell, CsvCell *cells, size_t stride, bool with_cells) {
  const char *p = text + *pos, *end = text + len;
  size_t n = 0;
  for (; n < max && p < end; n++) {
    const char *q = p;
    for (size_t f = 0; f < nfields; f++) {
      const char *t;
      char sep = f + 1 == nfields ? '\n' : ',';
      if (col[f] >= 0) {
        if (!(t = open_field(q, sep, &out[col[f]][n]))) goto stop;
      } else {
        t = field_end(q, end);
        if (*t != sep) goto stop;
      }
      if (t >= end) goto stop;
      if (with_cells && cell[f] >= 0) cells[n * stride + (size_t)cell[f]] = (CsvCell){(size_t)(q - text), (size_t)(t - q)};
      q = t + 1;
    }
    if (q == p + 1) break;   /* a blank line: the reader skips it */
    p = q;
  }
stop:
  *pos = (size_t)(p - text);
  return n;
}

/* One record of records_numbers at p: the byte after its LF, or NULL when it is not
   one that open_field reads (checked: each field ends before end; else the record is
   known to end before it). */
__attribute__((target("sse4.1"), always_inline)) static inline const char *
record_numbers(const char *p, const char *end, size_t last, double *const *dst, size_t n, bool checked) {
  for (size_t f = 0; f < last; f++) {
    p = open_field(p, ',', &dst[f][n]);
    if (!p || (checked && p >= end)) return NULL;
    p++;
  }
  p = open_field(p, '\n', &dst[last][n]);
  if (!p || (checked && p >= end)) return NULL;
  return p + 1;
}

/* records_sse41 when every field is a number and no cell is noted: dst[f] is field f's
   column; the last field is read apart (its separator is a LF, the others' a ','). No
   blank line can pass: a number has a byte. A field ends at most 65 bytes after it
   starts (open_long reads up to 64), so the records that start more than 65 bytes a
   field before the end are not checked against it field by field. */
__attribute__((target("sse4.1"))) static size_t records_numbers(const char *text, size_t len, size_t *pos,
                                                                 size_t nfields, double *const *dst, size_t max) {
  const char *p = text + *pos, *end = text + len;
  size_t reach = 66 * nfields;
  const char *sure = len > reach ? end - reach : text;   /* a record that starts before it ends before end */
  size_t n = 0, last = nfields - 1;
  for (; n < max && p < end; n++) {
    const char *q = p < sure ? record_numbers(p, end, last, dst, n, false) : record_numbers(p, end, last, dst, n, true);
    if (!q) break;
    p = q;
  }
  *pos = (size_t)(p - text);
  return n;
}

/* ---- records_numbers's record step for AVX-512 ---- */

#define CSV_AVX512 "avx512f,avx512bw,avx512dq,avx512vbmi,avx512vbmi2,bmi,bmi2,popcnt"

/* Byte i of a vector; byte i of lane f (8 lanes of 8 bytes): f, and f - 1 (64: byte 0
   of a second source, for field 0). */
static const _Alignas(64) uint8_t lane_iota[64] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12,
                                                   13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
                                                   26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38,
                                                   39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51,
                                                   52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63};
static const _Alignas(64) uint8_t lane_field[64] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                                    2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3,
                                                    4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5,
                                                    6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7};
static const _Alignas(64) uint8_t lane_before[64] = {64, 64, 64, 64, 64, 64, 64, 64, 0, 0, 0, 0, 0, 0, 0, 0,
                                                     1,  1,  1,  1,  1,  1,  1,  1,  2, 2, 2, 2, 2, 2, 2, 2,
                                                     3,  3,  3,  3,  3,  3,  3,  3,  4, 4, 4, 4, 4, 4, 4, 4,
                                                     5,  5,  5,  5,  5,  5,  5,  5,  6, 6, 6, 6, 6, 6, 6, 6};

/* record_avx512's constants, made by record_consts. */
typedef struct {
  __m512i lf, zero, nine, comma, point, minus, frac_mark, neg_mark, sep_min, low, iota1, lane_field,
      lane_before, back, ten_one, hundred_one, ten_thousand;
  __m512d pow10, sign;
} RecordConsts;

/* v, hidden from the compiler: kept in a register across a loop rather than rebuilt
   in it. */
__attribute__((target(CSV_AVX512), always_inline)) static inline __m512i opaque(__m512i v) {
  __asm__("" : "+v"(v));
  return v;
}

/* record_avx512's constants, each opaque. */
__attribute__((target(CSV_AVX512), always_inline)) static inline RecordConsts record_consts(void) {
  RecordConsts k;
  k.lf = opaque(_mm512_set1_epi8('\n'));
  k.zero = opaque(_mm512_set1_epi8('0'));
  k.nine = opaque(_mm512_set1_epi8(9));
  k.comma = opaque(_mm512_set1_epi8(','));
  k.point = opaque(_mm512_set1_epi8('.'));
  k.minus = opaque(_mm512_set1_epi8('-'));
  k.frac_mark = opaque(_mm512_set1_epi8(0x10));
  k.neg_mark = opaque(_mm512_set1_epi8(0x20));
  k.sep_min = opaque(_mm512_set1_epi8(0x3F));
  k.low = opaque(_mm512_set1_epi8(0x0F));
  k.iota1 = opaque(_mm512_add_epi8(_mm512_load_si512((const void *)lane_iota), _mm512_set1_epi8(1)));
  k.lane_field = opaque(_mm512_load_si512((const void *)lane_field));
  k.lane_before = opaque(_mm512_load_si512((const void *)lane_before));
  k.back = opaque(_mm512_set1_epi64((long long)0xFEFDFCFBFAF9F8F7));   /* lane byte i: i - 9 */
  k.ten_one = opaque(_mm512_set1_epi16(0x010A));
  k.hundred_one = opaque(_mm512_set1_epi32(0x00010064));
  k.ten_thousand = opaque(_mm512_set1_epi64(10000));
  k.pow10 = _mm512_castsi512_pd(opaque(_mm512_castpd_si512(_mm512_loadu_pd(exact_pow10))));
  k.sign = _mm512_castsi512_pd(opaque(_mm512_castpd_si512(_mm512_set1_pd(-0.0))));
  return k;
}

/* One record of up to 8 fields at p, every field [-]digits[.digits] of 1 to 8 digits,
   from one 64-byte load, into dst[f][n] (k: record_consts). The LF and every field's
   shape come from byte masks of the load. The digits, with their marks (0x10: after
   the point, 0x20: after a '-'), and the separators are compressed together
   (vpcompressb); the separators' positions there give each field's digits, which one
   vpermb moves to the end of the field's 64-bit lane; pmaddubsw/pmaddwd/pmuludq turn
   the lanes into integers of up to 8 digits, exact doubles, divided by the exact
   10^(digits after the point): one rounding (Clinger), as open_field's. The byte after
   the LF, or NULL when the record is not such or its LF not before end (then
   record_numbers reads it). p has 64 readable bytes. */
__attribute__((target(CSV_AVX512), always_inline)) static inline const char *
record_avx512(const char *p, const char *end, size_t last, double *const *dst, size_t n, const RecordConsts *k) {
  const __m512i x = _mm512_loadu_si512((const void *)p), d = _mm512_sub_epi8(x, k->zero);
  uint64_t lf = _tzcnt_u64(_mm512_cmpeq_epi8_mask(x, k->lf));   /* 64: none */
  if (lf >= 64 || p + lf >= end) return NULL;
  uint64_t rec = _bzhi_u64(~(uint64_t)0, (unsigned)lf + 1);   /* the record's bytes and its LF */
  uint64_t dig = _mm512_mask_cmple_epu8_mask(rec, d, k->nine);
  uint64_t comma = _mm512_mask_cmpeq_epi8_mask(rec, x, k->comma);
  uint64_t dot = _mm512_mask_cmpeq_epi8_mask(rec, x, k->point);
  uint64_t minus = _mm512_mask_cmpeq_epi8_mask(rec, x, k->minus);
  uint64_t sep = comma | (uint64_t)1 << lf, start = (sep << 1 | 1) & rec, lead = minus << 1;
  uint64_t in = rec & ~sep, after = in & ~(in + (dot << 1));   /* the bytes after a field's point */
  uint64_t bad = (_mm_popcnt_u64(comma) ^ last) | (rec & ~(dig | dot | minus | sep)) | (minus & ~start) |
                 (start & ~(dig | minus)) | (lead & ~dig) | (dot & ~(dig << 1)) | ((dot << 1) & ~dig) | (dot & after);
  if (bad) return NULL;
  __m512i m = _mm512_mask_add_epi8(d, dig & after, d, k->frac_mark);
  m = _mm512_mask_add_epi8(m, lead, m, k->neg_mark);
  __m512i c = _mm512_maskz_compress_epi8(dig | sep, m);   /* digits and separators (0xDA, 0xFC) */
  __m512i ends = _mm512_maskz_compress_epi8(_mm512_cmpgt_epu8_mask(c, k->sep_min), k->iota1);   /* past each field */
  __m512i stop = _mm512_permutexvar_epi8(k->lane_field, ends);                    /* field f's, lane f */
  __m512i from = _mm512_permutex2var_epi8(ends, k->lane_before, _mm512_setzero_si512());   /* field f - 1's */
  __mmask64 used = _cvtu64_mask64(_bzhi_u64(~(uint64_t)0, 8 * ((unsigned)last + 1)));
  if (_mm512_mask_cmpgt_epu8_mask(used, _mm512_sub_epi8(stop, from), k->nine)) return NULL;   /* 9 digits or more */
  __m512i at = _mm512_add_epi8(stop, k->back);   /* lane byte i: the field's last digit - 7 + i */
  __m512i v = _mm512_maskz_permutexvar_epi8(_mm512_cmpge_epi8_mask(at, from), at, c);
  __mmask8 neg = _mm512_test_epi64_mask(v, k->neg_mark);
  __m512i frac = _mm512_srli_epi64(_mm512_sad_epu8(_mm512_and_si512(v, k->frac_mark), _mm512_setzero_si512()), 4);
  __m512i u = _mm512_maddubs_epi16(_mm512_and_si512(v, k->low), k->ten_one);
  u = _mm512_madd_epi16(u, k->hundred_one);
  u = _mm512_add_epi64(_mm512_mul_epu32(u, k->ten_thousand), _mm512_srli_epi64(u, 32));
  __m512d r = _mm512_div_pd(_mm512_cvtepi64_pd(u), _mm512_permutexvar_pd(frac, k->pow10));
  r = _mm512_mask_or_pd(r, neg, r, k->sign);
  double lane[8];   /* stored and read back: faster than a scatter on Zen 5 */
  _mm512_storeu_pd(lane, r);
  for (size_t f = 0; f <= last; f++) dst[f][n] = lane[f];
  return p + lf + 1;
}

/* records_numbers with record_avx512 for records of up to 8 fields, record_numbers
   for the others (out of the inner loop, which has no call: its constants stay in
   registers). */
__attribute__((target(CSV_AVX512))) static size_t records_numbers_avx512(const char *text, size_t len, size_t *pos,
                                                                         size_t nfields, double *const *dst,
                                                                         size_t max) {
  const char *p = text + *pos, *end = text + len;
  size_t reach = 66 * nfields;
  const char *sure = len > reach ? end - reach : text;
  size_t n = 0, last = nfields - 1;
  while (n < max && p < end) {
    RecordConsts k = record_consts();
    const char *q;
    for (; n < max && p < end && (q = record_avx512(p, end, last, dst, n, &k)); n++) p = q;
    if (n == max || p >= end) break;
    q = p < sure ? record_numbers(p, end, last, dst, n, false) : record_numbers(p, end, last, dst, n, true);
    if (!q) break;
    p = q;
    n++;
  }
  *pos = (size_t)(p - text);
  return n;
}

/* records_sse41 without cells, and with them. */
__attribute__((target("sse4.1"))) static size_t records_plain(const char *text, size_t len, size_t *pos,
                                                               size_t nfields, const int *col, size_t max,
                                                               double *const *out) {
  return records_sse41(text, len, pos, nfields, col, max, out, NULL, NULL, 0, false);
}

__attribute__((target("sse4.1"))) static size_t records_cells(const char *text, size_t len, size_t *pos,
                                                               size_t nfields, const int *col, size_t max,
                                                               double *const *out, const int *cell,
                                                               CsvCell *cells, size_t stride) {
  return records_sse41(text, len, pos, nfields, col, max, out, cell, cells, stride, true);
}
#endif

size_t csv_parse_records(const char *text, size_t len, size_t *pos, size_t nfields, const int *col, size_t max,
                         double *const *out, const int *cell, CsvCell *cells, size_t stride) {
#ifdef CSV_SIMD
  if (column_fn == parse_column_sse41 && nfields > 0) {
    pthread_once(&squeeze_once, squeeze_init);
    pthread_once(&lanes8_once, lanes8_init);
    if (cell) return records_cells(text, len, pos, nfields, col, max, out, cell, cells, stride);
    enum { MANY = 64 };   /* up to this many fields, all of them numbers: records_numbers */
    double *dst[MANY];
    size_t f = 0;
    for (; f < nfields && f < MANY && col[f] >= 0; f++) dst[f] = out[col[f]];
    if (f == nfields && nfields <= 8 && records_avx512)
      return records_numbers_avx512(text, len, pos, nfields, dst, max);
    if (f == nfields) return records_numbers(text, len, pos, nfields, dst, max);
    return records_plain(text, len, pos, nfields, col, max, out);
  }
#endif
  (void)text, (void)len, (void)pos, (void)nfields, (void)col, (void)max, (void)out, (void)cell, (void)cells,
      (void)stride;
  return 0;
}

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
