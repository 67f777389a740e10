/* util.c - allocation that cannot fail silently, internal bugs, edit distance. */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static noreturn void out_of_memory(void) {
  fputs("missionc: fatal: out of memory\n", stderr);
  exit(3);
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) out_of_memory();
  return p;
}

void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) out_of_memory();
  return p;
}

void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) out_of_memory();
  return p;
}

char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(xmalloc(n), s, n);
}

/* Report an internal compiler bug with its place in the source and abort. */
noreturn void fatal_bug(const char *file, int line, const char *what) {
  fprintf(stderr, "missionc: internal error at %s:%d: %s\n", file, line, what);
  abort();
}

void error_printf(char **err, const char *fmt, ...) {
  if (!err) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  *err = malloc((size_t)n + 1);
  if (!*err) return;
  va_start(ap, fmt);
  vsnprintf(*err, (size_t)n + 1, fmt, ap);
  va_end(ap);
}

size_t utf8_sequence(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  if (n == 0) return 0;
  if (u[0] < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;   /* the range of the second byte */
  if (u[0] >= 0xC2 && u[0] <= 0xDF) len = 2;
  else if (u[0] == 0xE0) len = 3, lo = 0xA0;
  else if (u[0] == 0xED) len = 3, hi = 0x9F;
  else if (u[0] >= 0xE1 && u[0] <= 0xEF) len = 3;
  else if (u[0] == 0xF0) len = 4, lo = 0x90;
  else if (u[0] == 0xF4) len = 4, hi = 0x8F;
  else if (u[0] >= 0xF1 && u[0] <= 0xF3) len = 4;
  else return 0;
  if (n < len || u[1] < lo || u[1] > hi) return 0;
  for (size_t i = 2; i < len; i++)
    if ((u[i] & 0xC0) != 0x80) return 0;
  return len;
}

char *util_terminal_text(char *buf, const char *s, size_t n, bool keep_newlines) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    size_t k = utf8_sequence(s + i, n - i);
    bool c1 = k == 2 && c == 0xC2 && (unsigned char)s[i + 1] < 0xA0;   /* U+0080..U+009F */
    if (k == 0 || c1 || c == 0x7F || (c < 0x20 && c != '\t' && !(keep_newlines && c == '\n'))) {
      for (size_t j = 0; j < (k ? k : 1); j++) buf[i + j] = '?';
      i += k ? k : 1;
    } else {
      memcpy(buf + i, s + i, k);
      i += k;
    }
  }
  buf[n] = '\0';
  return buf;
}

void util_error(const char *fmt, ...) {
  char msg[1024], clean[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  size_t len = n < 0 ? 0 : (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
  fprintf(stderr, "missionc: error: %s%s\n", util_terminal_text(clean, msg, len, false),
          n >= 0 && (size_t)n >= sizeof msg ? "..." : "");
}

/* Levenshtein distance, giving up (returning limit+1) once it exceeds limit. */
int edit_distance(const char *a, const char *b, int limit) {
  size_t na = strlen(a), nb = strlen(b);
  if ((int)(na > nb ? na - nb : nb - na) > limit) return limit + 1;
  if (nb > 255) return limit + 1;
  int row[256];
  for (size_t j = 0; j <= nb; j++) row[j] = (int)j;
  for (size_t i = 1; i <= na; i++) {
    int prev = row[0], best;
    row[0] = (int)i;
    best = row[0];
    for (size_t j = 1; j <= nb; j++) {
      int cur = row[j];
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = prev + cost;
      if (row[j] + 1 < v) v = row[j] + 1;
      if (row[j - 1] + 1 < v) v = row[j - 1] + 1;
      row[j] = v;
      prev = cur;
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
  }
  return row[nb];
}
