/* csv.c - streaming RFC 4180 reader, value parsers and formatters.
 *
 * The reader is a resumable state machine over one growable buffer.  A
 * record is parsed in place from r->rec_start; when the data runs out in the
 * middle of a record, the partial record is moved to the front of the buffer
 * (all saved offsets shift with it), the next block is read after it, and
 * scanning resumes exactly where it stopped.  Quoted fields are unquoted in
 * place by a write offset that trails the read offset.
 */
#include "csv.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define CSV_DEFAULT_BLOCK (1u << 20)
#define CSV_DEFAULT_MAX_RECORD (64u << 20)
#define CSV_PAD 16 /* readable zero bytes after buf[cap - 1] */

/* Where the scanner is inside the current record. */
typedef enum {
  ST_FIELD,    /* at the first byte of a field */
  ST_UNQUOTED, /* inside an unquoted field */
  ST_QUOTED,   /* inside a quoted field */
  ST_QUOTE,    /* just after a '"' inside a quoted field */
  ST_CR,       /* just after a CR that ended a field */
} ScanState;

typedef enum { SCAN_DONE, SCAN_MORE, SCAN_ERROR } ScanResult;

/* A field as offsets into the buffer (pointers would move on refill). */
typedef struct {
  size_t start, len;
} Span;

struct CsvReader {
  FILE *file; /* source: file, or fd when file is NULL */
  int fd;
  char *buf; /* buf[len] is always writable (cap > len) */
  size_t cap, len, pos;
  size_t block, max_record;
  bool eof, failed, started;
  long line; /* physical line of buf[pos] */

  size_t rec_start; /* state of the record being scanned */
  long rec_line;
  ScanState state;
  size_t fstart, w; /* field start; write offset in quoted fields */
  long qline;       /* line of the current opening quote */
  Span *spans;
  size_t nspans, spancap;

  CsvField *fields; /* the record handed out */
  size_t fieldcap;
  size_t expected; /* field count of the header; 0 = not yet known */
  long nrecords;
  CsvError err;
};

/* Byte classes: which bytes stop the scanning loops. */
#ifndef __SSE2__
static const unsigned char stop_unquoted[256] = {
    [','] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, [0] = 1,
};
#endif
static const unsigned char stop_quoted[256] = {['"'] = 1, ['\n'] = 1, [0] = 1};

/* ------------------------------------------------------------------------
 * Opening and closing
 * ------------------------------------------------------------------------ */

/* Allocates a reader with its first buffer. */
static CsvReader *reader_new(FILE *f, int fd, const CsvOptions *opts) {
  CsvReader *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->file = f;
  r->fd = fd;
  r->block = opts && opts->block_size ? opts->block_size : CSV_DEFAULT_BLOCK;
  r->max_record = opts && opts->max_record ? opts->max_record : CSV_DEFAULT_MAX_RECORD;
  r->cap = 2 * r->block + 1;
  r->buf = calloc(1, r->cap + CSV_PAD);
  if (!r->buf) {
    free(r);
    return NULL;
  }
  r->line = r->rec_line = 1;
  r->state = ST_FIELD;
  return r;
}

CsvReader *csv_open_file(FILE *f, const CsvOptions *opts) {
  return reader_new(f, -1, opts);
}

CsvReader *csv_open_fd(int fd, const CsvOptions *opts) {
  return reader_new(NULL, fd, opts);
}

void csv_close(CsvReader *r) {
  if (!r) return;
  free(r->buf);
  free(r->spans);
  free(r->fields);
  free(r);
}

const CsvError *csv_error(const CsvReader *r) {
  return &r->err;
}

void csv_error_format(const CsvError *e, const char *file, char *buf, size_t size) {
  if (!file) file = "<csv>";
  if (e->line > 0 && e->column > 0)
    snprintf(buf, size, "%s:%ld:%ld: %s", file, e->line, e->column, e->message);
  else if (e->line > 0)
    snprintf(buf, size, "%s:%ld: %s", file, e->line, e->message);
  else
    snprintf(buf, size, "%s: %s", file, e->message);
}

/* Records an error at line:column and stops the reader. */
__attribute__((format(printf, 4, 5))) static int fail(CsvReader *r, long line, long column,
                                                      const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->err.message, sizeof r->err.message, fmt, ap);
  va_end(ap);
  r->err.line = line;
  r->err.column = column;
  r->failed = true;
  return CSV_ERROR;
}

/* A syntax error found while scanning: stops the reader. */
static ScanResult scan_error(CsvReader *r, long line, long column, const char *msg) {
  fail(r, line, column, "%s", msg);
  return SCAN_ERROR;
}

/* ------------------------------------------------------------------------
 * Buffer management
 * ------------------------------------------------------------------------ */

/* Moves the unfinished record to the front of the buffer. */
static void shift_record(CsvReader *r) {
  size_t d = r->rec_start;
  if (d == 0) return;
  memmove(r->buf, r->buf + d, r->len - d);
  r->len -= d;
  r->pos -= d;
  r->rec_start = 0;
  r->fstart = r->fstart >= d ? r->fstart - d : 0;
  r->w = r->w >= d ? r->w - d : 0;
  for (size_t i = 0; i < r->nspans; i++)
    r->spans[i].start -= d;
}

/* Makes room for one more block after the data, within max_record. */
static int reserve_block(CsvReader *r) {
  if (r->len > r->max_record)
    return fail(r, r->rec_line, (long)r->nspans + 1,
                r->state == ST_QUOTED ? "unterminated quoted field (record longer than %zu bytes)"
                                      : "record longer than %zu bytes",
                r->max_record);
  if (r->cap - r->len - 1 >= r->block) return CSV_OK;
  size_t cap = 2 * r->cap;
  if (cap < r->len + r->block + 1) cap = r->len + r->block + 1;
  char *buf = realloc(r->buf, cap + CSV_PAD);
  if (!buf) return fail(r, r->rec_line, 0, "out of memory for a record of %zu bytes", r->len);
  memset(buf + r->cap, 0, cap + CSV_PAD - r->cap);
  r->buf = buf;
  r->cap = cap;
  return CSV_OK;
}

/* Reads up to n bytes at dst; returns the count, 0 at end, -1 on error. */
static long read_some(CsvReader *r, char *dst, size_t n) {
  if (r->file) {
    size_t got = fread(dst, 1, n, r->file);
    if (got == 0 && ferror(r->file)) return -1;
    return (long)got;
  }
  for (;;) {
    ssize_t got = read(r->fd, dst, n);
    if (got >= 0 || errno != EINTR) return (long)got;
  }
}

/* Appends the next block of input after the current record. */
static int refill(CsvReader *r) {
  shift_record(r);
  if (reserve_block(r) != CSV_OK) return CSV_ERROR;
  long got = read_some(r, r->buf + r->len, r->block);
  if (got < 0) return fail(r, 0, 0, "read error: %s", strerror(errno));
  if (got == 0) r->eof = true;
  r->len += (size_t)got;
  r->buf[r->len] = '\0';
  return CSV_OK;
}

/* Skips a UTF-8 byte order mark at the very start of the input. */
static int skip_bom(CsvReader *r) {
  while (r->len < 3 && !r->eof)
    if (refill(r) != CSV_OK) return CSV_ERROR;
  if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) r->pos = r->rec_start = 3;
  r->started = true;
  return CSV_OK;
}

/* ------------------------------------------------------------------------
 * Scanning
 * ------------------------------------------------------------------------ */

/* Doubles the span array. */
static int grow_spans(CsvReader *r) {
  size_t cap = r->spancap ? 2 * r->spancap : 16;
  Span *s = realloc(r->spans, cap * sizeof *s);
  if (!s) return fail(r, r->line, (long)r->nspans + 1, "out of memory");
  r->spans = s;
  r->spancap = cap;
  return CSV_OK;
}

/* Appends the field [start, start+len) to the current record. */
static inline int push_span(CsvReader *r, size_t start, size_t len) {
  if (r->nspans == r->spancap && grow_spans(r) != CSV_OK) return CSV_ERROR;
  r->spans[r->nspans++] = (Span){start, len};
  r->buf[start + len] = '\0';
  return CSV_OK;
}

/* Forgets a blank line and starts the next record after it. */
static void skip_blank(CsvReader *r, size_t next) {
  r->rec_start = r->pos = next;
  r->rec_line = r->line;
  r->state = ST_FIELD;
}

/* The offset of the first ',', LF, CR, '"' or NUL in b[p..end), or end.
   With SSE2, 16 bytes at a time (the buffer has CSV_PAD bytes of slack, so
   a load may pass end; hits past end are cut off). */
static size_t find_stop(const char *b, size_t p, size_t end) {
#ifdef __SSE2__
  const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r'), quote = _mm_set1_epi8('"');
  const __m128i nul = _mm_setzero_si128();
  for (; p < end; p += 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(b + p));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, comma), _mm_cmpeq_epi8(x, lf)),
                               _mm_or_si128(_mm_cmpeq_epi8(x, cr), _mm_cmpeq_epi8(x, quote)));
    unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(hit, _mm_cmpeq_epi8(x, nul)));
    if (mask) {
      size_t q = p + (size_t)__builtin_ctz(mask);
      return q < end ? q : end;
    }
  }
  return end;
#else
  while (p < end && !stop_unquoted[(unsigned char)b[p]])
    p++;
  return p;
#endif
}

/* Handles the byte that ended an unquoted field at p. */
static ScanResult end_unquoted(CsvReader *r, size_t p) {
  char c = r->buf[p];
  if (c == '"') return scan_error(r, r->line, (long)r->nspans + 1, "'\"' inside an unquoted field");
  if (c == '\0') return scan_error(r, r->line, (long)r->nspans + 1, "NUL byte in input");
  bool blank = r->nspans == 0 && p == r->fstart && c != ',';
  if (!blank && push_span(r, r->fstart, p - r->fstart) != CSV_OK) return SCAN_ERROR;
  r->pos = p + 1;
  if (c == ',') {
    r->state = ST_FIELD;
    return SCAN_MORE;
  }
  if (c == '\r') {
    r->state = ST_CR;
    return SCAN_MORE;
  }
  r->line++; /* '\n' */
  if (blank) {
    skip_blank(r, p + 1);
    return SCAN_MORE;
  }
  return SCAN_DONE;
}

/* Scans unquoted fields while they end in ',' and the next one is not
   quoted (the common case, kept out of the state switch). */
static ScanResult scan_unquoted(CsvReader *r) {
  const char *b = r->buf;
  size_t p = r->pos, end = r->len, start = r->fstart;
  for (;;) {
    p = find_stop(b, p, end);
    if (p == end || b[p] != ',' || p + 1 == end || b[p + 1] == '"') break;
    if (push_span(r, start, p - start) != CSV_OK) return SCAN_ERROR;
    start = ++p;
  }
  r->fstart = start;
  r->pos = p;
  return p < end ? end_unquoted(r, p) : SCAN_MORE;
}

/* Handles the byte after a '"' inside a quoted field. */
static ScanResult after_quote(CsvReader *r, size_t p) {
  char c = r->buf[p];
  if (c == '"') {
    r->buf[r->w++] = '"';
    r->pos = p + 1;
    r->state = ST_QUOTED;
    return SCAN_MORE;
  }
  if (c != ',' && c != '\n' && c != '\r')
    return scan_error(r, r->line, (long)r->nspans + 1,
                      c ? "unexpected character after a closing quote" : "NUL byte in input");
  if (push_span(r, r->fstart, r->w - r->fstart) != CSV_OK) return SCAN_ERROR;
  r->pos = p + 1;
  if (c == ',') {
    r->state = ST_FIELD;
    return SCAN_MORE;
  }
  if (c == '\r') {
    r->state = ST_CR;
    return SCAN_MORE;
  }
  r->line++;
  return SCAN_DONE;
}

/* Copies quoted bytes down to the write offset until a quote or the end. */
static ScanResult scan_quoted(CsvReader *r) {
  char *b = r->buf;
  size_t p = r->pos, w = r->w, end = r->len;
  for (; p < end; p++) {
    unsigned char c = (unsigned char)b[p];
    if (stop_quoted[c]) {
      if (c == '"') {
        r->state = ST_QUOTE;
        p++;
        break;
      }
      if (c == '\0') {
        r->w = w;
        return scan_error(r, r->line, (long)r->nspans + 1, "NUL byte in input");
      }
      r->line++;
    }
    b[w++] = (char)c;
  }
  r->pos = p;
  r->w = w;
  return SCAN_MORE;
}

/* Advances through the buffer until a record ends or the data runs out. */
static ScanResult scan(CsvReader *r) {
  ScanResult res = SCAN_MORE;
  while (res == SCAN_MORE && r->pos < r->len) {
    char *b = r->buf;
    size_t p = r->pos;
    switch (r->state) {
    case ST_FIELD:
      if (b[p] == '"') {
        r->qline = r->line;
        r->fstart = r->w = p + 1;
        r->pos = p + 1;
        r->state = ST_QUOTED;
      } else {
        r->fstart = p;
        r->state = ST_UNQUOTED;
      }
      break;
    case ST_UNQUOTED:
      res = scan_unquoted(r);
      break;
    case ST_QUOTED:
      res = scan_quoted(r);
      break;
    case ST_QUOTE:
      res = after_quote(r, p);
      break;
    case ST_CR:
      if (b[p] != '\n')
        return scan_error(r, r->line, (long)r->nspans,
                          "carriage return not followed by a line feed");
      r->line++;
      r->pos = p + 1;
      if (r->nspans > 0) return SCAN_DONE;
      skip_blank(r, p + 1);
      break;
    }
  }
  return res;
}

/* Ends the record at end of input; SCAN_MORE here means "nothing left". */
static ScanResult scan_eof(CsvReader *r) {
  switch (r->state) {
  case ST_FIELD:
    if (r->nspans == 0) return SCAN_MORE;
    return push_span(r, r->len, 0) == CSV_OK ? SCAN_DONE : SCAN_ERROR;
  case ST_UNQUOTED:
    return push_span(r, r->fstart, r->len - r->fstart) == CSV_OK ? SCAN_DONE : SCAN_ERROR;
  case ST_QUOTE:
    return push_span(r, r->fstart, r->w - r->fstart) == CSV_OK ? SCAN_DONE : SCAN_ERROR;
  case ST_QUOTED:
    return scan_error(r, r->qline, (long)r->nspans + 1,
                      "unterminated quoted field (opened here, still open at end of input)");
  case ST_CR:
    break;
  }
  return scan_error(r, r->line, (long)r->nspans, "carriage return not followed by a line feed");
}

/* ------------------------------------------------------------------------
 * Records
 * ------------------------------------------------------------------------ */

/* Starts scanning the next record after the one just ended. */
static void reset_record(CsvReader *r) {
  r->nspans = 0;
  r->state = ST_FIELD;
  r->rec_start = r->pos;
  r->rec_line = r->line;
}

/* Reports a record whose field count differs from the header's; the reader
   stays usable, so a caller may skip the record and go on. */
static int wrong_count(CsvReader *r) {
  size_t n = r->nspans;
  long column = n > r->expected ? (long)r->expected + 1 : (long)n;
  fail(r, r->rec_line, column, "record has %zu field%s, the header has %zu", n, n == 1 ? "" : "s",
       r->expected);
  r->failed = false;
  r->nrecords++;
  reset_record(r);
  return CSV_ERROR;
}

/* Turns the scanned spans into the caller's record and resets the scanner. */
static int finish_record(CsvReader *r, CsvRecord *rec) {
  size_t n = r->nspans;
  if (r->expected && n != r->expected) return wrong_count(r);
  if (n > r->fieldcap) {
    CsvField *f = realloc(r->fields, n * sizeof *f);
    if (!f) return fail(r, r->rec_line, 0, "out of memory");
    r->fields = f;
    r->fieldcap = n;
  }
  for (size_t i = 0; i < n; i++)
    r->fields[i] = (CsvField){r->buf + r->spans[i].start, r->spans[i].len};
  if (!r->expected) r->expected = n;
  *rec = (CsvRecord){r->fields, n, r->rec_line, r->nrecords++};
  reset_record(r);
  return CSV_OK;
}

/* Scans, refilling as needed, until a record, the end, or an error. */
static int next_record(CsvReader *r, CsvRecord *rec) {
  if (r->failed) return CSV_ERROR;
  if (!r->started && skip_bom(r) != CSV_OK) return CSV_ERROR;
  for (;;) {
    ScanResult res = scan(r);
    if (res == SCAN_MORE && r->eof) res = scan_eof(r);
    if (res == SCAN_DONE) return finish_record(r, rec);
    if (res == SCAN_ERROR) return CSV_ERROR;
    if (r->eof) return CSV_EOF;
    if (refill(r) != CSV_OK) return CSV_ERROR;
  }
}

int csv_read_header(CsvReader *r, CsvRecord *rec) {
  int rc = next_record(r, rec);
  if (rc == CSV_EOF) return fail(r, 1, 0, "empty input: no header");
  return rc;
}

int csv_read_record(CsvReader *r, CsvRecord *rec) {
  if (r->nrecords == 0) r->nrecords = 1; /* no header read: data starts at 1 */
  return next_record(r, rec);
}

/* ------------------------------------------------------------------------
 * Value parsers
 * ------------------------------------------------------------------------ */

/* Narrows [*s, *e) to exclude surrounding spaces and tabs. */
static void trim(const char **s, const char **e) {
  while (*s < *e && (**s == ' ' || **s == '\t'))
    (*s)++;
  while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
    (*e)--;
}

/* Does [s, e) spell word, ignoring ASCII case? */
static bool word_eq(const char *s, const char *e, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(e - s) != n) return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != word[i]) return false;
  }
  return true;
}

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/* The powers of ten that are exact doubles. */
static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* A decimal number split into digits and exponent by scan_digits. */
typedef struct {
  uint64_t mant; /* the first 19 significant digits */
  long exp10;    /* value = mant * 10^exp10 (when exact) */
  bool exact;    /* no nonzero digit was dropped */
} Decimal;

/* Reads [digits][.digits] into d; returns the end, or NULL if no digits. */
static const char *scan_digits(const char *p, const char *e, Decimal *d) {
  int ndig = 0;
  bool any = false, frac = false;
  for (; p < e; p++) {
    if (*p == '.' && !frac) {
      frac = true;
      continue;
    }
    if (!is_digit(*p)) break;
    int v = *p - '0';
    any = true;
    if (d->mant == 0 && v == 0) {
      d->exp10 -= frac; /* a leading zero */
    } else if (ndig < 19) {
      d->mant = d->mant * 10 + (uint64_t)v;
      ndig++;
      d->exp10 -= frac;
    } else {
      d->exp10 += !frac; /* a dropped digit */
      d->exact &= v == 0;
    }
  }
  return any ? p : NULL;
}

/* Reads an exponent "e[+-]digits" into d; returns the end or NULL. */
static const char *scan_exponent(const char *p, const char *e, Decimal *d) {
  if (p == e || (*p != 'e' && *p != 'E')) return p;
  p++;
  int sign = 1;
  if (p < e && (*p == '+' || *p == '-')) sign = *p++ == '-' ? -1 : 1;
  if (p == e || !is_digit(*p)) return NULL;
  long x = 0;
  for (; p < e && is_digit(*p); p++)
    if (x < 100000) x = x * 10 + (*p - '0');
  d->exp10 += sign * x;
  return p;
}

/* Exact m * 10^k when m <= 2^53 and |k| <= 22 (Clinger's fast path): both
   operands are exact doubles, so one IEEE operation rounds correctly.  Off
   where double arithmetic is evaluated in wider registers (x87). */
static bool fast_path(Decimal d, double *out) {
#if FLT_EVAL_METHOD != 0
  return false;
#endif
  const uint64_t limit = (uint64_t)1 << 53;
  if (!d.exact || d.mant > limit) return false;
  while (d.exp10 > 22 && d.mant <= limit / 10) {
    d.mant *= 10; /* still exact: shift zeros in */
    d.exp10--;
  }
  if (d.exp10 > 22 || d.exp10 < -22 || d.mant > limit) return false;
  double v = (double)d.mant;
  *out = d.exp10 < 0 ? v / pow10[-d.exp10] : v * pow10[d.exp10];
  return true;
}

/* strtod on a validated decimal; rejects overflow to infinity. */
static int slow_path(const char *s, size_t n, double *out) {
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

int csv_parse_double(const char *s, size_t n, double *out) {
  const char *p = s, *e = s + n;
  trim(&p, &e);
  const char *start = p;
  bool neg = p < e && *p == '-';
  if (p < e && (*p == '-' || *p == '+')) p++;
  if (word_eq(p, e, "nan") || word_eq(p, e, "inf") || word_eq(p, e, "infinity")) {
    double v = (*p == 'n' || *p == 'N') ? NAN : INFINITY;
    *out = neg ? -v : v;
    return 0;
  }
  Decimal d = {0, 0, true};
  p = scan_digits(p, e, &d);
  if (p) p = scan_exponent(p, e, &d);
  if (!p || p != e) return -1;
  double v;
  if (fast_path(d, &v)) {
    *out = neg ? -v : v;
    return 0;
  }
  return slow_path(start, (size_t)(e - start), out);
}

int csv_parse_bool(const char *s, size_t n, int *out) {
  const char *p = s, *e = s + n;
  trim(&p, &e);
  if (word_eq(p, e, "true") || word_eq(p, e, "1"))
    *out = 1;
  else if (word_eq(p, e, "false") || word_eq(p, e, "0"))
    *out = 0;
  else
    return -1;
  return 0;
}

static bool is_leap(long y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(long y, int m) {
  static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int32_t days_from_civil(long y, int m, int d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int32_t)(era * 146097 + doe - 719468);
}

/* The date of a day count since 1970-01-01 (inverse of days_from_civil). */
static void civil_from_days(long z, long *y, int *m, int *d) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

/* Reads exactly n digits at p; -1 if any is not a digit. */
static long fixed_digits(const char *p, int n) {
  long v = 0;
  for (int i = 0; i < n; i++) {
    if (!is_digit(p[i])) return -1;
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

int csv_parse_date(const char *s, size_t n, int32_t *days) {
  const char *p = s, *e = s + n;
  trim(&p, &e);
  if (e - p != 10 || p[4] != '-' || p[7] != '-') return -1;
  long y = fixed_digits(p, 4), m = fixed_digits(p + 5, 2), d = fixed_digits(p + 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, (int)m)) return -1;
  *days = days_from_civil(y, (int)m, (int)d);
  return 0;
}

/* ------------------------------------------------------------------------
 * Writers
 * ------------------------------------------------------------------------ */

/* Writes m / 10^k in plain notation ("-12.5", "0.005"), dropping
   trailing fractional zeros. */
static size_t write_decimal(char *buf, bool neg, uint64_t m, int k) {
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
    digits[n++] = '0'; /* at least one digit before '.' */
  size_t len = 0;
  if (neg) buf[len++] = '-';
  while (n > 0) {
    if (n == k) buf[len++] = '.';
    buf[len++] = digits[--n];
  }
  buf[len] = '\0';
  return len;
}

/* The %.15g text of v when it is a short plain decimal: if v * 10^k is an
   integer m < 10^15 for the smallest such k, and m / 10^k (one exact
   division, as a correctly rounding reader computes it) gives v back,
   then m / 10^k is within half an ulp of v, so it is v rounded to 15
   significant digits, which is what %.15g prints for 1e-4 <= |v| < 1e15.
   Returns 0 when v is not such a number. */
static size_t format_short_decimal(double v, char buf[32]) {
#if FLT_EVAL_METHOD != 0
  return 0;
#endif
  double a = fabs(v);
  if (!(a >= 1e-4 && a < 1e15)) return 0;
  for (int k = 0; k <= 19; k++) {
    double x = a * pow10[k];
    if (x >= 1e15) return 0;
    if (x == (double)(uint64_t)x)
      return (double)(uint64_t)x / pow10[k] == a ? write_decimal(buf, v < 0, (uint64_t)x, k) : 0;
  }
  return 0;
}

size_t csv_format_double(double v, char buf[32]) {
  if (isnan(v)) return (size_t)snprintf(buf, 32, "nan");
  if (isinf(v)) return (size_t)snprintf(buf, 32, v < 0 ? "-inf" : "inf");
  if (v == 0) return (size_t)snprintf(buf, 32, signbit(v) ? "-0" : "0");
  size_t len = format_short_decimal(v, buf);
  if (len > 0) return len;
  for (int prec = 15; prec <= 17; prec++) {
    len = (size_t)snprintf(buf, 32, "%.*g", prec, v);
    double back;
    if (prec == 17 || (csv_parse_double(buf, len, &back) == 0 && memcmp(&back, &v, sizeof v) == 0))
      break;
  }
  return len;
}

size_t csv_format_date(int32_t days, char buf[16]) {
  long y;
  int m, d;
  civil_from_days(days, &y, &m, &d);
  return (size_t)snprintf(buf, 16, "%04ld-%02d-%02d", y, m, d);
}

size_t csv_quote(const char *s, size_t n, char *out) {
  bool need = n == 0;
  for (size_t i = 0; i < n && !need; i++)
    need = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
  if (!need) {
    memcpy(out, s, n);
    return n;
  }
  size_t k = 0;
  out[k++] = '"';
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '"') out[k++] = '"';
    out[k++] = s[i];
  }
  out[k++] = '"';
  return k;
}
