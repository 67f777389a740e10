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
#include "options.h"
#include "outfile.h"
#include "srcfmt.h"
#include "util.h"

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

/* Replace path's contents by text through outfile (a temporary file in the same folder,
 * fsync'ed, renamed over it; mode, owner and symlinks kept), so a failure never leaves a
 * half-written file. Only a regular file is rewritten in place. */
static bool write_replace(const char *path, const char *text, size_t len) {
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
    util_error("cannot rewrite '%s': not a regular file", path);
    return false;
  }
  return driver_write_file(path, text, len);
}

/* Arguments of fmt go in an arena's vector. */
typedef struct FmtCli {
  FmtArgs *args;
  Arena *arena;
} FmtCli;

static int take_file(void *cli, const char *arg) {
  FmtCli *f = cli;
  vec_push(f->arena, &f->args->files, (void *)arg);
  return EXIT_OK;
}

static int take_check(void *cli, const char *v) {
  (void)v;
  ((FmtCli *)cli)->args->check = true;
  return EXIT_OK;
}

static int take_diff(void *cli, const char *v) {
  (void)v;
  ((FmtCli *)cli)->args->diff = true;
  return EXIT_OK;
}

static void print_fmt_help(void) { printf("%s", fmt_help); }

static const CliOption fmt_options[] = {
    {"--check", NULL, NULL, CLI_CALL, 0, take_check},
    {"--diff", NULL, NULL, CLI_CALL, 0, take_diff},
};
static const CliCommand fmt_command = {"fmt", NULL, print_fmt_help, fmt_options, COUNT_OF(fmt_options),
                                       take_file};

/* Parse the options of fmt; 0, -1 after --help, or EXIT_USAGE. */
static int parse_args(Compiler *c, int argc, char **argv, FmtArgs *args, CommonOptions *o) {
  FmtCli cli = {args, c->arena};
  int st = cli_parse(c, o, &fmt_command, &cli, argc, argv);
  if (st == EXIT_OK) return -1;
  if (st > 0) return st;
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
