/* compiler.h - one compilation: its arena, names, sources and diagnostics. */
#ifndef MISSION_COMPILER_H
#define MISSION_COMPILER_H

#include <stdbool.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "source.h"

typedef struct Compiler {
  Arena *arena;
  Interner *names;
  Sources *src;
  Diag *diag;
  PtrVec include_dirs;    /* const char*: -I paths */
  PtrVec files;           /* Node* (ND_FILE) per source file, by source index */
  bool dump_ast;
  bool release_text;      /* give the text of each file read from disk back once it is parsed
                           * (src_release): for commands that read it only through src_* (check) */
} Compiler;

Compiler *compiler_new(void);
void compiler_free(Compiler *c);
/* Load and parse one file named on the command line ("-" is stdin).
 * Returns NULL (with a message on stderr) when the file cannot be read. */
Node *compiler_parse_path(Compiler *c, const char *path);
/* Parse a source already added (src_add, src_add_as); never NULL. */
Node *compiler_parse_source(Compiler *c, uint32_t id);
/* The parsed file of a source index (NULL if not parsed). */
Node *compiler_file(Compiler *c, uint32_t id);

#endif
