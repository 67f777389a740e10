/* cmd_fmt.c - `missionc fmt`: rewrite mission files in the canonical layout. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "driver.h"
#include "srcfmt.h"

static const char fmt_help[] =
    "usage: missionc fmt [--check] [--diff] FILE... | -\n"
    "\n"
    "Rewrite each FILE in the canonical layout (LANGUAGE.md, \"Canonical layout\"):\n"
    "one statement per line, blocks indented by two spaces, attribute names aligned,\n"
    "comments, doc comments and blank-line groups kept, numbers, dates and strings\n"
    "as written. The meaning never changes. A file with syntax errors is left as it\n"
    "is and its errors are printed. '-' formats standard input to standard output.\n"
    "\n"
    "  --check                       write nothing; name the files that need formatting\n"
    "                                and exit 1 if there is one\n"
    "  --diff                        write nothing; print a unified diff of the changes\n"
    "                                (exit 1 if there is one)\n"
    "\n"
    "Exit status: 0 fine, 1 syntax errors (or, with --check or --diff, files to\n"
    "format), 2 usage or I/O problems.\n";

typedef struct FmtArgs {
  PtrVec files;
  bool check, diff;
} FmtArgs;

/* Replace path's contents by text: a temporary file in the same folder, flushed to disk,
 * then renamed over it, so a failure never leaves a half-written file. */
static bool write_replace(const char *path, const char *text, size_t len) {
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
    fprintf(stderr, "missionc: error: cannot rewrite '%s': not a regular file\n", path);
    return false;
  }
  size_t n = strlen(path);
  char *tmp = malloc(n + 16);
  if (!tmp) return false;
  snprintf(tmp, n + 16, "%s.fmt-XXXXXX", path);
  int fd = mkstemp(tmp);
  bool ok = fd >= 0;
  for (size_t done = 0; ok && done < len;) {
    ssize_t w = write(fd, text + done, len - done);
    if (w < 0 && errno == EINTR) continue;
    ok = w > 0;
    if (ok) done += (size_t)w;
  }
  ok = ok && fchmod(fd, st.st_mode & 07777) == 0 && fsync(fd) == 0;
  if (fd >= 0 && close(fd) != 0) ok = false;
  ok = ok && rename(tmp, path) == 0;
  if (!ok) {
    fprintf(stderr, "missionc: error: cannot rewrite '%s': %s\n", path, strerror(errno));
    if (fd >= 0) unlink(tmp);
  }
  free(tmp);
  return ok;
}

/* Parse the options of fmt; 0, -1 after --help, or EXIT_USAGE. */
static int parse_args(Compiler *c, int argc, char **argv, FmtArgs *args, CommonOptions *o) {
  bool only_files = false;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    int r;
    if (only_files || arg[0] != '-' || strcmp(arg, "-") == 0) {
      vec_push(c->arena, &args->files, (void *)arg);
    } else if (strcmp(arg, "--") == 0) {
      only_files = true;
    } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      printf("%s", fmt_help);
      return -1;
    } else if (strcmp(arg, "--check") == 0) {
      args->check = true;
    } else if (strcmp(arg, "--diff") == 0) {
      args->diff = true;
    } else if ((r = driver_common_option(c, o, argc, argv, &i)) != 0) {
      if (r > 1) return EXIT_USAGE;
    } else {
      return driver_usage_error("fmt: unknown option '%s'", arg);
    }
  }
  if (args->files.len == 0) return driver_usage_error("fmt: no input file (use '-' for standard input)");
  return 0;
}

/* Format one file; returns its exit status (0, 1: errors or needs formatting, 2: I/O). */
static int fmt_one(Compiler *c, const char *path, const FmtArgs *args) {
  int before = diag_error_count(c->diag);
  Node *root = compiler_parse_path(c, path);
  if (!root) return EXIT_USAGE;
  if (diag_error_count(c->diag) > before) return EXIT_INPUT;   /* left as it is */
  uint32_t id = root->span.file;
  const SourceFile *sf = src_file(c->src, id);
  size_t len;
  const char *err;
  char *text = srcfmt_source(c, id, &len, &err);
  if (!text) {
    fprintf(stderr, "missionc: error: %s: %s\n", path, err);
    return EXIT_USAGE;
  }
  bool is_stdin = strcmp(path, "-") == 0;
  bool changed = len != sf->len || memcmp(text, sf->text, len) != 0;
  if (args->check || args->diff) {
    if (!changed) return EXIT_OK;
    if (args->check && !args->diff) printf("%s\n", is_stdin ? "<stdin>" : path);
    if (args->diff) {
      const char *name = is_stdin ? "<stdin>" : path;
      char *a = arena_printf(c->arena, "%s\t(original)", name), *b = arena_printf(c->arena, "%s\t(formatted)", name);
      srcfmt_unified_diff(stdout, a, sf->text, sf->len, b, text, len);
    }
    return EXIT_INPUT;
  }
  if (is_stdin) {
    fwrite(text, 1, len, stdout);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (!changed) return EXIT_OK;
  return write_replace(path, text, len) ? EXIT_OK : EXIT_USAGE;
}

int cmd_fmt(Compiler *c, int argc, char **argv) {
  CommonOptions o;
  driver_options_init(&o);
  FmtArgs args = {0};
  int r = parse_args(c, argc, argv, &args, &o);
  if (r) return r < 0 ? EXIT_OK : r;
  driver_options_apply(c, &o);
  int status = EXIT_OK;
  for (int i = 0; i < args.files.len; i++) {
    int s = fmt_one(c, args.files.items[i], &args);
    if (s > status) status = s;
  }
  fflush(stdout);
  return driver_finish(c, &o, status);
}
