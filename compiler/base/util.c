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
