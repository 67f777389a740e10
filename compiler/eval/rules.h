/* rules.h - the rules a command works on (eval, build, test, explain), and a
 * rule's value as CSV text. No LLVM here. */
#ifndef MISSION_RULES_H
#define MISSION_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "check.h"
#include "interp.h"

/* The rules a command works on, as signatures allocated in the compiler's arena:
 * the comma-separated `names` in that order; or every rule `on` that record; or
 * (neither) every score and condition over the indicators, or with any_input every
 * score and condition, in declaration order. When names or `on` are given, the
 * rules must read the same input unless any_input. Returns MS_OK, or with a malloc'd
 * message in *err MS_INPUT (the file cannot be evaluated) or MS_FAILED (bad names). */
int eval_select_rules(Model *m, const char *names, const char *on, bool any_input,
                      const RuleSig ***sigs, int *n, char **err);

/* One value as CSV text of a result kind (numbers read back to the same double,
 * booleans 0/1, dates YYYY-MM-DD). Returns the length; buf needs 40 bytes. */
size_t eval_format_value(ValKind kind, double v, char *buf);

/* Parse one CSV cell (unquoted) of an input of this kind, as eval reads it; false with
 * a message naming the column ("bad number 'x' in column 'ghg'") when it is bad, and
 * *empty set when it is empty (blank). padded: s has 16 readable bytes after s[n] (a
 * chunk of eval's input), so numbers may take csv_parse_double_padded's word-wise path. */
bool eval_parse_cell(ValKind kind, const char *column, const char *s, size_t n, bool padded, double *v,
                     char *msg, size_t size, bool *empty);

/* The message of a bad cell, as eval words it; true when the cell is empty (blank). */
bool eval_cell_message(ValKind kind, const char *column, const char *s, size_t n, char *msg, size_t size);

/* Whether s is a score or a condition. */
bool rules_is_rule(const Sym *s);
/* The closest score or condition name to a misspelt one (edit distance <= 2), or NULL. */
const char *rules_suggest(const Model *m, const char *name);

#endif
