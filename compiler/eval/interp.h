/* interp.h - the reference evaluator of scores and conditions, and the signature
 * every engine shares.
 *
 * A rule is a function of one row. Its signature (RuleSig) lists its inputs in the
 * order every engine takes them: for a rule without `on`, the indicators it reads
 * (transitively, in first-use order) and then `date` if it reads the date; for a
 * rule `on R`, the fields of R it reads, in field order. Inputs arrive in their
 * declared units (dates as days since 1970-01-01, booleans 0/1); the result leaves
 * in the rule's declared unit (base units without `: unit`), booleans as 0/1, and
 * NaN where a value is missing (valsem.h).
 *
 * The interpreter walks the checked tree over blocks of rows. It is the definition
 * of the semantics: the JIT and the compiled objects must give the same doubles,
 * bit for bit (NaNs compare equal whatever their payload). See LANGUAGE.md section 10.3.
 */
#ifndef MISSION_INTERP_H
#define MISSION_INTERP_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "check.h"

/* The kind of an input column or of a result. */
typedef enum { VAL_NUM, VAL_BOOL, VAL_DATE } ValKind;

extern const char *const val_kind_names[3];   /* "number", "bool", "date" */

/* One input of a rule: a column. */
typedef struct RuleInput {
  const char *name;      /* indicator name, field name, or "date" */
  ValKind kind;
  const Unit *unit;      /* VAL_NUM: the declared unit (NULL if none is known) */
  double scale;          /* 1 unit in base units; 1 for dates and booleans */
  const Sym *indicator;  /* rules without `on`: the indicator (NULL for date) */
  int field;             /* rules `on R`: the field index; else -1 */
} RuleInput;

/* What a rule reads and returns. */
typedef struct RuleSig {
  const Sym *rule;
  RuleInput *inputs;
  int ninputs;
  ValKind result;
  const Unit *result_unit;   /* the declared `: unit`, else NULL (base units) */
  double result_scale;       /* the declared unit's scale, else 1 */
} RuleSig;

/* The signature of a checked score or condition (allocated in a). False, with a
 * reason in *why, when the rule cannot be evaluated (it has errors, or its type is
 * not a number, date or boolean). */
bool rule_sig(Arena *a, const Sym *rule, RuleSig *out, const char **why);
/* The slot of an input in a signature: indicator (NULL for date) or field. -1 if absent. */
int rule_sig_slot(const RuleSig *sig, const Sym *indicator, int field, bool date);

/* The value semantics shared by every engine, one scalar at a time (sem_min ...). */
#include "valsem.h"

typedef struct Interp Interp;

/* An interpreter for one rule of a checked model (the model must outlive it). */
Interp *interp_new(const RuleSig *sig);
void interp_free(Interp *ip);
/* Evaluate n rows: column i of the signature's inputs at cols[i], results to out
 * (which must not overlap the columns). Thread-safe: may run on several threads. */
void interp_eval_batch(const Interp *ip, size_t n, const double *const *cols, double *out);
/* Evaluate one row: input i at in[i]. */
double interp_eval_row(const Interp *ip, const double *in);

/* Watching the interpreter work on one row (missionc explain, explain.h). The
 * tracer is told of every expression node as the walk reaches it and of the value
 * it gives (in base units; booleans 0/1), and of the body of every other rule the
 * row needs (evaluated once, before or while the node that names it is evaluated).
 * Goal arguments of progress & co. are not values and are not reported. */
typedef struct InterpTrace {
  void *ctx;
  void (*enter)(void *ctx, const Node *n);
  void (*leave)(void *ctx, const Node *n, double value);
  void (*rule_begin)(void *ctx, const Sym *rule);
  void (*rule_end)(void *ctx, const Sym *rule);
} InterpTrace;

/* interp_eval_row, telling trace (non-NULL) of each step. Same result, bit for bit. */
double interp_trace_row(const Interp *ip, const double *in, const InterpTrace *trace);

#endif
