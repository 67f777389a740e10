/* options.h - the command line of every command, parsed by one loop from a table.
 *
 * A command lists its options (CliOption) and how it takes a file (CliCommand);
 * cli_parse walks argv once: files, "--", -h/--help, the command's options, then
 * the common options (driver.h), and reports every usage error the same way.
 */
#ifndef MISSION_OPTIONS_H
#define MISSION_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "driver.h"

typedef enum {
  CLI_STRING,   /* store the value (const char *) at `offset` in the arguments */
  CLI_FLAG,     /* set the bool at `offset` to true */
  CLI_UNFLAG,   /* set the bool at `offset` to false */
  CLI_CALL,     /* call take(args, value) */
} CliKind;

/* One option. "--name" also takes "--name=VALUE"; a one-letter "-x" also "-xVALUE". */
typedef struct CliOption {
  const char *name;
  const char *alias;   /* a second name ("-i" for "--input"), or NULL */
  const char *needs;   /* what its value is ("a file name"), or NULL for a flag */
  CliKind kind;
  size_t offset;
  /* CLI_CALL: take the value (NULL for a flag); EXIT_OK, or the exit status after
   * printing a usage error. */
  int (*take)(void *args, const char *value);
} CliOption;

/* A command: its name, help, options and file arguments. */
typedef struct CliCommand {
  const char *name;           /* "status": in messages as "status: ..." */
  const char *help;           /* printed, then the common options' help, for --help */
  void (*print_help)(void);   /* or, when not NULL, this prints the whole help */
  const CliOption *options;
  int noptions;
  /* Take a file argument (or "-"); EXIT_OK, or the exit status after a usage error. */
  int (*file)(void *args, const char *arg);
} CliCommand;

/* Parse argv (argv[0] is the command's name) into args and the common options.
 * Returns -1 to go on, EXIT_OK after --help, or EXIT_USAGE after a usage error. */
int cli_parse(Compiler *c, CommonOptions *co, const CliCommand *cmd, void *args, int argc, char **argv);

/* The usual file taker: one file, at the const char * at the start of args.
 * (`name: one FILE at a time ('a' and 'b')` for a second one.) */
int cli_one_file(const char *command, const char **slot, const char *arg);

#endif
