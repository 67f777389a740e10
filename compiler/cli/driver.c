/* driver.c - the common options and the front end that every command runs. */
#include "driver.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front_end.h"
#include "lint.h"
#include "outfile.h"
#include "util.h"

#ifndef MISSIONC_VERSION
#define MISSIONC_VERSION "0.0.0"
#endif

const char *const driver_common_help =
    "Common options:\n"
    "  -I DIR                        look for imports in DIR too (after the importing file's folder)\n"
    "  -Wname, -Wno-name             turn the mission-criteria warning 'name' on or off\n"
    "  -Werror                       treat warnings as errors\n"
    "  --show-allowed                also print the warnings that an `allow` silences, with its reason\n"
    "  --color=auto|always|never     colour diagnostics (auto: only on a terminal)\n"
    "  --diagnostics-format=text|json|sarif\n"
    "                                how diagnostics are printed on standard error\n"
    "  --max-errors N                stop after N errors (default 50; 0: no limit)\n"
    "  -h, --help                    show this help\n"
    "\n"
    "FILE '-' reads standard input. Exit status: 0 fine, 1 errors in the input,\n"
    "2 usage or I/O problems.\n";

void driver_options_init(CommonOptions *o) {
  memset(o, 0, sizeof *o);
  o->color = -1;
  o->max_errors = 50;
  o->render.tool_version = MISSIONC_VERSION;
}

int driver_usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char msg[1024];   /* the values quoted are the user's: cut, and shown without controls */
  int n = vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  size_t len = n < 0 ? 0 : (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
  char clean[sizeof msg];
  fprintf(stderr, "missionc: error: %s%s\nTry 'missionc --help' for more information.\n",
          util_terminal_text(clean, msg, len, false), (size_t)n >= sizeof msg ? "..." : "");
  return EXIT_USAGE;
}

int driver_usage_error_text(const char *text) {
  size_t len = strlen(text);
  char *clean = malloc(len + 1);
  fprintf(stderr, "missionc: error: %s\nTry 'missionc --help' for more information.\n",
          clean ? util_terminal_text(clean, text, len, true) : "out of memory");
  free(clean);
  return EXIT_USAGE;
}

int driver_report(int status, char *err) {
  if (status == MS_FAILED && err) driver_usage_error("%s", err);
  else if (status != MS_OK && err) fprintf(stderr, "missionc: error: %s\n", err);
  free(err);
  return status == MS_OK ? EXIT_OK : status == MS_INPUT ? EXIT_INPUT : EXIT_USAGE;
}

int driver_check_lint_flags(const CommonOptions *o) {
  char *err = NULL;
  int st = lint_check_flags((const char *const *)o->warning_flags.items, o->warning_flags.len, &err);
  return driver_report(st, err);
}

const char *driver_option_value(int argc, char **argv, int *i, const char *name, bool *missing) {
  size_t n = strlen(name);
  const char *arg = argv[*i];
  *missing = false;
  if (strncmp(arg, name, n) != 0) return NULL;
  if (arg[n] == '=') return arg + n + 1;
  if (arg[n] != '\0') return NULL;
  if (*i + 1 < argc) return argv[++*i];
  *missing = true;
  return NULL;
}

/* --color, --color=WHEN */
static int color_option(CommonOptions *o, const char *arg) {
  const char *v = arg[7] == '=' ? arg + 8 : "always";
  if (strcmp(v, "auto") == 0) o->color = -1;
  else if (strcmp(v, "always") == 0) o->color = 1;
  else if (strcmp(v, "never") == 0) o->color = 0;
  else return driver_usage_error("--color takes auto, always or never, not '%s'", v) + 10;
  return 1;
}

int driver_common_option(Compiler *c, CommonOptions *o, int argc, char **argv, int *i) {
  const char *arg = argv[*i], *v;
  bool missing;
  if (strncmp(arg, "-I", 2) == 0) {
    const char *dir = arg[2] ? arg + 2 : (*i + 1 < argc ? argv[++*i] : NULL);
    if (!dir) return driver_usage_error("option -I needs a directory") + 10;
    vec_push(c->arena, &c->include_dirs, (void *)dir);
    return 1;
  }
  if (strcmp(arg, "--show-allowed") == 0) {
    o->show_allowed = true;
    return 1;
  }
  if (strcmp(arg, "-Werror") == 0) {
    o->werror = true;
    return 1;
  }
  if (strncmp(arg, "-W", 2) == 0 && arg[2]) {
    char *err = NULL;
    if (lint_check_flags((const char *const *)&arg, 1, &err)) return driver_report(MS_FAILED, err) + 10;
    vec_push(c->arena, &o->warning_flags, (void *)arg);
    return 1;
  }
  if (strcmp(arg, "--color") == 0 || strncmp(arg, "--color=", 8) == 0) return color_option(o, arg);
  if ((v = driver_option_value(argc, argv, i, "--diagnostics-format", &missing))) {
    if (strcmp(v, "text") == 0) o->render.format = DIAG_TEXT;
    else if (strcmp(v, "json") == 0) o->render.format = DIAG_JSON;
    else if (strcmp(v, "sarif") == 0) o->render.format = DIAG_SARIF;
    else return driver_usage_error("--diagnostics-format takes text, json or sarif, not '%s'", v) + 10;
    return 1;
  }
  if (missing) return driver_usage_error("option '%s' needs a value", arg) + 10;
  if ((v = driver_option_value(argc, argv, i, "--max-errors", &missing))) {
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < 0 || n > 1000000)
      return driver_usage_error("--max-errors takes a whole number, not '%s'", v) + 10;
    o->max_errors = (int)n;
    return 1;
  }
  if (missing) return driver_usage_error("option '%s' needs a number", arg) + 10;
  return 0;
}

void driver_options_apply(Compiler *c, CommonOptions *o) {
  c->diag->max_errors = o->max_errors;
  c->diag->werror = o->werror;
  c->diag->show_allowed = o->show_allowed;
  o->render.color = o->color == 1 ||
                    (o->color == -1 && isatty(STDERR_FILENO) && getenv("NO_COLOR") == NULL);
}

Model *driver_front_end(Compiler *c, const char *path, const CommonOptions *o) {
  return compiler_front_end(c, path, (const char *const *)o->warning_flags.items, o->warning_flags.len);
}

/* Commands that do not lint in full: drop the warnings and say how many there are. */
static int drop_warnings(Diag *d) {
  int kept = 0, dropped = 0;
  for (int i = 0; i < d->list.len; i++) {
    Diagnostic *g = d->list.items[i];
    if (g->sev == SEV_WARNING) dropped++;
    else d->list.items[kept++] = g;
  }
  d->list.len = kept;
  d->warnings = 0;
  return dropped;
}

int driver_check_output(Compiler *c, const char *output, const char *const *inputs, int ninputs) {
  if (!output || strcmp(output, "-") == 0) return EXIT_OK;
  for (int i = 0; i < ninputs; i++)
    if (inputs[i] && outfile_same_file(output, inputs[i]))
      return driver_usage_error("the output '%s' is the input '%s': refusing to overwrite it",
                                output, inputs[i]);
  for (size_t i = 0; i < c->src->count; i++) {
    const SourceFile *f = c->src->files[i];
    if (f->real && outfile_same_file(output, f->real))
      return driver_usage_error("the output '%s' is the input '%s': refusing to overwrite it",
                                output, f->path);
  }
  return EXIT_OK;
}

int driver_finish(Compiler *c, const CommonOptions *o, int status) {
  int dropped = 0;
  if (o->brief_warnings && !o->werror && o->render.format == DIAG_TEXT && !o->show_allowed)
    dropped = drop_warnings(c->diag);
  diag_render(c->diag, stderr, &o->render);
  if (dropped)
    fprintf(stderr, "%d warning%s; run `missionc check`\n", dropped, dropped == 1 ? "" : "s");
  if (status == 0 && diag_error_count(c->diag) > 0) status = EXIT_INPUT;
  return status;
}


bool driver_write_file(const char *path, const void *data, size_t len) {
  char *err = NULL;
  if (outfile_write(path, data, len, 0, &err) == 0) return true;
  util_error("%s", err);
  free(err);
  return false;
}
