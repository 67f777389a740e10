/* cmd_test.c - `missionc test`: run the tests written in mission files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "commands.h"
#include "driver.h"
#include "options.h"
#include "filetest.h"
#include "util.h"

static const char test_help[] =
    "usage: missionc test [--junit OUT.xml] [options] FILE...\n"
    "\n"
    "Check each FILE, then run every test it declares (`test NAME \"title\" [on R]\n"
    "{ given ...; expect ...; within ... }`, LANGUAGE.md \"Tests in the file\") on\n"
    "every engine: the interpreter and the JIT. Prints one line per test, the\n"
    "expected and actual values of each failure with its location, and a final\n"
    "'N passed, N failed' line.\n"
    "\n"
    "  --junit OUT.xml               also write the results as JUnit XML\n"
    "\n"
    "Exit status: 0 every test passed, 1 a test failed or a file has errors, 2 usage\n"
    "or I/O problems.\n";

/* A growable text. */
typedef struct Text {
  char *s;
  size_t len, cap;
} Text;

static void text_add(Text *t, const char *s, size_t n) {
  if (t->len + n + 1 > t->cap) {
    t->cap = (t->len + n + 1) * 2;
    t->s = xrealloc(t->s, t->cap);
  }
  memcpy(t->s + t->len, s, n);
  t->len += n;
  t->s[t->len] = '\0';
}

static void text_cstr(Text *t, const char *s) { text_add(t, s, strlen(s)); }

/* s with the XML special characters escaped. */
static void text_xml(Text *t, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '<': text_cstr(t, "&lt;"); break;
    case '>': text_cstr(t, "&gt;"); break;
    case '&': text_cstr(t, "&amp;"); break;
    case '"': text_cstr(t, "&quot;"); break;
    default: text_add(t, s, 1);
    }
  }
}


/* Print and record the results of one file. */
static void report_file(Compiler *c, const char *path, const TestReport *r, Text *junit, int *passed, int *failed) {
  int nf = 0;
  for (int i = 0; i < r->len; i++) nf += !r->items[i].passed;
  char head[512];
  snprintf(head, sizeof head, "  <testsuite name=\"");
  text_cstr(junit, head);
  text_xml(junit, path);
  snprintf(head, sizeof head, "\" tests=\"%d\" failures=\"%d\">\n", r->len, nf);
  text_cstr(junit, head);
  for (int i = 0; i < r->len; i++) {
    const TestResult *t = &r->items[i];
    int line, col;
    src_linecol(c->src, t->test->decl->span.file, t->test->decl->decl.name.span.start, &line, &col);
    printf("test %s (%s:%d) ... %s\n", t->test->name, path, line, t->passed ? "ok" : "FAILED");
    if (!t->passed) fputs(t->failure, stdout);
    text_cstr(junit, "    <testcase classname=\"");
    text_xml(junit, path);
    text_cstr(junit, "\" name=\"");
    text_xml(junit, t->test->name);
    if (sym_title_text(t->test)) {
      text_cstr(junit, ": ");
      text_xml(junit, sym_title_text(t->test));
    }
    if (t->passed) {
      text_cstr(junit, "\"/>\n");
    } else {
      text_cstr(junit, "\">\n      <failure message=\"wrong value\">");
      text_xml(junit, t->failure);
      text_cstr(junit, "</failure>\n    </testcase>\n");
    }
  }
  text_cstr(junit, "  </testsuite>\n");
  *passed += r->len - nf;
  *failed += nf;
}

/* What the command line asks of test. */
typedef struct TestArgs {
  const char *junit;   /* first: CLI_STRING stores here */
  PtrVec files;
  Arena *arena;
} TestArgs;

static int take_file(void *args, const char *arg) {
  TestArgs *a = args;
  vec_push(a->arena, &a->files, (void *)arg);
  return EXIT_OK;
}

static const CliOption test_options[] = {
    {"--junit", NULL, "a file name", CLI_STRING, offsetof(TestArgs, junit), NULL},
};
static const CliCommand test_command = {"test", test_help, NULL, test_options, COUNT_OF(test_options),
                                        take_file};

int cmd_test(Compiler *c, int argc, char **argv) {
  CommonOptions o;
  driver_options_init(&o);
  TestArgs args = {.arena = c->arena};
  int st = cli_parse(c, &o, &test_command, &args, argc, argv);
  if (st >= 0) return st;
  PtrVec files = args.files;
  const char *junit_path = args.junit;
  if (files.len == 0) return driver_usage_error("test: no input file");
  driver_options_apply(c, &o);
  int status = EXIT_OK, passed = 0, failed = 0;
  Text junit = {0};
  for (int i = 0; i < files.len; i++) {
    const char *path = files.items[i];
    Compiler *fc = compiler_new();
    for (int k = 0; k < c->include_dirs.len; k++) vec_push(fc->arena, &fc->include_dirs, c->include_dirs.items[k]);
    fc->diag->max_errors = o.max_errors;
    Node *root = compiler_parse_path(fc, path);
    Model *m = root ? check_program(fc, root) : NULL;
    if (!root) {
      status = EXIT_USAGE;
    } else if (diag_error_count(fc->diag) > 0) {
      diag_render(fc->diag, stderr, &o.render);
      if (status == EXIT_OK) status = EXIT_INPUT;
    } else {
      TestReport r;
      char *err = NULL;
      if (filetest_run(m, &r, &err) != 0) {
        fprintf(stderr, "missionc: error: %s: cannot run the tests: %s\n", path, err ? err : "the JIT failed");
        free(err);
        status = EXIT_USAGE;
      } else {
        report_file(fc, path, &r, &junit, &passed, &failed);
      }
    }
    compiler_free(fc);
  }
  printf("%s%d passed, %d failed\n", passed + failed ? "\n" : "", passed, failed);
  if (failed && status == EXIT_OK) status = EXIT_INPUT;
  fflush(stdout);
  if (junit_path) {
    Text x = {0};
    char head[160];
    text_cstr(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    snprintf(head, sizeof head, "<testsuites name=\"missionc test\" tests=\"%d\" failures=\"%d\">\n", passed + failed, failed);
    text_cstr(&x, head);
    if (junit.s) text_add(&x, junit.s, junit.len);
    text_cstr(&x, "</testsuites>\n");
    if (!driver_write_file(junit_path, x.s, x.len)) status = EXIT_USAGE;
    free(x.s);
  }
  free(junit.s);
  if (fflush(stdout) != 0) status = EXIT_USAGE;
  return status;
}
