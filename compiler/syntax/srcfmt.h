/* srcfmt.h - the formatter: one canonical layout for mission files (`missionc fmt`). */
#ifndef MISSION_SRCFMT_H
#define MISSION_SRCFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "compiler.h"

/* The canonical text of loaded source `file`, which must have parsed without errors.
 * Printed from the lexer's tokens with the comments and blank lines between them, so
 * numbers, dates and strings keep their spelling. Returns NULL (with a message in *err)
 * only if the result would not lex to the same tokens and comments: never write then. */
char *srcfmt_source(Compiler *c, uint32_t file, size_t *len, const char **err);

/* Print a unified diff (3 lines of context) of two texts; the labels name the sides.
 * Returns whether they differ. */
bool srcfmt_unified_diff(FILE *out, const char *old_label, const char *a, size_t alen,
                      const char *new_label, const char *b, size_t blen);

#endif
