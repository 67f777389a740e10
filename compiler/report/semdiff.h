/* semdiff.h - what changed in a mission between two versions (`missionc diff`). */
#ifndef MISSION_SEMDIFF_H
#define MISSION_SEMDIFF_H

#include <stdbool.h>
#include <stdio.h>

#include "check.h"
#include "compiler.h"

typedef enum { SD_TEXT, SD_MARKDOWN, SD_JSON } SemDiffFormat;

/* One fact of a declaration: an attribute, one keyed value of it ("funded_by netzero"),
 * one item of a list ("requires no_tax_havens"), the title or the formula. */
typedef struct Fact {
  const char *kind;       /* "goal" */
  const char *name;       /* "hundred" */
  const char *attr;       /* "target", "funded_by", "title", "formula" */
  const char *key;        /* "netzero" for keyed values and list items, else NULL */
  const char *value;      /* as written (whitespace collapsed); NULL for a list item */
  const char *norm;       /* what is compared: the tokens, without layout and comments */
  const char *when_norm;  /* the `at`/`by` part of the value, normalised, or NULL */
  const char *value_norm; /* the value without its `at`/`by` part, normalised */
  bool has_number;        /* number holds the value in base units (a single constant) */
  double number;
  int order;              /* declaration, then position in it */
} Fact;

/* The facts of a checked model (imports included). */
typedef struct FactSet {
  Fact *items;
  int len;
  const char **decls;     /* "kind name" of every declaration, in order */
  int ndecls;
} FactSet;

FactSet semdiff_facts(Model *m);
/* Print the changes from a to b; returns their number. */
int semdiff_print(FILE *out, SemDiffFormat fmt, const char *old_label, const FactSet *a,
                  const char *new_label, const FactSet *b);
/* Print the facts one per line (a text git can diff: the textconv form). */
void semdiff_print_facts(FILE *out, const FactSet *s);

#endif
