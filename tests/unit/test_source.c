/* test_source.c - source files given back once parsed (src_release): lines, columns and
 * slices read from the file again are what the text held, and a file that changes on
 * disk is noticed (blanks, src_changed) instead of read as if it were the old one. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "source.h"

static char path[256];

/* A temporary file holding text. */
static void write_file(const char *text) {
  FILE *f = fopen(path, "wb");
  cr_assert(f != NULL);
  fputs(text, f);
  fclose(f);
}

static void setup(void) {
  snprintf(path, sizeof path, "%s/source-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  close(fd);
}

static void teardown(void) { unlink(path); }

static const char *const text = "actor a \"\xc3\x85sa\" {\r\n  sector public\n}\nlast line, no newline";

/* Every offset's line, column and line text, before and after the release. */
static void same_everywhere(const char *text);

Test(source, release_reads_the_same, .init = setup, .fini = teardown) { same_everywhere(text); }

/* Hundreds of lines of every length (empty ones, CRLF, UTF-8, no final newline): the
 * lines between the kept line starts are found again. */
Test(source, release_many_lines, .init = setup, .fini = teardown) {
  static char big[64 * 1024];
  size_t n = 0;
  for (int i = 0; i < 700; i++) {
    for (int j = 0; j < i % 13; j++) n += (size_t)snprintf(big + n, sizeof big - n, j % 5 ? "x" : "\xc3\xa9");
    n += (size_t)snprintf(big + n, sizeof big - n, i % 7 ? "\n" : "\r\n");
  }
  snprintf(big + n, sizeof big - n, "end");
  same_everywhere(big);
}

static void same_everywhere(const char *text) {
  write_file(text);
  Sources *s = src_new(), *keep = src_new();
  char err[256];
  int64_t id = src_load(s, path, err, sizeof err), id2 = src_load(keep, path, err, sizeof err);
  cr_assert(id == 0 && id2 == 0);
  cr_assert(src_release(s, 0));
  cr_assert(src_file(s, 0)->text == NULL);
  cr_assert(src_release(s, 0) == false);   /* once */
  size_t len = strlen(text);
  for (uint32_t off = 0; off <= len; off++) {
    int l1, c1, l2, c2;
    src_linecol(s, 0, off, &l1, &c1);
    src_linecol(keep, 0, off, &l2, &c2);
    cr_expect(l1 == l2 && c1 == c2, "offset %u: %d:%d, want %d:%d", off, l1, c1, l2, c2);
    size_t n1, n2;
    uint32_t s1, s2;
    const char *t1 = src_line_text(s, 0, off, &n1, &s1), *t2 = src_line_text(keep, 0, off, &n2, &s2);
    cr_expect(n1 == n2 && s1 == s2 && memcmp(t1, t2, n1) == 0, "offset %u", off);
  }
  Arena *a = arena_new();
  cr_expect(eq(str, src_slice(s, (Span){0, 6, 16}, a), src_slice(keep, (Span){0, 6, 16}, a)));
  cr_expect(eq(str, src_slice(s, (Span){0, 17, 40}, a), src_slice(keep, (Span){0, 17, 40}, a)));
  cr_expect(src_changed(s, 0) == false);
  arena_free(a);
  src_free(s);
  src_free(keep);
}

/* A file changed on disk after its release: blanks, and src_changed says so. */
Test(source, release_notices_a_change, .init = setup, .fini = teardown) {
  write_file(text);
  Sources *s = src_new();
  char err[256];
  cr_assert(src_load(s, path, err, sizeof err) == 0);
  cr_assert(src_release(s, 0));
  write_file("unit x\n");   /* shorter: the old lines are past its end */
  size_t n;
  uint32_t start;
  const char *line = src_line_text(s, 0, 30, &n, &start);
  cr_expect(start <= 30 && start + n <= strlen(text));   /* where is not known: in bounds */
  for (size_t i = 0; i < n; i++) cr_expect(line[i] == ' ');
  cr_expect(src_changed(s, 0));
  Arena *a = arena_new();
  cr_expect(eq(str, src_slice(s, (Span){0, 0, 5}, a), "     "));
  arena_free(a);
  src_free(s);
}

/* Only files read whole from disk are given back: not text from memory. */
Test(source, release_only_files_from_disk) {
  Sources *s = src_new();
  uint32_t id = src_add(s, "<memory>", "unit x\n", 7);
  cr_expect(src_release(s, id) == false);
  cr_expect(eq(str, (char *)src_file(s, id)->text, "unit x\n"));
  src_free(s);
}
