/* test_csv.c - the streaming CSV reader, value parsers and formatters. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

/* A temporary stream holding n bytes of text, positioned at the start. */
static FILE *stream_of(const char *text, size_t n) {
  FILE *f = tmpfile();
  cr_assert(f != NULL);
  cr_assert(eq(sz, fwrite(text, 1, n, f), n));
  rewind(f);
  return f;
}

/* Reads all of text with the given block size into a dump like
   "1:[a|b]\n3:[c|d]\n" (line:[fields]), or "ERR line:col: message" at the
   first error.  The dump is malloc'd. */
static char *dump_n(const char *text, size_t n, size_t block) {
  FILE *f = stream_of(text, n);
  CsvOptions opts = {.block_size = block};
  CsvReader *r = csv_open_file(f, &opts);
  size_t cap = 4 * n + 256, len = 0;
  char *out = malloc(cap);
  CsvRecord rec;
  int rc = csv_read_header(r, &rec);
  while (rc == CSV_OK) {
    len += (size_t)snprintf(out + len, cap - len, "%ld:[", rec.line);
    for (size_t i = 0; i < rec.nfields; i++) {
      cr_assert(eq(int, rec.fields[i].data[rec.fields[i].len], '\0'));
      memcpy(out + len, rec.fields[i].data, rec.fields[i].len);
      len += rec.fields[i].len;
      out[len++] = i + 1 < rec.nfields ? '|' : ']';
    }
    out[len++] = '\n';
    rc = csv_read_record(r, &rec);
  }
  if (rc == CSV_ERROR) {
    const CsvError *e = csv_error(r);
    len +=
        (size_t)snprintf(out + len, cap - len, "ERR %ld:%ld: %s", e->line, e->column, e->message);
  }
  out[len] = '\0';
  csv_close(r);
  fclose(f);
  return out;
}

/* dump_n with several block sizes, checking that all agree (records split
   across read-block boundaries at every position). */
static char *dump(const char *text) {
  static const size_t blocks[] = {1, 2, 3, 5, 8, 64, 0};
  size_t n = strlen(text);
  char *first = dump_n(text, n, blocks[0]);
  for (size_t i = 1; i < sizeof blocks / sizeof *blocks; i++) {
    char *other = dump_n(text, n, blocks[i]);
    cr_assert(eq(str, other, first), "block size %zu differs", blocks[i]);
    free(other);
  }
  return first;
}

/* Asserts that text dumps to expected. */
static void expect_dump(const char *text, const char *expected) {
  char *got = dump(text);
  cr_assert(eq(str, got, (char *)expected), "input: %s", text);
  free(got);
}

/* ------------------------------------------------------------------------
 * Reader: well-formed input
 * ------------------------------------------------------------------------ */

Test(csv_read, simple_records) {
  expect_dump("a,b,c\n1,2,3\n4,5,6\n", "1:[a|b|c]\n2:[1|2|3]\n3:[4|5|6]\n");
}

Test(csv_read, final_line_without_newline) {
  expect_dump("a,b\n1,2", "1:[a|b]\n2:[1|2]\n");
  expect_dump("a,b\n1,", "1:[a|b]\n2:[1|]\n");
  expect_dump("a,b\n1,\"x\"", "1:[a|b]\n2:[1|x]\n");
}

Test(csv_read, crlf_line_ends) {
  expect_dump("a,b\r\n1,2\r\n\"x\",\"\"\r\n", "1:[a|b]\n2:[1|2]\n3:[x|]\n");
}

Test(csv_read, empty_fields) {
  expect_dump("a,b,c\n,,\n1,,\n", "1:[a|b|c]\n2:[||]\n3:[1||]\n");
}

Test(csv_read, quoted_fields_with_commas_and_quotes) {
  expect_dump("name,note\n\"Smith, J\",\"said \"\"hi\"\"\"\n\"\"\"\",\"a\"\"\"\"b\"\n",
              "1:[name|note]\n2:[Smith, J|said \"hi\"]\n3:[\"|a\"\"b]\n");
}

Test(csv_read, embedded_newlines_keep_line_numbers) {
  expect_dump("a,b\n\"line1\nline2\",x\n\"p\r\nq\",y\nlast,z\n",
              "1:[a|b]\n2:[line1\nline2|x]\n4:[p\r\nq|y]\n6:[last|z]\n");
}

Test(csv_read, blank_lines_are_skipped_but_counted) {
  expect_dump("\na,b\n\n1,2\r\n\r\n3,4\n\n", "2:[a|b]\n4:[1|2]\n6:[3|4]\n");
}

Test(csv_read, single_column_empty_value_is_quoted) {
  expect_dump("x\n\"\"\n1\n", "1:[x]\n2:[]\n3:[1]\n");
}

Test(csv_read, byte_order_mark_is_skipped) {
  expect_dump("\xEF\xBB\xBF"
              "a,b\n1,2\n",
              "1:[a|b]\n2:[1|2]\n");
}

Test(csv_read, spaces_are_data) {
  expect_dump(" a , b \n1 ,2\n", "1:[ a | b ]\n2:[1 |2]\n");
}

Test(csv_read, empty_input_has_no_header) {
  expect_dump("", "ERR 1:0: empty input: no header");
  expect_dump("\n\n", "ERR 1:0: empty input: no header");
}

Test(csv_read, header_only) {
  expect_dump("a,b\n", "1:[a|b]\n");
}

Test(csv_read, record_index_and_fd_source) {
  int fds[2];
  cr_assert(eq(int, pipe(fds), 0));
  const char *text = "h\n1\n2\n";
  cr_assert(eq(long, (long)write(fds[1], text, strlen(text)), (long)strlen(text)));
  close(fds[1]);
  CsvReader *r = csv_open_fd(fds[0], NULL);
  CsvRecord rec;
  cr_assert(eq(int, csv_read_header(r, &rec), CSV_OK));
  cr_assert(eq(long, rec.index, 0));
  cr_assert(eq(int, csv_read_record(r, &rec), CSV_OK));
  cr_assert(eq(long, rec.index, 1));
  cr_assert(eq(int, csv_read_record(r, &rec), CSV_OK));
  cr_assert(eq(long, rec.index, 2));
  cr_assert(eq(str, (char *)rec.fields[0].data, "2"));
  cr_assert(eq(int, csv_read_record(r, &rec), CSV_EOF));
  cr_assert(eq(int, csv_read_record(r, &rec), CSV_EOF));
  csv_close(r);
  close(fds[0]);
}

/* ------------------------------------------------------------------------
 * Reader: errors with their locations
 * ------------------------------------------------------------------------ */

Test(csv_errors, unterminated_quote_at_eof) {
  expect_dump(
      "a,b\n1,\"open\nmore\n",
      "1:[a|b]\nERR 2:2: unterminated quoted field (opened here, still open at end of input)");
}

Test(csv_errors, quote_inside_unquoted_field) {
  expect_dump("a,b,c\n1,2,3\n4,ab\"c,6\n",
              "1:[a|b|c]\n2:[1|2|3]\nERR 3:2: '\"' inside an unquoted field");
}

Test(csv_errors, garbage_after_closing_quote) {
  expect_dump("a,b\n\"x\"y,2\n", "1:[a|b]\nERR 2:1: unexpected character after a closing quote");
  expect_dump("a,b\n1,\"x\" \n", "1:[a|b]\nERR 2:2: unexpected character after a closing quote");
}

Test(csv_errors, wrong_field_count) {
  expect_dump("a,b,c\n1,2,3\n1,2\n",
              "1:[a|b|c]\n2:[1|2|3]\nERR 3:2: record has 2 fields, the header has 3");
  expect_dump("a,b\n1,2,3\n", "1:[a|b]\nERR 2:3: record has 3 fields, the header has 2");
  expect_dump("a,b\n\"multi\nline\"\n", "1:[a|b]\nERR 2:1: record has 1 field, the header has 2");
}

Test(csv_errors, wrong_field_count_is_skippable) {
  const char *text = "a,b\n1,2\n3\n4,5\n";
  FILE *f = stream_of(text, strlen(text));
  CsvReader *r = csv_open_file(f, NULL);
  CsvRecord rec;
  cr_assert(eq(int, csv_read_header(r, &rec), CSV_OK));
  cr_assert(eq(int, csv_read_record(r, &rec), CSV_OK));
  cr_assert(eq(int, csv_read_record(r, &rec), CSV_ERROR));
  cr_assert(eq(long, csv_error(r)->line, 3));
  cr_assert(eq(int, csv_read_record(r, &rec), CSV_OK));
  cr_assert(eq(str, (char *)rec.fields[0].data, "4"));
  cr_assert(eq(long, rec.line, 4));
  cr_assert(eq(long, rec.index, 3));
  cr_assert(eq(int, csv_read_record(r, &rec), CSV_EOF));
  csv_close(r);
  fclose(f);
}

Test(csv_errors, nul_byte) {
  char *got = dump_n("a,b\n1,x\0y\n", 10, 4);
  cr_assert(eq(str, got, "1:[a|b]\nERR 2:2: NUL byte in input"));
  free(got);
  got = dump_n("a,b\n\"\0\",1\n", 10, 0);
  cr_assert(eq(str, got, "1:[a|b]\nERR 2:1: NUL byte in input"));
  free(got);
}

Test(csv_errors, bare_carriage_return) {
  expect_dump("a,b\n1,2\r3,4\n", "1:[a|b]\nERR 2:2: carriage return not followed by a line feed");
}

Test(csv_errors, errors_are_sticky) {
  const char *text = "a\n\"x\"y\n1\n";
  FILE *f = stream_of(text, strlen(text));
  CsvReader *r = csv_open_file(f, NULL);
  CsvRecord rec;
  cr_assert(eq(int, csv_read_header(r, &rec), CSV_OK));
  cr_assert(eq(int, csv_read_record(r, &rec), CSV_ERROR));
  cr_assert(eq(int, csv_read_record(r, &rec), CSV_ERROR));
  char msg[256];
  csv_error_format(csv_error(r), "in.csv", msg, sizeof msg);
  cr_assert(eq(str, msg, "in.csv:2:1: unexpected character after a closing quote"));
  csv_close(r);
  fclose(f);
}

Test(csv_errors, record_too_long) {
  const char *text = "a\n\"0123456789012345678901234567890123456789\"\n";
  FILE *f = stream_of(text, strlen(text));
  CsvOptions opts = {.block_size = 4, .max_record = 16};
  CsvReader *r = csv_open_file(f, &opts);
  CsvRecord rec;
  cr_assert(eq(int, csv_read_header(r, &rec), CSV_OK));
  cr_assert(eq(int, csv_read_record(r, &rec), CSV_ERROR));
  cr_assert(eq(long, csv_error(r)->line, 2));
  cr_assert(strstr(csv_error(r)->message, "longer than 16 bytes") != NULL);
  csv_close(r);
  fclose(f);
}

/* ------------------------------------------------------------------------
 * Reader: random round trip through csv_quote at many block sizes
 * ------------------------------------------------------------------------ */

/* A random field drawn from an alphabet rich in CSV specials. */
static size_t random_field(char *buf, unsigned *seed) {
  static const char alphabet[] = "ab,\"\n\r x1";
  size_t n = (size_t)(rand_r(seed) % 8);
  for (size_t i = 0; i < n; i++)
    buf[i] = alphabet[rand_r(seed) % (sizeof alphabet - 1)];
  return n;
}

Test(csv_read, random_round_trip_across_blocks) {
  enum { ROWS = 300, COLS = 4 };
  unsigned seed = 12345;
  static char fields[ROWS][COLS][8];
  static size_t lens[ROWS][COLS];
  size_t cap = ROWS * COLS * 20, n = 0;
  char *text = malloc(cap);
  for (int i = 0; i < ROWS; i++) {
    for (int j = 0; j < COLS; j++) {
      lens[i][j] = random_field(fields[i][j], &seed);
      n += csv_quote(fields[i][j], lens[i][j], text + n);
      text[n++] = j + 1 < COLS ? ',' : '\n';
    }
    if (i % 3 == 0) /* some CRLF line ends */
      memcpy(text + n - 1, "\r\n", 2), n++;
  }
  static const size_t blocks[] = {1, 7, 4096, 0};
  for (size_t b = 0; b < sizeof blocks / sizeof *blocks; b++) {
    FILE *f = stream_of(text, n);
    CsvOptions opts = {.block_size = blocks[b]};
    CsvReader *r = csv_open_file(f, &opts);
    CsvRecord rec;
    for (int i = 0; i < ROWS; i++) {
      cr_assert(eq(int, csv_read_record(r, &rec), CSV_OK), "row %d: %s", i, csv_error(r)->message);
      cr_assert(eq(sz, rec.nfields, (size_t)COLS));
      for (int j = 0; j < COLS; j++) {
        cr_assert(eq(sz, rec.fields[j].len, lens[i][j]), "row %d col %d", i, j);
        cr_assert(memcmp(rec.fields[j].data, fields[i][j], lens[i][j]) == 0);
      }
    }
    cr_assert(eq(int, csv_read_record(r, &rec), CSV_EOF));
    csv_close(r);
    fclose(f);
  }
  free(text);
}

Test(csv_write, quote) {
  char out[64];
  size_t n = csv_quote("plain", 5, out);
  cr_assert(eq(str, (out[n] = '\0', out), "plain"));
  n = csv_quote("a,b", 3, out);
  cr_assert(eq(str, (out[n] = '\0', out), "\"a,b\""));
  n = csv_quote("say \"hi\"", 8, out);
  cr_assert(eq(str, (out[n] = '\0', out), "\"say \"\"hi\"\"\""));
  n = csv_quote("l1\nl2", 5, out);
  cr_assert(eq(str, (out[n] = '\0', out), "\"l1\nl2\""));
  n = csv_quote("", 0, out);
  cr_assert(eq(str, (out[n] = '\0', out), "\"\""));
}

/* ------------------------------------------------------------------------
 * Numbers
 * ------------------------------------------------------------------------ */

/* Parses a NUL-terminated text; returns the status. */
static int parse(const char *s, double *v) {
  return csv_parse_double(s, strlen(s), v);
}

/* Bitwise equality of doubles (so -0 != 0 and NaN == NaN). */
static int same_bits(double a, double b) {
  return memcmp(&a, &b, sizeof a) == 0;
}

Test(csv_number, accepts) {
  static const struct {
    const char *text;
    double value;
  } cases[] = {
      {"0", 0.0},
      {"-0", -0.0},
      {"1", 1.0},
      {" 1.5 ", 1.5},
      {"\t-2.25\t", -2.25},
      {"+3", 3.0},
      {"5.", 5.0},
      {".5", 0.5},
      {"1e3", 1000.0},
      {"1E+3", 1000.0},
      {"2.5e-3", 0.0025},
      {"007", 7.0},
      {"0.1", 0.1},
      {"123456789012345678", 123456789012345678.0},
      {"1e22", 1e22},
      {"1e30", 1e30},
      {"1e-30", 1e-30},
      {"1.7976931348623157e308", 1.7976931348623157e308},
      {"4.9e-324", 4.9e-324},
      {"1e-400", 0.0},
      {"3.14159265358979323846264338327950288", 3.14159265358979323846},
      {"1.50000000000000000000000000", 1.5},
      {"inf", INFINITY},
      {"-Infinity", -INFINITY},
      {"INF", INFINITY},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    double v = 42;
    cr_assert(eq(int, parse(cases[i].text, &v), 0), "%s", cases[i].text);
    cr_assert(same_bits(v, cases[i].value), "%s -> %.17g", cases[i].text, v);
  }
  double v;
  cr_assert(eq(int, parse("nan", &v), 0));
  cr_assert(isnan(v));
  cr_assert(eq(int, parse(" NaN ", &v), 0));
  cr_assert(isnan(v));
}

Test(csv_number, rejects) {
  static const char *bad[] = {"",      " ",      "+",     "-",   ".",   "e5",   "1e",     "1e+",
                              "1.2.3", "1 2",    "0x10",  "1,5", "--1", "1e5x", "nanx",   "in",
                              "1e400", "-1e400", "1_000", "١",   "0b1", "1.5f", "infinit"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    double v = 42;
    cr_assert(eq(int, parse(bad[i], &v), -1), "'%s' accepted as %g", bad[i], v);
    cr_assert(eq(dbl, v, 42.0), "'%s' wrote its output", bad[i]);
  }
  double v;
  cr_assert(eq(int, csv_parse_double("12", 1, &v), 0), "length is honoured");
  cr_assert(eq(dbl, v, 1.0));
}

/* A 64-bit pseudo-random number (splitmix64). */
static uint64_t next_random(uint64_t *state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

Test(csv_number, random_doubles_round_trip) {
  uint64_t state = 2024;
  for (int i = 0; i < 200000; i++) {
    uint64_t bits = next_random(&state);
    double x;
    memcpy(&x, &bits, sizeof x);
    if (isnan(x)) continue;
    char buf[32];
    size_t n = csv_format_double(x, buf);
    cr_assert(eq(sz, n, strlen(buf)));
    double back;
    cr_assert(eq(int, csv_parse_double(buf, n, &back), 0), "%s", buf);
    cr_assert(same_bits(back, x), "%s -> %.17g, expected %.17g", buf, back, x);
  }
}

Test(csv_number, random_decimals_match_strtod) {
  uint64_t state = 7;
  char buf[64];
  for (int i = 0; i < 300000; i++) {
    uint64_t r = next_random(&state);
    int digits = 1 + (int)(r % 20), point = (int)((r >> 8) % (unsigned)(digits + 1));
    int exp = (int)((r >> 16) % 61) - 30;
    size_t n = 0;
    if (r >> 63) buf[n++] = '-';
    for (int d = 0; d < digits; d++) {
      if (d == point && d > 0) buf[n++] = '.';
      buf[n++] = (char)('0' + next_random(&state) % 10);
    }
    if ((r >> 24) & 1) n += (size_t)snprintf(buf + n, sizeof buf - n, "e%d", exp);
    buf[n] = '\0';
    double got, want = strtod(buf, NULL);
    cr_assert(eq(int, csv_parse_double(buf, n, &got), 0), "%s", buf);
    cr_assert(same_bits(got, want), "%s: %.17g vs strtod %.17g", buf, got, want);
  }
}

/* The definition csv_format_double must match: the first of %.15g, %.16g,
   %.17g that strtod reads back to the same double. */
static void reference_format(double v, char buf[32]) {
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, 32, "%.*g", prec, v);
    double back = strtod(buf, NULL);
    if (same_bits(back, v)) return;
  }
}

Test(csv_number, format_matches_its_definition) {
  uint64_t state = 99;
  for (int i = 0; i < 400000; i++) {
    uint64_t r = next_random(&state);
    double v;
    switch (i % 4) {
    case 0: /* short decimals: m / 10^k */
      v = (double)(r % 100000000) / pow(10, (double)((r >> 40) % 12));
      break;
    case 1: /* results of arithmetic */
      v = (double)(r % 1000000) / 1000.0 * 0.37 - 1000.0;
      break;
    case 2: /* integers, some large */
      v = (double)(int64_t)(r >> (r % 64));
      break;
    default: /* any bit pattern */
      memcpy(&v, &r, sizeof v);
      if (isnan(v)) continue;
    }
    if (r & 1) v = -v;
    char got[32], want[32];
    csv_format_double(v, got);
    reference_format(v, want);
    cr_assert(eq(str, got, want), "%.17g", v);
  }
}

Test(csv_number, format_is_shortest_candidate) {
  char buf[32];
  csv_format_double(0.1, buf);
  cr_assert(eq(str, buf, "0.1"));
  csv_format_double(1.0 / 3.0, buf);
  cr_assert(eq(str, buf, "0.3333333333333333"));
  csv_format_double(0.1 + 0.2, buf);
  cr_assert(eq(str, buf, "0.30000000000000004"));
  csv_format_double(3.0, buf);
  cr_assert(eq(str, buf, "3"));
  csv_format_double(-0.0, buf);
  cr_assert(eq(str, buf, "-0"));
  csv_format_double(1e300, buf);
  cr_assert(eq(str, buf, "1e+300"));
  csv_format_double(NAN, buf);
  cr_assert(eq(str, buf, "nan"));
  csv_format_double(-INFINITY, buf);
  cr_assert(eq(str, buf, "-inf"));
  csv_format_double(0.0001, buf);
  cr_assert(eq(str, buf, "0.0001"));
  csv_format_double(0.00001, buf);
  cr_assert(eq(str, buf, "1e-05"));
  csv_format_double(-12.5, buf);
  cr_assert(eq(str, buf, "-12.5"));
  csv_format_double(123456789012345.0, buf);
  cr_assert(eq(str, buf, "123456789012345"));
  csv_format_double(1e15, buf);
  cr_assert(eq(str, buf, "1e+15"));
  csv_format_double(0.0, buf);
  cr_assert(eq(str, buf, "0"));
  csv_format_double(-1.7976931348623157e308, buf);
  cr_assert(eq(str, buf, "-1.7976931348623157e+308"));
}

/* ------------------------------------------------------------------------
 * csv_format_double against its definition, string for string
 *
 * csv_format_double computes the definition (reference_format above) in
 * integers; these tests compare the two on millions of doubles chosen to
 * reach every branch: any bit pattern, subnormals, the neighbours of every
 * power of two and of ten, short decimals and their products, every text
 * layout, and the values where the definition is not the shortest text.
 * ------------------------------------------------------------------------ */

/* Asserts that csv_format_double(v) prints the reference text, returns its
   length and reads back to v (the asserts run only on a mismatch, so that
   millions of checks stay fast). */
static void expect_definition(double v) {
  char got[32], want[32];
  size_t n = csv_format_double(v, got);
  reference_format(v, want);
  if (strcmp(got, want) == 0 && n == strlen(got) && same_bits(strtod(got, NULL), v)) return;
  cr_assert(eq(str, got, want), "%a (%.17g)", v, v);
  cr_assert(eq(sz, n, strlen(got)), "%a: length", v);
  cr_assert(same_bits(strtod(got, NULL), v), "%s does not read back to %a", got, v);
}

/* The double with these bits. */
static double from_bits(uint64_t bits) {
  double v;
  memcpy(&v, &bits, sizeof v);
  return v;
}

/* expect_definition for v and its k nearest neighbours on each side, both signs. */
static void expect_definition_around(double v, int k) {
  double lo = v, hi = v;
  for (int i = 0; i < k; i++) {
    lo = nextafter(lo, 0);
    hi = nextafter(hi, INFINITY);
    expect_definition(lo), expect_definition(-lo);
    expect_definition(hi), expect_definition(-hi);
  }
  expect_definition(v), expect_definition(-v);
}

Test(csv_format, random_bit_patterns) {
  uint64_t state = 31337;
  for (int i = 0; i < 2000000; i++) {
    double v = from_bits(next_random(&state));
    if (!isnan(v)) expect_definition(v);
  }
}

Test(csv_format, subnormals_and_extremes) {
  uint64_t state = 4242;
  for (int i = 0; i < 200000; i++) { /* random subnormals, both signs */
    uint64_t r = next_random(&state);
    expect_definition(from_bits(r & 0x800FFFFFFFFFFFFFull));
  }
  for (uint64_t m = 1; m <= 2000; m++) { /* the smallest and the largest ones */
    expect_definition(from_bits(m));
    expect_definition(from_bits(0x0010000000000000ull - m));
  }
  expect_definition_around(DBL_MIN, 50);  /* across the subnormal boundary */
  expect_definition_around(DBL_MAX, 50);  /* nextafter past it is inf, fine too */
  expect_definition_around(1.0, 50);
  expect_definition(0.0);
  expect_definition(-0.0);
}

Test(csv_format, powers_of_two_and_ten_and_neighbours) {
  for (int e = -1074; e <= 1023; e++)
    expect_definition_around(ldexp(1.0, e), 8);
  for (int e = -323; e <= 308; e++) {
    char text[16];
    snprintf(text, sizeof text, "1e%d", e);
    expect_definition_around(strtod(text, NULL), 8);
  }
}

/* A random decimal of 1 to max_digits significant digits times 10^(-30..30),
   read by strtod. */
static double random_decimal(uint64_t *state, int max_digits) {
  uint64_t r = next_random(state);
  int digits = 1 + (int)(r % (uint64_t)max_digits);
  char text[48];
  size_t n = 0;
  for (int d = 0; d < digits; d++)
    text[n++] = (char)('0' + next_random(state) % 10);
  snprintf(text + n, sizeof text - n, "e%d", (int)((r >> 8) % 61) - 30);
  return strtod(text, NULL);
}

Test(csv_format, short_decimals_and_their_arithmetic) {
  uint64_t state = 77;
  for (int i = 0; i < 500000; i++) {
    double a = random_decimal(&state, 8), b = random_decimal(&state, 6);
    expect_definition(a);
    expect_definition(random_decimal(&state, 17));
    expect_definition(a * b);
    if (b != 0) expect_definition(-a / b);
  }
}

Test(csv_format, every_layout) {
  /* d.ddd x 10^x for every digit count and every exponent around the
     switches between 0.000ddd, ddd.ddd, ddd000 and d.ddde+XX */
  uint64_t state = 5;
  for (int x = -9; x <= 22; x++)
    for (int digits = 1; digits <= 17; digits++)
      for (int i = 0; i < 200; i++) {
        char text[48];
        size_t n = 0;
        text[n++] = (char)('1' + next_random(&state) % 9);
        for (int d = 1; d < digits; d++)
          text[n++] = (char)('0' + next_random(&state) % 10);
        snprintf(text + n, sizeof text - n, "e%d", x - digits + 1);
        double v = strtod(text, NULL);
        expect_definition(v);
        expect_definition(-v);
      }
}

/* csv_format_double stores whole words: none may reach past buf[31], on any
   layout, sign or exponent (a sentinel after the 32 bytes stays). */
Test(csv_format, writes_within_32_bytes) {
  uint64_t state = 99;
  for (int i = 0; i < 400000; i++) {
    uint64_t r = next_random(&state);
    double v = i % 2 ? from_bits(r) : random_decimal(&state, 17);
    if (i % 4 == 2) v = -v;
    union {
      char text[48];
      uint64_t words[6];
    } buf;
    memset(buf.text, 0x5a, sizeof buf.text);
    size_t n = csv_format_double(v, buf.text);
    cr_assert(lt(sz, n, (size_t)32), "%a", v);
    cr_assert(eq(int, buf.text[n], 0), "%a: no NUL after the text", v);
    for (size_t k = 32; k < sizeof buf.text; k++)
      if (buf.text[k] != 0x5a) cr_assert(eq(int, buf.text[k], 0x5a), "%a: byte %zu written past buf[31]", v, k);
  }
}

Test(csv_format, not_always_the_shortest) {
  static const struct {
    double value;
    const char *text;
  } cases[] = {
      /* shortest is 7.120236347223045e-307, but %.16g rounds to ...044,
         which reads back to another double (the gap below a power of two
         is half as wide), so the definition takes %.17g */
      {0x1p-1017, "7.1202363472230444e-307"},
      {0x1p-1007, "7.2911220195563975e-304"},
      {0x1p-778, "6.2901843453097005e-235"},
      /* subnormals: shortest is 5e-324, %.15g reads back first */
      {0x0.0000000000001p-1022, "4.94065645841247e-324"},
      {0x0.0000000000003p-1022, "1.48219693752374e-323"},
      {0x0.fffffffffffffp-1022, "2.225073858507201e-308"},
      {0x1p-1022, "2.2250738585072014e-308"},
      /* ties at the 17th digit go to even, as printf rounds */
      {1234567890123456.25, "1234567890123456.2"},
      {1234567890123456.75, "1234567890123456.8"},
      /* %.17g with its own layout rule (plain up to exponent 16) */
      {12345678901234568.0, "12345678901234568"},
      {1e16, "1e+16"},
      {1000000000000000.5, "1000000000000000.5"},
      {0.00012345678901234567, "0.00012345678901234567"},
      {9.999999999999999e-05, "9.999999999999999e-05"},
      {1e23, "1e+23"},
      {0x1p63, "9.223372036854776e+18"},
      {0.1 + 0.7, "0.7999999999999999"},
      {DBL_MAX, "1.7976931348623157e+308"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char buf[32];
    csv_format_double(cases[i].value, buf);
    cr_assert(eq(str, buf, (char *)cases[i].text), "%a", cases[i].value);
    expect_definition(cases[i].value);
  }
}

/* The fast path (one product, decisions in units of 2^-32) against the exact
   path alone, text for text, on values of the shapes eval writes most: uniform
   fractions, scores, short decimals times fractions, and any bit pattern.  Both
   are integer code, so millions are cheap; the definition itself is checked
   above and by bench/bench_format --check. */
Test(csv_format, fast_path_matches_exact_path) {
  uint64_t state = 1717;
  for (int i = 0; i < 3000000; i++) {
    uint64_t r = next_random(&state);
    double v;
    switch (i % 4) {
    case 0: v = (double)(r >> 11) * 0x1p-53; break;                       /* [0, 1) */
    case 1: v = (double)(r % 1000000) / 1000.0 * 0.37 / ((r >> 40) % 997 + 1); break;
    case 2: v = random_decimal(&state, 8) * ((double)(r >> 11) * 0x1p-53); break;
    default: v = from_bits(r); if (isnan(v)) continue;
    }
    char got[32], exact[32];
    size_t n = csv_format_double(v, got);
    csv_format_double_exact(v, exact);
    if (strcmp(got, exact) != 0 || n != strlen(got)) cr_assert(eq(str, got, exact), "%a", v);
  }
}

/* Checks csv_format_rows of nrows rows of ncols columns of cols (stride nrows)
   against the definition, value by value. */
static void expect_rows(const double *cols, size_t nrows, int ncols) {
  static char out[40000 * (2 * 33 + 1)];
  char *end = csv_format_rows(out, cols, nrows, nrows, ncols);
  const char *p = out;
  for (size_t i = 0; i < nrows; i++)
    for (int c = 0; c < ncols; c++) {
      double v = cols[(size_t)c * nrows + i];
      char want[32];
      reference_format(v, want);
      size_t n = strlen(want);
      cr_assert(p + n < end && memcmp(p, want, n) == 0 && p[n] == (c == ncols - 1 ? '\n' : ','),
                "%d columns, row %zu column %d: %.17g should be %s, got %.*s", ncols, i, c, v, want, (int)n + 1, p);
      p += n + 1;
    }
  cr_assert(eq(ptr, (void *)p, (void *)end));
}

/* csv_format_rows (the loops the formatter is inlined in, without branches on
   the digit count or the layout, two values at a time in one column) against
   the definition, on a mix that changes layout from one value to the next:
   0.ddd, 0.000ddd, d, d.ddd, ddd.ddd, scientific, 15 to 17 digits, either
   sign, and values for the exact and slow paths (ties, zeros, subnormals,
   infinities) next to fast ones; two columns, and one of an odd length. */
Test(csv_format, rows_mix_layouts) {
  enum { ROWS = 20000 };
  static const double fixed[] = {1, -1, 9, 0.6, -0.6, 1.5, 0.5, 0.0001, -0.00012345678901234567, 1e-5,
                                 0.1 + 0.7, 9.999999999999999e-05, 123.25, 1e16, 1e15, 0.3, 0.7, 2,
                                 -0.036512816212590064, 0.0, -0.0, 0x1p-24, 1234567890123456.5, 0x1p-1022,
                                 0x0.0000000000003p-1022, INFINITY, -INFINITY};
  static double cols[2 * ROWS];
  uint64_t state = 4242;
  for (size_t i = 0; i < 2 * ROWS; i++) {
    uint64_t r = next_random(&state);
    double v;
    switch (r % 4) {
    case 0: v = fixed[(r >> 8) % (sizeof fixed / sizeof *fixed)]; break;
    case 1: v = (double)(r >> 11) * 0x1p-53 * pow(10, (double)((r >> 2) % 9) - 5); break;
    case 2: v = 0.4 * ((double)(r >> 11) * 0x1p-53) + 0.3 * ((r >> 5) & 1) + 0.3; break; /* scores */
    default: v = (double)(r % 1000) / 100.0 * ((double)(r >> 11) * 0x1p-53); break;
    }
    cols[i] = (r >> 63) ? -v : v;
  }
  expect_rows(cols, ROWS, 2);
  expect_rows(cols, 2 * ROWS - 1, 1);
}

/* Where the fast path must hand over: exact ties at the 15th, 16th or 17th
   digit (printf's ties-to-even needs the exact value) and candidates on an end
   of the interval, powers of two among them (the gap below is half). */
Test(csv_format, ties_and_ends_go_exact) {
  static const struct {
    double value;
    const char *text;
  } cases[] = {
      {0x1p-24, "5.9604644775390625e-08"},      /* a tie at 16 digits, below a power of two */
      {0x1p-23, "1.1920928955078125e-07"},
      {0x1p-22, "2.384185791015625e-07"},       /* a tie at 15 digits */
      {1234567890123456.5, "1234567890123456.5"},
      {1234567890123456.25, "1234567890123456.2"},
      {123456789012345.625, "123456789012345.62"},
      {0.5, "0.5"},
      {1.0, "1"},
      {9007199254740993.0, "9007199254740992"}, /* 2^53 + 1 rounds to 2^53 */
      {9007199254740994.0, "9007199254740994"},
      {2251799813685248.5, "2251799813685248.5"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char buf[32];
    csv_format_double(cases[i].value, buf);
    cr_assert(eq(str, buf, (char *)cases[i].text), "%a", cases[i].value);
    expect_definition(cases[i].value);
  }
  /* every power of two times a short odd multiplier, and its neighbours */
  for (int e = -1000; e <= 1000; e += 3)
    for (int k = 1; k <= 15; k += 2)
      expect_definition_around(ldexp((double)k, e), 2);
}

Test(csv_format, non_finite_as_before) {
  char buf[32];
  cr_assert(eq(sz, csv_format_double(NAN, buf), (size_t)3));
  cr_assert(eq(str, buf, "nan"));
  csv_format_double(copysign(NAN, -1.0), buf);
  cr_assert(eq(str, buf, "nan"));
  cr_assert(eq(sz, csv_format_double(INFINITY, buf), (size_t)3));
  cr_assert(eq(str, buf, "inf"));
  cr_assert(eq(sz, csv_format_double(-INFINITY, buf), (size_t)4));
  cr_assert(eq(str, buf, "-inf"));
}

Test(csv_bool, parse) {
  static const struct {
    const char *text;
    int value;
  } ok[] = {
      {"true", 1}, {"TRUE", 1}, {" True ", 1}, {"1", 1}, {"false", 0}, {"False", 0}, {"0", 0},
  };
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    int v = -1;
    cr_assert(eq(int, csv_parse_bool(ok[i].text, strlen(ok[i].text), &v), 0), "%s", ok[i].text);
    cr_assert(eq(int, v, ok[i].value), "%s", ok[i].text);
  }
  static const char *bad[] = {"", "yes", "t", "2", "01", "truex", "tru"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int v = -1;
    cr_assert(eq(int, csv_parse_bool(bad[i], strlen(bad[i]), &v), -1), "%s", bad[i]);
  }
}

/* ------------------------------------------------------------------------
 * Dates
 * ------------------------------------------------------------------------ */

/* Parses a NUL-terminated date; returns the status. */
static int date(const char *s, int32_t *days) {
  return csv_parse_date(s, strlen(s), days);
}

Test(csv_date, known_days) {
  int32_t d;
  cr_assert(eq(int, date("1970-01-01", &d), 0));
  cr_assert(eq(i32, d, 0));
  cr_assert(eq(int, date("1969-12-31", &d), 0));
  cr_assert(eq(i32, d, -1));
  cr_assert(eq(int, date(" 2000-02-29 ", &d), 0));
  cr_assert(eq(i32, d, 11016));
  cr_assert(eq(int, date("2000-03-01", &d), 0));
  cr_assert(eq(i32, d, 11017));
  cr_assert(eq(int, date("2024-02-29", &d), 0));
  cr_assert(eq(i32, d, 19782));
  cr_assert(eq(int, date("0000-01-01", &d), 0));
  cr_assert(eq(i32, d, -719528));
  cr_assert(eq(int, date("9999-12-31", &d), 0));
  cr_assert(eq(i32, d, 2932896));
}

Test(csv_date, invalid) {
  static const char *bad[] = {"1900-02-29",  "2023-02-29", "2100-02-29",  "2000-02-30",
                              "2000-04-31",  "2000-13-01", "2000-00-10",  "2000-01-00",
                              "2000-1-01",   "2000/01/01", "20000-01-01", "",
                              "2000-01-01x", "99-01-01",   "2000-01-32",  "+200-01-01"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int32_t d = 12345;
    cr_assert(eq(int, date(bad[i], &d), -1), "%s accepted", bad[i]);
    cr_assert(eq(i32, d, 12345));
  }
}

Test(csv_date, every_day_round_trips) {
  int32_t first, last;
  cr_assert(eq(int, date("0000-01-01", &first), 0));
  cr_assert(eq(int, date("9999-12-31", &last), 0));
  for (int32_t d = first; d <= last; d++) {
    char buf[16];
    size_t n = csv_format_date(d, buf);
    cr_assert(eq(sz, n, (size_t)10));
    int32_t back;
    cr_assert(eq(int, csv_parse_date(buf, n, &back), 0), "%s", buf);
    cr_assert(eq(i32, back, d), "%s", buf);
  }
}
