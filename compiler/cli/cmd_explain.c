/* cmd_explain.c - `missionc explain FILE --input ROWS.csv --row N [--rule R,...]
 *                 [--format text|json] [-o OUT]`: one row, step by step.
 *
 *   front end -> the rules (--rule, --on, or every rule over the indicators)
 *     -> data row N of ROWS.csv -> each rule on the interpreter, traced (explain.c)
 *     -> an indented tree or JSON, through base/outfile
 *
 * Runs in missionc itself: the interpreter needs no LLVM.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "driver.h"
#include "explain.h"
#include "options.h"
#include "outfile.h"
#include "rules.h"
#include "util.h"

static const char explain_help[] =
    "usage: missionc explain FILE --input ROWS.csv --row N [--rule NAME[,NAME...] | --on RECORD]\n"
    "                        [--na=nan|error] [--format text|json] [-o OUT]\n"
    "\n"
    "Evaluate scores and conditions of FILE on one row of ROWS.csv with the reference\n"
    "interpreter and print how each value came about: every sub-expression of the\n"
    "formula with its value and unit, the inputs it read, the rules and functions it\n"
    "called (their bodies below them). The rule's value is the one `missionc eval`\n"
    "prints for that row.\n"
    "\n"
    "  -i, --input ROWS.csv          the rows, as eval reads them: a header naming the\n"
    "                                columns, values in their declared units ('-' reads\n"
    "                                standard input; .gz and .zst are decompressed)\n"
    "  --row N                       the data row to explain: 1 is the first row under\n"
    "                                the header (the spreadsheet's row N+1); the same\n"
    "                                numbering as the rows of eval's output\n"
    "  --rule NAME[,NAME...]         the scores and conditions to explain, in this order\n"
    "  --on RECORD                   every rule on RECORD\n"
    "                                (default: every score and condition over the\n"
    "                                indicators, as eval evaluates them)\n"
    "  --na=nan|error                an empty or unreadable cell is a missing value (NaN),\n"
    "                                as eval --na=nan reads it, or an error (default)\n"
    "  --format text|json            an indented tree (default), or JSON (LANGUAGE.md 10.5)\n"
    "  -o FILE                       write to FILE (through a temporary file renamed on\n"
    "                                success) instead of standard output\n"
    "\n"
    "A missing column, a bad cell, malformed CSV, a row past the end and an unknown rule\n"
    "are errors (E0810-E0813, E0801, E0815, E0905) with exit status 1; with --na=nan an\n"
    "empty or unreadable cell is a missing value instead.\n"
    "\n";

typedef struct ExplainArgs {
  const char *file, *input, *output, *rules, *on;
  long row;
  bool row_given;
  bool na_nan;
  ExplainFormat format;
} ExplainArgs;

static int take_file(void *args, const char *arg) {
  return cli_one_file("explain", &((ExplainArgs *)args)->file, arg);
}

/* --row N: a data row number from 1 */
static int take_row(void *args, const char *v) {
  char *end;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (!*v || *end || errno || n < 1)
    return driver_usage_error("--row takes a data row number from 1 (the first row under the header), not '%s'", v);
  ((ExplainArgs *)args)->row = n;
  ((ExplainArgs *)args)->row_given = true;
  return EXIT_OK;
}

/* --format text|json */
static int take_format(void *args, const char *v) {
  ExplainArgs *a = args;
  if (strcmp(v, "text") == 0) a->format = EXPLAIN_TEXT;
  else if (strcmp(v, "json") == 0) a->format = EXPLAIN_JSON;
  else return driver_usage_error("--format takes text or json, not '%s'", v);
  return EXIT_OK;
}

/* --na=nan|error, as eval's */
static int take_na(void *args, const char *v) {
  if (strcmp(v, "nan") == 0) ((ExplainArgs *)args)->na_nan = true;
  else if (strcmp(v, "error") == 0) ((ExplainArgs *)args)->na_nan = false;
  else return driver_usage_error("--na takes nan or error, not '%s'", v);
  return EXIT_OK;
}

static const CliOption explain_options[] = {
    {"--input", "-i", "a CSV file", CLI_STRING, offsetof(ExplainArgs, input), NULL},
    {"--row", NULL, "a row number", CLI_CALL, 0, take_row},
    {"--rule", "--rules", "a rule name", CLI_STRING, offsetof(ExplainArgs, rules), NULL},
    {"--on", NULL, "a record name", CLI_STRING, offsetof(ExplainArgs, on), NULL},
    {"--na", NULL, "a value", CLI_CALL, 0, take_na},
    {"--format", NULL, "text or json", CLI_CALL, 0, take_format},
    {"-o", NULL, "a file name", CLI_STRING, offsetof(ExplainArgs, output), NULL},
};
static const CliCommand explain_command = {"explain", explain_help, NULL, explain_options,
                                           COUNT_OF(explain_options), take_file};

/* Parse the command line; -1 to go on, else the exit status. */
static int parse_args(Compiler *c, CommonOptions *co, ExplainArgs *a, int argc, char **argv) {
  int st = cli_parse(c, co, &explain_command, a, argc, argv);
  if (st >= 0) return st;
  if (!a->file) return driver_usage_error("explain: no mission file");
  if (!a->input) return driver_usage_error("explain: no input rows (--input ROWS.csv)");
  if (!a->row_given) return driver_usage_error("explain: which row? (--row N, 1 = the first row under the header)");
  if (a->rules && a->on) return driver_usage_error("explain: --rule and --on cannot go together");
  if (strcmp(a->file, "-") == 0 && strcmp(a->input, "-") == 0)
    return driver_usage_error("explain: the mission and the rows cannot both be standard input");
  if (a->output && strcmp(a->output, "-") == 0) a->output = NULL;
  return -1;
}

/* One --rule name: its rule, or NULL after E0905 (with did-you-mean). */
static const Sym *rule_named(Model *m, const char *text, size_t len) {
  const char *name = intern(m->c->names, text, len);
  const Sym *s = len ? model_lookup(m, name) : NULL;
  if (s && rules_is_rule(s)) return s;
  Diag *d = m->c->diag;
  Diagnostic *g;
  if (!len) {
    diag_error(d, NO_SPAN, E0905, "--rule: an empty rule name");
    return NULL;
  }
  if (s) {
    g = diag_error(d, NO_SPAN, E0905, "--rule: '%s' is a %s, not a score or condition", name, decl_kind_names[s->kind]);
    diag_note(d, g, s->decl->decl.name.span, "'%s' declared here", name);
  } else {
    g = diag_error(d, NO_SPAN, E0905, "--rule: no score or condition named '%s'", name);
  }
  const char *hint = rules_suggest(m, name);
  const Sym *h = hint ? model_lookup(m, hint) : NULL;
  if (h) diag_note(d, g, h->decl->decl.name.span, "did you mean '%s'?", hint);
  return NULL;
}

/* The rules to explain, as signatures. MS_OK, MS_INPUT after diagnostics, or the
 * status of eval_select_rules with its message. */
static int choose_rules(Model *m, const ExplainArgs *a, const RuleSig ***sigs, int *n) {
  Arena *ar = m->c->arena;
  if (!a->rules) {
    char *err = NULL;
    int st = eval_select_rules(m, NULL, a->on, false, sigs, n, &err);
    if (st != MS_OK) return driver_report(st, err) == EXIT_USAGE ? MS_FAILED : MS_INPUT;
    return MS_OK;
  }
  PtrVec chosen = {0};
  bool ok = true;
  for (const char *p = a->rules;;) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    const Sym *s = rule_named(m, p, len);
    if (s) vec_push(ar, &chosen, (void *)s);
    else ok = false;
    if (!end) break;
    p = end + 1;
  }
  if (!ok) return MS_INPUT;
  const RuleSig **out = arena_alloc(ar, sizeof *out * (size_t)(chosen.len + 1));
  for (int i = 0; i < chosen.len; i++) {
    RuleSig *sig = arena_alloc(ar, sizeof *sig);
    const char *why;
    const Sym *s = chosen.items[i];
    if (!rule_sig(ar, s, sig, &why)) {
      diag_error(m->c->diag, s->decl->decl.name.span, E0905, "%s '%s' cannot be explained: it %s",
                 decl_kind_names[s->kind], s->name, why);
      return MS_INPUT;
    }
    out[i] = sig;
  }
  *sigs = out;
  *n = chosen.len;
  return MS_OK;
}

/* Write the explanations to -o FILE (the old file kept on failure) or stdout. */
static int emit(const ExplainArgs *a, const ExplainRows *rows, const ExplainItem *items, int n) {
  OutFile out;
  char *err = NULL;
  if (outfile_open(&out, a->output, 0, &err) != 0) {
    util_error("%s", err);
    free(err);
    return EXIT_USAGE;
  }
  explain_write(out.fp, a->format, rows, items, n);
  if (outfile_commit(&out, &err) != 0) {
    util_error("%s", err);
    free(err);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

int cmd_explain(Compiler *c, int argc, char **argv) {
  CommonOptions co;
  driver_options_init(&co);
  co.brief_warnings = true;
  ExplainArgs a = {0};
  int st = parse_args(c, &co, &a, argc, argv);
  if (st >= 0) return st;
  if (driver_check_lint_flags(&co) != EXIT_OK) return EXIT_USAGE;
  driver_options_apply(c, &co);
  Model *m = driver_front_end(c, a.file, &co);
  if (!m) return driver_finish(c, &co, EXIT_USAGE);
  if (diag_error_count(c->diag) > 0) return driver_finish(c, &co, EXIT_INPUT);
  const RuleSig **sigs = NULL;
  int n = 0;
  st = choose_rules(m, &a, &sigs, &n);
  if (st != MS_OK) return driver_finish(c, &co, st == MS_FAILED ? EXIT_USAGE : EXIT_INPUT);
  ExplainRows rows;
  char *err = NULL;
  st = explain_read_row(m, a.input, a.row, &rows, &err);
  if (st == MS_FAILED) {
    util_error("%s", err);
    free(err);
    return driver_finish(c, &co, EXIT_USAGE);
  }
  if (st != MS_OK) return driver_finish(c, &co, EXIT_INPUT);
  ExplainItem *items = arena_alloc(c->arena, sizeof *items * (size_t)(n + 1));
  double **vals = arena_alloc(c->arena, sizeof *vals * (size_t)(n + 1));
  int **cols = arena_alloc(c->arena, sizeof *cols * (size_t)(n + 1));
  for (int i = 0; i < n; i++) {
    vals[i] = arena_alloc(c->arena, sizeof **vals * (size_t)(sigs[i]->ninputs + 1));
    cols[i] = arena_alloc(c->arena, sizeof **cols * (size_t)(sigs[i]->ninputs + 1));
  }
  bool ok = explain_row_inputs(m, &rows, sigs, n, a.na_nan, vals, cols);
  for (int i = 0; ok && i < n; i++) items[i] = (ExplainItem){explain_row(c->arena, m, sigs[i], vals[i]), cols[i]};
  if (!ok) return driver_finish(c, &co, EXIT_INPUT);
  const char *inputs[] = {a.input};
  if ((st = driver_check_output(c, a.output, inputs, 1)) != EXIT_OK) return driver_finish(c, &co, st);
  st = driver_finish(c, &co, EXIT_OK);   /* warnings first, then the explanation */
  if (st != EXIT_OK) return st;
  return emit(&a, &rows, items, n);
}
