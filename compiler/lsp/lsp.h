/* lsp.h - `missionc lsp`: a Language Server (JSON-RPC 2.0, LSP 3.17) over a pair
 * of streams, built on the compiler library (no second parser).
 *
 * Each open document is compiled in its own Compiler (one arena), replaced on
 * every change; answers come from the spans of that compilation. Imports resolve
 * next to the file, in the workspace folders, in MISSION_PATH and the stdlib;
 * an imported file that is open in the editor is read from its buffer.
 */
#ifndef MISSION_LSP_H
#define MISSION_LSP_H

#include <stdbool.h>
#include <stdio.h>

typedef struct LspOptions {
  FILE *log;                 /* a trace of messages and timings, or NULL */
  const char *docs;          /* base of codeDescription links (LANGUAGE.md's URL), or NULL */
  const char *const *include_dirs;   /* -I folders */
  int ninclude_dirs;
  const char *const *lint_flags;     /* -Wname / -Wno-name, as for check */
  int nlint_flags;
  bool werror;
} LspOptions;

/* Serve requests from in, answering on out, until `exit` or the end of input.
 * Returns the exit status: 0 after shutdown then exit, 1 otherwise. */
int lsp_serve(FILE *in, FILE *out, const LspOptions *opt);

#endif
