/* csv.h - a streaming RFC 4180 CSV reader and the value parsers/formatters
 * of the batch evaluator.
 *
 * Reader: reads a FILE* or a file descriptor in large blocks (1 MiB by
 * default) and yields one record at a time.  Memory is bounded by the block
 * size plus the longest record (itself capped by CsvOptions.max_record).
 *
 *   - fields are separated by ',' and records end with LF or CRLF; the last
 *     record may lack a line end;
 *   - a field that starts with '"' is quoted: it may hold ',', CR, LF and
 *     '"' written as '""'; it is unquoted in place;
 *   - every field is NUL-terminated in the buffer (data[len] == '\0');
 *   - a UTF-8 byte order mark at the start of the input is skipped;
 *   - blank lines (nothing between two line ends) are skipped but counted;
 *     a record whose only field is empty must therefore be written "";
 *   - errors come with a message and a location: the 1-based physical
 *     line and the 1-based field index (column) where the problem was
 *     found.  Syntax errors stop the reader (every later read fails too):
 *     an unterminated quoted field at end of input, a '"' inside an
 *     unquoted field, anything but ',' or a line end after a closing quote,
 *     a CR not followed by LF, a NUL byte, a record longer than max_record,
 *     a read error.  A record with a different number of fields than the
 *     header is reported at its first line and skipped: the next read goes
 *     on with the following record.
 *
 * Fields returned by csv_read_header/csv_read_record point into the
 * reader's buffer and are valid until the next read or csv_close.
 *
 * Value parsers (all accept surrounding spaces and tabs, never an empty
 * field, and return 0 on success, -1 on error):
 *   csv_parse_double  [+-]digits[.digits][(e|E)[+-]digits] (".5" and "5."
 *                     too), or nan / inf / infinity in any case (with an
 *                     optional sign); no hex, no digit separators; a finite
 *                     text that overflows to infinity is an error.  Exactly
 *                     rounded: a fast path for up to 19 significant digits
 *                     and |exponent| <= 22, strtod otherwise.  Like strtod
 *                     and printf, assumes LC_NUMERIC is "C" (the default).
 *   csv_parse_bool    true / false (any case), 1 / 0.
 *   csv_parse_date    YYYY-MM-DD (year 0000-9999, proleptic Gregorian) ->
 *                     days since 1970-01-01.
 */
#ifndef MISSIONC_CSV_H
#define MISSIONC_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct CsvReader CsvReader;

/* One field: len bytes at data, followed by a NUL. */
typedef struct CsvField {
  const char *data;
  size_t len;
} CsvField;

/* One record: its fields and where it starts in the input. */
typedef struct CsvRecord {
  const CsvField *fields;
  size_t nfields;
  long line;  /* 1-based line of the record's first byte */
  long index; /* 0 for the header, then 1, 2, ... for data records */
} CsvRecord;

/* Where and why reading stopped. */
typedef struct CsvError {
  long line;   /* 1-based physical line, 0 if none (e.g. read error) */
  long column; /* 1-based field index, 0 if none */
  char message[160];
} CsvError;

typedef struct CsvOptions {
  size_t block_size; /* bytes per read(); 0 = 1 MiB */
  size_t max_record; /* longest record in bytes; 0 = 64 MiB */
} CsvOptions;

enum { CSV_ERROR = -1, CSV_EOF = 0, CSV_OK = 1 };

/* Readers over a stream or a descriptor; neither is closed by csv_close.
   opts may be NULL.  Return NULL only when out of memory. */
CsvReader *csv_open_file(FILE *f, const CsvOptions *opts);
CsvReader *csv_open_fd(int fd, const CsvOptions *opts);

/* A reader over len bytes of text at buf, which it parses in place (unquoting and
   NUL-terminating fields): buf needs 16 readable bytes after buf[len] and buf[len]
   writable.  Every record must have `fields` fields (0: the first one's count); lines
   count from 1.  csv_close leaves buf alone. */
CsvReader *csv_open_mem(char *buf, size_t len, size_t fields);
/* The 1-based line of the next byte the reader would scan. */
long csv_line(const CsvReader *r);
/* A reader over memory (csv_open_mem), between records: the offset of the next
   record, and skipping `records` records that end at `pos` (read by csv_scan_simple,
   one line each), so that the next read starts there. */
size_t csv_mem_offset(const CsvReader *r);
void csv_mem_skip(CsvReader *r, size_t pos, long records);
/* The plain records of text[*pos, len), *pos at a record boundary: up to `max` records
   of exactly `nfields` unquoted fields, each ended by a line feed, with no '"', CR or
   NUL. Stops before the first record that is not plain (a blank line, a quote, a
   carriage return, a NUL, another field count, no line feed before len), which the
   reader must read. Record j starts at starts[j]; the byte that ends its field f (','
   or LF) is at starts[j] + seps[j * nfields + f]. Advances *pos past the records and
   returns their count. text needs 64 readable bytes after text[len - 1]. The fields
   are not NUL-terminated. Vector compares (AVX2 or SSE2, whichever the CPU has). */
size_t csv_scan_simple(const char *text, size_t len, size_t *pos, size_t nfields, size_t max, uint32_t *seps,
                       size_t *starts);
/* For tests and benchmarks: make csv_scan_simple use "avx2", "sse2" or "scalar" (NULL:
   the best the CPU has); the name of the one in use, NULL if this CPU has not that one. */
const char *csv_scan_use(const char *isa);
/* After csv_read_header (or records): the rest of the decoded input, raw, up to n
   bytes at dst; the count, 0 at the end, -1 with the reason in err. */
long csv_read_rest(CsvReader *r, char *dst, size_t n, char *err, size_t errlen);
/* Where to cut text that starts at a record boundary so that the first part holds
   whole records only: just after the last line feed outside quotes, or 0 if none. */
size_t csv_split_point(const char *text, size_t len);

/* Whether data starts like gzip or Zstandard (which the readers decode). */
bool csv_is_compressed(const char *data, size_t len);
/* Decode compressed data (gzip, Zstandard) whole, into a malloc'd, NUL-terminated
 * buffer; false with the reason in err when it is corrupt. */
bool csv_decompress(const char *data, size_t len, char **out, size_t *out_len, char *err, size_t errlen);
void csv_close(CsvReader *r);

/* Load a CSV file ("-": standard input) into the sources, decoded when it is
 * compressed, so that diagnostics underline cells of the text a user reads. The
 * source index, or -1 with the reason in err. */
struct Sources;
int64_t csv_load_source(struct Sources *src, const char *path, char *err, size_t errlen);
/* The byte ranges [start, end) of the first n fields of the record that starts at
 * byte `at` of text[0..len) (a byte order mark at 0 skipped), found the way the reader
 * splits them; fields past the record's end are empty ranges at its end. */
void csv_field_ranges(const char *text, size_t len, size_t at, size_t n, size_t (*out)[2]);

/* Reads the first record as the header; its field count becomes the one
   every later record must have.  An empty input is an error ("no header").
   Returns CSV_OK or CSV_ERROR. */
int csv_read_header(CsvReader *r, CsvRecord *rec);

/* Reads the next record.  Returns CSV_OK, CSV_EOF or CSV_ERROR.  Without a
   prior csv_read_header, the first record sets the field count. */
int csv_read_record(CsvReader *r, CsvRecord *rec);

/* The error after CSV_ERROR; "file:line:col: message" text via
   csv_error_format (buf of at least 256 bytes is plenty). */
const CsvError *csv_error(const CsvReader *r);
void csv_error_format(const CsvError *e, const char *file, char *buf, size_t size);

/* Value parsers: see the top of this file. */
int csv_parse_double(const char *s, size_t n, double *out);
/* csv_parse_double for text with 16 readable bytes after s[n] (a reader's field, a
   piece of eval's input): short decimals (up to 7 + 7 digits, an exponent of up to 3
   digits, no blanks) a word at a time, the rest by csv_parse_double; the same results. */
int csv_parse_double_padded(const char *s, size_t n, double *out);
/* A cell of text: len bytes at offset off. */
typedef struct CsvCell {
  size_t off, len;
} CsvCell;
/* csv_parse_double of n cells of text (cells[i * stride] for i < n), each with 16
   readable bytes after it, into out[0..n): the index of the first cell that is not a
   number (out[i] for the cells before it is set), or n. Short decimals (up to 16
   bytes after a '-', an exponent of up to 3 digits) go a vector at a time where the
   CPU has SSE4.1, else a word at a time; the same results. */
size_t csv_parse_doubles(const char *text, const CsvCell *cells, size_t stride, size_t n, double *out);
/* csv_scan_simple and csv_parse_doubles in one pass: the plain records of text[*pos,
   len) (see csv_scan_simple), up to `max` of them, whose fields f with col[f] >= 0 are
   all numbers that csv_parse_doubles's vector path reads ([-]digits[.digits][e[+-]ddd],
   up to 19 digits), each into out[col[f]][j] for record j; fields with col[f] < 0 are
   skipped (they must hold no '"', CR or NUL). With `cell` (else NULL), field f with
   cell[f] >= 0 is also noted in cells[j * stride + cell[f]] (its offset in text and its
   length). Stops before the first record that is not such (the slower paths read it,
   with their messages), advances *pos past the records and returns their count;
   out[..][j] and cells past the count may have been written. text needs 64 readable
   bytes after text[len - 1]. Needs SSE4.1 (csv_parse_use: "sse4.1"), else reads no
   record; with AVX-512 (VBMI2, csv_parse_use: "avx512"), records of up to 8 fields,
   all of them numbers of up to 8 digits, go a record a load (the same results). */
size_t csv_parse_records(const char *text, size_t len, size_t *pos, size_t nfields, const int *col, size_t max,
                         double *const *out, const int *cell, CsvCell *cells, size_t stride);
/* For tests and benchmarks: make csv_parse_doubles and csv_parse_records use "avx512",
   "sse4.1" or "swar" (NULL: the best the CPU has); the name of the one in use, NULL if
   this CPU has not that one. */
const char *csv_parse_use(const char *isa);
int csv_parse_bool(const char *s, size_t n, int *out);
int csv_parse_date(const char *s, size_t n, int32_t *days);

/* Writers.  csv_format_double prints the first of %.15g, %.16g, %.17g
   that reads back to the same double (nan, inf, -inf for non-finite
   values), byte for byte, computed in integers: one 64x128-bit product
   scales the value to 17 digits in fixed point and decides the roundings
   and the read-back tests without a branch that varies from value to value
   (about 254 instructions with the call, 251 in csv_format_rows' loop); exact ties and candidates on an end of the
   interval go to the exact path (Ryu's scaling, ~330), subnormals to
   snprintf (~1 us).  May write all 32 bytes of buf.  csv_format_date prints YYYY-MM-DD (days
   within years 0000-9999).  Both return the length written, NUL
   included in buf but not in the length. */
size_t csv_format_double(double v, char buf[32]);
/* The same text by the exact path alone (Ryu's three scaled floors and
   divisibility tests, snprintf for subnormals): what csv_format_double's fast
   path falls back to, for the tests and bench/bench_format to compare with. */
size_t csv_format_double_exact(double v, char buf[32]);
/* Rows of numbers as CSV: row i is csv_format_double of cols[c * stride + i]
   for c = 0..ncols-1, joined by ',' and ended by '\n', for i = 0..nrows-1, in
   one loop with the formatter inlined.  out needs nrows * (33 * ncols + 1)
   bytes (each number may write 32, its NUL overwritten by what follows).
   Returns the end of what was written (no NUL). */
char *csv_format_rows(char *out, const double *cols, size_t stride, size_t nrows, int ncols);
/* The days csv_format_date prints: 0000-01-01 to 9999-12-31 (days since 1970-01-01). */
#define CSV_DAY_MIN (-719528)
#define CSV_DAY_MAX 2932896
size_t csv_format_date(int32_t days, char buf[16]);

/* Writes field s[0..n) to out, quoted if it holds ',', '"', CR or LF or is
   empty (so a lone empty field is not a blank line); out needs 2*n+3 bytes.
   Returns the length written, without a terminating NUL. */
size_t csv_quote(const char *s, size_t n, char *out);

#endif
