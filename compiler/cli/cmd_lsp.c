/* cmd_lsp.c - `missionc lsp [--stdio] [-I DIR] [-Wname] [--log FILE] [--docs URL]`:
 * the language server on standard input and output. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "driver.h"
#include "lsp.h"
#include "options.h"
#include "util.h"

static const char lsp_help[] =
    "usage: missionc lsp [--stdio] [--log FILE] [--docs URL] [options]\n"
    "\n"
    "Run the language server: JSON-RPC 2.0 with LSP 3.17 framing on standard input\n"
    "and output, for editors (VS Code, Neovim, Helix, Emacs ...). It publishes the\n"
    "diagnostics of every open .mission file as it changes, and answers hover, go to\n"
    "definition, references, rename, document symbols, completion, code actions (the\n"
    "fix-its of the diagnostics) and semantic tokens. Imports are looked up next to\n"
    "the file, in the -I folders, in the workspace folders, in MISSION_PATH and in the\n"
    "standard library; -W options choose the lints as for check. LANGUAGE.md 11.5.\n"
    "\n"
    "  --stdio                       talk over standard input and output (the default\n"
    "                                and only transport; accepted because clients pass it)\n"
    "  --log FILE                    append a trace of the messages and compile times to FILE\n"
    "  --docs URL                    where LANGUAGE.md is published, for the links of the\n"
    "                                diagnostic codes (default: $MISSIONC_DOCS_URL, else the\n"
    "                                installed LANGUAGE.md as a file:// URL)\n"
    "\n"
    "Exit status: 0 after the client's shutdown and exit, 1 if the input ends first.\n"
    "\n";

typedef struct LspArgs {
  bool stdio;
  const char *log, *docs, *client_pid;
} LspArgs;

static int take_file(void *args, const char *arg) {
  (void)args;
  return driver_usage_error("lsp: takes no file ('%s'): the editor sends the documents", arg);
}

static const CliOption lsp_options[] = {
    {"--stdio", NULL, NULL, CLI_FLAG, offsetof(LspArgs, stdio), NULL},
    {"--log", NULL, "a file name", CLI_STRING, offsetof(LspArgs, log), NULL},
    {"--docs", NULL, "a URL", CLI_STRING, offsetof(LspArgs, docs), NULL},
    /* vscode-languageclient may pass the editor's process id; nothing to do with it */
    {"--clientProcessId", NULL, "a process id", CLI_STRING, offsetof(LspArgs, client_pid), NULL},
};
static const CliCommand lsp_command = {"lsp", lsp_help, NULL, lsp_options, COUNT_OF(lsp_options), take_file};

int cmd_lsp(Compiler *c, int argc, char **argv) {
  CommonOptions o;
  driver_options_init(&o);
  LspArgs args = {0};
  int st = cli_parse(c, &o, &lsp_command, &args, argc, argv);
  if (st >= 0) return st;
  if ((st = driver_check_lint_flags(&o)) != 0) return st;
  LspOptions opt = {0};
  opt.docs = args.docs ? args.docs : getenv("MISSIONC_DOCS_URL");
  opt.include_dirs = (const char *const *)c->include_dirs.items;
  opt.ninclude_dirs = c->include_dirs.len;
  opt.lint_flags = (const char *const *)o.warning_flags.items;
  opt.nlint_flags = o.warning_flags.len;
  opt.werror = o.werror;
  FILE *log = NULL;
  if (args.log && !(log = fopen(args.log, "a"))) {
    perror(args.log);
    return EXIT_USAGE;
  }
  if (log) setvbuf(log, NULL, _IOLBF, 0);
  opt.log = log;
  setvbuf(stdin, NULL, _IONBF, 0);   /* the server polls the descriptor for waiting input */
  int status = lsp_serve(stdin, stdout, &opt);
  if (log) fclose(log);
  return status;
}
