/* commands.h - the commands of missionc, one per cmd_<name>.c: each takes the
 * compilation and its arguments (argv[0] is the command's name) and returns the
 * exit status: 0 fine, 1 errors in the input, 2 usage or I/O problems. */
#ifndef MISSION_COMMANDS_H
#define MISSION_COMMANDS_H

#include "compiler.h"

int cmd_graph(Compiler *c, int argc, char **argv);   /* cmd_graph.c */
int cmd_export(Compiler *c, int argc, char **argv);  /* cmd_export.c */
int cmd_status(Compiler *c, int argc, char **argv);  /* cmd_status.c */
int cmd_explain(Compiler *c, int argc, char **argv); /* cmd_explain.c */
int cmd_fmt(Compiler *c, int argc, char **argv);     /* cmd_fmt.c */
int cmd_diff(Compiler *c, int argc, char **argv);    /* cmd_diff.c */
int cmd_lsp(Compiler *c, int argc, char **argv);     /* cmd_lsp.c */
/* In missionc-native only (they need LLVM). */
int cmd_eval(Compiler *c, int argc, char **argv);    /* cmd_eval.c */
int cmd_build(Compiler *c, int argc, char **argv);   /* cmd_build.c */
int cmd_test(Compiler *c, int argc, char **argv);    /* cmd_test.c: runs tests on the JIT too */

#endif
