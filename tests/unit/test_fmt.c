/* test_fmt.c - fmt_strtod: the fast path for plain decimals gives strtod's bits. */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

/* The same bits as strtod (the sign of zero included). */
static void same(const char *s) {
  double a = fmt_strtod(s), b = strtod(s, NULL);
  cr_assert(memcmp(&a, &b, sizeof a) == 0, "fmt_strtod(\"%s\") = %.17g, strtod = %.17g", s, a, b);
}

Test(fmt_strtod, literals) {
  const char *cases[] = {"0", "00", "0.0", "5.", ".5", "0.5", "0.2", "0.1", "4.2", "10", "10.0", "0.05",
                         "0.000001", "123456789012345", "1234567890123456", "12345678901234567890123",
                         "0.1234567890123456789", "999999999999999.9", "0.0000000000000000000001",
                         "0.00000000000000000000001", "1e6", "2.5e-3", "1E300", "1e400", "9007199254740993",
                         "3.14159265358979323846", "100000000000000000000000", "7.0000000000000001", ""};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) same(cases[i]);
}

/* A million random plain decimals of every length up to 17 digits, and 0 to 25 decimals. */
Test(fmt_strtod, random_decimals) {
  uint64_t x = 0x2545F4914F6CDD1Dull;
  char buf[64];
  for (int i = 0; i < 1000000; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    int digits = 1 + (int)(x % 17), decimals = (int)((x >> 8) % 26), n = 0;
    uint64_t y = x;
    for (int d = 0; d < digits; d++, y = y * 6364136223846793005ull + 1442695040888963407ull) {
      if (d == digits - decimals && d > 0) buf[n++] = '.';
      buf[n++] = (char)('0' + (y >> 33) % 10);
    }
    if (decimals >= digits) {   /* 0.000ddd */
      memmove(buf + 2 + (decimals - digits), buf, (size_t)n);
      buf[0] = '0', buf[1] = '.';
      memset(buf + 2, '0', (size_t)(decimals - digits));
      n += 2 + (decimals - digits);
    }
    buf[n] = '\0';
    same(buf);
  }
}
