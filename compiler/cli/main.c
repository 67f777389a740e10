/* main.c - the missionc driver: the list of commands and the front-end stages.
 *
 *   parse (grammar/) -> imports + names + schema + units + dates + budgets (check.c)
 *     -> mission criteria (lint.c) -> one back end: export | graph | eval | explain | build | status
 *   lsp: the same front end, once per change of each document an editor has open
 *
 * Each command is cmd_<name>() in cmd_<name>.c, or below for the front end alone.
 * Exit status: 0 fine, 1 errors in the input, 2 usage or I/O problems.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ast.h"
#include "commands.h"
#include "compiler.h"
#include "driver.h"
#include "options.h"
#ifdef MISSIONC_NATIVE
#include "eval.h"
#endif
#include "util.h"

#ifndef MISSIONC_VERSION
#define MISSIONC_VERSION "0.0.0"
#endif
#ifndef MISSIONC_LLVM_VERSION
#define MISSIONC_LLVM_VERSION "?"
#endif

static int cmd_check(Compiler *c, int argc, char **argv);
static int cmd_parse(Compiler *c, int argc, char **argv);

typedef struct Command {
  const char *name;
  const char *summary;
  int (*run)(Compiler *c, int argc, char **argv);
} Command;

/* eval and build need LLVM. They run in missionc-native, this same driver linked
 * with libmission-native (codegen, JIT, objects), so that every other command
 * starts without loading libLLVM: missionc execs it for them, as gcc's driver runs
 * cc1. MISSIONC_NATIVE is defined when compiling that program. */
#ifdef MISSIONC_NATIVE
#define NATIVE(cmd) cmd
#else
#define NATIVE(cmd) NULL
#endif

static const Command commands[] = {
    {"check", "parse, check and lint mission files; report every problem found", cmd_check},
    {"parse", "parse only (--dump-ast prints the syntax tree)", cmd_parse},
    {"graph", "draw a mission: map, timeline, actors, rules or portfolio (DOT, SVG, PNG, PDF, Mermaid)", cmd_graph},
    {"export", "write the checked model as JSON (for dashboards and notebooks)", cmd_export},
    {"eval", "evaluate scores and conditions on the rows of a CSV file (LLVM JIT)", NATIVE(cmd_eval)},
    {"explain", "show how scores and conditions come about on one row: every step, its value and unit", cmd_explain},
    {"build", "compile scores and conditions to an object file or shared library", NATIVE(cmd_build)},
    {"fmt", "rewrite mission files in the canonical layout (--check, --diff)", cmd_fmt},
    {"diff", "what changed in a mission between two versions (text, Markdown, JSON; git:REV:PATH)", cmd_diff},
    {"test", "run the tests written in mission files on the interpreter and the JIT (--junit)", NATIVE(cmd_test)},
    {"lsp", "run the language server for editors (LSP over standard input and output)", cmd_lsp},
    {"status", "report goals, milestones and scores against observed actuals (text, Markdown, HTML)", cmd_status},
};

/* The overview printed by `missionc --help`. */
static void usage(FILE *out) {
  fputs("usage: missionc COMMAND [options] FILE...\n\nCommands:\n", out);
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fputs("\nRun 'missionc COMMAND --help' for the options of a command.\n\n"
        "Options:\n"
        "  -h, --help     show this help\n"
        "  --version      show the version of missionc and of LLVM (with --verbose: the\n"
        "                 target, CPU and CPU features that eval compiles for)\n", out);
}

static const Command *find_command(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (strcmp(commands[i].name, name) == 0) return &commands[i];
  return NULL;
}

static const char check_help[] =
    "usage: missionc check [options] FILE...\n\n"
    "Parse each file, load its imports and check that names, units, dates,\n"
    "budgets and structure agree; then lint it against the mission criteria.\n"
    "Prints nothing and exits 0 when all is well.\n\n";
static const char parse_help[] =
    "usage: missionc parse [--dump-ast] [options] FILE...\n\n"
    "Parse each file (no semantic checks).\n\n"
    "  --dump-ast                    print the syntax tree with the span of every node\n\n";

/* The files and options of check and parse. */
typedef struct FrontArgs {
  Arena *arena;
  PtrVec files;
  bool dump_ast;
} FrontArgs;

static int take_files(void *args, const char *arg) {
  FrontArgs *a = args;
  vec_push(a->arena, &a->files, (void *)arg);
  return EXIT_OK;
}

static const CliCommand check_command = {"check", check_help, NULL, NULL, 0, take_files};
static const CliOption parse_options[] = {
    {"--dump-ast", NULL, NULL, CLI_FLAG, offsetof(FrontArgs, dump_ast), NULL},
};
static const CliCommand parse_command = {"parse", parse_help, NULL, parse_options, 1, take_files};

/* A file given back once parsed (src_release) that changed on disk before the end: the
 * lines and columns shown after it changed may be wrong. An I/O problem (exit 2). */
static int sources_unchanged(Compiler *c, int status) {
  for (size_t i = 0; i < c->src->count; i++) {
    if (!src_changed(c->src, (uint32_t)i)) continue;
    util_error("'%s' changed on disk while it was being checked: the lines and columns shown may be "
               "wrong; check it again", src_file(c->src, (uint32_t)i)->path);
    status = EXIT_USAGE;
  }
  return status;
}

/* check and parse: options, then each file through the front end. */
static int front_end_command(Compiler *c, int argc, char **argv, bool check) {
  CommonOptions o;
  driver_options_init(&o);
  FrontArgs a = {.arena = c->arena};
  int st = cli_parse(c, &o, check ? &check_command : &parse_command, &a, argc, argv);
  if (st >= 0) return st;
  PtrVec files = a.files;
  bool dump_ast = a.dump_ast;
  if (files.len == 0) return driver_usage_error("%s: no input file", argv[0]);
  driver_options_apply(c, &o);
  /* check reads a file's text again only for the lines it shows: give it back once parsed */
  c->release_text = check;
  int status = EXIT_OK;
  for (int i = 0; i < files.len; i++) {
    if (check) {
      if (!driver_front_end(c, files.items[i], &o)) status = EXIT_USAGE;
    } else {
      Node *root = compiler_parse_path(c, files.items[i]);
      if (!root) status = EXIT_USAGE;
      else if (dump_ast) ast_dump(stdout, c->src, root);
    }
  }
  status = driver_finish(c, &o, status);
  return check ? sources_unchanged(c, status) : status;
}

static int cmd_check(Compiler *c, int argc, char **argv) { return front_end_command(c, argc, argv, true); }
static int cmd_parse(Compiler *c, int argc, char **argv) { return front_end_command(c, argc, argv, false); }

/* The folder of this program, with a final '/', in buf; false if unknown. */
static bool own_folder(char *buf, size_t size) {
  ssize_t n = readlink("/proc/self/exe", buf, size - 1);
  if (n <= 0) return false;
  buf[n] = '\0';
  char *slash = strrchr(buf, '/');
  if (!slash) return false;
  slash[1] = '\0';
  return true;
}

/* Run argv in missionc-native: $MISSIONC_NATIVE, else next to this program (the
 * build tree), else in ../libexec/missionc/ (an installed tree). Returns only on
 * failure, with the exit status. */
static int run_native(char **argv) {
  const char *env = getenv("MISSIONC_NATIVE");
  char dir[PATH_MAX], path[PATH_MAX + 64];
  const char *tried = env;
  if (env && *env) {
    execv(env, argv);
  } else if (own_folder(dir, sizeof dir)) {
    static const char *const places[] = {"missionc-native", "../libexec/missionc/missionc-native"};
    for (size_t i = 0; i < sizeof places / sizeof *places; i++) {
      snprintf(path, sizeof path, "%s%s", dir, places[i]);
      if (access(path, X_OK) == 0) {
        tried = path;
        execv(path, argv);
        break;
      }
    }
  }
  if (tried)
    util_error("'%s' needs missionc-native, the code generator: cannot run %s: %s",
            argv[1], tried, strerror(errno));
  else
    fprintf(stderr, "missionc: error: '%s' needs missionc-native, the code generator, which is not "
            "installed next to missionc\n", argv[1]);
  return EXIT_USAGE;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *first = argv[1];
  if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0 || strcmp(first, "help") == 0) {
    usage(stdout);
    return EXIT_OK;
  }
  if (strcmp(first, "--version") == 0 || strcmp(first, "-V") == 0) {
    /* --verbose: the target, CPU and features eval compiles for, which takes LLVM */
    bool verbose = argc > 2 && (strcmp(argv[2], "--verbose") == 0 || strcmp(argv[2], "-v") == 0);
#ifndef MISSIONC_NATIVE
    if (verbose) return run_native(argv);
#endif
    printf("missionc %s (LLVM %s)\n", MISSIONC_VERSION, MISSIONC_LLVM_VERSION);
#ifdef MISSIONC_NATIVE
    if (verbose) eval_print_target(stdout);
#endif
    return EXIT_OK;
  }
  const Command *cmd = find_command(first);
  if (!cmd) return driver_usage_error("unknown command '%s'", first);
  if (!cmd->run) return run_native(argv);
  Compiler *c = compiler_new();
  int status = cmd->run(c, argc - 1, argv + 1);
  compiler_free(c);
  return status;
}
