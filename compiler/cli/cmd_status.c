/* cmd_status.c - `missionc status FILE --input ACTUALS.csv [--as-of DATE]
 *                [--format text|markdown|html] [-o OUT]`: the status report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "csv.h"
#include "commands.h"
#include "driver.h"
#include "options.h"
#include "lint.h"
#include "outfile.h"
#include "status.h"
#include "util.h"

static const char status_help[] =
    "usage: missionc status FILE --input ACTUALS.csv [--as-of DATE] [--format FORMAT] [-o OUT]\n"
    "\n"
    "Check FILE, read the observed values of its indicators from ACTUALS.csv and report,\n"
    "for each goal, the latest observation, the progress from baseline to target, the\n"
    "value the straight line from baseline to target expects on the as-of date, the gap,\n"
    "the days left and a verdict (on-track, at-risk, off-track, no data); the `expects`\n"
    "of the milestones that are due (met, missed, no data; pending when not yet due);\n"
    "and the scores without `on`, evaluated on the latest observations.\n"
    "\n"
    "  --input FILE                  the actuals: a header `date,<indicator>...`, one row per\n"
    "                                date (YYYY-MM-DD), values in the indicator's unit, empty\n"
    "                                where not observed ('-' reads standard input)\n"
    "  --as-of DATE                  the day of the report (YYYY-MM-DD); default: the latest\n"
    "                                date in the actuals\n"
    "  --format text|markdown|html   an aligned table (default), Markdown for reports, or one\n"
    "                                self-contained HTML page with the map and the timeline\n"
    "  -o FILE                       write the report to FILE instead of standard output\n"
    "\n"
    "Verdicts: on-track at or beyond the line; at-risk behind it by less than 10% of\n"
    "|target - baseline|; off-track behind by more. See LANGUAGE.md section 10.4.\n"
    "\n";

typedef struct StatusOptions {
  const char *file, *input, *output;
  int64_t as_of;
  bool as_of_given;
  StatusFormat format;
} StatusOptions;

static int take_file(void *args, const char *arg) {
  return cli_one_file("status", &((StatusOptions *)args)->file, arg);
}

/* --as-of YYYY-MM-DD */
static int take_as_of(void *args, const char *v) {
  StatusOptions *so = args;
  int32_t day;
  if (csv_parse_date(v, strlen(v), &day) != 0)
    return driver_usage_error("--as-of takes a date YYYY-MM-DD, not '%s'", v);
  so->as_of = day;
  so->as_of_given = true;
  return EXIT_OK;
}

/* --format text|markdown|html */
static int take_format(void *args, const char *v) {
  int f = 0;
  while (f < SF_COUNT && strcmp(v, status_format_names[f]) != 0) f++;
  if (f == SF_COUNT) return driver_usage_error("--format takes text, markdown or html, not '%s'", v);
  ((StatusOptions *)args)->format = (StatusFormat)f;
  return EXIT_OK;
}

static const CliOption status_options[] = {
    {"--input", NULL, "a CSV file", CLI_STRING, offsetof(StatusOptions, input), NULL},
    {"--as-of", NULL, "a date (YYYY-MM-DD)", CLI_CALL, 0, take_as_of},
    {"--format", NULL, "text, markdown or html", CLI_CALL, 0, take_format},
    {"-o", NULL, "a file name", CLI_STRING, offsetof(StatusOptions, output), NULL},
};
static const CliCommand status_command = {"status", status_help, NULL, status_options, COUNT_OF(status_options),
                                          take_file};

/* Parse the options of the command; EXIT_OK to go on, else the exit status (-1: --help). */
static int parse_options(Compiler *c, CommonOptions *o, StatusOptions *so, int argc, char **argv) {
  int st = cli_parse(c, o, &status_command, so, argc, argv);
  if (st == EXIT_OK) return -1;
  if (st > 0) return st;
  if (!so->file) return driver_usage_error("status: no mission file");
  if (!so->input) return driver_usage_error("status: no actuals: give --input ACTUALS.csv");
  if (strcmp(so->file, "-") == 0 && strcmp(so->input, "-") == 0)
    return driver_usage_error("status: the mission and the actuals cannot both be standard input");
  return EXIT_OK;
}

/* Write the report to -o FILE (through outfile: the old file kept on failure) or stdout. */
static int emit(const StatusReport *r, const StatusOptions *so) {
  OutFile out;
  char *err = NULL;
  if (outfile_open(&out, so->output, 0, &err) != 0) {
    util_error("%s", err);
    free(err);
    return EXIT_USAGE;
  }
  int st = status_write(r, so->format, out.fp);
  if (st != EXIT_OK) {
    outfile_abort(&out);
    return st;
  }
  if (outfile_commit(&out, &err) != 0) {
    util_error("%s", err);
    free(err);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

/* A Markdown report written to FILE.md gets each goal's chart beside it, as
 * FILE.GOAL.svg, each through outfile (a chart that names an input is refused). */
static int write_charts(Compiler *c, StatusReport *r, const StatusOptions *so) {
  if (so->format != SF_MARKDOWN || !so->output || strcmp(so->output, "-") == 0) return EXIT_OK;
  size_t n = strlen(so->output);
  if (n > 3 && strcmp(so->output + n - 3, ".md") == 0) n -= 3;
  const char *base = arena_strndup(c->arena, so->output, n);
  for (int i = 0; i < r->ngoals; i++) {
    if (!r->goals[i].indicator) continue;
    const char *path = status_chart_path(c->arena, base, &r->goals[i]);
    const char *inputs[] = {so->input};
    int st = driver_check_output(c, path, inputs, 1);
    if (st != EXIT_OK) return st;
    OutFile out;
    char *err = NULL;
    if (outfile_open(&out, path, 0, &err) == 0) {
      chart_goal_svg(out.fp, r, &r->goals[i]);
      outfile_commit(&out, &err);
    }
    if (err) {
      util_error("%s", err);
      free(err);
      return EXIT_USAGE;
    }
  }
  r->chart_base = base;
  return EXIT_OK;
}

int cmd_status(Compiler *c, int argc, char **argv) {
  CommonOptions o;
  driver_options_init(&o);
  o.brief_warnings = true;
  StatusOptions so = {0};
  int st = parse_options(c, &o, &so, argc, argv);
  if (st != EXIT_OK) return st < 0 ? EXIT_OK : st;
  if (driver_check_lint_flags(&o) != EXIT_OK) return EXIT_USAGE;
  driver_options_apply(c, &o);
  Model *m = driver_front_end(c, so.file, &o);
  if (!m) return driver_finish(c, &o, EXIT_USAGE);
  if (diag_error_count(c->diag) > 0) return driver_finish(c, &o, EXIT_INPUT);
  Actuals *a = status_read_actuals(m, so.input);
  if (!a) return driver_finish(c, &o, EXIT_USAGE);
  if (diag_error_count(c->diag) > 0) return driver_finish(c, &o, EXIT_INPUT);
  if (!so.as_of_given) {
    if (a->nrows == 0) {
      diag_error(c->diag, (Span){a->file, 0, 0}, E0807,
                 "the actuals have no rows: give the day of the report with --as-of");
      return driver_finish(c, &o, EXIT_INPUT);
    }
    so.as_of = a->last;
  }
  const char *inputs[] = {so.input};
  if ((st = driver_check_output(c, so.output, inputs, 1)) != EXIT_OK) return driver_finish(c, &o, st);
  StatusReport *r = status_compute(m, a, so.as_of, so.as_of_given);
  st = write_charts(c, r, &so);
  if (st == EXIT_OK) st = emit(r, &so);
  return driver_finish(c, &o, st);
}
