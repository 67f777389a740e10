/* eval.h - the batch evaluator: compiled rules over rows of a CSV file.
 *
 * A RuleSet is a list of rules with one batch function each, from the JIT or the
 * interpreter; both take the columns of a rule's signature (interp.h) and give one
 * value per row in the rule's output unit. eval_csv streams a CSV file through a
 * rule set: the input is read in chunks of rows, chunks are parsed, evaluated and
 * formatted on worker threads, and written in input order, so memory stays bounded
 * whatever the size of the input.
 */
#ifndef MISSION_EVAL_H
#define MISSION_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "compiler.h"
#include "interp.h"
#include "rules.h"

/* No LLVM header here: main.c includes this file. */
typedef struct Jit Jit;
typedef void (*EvalSetFn)(size_t n, const double *const *cols, double *const *outs);

typedef enum { ENGINE_JIT, ENGINE_INTERP } Engine;

typedef struct EvalOptions {
  Engine engine;
  int threads;          /* <= 0: one per online CPU */
  int opt;              /* JIT optimisation level, a JitOpt (default: JIT_OPT_LEAN) */
  const char *cpu;      /* JIT CPU: NULL = host */
  bool na_nan;          /* a bad cell becomes NaN instead of an error */
  bool progress;        /* may show progress on stderr (only on a terminal, large inputs) */
  bool timing;          /* print where the time went on stderr */
  const char *keep;     /* input columns copied to the output first: "a,b", "*" (all), or NULL */
  bool carry_forward;   /* an empty cell takes its column's last value for the row's key */
  const char *by;       /* --by: the key columns, "a,b" (NULL: one key, the whole file) */
  const char *order;    /* --order: the column rows of a key follow (NULL: input order) */
  struct Diag *diag;    /* eval_csv reports data errors here (E08xx) */
} EvalOptions;

void eval_options_init(EvalOptions *o);

/* Rules evaluated together on the same rows. */
typedef struct RuleSet {
  int n;
  const RuleSig **sigs;
  int ncols;
  const RuleInput **cols;    /* the columns the rules read (by name), in first-use order */
  int **col_of;              /* per rule, per input: its column */
  EvalSetFn *kernels;        /* ENGINE_JIT: kernels to call in turn, each for some rules */
  int nkernels;
  Interp **interps;          /* ENGINE_INTERP: one per rule */
  Jit *jit;
  double compile_seconds;
  size_t cache_hits, cache_misses;   /* the JIT's object cache */
} RuleSet;

/* Compile n rules (their signatures must outlive the set) for o->engine. NULL, with
 * a malloc'd message in *err, when the JIT fails or two inputs share a name but not
 * a kind or unit. */
RuleSet *ruleset_new(const RuleSig **sigs, int n, const EvalOptions *o, char **err);
void ruleset_free(RuleSet *rs);
/* Evaluate every rule on n rows: column c of the set at cols[c] (in its declared
 * unit), rule r's results to outs[r] (which must not overlap a column). */
/* What the JIT compiles for by default: target triple, CPU name and features
   (missionc --version --verbose). */
void eval_print_target(FILE *out);
void ruleset_eval(const RuleSet *rs, size_t n, const double *const *cols, double *const *outs);

/* Print the LLVM IR of the JIT's kernels for these rules (eval --emit-llvm). */
int eval_print_ir(FILE *out, const RuleSig **sigs, int n, const EvalOptions *o, char **err);

/* Evaluate the rules on the CSV read from in_fd (named in_name in messages) and
 * write the result CSV to out. Data errors (a missing column, a bad cell, a CSV
 * syntax error: E08xx) go to o->diag, for the caller to render; an I/O error is
 * printed. Returns 0, 1 for bad input, 2 for an I/O error. */
int eval_csv(const RuleSet *rs, int in_fd, const char *in_name, FILE *out, const char *out_name,
             const EvalOptions *o);

#endif
