/* check_rules.c - scores, conditions and fns: the graph of which rule or fn
 * names which, recursion reported with its cycle, bodies typed callees first
 * (so no walk recurses from one rule into another), calls of polymorphic fns
 * typed per call, and the inputs each rule reads, transitively.
 */
#include <math.h>
#include <string.h>

#include "check_int.h"
#include "util.h"


/* ------------------------------------------------------------------------ */
/* Dependencies                                                              */
/* ------------------------------------------------------------------------ */

static bool is_rule_kind(DeclKind k) { return k == DK_SCORE || k == DK_CONDITION || k == DK_FN; }

/* The rule or fn an identifier of s's body names, if any (fields and params shadow). */
static CkSym *named_rule(Checker *k, CkSym *s, const char *name, bool call) {
  if (!call && s->sym.kind == DK_FN) return NULL;   /* fn bodies read no rule (E0609) */
  Sym *on = s->sym.rule.on;
  if (!call && on && ck_record_fields(cksym(on)) && namemap_get(ck_record_fields(cksym(on)), name)) return NULL;
  Sym *y = namemap_get(k->names, name);
  if (!y || !is_rule_kind(y->kind) || (y->kind == DK_FN) != call) return NULL;
  return cksym(y);
}

/* Record each rule or fn named in n (a formula of s). */
static void collect_deps(Checker *k, CkSym *s, Node *n, int depth) {
  if (!n || depth > MAX_DEPTH) return;
  CkSym *dep = NULL;
  switch (n->kind) {
  case ND_NAME:
    if (name_nparts(n) == 1) dep = named_rule(k, s, name_part(n, 0).str, false);
    break;
  case ND_CALL:
    if (name_nparts(n->call.callee) == 1) dep = named_rule(k, s, name_part(n->call.callee, 0).str, true);
    break;
  default: break;
  }
  for (int i = 0; i < ast_expr_kids(n); i++) collect_deps(k, s, ast_expr_kid(n, i), depth + 1);
  if (dep) {
    vec_push(k->a, &s->rs->deps, dep);
    vec_push(k->a, &s->rs->dep_nodes, n->kind == ND_CALL ? n->call.callee : n);
  }
}

/* ------------------------------------------------------------------------ */
/* Recursion: depth-first search with an explicit stack                      */
/* ------------------------------------------------------------------------ */

enum { WHITE, GREY, BLACK };

typedef struct Frame {
  CkSym *s;
  int next;       /* next dependency to follow */
} Frame;

/* Report the cycle closed by the edge from the top of the stack to `to`. */
static void report_cycle(Checker *k, Frame *stack, int top, CkSym *to, Node *at) {
  int from = top;
  while (from > 0 && stack[from].s != to) from--;
  char *chain = arena_strdup(k->a, to->sym.name);
  for (int i = from + 1; i <= top; i++) chain = arena_printf(k->a, "%s -> %s", chain, stack[i].s->sym.name);
  chain = arena_printf(k->a, "%s -> %s", chain, to->sym.name);
  Diagnostic *g = from == top
      ? ck_error(k, at->span, E0604, "%s '%s' uses itself", ck_kind_word(to->sym.kind), to->sym.name)
      : ck_error(k, at->span, E0604, "%s '%s' uses itself, through %s", ck_kind_word(to->sym.kind),
                 to->sym.name, chain);
  for (int i = from; i < top; i++) {
    CkSym *a = stack[i].s, *b = stack[i + 1].s;
    ck_note(k, g, ((Node *)a->rs->dep_nodes.items[stack[i].next - 1])->span, "'%s' uses '%s' here",
            a->sym.name, b->sym.name);
  }
  ck_note(k, g, NO_SPAN, "scores, conditions and functions cannot be recursive");
  for (int i = from; i <= top; i++) stack[i].s->recursive = true;
}

/* Visit everything reachable from root; append finished nodes to order. */
static void visit(Checker *k, CkSym *root, Frame *stack, PtrVec *order) {
  int top = 0;
  stack[0] = (Frame){root, 0};
  root->rs->order = GREY;
  while (top >= 0) {
    Frame *f = &stack[top];
    if (f->next == f->s->rs->deps.len) {
      f->s->rs->order = BLACK;
      vec_push(k->a, order, f->s);
      top--;
      continue;
    }
    CkSym *d = f->s->rs->deps.items[f->next++];
    if (d->rs->order == GREY) report_cycle(k, stack, top, d, f->s->rs->dep_nodes.items[f->next - 1]);
    if (d->rs->order != WHITE) continue;
    d->rs->order = GREY;
    stack[++top] = (Frame){d, 0};
  }
}

/* Every rule and fn, callees before callers. */
static PtrVec rule_order(Checker *k, int count) {
  static const DeclKind kinds[] = {DK_FN, DK_SCORE, DK_CONDITION};
  PtrVec order = {0};
  Frame *stack = arena_alloc(k->a, sizeof(Frame) * (size_t)(count + 1));
  for (int j = 0; j < (int)COUNT_OF(kinds); j++)
    for (int i = 0; i < k->all[kinds[j]].len; i++) {
      CkSym *s = k->all[kinds[j]].items[i];
      if (s->rs->order == WHITE) visit(k, s, stack, &order);
    }
  return order;
}

/* ------------------------------------------------------------------------ */
/* Bodies                                                                    */
/* ------------------------------------------------------------------------ */

/* Whether a result has the declared type (unit dimension, bool or date). */
static bool fits(const Type *declared, const Type *t) {
  if (declared->kind == TY_ERROR || t->kind == TY_ERROR) return true;
  return declared->kind == t->kind && (t->kind != TY_NUM || dim_eq(&declared->dim, &t->dim));
}

/* "score 'x' is declared in MEUR, but its formula gives MtCO2e". */
static void report_result(Checker *k, CkSym *s, const Type *t) {
  Node *d = s->sym.decl;
  Diagnostic *g = ck_error(k, decl_body(d)->span, E0303, "%s '%s' is declared %s %s, but its formula gives %s",
                           ck_kind_word(s->sym.kind), s->sym.name,
                           s->rs->declared.kind == TY_NUM ? "in" : "as", ck_type_text(k, &s->rs->declared),
                           ck_type_text(k, t));
  if (!k->inst) ck_note(k, g, decl_unit(d)->span, "declared here");
}

/* The type of a rule's or fn's result, checked against its kind and `: unit`. */
static void check_result(Checker *k, CkSym *s, Type t) {
  if (s->sym.kind == DK_CONDITION && t.kind != TY_BOOL && t.kind != TY_ERROR) {
    Diagnostic *g = ck_error(k, decl_body(s->sym.decl)->span, E0601,
                             "condition '%s' must be a bool, but its formula gives %s", s->sym.name,
                             ck_type_text(k, &t));
    ck_note(k, g, NO_SPAN, "a condition is a test, such as 'emission_cut >= 4.2%%'");
    t = ck_type_of(TY_ERROR);
  }
  if (!fits(&s->rs->declared, &t)) {
    report_result(k, s, &t);
    t = ck_type_of(TY_ERROR);
  }
  if (s->rs->declared.kind != TY_ERROR) {
    if (s->sym.kind == DK_FN || t.kind != TY_ERROR) t = s->rs->declared;
  }
  s->sym.rule.type = t;
}

/* Type one rule or fn body (its callees are done: see rule_order). */
static void check_body(Checker *k, CkSym *s) {
  s->body = ST_BUSY;
  if (s->form_ok && s->sym.rule.body) {
    Scope sc = {.owner = s, .record = s->sym.rule.on, .fn = s->sym.kind == DK_FN};
    k->depth = 0;
    check_result(k, s, ck_formula(k, s->sym.rule.body, &sc));
    /* a score's or condition's records are final once typed (fn bodies are typed again per
     * call): share them, as attribute values do, for the next bodies to reuse */
    if (s->sym.kind != DK_FN) ck_share_sems(k, s->sym.rule.body);
  } else {
    s->sym.rule.type = s->rs->declared;
  }
  s->body = ST_DONE;
}

/* ------------------------------------------------------------------------ */
/* Calls of fns                                                              */
/* ------------------------------------------------------------------------ */

/* Arguments against declared parameter units; false if one does not fit. */
static bool check_args(Checker *k, Node *call, CkSym *fn, const Type *args) {
  bool ok = true;
  for (int i = 0; i < fn->sym.rule.nparams; i++) {
    const Type *want = &fn->sym.rule.param_types[i];
    if (fits(want, &args[i])) continue;
    Node *p = fn->sym.rule.params[i];
    Diagnostic *g = ck_error(k, call->call.args.items[i]->span, E0303,
                             "parameter '%s' of '%s' is %s, but this argument is %s", p->param.name.str,
                             fn->sym.name, ck_type_in(k, want), ck_type_in(k, &args[i]));
    ck_note(k, g, p->span, "'%s' declared here", p->param.name.str);
    ok = false;
  }
  return ok;
}

static bool same_types(const Type *a, const Type *b, int n) {
  for (int i = 0; i < n; i++)
    if (a[i].kind != b[i].kind || (a[i].kind == TY_NUM && !dim_eq(&a[i].dim, &b[i].dim))) return false;
  return true;
}

/* Remember a clean result of a polymorphic fn for these argument types. */
static void memo_put(Checker *k, CkSym *fn, const Type *args, Type result) {
  if (fn->rs->nmemo >= 16) return;
  if (!fn->rs->memo) fn->rs->memo = arena_alloc(k->a, sizeof(InstMemo) * 16);
  int n = fn->sym.rule.nparams;
  InstMemo *m = &fn->rs->memo[fn->rs->nmemo++];
  m->args = arena_alloc(k->a, sizeof(Type) * (size_t)(n ? n : 1));
  memcpy(m->args, args, sizeof(Type) * (size_t)n);
  m->result = result;
}

/* Type the body of fn for one call with these argument types. */
static Type instantiate(Checker *k, Node *call, CkSym *fn, const Type *args) {
  for (int i = 0; i < fn->rs->nmemo; i++)
    if (same_types(fn->rs->memo[i].args, args, fn->sym.rule.nparams)) return fn->rs->memo[i].result;
  int errors = k->inst_errors;
  Inst inst = {.parent = k->inst, .call = call, .fn = &fn->sym, .args = args};
  k->inst = &inst;
  Scope sc = {.owner = fn, .fn = true};
  Type t = ck_formula(k, fn->sym.rule.body, &sc);
  if (!fits(&fn->rs->declared, &t)) report_result(k, fn, &t);
  k->inst = inst.parent;
  if (k->inst_errors != errors) return ck_type_of(TY_ERROR);
  if (fn->rs->declared.kind != TY_ERROR) t = fn->rs->declared;
  memo_put(k, fn, args, t);
  return t;
}

Type ck_call_fn(Checker *k, Node *call, CkSym *fn, const Type *args) {
  if (fn->recursive || fn->body != ST_DONE || !fn->form_ok || !fn->sym.rule.body) return ck_type_of(TY_ERROR);
  if (!check_args(k, call, fn, args)) return ck_type_of(TY_ERROR);
  bool poly = false;
  for (int i = 0; i < fn->sym.rule.nparams; i++) {
    if (fn->sym.rule.param_types[i].kind != TY_ERROR) continue;
    if (args[i].kind == TY_ERROR) return fn->rs->declared;
    poly = true;
  }
  if (!poly) return fn->sym.rule.type;
  return instantiate(k, call, fn, args);
}

/* ------------------------------------------------------------------------ */
/* Inputs of rules, transitively                                             */
/* ------------------------------------------------------------------------ */

typedef struct Inputs {
  PtrVec indicators;
  bool date;
  bool *fields;
} Inputs;

static void add_indicator(Checker *k, Inputs *in, Sym *ind) {
  if (!ind || ind->index < 0 || k->mark[ind->index] == k->stamp) return;
  k->mark[ind->index] = k->stamp;
  vec_push(k->a, &in->indicators, ind);
}

/* Merge what a used rule reads (already computed: callees come first). */
static void add_rule(Checker *k, Inputs *in, Sym *r) {
  for (int i = 0; i < r->rule.indicators.len; i++) add_indicator(k, in, r->rule.indicators.items[i]);
  in->date |= r->rule.reads_date;
  for (int i = 0; in->fields && i < r->rule.nfields_read; i++) in->fields[r->rule.fields[i]] = true;
}

/* Walk a checked body in source order, collecting its inputs. */
static void walk_inputs(Checker *k, Inputs *in, Node *n, int depth) {
  if (!n || !expr_sem(n) || depth > MAX_DEPTH) return;
  ExprSem *e = expr_sem(n);
  switch (e->form) {
  case EX_INDICATOR: add_indicator(k, in, e->ref); return;
  case EX_GOAL: add_indicator(k, in, e->ref->goal.indicator); return;
  case EX_DATE_INPUT: in->date = true; return;
  case EX_FIELD:
    if (in->fields) in->fields[e->index] = true;
    return;
  case EX_RULE:
    if (!cksym(e->ref)->recursive) add_rule(k, in, e->ref);
    return;
  default: break;
  }
  for (int i = 0; i < ast_expr_kids(n); i++) walk_inputs(k, in, ast_expr_kid(n, i), depth + 1);
}

/* Sym.rule.indicators, reads_date and fields of one rule. */
static void rule_inputs(Checker *k, CkSym *s) {
  Sym *y = &s->sym;
  Sym *on = y->rule.on;
  Inputs in = {0};
  k->stamp++;
  if (on) in.fields = arena_alloc(k->a, sizeof(bool) * (size_t)(on->record.nfields + 1));
  walk_inputs(k, &in, y->rule.body, 0);
  y->rule.indicators = (SymList){(Sym **)in.indicators.items, in.indicators.len};
  y->rule.reads_date = in.date;
  if (!on) return;
  y->rule.fields = arena_alloc(k->a, sizeof(int) * (size_t)(on->record.nfields + 1));
  for (int i = 0; i < on->record.nfields; i++)
    if (in.fields[i]) y->rule.fields[y->rule.nfields_read++] = i;
}

/* ------------------------------------------------------------------------ */
/* Expansion: each fn call is inlined in full (interp.c, codegen.c)          */
/* ------------------------------------------------------------------------ */

/* The operations of a formula once its fn calls are inlined (callees are done:
 * see rule_order); a used rule counts once, as it is computed once per row.
 * *heavy is set to the costliest fn call. Capped well above MAX_EXPANSION. */
static double expansion(Node *n, int depth, Node **heavy, double *heavy_cost) {
  if (!n || !expr_sem(n) || depth > MAX_DEPTH) return 0;
  ExprSem *e = expr_sem(n);
  double cost = 1;
  if (e->form == EX_CALL_FN && e->ref && !cksym(e->ref)->recursive) {
    double callee = cksym(e->ref)->rs->expand;
    if (callee > *heavy_cost) {
      *heavy_cost = callee;
      *heavy = n;
    }
    cost += callee;
  }
  for (int i = 0; i < ast_expr_kids(n); i++) cost += expansion(ast_expr_kid(n, i), depth + 1, heavy, heavy_cost);
  return cost < 1e18 ? cost : 1e18;
}

static int inlined_depth(Node *n, int depth);

/* The larger of deepest and the inlined depth of child (computed once: a macro
 * MAX(deepest, inlined_depth(...)) would walk each child twice, 2^depth in all). */
static int deeper(int deepest, Node *child, int depth) {
  int d = inlined_depth(child, depth);
  return d > deepest ? d : deepest;
}

/* The nesting depth of a formula once its fn calls are inlined (callees are
 * done), capped just above MAX_DEPTH: the evaluators walk it recursively. */
static int inlined_depth(Node *n, int depth) {
  if (!n || !expr_sem(n) || depth > MAX_DEPTH) return 0;
  ExprSem *e = expr_sem(n);
  int deepest = 0;
  if (e->form == EX_CALL_FN && e->ref && !cksym(e->ref)->recursive) deepest = cksym(e->ref)->rs->nest;
  for (int i = 0; i < ast_expr_kids(n); i++) deepest = deeper(deepest, ast_expr_kid(n, i), depth + 1);
  return deepest >= MAX_DEPTH + 1 ? MAX_DEPTH + 1 : deepest + 1;
}

/* Refuse a rule whose fn calls expand to more than MAX_EXPANSION operations: the
 * evaluators inline every call, so a chain of fns that each call the next twice
 * would take time and code exponential in its length (E0620). */
static void check_expansion(Checker *k, CkSym *s) {
  Node *heavy = NULL;
  double heavy_cost = 0;
  s->rs->expand = expansion(s->sym.rule.body, 0, &heavy, &heavy_cost);
  s->rs->nest = inlined_depth(s->sym.rule.body, 0);
  if (s->sym.kind == DK_FN) return;
  if (s->rs->nest > MAX_DEPTH && heavy && s->rs->expand <= MAX_EXPANSION) {   /* deeper through calls */
    Diagnostic *g = ck_error(k, s->sym.rule.body->span, E0611,
                             "%s '%s' is nested too deeply (more than %d levels) once its calls of "
                             "functions are expanded", ck_kind_word(s->sym.kind), s->sym.name, MAX_DEPTH);
    ck_note(k, g, NO_SPAN, "every call of a function is expanded where it is called; split the "
                           "chain of calls with scores");
    return;
  }
  if (s->rs->expand <= MAX_EXPANSION || !heavy) return;
  Diagnostic *g = ck_error(k, heavy->span, E0620,
                           "%s '%s' expands to more than %.0f operations through calls of functions",
                           ck_kind_word(s->sym.kind), s->sym.name, MAX_EXPANSION);
  const Sym *fn = expr_sem(heavy)->ref;
  Span at = fn->decl ? fn->decl->decl.name.span : NO_SPAN;
  if (heavy_cost >= 1e18) ck_note(k, g, at, "each call of '%s' expands to more than 10^18 operations", fn->name);
  else ck_note(k, g, at, "each call of '%s' expands to %.0f operations", fn->name, heavy_cost);
  ck_note(k, g, NO_SPAN, "every call of a function is expanded in full; compute a value used "
                         "several times once, in a score, and use the score");
}

void ck_rules(Checker *k) {
  static const DeclKind kinds[] = {DK_FN, DK_SCORE, DK_CONDITION};
  int count = 0;
  for (int j = 0; j < (int)COUNT_OF(kinds); j++)
    for (int i = 0; i < k->all[kinds[j]].len; i++) {
      CkSym *s = k->all[kinds[j]].items[i];
      if (s->form_ok) collect_deps(k, s, s->sym.rule.body, 0);
      count++;
    }
  PtrVec order = rule_order(k, count);
  for (int i = 0; i < order.len; i++) check_body(k, order.items[i]);
  for (int i = 0; i < order.len; i++) {
    CkSym *s = order.items[i];
    if (!s->recursive) check_expansion(k, s);
  }
  k->mark = arena_alloc(k->a, sizeof(int) * (size_t)(k->m->syms.len + 1));
  for (int i = 0; i < order.len; i++) {
    CkSym *s = order.items[i];
    if (s->sym.kind != DK_FN && !s->recursive) rule_inputs(k, s);
  }
}
