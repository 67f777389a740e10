/* csv.c - streaming RFC 4180 reader, value parsers and formatters.
 *
 * The reader is a resumable state machine over one growable buffer.  A
 * record is parsed in place from r->rec_start; when the data runs out in the
 * middle of a record, the partial record is moved to the front of the buffer
 * (all saved offsets shift with it), the next block is read after it, and
 * scanning resumes exactly where it stopped.  Quoted fields are unquoted in
 * place by a write offset that trails the read offset.
 *
 * Under the buffer, the input may be compressed: the first bytes tell gzip
 * (1f 8b, through zlib) or Zstandard (28 b5 2f fd, through libzstd) from plain
 * text, and the decoder streams into the same blocks, so a .csv.gz or .csv.zst
 * is read in bounded memory like any other input.
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

#include <zlib.h>
#include <zstd.h>

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

typedef enum { DEC_PLAIN, DEC_GZIP, DEC_ZSTD } Decoder;

/* The compressed input under the reader: raw bytes waiting for the decoder. */
typedef struct Inflow {
  Decoder dec;
  bool sniffed;          /* the first bytes were looked at */
  bool raw_eof, done;    /* no more raw input; the decoder has finished */
  unsigned char *raw;    /* raw bytes [pos, len) not yet decoded */
  size_t pos, len, cap;
  z_stream z;
  ZSTD_DStream *zstd;
} Inflow;

struct CsvReader {
  FILE *file; /* source: file, or fd when file is NULL */
  int fd;
  Inflow in;
  char *buf; /* buf[len] is always writable (cap > len) */
  size_t cap, len, pos;
  size_t block, max_record;
  bool eof, failed, started;
  bool borrowed; /* buf belongs to the caller (csv_open_mem) */
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

static long read_some(CsvReader *r, char *dst, size_t n, const char **why);

CsvReader *csv_open_mem(char *buf, size_t len, size_t fields) {
  CsvReader *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->fd = -1;
  r->buf = buf;
  r->len = len;
  r->cap = len + 1;
  r->borrowed = r->eof = r->started = true;
  r->in.sniffed = true;
  r->line = r->rec_line = 1;
  r->state = ST_FIELD;
  r->expected = fields;
  r->nrecords = 1;
  return r;
}

long csv_line(const CsvReader *r) {
  return r->line;
}

size_t csv_mem_offset(const CsvReader *r) {
  return r->pos;
}

void csv_mem_skip(CsvReader *r, size_t pos, long records) {
  r->pos = r->rec_start = pos;
  r->line += records;
  r->rec_line = r->line;
  r->nrecords += records;
}

long csv_read_rest(CsvReader *r, char *dst, size_t n, char *err, size_t errlen) {
  if (r->pos < r->len) {
    size_t k = r->len - r->pos < n ? r->len - r->pos : n;
    memcpy(dst, r->buf + r->pos, k);
    r->pos += k;
    r->rec_start = r->pos;
    return (long)k;
  }
  if (r->eof) return 0;
  const char *why = "?";
  long got = read_some(r, dst, n, &why);
  if (got < 0) snprintf(err, errlen, "read error: %s", why);
  if (got == 0) r->eof = true;
  return got;
}

void csv_close(CsvReader *r) {
  if (!r) return;
  if (r->in.dec == DEC_GZIP) inflateEnd(&r->in.z);
  ZSTD_freeDStream(r->in.zstd);
  free(r->in.raw);
  if (!r->borrowed) free(r->buf);
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
                r->state == ST_QUOTED
                    ? "quoted field longer than %zu bytes, the longest record read (is a closing quote missing?)"
                    : "record longer than %zu bytes, the longest record read",
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

/* Reads up to n bytes of the file itself at dst; the count, 0 at end, -1 on error. */
static long read_raw(CsvReader *r, char *dst, size_t n) {
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

enum { RAW_BLOCK = 1 << 16 };

/* Tops up the raw bytes waiting for the decoder (moving them to the front);
 * false on a read error. */
static bool raw_fill(CsvReader *r) {
  Inflow *in = &r->in;
  if (in->raw_eof || in->len - in->pos >= RAW_BLOCK / 2) return true;
  memmove(in->raw, in->raw + in->pos, in->len - in->pos);
  in->len -= in->pos;
  in->pos = 0;
  long got = read_raw(r, (char *)in->raw + in->len, in->cap - in->len);
  if (got < 0) return false;
  if (got == 0) in->raw_eof = true;
  in->len += (size_t)got;
  return true;
}

/* Looks at the first bytes: gzip, Zstandard or plain. -1 on a read error or
 * when a decoder cannot start. */
static int sniff(CsvReader *r) {
  Inflow *in = &r->in;
  in->sniffed = true;
  in->cap = RAW_BLOCK;
  in->raw = calloc(1, in->cap);
  if (!in->raw) return -1;
  while (in->len < 4 && !in->raw_eof) {
    long got = read_raw(r, (char *)in->raw + in->len, 4 - in->len);
    if (got < 0) return -1;
    if (got == 0) in->raw_eof = true;
    in->len += (size_t)got;
  }
  if (in->len >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b) {
    if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK) return -1;
    in->dec = DEC_GZIP;
  } else if (in->len >= 4 && memcmp(in->raw, "\x28\xb5\x2f\xfd", 4) == 0) {
    in->zstd = ZSTD_createDStream();
    if (!in->zstd || ZSTD_isError(ZSTD_initDStream(in->zstd))) return -1;
    in->dec = DEC_ZSTD;
  }
  return 0;
}

/* Decodes gzip into dst: the count, 0 at the end, -1 with the reason in *why.
 * Concatenated members (as `cat a.gz b.gz` makes) are read one after another. */
static long inflate_some(CsvReader *r, char *dst, size_t n, const char **why) {
  Inflow *in = &r->in;
  for (;;) {
    if (!raw_fill(r)) return *why = strerror(errno), -1;
    if (in->done) {
      if (in->pos == in->len) return 0;
      if (inflateReset(&in->z) != Z_OK) return *why = "cannot restart the gzip decoder", -1;
      in->done = false;
    }
    in->z.next_in = in->raw + in->pos;
    in->z.avail_in = (uInt)(in->len - in->pos);
    in->z.next_out = (Bytef *)dst;
    in->z.avail_out = (uInt)n;
    int rc = inflate(&in->z, Z_NO_FLUSH);
    in->pos = in->len - in->z.avail_in;
    size_t got = n - in->z.avail_out;
    if (rc == Z_STREAM_END) in->done = true;
    else if (rc != Z_OK && rc != Z_BUF_ERROR) return *why = in->z.msg ? in->z.msg : "corrupt gzip data", -1;
    if (got) return (long)got;
    if (rc == Z_BUF_ERROR && in->raw_eof && in->pos == in->len)
      return in->done ? 0 : (*why = "the gzip data ends early", -1);
  }
}

/* Decodes Zstandard into dst: the count, 0 at the end, -1 with the reason in *why.
 * Several frames one after another are read in turn. */
static long unzstd_some(CsvReader *r, char *dst, size_t n, const char **why) {
  Inflow *in = &r->in;
  for (;;) {
    if (!raw_fill(r)) return *why = strerror(errno), -1;
    if (in->raw_eof && in->pos == in->len) return in->done ? 0 : (*why = "the Zstandard data ends early", -1);
    ZSTD_inBuffer src = {in->raw, in->len, in->pos};
    ZSTD_outBuffer out = {dst, n, 0};
    size_t rc = ZSTD_decompressStream(in->zstd, &out, &src);
    if (src.pos > in->pos) in->done = false;   /* a frame is under way */
    in->pos = src.pos;
    if (ZSTD_isError(rc)) return *why = ZSTD_getErrorName(rc), -1;
    if (rc == 0) in->done = true;               /* a frame ended, flushed */
    if (out.pos) return (long)out.pos;
  }
}

/* Reads up to n bytes of decoded input at dst: the count, 0 at the end, -1 on an
 * error (with the reason in *why). */
static long read_some(CsvReader *r, char *dst, size_t n, const char **why) {
  Inflow *in = &r->in;
  if (!in->sniffed && sniff(r) < 0) return *why = errno ? strerror(errno) : "cannot start the decoder", -1;
  switch (in->dec) {
  case DEC_GZIP: return inflate_some(r, dst, n, why);
  case DEC_ZSTD: return unzstd_some(r, dst, n, why);
  case DEC_PLAIN: break;
  }
  if (in->pos < in->len) {   /* the sniffed bytes first */
    size_t k = in->len - in->pos < n ? in->len - in->pos : n;
    memcpy(dst, in->raw + in->pos, k);
    in->pos += k;
    return (long)k;
  }
  if (in->raw_eof) return 0;
  long got = read_raw(r, dst, n);
  if (got < 0) *why = strerror(errno);
  return got;
}

bool csv_is_compressed(const char *data, size_t len) {
  const unsigned char *d = (const unsigned char *)data;
  return (len >= 2 && d[0] == 0x1f && d[1] == 0x8b) || (len >= 4 && memcmp(d, "\x28\xb5\x2f\xfd", 4) == 0);
}

bool csv_decompress(const char *data, size_t len, char **out, size_t *out_len, char *err, size_t errlen) {
  FILE *f = fmemopen((void *)data, len, "r");
  CsvReader *r = f ? reader_new(f, -1, NULL) : NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  const char *why = "out of memory";
  long got = r && buf ? 1 : -1;
  while (got > 0) {
    if (cap - n < (1 << 15)) {
      char *bigger = realloc(buf, 2 * cap + 1);
      if (!bigger) {
        got = -1;
        break;
      }
      buf = bigger, cap *= 2;
    }
    got = read_some(r, buf + n, cap - n, &why);
    if (got > 0) n += (size_t)got;
  }
  csv_close(r);
  if (f) fclose(f);
  if (got < 0) {
    snprintf(err, errlen, "%s", why);
    free(buf);
    return false;
  }
  buf[n] = '\0';
  *out = buf;
  *out_len = n;
  return true;
}

/* Appends the next block of input after the current record. */
static int refill(CsvReader *r) {
  shift_record(r);
  if (reserve_block(r) != CSV_OK) return CSV_ERROR;
  const char *why = "?";
  long got = read_some(r, r->buf + r->len, r->block, &why);
  if (got < 0) return fail(r, 0, 0, "read error: %s", why);
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

/* The first of %.15g, %.16g, %.17g that reads back to v, by snprintf and a
   parse per precision: the definition itself (0.5 to 2 us a value).  Used
   for subnormals and where there are no 128-bit integers. */
static size_t format_by_definition(double v, char buf[32]) {
  size_t len = 0;
  for (int prec = 15; prec <= 17; prec++) {
    len = (size_t)snprintf(buf, 32, "%.*g", prec, v);
    double back;
    if (prec == 17 || (csv_parse_double(buf, len, &back) == 0 && memcmp(&back, &v, sizeof v) == 0))
      break;
  }
  return len;
}

#ifdef __SIZEOF_INT128__
/* The same definition computed exactly in integers, without printf or a
 * parse (about 330 instructions a value, by callgrind on bench/bench_format.c
 * --once; 446 before the cuts by constants and the SSE2 digits): the exact
 * path, which fast_decide below hands the values it cannot decide.  A normal
 * double v = m2 * 2^e2 and the two ends of the interval of reals that read
 * back to it (v - half the gap to the previous double, v + half the gap to
 * the next) are scaled by a power of ten, as in Ryu (Ulf Adams, "Ryu: fast
 * float-to-string conversion", PLDI 2018), so that v has 17 to 19 integer
 * digits; Ryu's tables of 125-bit powers of five give the floors of all
 * three exactly.  Then for p = 15, 16, 17: round v to p digits as printf
 * does (to nearest, ties to even, on the exact value) and accept the digits
 * if they lie in the interval, which is exactly when strtod reads them back
 * to v (%.17g is accepted unconditionally, like the definition).
 *
 * This is not Ryu's shortest output, and need not be: the definition never
 * prints fewer than 15 digits' worth (5e-324 prints as
 * 4.94065645841247e-324), and where %.16g rounds to digits outside the
 * interval while another 16-digit text is inside it (the narrower gap below
 * a power of two: 2^-1017), the definition goes on to %.17g, and so does
 * this.  Ryu's digit-removal loop is therefore not needed; only its exact
 * scaling is used. */

__extension__ typedef unsigned __int128 Uint128;

/* pow5_inv_split[q] = floor(2^(bits(5^q) - 1 + 125) / 5^q) + 1, q = 0..290,
   as {low, high} 64-bit halves. */
static const uint64_t pow5_inv_split[291][2] = {
    {0x0000000000000001, 0x2000000000000000}, {0x999999999999999a, 0x1999999999999999},
    {0x47ae147ae147ae15, 0x147ae147ae147ae1}, {0x6c8b4395810624de, 0x10624dd2f1a9fbe7},
    {0x7a786c226809d496, 0x1a36e2eb1c432ca5}, {0x61f9f01b866e43ab, 0x14f8b588e368f084},
    {0xb4c7f34938583622, 0x10c6f7a0b5ed8d36}, {0x87a6520ec08d236a, 0x1ad7f29abcaf4857},
    {0x9fb841a566d74f88, 0x15798ee2308c39df}, {0xe62d01511f12a607, 0x112e0be826d694b2},
    {0xd6ae6881cb5109a4, 0x1b7cdfd9d7bdbab7}, {0xdef1ed34a2a73aea, 0x15fd7fe17964955f},
    {0x7f27f0f6e885c8bb, 0x119799812dea1119}, {0x650cb4be40d60df8, 0x1c25c268497681c2},
    {0xea70909833de7193, 0x16849b86a12b9b01}, {0x21f3a6e0297ec143, 0x1203af9ee756159b},
    {0x6985d7cd0f313537, 0x1cd2b297d889bc2b}, {0x2137dfd73f5a90f9, 0x170ef54646d49689},
    {0xe75fe645cc4873fa, 0x12725dd1d243aba0}, {0xa5663d3c7a0d865d, 0x1d83c94fb6d2ac34},
    {0x511e976394d79eb1, 0x179ca10c9242235d}, {0xda7edf82dd794bc1, 0x12e3b40a0e9b4f7d},
    {0x2a6498d1625bac68, 0x1e392010175ee596}, {0xeeb6e0a781e2f053, 0x182db34012b25144},
    {0x58924d52ce4f26a9, 0x1357c299a88ea76a}, {0x27507bb7b07ea441, 0x1ef2d0f5da7dd8aa},
    {0x52a6c95fc0655034, 0x18c240c4aecb13bb}, {0x0eebd44c99eaa690, 0x13ce9a36f23c0fc9},
    {0xb17953adc3110a80, 0x1fb0f6be50601941}, {0xc12ddc8b02740867, 0x195a5efea6b34767},
    {0x3424b06f3529a052, 0x14484bfeebc29f86}, {0x901d59f290ee19db, 0x1039d66589687f9e},
    {0x4cfbc31db4b0295f, 0x19f623d5a8a73297}, {0x3d9635b15d59bab2, 0x14c4e977ba1f5bac},
    {0x97ab5e277de16228, 0x109d8792fb4c4956}, {0xf2abc9d8c9689d0d, 0x1a95a5b7f87a0ef0},
    {0x5bbca17a3aba173e, 0x154484932d2e725a}, {0xafca1ac82efb45cb, 0x11039d428a8b8eae},
    {0xb2dcf7a6b1920945, 0x1b38fb9daa78e44a}, {0xf57d92ebc141a104, 0x15c72fb1552d836e},
    {0xc46475896767b403, 0x116c262777579c58}, {0x6d6d88dbd8a5ecd2, 0x1be03d0bf225c6f4},
    {0x8abe071646eb23db, 0x164cfda3281e38c3}, {0x6efe6c11d255b649, 0x11d7314f534b609c},
    {0xb197134fb6ef8a0e, 0x1c8b821885456760}, {0x27ac0f72f8bfa1a5, 0x16d601ad376ab91a},
    {0xb95672c260994e1e, 0x1244ce242c5560e1}, {0xf5571e03cdc21695, 0x1d3ae36d13bbce35},
    {0x2aac18030b01abab, 0x17624f8a762fd82b}, {0xbbbce0026f348956, 0x12b50c6ec4f31355},
    {0x92c7ccd0b1eda889, 0x1dee7a4ad4b81eef}, {0xdbd30a408e57ba07, 0x17f1fb6f10934bf2},
    {0x7ca8d50071dfc806, 0x1327fc58da0f6ff5}, {0xfaa7bb33e9660cd6, 0x1ea6608e29b24cbb},
    {0x9552fc298784d711, 0x18851a0b548ea3c9}, {0xaaa8c9bad2d0ac0e, 0x139dae6f76d88307},
    {0xdddadc5e1e1aace3, 0x1f62b0b257c0d1a5}, {0x7e48b04b4b488a4f, 0x191bc08eac9a4151},
    {0xcb6d59d5d5d3a1d9, 0x141633a556e1cdda}, {0x3c577b1177dc817b, 0x1011c2eaabe7d7e2},
    {0xc6f25e825960cf2a, 0x19b604aaaca62636}, {0x6bf518684780a5bb, 0x14919d5556eb51c5},
    {0x232a79ed06008496, 0x10747ddddf22a7d1}, {0xd1dd8fe1a3340756, 0x1a53fc9631d10c81},
    {0xa7e4731ae8f66c45, 0x150ffd44f4a73d34}, {0x531d28e253f8569e, 0x10d9976a5d52975d},
    {0xeb61db03b98d5762, 0x1af5bf109550f22e}, {0xbc4e48cfc7a445e8, 0x159165a6ddda5b58},
    {0x6371d3d96c836b20, 0x11411e1f17e1e2ad}, {0x9f1c8628ad9f11cd, 0x1b9b6364f3030448},
    {0xe5b06b53be18db0b, 0x1615e91d8f359d06}, {0xeaf3890fcb4715a2, 0x11ab20e472914a6b},
    {0x44b8db4c7871bc37, 0x1c45016d841baa46}, {0x03c715d6c6c1635f, 0x169d9abe03495505},
    {0x3638de456bcde919, 0x1217aefe69077737}, {0x56c163a2461641c1, 0x1cf2b1970e725858},
    {0xdf011c81d1ab67ce, 0x17288e1271f51379}, {0x7f3416ce4155eca5, 0x1286d80ec190dc61},
    {0x6520247d3556476e, 0x1da48ce468e7c702}, {0xea801d30f7783925, 0x17b6d71d20b96c01},
    {0xbb99b0f3f92cfa84, 0x12f8ac174d612334}, {0x5f5c4e532847f739, 0x1e5aacf215683854},
    {0x7f7d0b75b9d32c2e, 0x18488a5b44536043}, {0x9930d5f7c7dc2358, 0x136d3b7c36a919cf},
    {0x8eb4898c72f9d226, 0x1f152bf9f10e8fb2}, {0x722a07a38f2e41b8, 0x18ddbcc7f40ba628},
    {0xc1bb394fa5be9afa, 0x13e497065cd61e86}, {0x9c5ec2190930f7f6, 0x1fd424d6faf030d7},
    {0x49e56814075a5ff8, 0x197683df2f268d79}, {0x6e51201005e1e660, 0x145ecfe5bf520ac7},
    {0xf1da800cd181851a, 0x104bd984990e6f05}, {0x4fc400148268d4f5, 0x1a12f5a0f4e3e4d6},
    {0xd96999aa01ed772b, 0x14dbf7b3f71cb711}, {0xadee1488018ac5bc, 0x10aff95cc5b09274},
    {0x497ceda668de092c, 0x1ab328946f80ea54}, {0x3aca57b853e4d424, 0x155c2076bf9a5510},
    {0x623b7960431d7683, 0x1116805effaeaa73}, {0x9d2bf566d1c8bd9e, 0x1b5733cb32b110b8},
    {0x7dbcc452416d647f, 0x15df5ca28ef40d60}, {0xcafd69db678ab6cc, 0x117f7d4ed8c33de6},
    {0xab2f0fc572778adf, 0x1bff2ee48e052fd7}, {0x88f273045b92d580, 0x1665bf1d3e6a8cac},
    {0xd3f528d049424466, 0x11eaff4a98553d56}, {0xb988414d4203a0a3, 0x1cab3210f3bb9557},
    {0x6139cdd76802e6e9, 0x16ef5b40c2fc7779}, {0xe761717920025254, 0x125915cd68c9f92d},
    {0xa568b58e999d5086, 0x1d5b561574765b7c}, {0x5120913ee14aa6d2, 0x177c44ddf6c515fd},
    {0xa74d40ff1aa21f0e, 0x12c9d0b1923744ca}, {0x0baece64f769cb4a, 0x1e0fb44f50586e11},
    {0x3c8bd850c5ee3c3b, 0x180c903f7379f1a7}, {0xca0979da37f1c9c9, 0x133d4032c2c7f485},
    {0xa9a8c2f6bfe942db, 0x1ec866b79e0cba6f}, {0x2153cf2bccba9be3, 0x18a0522c7e709526},
    {0x1aa9728970954982, 0x13b374f06526ddb8}, {0xf775840f1a88759d, 0x1f8587e7083e2f8c},
    {0x5f9136727ba05e17, 0x19379fec0698260a}, {0x1940f85b9619e4df, 0x142c7ff0054684d5},
    {0xe100c6afab47ea4c, 0x1023998cd1053710}, {0xce67a44c453fdd47, 0x19d28f47b4d524e7},
    {0xd852e9d69dccb106, 0x14a8729fc3ddb71f}, {0x79dbee454b0a2738, 0x1086c219697e2c19},
    {0x295fe3a211a9d859, 0x1a71368f0f30468f}, {0xbab31c81a7bb137a, 0x15275ed8d8f36ba5},
    {0x6228e39aec95a92f, 0x10ec4be0ad8f8951}, {0x9d0e38f7e0ef7517, 0x1b13ac9aaf4c0ee8},
    {0xb0d82d931a592a79, 0x15a956e225d67253}, {0x8d79be0f4847552e, 0x11544581b7dec1dc},
    {0x158f967eda0bbb7c, 0x1bba08cf8c979c94}, {0x77a611ff14d62f97, 0x162e6d72d6dfb076},
    {0xf951a7ff43de8c79, 0x11bebdf578b2f391}, {0xc21c3ffed2fdad8e, 0x1c6463225ab7ec1c},
    {0x01b0333242648ad8, 0x16b6b5b5155ff017}, {0x0159c28e9b83a246, 0x122bc490dde659ac},
    {0xcef604175f3903a3, 0x1d12d41afca3c2ac}, {0x725e69ac4c2d9c83, 0x17424348ca1c9bbd},
    {0xf5185489d68ae39c, 0x129b69070816e2fd}, {0xee8d540fbdab05c6, 0x1dc574d80cf16b2f},
    {0xbed77672fe226b05, 0x17d12a4670c1228c}, {0xff12c528cb4ebc04, 0x130dbb6b8d674ed6},
    {0xcb513b74787df9a0, 0x1e7c5f127bd87e24}, {0x090dc929f9fe614d, 0x18637f41fcad31b7},
    {0xa0d7d42194cb810a, 0x1382cc34ca2427c5}, {0x67bfb9cf5478ce77, 0x1f37ad21436d0c6f},
    {0x1fcc94a5dd2d71f9, 0x18f9574dcf8a7059}, {0x7fd6dd517dbdf4c7, 0x13faac3e3fa1f37a},
    {0xffbe2ee8c92fee0b, 0x1ff779fd329cb8c3}, {0x6631bf20a0f324d6, 0x1992c7fdc216fa36},
    {0xb827cc1a1a5c1d78, 0x14756ccb01abfb5e}, {0x935309ae7b7ce460, 0x105df0a267bcc918},
    {0x1eeb42b0c594a099, 0x1a2fe76a3f9474f4}, {0xe58902270476e6e1, 0x14f31f8832dd2a5c},
    {0xb7a0ce859d2bebe7, 0x10c27fa028b0eeb0}, {0x59014a6f61dfdfd8, 0x1ad0cc33744e4ab4},
    {0xe0cdd525e7e64cad, 0x1573d68f903ea229}, {0x4d7177518651d6f1, 0x11297872d9cbb4ee},
    {0x7be8bee8d6e957e8, 0x1b758d848fac54b0}, {0xfcba3253df211320, 0x15f7a46a0c89dd59},
    {0x63c8284318e74280, 0x1192e9ee706e4aae}, {0x060d0d3827d86a66, 0x1c1e43171a4a1117},
    {0x6b3da42cecad21eb, 0x167e9c127b6e7412}, {0x88fe1cf0bd574e56, 0x11fee341fc585cdb},
    {0x419694b462254a23, 0x1ccb0536608d615f}, {0x67abaa29e81dd4e9, 0x1708d0f84d3de77f},
    {0xb95621bb2017dd87, 0x126d73f9d764b932}, {0xc223692b668c95a5, 0x1d7becc2f23ac1ea},
    {0xce82ba891ed6de1d, 0x179657025b6234bb}, {0xa53562074bdf1818, 0x12deac01e2b4f6fc},
    {0x3b889cd87964f359, 0x1e3113363787f194}, {0xfc6d4a46c783f5e1, 0x18274291c6065adc},
    {0x30576e9f06032b1a, 0x13529ba7d19eaf17}, {0x1a257dcb3cd1de90, 0x1eea92a61c311825},
    {0x481dfe3c30a7e540, 0x18bba884e35a79b7}, {0xd34b31c9c0865100, 0x13c9539d82aec7c5},
    {0x5211e942cda3b4cd, 0x1fa885c8d117a609}, {0x74db21023e1c90a4, 0x19539e3a40dfb807},
    {0xf715b401cb4a0d50, 0x1442e4fb67196005}, {0xf8de299b09080aa7, 0x103583fc527ab337},
    {0x8e304291a80cddd7, 0x19ef3993b72ab859}, {0x3e8d020e200a4b13, 0x14bf6142f8eef9e1},
    {0x653d9b3e80083c0f, 0x10991a9bfa58c7e7}, {0x6ec8f864000d2ce4, 0x1a8e90f9908e0ca5},
    {0x8bd3f9e999a423ea, 0x153eda614071a3b7}, {0x3ca994bae1501cbb, 0x10ff151a99f482f9},
    {0xc775bac49bb3612b, 0x1b31bb5dc320d18e}, {0xd2c4956a16291a89, 0x15c162b168e70e0b},
    {0xdbd0778811ba7ba1, 0x11678227871f3e6f}, {0x2c80bf401c5d929b, 0x1bd8d03f3e9863e6},
    {0xbd33cc3349e47549, 0x16470cff6546b651}, {0xca8fd68f6e505dd4, 0x11d270cc51055ea7},
    {0x4419574be3b3c953, 0x1c83e7ad4e6efdd9}, {0x0347790982f63aa9, 0x16cfec8aa52597e1},
    {0xcf6c60d468c4fbba, 0x123ff06eea847980}, {0xe57a34870e07f92a, 0x1d331a4b10d3f59a},
    {0x512e906c0b399422, 0x175c1508da432ae2}, {0xda8ba6bcd5c7a9b5, 0x12b010d3e1cf5581},
    {0x90df712e22d90f87, 0x1de6815302e5559c}, {0xda4c5a8b4f140c6c, 0x17eb9aa8cf1dde16},
    {0xaea37ba2a5a9a38a, 0x1322e220a5b17e78}, {0x7dd25f6aa2a905a9, 0x1e9e369aa2b59727},
    {0x97db7f888220d154, 0x187e92154ef7ac1f}, {0x797c6606ce80a777, 0x139874ddd8c6234c},
    {0x8f2d700ae4010bf1, 0x1f5a549627a36bad}, {0x0c2459a25000d65a, 0x191510781fb5efbe},
    {0x701d1481d99a4515, 0x1410d9f9b2f7f2fe}, {0xc017439b147b6a77, 0x100d7b2e28c65bfe},
    {0xccf205c4ed9243f2, 0x19af2b7d0e0a2cca}, {0x0a5b37d0be0e9cc2, 0x148c22ca71a1bd6f},
    {0x0848f973cb3ee3ce, 0x10701bd527b4978c}, {0xda0e5bec78649fb0, 0x1a4cf9550c5425ac},
    {0x7b3eaff060507fc0, 0x150a6110d6a9b7bd}, {0x95cbbff380406633, 0x10d51a73deee2c97},
    {0xefac665266cd7052, 0x1aee90b964b04758}, {0x2623850eb8a459db, 0x158ba6fab6f36c47},
    {0x1e82d0d893b6ae49, 0x113c85955f29236c}, {0xfd9e1af41f8ab075, 0x1b9408eefea838ac},
    {0x97b1af29b2d559f7, 0x16100725988693bd}, {0xac8e25baf5777b2c, 0x11a66c1e139edc97},
    {0x7a7d092b2258c513, 0x1c3d79c9b8fe2dbf}, {0x61fda0ef4ead6a76, 0x169794a160cb57cc},
    {0xe7fe1a590bbdeec5, 0x1212dd4de7091309}, {0xa6635d5b45fcb13a, 0x1ceafbafd80e84dc},
    {0x851c4aaf6b308dc8, 0x172262f3133ed0b0}, {0xd0e36ef2bc26d7d4, 0x1281e8c275cbda26},
    {0xb49f17eac6a48c86, 0x1d9ca79d894629d7}, {0x2a18dfef0550706b, 0x17b08617a104ee46},
    {0x54e0b3259dd9f389, 0x12f39e794d9d8b6b}, {0x87cdeb6f62f65274, 0x1e5297287c2f4578},
    {0xd30b22bf825ea85d, 0x18421286c9bf6ac6}, {0x0f3c1bcc684bb9e4, 0x13680ed23aff889f},
    {0x18602c7a4079296d, 0x1f0ce4839198da98}, {0x46b356c833942124, 0x18d71d360e13e213},
    {0x388f78a029434db6, 0x13df4a91a4dcb4dc}, {0x5a7f2766a86baf8a, 0x1fcbaa82a1612160},
    {0x153285ebb9efbfa2, 0x196fbb9bb44db44d}, {0xaa8ed189618c994e, 0x145962e2f6a4903d},
    {0xeed8a7a11ad6e10c, 0x1047824f2bb6d9ca}, {0x7e27729b5e249b45, 0x1a0c03b1df8af611},
    {0xfe85f549181d4904, 0x14d6695b193bf80d}, {0xcb9e5dd4134aa0d0, 0x10ab877c142ff9a4},
    {0xdf63c9535211014d, 0x1aac0bf9b9e65c3a}, {0x191ca10f74da6771, 0x15566ffafb1eb02f},
    {0xadb080d92a4852c1, 0x1111f32f2f4bc025}, {0x15e7348eaa0d5134, 0x1b4feb7eb212cd09},
    {0xab1f5d3eee710dc4, 0x15d98932280f0a6d}, {0xbc1917658b8da49d, 0x117ad428200c0857},
    {0x2cf4f23c127c3a94, 0x1bf7b9d9cce00d59}, {0xf0c3f4fcdb969543, 0x165fc7e170b33de0},
    {0x5a365d9716121103, 0x11e6398126f5cb1a}, {0x9056fc24f01ce804, 0x1ca38f350b22de90},
    {0xd9df301d8ce3ecd0, 0x16e93f5da2824ba6}, {0xe17f59b13d8323da, 0x125432b14ecea2eb},
    {0x68cbc2b52f38395c, 0x1d53844ee47dd179}, {0x53d6355dbf602de3, 0x177603725064a794},
    {0xa9782ab165e68b1c, 0x12c4cf8ea6b6ec76}, {0x0f26aab56fd744fa, 0x1e07b27dd78b13f1},
    {0x3f52222abfdf6a62, 0x18062864ac6f4327}, {0x65db4e88997f884e, 0x1338205089f29c1f},
    {0x6fc54a7428cc0d4a, 0x1ec033b40fea9365}, {0x596aa1f68709a43b, 0x1899c2f673220f84},
    {0xadeee7f86c07b696, 0x13ae3591f5b4d936}, {0x497e3ff3e00c5756, 0x1f7d228322baf524},
    {0xd464fff64cd6ac45, 0x1930e868e89590e9}, {0x4383fff83d7889d1, 0x14272053ed4473ee},
    {0xcf9cccc69793a174, 0x101f4d0ff1038ff1}, {0x7f6147a425b90252, 0x19cbae7fe805b31c},
    {0xcc4dd2e9b7c7350f, 0x14a2f1ffecd15c16}, {0x3d0b0f215fd290d9, 0x10825b3323dab012},
    {0x61ab4b689950e7c1, 0x1a6a2b85062ab350}, {0x4e22a2ba1440b967, 0x1521bc6a6b555c40},
    {0x0b4ee894dd009453, 0x10e7c9eebc4449cd}, {0x1217da87c800ed51, 0x1b0c764ac6d3a948},
    {0xdb46486ca000bdda, 0x15a391d56bdc876c}, {0x490506bd4ccd64af, 0x114fa7ddefe39f8a},
    {0xa8080ac87ae23ab1, 0x1bb2a62fe638ff43}, {0x5339a239fbe82ef4, 0x162884f31e93ff69},
    {0x75c7b4fb2fecf25d, 0x11ba03f5b20fff87}, {0x22d92191e647ea2e, 0x1c5cd322b67fff3f},
    {0xb57a8141850654f2, 0x16b0a8e891ffff65}, {0xc4620101373843f5, 0x1226ed86db3332b7},
    {0x3a366801f1f39fee, 0x1d0b15a491eb8459}, {0xfb5eb99b27f6198b, 0x173c115074bc69e0},
    {0x2f7efae2865e7ad6, 0x129674405d6387e7}, {0xe597f7d0d6fd9156, 0x1dbd86cd6238d971},
    {0x8479930d78cadaab, 0x17cad23de82d7ac1}, {0xd06142712d6f1556, 0x1308a831868ac89a},
    {0x4d686a4eaf182222, 0x1e74404f3daada91}, {0xa453883ef279b4e8, 0x185d003f6488aeda},
    {0xe9dc6cff28615d87, 0x137d99cc506d58ae}, {0xa960ae650d6895a4, 0x1f2f5c7a1a488de4},
    {0xbab3beb73ded4483, 0x18f2b061aea07183},
};

/* pow5_split[i] = 5^i scaled to exactly 125 bits (truncated), i = 0..325,
   as {low, high} 64-bit halves. */
static const uint64_t pow5_split[326][2] = {
    {0x0000000000000000, 0x1000000000000000}, {0x0000000000000000, 0x1400000000000000},
    {0x0000000000000000, 0x1900000000000000}, {0x0000000000000000, 0x1f40000000000000},
    {0x0000000000000000, 0x1388000000000000}, {0x0000000000000000, 0x186a000000000000},
    {0x0000000000000000, 0x1e84800000000000}, {0x0000000000000000, 0x1312d00000000000},
    {0x0000000000000000, 0x17d7840000000000}, {0x0000000000000000, 0x1dcd650000000000},
    {0x0000000000000000, 0x12a05f2000000000}, {0x0000000000000000, 0x174876e800000000},
    {0x0000000000000000, 0x1d1a94a200000000}, {0x0000000000000000, 0x12309ce540000000},
    {0x0000000000000000, 0x16bcc41e90000000}, {0x0000000000000000, 0x1c6bf52634000000},
    {0x0000000000000000, 0x11c37937e0800000}, {0x0000000000000000, 0x16345785d8a00000},
    {0x0000000000000000, 0x1bc16d674ec80000}, {0x0000000000000000, 0x1158e460913d0000},
    {0x0000000000000000, 0x15af1d78b58c4000}, {0x0000000000000000, 0x1b1ae4d6e2ef5000},
    {0x0000000000000000, 0x10f0cf064dd59200}, {0x0000000000000000, 0x152d02c7e14af680},
    {0x0000000000000000, 0x1a784379d99db420}, {0x0000000000000000, 0x108b2a2c28029094},
    {0x0000000000000000, 0x14adf4b7320334b9}, {0x4000000000000000, 0x19d971e4fe8401e7},
    {0x8800000000000000, 0x1027e72f1f128130}, {0xaa00000000000000, 0x1431e0fae6d7217c},
    {0xd480000000000000, 0x193e5939a08ce9db}, {0xc9a0000000000000, 0x1f8def8808b02452},
    {0xbe04000000000000, 0x13b8b5b5056e16b3}, {0xad85000000000000, 0x18a6e32246c99c60},
    {0xd8e6400000000000, 0x1ed09bead87c0378}, {0x878fe80000000000, 0x13426172c74d822b},
    {0x6973e20000000000, 0x1812f9cf7920e2b6}, {0x03d0da8000000000, 0x1e17b84357691b64},
    {0x8262889000000000, 0x12ced32a16a1b11e}, {0x22fb2ab400000000, 0x178287f49c4a1d66},
    {0xabb9f56100000000, 0x1d6329f1c35ca4bf}, {0xcb54395ca0000000, 0x125dfa371a19e6f7},
    {0xbe2947b3c8000000, 0x16f578c4e0a060b5}, {0x2db399a0ba000000, 0x1cb2d6f618c878e3},
    {0xfc90400474400000, 0x11efc659cf7d4b8d}, {0x7bb4500591500000, 0x166bb7f0435c9e71},
    {0xdaa16406f5a40000, 0x1c06a5ec5433c60d}, {0xa8a4de8459868000, 0x118427b3b4a05bc8},
    {0xd2ce16256fe82000, 0x15e531a0a1c872ba}, {0x87819baecbe22800, 0x1b5e7e08ca3a8f69},
    {0xf4b1014d3f6d5900, 0x111b0ec57e6499a1}, {0x71dd41a08f48af40, 0x1561d276ddfdc00a},
    {0x0e549208b31adb10, 0x1aba4714957d300d}, {0x28f4db456ff0c8ea, 0x10b46c6cdd6e3e08},
    {0x33321216cbecfb24, 0x14e1878814c9cd8a}, {0xbffe969c7ee839ed, 0x1a19e96a19fc40ec},
    {0xf7ff1e21cf512434, 0x105031e2503da893}, {0xf5fee5aa43256d41, 0x14643e5ae44d12b8},
    {0x337e9f14d3eec892, 0x197d4df19d605767}, {0x005e46da08ea7ab6, 0x1fdca16e04b86d41},
    {0xa03aec4845928cb2, 0x13e9e4e4c2f34448}, {0xc849a75a56f72fde, 0x18e45e1df3b0155a},
    {0x7a5c1130ecb4fbd6, 0x1f1d75a5709c1ab1}, {0xec798abe93f11d65, 0x13726987666190ae},
    {0xa797ed6e38ed64bf, 0x184f03e93ff9f4da}, {0x517de8c9c728bdef, 0x1e62c4e38ff87211},
    {0xd2eeb17e1c7976b5, 0x12fdbb0e39fb474a}, {0x87aa5ddda397d462, 0x17bd29d1c87a191d},
    {0xe994f5550c7dc97b, 0x1dac74463a989f64}, {0x11fd195527ce9ded, 0x128bc8abe49f639f},
    {0xd67c5faa71c24568, 0x172ebad6ddc73c86}, {0x8c1b77950e32d6c2, 0x1cfa698c95390ba8},
    {0x57912abd28dfc639, 0x121c81f7dd43a749}, {0xad75756c7317b7c8, 0x16a3a275d494911b},
    {0x98d2d2c78fdda5ba, 0x1c4c8b1349b9b562}, {0x9f83c3bcb9ea8794, 0x11afd6ec0e14115d},
    {0x0764b4abe8652979, 0x161bcca7119915b5}, {0x493de1d6e27e73d7, 0x1ba2bfd0d5ff5b22},
    {0x6dc6ad264d8f0866, 0x1145b7e285bf98f5}, {0xc938586fe0f2ca80, 0x159725db272f7f32},
    {0x7b866e8bd92f7d20, 0x1afcef51f0fb5eff}, {0xad34051767bdae34, 0x10de1593369d1b5f},
    {0x9881065d41ad19c1, 0x15159af804446237}, {0x7ea147f492186032, 0x1a5b01b605557ac5},
    {0x6f24ccf8db4f3c1f, 0x1078e111c3556cbb}, {0x4aee003712230b27, 0x14971956342ac7ea},
    {0xdda98044d6abcdf0, 0x19bcdfabc13579e4}, {0x0a89f02b062b60b6, 0x10160bcb58c16c2f},
    {0xcd2c6c35c7b638e4, 0x141b8ebe2ef1c73a}, {0x8077874339a3c71d, 0x1922726dbaae3909},
    {0xe0956914080cb8e4, 0x1f6b0f092959c74b}, {0x6c5d61ac8507f38e, 0x13a2e965b9d81c8f},
    {0x4774ba17a649f072, 0x188ba3bf284e23b3}, {0x1951e89d8fdc6c8f, 0x1eae8caef261aca0},
    {0x0fd3316279e9c3d9, 0x132d17ed577d0be4}, {0x13c7fdbb186434cf, 0x17f85de8ad5c4edd},
    {0x58b9fd29de7d4203, 0x1df67562d8b36294}, {0xb7743e3a2b0e4942, 0x12ba095dc7701d9c},
    {0xe5514dc8b5d1db92, 0x17688bb5394c2503}, {0xdea5a13ae3465277, 0x1d42aea2879f2e44},
    {0x0b2784c4ce0bf38a, 0x1249ad2594c37ceb}, {0xcdf165f6018ef06d, 0x16dc186ef9f45c25},
    {0x416dbf7381f2ac88, 0x1c931e8ab871732f}, {0x88e497a83137abd5, 0x11dbf316b346e7fd},
    {0xeb1dbd923d8596ca, 0x1652efdc6018a1fc}, {0x25e52cf6cce6fc7d, 0x1be7abd3781eca7c},
    {0x97af3c1a40105dce, 0x1170cb642b133e8d}, {0xfd9b0b20d0147542, 0x15ccfe3d35d80e30},
    {0x3d01cde904199292, 0x1b403dcc834e11bd}, {0x462120b1a28ffb9b, 0x1108269fd210cb16},
    {0xd7a968de0b33fa82, 0x154a3047c694fddb}, {0xcd93c3158e00f923, 0x1a9cbc59b83a3d52},
    {0xc07c59ed78c09bb6, 0x10a1f5b813246653}, {0xb09b7068d6f0c2a3, 0x14ca732617ed7fe8},
    {0xdcc24c830cacf34c, 0x19fd0fef9de8dfe2}, {0xc9f96fd1e7ec180f, 0x103e29f5c2b18bed},
    {0x3c77cbc661e71e13, 0x144db473335deee9}, {0x8b95beb7fa60e598, 0x1961219000356aa3},
    {0x6e7b2e65f8f91efe, 0x1fb969f40042c54c}, {0xc50cfcffbb9bb35f, 0x13d3e2388029bb4f},
    {0xb6503c3faa82a037, 0x18c8dac6a0342a23}, {0xa3e44b4f95234844, 0x1efb1178484134ac},
    {0xe66eaf11bd360d2b, 0x135ceaeb2d28c0eb}, {0xe00a5ad62c839075, 0x183425a5f872f126},
    {0x980cf18bb7a47493, 0x1e412f0f768fad70}, {0x5f0816f752c6c8dc, 0x12e8bd69aa19cc66},
    {0xf6ca1cb527787b13, 0x17a2ecc414a03f7f}, {0xf47ca3e2715699d7, 0x1d8ba7f519c84f5f},
    {0xf8cde66d86d62026, 0x127748f9301d319b}, {0xf7016008e88ba830, 0x17151b377c247e02},
    {0xb4c1b80b22ae923c, 0x1cda62055b2d9d83}, {0x50f91306f5ad1b65, 0x12087d4358fc8272},
    {0xe53757c8b318623f, 0x168a9c942f3ba30e}, {0x9e852dbadfde7acf, 0x1c2d43b93b0a8bd2},
    {0xa3133c94cbeb0cc1, 0x119c4a53c4e69763}, {0x8bd80bb9fee5cff1, 0x16035ce8b6203d3c},
    {0xaece0ea87e9f43ee, 0x1b843422e3a84c8b}, {0x4d40c9294f238a75, 0x1132a095ce492fd7},
    {0x2090fb73a2ec6d12, 0x157f48bb41db7bcd}, {0x68b53a508ba78856, 0x1adf1aea12525ac0},
    {0x417144725748b536, 0x10cb70d24b7378b8}, {0x51cd958eed1ae283, 0x14fe4d06de5056e6},
    {0xe640faf2a8619b24, 0x1a3de04895e46c9f}, {0xefe89cd7a93d00f7, 0x1066ac2d5daec3e3},
    {0xebe2c40d938c4134, 0x14805738b51a74dc}, {0x26db7510f86f5181, 0x19a06d06e2611214},
    {0x9849292a9b4592f1, 0x100444244d7cab4c}, {0xbe5b73754216f7ad, 0x1405552d60dbd61f},
    {0xadf25052929cb598, 0x1906aa78b912cba7}, {0x996ee4673743e2ff, 0x1f485516e7577e91},
    {0xffe54ec0828a6ddf, 0x138d352e5096af1a}, {0xbfdea270a32d0957, 0x18708279e4bc5ae1},
    {0x2fd64b0ccbf84bad, 0x1e8ca3185deb719a}, {0x5de5eee7ff7b2f4c, 0x1317e5ef3ab32700},
    {0x755f6aa1ff59fb1f, 0x17dddf6b095ff0c0}, {0x92b7454a7f3079e7, 0x1dd55745cbb7ecf0},
    {0x5bb28b4e8f7e4c30, 0x12a5568b9f52f416}, {0xf29f2e22335ddf3c, 0x174eac2e8727b11b},
    {0xef46f9aac035570b, 0x1d22573a28f19d62}, {0xd58c5c0ab8215667, 0x123576845997025d},
    {0x4aef730d6629ac01, 0x16c2d4256ffcc2f5}, {0x9dab4fd0bfb41701, 0x1c73892ecbfbf3b2},
    {0xa28b11e277d08e60, 0x11c835bd3f7d784f}, {0x8b2dd65b15c4b1f9, 0x163a432c8f5cd663},
    {0x6df94bf1db35de77, 0x1bc8d3f7b3340bfc}, {0xc4bbcf772901ab0a, 0x115d847ad000877d},
    {0x35eac354f34215cd, 0x15b4e5998400a95d}, {0x8365742a30129b40, 0x1b221effe500d3b4},
    {0xd21f689a5e0ba108, 0x10f5535fef208450}, {0x06a742c0f58e894a, 0x1532a837eae8a565},
    {0x4851137132f22b9d, 0x1a7f5245e5a2cebe}, {0xed32ac26bfd75b42, 0x108f936baf85c136},
    {0xa87f57306fcd3212, 0x14b378469b673184}, {0xd29f2cfc8bc07e97, 0x19e056584240fde5},
    {0xa3a37c1dd7584f1e, 0x102c35f729689eaf}, {0x8c8c5b254d2e62e6, 0x14374374f3c2c65b},
    {0x6faf71eea079fb9f, 0x1945145230b377f2}, {0x0b9b4e6a48987a87, 0x1f965966bce055ef},
    {0x674111026d5f4c94, 0x13bdf7e0360c35b5}, {0xc111554308b71fba, 0x18ad75d8438f4322},
    {0x7155aa93cae4e7a8, 0x1ed8d34e547313eb}, {0x26d58a9c5ecf10c9, 0x13478410f4c7ec73},
    {0xf08aed437682d4fb, 0x1819651531f9e78f}, {0xecada89454238a3a, 0x1e1fbe5a7e786173},
    {0x73ec895cb4963664, 0x12d3d6f88f0b3ce8}, {0x90e7abb3e1bbc3fd, 0x1788ccb6b2ce0c22},
    {0x352196a0da2ab4fd, 0x1d6affe45f818f2b}, {0x0134fe24885ab11e, 0x1262dfeebbb0f97b},
    {0xc1823dadaa715d65, 0x16fb97ea6a9d37d9}, {0x31e2cd19150db4bf, 0x1cba7de5054485d0},
    {0x1f2dc02fad2890f7, 0x11f48eaf234ad3a2}, {0xa6f9303b9872b535, 0x1671b25aec1d888a},
    {0x50b77c4a7e8f6282, 0x1c0e1ef1a724eaad}, {0x5272adae8f199d91, 0x1188d357087712ac},
    {0x670f591a32e004f6, 0x15eb082cca94d757}, {0x40d32f60bf980633, 0x1b65ca37fd3a0d2d},
    {0x4883fd9c77bf03e0, 0x111f9e62fe44483c}, {0x5aa4fd0395aec4d8, 0x156785fbbdd55a4b},
    {0x314e3c447b1a760e, 0x1ac1677aad4ab0de}, {0xded0e5aaccf089c9, 0x10b8e0acac4eae8a},
    {0x96851f15802cac3b, 0x14e718d7d7625a2d}, {0xfc2666dae037d74a, 0x1a20df0dcd3af0b8},
    {0x9d980048cc22e68e, 0x10548b68a044d673}, {0x84fe005aff2ba032, 0x1469ae42c8560c10},
    {0xa63d8071bef6883e, 0x198419d37a6b8f14}, {0xcfcce08e2eb42a4e, 0x1fe52048590672d9},
    {0x21e00c58dd309a70, 0x13ef342d37a407c8}, {0x2a580f6f147cc10d, 0x18eb0138858d09ba},
    {0xb4ee134ad99bf150, 0x1f25c186a6f04c28}, {0x7114cc0ec80176d2, 0x137798f428562f99},
    {0xcd59ff127a01d486, 0x18557f31326bbb7f}, {0xc0b07ed7188249a8, 0x1e6adefd7f06aa5f},
    {0xd86e4f466f516e09, 0x1302cb5e6f642a7b}, {0xce89e3180b25c98b, 0x17c37e360b3d351a},
    {0x822c5bde0def3bee, 0x1db45dc38e0c8261}, {0xf15bb96ac8b58575, 0x1290ba9a38c7d17c},
    {0x2db2a7c57ae2e6d2, 0x1734e940c6f9c5dc}, {0x391f51b6d99ba086, 0x1d022390f8b83753},
    {0x03b3931248014454, 0x1221563a9b732294}, {0x04a077d6da019569, 0x16a9abc9424feb39},
    {0x45c895cc9081fac3, 0x1c5416bb92e3e607}, {0x8b9d5d9fda513cba, 0x11b48e353bce6fc4},
    {0xae84b507d0e58be8, 0x1621b1c28ac20bb5}, {0x1a25e249c51eeee3, 0x1baa1e332d728ea3},
    {0xf057ad6e1b33554d, 0x114a52dffc679925}, {0x6c6d98c9a2002aa1, 0x159ce797fb817f6f},
    {0x4788fefc0a803549, 0x1b04217dfa61df4b}, {0x0cb59f5d8690214e, 0x10e294eebc7d2b8f},
    {0xcfe30734e83429a1, 0x151b3a2a6b9c7672}, {0x83dbc9022241340a, 0x1a6208b50683940f},
    {0xb2695da15568c086, 0x107d457124123c89}, {0x1f03b509aac2f0a7, 0x149c96cd6d16cbac},
    {0x26c4a24c1573acd1, 0x19c3bc80c85c7e97}, {0x783ae56f8d684c03, 0x101a55d07d39cf1e},
    {0x16499ecb70c25f03, 0x1420eb449c8842e6}, {0x9bdc067e4cf2f6c4, 0x19292615c3aa539f},
    {0x82d3081de02fb476, 0x1f736f9b3494e887}, {0xb1c3e512ac1dd0c9, 0x13a825c100dd1154},
    {0xde34de57572544fc, 0x18922f31411455a9}, {0x55c215ed2cee963b, 0x1eb6bafd91596b14},
    {0xb5994db43c151de5, 0x133234de7ad7e2ec}, {0xe2ffa1214b1a655e, 0x17fec216198ddba7},
    {0xdbbf89699de0feb6, 0x1dfe729b9ff15291}, {0x2957b5e202ac9f31, 0x12bf07a143f6d39b},
    {0xf3ada35a8357c6fe, 0x176ec98994f48881}, {0x70990c31242db8bd, 0x1d4a7bebfa31aaa2},
    {0x865fa79eb69c9376, 0x124e8d737c5f0aa5}, {0xe7f791866443b854, 0x16e230d05b76cd4e},
    {0xa1f575e7fd54a669, 0x1c9abd04725480a2}, {0xa53969b0fe54e801, 0x11e0b622c774d065},
    {0x0e87c41d3dea2202, 0x1658e3ab7952047f}, {0xd229b5248d64aa82, 0x1bef1c9657a6859e},
    {0x435a1136d85eea91, 0x117571ddf6c81383}, {0x143095848e76a536, 0x15d2ce55747a1864},
    {0x193cbae5b2144e83, 0x1b4781ead1989e7d}, {0x2fc5f4cf8f4cb112, 0x110cb132c2ff630e},
    {0xbbb77203731fdd56, 0x154fdd7f73bf3bd1}, {0x2aa54e844fe7d4ac, 0x1aa3d4df50af0ac6},
    {0xdaa75112b1f0e4eb, 0x10a6650b926d66bb}, {0xd15125575e6d1e26, 0x14cffe4e7708c06a},
    {0x85a56ead360865b0, 0x1a03fde214caf085}, {0x7387652c41c53f8e, 0x10427ead4cfed653},
    {0x50693e7752368f71, 0x14531e58a03e8be8}, {0x64838e1526c4334e, 0x1967e5eec84e2ee2},
    {0xfda4719a70754022, 0x1fc1df6a7a61ba9a}, {0xde86c70086494815, 0x13d92ba28c7d14a0},
    {0x162878c0a7db9a1a, 0x18cf768b2f9c59c9}, {0x5bb296f0d1d280a1, 0x1f03542dfb83703b},
    {0x194f9e5683239064, 0x1362149cbd322625}, {0x5fa385ec23ec747e, 0x183a99c3ec7eafae},
    {0xf78c67672ce7919d, 0x1e494034e79e5b99}, {0x3ab7c0a07c10bb02, 0x12edc82110c2f940},
    {0x4965b0c89b14e9c3, 0x17a93a2954f3b790}, {0x5bbf1cfac1da2433, 0x1d9388b3aa30a574},
    {0xb957721cb92856a0, 0x127c35704a5e6768}, {0xe7ad4ea3e7726c48, 0x171b42cc5cf60142},
    {0xa198a24ce14f075a, 0x1ce2137f74338193}, {0x44ff65700cd16498, 0x120d4c2fa8a030fc},
    {0x563f3ecc1005bdbe, 0x16909f3b92c83d3b}, {0x2bcf0e7f14072d2e, 0x1c34c70a777a4c8a},
    {0x5b61690f6c847c3d, 0x11a0fc668aac6fd6}, {0xf239c35347a59b4c, 0x16093b802d578bcb},
    {0xeec83428198f021f, 0x1b8b8a6038ad6ebe}, {0x553d20990ff96153, 0x1137367c236c6537},
    {0x2a8c68bf53f7b9a8, 0x1585041b2c477e85}, {0x752f82ef28f5a812, 0x1ae64521f7595e26},
    {0x093db1d57999890b, 0x10cfeb353a97dad8}, {0x0b8d1e4ad7ffeb4e, 0x1503e602893dd18e},
    {0x8e7065dd8dffe622, 0x1a44df832b8d45f1}, {0xf9063faa78bfefd5, 0x106b0bb1fb384bb6},
    {0xb747cf9516efebca, 0x1485ce9e7a065ea4}, {0xe519c37a5cabe6bd, 0x19a742461887f64d},
    {0xaf301a2c79eb7036, 0x1008896bcf54f9f0}, {0xdafc20b798664c43, 0x140aabc6c32a386c},
    {0x11bb28e57e7fdf54, 0x190d56b873f4c688}, {0x1629f31ede1fd72a, 0x1f50ac6690f1f82a},
    {0x4dda37f34ad3e67a, 0x13926bc01a973b1a}, {0xe150c5f01d88e019, 0x187706b0213d09e0},
    {0x19a4f76c24eb181f, 0x1e94c85c298c4c59}, {0xb0071aa39712ef13, 0x131cfd3999f7afb7},
    {0x9c08e14c7cd7aad8, 0x17e43c8800759ba5}, {0x030b199f9c0d958e, 0x1ddd4baa0093028f},
    {0x61e6f003c1887d79, 0x12aa4f4a405be199}, {0xba60ac04b1ea9cd7, 0x1754e31cd072d9ff},
    {0xa8f8d705de65440d, 0x1d2a1be4048f907f}, {0xc99b8663aaff4a88, 0x123a516e82d9ba4f},
    {0xbc0267fc95bf1d2a, 0x16c8e5ca239028e3}, {0xab0301fbbb2ee474, 0x1c7b1f3cac74331c},
    {0xeae1e13d54fd4ec9, 0x11ccf385ebc89ff1}, {0x659a598caa3ca27b, 0x1640306766bac7ee},
    {0xff00efefd4cbcb1a, 0x1bd03c81406979e9}, {0x3f6095f5e4ff5ef0, 0x116225d0c841ec32},
    {0xcf38bb735e3f36ac, 0x15baaf44fa52673e}, {0x8306ea5035cf0457, 0x1b295b1638e7010e},
    {0x11e4527221a162b6, 0x10f9d8ede39060a9}, {0x565d670eaa09bb64, 0x15384f295c7478d3},
    {0x2bf4c0d2548c2a3d, 0x1a8662f3b3919708}, {0x1b78f88374d79a66, 0x1093fdd8503afe65},
    {0x625736a4520d8100, 0x14b8fd4e6449bdfe}, {0xfaed044d6690e140, 0x19e73ca1fd5c2d7d},
    {0xbcd422b0601a8cc8, 0x103085e53e599c6e}, {0x6c092b5c78212ffa, 0x143ca75e8df0038a},
    {0x070b763396297bf8, 0x194bd136316c046d}, {0x48ce53c07bb3daf6, 0x1f9ec583bdc70588},
    {0x2d80f4584d5068da, 0x13c33b72569c6375}, {0x78e1316e60a48310, 0x18b40a4eec437c52},
};

/* 10^0 .. 10^19. */
static const uint64_t pow10_u64[20] = {
    1u, 10u, 100u, 1000u,
    10000u, 100000u, 1000000u, 10000000u,
    100000000u, 1000000000u, 10000000000u, 100000000000u,
    1000000000000u, 10000000000000u, 100000000000000u, 1000000000000000u,
    10000000000000000u, 100000000000000000u, 1000000000000000000u, 10000000000000000000u,
};

/* The bit length of 5^e, for 0 <= e <= 3528. */
static int pow5_bits(int e) {
  return (int)(((uint32_t)e * 1217359u) >> 19) + 1;
}

/* floor(log10(2^e)), for 0 <= e <= 1650. */
static int log10_pow2(int e) {
  return (int)(((uint32_t)e * 78913u) >> 18);
}

/* floor(log10(5^e)), for 0 <= e <= 2620. */
static int log10_pow5(int e) {
  return (int)(((uint32_t)e * 732923u) >> 20);
}

/* floor(m * mul / 2^j) for a 128-bit mul = {low, high} and j - 64 in [54, 61]
   (as for every normal double's j: then the shift is one double-word shift). */
static inline uint64_t mul_shift(uint64_t m, const uint64_t mul[2], int j) {
  Uint128 low = (Uint128)m * mul[0], high = (Uint128)m * mul[1], sum = (low >> 64) + high;
  int s = j - 64;
  return (uint64_t)sum >> s | (uint64_t)(sum >> 64) << (64 - s);
}

/* Does 5^q divide x (x > 0)? */
static bool divisible_by_pow5(uint64_t x, int q) {
  for (; q > 0; q--, x /= 5)
    if (x % 5 != 0) return false;
  return true;
}

/* Does 2^q divide x (x > 0)? */
static bool divisible_by_pow2(uint64_t x, int q) {
  return __builtin_ctzll(x) >= q;
}

/* A double and its read-back interval, times 10^-e10: the floors of the
   low end, the value and the high end, and whether each floor is exact. */
typedef struct {
  uint64_t low, mid, high;
  bool low_exact, mid_exact, high_exact;
  bool ends_read_back; /* an end reads back to v (even m2: ties go to v) */
  int e10;
} Scaled;

/* Scales v = m2 * 2^e2 (m2 in [2^52, 2^53)).  Values are counted in
   quarters of an ulp, v = 4*m2 * 2^(e2 - 2): v is 4*m2, the high end
   4*m2 + 2, the low end 4*m2 - 2, or 4*m2 - 1 when v is a power of two
   above the smallest normal (the gap below is half as wide).  Ryu's choice
   of e10 puts mid between 10 and 100 times 4*m2 (18 or 19 digits), except
   when e2 - 2 is in [-1, 3]: then mid is 4*m2 times 5, 1, 2, 4 or 8, exact
   (17 or 18 digits). */
static inline Scaled scale_interval(uint64_t m2, int e2, bool narrow_below) {
  uint64_t mv = 4 * m2, mp = mv + 2, mm = mv - (narrow_below ? 1 : 2);
  Scaled s;
  s.ends_read_back = (m2 & 1) == 0;
  e2 -= 2; /* Ryu's exponent: v = mv * 2^e2 */
  if (e2 >= 0) { /* mv * 2^e2 / 10^q: exact iff 5^q divides the multiplier */
    int q = log10_pow2(e2) - (e2 > 3);
    int j = -e2 + q + 125 + pow5_bits(q) - 1;
    const uint64_t *mul = pow5_inv_split[q];
    s.low = mul_shift(mm, mul, j), s.mid = mul_shift(mv, mul, j), s.high = mul_shift(mp, mul, j);
    s.low_exact = divisible_by_pow5(mm, q);
    s.mid_exact = divisible_by_pow5(mv, q);
    s.high_exact = divisible_by_pow5(mp, q);
    s.e10 = q;
  } else { /* mv * 5^i / 2^q: exact iff 2^q divides the multiplier */
    int q = log10_pow5(-e2) - (-e2 > 1);
    int i = -e2 - q;
    int j = q - (pow5_bits(i) - 125);
    const uint64_t *mul = pow5_split[i];
    s.low = mul_shift(mm, mul, j), s.mid = mul_shift(mv, mul, j), s.high = mul_shift(mp, mul, j);
    s.low_exact = divisible_by_pow2(mm, q);
    s.mid_exact = divisible_by_pow2(mv, q);
    s.high_exact = divisible_by_pow2(mp, q);
    s.e10 = q + e2;
  }
  return s;
}

/* "00" to "99": the two digits of 0..99. */
static const char digit_pairs[200] = {
    '0', '0', '0', '1', '0', '2', '0', '3', '0', '4', '0', '5', '0', '6', '0', '7', '0', '8', '0', '9',
    '1', '0', '1', '1', '1', '2', '1', '3', '1', '4', '1', '5', '1', '6', '1', '7', '1', '8', '1', '9',
    '2', '0', '2', '1', '2', '2', '2', '3', '2', '4', '2', '5', '2', '6', '2', '7', '2', '8', '2', '9',
    '3', '0', '3', '1', '3', '2', '3', '3', '3', '4', '3', '5', '3', '6', '3', '7', '3', '8', '3', '9',
    '4', '0', '4', '1', '4', '2', '4', '3', '4', '4', '4', '5', '4', '6', '4', '7', '4', '8', '4', '9',
    '5', '0', '5', '1', '5', '2', '5', '3', '5', '4', '5', '5', '5', '6', '5', '7', '5', '8', '5', '9',
    '6', '0', '6', '1', '6', '2', '6', '3', '6', '4', '6', '5', '6', '6', '6', '7', '6', '8', '6', '9',
    '7', '0', '7', '1', '7', '2', '7', '3', '7', '4', '7', '5', '7', '6', '7', '7', '7', '8', '7', '9',
    '8', '0', '8', '1', '8', '2', '8', '3', '8', '4', '8', '5', '8', '6', '8', '7', '8', '8', '8', '9',
    '9', '0', '9', '1', '9', '2', '9', '3', '9', '4', '9', '5', '9', '6', '9', '7', '9', '8', '9', '9',
};

/* c ? x : y by a conditional move, never a branch (which mispredicts when c
   varies from value to value). */
static inline uint64_t select64(bool c, uint64_t x, uint64_t y) {
#if defined(__x86_64__) && defined(__GNUC__)
  __asm__("test %2, %2\n\tcmovnz %1, %0" : "+r"(y) : "r"(x), "r"(c) : "cc");
  return y;
#else
  uint64_t mask = -(uint64_t)c;
  __asm__("" : "+r"(mask));
  return y ^ ((x ^ y) & mask);
#endif
}

/* Stores the 8 bytes of w at p. */
static inline void store_word(char *p, uint64_t w) {
  memcpy(p, &w, 8);
}

/* 16 ASCII digits in two words, the first digit in the lowest byte of lo
   (the first in memory on a little-endian host). */
typedef struct {
  uint64_t lo, hi;
} Digits16;

#ifdef __SSE2__
/* hi and lo (each < 10^8) as 16 ASCII digits, hi's first, in the lanes of one
   vector: each split into halves of 4 digits (x / 10^4 by a multiplication),
   the halves into pairs (/ 100, 16-bit lanes), the pairs into digits (/ 10),
   each quotient by a high multiplication that is exact in its range, and each
   remainder a subtraction; the quotient goes to the lower lane, the first in
   memory. */
static inline Digits16 ascii_16_digits(uint32_t hi, uint32_t lo) {
  __m128i x = _mm_unpacklo_epi64(_mm_cvtsi32_si128((int)hi), _mm_cvtsi32_si128((int)lo)); /* not through memory */
  __m128i q = _mm_srli_epi64(_mm_mul_epu32(x, _mm_set1_epi32((int)0xd1b71759)), 45);   /* x / 10^4 */
  __m128i r = _mm_sub_epi32(x, _mm_mul_epu32(q, _mm_set1_epi32(10000)));              /* x % 10^4 */
  __m128i t = _mm_or_si128(q, _mm_slli_epi64(r, 32));       /* 32-bit lanes < 10^4: [qh, rh, ql, rl] */
  /* 100 and 10 as values the compiler cannot see, so that it keeps one pmullw
     each instead of a chain of shifts and adds */
  __m128i k100 = _mm_set1_epi16(100), k10 = _mm_set1_epi16(10);
  __asm__("" : "+x"(k100), "+x"(k10));
  __m128i h = _mm_srli_epi16(_mm_mulhi_epu16(t, _mm_set1_epi16(5243)), 3);           /* / 100 */
  __m128i u = _mm_or_si128(h, _mm_slli_epi32(_mm_sub_epi16(t, _mm_mullo_epi16(h, k100)), 16));
  __m128i tens = _mm_mulhi_epu16(u, _mm_set1_epi16(6554));                          /* / 10 */
  __m128i d = _mm_or_si128(tens, _mm_slli_epi16(_mm_sub_epi16(u, _mm_mullo_epi16(tens, k10)), 8));
  d = _mm_or_si128(d, _mm_set1_epi8('0'));
  return (Digits16){(uint64_t)_mm_cvtsi128_si64(d), (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(d, d))};
}
#else
/* x < 10^8 as 8 ASCII digits in a word, the first digit in the lowest byte: the
   halves, quarters and digits split by multiplications in the lanes of one register. */
static uint64_t ascii_8_digits(uint32_t x) {
  uint64_t v = x / 10000 | (uint64_t)(x % 10000) << 32;             /* 2 lanes < 10^4 */
  uint64_t hundreds = (v * 5243 >> 19) & 0x0000007F0000007Fu;        /* /100, exact below 43699 */
  v = hundreds | (v - hundreds * 100) << 16;                         /* 4 lanes < 100 */
  uint64_t tens = (v * 103 >> 10) & 0x000F000F000F000Fu;             /* /10, exact below 179 */
  v = tens | (v - tens * 10) << 8;                                   /* 8 lanes < 10 */
  return v + 0x3030303030303030u;
}

/* hi and lo (each < 10^8) as 16 ASCII digits, hi's first. */
static inline Digits16 ascii_16_digits(uint32_t hi, uint32_t lo) {
  return (Digits16){ascii_8_digits(hi), ascii_8_digits(lo)};
}
#endif

/* Writes what %.{p}g prints for the 17 digits d (d * 10^(p - 17) has p
   significant digits, d = 10^17 after rounding carried) whose first digit has
   decimal exponent x: plain when -4 <= x < p, else d.ddde+XX, trailing zeros
   dropped either way.  The 16 digits after the first are made in two words of
   registers and stored whole, shifted in registers where a point goes between
   them: nothing is read back from memory (a narrow store read by a wider load
   stalls), and nothing is written past buf[31] (see the bounds below). */
static inline size_t write_g(char buf[32], bool neg, uint64_t d, int p, int x) {
  if (d == pow10_u64[17]) {
    d = pow10_u64[16];
    x++;
  }
  uint64_t first = d / pow10_u64[16], rest = d - first * pow10_u64[16];
  uint64_t high8 = rest / 100000000;
  Digits16 w = ascii_16_digits((uint32_t)high8, (uint32_t)(rest - high8 * 100000000));
  first += '0';
  /* digits without trailing zeros: up to the last byte that is not '0' */
  uint64_t nz1 = w.hi ^ 0x3030303030303030u, nz0 = w.lo ^ 0x3030303030303030u;
  int bits1 = 63 - __builtin_clzll(2 * nz1 + 1), bits0 = 63 - __builtin_clzll(2 * nz0 + 1);
  int n = ((int)select64(nz1 != 0, (uint64_t)(64 + bits1), (uint64_t)bits0) + 7) / 8 + 1;
  char *o = buf;
  *o = '-';
  o += neg;
  if (x < -4 || x >= p) { /* d.ddde+XX: at most 1 + 2 + 16 + 5 bytes */
    o[0] = (char)first;
    o[1] = '.';
    store_word(o + 2, w.lo);
    store_word(o + 10, w.hi);
    o += n > 1 ? n + 1 : 1;
    int e = x < 0 ? -x : x;
    o[0] = 'e';
    o[1] = x < 0 ? '-' : '+';
    if (e >= 100) {
      o[2] = (char)('0' + e / 100);
      e %= 100;
      o++;
    }
    memcpy(o + 2, digit_pairs + 2 * e, 2);
    o += 4;
  } else if (x <= 0) { /* 0.000ddd or d.ddd (at most 1 + 5 + 17 bytes), one layout without a branch on x
                          (scores mix 0.ddd and 1): the first digit after "0." and -x - 1 zeros, or
                          before the point when x = 0, then w; no point after a single digit 1 to 9 */
    uint64_t lead = select64(x < 0, 0x3030303030302e30u + ((first - '0') << (8 - 8 * x)), first | 0x2e00);
    store_word(o, lead);
    store_word(o + 2 - x, w.lo);
    store_word(o + 10 - x, w.hi);
    o += n + 1 - x - ((n == 1) & (x == 0));
  } else { /* ddd.ddd or ddd000: at most 1 + 17, or 1 + x + 2 + 16 - x bytes (x <= 7), or + 8 (x >= 8) */
    o[0] = (char)first;
    store_word(o + 1, w.lo);
    store_word(o + 9, w.hi);
    if (n > x + 1) { /* x <= 15: the digits after the point are those of w from byte x on */
      o[x + 1] = '.';
      if (x < 8) { /* w shifted right by x bytes, in two words (hi << 1 << ...: no shift by 64) */
        store_word(o + x + 2, w.lo >> (8 * x) | w.hi << 1 << (63 - 8 * x));
        store_word(o + x + 10, w.hi >> (8 * x));
      } else {
        store_word(o + x + 2, w.hi >> (8 * x - 64));
      }
      o += n + 1;
    } else {
      o += x + 1;
    }
  }
  *o = '\0';
  return (size_t)(o - buf);
}

/* csv_format_double for a normal double of these bits, exactly, in integers.
   The scaled value and the ends of its interval are taken to 19 digits (times
   10 or 100 when they have 18 or 17, which keeps the floors' meaning for the
   candidates, all multiples of 100 there), so that the cuts to 17, 16 and 15
   digits divide by constants.  Each cut rounds as printf does, to nearest on the
   exact value with ties to even: up when the dropped digits plus 1 (inexact, or
   an odd last digit) exceed half.  The 15- and 16-digit candidates are accepted
   when they lie in the interval, by one unsigned comparison each.  0 if the
   scaling left too few digits (never: see scale_interval). */
static size_t format_exact(uint64_t bits, char buf[32]) {
  int biased = (int)(bits >> 52 & 0x7ff);
  uint64_t fraction = bits & (((uint64_t)1 << 52) - 1);
  bool narrow_below = fraction == 0 && biased > 1;
  Scaled s = scale_interval(fraction | (uint64_t)1 << 52, biased - 1075, narrow_below);
  if (s.mid < pow10_u64[16] || (s.mid < pow10_u64[17] && !s.mid_exact)) return 0;
  int n = 17 + (s.mid >= pow10_u64[17]) + (s.mid >= pow10_u64[18]); /* digits of mid */
  uint64_t scale = pow10_u64[19 - n];
  uint64_t m = s.mid * scale;
  uint64_t least = (s.low + (!s.low_exact | !s.ends_read_back)) * scale;
  uint64_t span = (s.high - (s.high_exact & !s.ends_read_back)) * scale - least;
  uint64_t inexact = !s.mid_exact;
  uint64_t q17 = m / 100, q16 = m / 1000, q15 = m / 10000;
  uint64_t c17 = (q17 + (m - q17 * 100 + (inexact | (q17 & 1)) > 50)) * 100;
  uint64_t c16 = (q16 + (m - q16 * 1000 + (inexact | (q16 & 1)) > 500)) * 1000;
  uint64_t c15 = (q15 + (m - q15 * 10000 + (inexact | (q15 & 1)) > 5000)) * 10000;
  bool ok15 = c15 - least <= span, ok16 = c16 - least <= span;
  int p = 17 - (ok15 | ok16) - ok15;
  uint64_t c = ok15 ? c15 : ok16 ? c16 : c17;
  return write_g(buf, bits >> 63, c / 100, p, n - 1 + s.e10);
}

/* The digits fast_decide chooses for X = whole + frac32 / 2^32 (X in units
   of `unit`: 1 when X has 17 integer digits, 10 when 18), with the half gap
   g (g_below under X), as write_g's d and p; 0 when a comparison that
   decides them is within 3 units of 2^-32 of its threshold.  unit is a
   constant in each inlined copy, so that every cut divides and multiplies by
   constants. */
static inline __attribute__((always_inline)) uint64_t fast_digits(uint64_t whole, uint64_t frac32, uint64_t unit,
                                                                  int64_t g, int64_t g_below, int *p) {
  uint64_t q16 = whole / (10 * unit), q15 = whole / (100 * unit);
  /* the dropped digits and the fraction, in units of 2^-32, against half a cut */
  int64_t a16 = (int64_t)((whole - q16 * 10 * unit) << 32 | frac32) - (int64_t)(10 * unit << 31);
  int64_t a15 = (int64_t)((whole - q15 * 100 * unit) << 32 | frac32) - (int64_t)(100 * unit << 31);
  /* a candidate's distance to X is half a cut less |a|: against the half gap
     on its side, below X when rounded down.  Where a cannot tell the side (a
     tie), the wider gap above: then a candidate judged out is out on either
     side, and one judged in is taken only after its own a is checked below. */
  int64_t o16 = (int64_t)(10 * unit << 31) - (a16 < 0 ? -a16 : a16) - (a16 < -3 ? g_below : g);
  int64_t o15 = (int64_t)(100 * unit << 31) - (a15 < 0 ? -a15 : a15) - (a15 < -3 ? g_below : g);
  bool ok15 = o15 < 0, ok16 = o16 < 0;
  uint64_t q17 = whole / unit;
  int64_t a17 = (int64_t)((whole - q17 * unit) << 32 | frac32) - (int64_t)(unit << 31);
  /* the chosen candidate: its digits, scale to 17 and rounding; only its own
     rounding and the tests that chose it matter */
  uint64_t q = select64(ok15, q15, select64(ok16, q16, q17));
  uint64_t scale = select64(ok15, 100, select64(ok16, 10, 1));
  int64_t a = (int64_t)select64(ok15, (uint64_t)a15, select64(ok16, (uint64_t)a16, (uint64_t)a17));
  if ((uint64_t)(a + 3) <= 6 || (uint64_t)(o15 + 3) <= 6 || ((uint64_t)(o16 + 3) <= 6 && !ok15)) return 0;
  *p = 17 - (ok15 | ok16) - ok15;
  return (q + (a > 0)) * scale;
}

/* M = {lo, hi}, g, k0 and r of fast_decide for one biased exponent (32 bytes). */
typedef struct {
  uint64_t lo, hi;
  int64_t g;
  int32_t k0, r;
} FastScale;

#include "csv_format_table.h"

/* The fast path: what csv_format_double prints for a double of these bits
 * (biased exponent 2 to 0x7fe), as write_g's d, p and x, from one 64x128-bit
 * product; 0 for other exponents or when that product cannot decide (then
 * format_exact does, exactly).  v = m2 * 2^e2 is scaled
 * by 10^(16 - k0), k0 = floor(log10(2^(e2 + 52))), which puts X = v *
 * 10^(16 - k0) in [10^16, 2*10^17): 17 integer digits, or 18 (then v's first
 * digit is one place higher).  fast_scale (csv_format_table.h, by its script)
 * holds, for each exponent, k0 and a 125-bit M (Ryu's power of five) and r in
 * [5, 8] with X = (m2 << r) * M / 2^128, so that the top 128 bits of the
 * product are X in 64.64 fixed point: floor(X) and its fraction, within 2
 * units of 2^-64 (one dropped word, and M's error below 2^-124 of itself).  The half gap to the next double, g = X / (2 m2) = 2^(r - 1) *
 * M / 2^128, is M's high word shifted: no second product, and no products
 * for the ends of the interval.
 *
 * Every decision compares an integer with a fraction in units of 2^-32 whose
 * error stays under 3 units: printf's rounding of X to 17, 16 and 15 digits
 * (up when the dropped digits and the fraction exceed half of the cut; exact
 * ties, which need ties-to-even, are within 2 units of half) and whether the
 * 15- and 16-digit candidates c lie in the interval (|c - X| against g, or
 * g / 2 below a power of two; a candidate on an end needs the exact rule of
 * the ends).  A deciding comparison within 3 units of its threshold returns 0:
 * exact ties and candidates on an end of the interval, in practice nothing
 * else (callgrind counts no call of the exact path on bench/bench_format's
 * scores and decimals).  The cuts divide by constants only, and the choices
 * that vary from value to value (the candidate, the digit count, 0.ddd or
 * d.ddd) are conditional moves, not branches: 254 instructions a value on the
 * scores, 251 in csv_format_rows' loop (221 and 210 with branches, which
 * mispredicted 1.4 times a value on eval's scores and took 1.24x the time,
 * 1.39x against format_column's two values an iteration; the exact path ~330). */
static inline __attribute__((always_inline)) uint64_t fast_decide(uint64_t bits, int *p, int *x) {
  /* normal, but not of the smallest exponent (biased 2 to 0x7fe; the gap below 2^-1022 is not half) */
  if (__builtin_expect(((bits >> 52) & 0x7ff) - 2 >= 0x7fd, 0)) return 0;
  uint64_t fraction = bits & (((uint64_t)1 << 52) - 1), m2 = fraction | (uint64_t)1 << 52;
  const FastScale *t = &fast_scale[bits >> 52 & 0x7ff];
  int k0 = t->k0, r = t->r;
  const uint64_t mul[2] = {t->lo, t->hi};
  uint64_t m = m2 << r;
  Uint128 high = (Uint128)m * mul[1];
  uint64_t low = (uint64_t)(((Uint128)m * mul[0]) >> 64), frac = (uint64_t)high + low;
  uint64_t whole = (uint64_t)(high >> 64) + (frac < low), frac32 = frac >> 32;
  int64_t g = t->g; /* M's high word >> (33 - r) */
  int64_t g_below = g >> (fraction == 0); /* 2^52 * 2^e2 with e2 > -1074: the gap below is half */
  bool n18 = whole >= pow10_u64[17];
  uint64_t d = n18 ? fast_digits(whole, frac32, 10, g, g_below, p) : fast_digits(whole, frac32, 1, g, g_below, p);
  *x = k0 + n18;
  return d;
}
#else
/* Without 128-bit integers, the definition does all the work. */
static uint64_t fast_decide(uint64_t bits, int *p, int *x) {
  (void)bits, (void)p, (void)x;
  return 0;
}

/* Without 128-bit integers, write_g is not called. */
static size_t write_g(char buf[32], bool neg, uint64_t d, int p, int x) {
  (void)buf, (void)neg, (void)d, (void)p, (void)x;
  return 0;
}

/* Without 128-bit integers, the definition does all the work. */
static size_t format_exact(uint64_t bits, char buf[32]) {
  (void)bits, (void)buf;
  return 0;
}
#endif

/* csv_format_double for zeros, subnormals, infinities and NaN. */
static size_t format_special(double v, char buf[32]) {
  if (isnan(v)) return (size_t)snprintf(buf, 32, "nan");
  if (isinf(v)) return (size_t)snprintf(buf, 32, v < 0 ? "-inf" : "inf");
  if (v == 0) return (size_t)snprintf(buf, 32, signbit(v) ? "-0" : "0");
  return format_by_definition(v, buf);
}

/* csv_format_double where fast_decide cannot decide: the exact path, or
   zeros, subnormals, infinities and NaN.  Out of line, so that the fast path
   keeps its registers. */
__attribute__((noinline, cold)) static size_t format_slow(double v, char buf[32]) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  if ((((bits >> 52) + 1) & 0x7ff) > 1) {
    size_t len = format_exact(bits, buf);
    if (len > 0) return len;
  }
  return format_special(v, buf);
}

/* The bits of v. */
static inline uint64_t double_bits(double v) {
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  return bits;
}

/* csv_format_double of v from fast_decide's d, p and x for its bits (d = 0: the slow path). */
static inline __attribute__((always_inline)) size_t format_decided(double v, uint64_t d, int p, int x, char buf[32]) {
  if (__builtin_expect(d != 0, 1)) return write_g(buf, double_bits(v) >> 63, d, p, x);
  return format_slow(v, buf);
}

/* csv_format_double, inlined into the loops that call it. */
static inline __attribute__((always_inline)) size_t format_double(double v, char buf[32]) {
  int p = 17, x = 0;
  uint64_t d = fast_decide(double_bits(v), &p, &x);
  return format_decided(v, d, p, x, buf);
}

/* csv_format_rows for one column: two values an iteration, both decided
   before either is written, so that the second's product and choices overlap
   the first's digits and stores (19.1 -> 17.2 ns a value on eval's scores). */
static char *format_column(char *out, const double *col, size_t nrows) {
  size_t i = 0;
  for (; i + 2 <= nrows; i += 2) {
    int p0 = 17, x0 = 0, p1 = 17, x1 = 0;
    uint64_t d0 = fast_decide(double_bits(col[i]), &p0, &x0), d1 = fast_decide(double_bits(col[i + 1]), &p1, &x1);
    out += format_decided(col[i], d0, p0, x0, out);
    *out++ = '\n';
    out += format_decided(col[i + 1], d1, p1, x1, out);
    *out++ = '\n';
  }
  if (i < nrows) {
    out += format_double(col[i], out);
    *out++ = '\n';
  }
  return out;
}

size_t csv_format_double(double v, char buf[32]) {
  return format_double(v, buf);
}

char *csv_format_rows(char *out, const double *cols, size_t stride, size_t nrows, int ncols) {
  if (ncols == 1) return format_column(out, cols, nrows);
  for (size_t i = 0; i < nrows; i++) {
    out += format_double(cols[i], out);
    for (int c = 1; c < ncols; c++) {
      *out++ = ',';
      out += format_double(cols[(size_t)c * stride + i], out);
    }
    *out++ = '\n';
  }
  return out;
}

size_t csv_format_double_exact(double v, char buf[32]) {
  return format_slow(v, buf);
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
