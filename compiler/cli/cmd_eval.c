/* cmd_eval.c - `missionc eval`: evaluate scores and conditions on the rows of a CSV file.
 *
 *   front end -> choose the rules -> compile them (JIT) or prepare the interpreter
 *     -> stream the CSV through them (eval.c) -> a CSV of results, renamed into
 *        place on success when written with -o
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codegen.h"
#include "commands.h"
#include "driver.h"
#include "options.h"
#include "eval.h"
#include "outfile.h"
#include "util.h"

static const char eval_help[] =
    "usage: missionc eval FILE --input ROWS.csv [--rules a,b | --on RECORD] [-o OUT.csv]\n"
    "                     [--engine jit|interp] [--threads N] [--na=nan]\n"
    "                     [--carry-forward [--by id] [--order date]] [options]\n"
    "\n"
    "Evaluate the scores and conditions of FILE on every row of ROWS.csv and print a CSV\n"
    "with one column per rule and one row per input row, in input order.\n"
    "\n"
    "ROWS.csv has a header row naming its columns: the indicators the rules read (and\n"
    "'date', YYYY-MM-DD, when a rule reads the date), or the fields of the record with\n"
    "--on. Other columns are ignored. Values are in the column's declared unit (61.7 in\n"
    "a '%' column is 61.7 %); booleans are true/false/1/0. Results are in the rule's\n"
    "declared unit (base units without one), booleans 0/1, dates YYYY-MM-DD; numbers\n"
    "read back to the same double.\n"
    "\n"
    "  -i, --input ROWS.csv          the rows ('-' reads standard input)\n"
    "  --rules a,b                   evaluate these rules, in this order\n"
    "  --on RECORD                   evaluate every rule on RECORD\n"
    "                                (default: every rule over the indicators)\n"
    "  -o OUT.csv                    write the results to OUT.csv, through a temporary\n"
    "                                file renamed on success (default: standard output)\n"
    "  --engine jit|interp           native code through LLVM (default), or the\n"
    "                                reference interpreter\n"
    "  --threads N                   threads for compiling and evaluating (default: one per CPU)\n"
    "  --na=nan|error                an empty or bad cell is a missing value (NaN), or an\n"
    "                                error (default); rules give NaN where a value they\n"
    "                                need is missing\n"
    "  --carry-forward               an empty cell takes its column's last value for the\n"
    "                                row's key, as status does with its actuals\n"
    "  --by a,b                      the key columns of --carry-forward (default: none,\n"
    "                                the whole file is one key)\n"
    "  --order date                  the column (dates or numbers) that orders each key's\n"
    "                                rows (default: input order); rows out of order are\n"
    "                                an error\n"
    "  --keep a,b | --keep '*'       copy these input columns (or all) to the output,\n"
    "                                before the results, to join them back (ids, names)\n"
    "  -O, --opt none|lean|O2|O3     JIT optimisation (default: lean)\n"
    "  --cpu native|generic|NAME     the CPU to compile for (default: native)\n"
    "  --emit-llvm                   print the LLVM IR of the JIT's kernels and stop\n"
    "  --time                        print where the time went on standard error\n"
    "  --no-progress                 no progress line on standard error\n"
    "\n"
    "Compiled code is cached (see MISSIONC_CACHE_DIR, MISSIONC_CACHE=0 in LANGUAGE.md section 10.3).\n"
    "A bad cell, a missing column or a CSV syntax error stops the run with exit status 1;\n"
    "--diagnostics-format json|sarif reports it (codes E08xx) like errors in FILE.\n"
    "\n";

typedef struct EvalArgs {
  const char *file, *input, *output, *rules, *on;
  bool emit_llvm;
  EvalOptions eval;
} EvalArgs;

/* ------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------ */

static int take_file(void *args, const char *arg) {
  return cli_one_file("eval", &((EvalArgs *)args)->file, arg);
}

/* --engine jit|interp */
static int take_engine(void *args, const char *v) {
  EvalOptions *o = &((EvalArgs *)args)->eval;
  if (strcmp(v, "jit") == 0) o->engine = ENGINE_JIT;
  else if (strcmp(v, "interp") == 0) o->engine = ENGINE_INTERP;
  else return driver_usage_error("--engine takes jit or interp, not '%s'", v);
  return EXIT_OK;
}

/* --threads N */
static int take_threads(void *args, const char *v) {
  char *end;
  long n = strtol(v, &end, 10);
  if (!*v || *end || n < 1 || n > 1024)
    return driver_usage_error("--threads takes a number from 1 to 1024, not '%s'", v);
  ((EvalArgs *)args)->eval.threads = (int)n;
  return EXIT_OK;
}

/* --na nan|error */
static int take_na(void *args, const char *v) {
  EvalOptions *o = &((EvalArgs *)args)->eval;
  if (strcmp(v, "nan") == 0) o->na_nan = true;
  else if (strcmp(v, "error") == 0) o->na_nan = false;
  else return driver_usage_error("--na takes nan or error, not '%s'", v);
  return EXIT_OK;
}

/* --opt LEVEL, -O LEVEL, -OLEVEL */
static int take_opt(void *args, const char *v) {
  JitOpt level;
  if (jit_opt_parse(v, &level) != 0) return driver_usage_error("--opt takes none, lean, O2 or O3, not '%s'", v);
  ((EvalArgs *)args)->eval.opt = level;
  return EXIT_OK;
}

static const CliOption eval_options[] = {
    {"--input", "-i", "a value", CLI_STRING, offsetof(EvalArgs, input), NULL},
    {"-o", NULL, "a value", CLI_STRING, offsetof(EvalArgs, output), NULL},
    {"--rules", NULL, "a value", CLI_STRING, offsetof(EvalArgs, rules), NULL},
    {"--on", NULL, "a value", CLI_STRING, offsetof(EvalArgs, on), NULL},
    {"--engine", NULL, "a value", CLI_CALL, 0, take_engine},
    {"--threads", NULL, "a value", CLI_CALL, 0, take_threads},
    {"--na", NULL, "a value", CLI_CALL, 0, take_na},
    {"--opt", "-O", "a value", CLI_CALL, 0, take_opt},
    {"--cpu", NULL, "a value", CLI_STRING, offsetof(EvalArgs, eval.cpu), NULL},
    {"--keep", NULL, "a value", CLI_STRING, offsetof(EvalArgs, eval.keep), NULL},
    {"--carry-forward", NULL, NULL, CLI_FLAG, offsetof(EvalArgs, eval.carry_forward), NULL},
    {"--by", NULL, "a value", CLI_STRING, offsetof(EvalArgs, eval.by), NULL},
    {"--order", NULL, "a value", CLI_STRING, offsetof(EvalArgs, eval.order), NULL},
    {"--emit-llvm", NULL, NULL, CLI_FLAG, offsetof(EvalArgs, emit_llvm), NULL},
    {"--time", NULL, NULL, CLI_FLAG, offsetof(EvalArgs, eval.timing), NULL},
    {"--no-progress", NULL, NULL, CLI_UNFLAG, offsetof(EvalArgs, eval.progress), NULL},
};
static const CliCommand eval_command = {"eval", eval_help, NULL, eval_options, COUNT_OF(eval_options),
                                        take_file};

/* Parse the command line; returns -1 to go on, else the exit status. */
static int parse_args(Compiler *c, CommonOptions *co, EvalArgs *a, int argc, char **argv) {
  int st = cli_parse(c, co, &eval_command, a, argc, argv);
  if (st >= 0) return st;
  char *why = NULL;
  if (jit_check_cpu(a->eval.cpu, &why) != 0) {   /* before any thread: LLVM would abort() */
    st = driver_usage_error_text(why ? why : "unknown CPU");
    free(why);
    return st;
  }
  if (!a->file) return driver_usage_error("eval: no mission file");
  if (!a->input && !a->emit_llvm) return driver_usage_error("eval: no input rows (--input ROWS.csv)");
  if (a->rules && a->on) return driver_usage_error("eval: --rules and --on cannot go together");
  if ((a->eval.by || a->eval.order) && !a->eval.carry_forward)
    return driver_usage_error("eval: --by and --order go with --carry-forward");
  if ((a->eval.by && !*a->eval.by) || (a->eval.order && !*a->eval.order))
    return driver_usage_error("eval: --by and --order take column names");
  if (a->input && a->output && strcmp(a->output, "-") == 0) a->output = NULL;
  return -1;
}

/* ------------------------------------------------------------------------
 * The command
 * ------------------------------------------------------------------------ */

/* Print the IR of the rules' batch kernels, as the JIT compiles them. */
static int emit_llvm(const RuleSig **sigs, int n, const EvalOptions *o) {
  char *err = NULL;
  if (eval_print_ir(stdout, sigs, n, o, &err) != 0) {
    util_error("%s", err);
    free(err);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

/* Whether two paths name the same existing file (device and inode, so links and
 * other spellings count). */
static bool same_file(const char *a, const char *b) {
  struct stat sa, sb;
  return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Evaluate the rules on the input, to stdout or through a temporary file. */
static int evaluate(const EvalArgs *a, const RuleSig **sigs, int n) {
  if (a->output && strcmp(a->file, "-") != 0 && same_file(a->output, a->file)) {
    fprintf(stderr, "missionc: error: -o %s names the mission file %s: refusing to overwrite it\n",
            a->output, a->file);
    return EXIT_USAGE;
  }
  int fd = strcmp(a->input, "-") == 0 ? STDIN_FILENO : open(a->input, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    util_error("cannot open %s: %s", a->input, strerror(errno));
    return EXIT_USAGE;
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {   /* a usage error, as a missing file is */
    util_error("cannot read %s: it is a directory", a->input);
    if (fd != STDIN_FILENO) close(fd);
    return EXIT_USAGE;
  }
  char *err = NULL;
  RuleSet *rs = ruleset_new(sigs, n, &a->eval, &err);
  if (!rs) {
    util_error("cannot compile the rules: %s", err ? err : "?");
    free(err);
    if (fd != STDIN_FILENO) close(fd);
    return EXIT_USAGE;
  }
  const char *in_name = fd == STDIN_FILENO ? "<stdin>" : a->input;
  int status;
  OutFile out;
  if (outfile_open(&out, a->output, 0, &err) != 0) {
    util_error("%s", err);
    free(err);
    status = EXIT_USAGE;
  } else {
    if (!out.is_stdout) setvbuf(out.fp, NULL, _IOFBF, 1 << 20);
    status = eval_csv(rs, fd, in_name, out.fp, out.name, &a->eval);
    if (status != EXIT_OK) {
      outfile_abort(&out);
    } else if (outfile_commit(&out, &err) != 0) {
      util_error("%s", err);
      free(err);
      status = EXIT_USAGE;
    }
  }
  ruleset_free(rs);
  if (fd != STDIN_FILENO) close(fd);
  return status;
}

int cmd_eval(Compiler *c, int argc, char **argv) {
  CommonOptions co;
  driver_options_init(&co);
  co.brief_warnings = true;
  EvalArgs a = {0};
  eval_options_init(&a.eval);
  static char outbuf[1 << 20];
  setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);   /* nothing is written to it before */
  int status = parse_args(c, &co, &a, argc, argv);
  if (status >= 0) return status;
  driver_options_apply(c, &co);
  Model *m = driver_front_end(c, a.file, &co);
  if (!m) return driver_finish(c, &co, EXIT_USAGE);
  /* Text: the mission's diagnostics first, then results, then any data errors. JSON and
   * SARIF: one document at the end, with both. */
  bool one_document = co.render.format != DIAG_TEXT;
  if (!one_document || diag_error_count(c->diag) > 0) {
    status = driver_finish(c, &co, EXIT_OK);
    if (status != EXIT_OK) return status;
    diag_clear(c->diag);
  }
  a.eval.diag = c->diag;
  const RuleSig **sigs = NULL;
  int n = 0;
  char *err = NULL;
  status = eval_select_rules(m, a.rules, a.on, false, &sigs, &n, &err);
  if (status != MS_OK) return driver_report(status, err);
  if (a.emit_llvm) return emit_llvm(sigs, n, &a.eval);
  const char *inputs[] = {a.input};
  if ((status = driver_check_output(c, a.output, inputs, 1)) != EXIT_OK) return status;
  status = evaluate(&a, sigs, n);
  if (one_document || c->diag->list.len) status = driver_finish(c, &co, status);
  return status;
}
