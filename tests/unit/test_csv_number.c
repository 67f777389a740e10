/* test_csv_number.c - csv_parse_double against strtod, bit for bit, on millions of
 * random numbers of every shape: %.17g and %.15g of random doubles, short decimals,
 * long exponents, subnormals, huge values and overflow, more than 19 digits, exact
 * halfway cases, leading and trailing zeros, signs and blanks.  strtod is exactly
 * rounded, as csv_parse_double is on every path (Clinger, Eisel-Lemire, strtod). */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

/* A 64-bit pseudo-random number (splitmix64). */
static uint64_t next_random(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static double from_bits(uint64_t b) {
  double x;
  memcpy(&x, &b, sizeof x);
  return x;
}

/* csv_parse_double_padded reads the text followed by 16 bytes of digits, points
   and NULs exactly as csv_parse_double reads it alone. */
static void expect_padded(const char *text, size_t n, double want) {
  static uint64_t junk = 99;
  char buf[512];
  cr_assert(n + 16 < sizeof buf);
  memcpy(buf, text, n);
  for (int i = 0; i < 16; i++) buf[n + i] = "0123456789..\0\0e-"[next_random(&junk) % 16];
  double got = 0;
  cr_assert(eq(int, csv_parse_double_padded(buf, n, &got), 0), "'%s' refused when padded", text);
  cr_assert(memcmp(&got, &want, sizeof got) == 0, "'%s' padded: %a, alone %a", text, got, want);
}

/* Does csv_parse_double read text as strtod does (an error where strtod overflows)? */
static void expect_strtod(const char *text) {
  size_t n = strlen(text);
  errno = 0;
  char *end;
  double want = strtod(text, &end);
  cr_assert(eq(ptr, end, (void *)(text + n)), "strtod stops early in '%s'", text);
  bool overflow = errno == ERANGE && isinf(want);
  double got = 0;
  int rc = csv_parse_double(text, n, &got);
  if (overflow) {
    cr_assert(eq(int, rc, -1), "'%s' overflows, yet was read as %a", text, got);
    return;
  }
  cr_assert(eq(int, rc, 0), "'%s' was refused", text);
  cr_assert(memcmp(&got, &want, sizeof got) == 0, "'%s': %a, strtod %a", text, got, want);
  expect_padded(text, n, got);
}

/* A random double: any finite bit pattern. */
static double random_double(uint64_t *s) {
  for (;;) {
    double x = from_bits(next_random(s));
    if (isfinite(x)) return x;
  }
}

enum { MANY = 1000000 };

Test(csv_number_vs_strtod, random_doubles_as_17_digits) {
  uint64_t s = 1;
  char buf[64];
  for (int i = 0; i < MANY; i++) {
    snprintf(buf, sizeof buf, "%.17g", random_double(&s));
    expect_strtod(buf);
  }
}

Test(csv_number_vs_strtod, random_doubles_as_15_and_16_digits) {
  uint64_t s = 2;
  char buf[64];
  for (int i = 0; i < MANY; i++) {
    snprintf(buf, sizeof buf, i & 1 ? "%.15g" : "%.16e", random_double(&s));
    expect_strtod(buf);
  }
}

Test(csv_number_vs_strtod, short_decimals) {
  uint64_t s = 3;
  char buf[64];
  for (int i = 0; i < MANY; i++) {
    uint64_t r = next_random(&s);
    double x = (double)(r % 2000000) / 1000.0 - 1000.0;
    static const char *const shapes[] = {"%.6g", "%.3f", "%g", "%.2f", "%.8g", "%.1f"};
    snprintf(buf, sizeof buf, shapes[(r >> 40) % 6], x);
    expect_strtod(buf);
  }
}

Test(csv_number_vs_strtod, digits_and_exponents) {
  uint64_t s = 4;
  char buf[128];
  for (int i = 0; i < MANY; i++) {
    uint64_t r = next_random(&s);
    int digits = 1 + (int)(r % 25), point = (int)((r >> 8) % (unsigned)(digits + 1));
    int exp = (int)((r >> 16) % 700) - 350;
    size_t n = 0;
    if ((r >> 62) == 3) buf[n++] = '-';
    if ((r >> 62) == 2) buf[n++] = '+';
    for (int d = 0; d < digits; d++) {
      if (d == point && (r >> 30) % 4) buf[n++] = '.';
      buf[n++] = (char)('0' + next_random(&s) % 10);
    }
    if ((r >> 33) % 4) n += (size_t)snprintf(buf + n, sizeof buf - n, "%c%d", r >> 35 & 1 ? 'e' : 'E', exp);
    buf[n] = '\0';
    expect_strtod(buf);
  }
}

Test(csv_number_vs_strtod, subnormals_and_huge) {
  uint64_t s = 5;
  char buf[64];
  for (int i = 0; i < MANY / 2; i++) {
    uint64_t r = next_random(&s);
    double x = (r & 1) ? from_bits(next_random(&s) & 0x000FFFFFFFFFFFFFull)   /* subnormal */
                       : from_bits(0x7FE0000000000000ull | (next_random(&s) & 0x000FFFFFFFFFFFFFull));
    snprintf(buf, sizeof buf, (r >> 1) & 1 ? "%.17g" : "%.4g", x);
    expect_strtod(buf);
  }
  const char *edges[] = {"4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
                         "2.2250738585072011e-308", "2.2250738585072012e-308", "1.7976931348623157e308",
                         "1.7976931348623158e308", "1.7976931348623159e308", "1e308", "1e309", "1e-400",
                         "9007199254740993", "9007199254740992.5", "123456789012345678901234567890",
                         "0.000000000000000000000000000000000001", "1e-324", "5e-324", "2e-324",
                         "179769313486231580793728971405301e276"};
  for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) expect_strtod(edges[i]);
}

/* The exact decimal of the midpoint between a double and the next: ties to even. */
Test(csv_number_vs_strtod, exact_halfway_cases) {
  uint64_t s = 6;
  char buf[1200];
  for (int i = 0; i < 20000; i++) {
    uint64_t r = next_random(&s);
    /* doubles of moderate exponent, so that the exact midpoint has few digits */
    uint64_t bits = ((uint64_t)(1023 - 60 + r % 120) << 52) | (next_random(&s) & 0x000FFFFFFFFFFFFFull);
    double lo = from_bits(bits), hi = from_bits(bits + 1);
    long double mid = ((long double)lo + (long double)hi) / 2;   /* exact in 64-bit mantissas */
    snprintf(buf, sizeof buf, "%.60Lg", mid);
    expect_strtod(buf);
  }
  for (int k = 0; k < 54; k++) { /* 2^53 + 1 and its kin */
    snprintf(buf, sizeof buf, "%.0f1", ldexp(1.0, 53) / 10);
    expect_strtod(buf);
  }
}

Test(csv_number_vs_strtod, zeros_signs_and_blanks) {
  uint64_t s = 7;
  char num[64], buf[160];
  for (int i = 0; i < MANY / 4; i++) {
    uint64_t r = next_random(&s);
    snprintf(num, sizeof num, "%.*g", 1 + (int)(r % 17), random_double(&s));
    int lead = (int)((r >> 8) % 25), trail = (int)((r >> 16) % 25);
    const char *sign = num[0] == '-' ? "-" : "";
    const char *digits = num + (num[0] == '-');
    /* leading zeros, and trailing zeros after a point when there is one */
    bool point = strchr(digits, '.') && !strchr(digits, 'e');
    snprintf(buf, sizeof buf, "%s%.*s%s%.*s", sign, lead, "0000000000000000000000000", digits,
             point ? trail : 0, "0000000000000000000000000");
    expect_strtod(buf);
    /* csv_parse_double trims blanks that strtod would stop at */
    char padded[200];
    snprintf(padded, sizeof padded, " \t%s \t", buf);
    double a = 0, b = 0;
    int ra = csv_parse_double(padded, strlen(padded), &a), rb = csv_parse_double(buf, strlen(buf), &b);
    cr_assert(eq(int, ra, rb), "'%s'", padded);
    cr_assert(memcmp(&a, &b, sizeof a) == 0, "'%s'", padded);
  }
}

Test(csv_number_vs_strtod, malformed_text_is_refused) {
  const char *bad[] = {"", " ", ".", "-", "+", "e5", "1e", "1e+", "1.2.3", "0x10", "1_000", "--1",
                       "1e5.5", "in", "nanx", "infinit", "1,5", "١", "1 2", ".e1"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    double v;
    cr_assert(eq(int, csv_parse_double(bad[i], strlen(bad[i]), &v), -1), "'%s' was accepted", bad[i]);
    char padded[64] = {0};
    memcpy(padded, bad[i], strlen(bad[i]));
    memset(padded + strlen(bad[i]), '7', 20);   /* digits after the text are not part of it */
    cr_assert(eq(int, csv_parse_double_padded(padded, strlen(bad[i]), &v), -1), "'%s' was accepted", bad[i]);
  }
  double v;
  cr_assert(eq(int, csv_parse_double("-Infinity", 9, &v), 0));
  cr_assert(isinf(v) && v < 0);
  cr_assert(eq(int, csv_parse_double("NaN", 3, &v), 0));
  cr_assert(isnan(v));
  cr_assert(eq(int, csv_parse_double("-0", 2, &v), 0));
  cr_assert(v == 0 && signbit(v));
  cr_assert(eq(int, csv_parse_double("5.", 2, &v), 0));
  cr_assert(eq(dbl, v, 5.0));
  cr_assert(eq(int, csv_parse_double(".5", 2, &v), 0));
  cr_assert(eq(dbl, v, 0.5));
}
