/* test_csv_scan.c - eval's vector paths against the code they stand in for, on
 * millions of random inputs, on every instruction set this CPU has:
 *
 *   csv_scan_simple (AVX2, SSE2, scalar masks) against its definition (a record is
 *   plain when a line feed ends it and it holds no '"', CR or NUL, is not blank and
 *   has the header's field count) and against the reader (csv_open_mem), field for
 *   field and line for line;
 *   csv_parse_doubles (SSE4.1, SWAR) against csv_parse_double, bit for bit, and on
 *   which cell is the first bad one;
 *   csv_parse_records (the scan and the numbers in one pass) against csv_scan_simple
 *   (which records) and csv_parse_double (their numbers, bit for bit), and on where
 *   it must stop.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

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

static const char *const scan_isas[] = {"scalar", "sse2", "avx2"};
static const char *const parse_isas[] = {"swar", "sse4.1"};
static const char *const record_isas[] = {"sse4.1", "avx512"};   /* csv_parse_records: field walk, record step */

/* ------------------------------------------------------------------------
 * csv_scan_simple
 * ------------------------------------------------------------------------ */

/* Random CSV-like text: records of about `nfields` fields of digits, with now and
 * then a quote, a CR, a NUL, a blank line, a field too many or too few, no final
 * line feed. `odd` (0-1000) is how often, per mille of bytes. Returns the length;
 * buf holds 64 more bytes of junk. */
static size_t random_text(uint64_t *rng, char *buf, size_t cap, size_t nfields, unsigned odd) {
  size_t n = 0;
  while (n + 200 < cap) {
    size_t fields = nfields;
    if (next_random(rng) % 1000 < odd) fields = nfields + (next_random(rng) % 3) - 1;
    for (size_t f = 0; f < fields; f++) {
      int len = (int)(next_random(rng) % 12);
      for (int i = 0; i < len; i++) {
        uint64_t r = next_random(rng);
        char c = (char)('0' + r % 10);
        if (r % 1000 < odd) c = "\"\r\0.\n,-e"[(r >> 20) % 9];
        buf[n++] = c;
      }
      if (f + 1 < fields) buf[n++] = ',';
    }
    buf[n++] = '\n';
  }
  if (next_random(rng) % 2) n--;   /* no final line feed */
  for (int i = 0; i < 64; i++) buf[n + (size_t)i] = "\n,\"0"[next_random(rng) % 4];
  return n;
}

/* The definition: is the record at pos plain, and where does it end (its LF)? */
static bool plain_at(const char *t, size_t len, size_t pos, size_t nfields, size_t *lf) {
  size_t commas = 0, i = pos;
  for (; i < len && t[i] != '\n'; i++) {
    if (t[i] == '"' || t[i] == '\r' || t[i] == '\0') return false;
    commas += t[i] == ',';
  }
  if (i == len || i == pos || commas + 1 != nfields) return false;
  *lf = i;
  return true;
}

/* The line of byte n of t, counted on from the last call (n never goes back). */
static long line_of(const char *t, size_t n) {
  static const char *text;
  static size_t at;
  static long line;
  if (t != text || n < at) text = t, at = 0, line = 1;
  for (; at < n; at++) line += t[at] == '\n';
  return line;
}

/* A reader over a fresh copy of text[from..len). */
static CsvReader *reader_from(const char *text, size_t len, size_t from, size_t nfields, char *copy) {
  memcpy(copy, text, len + 64);
  return csv_open_mem(copy + from, len - from, nfields);
}

/* Scans the whole text by csv_scan_simple in random steps, checking every record
 * against the definition and against the reader (fields and lines); after a stop, the
 * reader reads the record that is not plain; after a syntax error, both go on at the
 * next line. */
static void check_scan(const char *isa, const char *text, size_t len, size_t nfields, uint64_t *rng) {
  size_t cap = 300;
  uint32_t *seps = malloc(sizeof *seps * cap * nfields);
  size_t *starts = malloc(sizeof *starts * cap);
  char *copy = malloc(len + 64);
  size_t base = 0, pos = 0;   /* the reader reads copy + base */
  long base_line = 1;
  CsvReader *r = reader_from(text, len, 0, nfields, copy);
  while (pos < len) {
    size_t max = 1 + next_random(rng) % cap, at = pos;
    size_t n = csv_scan_simple(text, len, &pos, nfields, max, seps, starts);
    cr_assert(n <= max);
    for (size_t j = 0; j < n; j++) {
      size_t lf;
      cr_assert(eq(sz, starts[j], at), "%s: record %zu starts at %zu, not %zu", isa, j, starts[j], at);
      cr_assert(plain_at(text, len, at, nfields, &lf), "%s: the record at %zu is not plain", isa, at);
      CsvRecord rec;
      cr_assert(eq(int, csv_read_record(r, &rec), CSV_OK), "%s: the reader refuses the record at %zu", isa, at);
      cr_assert(eq(sz, rec.nfields, nfields));
      cr_assert(eq(long, rec.line + base_line - 1, line_of(text, at)), "%s: the line of the record at %zu", isa, at);
      for (size_t f = 0; f < nfields; f++) {
        size_t from = f ? seps[j * nfields + f - 1] + 1 : 0, to = seps[j * nfields + f];
        cr_assert(eq(sz, (size_t)(rec.fields[f].data - copy), at + from), "%s: field %zu at %zu", isa, f, at);
        cr_assert(eq(sz, rec.fields[f].len, to - from));
      }
      cr_assert(eq(int, text[at + seps[j * nfields + nfields - 1]], '\n'));
      at = lf + 1;
    }
    cr_assert(eq(sz, pos, at), "%s: stopped at %zu after the records, not at %zu", isa, pos, at);
    if (n == max) continue;
    size_t lf;
    bool plain = plain_at(text, len, pos, nfields, &lf);
    cr_assert(not(plain), "%s: stopped before the plain record at %zu", isa, pos);
    csv_mem_skip(r, pos - base, 0);
    if (pos >= len) break;
    CsvRecord rec;
    int rc = csv_read_record(r, &rec);   /* the record that is not plain, or an error */
    if (rc == CSV_EOF) break;
    if (rc == CSV_OK || strncmp(csv_error(r)->message, "record has", 10) == 0) {
      pos = base + csv_mem_offset(r);
      continue;
    }
    const char *next = memchr(text + pos, '\n', len - pos);   /* a syntax error: on at the next line */
    if (!next) break;
    pos = (size_t)(next - text) + 1;
    csv_close(r);
    base = pos;
    base_line = line_of(text, pos);
    r = reader_from(text, len, pos, nfields, copy);
  }
  csv_close(r);
  free(copy);
  free(seps);
  free(starts);
}

Test(csv_scan, every_isa_matches_the_definition_and_the_reader) {
  uint64_t rng = 2026;
  size_t cap = 1 << 16;
  char *text = malloc(cap + 64);
  for (int round = 0; round < 400; round++) {
    size_t nfields = 1 + round % 7;
    unsigned odd = round % 4 == 0 ? 0 : round % 4 == 1 ? 1 : round % 4 == 2 ? 5 : 40;
    size_t len = random_text(&rng, text, cap, nfields, odd);
    for (size_t i = 0; i < sizeof scan_isas / sizeof *scan_isas; i++) {
      if (!csv_scan_use(scan_isas[i])) continue;
      uint64_t steps = rng;
      check_scan(scan_isas[i], text, len, nfields, &steps);
    }
  }
  csv_scan_use(NULL);
  free(text);
}

Test(csv_scan, stops_before_what_is_not_plain) {
  static const struct {
    const char *text;
    size_t nfields, records, stop;
  } cases[] = {
      {"1,2\n3,4\n", 2, 2, 8},
      {"1,2\n3,4", 2, 1, 4},          /* no final line feed */
      {"1,2\n\n3,4\n", 2, 1, 4},      /* a blank line */
      {"1,2\n\"3\",4\n", 2, 1, 4},    /* a quote */
      {"1,2\r\n3,4\n", 2, 0, 0},      /* CRLF */
      {"1,2\n3,4,5\n", 2, 1, 4},      /* a field too many */
      {"1,2\n3\n", 2, 1, 4},          /* too few */
      {",\n,\n", 2, 2, 4},            /* empty fields are plain */
      {"\n", 1, 0, 0},                /* one field: a blank line is not a record */
  };
  uint32_t seps[64];
  size_t starts[16];
  for (size_t i = 0; i < sizeof scan_isas / sizeof *scan_isas; i++) {
    if (!csv_scan_use(scan_isas[i])) continue;
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
      char buf[128] = {0};
      size_t len = strlen(cases[k].text);
      memcpy(buf, cases[k].text, len);
      size_t pos = 0;
      size_t n = csv_scan_simple(buf, len, &pos, cases[k].nfields, 16, seps, starts);
      cr_assert(eq(sz, n, cases[k].records), "%s: '%s'", scan_isas[i], cases[k].text);
      cr_assert(eq(sz, pos, cases[k].stop), "%s: '%s'", scan_isas[i], cases[k].text);
    }
  }
  csv_scan_use(NULL);
}

/* ------------------------------------------------------------------------
 * csv_parse_doubles
 * ------------------------------------------------------------------------ */

/* A random cell: short decimals of every layout, exponents, long digit strings,
 * signs, blanks, words and junk. */
static size_t random_cell(uint64_t *rng, char *out) {
  uint64_t r = next_random(rng);
  char *o = out;
  switch (r % 9) {
  case 0: return (size_t)sprintf(out, "%.*g", (int)(1 + (r >> 8) % 17), (double)(int64_t)next_random(rng) / (double)(1ull << (r >> 16) % 64));
  case 1: return (size_t)sprintf(out, "%.*e", (int)((r >> 8) % 18), ldexp((double)next_random(rng), (int)((r >> 16) % 200) - 160));
  case 2: return (size_t)sprintf(out, "%.*f", (int)((r >> 8) % 12), ((double)(next_random(rng) % 2000000) - 1e6) / 97.0);
  case 3: return (size_t)sprintf(out, "%d", (int)(next_random(rng) % 40000) - 20000);
  case 4: { /* 15 to 21 digits, a point somewhere, maybe an exponent: the long path */
    int len = 15 + (int)((r >> 8) % 7), point = (int)((r >> 16) % (uint64_t)(len + 1));
    if (r >> 40 & 1) *o++ = '-';
    for (int i = 0; i < len; i++) {
      if (i == point) *o++ = '.';
      *o++ = (char)('0' + next_random(rng) % 10);
    }
    if (r >> 41 & 1) o += sprintf(o, "e%d", (int)((r >> 42) % 700) - 350);
    return (size_t)(o - out);
  }
  default: break;
  }
  int len = (int)(r % 20);
  for (int i = 0; i < len; i++) {
    uint64_t c = next_random(rng);
    *o++ = c % 100 < 80 ? (char)('0' + c % 10) : "-+.eE .\tnaif,x"[(c >> 10) % 14];
  }
  return (size_t)(o - out);
}

Test(csv_parse_doubles, every_isa_reads_as_csv_parse_double) {
  uint64_t rng = 17;
  enum { N = 4096 };
  char *text = malloc((size_t)N * 40 + 64);
  CsvCell *cells = malloc(sizeof *cells * N * 2);
  double *want = malloc(sizeof *want * N), *got = malloc(sizeof *got * N);
  for (int round = 0; round < 500; round++) {   /* 2 million cells */
    size_t n = 0;
    size_t first_bad = N;
    for (size_t i = 0; i < N; i++) {
      size_t len = random_cell(&rng, text + n);
      cells[2 * i] = (CsvCell){n, len};
      cells[2 * i + 1] = (CsvCell){0, 0};   /* another column between (stride 2) */
      if (csv_parse_double(text + n, len, &want[i]) != 0 && first_bad == N) first_bad = i;
      n += len;
      text[n++] = "\n,0.5e"[next_random(&rng) % 6];   /* what follows a cell */
    }
    for (int i = 0; i < 64; i++) text[n + (size_t)i] = "0123456789.e-"[next_random(&rng) % 13];
    for (size_t k = 0; k < sizeof parse_isas / sizeof *parse_isas; k++) {
      if (!csv_parse_use(parse_isas[k])) continue;
      size_t stop = csv_parse_doubles(text, cells, 2, N, got);
      cr_assert(eq(sz, stop, first_bad), "%s: first bad cell %zu, not %zu", parse_isas[k], stop, first_bad);
      for (size_t i = 0; i < stop; i++)
        cr_assert(memcmp(&got[i], &want[i], sizeof got[i]) == 0, "%s: '%.*s' read as %a, not %a", parse_isas[k],
                  (int)cells[2 * i].len, text + cells[2 * i].off, got[i], want[i]);
    }
  }
  csv_parse_use(NULL);
  free(text);
  free(cells);
  free(want);
  free(got);
}

Test(csv_parse_doubles, short_layouts) {
  static const char *const texts[] = {"0", "-0", "5.", ".5", "-.5", "1e5", "1E-5", "-1.5e+3", "123456789012345",
                                      "1234567890123456", "9007199254740993", "0.000000000000001", "1.e2",
                                      "99999999999999.99", "-9.999e-300", "1e22", "1e23", "1e-22", "1e-23", "12.5e-20",
                                      "0.84040636182244887", "-0.036512825697360696", "1234567890123456789",
                                      "9007199254740993.0", "1.7976931348623157e308", "4.9406564584124654e-324",
                                      "2.2250738585072011e-308", "123456789.0123456789e-300"};
  char buf[64];
  for (size_t k = 0; k < sizeof parse_isas / sizeof *parse_isas; k++) {
    if (!csv_parse_use(parse_isas[k])) continue;
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
      memset(buf, '7', sizeof buf);
      size_t len = strlen(texts[i]);
      memcpy(buf, texts[i], len);
      CsvCell cell = {0, len};
      double want, got;
      cr_assert(eq(int, csv_parse_double(texts[i], len, &want), 0));
      cr_assert(eq(sz, csv_parse_doubles(buf, &cell, 1, 1, &got), 1), "%s: '%s'", parse_isas[k], texts[i]);
      cr_assert(memcmp(&got, &want, sizeof got) == 0, "%s: '%s' read as %a, not %a", parse_isas[k], texts[i], got,
                want);
    }
    static const char *const bad[] = {"", "-", ".", "e5", "1e", "1..2", "--1", "1e1234", "0x10", "1,5", " 1x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
      memset(buf, '7', sizeof buf);
      size_t len = strlen(bad[i]);
      memcpy(buf, bad[i], len);
      CsvCell cell = {0, len};
      double got;
      cr_assert(eq(sz, csv_parse_doubles(buf, &cell, 1, 1, &got), 0), "%s: '%s' was read", parse_isas[k], bad[i]);
    }
  }
  csv_parse_use(NULL);
}

/* ------------------------------------------------------------------------
 * csv_parse_records
 * ------------------------------------------------------------------------ */

/* A number in one of the usual shapes (%.6g, %.4e, %d, %.17g, %.3f), signs included. */
static size_t usual_cell(uint64_t *rng, char *out) {
  uint64_t r = next_random(rng);
  double x = ((double)(int64_t)next_random(rng) / 9.2e18) * pow(10.0, (double)((r >> 8) % 13) - 6);
  switch (r % 5) {
  case 0: return (size_t)sprintf(out, "%.6g", x);
  case 1: return (size_t)sprintf(out, "%.4e", x);
  case 2: return (size_t)sprintf(out, "%d", (int)(next_random(rng) % 2000000) - 1000000);
  case 3: return (size_t)sprintf(out, "%.17g", x);
  default: return (size_t)sprintf(out, "%.3f", x);
  }
}

/* Random records of nfields cells: usual numbers, now and then (odd per mille) a
 * random_cell (junk, long digit strings, words), a quote, a CR, a blank line, a field
 * too many or too few; 64 bytes of junk after. */
static size_t random_records(uint64_t *rng, char *buf, size_t cap, size_t nfields, unsigned odd) {
  size_t n = 0;
  while (n + 64 * 8 + 64 < cap) {
    size_t fields = nfields;
    uint64_t r = next_random(rng);
    if (r % 1000 < odd) fields = nfields + ((r >> 10) % 3) - 1;
    for (size_t f = 0; f < fields; f++) {
      uint64_t c = next_random(rng);
      if (c % 1000 < odd) n += random_cell(rng, buf + n);
      else n += usual_cell(rng, buf + n);
      if ((c >> 10) % 1000 < odd) buf[n++] = "\"\r\0 "[(c >> 20) % 4];
      if (f + 1 < fields) buf[n++] = ',';
    }
    buf[n++] = '\n';
  }
  if (next_random(rng) % 2) n--;   /* no final line feed */
  for (int i = 0; i < 64; i++) buf[n + (size_t)i] = "\n,\"0.5e"[next_random(rng) % 7];
  return n;
}

/* *pos on past the next line feed; false when there is none. */
static bool next_line(const char *text, size_t len, size_t *pos) {
  const char *next = memchr(text + *pos, '\n', len - *pos);
  if (next) *pos = (size_t)(next - text) + 1;
  return next != NULL;
}

/* Reads the text by csv_parse_records in random steps: each step's records must be
 * what csv_scan_simple takes from there, each needed cell the bits of
 * csv_parse_double, each noted cell (cell, if not NULL) the scan's field; after a stop,
 * on at the next line. Returns the records read. */
static size_t check_records(const char *text, size_t len, size_t nfields, const int *col, const int *cell,
                            uint64_t *rng) {
  enum { CAP = 300 };
  uint32_t *seps = malloc(sizeof *seps * CAP * nfields);
  size_t starts[CAP], total = 0;
  double *out[8], *cols = malloc(sizeof *cols * CAP * 8);
  CsvCell *cells = malloc(sizeof *cells * CAP * 8);
  for (int k = 0; k < 8; k++) out[k] = cols + (size_t)k * CAP;
  size_t pos = 0;
  while (pos < len) {
    size_t max = 1 + next_random(rng) % CAP, at = pos, scanned = pos;
    size_t n = csv_parse_records(text, len, &pos, nfields, col, max, out, cell, cells, 8);
    cr_assert(n <= max);
    total += n;
    if (n) {
      cr_assert(eq(sz, csv_scan_simple(text, len, &scanned, nfields, n, seps, starts), n),
                "records at %zu that the scan does not take", at);
      cr_assert(eq(sz, scanned, pos), "stopped at %zu, the scan at %zu", pos, scanned);
    } else {
      cr_assert(eq(sz, pos, at));
    }
    for (size_t j = 0; j < n; j++)
      for (size_t f = 0; f < nfields; f++) {
        size_t from = starts[j] + (f ? seps[j * nfields + f - 1] + 1 : 0), to = starts[j] + seps[j * nfields + f];
        if (cell && cell[f] >= 0)
          cr_assert(cells[j * 8 + (size_t)cell[f]].off == from && cells[j * 8 + (size_t)cell[f]].len == to - from,
                    "the cell of field %zu of the record at %zu", f, starts[j]);
        if (col[f] < 0) continue;
        double want, got = out[col[f]][j];
        cr_assert(eq(int, csv_parse_double(text + from, to - from, &want), 0), "'%.*s' is not a number",
                  (int)(to - from), text + from);
        cr_assert(memcmp(&got, &want, sizeof got) == 0, "'%.*s' read as %a, not %a", (int)(to - from), text + from,
                  got, want);
      }
    if (n == max) continue;
    if (!next_line(text, len, &pos)) break;
  }
  free(seps);
  free(cols);
  free(cells);
  return total;
}

Test(csv_parse_records, agrees_with_the_scan_and_csv_parse_double) {
  size_t cap = 1 << 16;
  char *text = malloc(cap + 64);
  if (!csv_parse_use("sse4.1")) cr_skip_test("no SSE4.1");
  for (size_t k = 0; k < sizeof record_isas / sizeof *record_isas; k++) {
  if (!csv_parse_use(record_isas[k])) continue;
  uint64_t rng = 2017;
  for (int round = 0; round < 600; round++) {   /* about 3 million cells */
    size_t nfields = 1 + round % 7;
    unsigned odd = round % 3 == 0 ? 0 : round % 3 == 1 ? 2 : 30;
    size_t len = random_records(&rng, text, cap, nfields, odd);
    int col[8], cell[8], ncols = 0, ncells = 0;
    for (size_t f = 0; f < nfields; f++) {
      col[f] = round % 5 == 0 || next_random(&rng) % 3 ? ncols++ : -1;
      cell[f] = next_random(&rng) % 3 == 0 ? ncells++ : -1;   /* kept cells, numbers or not */
    }
    uint64_t steps = rng;
    size_t got = check_records(text, len, nfields, col, round % 2 ? cell : NULL, &steps);
    if (odd == 0 && len > 0) {   /* the usual shapes only: every record but an unended last */
      size_t lines = 0;
      for (size_t i = 0; i < len; i++) lines += text[i] == '\n';
      cr_assert(eq(sz, got, lines), "%s: %zu of %zu records of usual numbers read", record_isas[k], got, lines);
    }
  }
  }
  csv_parse_use(NULL);
  free(text);
}

Test(csv_parse_records, stops_where_the_slower_paths_must_read) {
  static const struct {
    const char *text;
    size_t nfields, records, stop;
  } cases[] = {
      {"1,2\n3,4\n", 2, 2, 8},
      {"1.5,-2e-3\n0.0012345678901234567,8.2634531852153383\n", 2, 2, 51},
      {"1,2\n3,4", 2, 1, 4},            /* no final line feed */
      {"1,2\n\n3,4\n", 2, 1, 4},        /* a blank line */
      {"1,2\n\"3\",4\n", 2, 1, 4},      /* a quote */
      {"1,2\r\n3,4\n", 2, 0, 0},        /* CRLF */
      {"1,2\n3,4,5\n", 2, 1, 4},        /* a field too many */
      {"1,2\n3\n", 2, 1, 4},            /* too few */
      {"1,2\n,4\n", 2, 1, 4},           /* an empty cell */
      {"1,2\nnan,4\n", 2, 1, 4},        /* a word */
      {"1,2\n+3,4\n", 2, 1, 4},         /* a plus sign: csv_parse_double reads it */
      {"1,2\n 3,4\n", 2, 1, 4},         /* a blank */
      {"1,2\n1e1000,4\n", 2, 1, 4},     /* out of range */
      {"1,2\n12345678901234567890,4\n", 2, 1, 4},   /* 20 digits */
      {"1,2\n1.5e3x,4\n", 2, 1, 4},
      {"\n", 1, 0, 0},                  /* one field: a blank line is not a record */
  };
  if (!csv_parse_use("sse4.1")) cr_skip_test("no SSE4.1");
  double a[16], b[16];
  double *out[2] = {a, b};
  static const int col[2] = {0, 1};
  for (size_t i = 0; i < sizeof record_isas / sizeof *record_isas; i++)
  for (size_t k = 0; k < sizeof cases / sizeof *cases && csv_parse_use(record_isas[i]); k++) {
    char buf[192] = {0};
    size_t len = strlen(cases[k].text);
    memcpy(buf, cases[k].text, len);
    size_t pos = 0;
    size_t n = csv_parse_records(buf, len, &pos, cases[k].nfields, col, 16, out, NULL, NULL, 0);
    cr_assert(eq(sz, n, cases[k].records), "%s: '%s'", record_isas[i], cases[k].text);
    cr_assert(eq(sz, pos, cases[k].stop), "%s: '%s'", record_isas[i], cases[k].text);
  }
  cr_assert(csv_parse_use("swar") != NULL);
  size_t pos = 0;
  cr_assert(eq(sz, csv_parse_records("1,2\n", 4, &pos, 2, col, 16, out, NULL, NULL, 0), 0), "the SWAR choice reads no record");
  csv_parse_use(NULL);
}

/* ------------------------------------------------------------------------
 * csv_parse_records on long mantissas (open_wide: 17-24 bytes, %.17g and kin)
 * ------------------------------------------------------------------------ */

/* A random digit string of nd significant digits (the first nonzero) after z zeros,
 * with a point at a random place or none, into out; its length. fast: no leading
 * zeros unless the point is in the first 16 bytes (then at most 19 digits in all). */
static size_t digit_string(uint64_t *rng, char *out, int z, int nd, bool fast) {
  char d[64];
  uint64_t r = next_random(rng);
  int point = r % 4 == 0 ? -1 : (int)((r >> 8) % (uint64_t)(z + nd + 1));   /* z + nd: a trailing point */
  if (fast && (point < 0 || point >= 16)) {
    point -= point < 0 ? 0 : z;
    z = 0;
  }
  int n = 0;
  for (int i = 0; i < z; i++) d[n++] = '0';
  for (int i = 0; i < nd; i++) d[n++] = (char)('0' + (i == 0 ? 1 + next_random(rng) % 9 : next_random(rng) % 10));
  size_t len = 0;
  for (int i = 0; i <= n; i++) {
    if (i == point) out[len++] = '.';
    if (i < n) out[len++] = d[i];
  }
  out[len] = '\0';
  return len;
}

/* A double between two neighbours that decimal digits name exactly (ties: round to
 * even), or one digit off it: 17-digit integers in [2^54, 2^55) (neighbours 4 apart),
 * 19-digit ones in [2^60, 2^63), written plain, with a point or with an exponent. */
static size_t halfway_cell(uint64_t *rng, char *out, bool fast) {
  uint64_t r = next_random(rng);
  int e = r % 2 ? 54 : 60 + (int)((r >> 1) % 3);
  uint64_t gap = (uint64_t)1 << (e - 52);
  uint64_t m = ((uint64_t)1 << e) + (next_random(rng) % ((uint64_t)1 << 52)) * gap + gap / 2;
  m += (uint64_t)((int)((r >> 4) % 3) - 1) * ((r >> 6) % 2 ? 1 : gap / 4);   /* on it, or off by 1 or a quarter */
  char digits[32];
  int n = sprintf(digits, "%llu", (unsigned long long)m);
  switch ((r >> 8) % 4) {
  case 0: return (size_t)sprintf(out, "%s", digits);
  case 1: return (size_t)sprintf(out, fast && n > 18 ? "%s" : "%s.0", digits);   /* 20 digits: strtod's */
  case 2: return (size_t)sprintf(out, "%.1s.%se%d", digits, digits + 1, n - 1);
  default: return (size_t)sprintf(out, "%.*s.%s", n - 2, digits, digits + n - 2);
  }
}

/* A cell of 16 to 20 significant digits in every shape open_wide meets: %.17g, %.18g,
 * %.19g and %.20g of values from 1e-9 to 1e9, %.16e over the whole range (subnormals
 * and near overflow included), random digit strings with leading zeros and the point
 * anywhere, halfway cases, "0.000" and 17 digits; signs. fast: only the shapes the
 * fused pass must read itself (mantissa of 17-24 bytes or one that open_long reads,
 * at most 19 significant digits, a normal value). */
static size_t wide_cell(uint64_t *rng, char *out, bool fast) {
  uint64_t r = next_random(rng);
  size_t n = 0;
  if (r % 2) out[n++] = '-';
  double x = ((double)(next_random(rng) >> 11) / 9007199254740992.0) * pow(10.0, (double)((r >> 8) % 19) - 9);
  switch ((r >> 16) % (fast ? 6 : 8)) {
  case 0: return n + (size_t)sprintf(out + n, "%.17g", x);
  case 1: return n + (size_t)sprintf(out + n, "%.18g", x);
  case 2: return n + (size_t)sprintf(out + n, "%.19g", x);
  case 3: return n + digit_string(rng, out + n, (int)((r >> 24) % 5), 17 + (int)((r >> 28) % 3), fast);
  case 4: return n + halfway_cell(rng, out + n, fast);
  case 5: return n + (size_t)sprintf(out + n, "0.%.*d%.17g", (int)((r >> 24) % 7), 0, 1e16 + x * 8e15 / 1e9);
  case 6: return n + (size_t)sprintf(out + n, "%.20g", x);
  default: return n + (size_t)sprintf(out + n, "%.16e", ldexp((double)(next_random(rng) >> 11), (int)((r >> 24) % 2100) - 1126));
  }
}

/* Reads records of nfields wide cells (cells[i] at offs[i], nul-terminated copies in
 * strs) by csv_parse_records from the start, every read cell checked against strtod
 * bit for bit, going on at the next line where it stops; the records read. */
static size_t read_wide(const char *text, size_t len, size_t nfields, const size_t *lines, size_t nlines,
                        char (*strs)[48]) {
  double a[256], b[256], c[256];
  double *out[3] = {a, b, c};
  static const int col[3] = {0, 1, 2};
  size_t pos = 0, line = 0, total = 0;
  while (line < nlines) {
    cr_assert(eq(sz, pos, lines[line]));
    size_t n = csv_parse_records(text, len, &pos, nfields, col, 256, out, NULL, NULL, 0);
    for (size_t j = 0; j < n; j++)
      for (size_t f = 0; f < nfields; f++) {
        const char *s = strs[(line + j) * nfields + f];
        double want = strtod(s, NULL), got = out[f][j];
        cr_assert(memcmp(&got, &want, sizeof got) == 0, "'%s' read as %a, strtod %a (record '%.*s')", s, got, want,
                  (int)(strchr(text + lines[line + j], '\n') - (text + lines[line + j])), text + lines[line + j]);
      }
    total += n;
    line += n;
    if (n < 256 && line < nlines) {   /* a stop: that record goes the slower way */
      line++;
      pos = line < nlines ? lines[line] : len;
    }
  }
  return total;
}

/* Builds records of wide cells (fast: only shapes the fused pass reads) and reads them. */
static void check_wide(uint64_t *rng, size_t nfields, bool fast, size_t nrecords) {
  char *text = malloc(nrecords * nfields * 48 + 64);
  char (*strs)[48] = malloc(sizeof *strs * nrecords * nfields);
  size_t *lines = malloc(sizeof *lines * nrecords);
  size_t len = 0;
  for (size_t i = 0; i < nrecords; i++) {
    lines[i] = len;
    for (size_t f = 0; f < nfields; f++) {
      size_t n = wide_cell(rng, strs[i * nfields + f], fast);
      memcpy(text + len, strs[i * nfields + f], n);
      len += n;
      text[len++] = f + 1 < nfields ? ',' : '\n';
    }
  }
  for (int i = 0; i < 64; i++) text[len + (size_t)i] = "0123456789.e-,\n"[next_random(rng) % 15];
  size_t got = read_wide(text, len, nfields, lines, nrecords, strs);
  if (fast) cr_assert(eq(sz, got, nrecords), "%zu of %zu records of 17-19 digits read by the fused pass", got, nrecords);
  free(text);
  free(strs);
  free(lines);
}

Test(csv_parse_records, long_mantissas_read_as_strtod) {
  if (!csv_parse_use("sse4.1")) cr_skip_test("no SSE4.1");
  uint64_t rng = 1717;
  for (int round = 0; round < 40; round++) {   /* 2.4 million cells in all */
    check_wide(&rng, 1 + (size_t)round % 3, true, 20000);
    check_wide(&rng, 1 + (size_t)round % 3, false, 20000);
  }
  csv_parse_use(NULL);
}

Test(csv_parse_records, long_mantissas_edges) {
  static const char *const cells[] = {
      "8.2634531852153383", "-0.24759305283427238", "0.0012345678901234567", "-0.000000012345678901234567",
      "12345678901234567", "1234567890123456789", "123456789012345678.", ".12345678901234567",
      "1234567890123456.7", "123456789012345.67", "0.1234567890123456789", "-0.01234567890123456789",
      "00000000000000001.5", "000000000000000.5", "9.9999999999999999e22", "1.2345678901234567e-300",
      "1.7976931348623157e308", "2.2250738585072014e-308", "4.9406564584124654e-324", "1.2345678901234567e-05",
      "18014398509481986", "18014398509481990", "1801439850948198.6e1", "9223372036854775806",
      "0.00000000000000000", "-0.0000000000000000000000", "1.0000000000000000", "9.9999999999999999",
      "4.4501477170144023e-308", "2.4703282292062328e-324", "1.4821969375237396e-323", "7.2057594037927933e16",
      "12345678901234567.5", "-1234567890123456789.",
  };
  if (!csv_parse_use("sse4.1")) cr_skip_test("no SSE4.1");
  for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
    char buf[192];
    size_t n = strlen(cells[i]);
    memcpy(buf, cells[i], n);
    buf[n] = '\n';
    memset(buf + n + 1, '7', sizeof buf - n - 1);
    double got, want = strtod(cells[i], NULL);
    double *out[1] = {&got};
    static const int col[1] = {0};
    size_t pos = 0;
    size_t read = csv_parse_records(buf, n + 1, &pos, 1, col, 1, out, NULL, NULL, 0);
    cr_assert(eq(sz, read, 1), "'%s' left to the slower path", cells[i]);
    cr_assert(memcmp(&got, &want, sizeof got) == 0, "'%s' read as %a, strtod %a", cells[i], got, want);
  }
  /* what the fused pass leaves: 20 significant digits, two points, a point after 16
     digits, an exponent too long or out of range, no digit after the sign */
  static const char *const stops[] = {
      "12345678901234567890", "0.12345678901234567891", "1.234567890123456.7", "1234567890123456789.1",
      "1.2345678901234567e1234", "1.2345678901234567e400", "-.e12345678901234567", "1.2345678901234567e+",
  };
  for (size_t i = 0; i < sizeof stops / sizeof *stops; i++) {
    char buf[192];
    size_t n = strlen(stops[i]);
    memcpy(buf, stops[i], n);
    buf[n] = '\n';
    memset(buf + n + 1, '7', sizeof buf - n - 1);
    double got;
    double *out[1] = {&got};
    static const int col[1] = {0};
    size_t pos = 0;
    cr_assert(eq(sz, csv_parse_records(buf, n + 1, &pos, 1, col, 1, out, NULL, NULL, 0), 0), "'%s' was read", stops[i]);
    cr_assert(eq(sz, pos, 0));
  }
  csv_parse_use(NULL);
}

/* A number near the shapes open_field reads from one load: integers of 1 to 16
 * digits with leading zeros and "-0", decimals of 1 to 10 digits with the point
 * anywhere (".5", "5."), "e[+-]dd" exponents at Clinger's limits (a power of ten of
 * -22, 22 and one past), one or three exponent digits, no sign, 'E'; now and then a
 * byte after it that is not a separator. */
static size_t edge_cell(uint64_t *rng, char *out, unsigned odd) {
  (void)odd;
  uint64_t r = next_random(rng);
  char *o = out;
  if (r & 1) *o++ = '-';
  int digits = 1 + (int)((r >> 1) % (r >> 5 & 1 ? 16 : 10));
  int point = r >> 6 & 1 ? -1 : (int)((r >> 7) % (uint64_t)(digits + 1));
  bool zeros = (r >> 12) % 4 == 0;
  for (int i = 0; i < digits; i++) {
    if (i == point) *o++ = '.';
    *o++ = zeros && i + 1 < digits ? '0' : (char)('0' + next_random(rng) % 10);
  }
  if (point == digits) *o++ = '.';
  if (point >= 0 && (r >> 14) % 3 == 0) {   /* an exponent, mostly two digits with a sign */
    int frac = digits - point, x = (int)((r >> 16) % 60) - 30;
    switch ((r >> 24) % 8) {
    case 0: x = 22 + frac + (int)((r >> 28) % 3) - 1; break;    /* 10^21, 10^22, 10^23 */
    case 1: x = -22 + frac + (int)((r >> 28) % 3) - 1; break;   /* 10^-23, 10^-22, 10^-21 */
    default: break;
    }
    if (x > 99 || x < -99) x %= 99;
    switch ((r >> 32) % 10) {
    case 0: o += sprintf(o, "e%d", x); break;                 /* no '+', maybe one digit */
    case 1: o += sprintf(o, "E%+03d", x); break;
    case 2: o += sprintf(o, "e%+04d", x); break;              /* three digits */
    case 3: o += sprintf(o, "e%+d", x % 10); break;           /* one digit */
    default: o += sprintf(o, "e%c%02d", x < 0 ? '-' : '+', x < 0 ? -x : x); break;
    }
  }
  if ((r >> 40) % 40 == 0) *o++ = "x.e+-0 \"\r"[(r >> 48) % 9];   /* a byte that is not a separator */
  return (size_t)(o - out);
}

/* A number by edge_cell or short_cell (odd: short_cell's). */
typedef size_t (*CellFn)(uint64_t *rng, char *out, unsigned odd);

/* Records of nfields numbers by cell; now and then no final line feed (the last number
   ends at the end); 64 bytes of junk after, from the bytes of junk. */
static size_t cell_records(uint64_t *rng, char *buf, size_t cap, size_t nfields, CellFn cell, unsigned odd,
                           const char *junk) {
  size_t n = 0;
  while (n + 64 * 8 + 64 < cap) {
    for (size_t f = 0; f < nfields; f++) {
      n += cell(rng, buf + n, odd);
      if (f + 1 < nfields) buf[n++] = ',';
    }
    buf[n++] = '\n';
  }
  if (next_random(rng) % 2) n--;
  for (int i = 0; i < 64; i++) buf[n + (size_t)i] = junk[next_random(rng) % strlen(junk)];
  return n;
}

Test(csv_parse_records, usual_shapes_and_their_edges) {
  uint64_t rng = 1717;
  size_t cap = 1 << 15;
  char *text = malloc(cap + 64);
  if (!csv_parse_use("sse4.1")) cr_skip_test("no SSE4.1");
  size_t read = 0;
  for (int round = 0; round < 800; round++) {   /* about 2 million cells, by each walk */
    if (!csv_parse_use(record_isas[round % 2])) continue;
    size_t nfields = 1 + round % 7;
    size_t len = cell_records(&rng, text, cap, nfields, edge_cell, 0, "\n,0123456789.e+");
    int col[8], cell[8];
    for (size_t f = 0; f < nfields; f++) {   /* every field a column (the all-numbers walk), or some */
      col[f] = round % 4 == 3 && f % 2 ? -1 : (int)f;
      cell[f] = f % 3 == 0 ? (int)f : -1;
    }
    uint64_t steps = rng;
    read += check_records(text, len, nfields, col, round % 4 == 1 ? cell : NULL, &steps);
  }
  cr_assert(read > 10000, "only %zu records read", read);
  csv_parse_use(NULL);
  free(text);
}

Test(csv_parse_records, reads_the_edges_bit_for_bit) {
  static const char *const cases[] = {
      "0", "-0", "7", "-7", "00000007", "12345678", "-99999999", "123456789", "0000000000000001",
      "9007199254740993", "-0.0", "0.5", ".5", "5.", "-.5", "1234567.8", "12345678.", "1.2345678",
      "0.00000001", "123456789.0", "0.000123457", "8.2635e+00", "-2.4759e-01", "1.5e+21", "1.5e+22",
      "1.5e+23", "1.5e-21", "1.5e-22", "1.5e-23", "9.9999e+22", "1.0000e+99", "1.0000e-99", "1.5E+05",
      "1.5e+5", "1.5e+005", "1.5e05", "-0.0000e+00", "12345678.e+01", "1234567.8e-30", "4.9406e-324",
  };
  if (!csv_parse_use("sse4.1")) cr_skip_test("no SSE4.1");
  static const int col[2] = {0, 1};
  for (size_t i = 0; i < sizeof record_isas / sizeof *record_isas; i++)
  for (size_t k = 0; k < sizeof cases / sizeof *cases && csv_parse_use(record_isas[i]); k++)
    for (int last = 0; last < 2; last++) {   /* the number before a ',' and before the LF */
      char buf[192];
      memset(buf, '7', sizeof buf);   /* digits after the end: they must not be read */
      int len = last ? sprintf(buf, "1,%s\n", cases[k]) : sprintf(buf, "%s,1\n", cases[k]);
      buf[len] = '7';
      double a[2] = {0, 0}, b[2] = {0, 0}, *out[2] = {a, b}, want;
      size_t pos = 0;
      cr_assert(eq(sz, csv_parse_records(buf, (size_t)len, &pos, 2, col, 2, out, NULL, NULL, 0), 1), "'%s'", cases[k]);
      cr_assert(eq(int, csv_parse_double(cases[k], strlen(cases[k]), &want), 0));
      double got = last ? b[0] : a[0];
      cr_assert(memcmp(&got, &want, sizeof got) == 0, "'%s' read as %a, not %a", cases[k], got, want);
      cr_assert(memcmp(&want, &(double){strtod(cases[k], NULL)}, sizeof want) == 0, "'%s': strtod", cases[k]);
      pos = 0;   /* the same record without its LF, ending right at the buffer's end: not read */
      cr_assert(eq(sz, csv_parse_records(buf, (size_t)len - 1, &pos, 2, col, 2, out, NULL, NULL, 0), 0), "'%s'", cases[k]);
      for (const char *after = "x.e+0 \"\r"; *after; after++) {   /* a byte after it that is no separator */
        len = last ? sprintf(buf, "1,%s%c\n", cases[k], *after) : sprintf(buf, "%s%c,1\n", cases[k], *after);
        pos = 0;
        size_t n = csv_parse_records(buf, (size_t)len, &pos, 2, col, 2, out, NULL, NULL, 0);
        char cell[64];
        int clen = sprintf(cell, "%s%c", cases[k], *after);
        double v;
        cr_assert(n == 0 || csv_parse_double(cell, (size_t)clen, &v) == 0, "'%s' read", cell);
      }
    }
  csv_parse_use(NULL);
}

/* ------------------------------------------------------------------------
 * csv_parse_records's record step (AVX-512) against its field walk (SSE4.1)
 * ------------------------------------------------------------------------ */

/* A number near the record step's shapes: [-]digits[.digits] of 1 to 9 digits (8 its
 * limit), leading zeros, the point anywhere (".5", "5."); now and then (odd in 64) one
 * that it leaves to the field walk: an exponent, a second point, an odd byte after it,
 * an empty cell, a '+', '.' or '-' before it, more digits. */
static size_t short_cell(uint64_t *rng, char *out, unsigned odd) {
  uint64_t r = next_random(rng);
  char *o = out;
  if (r & 1) *o++ = '-';
  int digits = 1 + (int)((r >> 1) % 9);
  int point = (r >> 5) % 3 == 0 ? -1 : (int)((r >> 7) % (uint64_t)(digits + 1));
  bool zeros = (r >> 12) % 4 == 0;
  for (int i = 0; i < digits; i++) {
    if (i == point) *o++ = '.';
    *o++ = zeros && i + 1 < digits ? '0' : (char)('0' + next_random(rng) % 10);
  }
  if (point == digits) *o++ = '.';
  if ((r >> 16) % 64 < odd) {
    size_t n = (size_t)(o - out);
    switch ((r >> 24) % 8) {
    case 0: o += sprintf(o, "e%+03d", (int)((r >> 32) % 40) - 20); break;
    case 1: *o++ = '.'; break;
    case 2: *o++ = " \"\rxE+-"[(r >> 32) % 7]; break;
    case 3: o = out; break;
    case 4: case 5: case 6:
      memmove(out + 1, out, n);
      out[0] = "+.-"[(r >> 24) % 8 - 4];
      o++;
      break;
    default: o += sprintf(o, "%d", (int)((r >> 32) % 1000)); break;
    }
  }
  return (size_t)(o - out);
}

/* csv_parse_records of every field (all numbers) from every line of text[0, len) by the
 * field walk and by the record step, in random steps: the same records, the same stop,
 * the same bits. The records read. */
static size_t compare_walks(const char *text, size_t len, size_t nfields, uint64_t *rng) {
  enum { CAP = 64 };
  static const int col[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
  double *a = malloc(sizeof *a * CAP * 9), *b = malloc(sizeof *b * CAP * 9), *oa[9], *ob[9];
  for (size_t f = 0; f < 9; f++) oa[f] = a + f * CAP, ob[f] = b + f * CAP;
  size_t pos = 0, total = 0;
  while (pos < len) {
    size_t max = 1 + next_random(rng) % CAP, pa = pos, pb = pos;
    cr_assert(csv_parse_use("sse4.1") != NULL);
    size_t na = csv_parse_records(text, len, &pa, nfields, col, max, oa, NULL, NULL, 0);
    cr_assert(csv_parse_use("avx512") != NULL);
    size_t nb = csv_parse_records(text, len, &pb, nfields, col, max, ob, NULL, NULL, 0);
    cr_assert(eq(sz, na, nb), "at %zu: %zu records by the field walk, %zu by the record step", pos, na, nb);
    cr_assert(eq(sz, pa, pb), "at %zu: stops at %zu and %zu", pos, pa, pb);
    for (size_t f = 0; f < nfields; f++)
      cr_assert(memcmp(oa[f], ob[f], sizeof *a * na) == 0, "at %zu: field %zu's numbers differ", pos, f);
    total += na;
    pos = pa;
    if (na == max) continue;
    if (!next_line(text, len, &pos)) break;
  }
  free(a);
  free(b);
  return total;
}

Test(csv_parse_records, record_step_agrees_with_the_field_walk) {
  if (!csv_parse_use("avx512")) cr_skip_test("no AVX-512 VBMI2");
  uint64_t rng = 2626;
  size_t cap = 1 << 14, read = 0;
  char *text = malloc(cap + 64);
  for (int round = 0; round < 1800; round++) {   /* about 3 million cells, 1 to 9 fields */
    size_t nfields = 1 + round % 9;
    size_t len = cell_records(&rng, text, cap, nfields, short_cell, round % 3 == 0 ? 0 : round % 3 == 1 ? 2 : 16,
                              "\n,0123456789.-");
    if (round % 2) len -= 1 + next_random(&rng) % 80;   /* the buffer's end anywhere in the last records */
    uint64_t steps = rng;
    read += compare_walks(text, len, nfields, &steps);
    uint64_t again = rng;
    static const int col[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    if (nfields <= 8) check_records(text, len, nfields, col, NULL, &again);   /* its 8 columns */
  }
  cr_assert(read > 100000, "only %zu records read", read);
  csv_parse_use(NULL);
  free(text);
}

Test(csv_parse_records, record_step_at_64_bytes) {
  /* three records of six fields of 7 or 8 digits ("-0.0123457", "-1.234567", "1.2345678"):
     60 to 66 bytes, the LF at byte 59 to 65 of a load; the second record with each odd
     field at each place; the buffer ending at each byte of the last 70 */
  static const char *const odd[] = {"1.5e+03", "1..5", "+1", "", "1.5 ", "-.5", "5.", "123456789", "--1", "1\"", "1\r"};
  enum { NODD = sizeof odd / sizeof *odd };
  if (!csv_parse_use("avx512")) cr_skip_test("no AVX-512 VBMI2");
  uint64_t rng = 64;
  size_t read = 0;
  for (int extra = 0; extra <= 6; extra++)
    for (size_t bad = 0; bad <= 6 * NODD; bad++) {
      char buf[3 * 80 + 64];
      size_t n = 0;
      for (int r = 0; r < 3; r++)
        for (size_t f = 0; f < 6; f++) {
          if (r == 1 && bad < 6 * NODD && f == bad % 6) {
            n += (size_t)sprintf(buf + n, "%s", odd[bad / 6]);
          } else {   /* 10 bytes ("-" and 8 digits) for the first `extra` fields, else 9 */
            int len = (int)f < extra ? 10 : 9, neg = len == 10 || f % 2;
            if (neg) buf[n++] = '-';
            for (int i = neg; i < len; i++) buf[n++] = i == neg + 1 ? '.' : (char)('0' + next_random(&rng) % 10);
          }
          buf[n++] = f == 5 ? '\n' : ',';
        }
      for (int i = 0; i < 64; i++) buf[n + (size_t)i] = "\n7,"[i % 3];
      for (size_t len = n; len + 70 > n; len--) {
        uint64_t steps = rng, again = rng;
        read += compare_walks(buf, len, 6, &steps);
        check_records(buf, len, 6, (const int[]){0, 1, 2, 3, 4, 5}, NULL, &again);
      }
    }
  cr_assert(read > 1000, "only %zu records read", read);
  csv_parse_use(NULL);
}
