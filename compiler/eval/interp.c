/* interp.c - the reference evaluator: the checked tree, walked over blocks of rows.
 *
 * This file is the definition of what a rule computes; codegen.c emits the same
 * operations in the same order. The rules of the game (LANGUAGE.md section 10.3):
 *
 *   - an input enters as v * scale of its declared unit (a boolean input is 1 when
 *     it is non-zero, 0 when zero, NaN when missing); literals are in base units;
 *   - every operation runs on IEEE doubles in base units, in source order, with no
 *     algebraic rewriting and no fused multiply-add; `^` and pow, log and exp call
 *     SLEEF's deterministic functions (vmath.h) on the whole block, as wide as the
 *     CPU allows (the same bits at every width), sqrt, abs, floor, ceil and round
 *     are the exact IEEE operations;
 *   - NaN is a missing value (valsem.h): min(a,b) = b < a ? b : a, max(a,b) =
 *     b > a ? b : a, clamp(x,lo,hi) = min(max(x,lo),hi), pow, comparisons, not and
 *     if give NaN when an operand is NaN; and/or are three-valued (Kleene);
 *   - `if`, `and`, `or` evaluate both sides (there are no side effects), so the
 *     compiled code can use selects;
 *   - the result leaves as x / scale of the declared unit; booleans as 0/1.
 *
 * The tree is walked once per block of BLOCK rows: every node fills a vector of
 * values, so the walk costs little per row. Booleans are 0.0/1.0/NaN in the vectors.
 */
#include "interp.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vmath.h"

const char *const val_kind_names[3] = {"number", "bool", "date"};

enum { BLOCK = 512 };

/* ------------------------------------------------------------------------
 * Signatures
 * ------------------------------------------------------------------------ */

/* The value kind of a checked type; false for strings, ranges and errors. */
static bool val_kind_of(const Type *t, ValKind *k) {
  switch (t->kind) {
  case TY_NUM: *k = VAL_NUM; return true;
  case TY_BOOL: *k = VAL_BOOL; return true;
  case TY_DATE: *k = VAL_DATE; return true;
  default: return false;
  }
}

/* One input of a signature, from its kind and unit. */
static RuleInput make_input(const char *name, ValKind kind, const Unit *unit,
                            const Sym *indicator, int field) {
  RuleInput in = {name, kind, kind == VAL_NUM ? unit : NULL, 1.0, indicator, field};
  if (kind == VAL_NUM && unit && unit->scale > 0) in.scale = unit->scale;
  return in;
}

bool rule_sig(Arena *a, const Sym *rule, RuleSig *out, const char **why) {
  memset(out, 0, sizeof *out);
  out->rule = rule;
  out->result_scale = 1.0;
  if (rule->kind != DK_SCORE && rule->kind != DK_CONDITION) {
    *why = "is not a score or a condition";
    return false;
  }
  if (!rule->rule.body || rule->rule.type.kind == TY_ERROR) {
    *why = "has errors";
    return false;
  }
  if (!val_kind_of(&rule->rule.type, &out->result)) {
    *why = "is not a number, a date or a boolean";
    return false;
  }
  if (out->result == VAL_NUM && rule->rule.unit && rule->rule.unit->scale > 0) {
    out->result_unit = rule->rule.unit;
    out->result_scale = rule->rule.unit->scale;
  }
  const Sym *rec = rule->rule.on;
  if (rec) {
    out->inputs = arena_alloc(a, sizeof *out->inputs * (size_t)(rule->rule.nfields_read + 1));
    for (int i = 0; i < rule->rule.nfields_read; i++) {
      int k = rule->rule.fields[i];
      const Field *f = &rec->record.fields[k];
      ValKind kind;
      if (!val_kind_of(&f->type, &kind)) {
        *why = "reads a field with errors";
        return false;
      }
      out->inputs[out->ninputs++] = make_input(f->name, kind, f->type.unit, NULL, k);
    }
    return true;
  }
  const SymList *inds = &rule->rule.indicators;
  out->inputs = arena_alloc(a, sizeof *out->inputs * (size_t)(inds->len + 1));
  for (int i = 0; i < inds->len; i++) {
    const Sym *ind = inds->items[i];
    out->inputs[out->ninputs++] = make_input(ind->name, VAL_NUM, ind->indicator.unit, ind, -1);
  }
  if (rule->rule.reads_date)
    out->inputs[out->ninputs++] = make_input("date", VAL_DATE, NULL, NULL, -1);
  return true;
}

int rule_sig_slot(const RuleSig *sig, const Sym *indicator, int field, bool date) {
  for (int i = 0; i < sig->ninputs; i++) {
    const RuleInput *in = &sig->inputs[i];
    if (date ? in->kind == VAL_DATE && !in->indicator && in->field < 0
             : field >= 0 ? in->field == field : in->indicator == indicator && indicator)
      return i;
  }
  return -1;
}

/* ------------------------------------------------------------------------
 * Evaluation context: scratch vectors, rule values, fn frames
 * ------------------------------------------------------------------------ */

/* Vectors of `width` doubles (BLOCK, or fewer for fewer rows) handed out last-in first-out. */
typedef struct Stack {
  double **bufs;
  int len, cap;   /* len: in use; cap: allocated */
  size_t width;
} Stack;

/* The value of another rule on the rows of this block. */
typedef struct Memo {
  const Sym *rule;
  const double *vals;
} Memo;

/* The arguments of a fn call: values, or goals passed on to progress & co. */
typedef struct Frame {
  const double **args;
  const Sym **goals;
} Frame;

typedef struct Ctx {
  const RuleSig *sig;
  size_t len;             /* rows in this block */
  const double **in;      /* per input slot: base-unit values of the block */
  Stack stack;            /* temporaries */
  Stack keep;             /* memoised rule values, freed once per block */
  Memo *memo;
  int nmemo, capmemo;
  const InterpTrace *trace;   /* interp_trace_row: told of every node, else NULL */
} Ctx;

static size_t memo_hash(const Sym *rule) {
  return ((size_t)(uintptr_t)rule >> 4) * 0x9E3779B97F4A7C15ull;
}

static double *stack_push(Stack *s) {
  if (s->len == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 16;
    s->bufs = xrealloc(s->bufs, sizeof *s->bufs * (size_t)s->cap);
    for (int i = s->len; i < s->cap; i++) s->bufs[i] = xmalloc(sizeof(double) * s->width);
  }
  return s->bufs[s->len++];
}

static void stack_pop(Stack *s, int n) { s->len -= n; }

static void stack_free(Stack *s) {
  for (int i = 0; i < s->cap; i++) free(s->bufs[i]);
  free(s->bufs);
}

struct Interp {
  const RuleSig *sig;
};

Interp *interp_new(const RuleSig *sig) {
  Interp *ip = xcalloc(1, sizeof *ip);
  ip->sig = sig;
  return ip;
}

void interp_free(Interp *ip) { free(ip); }

/* ------------------------------------------------------------------------
 * The walk
 * ------------------------------------------------------------------------ */

static const double *ev(Ctx *x, const Frame *f, const Node *n, double *r);

/* Evaluate n into a fresh temporary (pushed on the stack; the caller pops it). */
static const double *ev_push(Ctx *x, const Frame *f, const Node *n) {
  double *buf = stack_push(&x->stack);
  return ev(x, f, n, buf);
}

/* The input vector of a slot; an absent slot is a checker bug. */
static const double *input_of(Ctx *x, const Sym *indicator, int field, bool date) {
  int slot = rule_sig_slot(x->sig, indicator, field, date);
  if (slot < 0) unreachable_bug("a rule reads an input missing from its signature");
  return x->in[slot];
}

/* The goal named by a progress/expected/on_track argument. */
static const Sym *goal_of(const Frame *f, const Node *arg) {
  const ExprSem *s = expr_sem(arg);
  if (s->form == EX_GOAL) return s->ref;
  if (s->form == EX_PARAM && f && f->goals && f->goals[s->index]) return f->goals[s->index];
  unreachable_bug("the argument of a goal built-in is not a goal");
}

/* The memoised values of a rule on this block, or NULL. */
static const double *memo_get(const Ctx *x, const Sym *rule) {
  if (!x->capmemo) return NULL;
  size_t mask = (size_t)x->capmemo - 1;
  for (size_t i = memo_hash(rule) & mask; x->memo[i].rule; i = (i + 1) & mask)
    if (x->memo[i].rule == rule) return x->memo[i].vals;
  return NULL;
}

/* Remember a rule's values on this block (open addressing, at most half full). */
static void memo_put(Ctx *x, const Sym *rule, const double *vals) {
  if (2 * (x->nmemo + 1) > x->capmemo) {
    Memo *old = x->memo;
    int oldcap = x->capmemo;
    x->capmemo = oldcap ? 2 * oldcap : 64;
    x->memo = xcalloc((size_t)x->capmemo, sizeof *x->memo);
    x->nmemo = 0;
    for (int i = 0; i < oldcap; i++)
      if (old[i].rule) memo_put(x, old[i].rule, old[i].vals);
    free(old);
  }
  size_t mask = (size_t)x->capmemo - 1, i = memo_hash(rule) & mask;
  while (x->memo[i].rule && x->memo[i].rule != rule) i = (i + 1) & mask;
  if (!x->memo[i].rule) x->nmemo++;
  x->memo[i] = (Memo){rule, vals};
}

static void memo_clear(Ctx *x) {
  if (x->capmemo) memset(x->memo, 0, sizeof *x->memo * (size_t)x->capmemo);
  x->nmemo = 0;
}

/* A rule's values on this block into a kept buffer (its uses are memoised). */
static const double *ev_rule_body(Ctx *x, const Sym *rule) {
  double *buf = stack_push(&x->keep);
  if (x->trace) x->trace->rule_begin(x->trace->ctx, rule);
  const double *v = ev(x, NULL, rule->rule.body, buf);
  if (x->trace) x->trace->rule_end(x->trace->ctx, rule);
  return v;
}

/* The rules a formula names, in source order (fn bodies name none). */
static void rule_refs(const Node *n, const Sym ***items, int *len, int *cap) {
  const ExprSem *s = n ? expr_sem(n) : NULL;
  if (!s) return;
  if (s->form == EX_RULE) {
    if (*len == *cap) {
      *cap = *cap ? 2 * *cap : 4;
      *items = xrealloc(*items, sizeof **items * (size_t)*cap);
    }
    (*items)[(*len)++] = s->ref;
    return;
  }
  switch (n->kind) {
  case ND_CALL:
    for (int i = 0; i < n->call.args.len; i++) rule_refs(n->call.args.items[i], items, len, cap);
    break;
  case ND_UNARY: rule_refs(n->unary.operand, items, len, cap); break;
  case ND_BINARY:
    rule_refs(n->binary.lhs, items, len, cap);
    rule_refs(n->binary.rhs, items, len, cap);
    break;
  case ND_IF:
    rule_refs(n->ifx.cond, items, len, cap);
    rule_refs(n->ifx.then, items, len, cap);
    rule_refs(n->ifx.els, items, len, cap);
    break;
  default: break;
  }
}

/* Evaluate every rule that `rule` uses, transitively, each after the rules it
 * uses: an explicit stack, so a chain of 100,000 rules does not recurse on the C
 * stack. */
static void ev_rule_deps(Ctx *x, const Sym *rule) {
  typedef struct { const Sym *rule; const Sym **deps; int len, cap, next; } Visit;
  int cap = 16, top = 0;
  Visit *stack = xmalloc(sizeof *stack * (size_t)cap);
  stack[0] = (Visit){rule, NULL, 0, 0, 0};
  rule_refs(rule->rule.body, &stack[0].deps, &stack[0].len, &stack[0].cap);
  while (top >= 0) {
    Visit *v = &stack[top];
    if (v->next < v->len) {
      const Sym *d = v->deps[v->next++];
      if (memo_get(x, d)) continue;
      if (++top == cap) {
        cap *= 2;
        stack = xrealloc(stack, sizeof *stack * (size_t)cap);
      }
      stack[top] = (Visit){d, NULL, 0, 0, 0};
      rule_refs(d->rule.body, &stack[top].deps, &stack[top].len, &stack[top].cap);
      continue;
    }
    if (top > 0 && !memo_get(x, v->rule)) memo_put(x, v->rule, ev_rule_body(x, v->rule));
    free(v->deps);
    top--;
  }
  free(stack);
}

/* The value of another rule on this block, computed once. */
static const double *ev_rule(Ctx *x, const Sym *rule) {
  const double *v = memo_get(x, rule);
  if (v) return v;
  ev_rule_deps(x, rule);
  v = ev_rule_body(x, rule);
  memo_put(x, rule, v);
  return v;
}

/* A call of a user fn: arguments evaluated in the caller's frame, then the body. */
static const double *ev_call_fn(Ctx *x, const Frame *f, const Node *n, double *r) {
  const Sym *fn = expr_sem(n)->ref;
  int nargs = n->call.args.len;
  const double **args = xcalloc((size_t)nargs + 1, sizeof *args);
  const Sym **goals = xcalloc((size_t)nargs + 1, sizeof *goals);
  int pushed = 0;
  for (int i = 0; i < nargs; i++) {
    const Node *a = n->call.args.items[i];
    const ExprSem *s = expr_sem(a);
    goals[i] = NULL;
    args[i] = NULL;
    if (s->form == EX_GOAL || (s->form == EX_PARAM && f && f->goals && f->goals[s->index])) {
      goals[i] = goal_of(f, a);
    } else {
      args[i] = ev_push(x, f, a);
      pushed++;
    }
  }
  Frame callee = {args, goals};
  const double *v = ev(x, &callee, fn->rule.body, r);
  if (v != r) {
    memcpy(r, v, sizeof *r * x->len);   /* v may live in the popped temporaries */
    v = r;
  }
  stack_pop(&x->stack, pushed);
  free(args);
  free(goals);
  return v;
}

/* progress(g) = clamp((x - b) / (t - b), 0, 1) */
static void ev_progress(Ctx *x, const Sym *g, double *r) {
  const double *v = input_of(x, g->goal.indicator, -1, false);
  double b = g->goal.baseline.value, t = g->goal.target.value;
  for (size_t i = 0; i < x->len; i++) r[i] = sem_clamp((v[i] - b) / (t - b), 0.0, 1.0);
}

/* expected(g, d) = b + (t - b) * (d - s) / (e - s) */
static void ev_expected(Ctx *x, const Sym *g, const double *d, double *r) {
  double b = g->goal.baseline.value, t = g->goal.target.value;
  double s = (double)g->goal.start, e = (double)g->goal.deadline;
  for (size_t i = 0; i < x->len; i++) r[i] = b + (t - b) * (d[i] - s) / (e - s);
}

/* planned(g, d): the goal's path bent through its milestones' `expects` (model_planned) */
static void ev_planned(Ctx *x, const Sym *g, const double *d, double *r) {
  for (size_t i = 0; i < x->len; i++) r[i] = model_planned(g, d[i]);
}

/* on_track(g, d) = x >= expected(g, d) if t > b, else x <= expected(g, d) */
static void ev_on_track(Ctx *x, const Sym *g, const double *d, double *r) {
  const double *v = input_of(x, g->goal.indicator, -1, false);
  bool up = g->goal.target.value > g->goal.baseline.value;
  ev_expected(x, g, d, r);
  for (size_t i = 0; i < x->len; i++) r[i] = up ? sem_ge(v[i], r[i]) : sem_le(v[i], r[i]);
}

/* pow on a block: SLEEF's (vmath.h), NaN where a or b is NaN (sem_pow); r apart. */
static void ev_pow(const double *a, const double *b, double *r, size_t len) {
  vm_pow_n(a, b, r, len);
  for (size_t i = 0; i < len; i++)
    if (sem_na2(a[i], b[i])) r[i] = NAN;
}

/* A built-in function. */
static const double *ev_builtin(Ctx *x, const Frame *f, const Node *n, double *r) {
  Builtin bi = expr_sem(n)->builtin;
  Node **args = n->call.args.items;
  size_t len = x->len;
  if (bi == BI_PROGRESS) {
    ev_progress(x, goal_of(f, args[0]), r);
    return r;
  }
  if (bi == BI_EXPECTED || bi == BI_ON_TRACK || bi == BI_PLANNED) {
    const double *d = ev_push(x, f, args[1]);
    if (bi == BI_EXPECTED) ev_expected(x, goal_of(f, args[0]), d, r);
    else if (bi == BI_PLANNED) ev_planned(x, goal_of(f, args[0]), d, r);
    else ev_on_track(x, goal_of(f, args[0]), d, r);
    stack_pop(&x->stack, 1);
    return r;
  }
  const double *a = ev_push(x, f, args[0]);
  const double *b = n->call.args.len > 1 ? ev_push(x, f, args[1]) : NULL;
  const double *c = n->call.args.len > 2 ? ev_push(x, f, args[2]) : NULL;
  switch (bi) {
  case BI_MIN: for (size_t i = 0; i < len; i++) r[i] = sem_min(a[i], b[i]); break;
  case BI_MAX: for (size_t i = 0; i < len; i++) r[i] = sem_max(a[i], b[i]); break;
  case BI_CLAMP: for (size_t i = 0; i < len; i++) r[i] = sem_clamp(a[i], b[i], c[i]); break;
  case BI_ABS: for (size_t i = 0; i < len; i++) r[i] = fabs(a[i]); break;
  case BI_SQRT: for (size_t i = 0; i < len; i++) r[i] = sqrt(a[i]); break;
  case BI_LOG: vm_log_n(a, r, len); break;
  case BI_EXP: vm_exp_n(a, r, len); break;
  case BI_POW: ev_pow(a, b, r, len); break;
  case BI_IS_MISSING: for (size_t i = 0; i < len; i++) r[i] = sem_is_missing(a[i]); break;
  case BI_COALESCE: for (size_t i = 0; i < len; i++) r[i] = sem_coalesce(a[i], b[i]); break;
  case BI_ROUND: for (size_t i = 0; i < len; i++) r[i] = round(a[i]); break;
  case BI_FLOOR: for (size_t i = 0; i < len; i++) r[i] = floor(a[i]); break;
  case BI_CEIL: for (size_t i = 0; i < len; i++) r[i] = ceil(a[i]); break;
  default: unreachable_bug("unknown built-in");
  }
  stack_pop(&x->stack, 1 + (b != NULL) + (c != NULL));
  return r;
}

/* A unary operator: - or not. */
static const double *ev_unary(Ctx *x, const Frame *f, const Node *n, double *r) {
  const double *a = ev_push(x, f, n->unary.operand);
  if (n->unary.op == OP_NEG)
    for (size_t i = 0; i < x->len; i++) r[i] = -a[i];
  else
    for (size_t i = 0; i < x->len; i++) r[i] = sem_not(a[i]);
  stack_pop(&x->stack, 1);
  return r;
}

/* A binary operator: arithmetic, comparison, and/or. */
static const double *ev_binary(Ctx *x, const Frame *f, const Node *n, double *r) {
  const double *a = ev_push(x, f, n->binary.lhs);
  const double *b = ev_push(x, f, n->binary.rhs);
  size_t len = x->len;
  switch (n->binary.op) {
  case OP_ADD: for (size_t i = 0; i < len; i++) r[i] = a[i] + b[i]; break;
  case OP_SUB: for (size_t i = 0; i < len; i++) r[i] = a[i] - b[i]; break;
  case OP_MUL: for (size_t i = 0; i < len; i++) r[i] = a[i] * b[i]; break;
  case OP_DIV: for (size_t i = 0; i < len; i++) r[i] = a[i] / b[i]; break;
  case OP_POW: ev_pow(a, b, r, len); break;
  case OP_EQ: for (size_t i = 0; i < len; i++) r[i] = sem_eq(a[i], b[i]); break;
  case OP_NE: for (size_t i = 0; i < len; i++) r[i] = sem_ne(a[i], b[i]); break;
  case OP_LT: for (size_t i = 0; i < len; i++) r[i] = sem_lt(a[i], b[i]); break;
  case OP_LE: for (size_t i = 0; i < len; i++) r[i] = sem_le(a[i], b[i]); break;
  case OP_GT: for (size_t i = 0; i < len; i++) r[i] = sem_gt(a[i], b[i]); break;
  case OP_GE: for (size_t i = 0; i < len; i++) r[i] = sem_ge(a[i], b[i]); break;
  case OP_AND: for (size_t i = 0; i < len; i++) r[i] = sem_and(a[i], b[i]); break;
  case OP_OR: for (size_t i = 0; i < len; i++) r[i] = sem_or(a[i], b[i]); break;
  default: unreachable_bug("unknown binary operator");
  }
  stack_pop(&x->stack, 2);
  return r;
}

/* if c then a else b: both sides evaluated, then a choice per row (NaN when c is). */
static const double *ev_if(Ctx *x, const Frame *f, const Node *n, double *r) {
  const double *c = ev_push(x, f, n->ifx.cond);
  const double *a = ev_push(x, f, n->ifx.then);
  const double *b = ev_push(x, f, n->ifx.els);
  for (size_t i = 0; i < x->len; i++) r[i] = sem_if(c[i], a[i], b[i]);
  stack_pop(&x->stack, 3);
  return r;
}

/* Evaluate n on the block by its checked form (see ev). */
static const double *ev_form(Ctx *x, const Frame *f, const Node *n, double *r) {
  const ExprSem *s = expr_sem(n);
  if (!s) unreachable_bug("an expression without a checked meaning");
  switch (s->form) {
  case EX_CONST:
    for (size_t i = 0; i < x->len; i++) r[i] = s->value;
    return r;
  case EX_INDICATOR: return input_of(x, s->ref, -1, false);
  case EX_DATE_INPUT: return input_of(x, NULL, -1, true);
  case EX_FIELD: return input_of(x, NULL, s->index, false);
  case EX_PARAM:
    if (!f || !f->args[s->index]) unreachable_bug("a parameter outside its function");
    return f->args[s->index];
  case EX_RULE: return ev_rule(x, s->ref);
  case EX_CALL_FN: return ev_call_fn(x, f, n, r);
  case EX_BUILTIN: return ev_builtin(x, f, n, r);
  case EX_OP:
    switch (n->kind) {
    case ND_UNARY: return ev_unary(x, f, n, r);
    case ND_BINARY: return ev_binary(x, f, n, r);
    case ND_IF: return ev_if(x, f, n, r);
    default: break;
    }
    break;
  case EX_GOAL:
  case EX_DECL: break;
  }
  unreachable_bug("an expression that is not a value");
}

/* Evaluate n on the block. Returns r filled in, or a vector that already holds the
 * values (an input, a parameter, a rule value) and stays valid while r would. With
 * a trace (one row), the tracer sees the node before and its value after. */
static const double *ev(Ctx *x, const Frame *f, const Node *n, double *r) {
  if (!x->trace) return ev_form(x, f, n, r);
  x->trace->enter(x->trace->ctx, n);
  const double *v = ev_form(x, f, n, r);
  x->trace->leave(x->trace->ctx, n, v[0]);
  return v;
}

/* ------------------------------------------------------------------------
 * Batches
 * ------------------------------------------------------------------------ */

/* The inputs of rows [start, start+len) in base units: scaled, or booleans as 0/1
 * (NaN stays NaN: a missing boolean). */
static void load_inputs(Ctx *x, size_t start, const double *const *cols) {
  for (int k = 0; k < x->sig->ninputs; k++) {
    const RuleInput *in = &x->sig->inputs[k];
    const double *col = cols[k] + start;
    if (in->kind == VAL_BOOL) {
      double *v = stack_push(&x->stack);
      for (size_t i = 0; i < x->len; i++) v[i] = sem_bool_in(col[i]);
      x->in[k] = v;
    } else if (in->scale != 1.0) {
      double *v = stack_push(&x->stack);
      for (size_t i = 0; i < x->len; i++) v[i] = col[i] * in->scale;
      x->in[k] = v;
    } else {
      x->in[k] = col;
    }
  }
}

/* interp_eval_batch, with an optional tracer (one row). */
static void eval_batch(const Interp *ip, size_t n, const double *const *cols, double *out,
                       const InterpTrace *trace) {
  const RuleSig *sig = ip->sig;
  Ctx x = {.sig = sig, .trace = trace};
  x.stack.width = x.keep.width = n == 0 ? 1 : n < BLOCK ? n : BLOCK;   /* one row: one double each */
  const double **in = xcalloc((size_t)sig->ninputs + 1, sizeof *in);
  x.in = in;
  for (size_t start = 0; start < n; start += BLOCK) {
    x.len = n - start < BLOCK ? n - start : BLOCK;
    x.stack.len = 0;
    x.keep.len = 0;
    memo_clear(&x);
    load_inputs(&x, start, cols);
    double *r = out + start;
    const double *v = ev(&x, NULL, sig->rule->rule.body, r);
    if (sig->result == VAL_NUM && sig->result_scale != 1.0)
      for (size_t i = 0; i < x.len; i++) r[i] = v[i] / sig->result_scale;
    else if (v != r)
      memcpy(r, v, sizeof *r * x.len);
  }
  stack_free(&x.stack);
  stack_free(&x.keep);
  free(x.memo);
  free(in);
}

void interp_eval_batch(const Interp *ip, size_t n, const double *const *cols, double *out) {
  eval_batch(ip, n, cols, out, NULL);
}

double interp_trace_row(const Interp *ip, const double *in, const InterpTrace *trace) {
  int n = ip->sig->ninputs;
  const double **cols = xcalloc((size_t)n + 1, sizeof *cols);
  for (int i = 0; i < n; i++) cols[i] = &in[i];
  double out;
  eval_batch(ip, 1, cols, &out, trace);
  free(cols);
  return out;
}

double interp_eval_row(const Interp *ip, const double *in) { return interp_trace_row(ip, in, NULL); }
