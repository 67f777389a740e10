/* explain.h - one rule on one row, step by step: the evaluation tree.
 *
 * explain_row() runs the reference interpreter on one row (interp_trace_row) and
 * keeps what it reports: every sub-expression with its value, its unit and the
 * inputs it read. Nothing is evaluated here: the values are the interpreter's, so
 * the root is the rule's value exactly as `missionc eval` computes it. A rule named
 * in the formula is explained where it is first met; later uses refer back to it.
 *
 * explain_terms() reads the terms of a score off such a tree: the summands of a sum
 * (through constant factors, divisions, rules and fn calls, so weighted sums and
 * means of std/scoring decompose), or the arguments of a min or max; with each
 * term's weight, contribution and shortfall (status's per-term breakdown).
 *
 * The rows file is read the way eval reads it (explain_read_row); its problems are
 * diagnostics (E0801, E0810-E0813, E0815) with the cell underlined. LANGUAGE.md 10.5.
 */
#ifndef MISSION_EXPLAIN_H
#define MISSION_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>

#include "check.h"
#include "interp.h"

/* What a node of the tree is. */
#define EXPLAIN_KIND_LIST(X)                                                        \
  X(XK_CONSTANT, "constant")   /* a literal or a constant such as goal.target */    \
  X(XK_INPUT, "input")         /* an input of the row: indicator, field or date */  \
  X(XK_PARAMETER, "parameter") /* a parameter of the fn being called */             \
  X(XK_RULE, "rule")           /* another score or condition, on the same row */    \
  X(XK_GOAL, "goal")           /* a goal passed to progress, expected ...: no value */ \
  X(XK_CALL, "call")           /* a call of a user fn: arguments, then its body */  \
  X(XK_BUILTIN, "builtin")     /* a call of a built-in function */                  \
  X(XK_OPERATOR, "operator")   /* a unary or binary operator */                     \
  X(XK_IF, "if")               /* if c then a else b */

typedef enum {
#define X(id, name) id,
  EXPLAIN_KIND_LIST(X)
#undef X
  XK_COUNT
} ExplainKind;

extern const char *const explain_kind_names[XK_COUNT];

typedef struct ExplainNode ExplainNode;
struct ExplainNode {
  ExplainKind kind;
  const Node *node;         /* the sub-expression: its span and its text */
  const Sym *ref;           /* rule: the rule; call: the fn; goal and goal built-ins: the goal */
  const char *name;         /* input, parameter: its name; else NULL */
  bool has_value;           /* false for goal arguments */
  double value;             /* base units; dates in days; booleans 0/1 */
  Type type;                /* of the value (a polymorphic fn's nodes: for this call) */
  int input;                /* input: its slot in the rule's signature; else -1 */
  bool body;                /* the body of the fn call (or rule) above it */
  bool repeat;              /* a rule explained earlier in the tree: no children here */
  bool *reads;              /* per input slot: read by this sub-expression */
  ExplainNode **kids;
  int nkids, capkids;
};

typedef struct Explanation {
  const Model *m;
  const RuleSig *sig;
  const double *row;        /* the inputs as read, in their declared units (sig order) */
  double result;            /* in the rule's output unit: what eval prints */
  ExplainNode *root;        /* the rule's body */
} Explanation;

/* Explain rule sig on one row (inputs in their declared units, signature order).
 * Allocated in a; the model must outlive it. */
Explanation *explain_row(Arena *a, const Model *m, const RuleSig *sig, const double *row);

/* The rows file, read up to one data row. */
typedef struct ExplainRows {
  const char *path;
  uint32_t file;            /* source index */
  long row;                 /* the data row: 1 is the first row under the header */
  long line;                /* its line in the file */
  size_t ncols;
  const char **header;      /* column names, without surrounding spaces */
  Span header_line;
  Span *header_spans;
  Span *cells;              /* the row's cells */
  const char **texts;       /* their text, unquoted as the CSV reader reads it */
  size_t *lens;
} ExplainRows;

/* Load the rows file (decoded if compressed; "-" is standard input) and find data
 * row `row`. MS_OK; MS_INPUT after diagnostics (E0815, E0801); MS_FAILED when the
 * file cannot be read (the message in *err, malloc'd). */
int explain_read_row(const Model *m, const char *path, long row, ExplainRows *out, char **err);
/* The inputs of n rules from the row, in their declared units: rule i's input k at
 * vals[i][k], its 1-based column at cols[i][k]. False after diagnostics (E0810, E0811,
 * E0812, E0813), each column reported once with every rule that needs it; with na_nan
 * an empty or unreadable cell is NaN instead of E0812/E0813 (eval --na=nan). */
bool explain_row_inputs(const Model *m, const ExplainRows *rows, const RuleSig *const *sigs, int n, bool na_nan,
                        double **vals, int **cols);

typedef enum { EXPLAIN_TEXT, EXPLAIN_JSON } ExplainFormat;

/* The tree is written down to this many levels below the rule; a node there with
 * children says "[deeper steps not shown]" (JSON: "elided": true, no children). A
 * rule named deeper down can be explained on its own with --rule. */
enum { EXPLAIN_MAX_DEPTH = 100 };

/* One explained rule of a document: the explanation and where its inputs came from. */
typedef struct ExplainItem {
  const Explanation *e;
  const int *cols;          /* per input: its 1-based column in the rows file */
} ExplainItem;

/* Write the explanations of one row: an indented tree per rule, or one JSON document
 * (schema in LANGUAGE.md section 10.5). Deterministic. */
void explain_write(FILE *out, ExplainFormat format, const ExplainRows *rows, const ExplainItem *items,
                   int n);

/* A value of type t (base units) as a reader reads it: "45 city", "42%", "true",
 * "2025-06-30" (10 significant digits). */
const char *explain_value_text(Arena *a, const Model *m, const Type *t, double v);
/* The source text of a node on one line (runs of white space as one space). */
const char *explain_node_text(Arena *a, const Model *m, const Node *n);

/* ---- terms of a score (status) ---- */

typedef enum { TERMS_NONE, TERMS_SUM, TERMS_MIN, TERMS_MAX } TermsKind;

typedef struct ExplainTerm {
  const ExplainNode *node;  /* the term: its text, value and unit */
  const Sym *goal;          /* the one goal it measures (progress & co. inside), or NULL */
  double weight;            /* sum: what its value is multiplied by in the score; else 1 */
  double contribution;      /* sum: weight x value, in the score's base units; min/max: its value */
  bool has_shortfall;       /* the term's value is bounded above (progress, a condition, clamp ...) */
  double shortfall;         /* sum: weight x (best - value) (>= 0); min: best - value */
  bool binding;             /* min/max: the argument that gives the score its value */
} ExplainTerm;

typedef struct ExplainTerms {
  TermsKind kind;
  ExplainTerm *items;
  int n;
  int worst;                /* the term that pulled the score down most, or -1 */
} ExplainTerms;

/* The terms of an explained score (see the top of this file). kind TERMS_NONE when
 * the formula is a single term. */
ExplainTerms explain_terms(Arena *a, const Explanation *e);
/* Evaluate rule sig on one row (*result: its value, as explain_row's) and return its
 * terms in a. The tree lives in a scratch arena freed before returning: the terms'
 * nodes are copies without children or reads, so memory stays bounded by one tree
 * whatever the number of scores (status). */
ExplainTerms explain_row_terms(Arena *a, const Model *m, const RuleSig *sig, const double *row, double *result);

#endif
