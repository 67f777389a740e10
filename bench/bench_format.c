/* bench_format.c - how fast csv_format_double prints doubles.
 *
 *   make -C BUILD bench_format && BUILD/bench_format [VALUES]    (default 1,000,000)
 *   valgrind --tool=callgrind --toggle-collect=csv_format_double \
 *       BUILD/bench_format --once SET [VALUES]     (instructions a value: Ir / VALUES)
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

int main(int argc, char **argv) {
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
