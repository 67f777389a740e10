/* eval_rows.c - data errors of `missionc eval` as diagnostics, and --carry-forward.
 * See eval_rows.h. */
#include "eval_rows.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* A line read back from the file is quoted up to this many bytes; the file is
 * searched for it up to this many bytes (an error late in a huge file gives its
 * location without the line). */
#define ROWS_MAX_LINE ((size_t)64 << 10)
#define ROWS_MAX_SCAN ((off_t)1 << 30)

/* ------------------------------------------------------------------------
 * Excerpts and spans
 * ------------------------------------------------------------------------ */

void rows_diag_init(RowsDiag *rd, Diag *d, const char *path, int fd) {
  memset(rd, 0, sizeof *rd);
  rd->d = d;
  rd->path = path;
  rd->fd = fd;
}

void rows_diag_free(RowsDiag *rd) { free(rd->hdr_start); }

/* A field as CSV, as csv_quote writes it, except that an empty field stays empty (inside
 * a record it is not a blank line). Returns the length written at out (room for 2n + 2). */
static size_t put_field(const char *s, size_t n, char *out) { return n ? csv_quote(s, n, out) : 0; }

/* A record rebuilt as the line it was read from: each field quoted where it must be,
 * separated by commas (a field quoted without need loses its quotes). starts[f] gets
 * the offset of field f; returns the malloc'd text and its length. */
static char *rebuild(const CsvRecord *rec, uint32_t *starts, size_t *len) {
  size_t cap = 1;
  for (size_t f = 0; f < rec->nfields; f++) cap += 2 * rec->fields[f].len + 4;
  char *text = xmalloc(cap);
  size_t n = 0;
  for (size_t f = 0; f < rec->nfields; f++) {
    if (f) text[n++] = ',';
    starts[f] = (uint32_t)n;
    n += put_field(rec->fields[f].data, rec->fields[f].len, text + n);
  }
  text[n] = '\0';
  *len = n;
  return text;
}

void rows_diag_header(RowsDiag *rd, const CsvRecord *hdr) {
  rd->nhdr = hdr->nfields;
  rd->hdr_start = xcalloc(hdr->nfields + 1, sizeof *rd->hdr_start);
  size_t len;
  char *text = rebuild(hdr, rd->hdr_start, &len);
  rd->hdr_len = (uint32_t)len;
  rd->hdr_file = src_add_excerpt(rd->d->src, rd->path, text, len, (uint32_t)(hdr->line - 1), false);
  rd->have_header = true;
  free(text);
}

/* The span of a field that starts at `start` in a rebuilt line (its quoted length). */
static Span field_span(uint32_t file, uint32_t start, const CsvField *f) {
  char *quoted = xmalloc(2 * f->len + 3);
  size_t n = put_field(f->data, f->len, quoted);
  free(quoted);
  return (Span){file, start, start + (uint32_t)n};
}

Span rows_diag_header_span(const RowsDiag *rd, long f) {
  if (!rd->have_header) return NO_SPAN;
  if (f < 0 || (size_t)f >= rd->nhdr) return (Span){rd->hdr_file, rd->hdr_len, rd->hdr_len};
  uint32_t end = (size_t)f + 1 < rd->nhdr ? rd->hdr_start[f + 1] - 1 : rd->hdr_len;
  return (Span){rd->hdr_file, rd->hdr_start[f], end};
}

Span rows_diag_record_span(RowsDiag *rd, const CsvRecord *rec, size_t f) {
  uint32_t *starts = xcalloc(rec->nfields + 1, sizeof *starts);
  size_t len;
  char *text = rebuild(rec, starts, &len);
  uint32_t file = src_add_excerpt(rd->d->src, rd->path, text, len, (uint32_t)(rec->line - 1), false);
  Span s = f < rec->nfields ? field_span(file, starts[f], &rec->fields[f]) : (Span){file, 0, 0};
  free(text);
  free(starts);
  return s;
}

/* Whether the input is a regular file of plain text, which can be read back. */
static bool readable_back(int fd) {
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  char head[4];
  ssize_t got = pread(fd, head, sizeof head, 0);
  return got >= 0 && !csv_is_compressed(head, (size_t)got);
}

/* Up to `max` bytes of a regular file from the start of line `line` (1-based), in a
 * malloc'd buffer with room for one more byte; NULL when it cannot be read back. */
static char *read_from_line(int fd, long line, size_t max, size_t *len) {
  if (line < 1 || !readable_back(fd)) return NULL;
  enum { BLOCK = 1 << 20 };
  char *buf = xmalloc((max > BLOCK ? max : BLOCK) + 1);
  off_t pos = 0, start = line == 1 ? 0 : -1;
  long seen = 1;
  while (start < 0 && pos < ROWS_MAX_SCAN) {
    ssize_t got = pread(fd, buf, BLOCK, pos);
    if (got <= 0) break;
    for (char *p = buf, *end = buf + got; (p = memchr(p, '\n', (size_t)(end - p))); p++)
      if (++seen == line) {
        start = pos + (p - buf) + 1;
        break;
      }
    pos += got;
  }
  ssize_t got = start >= 0 ? pread(fd, buf, max, start) : -1;
  if (got <= 0) {   /* no such line */
    free(buf);
    return NULL;
  }
  *len = (size_t)got;
  return buf;
}

/* The line of text[0..len) that holds offset `at`: its start and end (without the line
 * end) in *start and *end; returns how many line feeds come before it. */
static size_t line_around(const char *text, size_t len, size_t at, size_t *start, size_t *end) {
  size_t s = 0, lines = 0;
  for (size_t i = 0; i < at && i < len; i++)
    if (text[i] == '\n') s = i + 1, lines++;
  size_t e = s;
  while (e < len && text[e] != '\n') e++;
  if (e > s && text[e - 1] == '\r') e--;
  *start = s;
  *end = e;
  return lines;
}

/* Line `line` (1-based) of a regular file, without its line end, at most
 * ROWS_MAX_LINE bytes (malloc'd); NULL when it cannot be read back. */
static char *read_line(int fd, long line, size_t *len) {
  size_t got;
  char *buf = read_from_line(fd, line, ROWS_MAX_LINE, &got);
  if (!buf) return NULL;
  size_t start, n;
  line_around(buf, got, 0, &start, &n);
  buf[n] = '\0';
  *len = n;
  return buf;
}

Span rows_diag_cell_span(RowsDiag *rd, long line, uint32_t at, const char *text, size_t len) {
  /* The record from its first line on: a cell after a quoted field that holds line
   * feeds is on a later line of the file. */
  size_t n = 0;
  char *real = read_from_line(rd->fd, line, (size_t)at + len + ROWS_MAX_LINE, &n);
  if (real && at + len <= n && memcmp(real + at, text, len) == 0) {
    size_t start, end;
    size_t before = line_around(real, n, at, &start, &end);
    size_t cell_end = at + len < end ? at + len : end;
    uint32_t file = src_add_excerpt(rd->d->src, rd->path, real + start, end - start,
                                    (uint32_t)(line - 1 + (long)before), false);
    free(real);
    return (Span){file, (uint32_t)(at - start), (uint32_t)(cell_end - start)};
  }
  /* A quoted cell (its text unescaped): its opening quote is at `at` or just before;
   * underline to the closing one, or to the end of the quote's line. */
  size_t q = real && at < n && real[at] == '"' ? at : real && at > 0 && at <= n && real[at - 1] == '"' ? at - 1 : SIZE_MAX;
  if (q != SIZE_MAX) {
    size_t start, end;
    size_t before = line_around(real, n, q, &start, &end);
    size_t e = q + 1;
    while (e < end && !(real[e] == '"' && (e + 1 >= end || real[e + 1] != '"'))) e += real[e] == '"' ? 2 : 1;
    uint32_t file = src_add_excerpt(rd->d->src, rd->path, real + start, end - start,
                                    (uint32_t)(line - 1 + (long)before), false);
    free(real);
    return (Span){file, (uint32_t)(q - start), (uint32_t)((e < end ? e + 1 : end) - start)};
  }
  free(real);
  /* The line is not known (standard input, a compressed file): the cell at its place. */
  size_t cut = len < 200 ? len : 200;
  char *placed = xmalloc(at + cut + 1);
  memset(placed, ' ', at);
  memcpy(placed + at, text, cut);
  for (size_t i = at; i < at + cut; i++)
    if (placed[i] == '\n' || placed[i] == '\r') placed[i] = ' ';
  uint32_t file = src_add_excerpt(rd->d->src, rd->path, placed, at + cut, (uint32_t)(line - 1), true);
  free(placed);
  return (Span){file, at, at + (uint32_t)cut};
}

/* The offset of field k (1-based) in a line, counting commas outside quotes; 0 if the
 * line has fewer fields. */
static uint32_t field_offset(const char *s, size_t n, long k) {
  bool quoted = false;
  long field = 1;
  for (size_t i = 0; i < n && field < k; i++) {
    if (s[i] == '"') quoted = !quoted;
    else if (s[i] == ',' && !quoted && ++field == k) return (uint32_t)(i + 1);
  }
  return 0;
}

Span rows_diag_csv_span(RowsDiag *rd, const CsvError *e) {
  size_t n = 0;
  char *real = e->line > 0 ? read_line(rd->fd, e->line, &n) : NULL;
  uint32_t base = e->line > 0 ? (uint32_t)(e->line - 1) : 0;
  uint32_t file = src_add_excerpt(rd->d->src, rd->path, real ? real : "", n, base, real == NULL);
  uint32_t at = real && e->column > 1 ? field_offset(real, n, e->column) : 0;
  free(real);
  return (Span){file, at, at < n ? at + 1 : at};
}

/* ------------------------------------------------------------------------
 * Carry-forward
 * ------------------------------------------------------------------------ */

/* The last value of one column for one key. */
typedef struct CarryCell {
  char *text;
  size_t len, cap;
  bool has;
  double order;          /* the row's --order value */
  long line;             /* the row's line */
} CarryCell;

typedef struct KeyState {
  char *key;             /* the --by cells, joined by US (0x1f); NULL: a free slot */
  size_t keylen;
  uint64_t hash;
  bool has_order;
  double order;
  long order_line;
  CarryCell *cells;      /* one per column */
} KeyState;

struct CarryForward {
  RowsDiag *rd;
  const CarryColumn *cols;
  int ncols;
  bool na_nan;
  int *by;               /* the key's fields */
  int nby;
  int order_field;       /* -1: input order */
  const char *order_name;
  int order_kind;        /* 0 unknown, 1 dates, 2 numbers */
  KeyState *slots;
  size_t cap, len;
  char *keybuf;
  size_t keycap;
};

/* A field without the spaces and tabs around it. */
static const char *trim(const CsvField *f, size_t *n) {
  const char *s = f->data;
  size_t len = f->len;
  while (len && (*s == ' ' || *s == '\t')) s++, len--;
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
  *n = len;
  return s;
}

/* The header field named name (spaces around it ignored), or -1. */
static int find_field(const CsvRecord *hdr, const char *name, size_t n) {
  for (size_t f = 0; f < hdr->nfields; f++) {
    size_t len;
    const char *s = trim(&hdr->fields[f], &len);
    if (len == n && memcmp(s, name, n) == 0) return (int)f;
  }
  return -1;
}

/* Report an option's column missing from the header (E0810), with the nearest name. */
static void missing_option_column(RowsDiag *rd, const CsvRecord *hdr, const char *option, const char *name,
                                  size_t n) {
  char *want = xmalloc(n + 1);
  memcpy(want, name, n);
  want[n] = '\0';
  Diagnostic *g = diag_error(rd->d, rows_diag_header_span(rd, -1), E0810, "%s: no column '%s' in the header",
                             option, want);
  int best = -1, best_d = 3;
  for (size_t f = 0; f < hdr->nfields; f++) {
    size_t len;
    const char *s = trim(&hdr->fields[f], &len);
    char *t = xmalloc(len + 1);
    memcpy(t, s, len);
    t[len] = '\0';
    int d = edit_distance(want, t, best_d - 1);
    if (d < best_d) best = (int)f, best_d = d;
    free(t);
  }
  if (best >= 0) {
    size_t len;
    const char *s = trim(&hdr->fields[best], &len);
    diag_note(rd->d, g, rows_diag_header_span(rd, best), "did you mean '%.*s'?", (int)len, s);
  }
  free(want);
}

CarryForward *carry_new(RowsDiag *rd, const CsvRecord *hdr, const char *by, const char *order,
                        const CarryColumn *cols, int ncols, bool na_nan) {
  CarryForward *cf = xcalloc(1, sizeof *cf);
  cf->rd = rd;
  cf->cols = cols;
  cf->ncols = ncols;
  cf->na_nan = na_nan;
  cf->order_field = -1;
  bool ok = true;
  size_t max = 1;
  for (const char *p = by ? by : ""; *p; p++) max += *p == ',';
  cf->by = xcalloc(max + 1, sizeof *cf->by);
  for (const char *p = by; p && ok;) {
    size_t len = strcspn(p, ",");
    int f = find_field(hdr, p, len);
    if (f < 0) {
      missing_option_column(rd, hdr, "--by", p, len);
      ok = false;
    }
    cf->by[cf->nby++] = f;
    if (!p[len]) break;
    p += len + 1;
  }
  if (order) {
    cf->order_field = find_field(hdr, order, strlen(order));
    cf->order_name = order;
    if (cf->order_field < 0) {
      missing_option_column(rd, hdr, "--order", order, strlen(order));
      ok = false;
    }
  }
  if (!ok) {
    carry_free(cf);
    return NULL;
  }
  cf->cap = 64;
  cf->slots = xcalloc(cf->cap, sizeof *cf->slots);
  return cf;
}

void carry_free(CarryForward *cf) {
  if (!cf) return;
  for (size_t i = 0; i < cf->cap; i++) {
    KeyState *k = &cf->slots[i];
    if (!k->key) continue;
    for (int c = 0; c < cf->ncols; c++) free(k->cells[c].text);
    free(k->cells);
    free(k->key);
  }
  free(cf->slots);
  free(cf->by);
  free(cf->keybuf);
  free(cf);
}

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;   /* FNV-1a */
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h;
}

/* The slot of a key in a table of cap slots (free or holding it). */
static KeyState *slot_of(KeyState *slots, size_t cap, const char *key, size_t n, uint64_t h) {
  size_t i = (size_t)h & (cap - 1);
  while (slots[i].key && !(slots[i].hash == h && slots[i].keylen == n && memcmp(slots[i].key, key, n) == 0))
    i = (i + 1) & (cap - 1);
  return &slots[i];
}

/* The state of a key, added on first sight (the table stays at most half full). */
static KeyState *key_state(CarryForward *cf, const char *key, size_t n) {
  uint64_t h = hash_bytes(key, n);
  KeyState *k = slot_of(cf->slots, cf->cap, key, n, h);
  if (k->key) return k;
  if (2 * (cf->len + 1) > cf->cap) {
    size_t cap = 2 * cf->cap;
    KeyState *slots = xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < cf->cap; i++)
      if (cf->slots[i].key) *slot_of(slots, cap, cf->slots[i].key, cf->slots[i].keylen, cf->slots[i].hash) = cf->slots[i];
    free(cf->slots);
    cf->slots = slots;
    cf->cap = cap;
    k = slot_of(cf->slots, cf->cap, key, n, h);
  }
  k->key = xmalloc(n + 1);
  memcpy(k->key, key, n);
  k->key[n] = '\0';
  k->keylen = n;
  k->hash = h;
  k->cells = xcalloc((size_t)cf->ncols + 1, sizeof *k->cells);
  cf->len++;
  return k;
}

/* The record's key: its --by cells (trimmed), joined by 0x1f, in cf->keybuf. */
static size_t record_key(CarryForward *cf, const CsvRecord *rec) {
  size_t need = 1;
  for (int i = 0; i < cf->nby; i++) need += rec->fields[cf->by[i]].len + 1;
  if (need > cf->keycap) {
    cf->keycap = 2 * need;
    cf->keybuf = xrealloc(cf->keybuf, cf->keycap);
  }
  size_t n = 0;
  for (int i = 0; i < cf->nby; i++) {
    size_t len;
    const char *s = trim(&rec->fields[cf->by[i]], &len);
    if (i) cf->keybuf[n++] = '\x1f';
    memcpy(cf->keybuf + n, s, len);
    n += len;
  }
  cf->keybuf[n] = '\0';
  return n;
}

/* "id 'a'" / "id, year 'a, 2021'" / "the rows" (no --by), for messages. */
static const char *key_text(const CarryForward *cf, Arena *a, const KeyState *k) {
  if (cf->nby == 0) return "the rows";
  char *key = arena_strdup(a, k->key);
  for (char *p = key; *p; p++)
    if (*p == '\x1f') *p = ',';
  return arena_printf(a, "key '%s'", key);
}

/* An --order value as text: a date, or the number. */
static const char *order_text(const CarryForward *cf, Arena *a, double v) {
  char buf[40];
  if (cf->order_kind == 1) csv_format_date((int32_t)v, buf);
  else csv_format_double(v, buf);
  return arena_strdup(a, buf);
}

/* The row's --order value; false after reporting an empty or unreadable cell, or a
 * column that mixes dates and numbers. */
static bool row_order(CarryForward *cf, const CsvRecord *rec, double *v) {
  RowsDiag *rd = cf->rd;
  size_t n;
  const char *s = trim(&rec->fields[cf->order_field], &n);
  if (n == 0) {
    diag_error(rd->d, rows_diag_record_span(rd, rec, (size_t)cf->order_field), E0812, "empty cell in the --order column '%s': --carry-forward needs every row's place",
               cf->order_name);
    return false;
  }
  int32_t day;
  int kind = 0;
  if (csv_parse_date(s, n, &day) == 0) *v = day, kind = 1;
  else if (csv_parse_double(s, n, v) == 0 && isfinite(*v)) kind = 2;
  if (kind == 0) {
    diag_error(rd->d, rows_diag_record_span(rd, rec, (size_t)cf->order_field), E0813, "'%.*s' in the --order column '%s' is neither a date (YYYY-MM-DD) nor a finite number",
               (int)(n < 60 ? n : 60), s, cf->order_name);
    return false;
  }
  if (cf->order_kind && kind != cf->order_kind) {
    diag_error(rd->d, rows_diag_record_span(rd, rec, (size_t)cf->order_field), E0813, "'%.*s' in the --order column '%s' is a %s, but the rows before hold %s",
               (int)(n < 60 ? n : 60), s, cf->order_name, kind == 1 ? "date" : "number",
               cf->order_kind == 1 ? "dates" : "numbers");
    return false;
  }
  cf->order_kind = kind;
  return true;
}

/* How a cell of column c reads: 1 a value, 0 missing (empty, nan, or unreadable under
 * --na=nan), -1 unreadable (the worker reports it). */
static int classify(const CarryForward *cf, const CarryColumn *c, const CsvField *f) {
  size_t n;
  const char *s = trim(f, &n);
  if (n == 0) return 0;
  int rc;
  double v = 0;
  if (c->kind == VAL_NUM) {
    rc = csv_parse_double(s, n, &v);
  } else if (c->kind == VAL_BOOL) {
    int b;
    rc = csv_parse_bool(s, n, &b);
  } else {
    int32_t d;
    rc = csv_parse_date(s, n, &d);
  }
  if (rc != 0) return cf->na_nan ? 0 : -1;
  return isnan(v) ? 0 : 1;
}

/* Remember a cell as its column's last value for the key. */
static void keep_cell(CarryCell *cell, const CsvField *f, double order, long line) {
  if (f->len + 1 > cell->cap) {
    cell->cap = f->len + 16;
    cell->text = xrealloc(cell->text, cell->cap);
  }
  memcpy(cell->text, f->data, f->len);
  cell->text[f->len] = '\0';
  cell->len = f->len;
  cell->has = true;
  cell->order = order;
  cell->line = line;
}

bool carry_row(CarryForward *cf, const CsvRecord *rec, CsvField *subst) {
  RowsDiag *rd = cf->rd;
  Arena *a = rd->d->arena;
  size_t keylen = record_key(cf, rec);
  KeyState *k = key_state(cf, cf->keybuf, keylen);
  double order = 0;
  if (cf->order_field >= 0) {
    if (!row_order(cf, rec, &order)) return false;
    if (k->has_order && order < k->order) {
      Diagnostic *g = diag_error(rd->d, rows_diag_record_span(rd, rec, (size_t)cf->order_field), E0814,
                                 "%s: this row (%s %s) comes after one with %s %s (line %ld)", key_text(cf, a, k),
                                 cf->order_name, order_text(cf, a, order), cf->order_name,
                                 order_text(cf, a, k->order), k->order_line);
      diag_note(rd->d, g, NO_SPAN, "--carry-forward --order %s reads each key's rows in %s order: sort the rows by %s%s first",
                cf->order_name, cf->order_name, cf->nby ? "the --by columns and " : "", cf->order_name);
      return false;
    }
    k->has_order = true;
    k->order = order;
    k->order_line = rec->line;
  }
  for (int c = 0; c < cf->ncols; c++) {
    const CsvField *f = &rec->fields[cf->cols[c].field];
    CarryCell *cell = &k->cells[c];
    subst[c] = (CsvField){NULL, 0};
    int how = classify(cf, &cf->cols[c], f);
    if (how > 0) {
      if (cf->order_field >= 0 && cell->has && cell->order == order) {
        Diagnostic *g = diag_error(rd->d, rows_diag_record_span(rd, rec, (size_t)cf->cols[c].field), E0806,
                                   "second observation of '%s' for %s on %s %s", cf->cols[c].name,
                                   key_text(cf, a, k), cf->order_name, order_text(cf, a, order));
        diag_note(rd->d, g, NO_SPAN, "the first one is on line %ld", cell->line);
        return false;
      }
      keep_cell(cell, f, order, rec->line);
    } else if (how == 0 && cell->has) {
      subst[c] = (CsvField){cell->text, cell->len};
    }
  }
  return true;
}
