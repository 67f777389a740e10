/* source.c - loading files and mapping byte offsets to lines and columns. */
#include "source.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

Sources *src_new(void) { return xcalloc(1, sizeof(Sources)); }

void src_free(Sources *s) {
  if (!s) return;
  for (size_t i = 0; i < s->count; i++) {
    SourceFile *f = s->files[i];
    free((char *)f->path);
    free((char *)f->real);
    free(f->text);
    free(f->lines);
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
  return src_push(s, path, r, text, len);
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

void src_linecol(Sources *s, uint32_t file, uint32_t offset, int *line, int *col) {
  SourceFile *f = s->files[file];
  if (offset > f->len) offset = (uint32_t)f->len;
  size_t li = line_index(f, offset);
  int c = 1;
  for (uint32_t i = f->lines[li]; i < offset; i++)
    if (((unsigned char)f->text[i] & 0xC0) != 0x80) c++;   /* count UTF-8 characters */
  *line = (int)li + 1 + (int)f->line_base;
  *col = c;
}

const char *src_line_text(Sources *s, uint32_t file, uint32_t offset, size_t *len, uint32_t *line_start) {
  SourceFile *f = s->files[file];
  if (offset > f->len) offset = (uint32_t)f->len;
  size_t li = line_index(f, offset);
  uint32_t start = f->lines[li];
  uint32_t end = start;
  while (end < f->len && f->text[end] != '\n') end++;
  if (end > start && f->text[end - 1] == '\r') end--;
  *len = end - start;
  *line_start = start;
  return f->text + start;
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
