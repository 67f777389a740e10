/* source.c - loading files and mapping byte offsets to lines and columns. */
#include "source.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "util.h"

/* The lines of a released file read again: open addressing by line index. */
typedef struct SrcLines {
  size_t cap, count;
  struct { size_t li; char *text; } *slots;   /* text NULL: empty slot */
} SrcLines;

static void lines_free(SrcLines *c) {
  if (!c) return;
  for (size_t i = 0; i < c->cap; i++) free(c->slots[i].text);
  free(c->slots);
  free(c);
}

Sources *src_new(void) { return xcalloc(1, sizeof(Sources)); }

void src_free(Sources *s) {
  if (!s) return;
  for (size_t i = 0; i < s->count; i++) {
    SourceFile *f = s->files[i];
    free((char *)f->path);
    free((char *)f->real);
    free(f->text);
    free(f->lines);
    lines_free(f->reread);
    if (f->released) close(f->fd);
    free(f);
  }
  free(s->files);
  free(s);
}

/* Append a file record that takes ownership of text. */
static uint32_t src_push(Sources *s, const char *path, const char *real, char *text, size_t len) {
  if (s->count == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 8;
    s->files = xrealloc(s->files, s->cap * sizeof *s->files);
  }
  SourceFile *f = xcalloc(1, sizeof *f);
  f->path = xstrdup(path);
  f->real = real ? xstrdup(real) : NULL;
  f->text = text;
  f->len = len;
  f->fd = -1;
  s->files[s->count] = f;
  return (uint32_t)s->count++;
}

uint32_t src_add(Sources *s, const char *path, const char *text, size_t len) {
  char *copy = xmalloc(len + 1);
  memcpy(copy, text, len);
  copy[len] = '\0';
  return src_push(s, path, NULL, copy, len);
}

uint32_t src_add_as(Sources *s, const char *path, const char *real, const char *text, size_t len) {
  char *copy = xmalloc(len + 1);
  memcpy(copy, text, len);
  copy[len] = '\0';
  return src_push(s, path, real, copy, len);
}

uint32_t src_add_excerpt(Sources *s, const char *path, const char *text, size_t len, uint32_t line_base,
                         bool hidden) {
  uint32_t id = src_add(s, path, text, len);
  SourceFile *f = s->files[id];
  f->excerpt = true;
  f->hidden = hidden;
  f->line_base = line_base;
  return id;
}

/* Standard input, pipes and devices (whose size is not known before reading) are read
 * up to this many bytes; LANGUAGE.md section 11.3. */
#define SRC_MAX_STREAM ((size_t)256 << 20)

/* Read all of fp into a NUL-terminated buffer; NULL with errno EFBIG past max bytes. */
static char *read_all(FILE *fp, size_t *len, size_t max) {
  size_t cap = 1 << 16, n = 0;
  char *buf = xmalloc(cap);
  for (;;) {
    if (cap - n < 2) buf = xrealloc(buf, cap *= 2);
    size_t want = cap - n - 1;
    if (want > max + 1 - n) want = max + 1 - n;
    size_t got = fread(buf + n, 1, want, fp);
    n += got;
    if (n > max) {
      free(buf);
      errno = EFBIG;
      return NULL;
    }
    if (got == 0) break;
  }
  if (ferror(fp)) {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

int64_t src_find_real(const Sources *s, const char *real) {
  for (size_t i = 0; i < s->count; i++)
    if (s->files[i]->real && strcmp(s->files[i]->real, real) == 0) return (int64_t)i;
  return -1;
}

int64_t src_load(Sources *s, const char *path, char *err, size_t errlen) {
  if (strcmp(path, "-") == 0) {
    size_t len;
    char *text = read_all(stdin, &len, SRC_MAX_STREAM);
    if (!text && errno == EFBIG) {
      snprintf(err, errlen, "cannot read standard input: more than %zu MB (the limit for input "
               "that is not a regular file)", SRC_MAX_STREAM >> 20);
      return -1;
    }
    if (!text) {
      snprintf(err, errlen, "cannot read standard input: %s", strerror(errno));
      return -1;
    }
    return src_push(s, "<stdin>", NULL, text, len);
  }
  struct stat st;
  if (stat(path, &st) != 0) {
    snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
    return -1;
  }
  if (S_ISDIR(st.st_mode)) {
    snprintf(err, errlen, "cannot read '%s': it is a directory", path);
    return -1;
  }
  if ((uint64_t)st.st_size >= UINT32_MAX / 2) {
    snprintf(err, errlen, "cannot read '%s': files of 2 GB or more are not supported", path);
    return -1;
  }
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
    return -1;
  }
  size_t len;
  char *text = read_all(fp, &len, S_ISREG(st.st_mode) ? UINT32_MAX / 2 - 1 : SRC_MAX_STREAM);
  int saved = errno;
  struct stat after;   /* what was read is the whole file as it is now: it may be released */
  bool whole = text && fstat(fileno(fp), &after) == 0 && S_ISREG(after.st_mode) && (uint64_t)after.st_size == len;
  fclose(fp);
  if (!text && saved == EFBIG) {
    snprintf(err, errlen, "cannot read '%s': more than %zu MB from a pipe or device (the limit "
             "for input that is not a regular file)", path, SRC_MAX_STREAM >> 20);
    return -1;
  }
  if (!text) {
    snprintf(err, errlen, "cannot read '%s': %s", path, strerror(saved));
    return -1;
  }
  char real[PATH_MAX];
  const char *r = realpath(path, real) ? real : path;
  uint32_t id = src_push(s, path, r, text, len);
  if (whole) {
    SourceFile *f = s->files[id];
    f->from_disk = true;
    f->dev = (uint64_t)after.st_dev;
    f->ino = (uint64_t)after.st_ino;
    f->mtime_ns = (uint64_t)after.st_mtim.tv_sec * 1000000000u + (uint64_t)after.st_mtim.tv_nsec;
  }
  return id;
}

/* Whether st is the file f read (same file, size and modification time). */
static bool same_file(const SourceFile *f, const struct stat *st) {
  return S_ISREG(st->st_mode) && (uint64_t)st->st_dev == f->dev && (uint64_t)st->st_ino == f->ino &&
         (uint64_t)st->st_size == f->len &&
         (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec == f->mtime_ns;
}

static void build_lines(SourceFile *f);

/* A released file keeps the start of every SPARSE-th line only (lines[k] is the start of
 * line k * SPARSE; nlines still counts them all): the lines in between are found by
 * reading that stretch of the file again. */
enum { SPARSE = 64 };

static void sparse_lines(SourceFile *f) {
  if (!f->lines) build_lines(f);
  size_t n = (f->nlines + SPARSE - 1) / SPARSE;
  for (size_t k = 0; k < n; k++) f->lines[k] = f->lines[k * SPARSE];
  f->lines = xrealloc(f->lines, n * sizeof *f->lines);
}

bool src_release(Sources *s, uint32_t id) {
  SourceFile *f = id < s->count ? s->files[id] : NULL;
  if (!f || !f->from_disk || f->released || !f->real) return false;
  int fd = open(f->real, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  if (fstat(fd, &st) != 0 || !same_file(f, &st)) {
    close(fd);
    return false;
  }
  sparse_lines(f);
  free(f->text);
  f->text = NULL;
  f->fd = fd;
  f->released = true;
  return true;
}

bool src_changed(Sources *s, uint32_t id) {
  SourceFile *f = id < s->count ? s->files[id] : NULL;
  if (!f || !f->released) return false;
  struct stat st;
  if (!f->changed && (fstat(f->fd, &st) != 0 || !same_file(f, &st))) f->changed = true;
  return f->changed;
}

/* Bytes [start, start + n) of a released file into buf; blanks when the file is no longer
 * what was read (then marked changed). */
static void reread(SourceFile *f, uint32_t start, size_t n, char *buf) {
  size_t got = 0;
  while (!f->changed && got < n) {
    ssize_t r = pread(f->fd, buf + got, n - got, (off_t)(start + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  struct stat st;
  if (f->changed || got != n || fstat(f->fd, &st) != 0 || !same_file(f, &st)) {
    f->changed = true;
    memset(buf, ' ', n);
  }
}

char *src_slice(Sources *s, Span span, Arena *a) {
  SourceFile *f = s->files[span.file];
  uint32_t end = span.end < f->len ? span.end : (uint32_t)f->len;
  uint32_t start = span.start < end ? span.start : end;
  if (!f->released) return arena_strndup(a, f->text + start, end - start);
  char *p = arena_alloc(a, (size_t)(end - start) + 1);
  reread(f, start, end - start, p);
  p[end - start] = '\0';
  return p;
}

const SourceFile *src_file(const Sources *s, uint32_t id) {
  return id < s->count ? s->files[id] : NULL;
}

/* Build the table of line starts of a file once. */
static void build_lines(SourceFile *f) {
  size_t cap = 64, n = 0;
  uint32_t *lines = xmalloc(cap * sizeof *lines);
  lines[n++] = 0;
  const char *text = f->text, *end = f->text + f->len;
  for (const char *nl; text < end && (nl = memchr(text, '\n', (size_t)(end - text))); text = nl + 1) {
    if (n == cap) lines = xrealloc(lines, (cap *= 2) * sizeof *lines);
    lines[n++] = (uint32_t)(nl + 1 - f->text);
  }
  f->lines = lines;
  f->nlines = n;
}

/* Index of the line that holds offset (binary search). */
static size_t line_index(SourceFile *f, uint32_t offset) {
  if (!f->lines) build_lines(f);
  size_t lo = 0, hi = f->nlines;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (f->lines[mid] <= offset) lo = mid; else hi = mid;
  }
  return lo;
}

/* The end of line li: the start of the next one, or the end of the file. */
static uint32_t line_end(const SourceFile *f, size_t li) {
  return li + 1 < f->nlines ? f->lines[li + 1] : (uint32_t)f->len;
}

/* The line of a released file that holds offset: its index, its start and end (the next
 * line's start, or the end of the file), and its bytes, NUL-terminated, read from the file
 * with the stretch of SPARSE lines around it once and kept. A file that has changed reads
 * as blanks (its lines are then not known). */
static const char *released_line(SourceFile *f, uint32_t offset, size_t *li, uint32_t *start, uint32_t *end) {
  size_t nsparse = (f->nlines + SPARSE - 1) / SPARSE, lo = 0, hi = nsparse;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (f->lines[mid] <= offset) lo = mid; else hi = mid;
  }
  uint32_t from = f->lines[lo], to = lo + 1 < nsparse ? f->lines[lo + 1] : (uint32_t)f->len;
  char *chunk = xmalloc((size_t)(to - from) + 1);
  reread(f, from, to - from, chunk);
  size_t l = lo * SPARSE;
  uint32_t s0 = from, e0 = to;
  for (uint32_t p = from; p < to; p++) {
    if (chunk[p - from] != '\n') continue;
    if (p < offset) {
      l++;
      s0 = p + 1;
    } else {
      e0 = p + 1;
      break;
    }
  }
  *li = l;
  *start = s0;
  *end = e0;
  SrcLines *c = f->reread;
  if (!c) c = f->reread = xcalloc(1, sizeof *c);
  if ((c->count + 1) * 2 > c->cap) {   /* double, re-inserting every line */
    size_t cap = c->cap ? c->cap * 2 : 16;
    __typeof__(c->slots) slots = xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < c->cap; i++) {
      if (!c->slots[i].text) continue;
      size_t j = c->slots[i].li & (cap - 1);
      while (slots[j].text) j = (j + 1) & (cap - 1);
      slots[j] = c->slots[i];
    }
    free(c->slots);
    c->slots = slots;
    c->cap = cap;
  }
  size_t j = l & (c->cap - 1);
  for (; c->slots[j].text; j = (j + 1) & (c->cap - 1))
    if (c->slots[j].li == l) {
      free(chunk);
      return c->slots[j].text;
    }
  char *text = xmalloc((size_t)(e0 - s0) + 1);
  memcpy(text, chunk + (s0 - from), e0 - s0);
  text[e0 - s0] = '\0';
  free(chunk);
  c->slots[j].li = l;
  c->slots[j].text = text;
  c->count++;
  return text;
}

/* The line that holds offset: its index, start, end (as released_line) and bytes. */
static const char *line_at(SourceFile *f, uint32_t offset, size_t *li, uint32_t *start, uint32_t *end) {
  if (f->released) return released_line(f, offset, li, start, end);
  *li = line_index(f, offset);
  *start = f->lines[*li];
  *end = line_end(f, *li);
  return f->text + *start;
}

void src_linecol(Sources *s, uint32_t file, uint32_t offset, int *line, int *col) {
  SourceFile *f = s->files[file];
  if (offset > f->len) offset = (uint32_t)f->len;
  size_t li;
  uint32_t start, end;
  const char *text = line_at(f, offset, &li, &start, &end);
  int c = 1;
  for (uint32_t i = 0; i < offset - start; i++)
    if (((unsigned char)text[i] & 0xC0) != 0x80) c++;   /* count UTF-8 characters */
  *line = (int)li + 1 + (int)f->line_base;
  *col = c;
}

const char *src_line_text(Sources *s, uint32_t file, uint32_t offset, size_t *len, uint32_t *line_start) {
  SourceFile *f = s->files[file];
  if (offset > f->len) offset = (uint32_t)f->len;
  size_t li;
  uint32_t start, end;
  const char *text = line_at(f, offset, &li, &start, &end);
  size_t n = end - start;
  if (n > 0 && text[n - 1] == '\n') n--;   /* without its newline */
  if (n > 0 && text[n - 1] == '\r') n--;
  *len = n;
  *line_start = start;
  return text;
}

/* The smallest span covering a and b (same file). */
Span span_join(Span a, Span b) {
  if (a.file == NO_FILE) return b;
  if (b.file == NO_FILE || b.file != a.file) return a;
  Span r = a;
  if (b.start < r.start) r.start = b.start;
  if (b.end > r.end) r.end = b.end;
  return r;
}
