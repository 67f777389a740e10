/* options.c - one loop for the command line of every command (options.h). */
#include "options.h"

#include <stdio.h>
#include <string.h>

/* The value of option `name` at argv[*i], in the forms "--name=V", "--name V",
 * "-xV" and "-x V"; NULL when argv[*i] is not that option. *missing is set when the
 * option is there without a value. */
static const char *value_of(const char *name, int argc, char **argv, int *i, bool *missing) {
  const char *arg = argv[*i];
  size_t n = strlen(name);
  *missing = false;
  if (strncmp(arg, name, n) != 0) return NULL;
  if (arg[n] == '=' && name[1] == '-') return arg + n + 1;
  if (arg[n] != '\0') return n == 2 ? arg + n : NULL;   /* -xVALUE */
  if (*i + 1 < argc) return argv[++*i];
  *missing = true;
  return NULL;
}

/* Is argv[*i] option o? Sets *value (and *missing) for an option with a value. */
static bool matches(const CliOption *o, int argc, char **argv, int *i, const char **value, bool *missing) {
  const char *arg = argv[*i];
  *value = NULL;
  *missing = false;
  if (!o->needs) return strcmp(arg, o->name) == 0 || (o->alias && strcmp(arg, o->alias) == 0);
  *value = value_of(o->name, argc, argv, i, missing);
  if (!*value && !*missing && o->alias) *value = value_of(o->alias, argc, argv, i, missing);
  return *value || *missing;
}

/* Carry out option o with its value. */
static int take(const CliOption *o, void *args, const char *value) {
  char *at = (char *)args + o->offset;
  switch (o->kind) {
  case CLI_STRING: *(const char **)at = value; return EXIT_OK;
  case CLI_FLAG: *(bool *)at = true; return EXIT_OK;
  case CLI_UNFLAG: *(bool *)at = false; return EXIT_OK;
  case CLI_CALL: return o->take(args, value);
  }
  return EXIT_OK;
}

/* One option of the command at argv[*i]: 1 taken, 0 not one of them, else the
 * exit status + 10 after a usage error. */
static int command_option(const CliCommand *cmd, void *args, int argc, char **argv, int *i) {
  for (int k = 0; k < cmd->noptions; k++) {
    const CliOption *o = &cmd->options[k];
    const char *value, *arg = argv[*i];
    bool missing;
    if (!matches(o, argc, argv, i, &value, &missing)) continue;
    if (missing) return driver_usage_error("option '%s' needs %s", arg, o->needs) + 10;
    int st = take(o, args, value);
    return st == EXIT_OK ? 1 : st + 10;
  }
  return 0;
}

int cli_parse(Compiler *c, CommonOptions *co, const CliCommand *cmd, void *args, int argc, char **argv) {
  bool only_files = false;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    int r;
    if (only_files || arg[0] != '-' || strcmp(arg, "-") == 0) {
      if ((r = cmd->file(args, arg)) != EXIT_OK) return r;
    } else if (strcmp(arg, "--") == 0) {
      only_files = true;
    } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      if (cmd->print_help) cmd->print_help();
      else printf("%s%s", cmd->help, driver_common_help);
      return EXIT_OK;
    } else if ((r = command_option(cmd, args, argc, argv, &i)) != 0 ||
               (r = driver_common_option(c, co, argc, argv, &i)) != 0) {
      if (r > 1) return r - 10;
    } else {
      return driver_usage_error("%s: unknown option '%s'", cmd->name, arg);
    }
  }
  return -1;
}

int cli_one_file(const char *command, const char **slot, const char *arg) {
  if (*slot) return driver_usage_error("%s: one mission file at a time ('%s' and '%s')", command, *slot, arg);
  *slot = arg;
  return EXIT_OK;
}
