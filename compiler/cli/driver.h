/* driver.h - what every command shares: common options, the front end, the exit status.
 *
 * Each command lives in its own cmd_<name>.c as `int cmd_<name>(Compiler *, int argc,
 * char **argv)` (argv[0] is the command name) and is listed in main.c's table.
 */
#ifndef MISSION_DRIVER_H
#define MISSION_DRIVER_H

#include <stdbool.h>

#include "check.h"
#include "compiler.h"
#include "diag.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

typedef struct CommonOptions {
  DiagRenderOptions render;
  int color;                 /* -1 auto, 0 never, 1 always */
  int max_errors;
  bool werror;
  bool show_allowed;         /* --show-allowed */
  bool brief_warnings;       /* graph, eval, build, status: one line "N warnings; run `missionc check`" */
  PtrVec warning_flags;      /* const char*: "-Wname" / "-Wno-name" as given, for lint */
} CommonOptions;

/* The help text of the common options, for each command's --help. */
extern const char *const driver_common_help;

/* Set the defaults of the common options. */
void driver_options_init(CommonOptions *o);
/* Consume argv[*i] (and its value) if it is a common option (-I, --color, -W...,
 * --diagnostics-format, --max-errors). Returns 1 if consumed, 0 if not one,
 * or EXIT_USAGE+10 after printing a usage error. */
int driver_common_option(Compiler *c, CommonOptions *o, int argc, char **argv, int *i);
/* Apply the options (error cap, colour on a terminal, -Werror) once parsed. */
void driver_options_apply(Compiler *c, CommonOptions *o);
/* Print a usage error (printf-style) and return EXIT_USAGE. */
int driver_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same for a message of several lines that missionc wrote (the user's values in it
 * already cleaned): its newlines kept, never cut. */
int driver_usage_error_text(const char *text);
/* Report what a library call returned: a usage error for MS_FAILED, an error for
 * MS_INPUT (err is freed). Returns the exit status. */
int driver_report(int status, char *err);
/* Write len bytes to path through outfile (a whole new file or none); false after
 * printing the error. */
bool driver_write_file(const char *path, const void *data, size_t len);
/* Check the -W options once parsed: the exit status (usage error printed). */
int driver_check_lint_flags(const CommonOptions *o);
/* The value of "--name=value" or "--name value" in argv[*i]; NULL when argv[*i] is
 * not that option. *missing is set when the option is there without a value. */
const char *driver_option_value(int argc, char **argv, int *i, const char *name, bool *missing);

/* The front end on one file: parse, load imports, check, lint. NULL when the
 * file cannot be read (the message is printed; the status is EXIT_USAGE). */
Model *driver_front_end(Compiler *c, const char *path, const CommonOptions *o);
/* Refuse an output file that is one of the inputs: every source file loaded (the
 * mission and its imports) and the extra inputs given (NULLs skipped), compared by
 * device and inode. Prints the usage error and returns EXIT_USAGE, or EXIT_OK. */
int driver_check_output(Compiler *c, const char *output, const char *const *inputs, int ninputs);
/* Print the diagnostics; the exit status: status if non-zero, else 1 on errors. */
int driver_finish(Compiler *c, const CommonOptions *o, int status);

#endif
