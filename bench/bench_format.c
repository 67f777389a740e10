/* bench_format.c - how fast csv_format_double prints doubles.
 *
 *   make -C BUILD bench_format && BUILD/bench_format [VALUES]    (default 1,000,000)
 *   valgrind --tool=callgrind --toggle-collect=csv_format_double \
 *       BUILD/bench_format --once SET [VALUES]     (instructions a value: Ir / VALUES)
 *   BUILD/bench_format --check N [SEED]          (N values of every shape against the
 *                                                 definition, snprintf + strtod, and the
 *                                                 exact path; exit 1 on a difference)
 *   BUILD/bench_format --check-exact N [SEED]    (the same against the exact path alone)
 *
 * Compares csv_format_double (exact integer arithmetic, Ryu's tables) with a
 * copy of the function it replaced (a short-decimal fast path, then
 * snprintf "%.15g", "%.16g", "%.17g" each checked by a parse), in the same
 * run, on the same values, in ns per value:
 *
 *   scores     products and quotients of short decimals (0.617 * 1.3,
 *              42.5 / 7): what a batch of scoring rules writes; mostly 16-
 *              and 17-digit results
 *   decimals   short decimals m / 10^k (12.5, 0.617, 3000): inputs echoed
 *   bits       random finite bit patterns (any exponent, some subnormals)
 *
 * Each function runs over the whole array ROUNDS times, interleaved, and the
 * median time counts (the machine is shared and noisy).  --once SET runs only
 * csv_format_double, once over SET's values, for callgrind to count its
 * instructions (exact and repeatable, unlike times).  Also counts outputs that differ between the two
 * (must be 0; tests/unit/test_csv.c is the real check).  Never asserts a time.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csv.h"

enum { ROUNDS = 15 };

typedef size_t (*FormatFn)(double, char[32]);

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A 64-bit pseudo-random number (splitmix64). */
static uint64_t next_random(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* ------------------------------------------------------------------------
 * The baseline: csv_format_double as it was before the exact version
 * ------------------------------------------------------------------------ */

static const double old_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Writes m / 10^k in plain notation, dropping trailing fractional zeros. */
static size_t old_write_decimal(char *buf, bool neg, uint64_t m, int k) {
  while (k > 0 && m % 10 == 0) {
    m /= 10;
    k--;
  }
  char digits[24];
  int n = 0;
  do
    digits[n++] = (char)('0' + m % 10);
  while ((m /= 10) > 0);
  while (n <= k)
    digits[n++] = '0';
  size_t len = 0;
  if (neg) buf[len++] = '-';
  while (n > 0) {
    if (n == k) buf[len++] = '.';
    buf[len++] = digits[--n];
  }
  buf[len] = '\0';
  return len;
}

/* The %.15g text of v when it is a short plain decimal, else 0. */
static size_t old_format_short_decimal(double v, char buf[32]) {
#if FLT_EVAL_METHOD != 0
  return 0;
#endif
  double a = fabs(v);
  if (!(a >= 1e-4 && a < 1e15)) return 0;
  for (int k = 0; k <= 19; k++) {
    double x = a * old_pow10[k];
    if (x >= 1e15) return 0;
    if (x == (double)(uint64_t)x)
      return (double)(uint64_t)x / old_pow10[k] == a ? old_write_decimal(buf, v < 0, (uint64_t)x, k)
                                                     : 0;
  }
  return 0;
}

/* The old csv_format_double, verbatim but for the names. */
static size_t old_format_double(double v, char buf[32]) {
  if (isnan(v)) return (size_t)snprintf(buf, 32, "nan");
  if (isinf(v)) return (size_t)snprintf(buf, 32, v < 0 ? "-inf" : "inf");
  if (v == 0) return (size_t)snprintf(buf, 32, signbit(v) ? "-0" : "0");
  size_t len = old_format_short_decimal(v, buf);
  if (len > 0) return len;
  for (int prec = 15; prec <= 17; prec++) {
    len = (size_t)snprintf(buf, 32, "%.*g", prec, v);
    double back;
    if (prec == 17 || (csv_parse_double(buf, len, &back) == 0 && memcmp(&back, &v, sizeof v) == 0))
      break;
  }
  return len;
}

/* ------------------------------------------------------------------------
 * Inputs
 * ------------------------------------------------------------------------ */

/* A short decimal m / 10^k with up to 6 digits and 0 to 4 decimals. */
static double short_decimal(uint64_t *state) {
  uint64_t r = next_random(state);
  double v = (double)(r % 1000000) / old_pow10[(r >> 32) % 5];
  return (r >> 63) ? -v : v;
}

/* A product or quotient of two short decimals, sometimes weighted. */
static double score(uint64_t *state) {
  double a = short_decimal(state), b = short_decimal(state);
  uint64_t r = next_random(state);
  double v = (r & 1) ? a * b : a / (b == 0 ? 7 : b);
  if (r & 2) v *= 0.4;
  return v;
}

/* Any finite double, by its bits. */
static double random_bits(uint64_t *state) {
  for (;;) {
    uint64_t bits = next_random(state);
    double v;
    memcpy(&v, &bits, sizeof v);
    if (isfinite(v)) return v;
  }
}

/* ------------------------------------------------------------------------
 * Timing
 * ------------------------------------------------------------------------ */

/* Seconds for one pass of f over v[0..n); *sink keeps the work alive. */
static double one_pass(FormatFn f, const double *v, size_t n, size_t *sink) {
  char buf[32];
  double t0 = now();
  for (size_t i = 0; i < n; i++)
    *sink += f(v[i], buf) + (unsigned char)buf[0];
  return now() - t0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The median of ROUNDS times (sorted in place). */
static double median(double t[ROUNDS]) {
  qsort(t, ROUNDS, sizeof *t, cmp_double);
  return t[ROUNDS / 2];
}

/* Outputs of the two functions that differ on v[0..n). */
static size_t count_differences(const double *v, size_t n) {
  size_t diff = 0;
  for (size_t i = 0; i < n; i++) {
    char a[32], b[32];
    old_format_double(v[i], a);
    csv_format_double(v[i], b);
    diff += strcmp(a, b) != 0;
  }
  return diff;
}

/* Times both functions on n values from gen and prints one table row. */
static void bench(const char *name, double (*gen)(uint64_t *), size_t n) {
  double *v = malloc(n * sizeof *v);
  if (!v) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
  uint64_t state = 2024;
  for (size_t i = 0; i < n; i++)
    v[i] = gen(&state);
  size_t sink = 0;
  double t_old[ROUNDS], t_new[ROUNDS];
  for (int round = 0; round < ROUNDS; round++) {
    t_old[round] = one_pass(old_format_double, v, n, &sink);
    t_new[round] = one_pass(csv_format_double, v, n, &sink);
  }
  double m_old = median(t_old), m_new = median(t_new);
  size_t diff = count_differences(v, n);
  printf("%-10s %10.1f %10.1f %8.1fx %8zu   (sink %zu)\n", name, m_old * 1e9 / (double)n,
         m_new * 1e9 / (double)n, m_old / m_new, diff, sink % 10);
  free(v);
}

/* Formats n values of the named set once, by csv_format_double only (for callgrind). */
static int once(const char *set, size_t n) {
  static const struct {
    const char *name;
    double (*gen)(uint64_t *);
  } sets[] = {{"scores", score}, {"decimals", short_decimal}, {"bits", random_bits}};
  for (size_t k = 0; k < sizeof sets / sizeof *sets; k++) {
    if (strcmp(set, sets[k].name) != 0) continue;
    double *v = malloc(n * sizeof *v);
    if (!v) return 1;
    uint64_t state = 2024;
    for (size_t i = 0; i < n; i++)
      v[i] = sets[k].gen(&state);
    size_t sink = 0;
    one_pass(csv_format_double, v, n, &sink);
    printf("%s: %zu values formatted once (sink %zu)\n", set, n, sink % 10);
    free(v);
    return 0;
  }
  fprintf(stderr, "unknown set '%s' (scores, decimals, bits)\n", set);
  return 2;
}

/* ------------------------------------------------------------------------
 * --check: csv_format_double against its definition, on many values
 * ------------------------------------------------------------------------ */

/* The definition: the first of %.15g, %.16g, %.17g that strtod reads back
   to the same bits. */
static void definition(double v, char buf[32]) {
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, 32, "%.*g", prec, v);
    double back = strtod(buf, NULL);
    if (memcmp(&back, &v, sizeof v) == 0) return;
  }
}

/* The i-th value of a check: every shape in turn (any bits, [0, 1) scores
   and uniform fractions, short decimals, their products, integers, powers
   of two and ten and their neighbours, subnormals, the largest doubles). */
static double check_value(uint64_t *state, uint64_t i) {
  uint64_t r = next_random(state);
  double v;
  switch (i % 10) {
  case 0:
  case 1: /* any finite bit pattern */
    return random_bits(state);
  case 2: /* uniform in [0, 1): 53 random bits */
    return (double)(r >> 11) * 0x1p-53;
  case 3: /* scores */
    return score(state);
  case 4: /* short decimals, by strtod, 1 to 17 digits, exponents -30..30 */
  {
    char text[48];
    int digits = 1 + (int)(r % 17), n = 0;
    for (int d = 0; d < digits; d++)
      text[n++] = (char)('0' + next_random(state) % 10);
    snprintf(text + n, sizeof text - n, "e%d", (int)((r >> 8) % 61) - 30);
    return strtod(text, NULL);
  }
  case 5: /* integers, some above 2^53 */
    v = (double)(int64_t)(r >> (r % 64));
    return (r & 1) ? -v : v;
  case 6: /* a power of two, or its neighbours up to 3 ulps away */
    v = ldexp(1.0, (int)(r % 2098) - 1074);
    for (int k = (int)((r >> 16) % 7) - 3; k != 0; k += k > 0 ? -1 : 1)
      v = nextafter(v, k > 0 ? INFINITY : 0);
    return v;
  case 7: /* a power of ten, or its neighbours up to 3 ulps away */
  {
    char text[16];
    snprintf(text, sizeof text, "1e%d", (int)(r % 632) - 323);
    v = strtod(text, NULL);
    for (int k = (int)((r >> 16) % 7) - 3; k != 0; k += k > 0 ? -1 : 1)
      v = nextafter(v, k > 0 ? INFINITY : 0);
    return v;
  }
  case 8: /* subnormals and the smallest and largest normals */
  {
    uint64_t bits = (r >> 2) % 3 == 0 ? (r & 0x000FFFFFFFFFFFFFull)
                    : (r >> 2) % 3 == 1 ? 0x0010000000000000ull + (r >> 40) % 1000 - 500
                                        : 0x7FEFFFFFFFFFFFFFull - (r >> 40) % 1000;
    memcpy(&v, &bits, sizeof v);
    return (r & 1) ? -v : v;
  }
  default: /* a product of a short decimal and a random fraction */
    return short_decimal(state) * ((double)(r >> 11) * 0x1p-53);
  }
}

/* Checks n values against the definition (snprintf and strtod) and the
   exact path; with exact_only, against the exact path alone (twenty times
   faster).  Prints the first mismatches; returns their count. */
static size_t check(size_t n, uint64_t seed, bool exact_only) {
  uint64_t state = seed;
  size_t bad = 0;
  for (size_t i = 0; i < n; i++) {
    double v = check_value(&state, i);
    char got[32], exact[32], want[32];
    size_t len = csv_format_double(v, got);
    csv_format_double_exact(v, exact);
    bool ok = strcmp(got, exact) == 0 && len == strlen(got);
    if (!exact_only) {
      definition(v, want);
      ok = ok && strcmp(got, want) == 0;
    }
    if (!ok && bad++ < 20) printf("MISMATCH %a: got %s, exact %s, definition %s\n", v, got, exact,
                                  exact_only ? "-" : want);
  }
  return bad;
}

int main(int argc, char **argv) {
  if (argc > 1 && (strcmp(argv[1], "--check") == 0 || strcmp(argv[1], "--check-exact") == 0)) {
    size_t n = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 1000000;
    uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    size_t bad = check(n, seed, strcmp(argv[1], "--check-exact") == 0);
    printf("%s: %zu values (seed %llu), %zu differ\n", argv[1], n, (unsigned long long)seed, bad);
    return bad != 0;
  }
  if (argc > 2 && strcmp(argv[1], "--once") == 0) {
    size_t n = argc > 3 ? (size_t)strtoull(argv[3], NULL, 10) : 1000000;
    return once(argv[2], n ? n : 1);
  }
  size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
  if (n == 0) n = 1;
  printf("%zu values per set, median of %d interleaved passes\n\n", n, ROUNDS);
  printf("%-10s %10s %10s %9s %8s\n", "set", "old ns", "new ns", "speedup", "differ");
  bench("scores", score, n);
  bench("decimals", short_decimal, n);
  bench("bits", random_bits, n);
  return 0;
}
