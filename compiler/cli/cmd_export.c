/* cmd_export.c - `missionc export`: the checked model as JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "driver.h"
#include "options.h"
#include "util.h"
#include "export.h"
#include "lint.h"
#include "outfile.h"
#include "util.h"

static const char export_help[] =
    "usage: missionc export [--format json] [-o OUT] [options] FILE\n"
    "\n"
    "Parse, check and lint FILE, then write the checked model as JSON: every\n"
    "declaration with its kind, name, title, doc comment and attributes, references\n"
    "by name, quantities with their unit and their value in base units, dates in\n"
    "ISO form and source spans. The output is byte-identical across runs; its schema\n"
    "is LANGUAGE.md section 10.1. A model with errors is not exported (exit 1).\n"
    "\n"
    "  --format json                 the output format (json, the only one)\n"
    "  -o OUT, --output OUT          write to OUT instead of standard output ('-')\n"
    "\n";

typedef struct ExportArgs {
  const char *file;
  const char *out;
} ExportArgs;

static int take_file(void *args, const char *arg) {
  return cli_one_file("export", &((ExportArgs *)args)->file, arg);
}

/* --format json (the only one) */
static int take_format(void *args, const char *v) {
  if (strcmp(v, "json") != 0) return driver_usage_error("--format takes json, not '%s'", v);
  return EXIT_OK;
}

static const CliOption export_options[] = {
    {"--format", NULL, "a value", CLI_CALL, 0, take_format},
    {"-o", "--output", "a file name", CLI_STRING, offsetof(ExportArgs, out), NULL},
};
static const CliCommand export_command = {"export", export_help, NULL, export_options,
                                          COUNT_OF(export_options), take_file};

/* Parse the options of export into args and o; 0, or the exit status to return
 * now (EXIT_OK after --help, EXIT_USAGE). */
static int parse_args(Compiler *c, int argc, char **argv, ExportArgs *args, CommonOptions *o) {
  int st = cli_parse(c, o, &export_command, args, argc, argv);
  if (st == EXIT_OK) return -1;
  if (st > 0) return st;
  if (!args->file) return driver_usage_error("export: no input file");
  return driver_check_lint_flags(o);
}

/* Write the model to path ("-" or NULL: standard output) through outfile. EXIT_USAGE on I/O errors. */
static int write_export(const Model *m, const char *path) {
  OutFile out;
  char *err = NULL;
  if (outfile_open(&out, path, 0, &err) != 0 || (export_json(out.fp, m), outfile_commit(&out, &err)) != 0) {
    util_error("%s", err);
    free(err);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

int cmd_export(Compiler *c, int argc, char **argv) {
  CommonOptions o;
  driver_options_init(&o);
  ExportArgs args = {0};
  int status = parse_args(c, argc, argv, &args, &o);
  if (status != 0) return status < 0 ? EXIT_OK : status;
  driver_options_apply(c, &o);
  Model *m = driver_front_end(c, args.file, &o);
  if (!m) return driver_finish(c, &o, EXIT_USAGE);
  if (diag_error_count(c->diag) == 0) status = driver_check_output(c, args.out, NULL, 0);
  if (diag_error_count(c->diag) == 0 && status == EXIT_OK) status = write_export(m, args.out);
  return driver_finish(c, &o, status);
}
