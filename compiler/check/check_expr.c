/* check_expr.c - formulas: what each name means, the type and dimension of
 * every node (node->sem), and constants folded for the checks that need them.
 *
 * The first walk of a formula resolves names and fills node->sem. Inside a fn,
 * a parameter without a unit is polymorphic: nodes that depend on one are
 * marked `poly`, typed TY_ERROR (quietly) in that first walk, and re-typed at
 * each call with the argument types (Checker.inst set); the re-typing reads
 * the resolution from node->sem and writes nothing.
 */
#include <math.h>
#include <string.h>

#include "check_int.h"
#include "vmath.h"
#include "valsem.h"

typedef enum { SIG_SAME, SIG_NUM, SIG_PLAIN, SIG_SQRT, SIG_POW, SIG_GOAL, SIG_ANY, SIG_ANY_SAME } Sig;

/* Arity and argument rule of each built-in. */
static const struct {
  int nargs;
  Sig sig;
} signatures[BI_COUNT] = {
  [BI_MIN] = {2, SIG_SAME},      [BI_MAX] = {2, SIG_SAME},       [BI_CLAMP] = {3, SIG_SAME},
  [BI_ABS] = {1, SIG_NUM},       [BI_SQRT] = {1, SIG_SQRT},      [BI_LOG] = {1, SIG_PLAIN},
  [BI_EXP] = {1, SIG_PLAIN},     [BI_POW] = {2, SIG_POW},        [BI_ROUND] = {1, SIG_PLAIN},
  [BI_FLOOR] = {1, SIG_PLAIN},   [BI_CEIL] = {1, SIG_PLAIN},     [BI_PROGRESS] = {1, SIG_GOAL},
  [BI_EXPECTED] = {2, SIG_GOAL}, [BI_ON_TRACK] = {2, SIG_GOAL},  [BI_PLANNED] = {2, SIG_GOAL},
  [BI_IS_MISSING] = {1, SIG_ANY}, [BI_COALESCE] = {2, SIG_ANY_SAME},
};

/* One node, by kind. */
static Type walk(Checker *k, Node *n, const Scope *s, ExprSem *e);
/* The walk recurses once per level of a formula (ck_formula -> walk -> walk_unary ->
 * ck_formula), up to MAX_DEPTH levels: the helpers marked OFF_WALK, which hold most of
 * the locals (names, calls, operator types, messages), are kept out of those frames, so
 * a level costs a few hundred bytes of stack even under AddressSanitizer, whose
 * redzones made an inlined level 2.9 KB and a 4,000-level formula overflow 8 MB. */
#define OFF_WALK __attribute__((noinline))

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */
/* ------------------------------------------------------------------------ */

static Type err(void) { return ck_type_of(TY_ERROR); }

static bool is_poly(const Node *n) { return n->sem && expr_sem(n)->poly; }

static bool is_const(const Node *n) { return n->sem && expr_sem(n)->constant; }

static double const_of(const Node *n) { return expr_sem(n)->value; }

/* Numbers of one dimension, two bools or two dates. */
static bool same_type(const Type *a, const Type *b) {
  return a->kind == b->kind && (a->kind != TY_NUM || dim_eq(&a->dim, &b->dim));
}

static Type with_unit(Type t, const Unit *u) {
  if (!t.unit) t.unit = u;
  return t;
}

static Type date_type(Checker *k) {
  Type t = ck_type_of(TY_DATE);
  t.unit = units_date(k->units);
  return t;
}

static Type day_type(Checker *k) { return ck_type_num(units_day(k->units)->dim, units_day(k->units)); }

static Type plain_type(void) {
  Dim none = {NULL};
  return ck_type_num(none, NULL);
}

/* A leaf whose value is known. */
static Type constant(ExprSem *e, Type t, double v) {
  e->form = EX_CONST;
  e->constant = true;
  e->value = v;
  return t;
}

/* ------------------------------------------------------------------------ */
/* Names                                                                     */
/* ------------------------------------------------------------------------ */

static int param_index(const CkSym *fn, const char *name) {
  for (int i = 0; fn && i < fn->sym.rule.nparams; i++)
    if (fn->sym.rule.params[i]->param.name.str == name) return i;
  return -1;
}

/* "unknown name 'x'" with a did-you-mean among what the formula can read. */
static Type unknown_name(Checker *k, Ident id, const Scope *s) {
  Diagnostic *g = ck_error(k, id.span, E0201, "unknown name '%s'", id.str);
  Suggest sg;
  ck_suggest_init(&sg, id.str);
  for (int i = 0; s->fn && i < s->owner->sym.rule.nparams; i++)
    ck_suggest_add(&sg, s->owner->sym.rule.params[i]->param.name.str, s->owner->sym.rule.params[i]->span);
  for (int i = 0; s->record && i < s->record->record.nfields; i++)
    ck_suggest_add(&sg, s->record->record.fields[i].name, s->record->record.fields[i].span);
  if (!s->fn && !s->record && !s->attr) ck_suggest_add(&sg, k->s_date, NO_SPAN);
  resolve_suggest(k, &sg, REFS(INDICATOR) | REFS(SCORE) | REFS(CONDITION) | REFS(GOAL));
  if (s->owner && sg.best == s->owner->sym.name) sg.best = NULL;
  for (int i = 0; i < units_count(k->units); i++) {   /* a unit name means one of that unit */
    const Unit *u = units_at(k->units, i);   /* (not the dimensionless "1": not a name) */
    if (u != units_date(k->units) && u != units_dimensionless(k->units)) ck_suggest_add(&sg, u->name, NO_SPAN);
  }
  ck_note_suggest(k, g, &sg);
  return err();
}

/* Attributes hold constants and fns read only their parameters. */
/* what is a format of up to three strings: the text is made only for an error. */
static bool input_allowed(Checker *k, Ident id, const Scope *s, const char *what, const char *a,
                          const char *b, const char *c) {
  Diagnostic *g = NULL;
  if (!s->attr && !s->fn) return true;
  what = arena_printf(k->a, what, a, b, c);
  if (s->attr)
    g = ck_error(k, id.span, E0609, "'%s' takes a constant, but %s is read from the data", s->attr_name, what);
  else if (s->fn)
    g = ck_error(k, id.span, E0609, "function '%s' reads only its parameters, but %s is read from the data",
                 s->owner->sym.name, what);
  if (g && s->fn) ck_note(k, g, NO_SPAN, "pass it to '%s' as an argument", s->owner->sym.name);
  return !g;
}

/* `date`: the row's date, in rules over the indicators only. */
static Type date_input(Checker *k, Ident id, const Scope *s, ExprSem *e) {
  if (!input_allowed(k, id, s, "'date' (the row's date)", "", "", "")) return err();
  if (s->record) {
    Diagnostic *g = ck_error(k, id.span, E0610, "%s '%s' is on record '%s', whose rows have no 'date'",
                             ck_kind_word(s->owner->sym.kind), s->owner->sym.name, s->record->name);
    ck_note(k, g, NO_SPAN, "declare a field of type date in '%s' (such as 'signed date') and read it",
            s->record->name);
    return err();
  }
  e->form = EX_DATE_INPUT;
  return date_type(k);
}

/* "score 'a' is on record 'R'" / "score 'a' reads the indicators". */
static const char *input_text(Checker *k, const Sym *rule) {
  if (rule->rule.on)
    return arena_printf(k->a, "is on record '%s'", rule->rule.on->name);
  return "reads the indicators";
}

/* A rule may use another rule only over the same input. */
static bool same_input(Checker *k, Ident id, const Scope *s, Sym *y) {
  ck_fill(k, cksym(y));
  Sym *a = &s->owner->sym;
  if (a->rule.on == y->rule.on) return true;
  Diagnostic *g = ck_error(k, id.span, E0605, "%s '%s' %s and cannot use %s '%s', which %s",
                           ck_kind_word(a->kind), a->name, input_text(k, a),
                           ck_kind_word(y->kind), y->name, input_text(k, y));
  ck_note_decl(k, g, y);
  ck_note(k, g, NO_SPAN, "a rule may use other rules over the same input: both 'on' one record, or both without 'on'");
  return false;
}

/* An indicator: an input column of rules without `on`. */
static Type indicator_input(Checker *k, Ident id, const Scope *s, ExprSem *e, Sym *y) {
  if (!input_allowed(k, id, s, "indicator '%s'", y->name, "", "")) return err();
  if (s->record) {
    Diagnostic *g = ck_error(k, id.span, E0605, "%s '%s' is on record '%s' and cannot read indicator '%s'",
                             ck_kind_word(s->owner->sym.kind), s->owner->sym.name, s->record->name, y->name);
    ck_note(k, g, NO_SPAN, "a rule on a record reads only the fields of that record");
    return err();
  }
  ck_fill(k, cksym(y));
  e->form = EX_INDICATOR;
  e->ref = y;
  const Unit *u = y->indicator.unit;
  return u ? ck_type_num(u->dim, u) : err();
}

/* The value of another score or condition on the same row. */
static Type rule_input(Checker *k, Ident id, const Scope *s, ExprSem *e, Sym *y) {
  if (!input_allowed(k, id, s, "%s '%s'", ck_kind_word(y->kind), y->name, "")) return err();
  if (!same_input(k, id, s, y)) return err();
  e->form = EX_RULE;
  e->ref = y;
  if (cksym(y)->recursive || cksym(y)->body != ST_DONE) return err();
  return with_unit(y->rule.type, y->rule.unit);
}

/* A declaration that is not a value: say what it is and what to write. */
static Type not_a_value(Checker *k, Ident id, Sym *y) {
  Diagnostic *g;
  if (y->kind == DK_GOAL) {
    g = ck_error(k, id.span, E0202, "goal '%s' is not a value", y->name);
    ck_note(k, g, NO_SPAN, "use progress(%s), expected(%s, date), on_track(%s, date), %s.baseline or %s.target",
            y->name, y->name, y->name, y->name, y->name);
  } else if (y->kind == DK_FN) {
    g = ck_error(k, id.span, E0202, "'%s' is a function: call it with its arguments, %s(...)", y->name, y->name);
  } else {
    g = ck_error(k, id.span, E0202, "'%s' is %s, not a value", y->name, schema_kind_text(y->kind));
    ck_note(k, g, NO_SPAN, "formulas read indicators, scores, conditions, record fields, parameters "
            "and goal constants");
  }
  ck_note_decl(k, g, y);
  return err();
}

/* goal.baseline, goal.target, goal.start, goal.deadline. */
static Type goal_constant(Checker *k, Node *n, ExprSem *e) {
  Ident gid = name_part(n, 0), mid = name_part(n, 1);
  Sym *y = namemap_get(k->names, gid.str);
  if (!y) {
    Diagnostic *g = ck_error(k, gid.span, E0201, "unknown goal '%s'", gid.str);
    Suggest sg;
    ck_suggest_init(&sg, gid.str);
    resolve_suggest(k, &sg, REFS(GOAL));
    ck_note_suggest(k, g, &sg);
    return err();
  }
  if (y->kind != DK_GOAL) {
    Diagnostic *g = ck_error(k, gid.span, E0202, "'%s' is %s; only goals have constants such as '%s.%s'",
                             y->name, schema_kind_text(y->kind), y->name, mid.str);
    ck_note_decl(k, g, y);
    return err();
  }
  const char *members[] = {k->s_baseline, k->s_target, k->s_start, k->s_deadline};
  int which = -1;
  for (int i = 0; i < 4; i++)
    if (members[i] == mid.str) which = i;
  if (which < 0) {
    Diagnostic *g = ck_error(k, mid.span, E0201, "goal '%s' has no constant '%s'", y->name, mid.str);
    Suggest sg;
    ck_suggest_init(&sg, mid.str);
    for (int i = 0; i < 4; i++) ck_suggest_add(&sg, members[i], NO_SPAN);
    ck_note_suggest(k, g, &sg);
    if (!sg.best) ck_note(k, g, NO_SPAN, "a goal's constants are baseline, target, start and deadline");
    return err();
  }
  ck_fill(k, cksym(y));
  e->ref = y;
  Quantity *q = which == 0 || which == 2 ? &y->goal.baseline : &y->goal.target;
  if (!q->set) return err();
  if (which >= 2) return constant(e, date_type(k), (double)(which == 2 ? y->goal.start : y->goal.deadline));
  return constant(e, ck_type_num(q->unit->dim, q->unit), q->value);
}

/* A name in a formula: parameter, field, `date`, or a declaration. */
static OFF_WALK Type walk_name(Checker *k, Node *n, const Scope *s, ExprSem *e) {
  if (k->inst) return e->form == EX_PARAM ? k->inst->args[e->index] : e->type;
  if (name_nparts(n) == 2) return goal_constant(k, n, e);
  Ident id = name_part(n, 0);
  if (name_nparts(n) > 2) {
    ck_error(k, n->span, E0201, "'%s' names nothing: only goal constants such as 'goal.target' "
             "are written with a dot", src_slice(k->c->src, n->span, k->a));
    return err();
  }
  int p = s->fn ? param_index(s->owner, id.str) : -1;
  if (p >= 0) {
    e->form = EX_PARAM;
    e->index = p;
    Type t = s->owner->sym.rule.param_types[p];
    e->poly = t.kind == TY_ERROR;
    return t;
  }
  NameMap *fields = s->record ? ck_record_fields(cksym(s->record)) : NULL;
  Field *f = fields ? namemap_get(fields, id.str) : NULL;
  if (f) {
    e->form = EX_FIELD;
    e->index = (int)(f - s->record->record.fields);
    return f->type;
  }
  if (id.str == k->s_date) return date_input(k, id, s, e);
  Sym *y = namemap_get(k->names, id.str);
  const Unit *unit = y ? NULL : units_lookup(k->units, id.str);
  if (unit && unit != units_date(k->units)) {   /* a unit name: one of that unit (1.5 BGBP / year) */
    Type t = ck_type_num(unit->dim, unit);
    return constant(e, t, unit->scale);
  }
  if (!y && s->record && !cksym(s->record)->form_ok) return err();   /* its fields are unknown */
  if (!y && s->owner && s->owner->bad_on) return err();
  if (!y) return unknown_name(k, id, s);
  switch (y->kind) {
  case DK_INDICATOR: return indicator_input(k, id, s, e, y);
  case DK_SCORE:
  case DK_CONDITION: return rule_input(k, id, s, e, y);
  default: return not_a_value(k, id, y);
  }
}

/* ------------------------------------------------------------------------ */
/* W0113: a bare number against a percent                                    */
/* ------------------------------------------------------------------------ */

/* The number literal that n is (`4.2`, `-4.2`), else NULL. */
static const Node *bare_number(const Node *n) {
  if (n->kind == ND_UNARY && n->unary.op == OP_NEG) n = n->unary.operand;
  return n->kind == ND_NUMBER ? n : NULL;
}

/* The unit of a name read in a dimensionless unit with a scale (%, ppm), else NULL. */
static const Unit *scaled_name_unit(const Node *n) {
  if (n->kind != ND_NAME || !n->sem) return NULL;
  const ExprSem *e = expr_sem(n);
  if (e->form != EX_FIELD && e->form != EX_INDICATOR && e->form != EX_PARAM) return NULL;
  const Unit *u = e->type.unit;
  return e->type.kind == TY_NUM && u && dim_is_none(&u->dim) && u->scale != 1 ? u : NULL;
}

/* W0113: `emission_cut >= 4.2` with emission_cut in %: 4.2 is 420%. */
static void check_bare_percent(Checker *k, Node *lit, Node *other) {
  const Node *num = bare_number(lit);
  const Unit *u = scaled_name_unit(other);
  if (k->inst || !num || !u || num->number.value == 0) return;
  const char *text = src_slice(k->c->src, lit->span, k->a);
  double v = lit == num ? num->number.value : -num->number.value;
  Diagnostic *g = ck_warning(k, lit->span, W0113, "bare-percent",
                             "the bare number %s meets '%s', which is in %s: it means %s", text,
                             name_part(other, 0).str, u->name, ck_quantity(k, v, u));
  const char *fix = strcmp(u->name, "%") == 0 ? arena_printf(k->a, "%s%%", text)
                                              : arena_printf(k->a, "%s %s", text, u->name);
  ck_note(k, g, NO_SPAN, "write %s", fix);
}

/* Both directions of a pair of operands. */
static OFF_WALK void check_bare_pair(Checker *k, Node *a, Node *b) {
  check_bare_percent(k, a, b);
  check_bare_percent(k, b, a);
}

/* ------------------------------------------------------------------------ */
/* Operators                                                                 */
/* ------------------------------------------------------------------------ */

/* lhs op rhs on constants, with the engines' semantics (valsem.h). */
static double fold(Op op, double x, double y) {
  switch (op) {
  case OP_ADD: return x + y;
  case OP_SUB: return x - y;
  case OP_MUL: return x * y;
  case OP_DIV: return x / y;
  case OP_POW: return sem_pow(x, y);
  case OP_EQ: return sem_eq(x, y);
  case OP_NE: return sem_ne(x, y);
  case OP_LT: return sem_lt(x, y);
  case OP_LE: return sem_le(x, y);
  case OP_GT: return sem_gt(x, y);
  case OP_GE: return sem_ge(x, y);
  case OP_AND: return sem_and(x, y);
  case OP_OR: return sem_or(x, y);
  default: return NAN;
  }
}

/* An operand of the wrong kind (bool in arithmetic, number in `and` ...). */
static OFF_WALK Type wrong_operand(Checker *k, Node *at, const char *op, const char *wants, const Type *t) {
  ck_error(k, at->span, E0607, "'%s' needs %s, not %s", op, wants, ck_type_text(k, t));
  return err();
}

/* "cannot add MtCO2e to MEUR" / "cannot subtract X from Y". */
static Type mismatch(Checker *k, Node *n, Op op, const Type *a, const Type *b) {
  const char *ta = ck_type_text(k, a), *tb = ck_type_text(k, b);
  Diagnostic *g = op == OP_SUB ? ck_error(k, n->span, E0302, "cannot subtract %s from %s", tb, ta)
                               : ck_error(k, n->span, E0302, "cannot add %s to %s", ta, tb);
  if (a->kind == TY_DATE || b->kind == TY_DATE)
    ck_note(k, g, NO_SPAN, "a date takes durations (day, week, month, year); date - date is in day");
  return err();
}

/* + and -: one dimension; date + day, date - day, date - date. */
static Type add_type(Checker *k, Node *n, Op op, const Type *a, const Type *b) {
  if (a->kind == TY_BOOL) return wrong_operand(k, n->binary.lhs, op_texts[op], "numbers or dates", a);
  if (b->kind == TY_BOOL) return wrong_operand(k, n->binary.rhs, op_texts[op], "numbers or dates", b);
  Type day = day_type(k);
  if (a->kind == TY_DATE && b->kind == TY_DATE)
    return op == OP_SUB ? day : mismatch(k, n, op, a, b);
  if (a->kind == TY_DATE) return dim_eq(&b->dim, &day.dim) ? date_type(k) : mismatch(k, n, op, a, b);
  if (b->kind == TY_DATE)
    return op == OP_ADD && dim_eq(&a->dim, &day.dim) ? date_type(k) : mismatch(k, n, op, a, b);
  if (!dim_eq(&a->dim, &b->dim)) return mismatch(k, n, op, a, b);
  return with_unit(*a, b->unit);
}

/* * and /: dimensions combine. */
static Type mul_type(Checker *k, Node *n, Op op, const Type *a, const Type *b) {
  if (a->kind != TY_NUM) return wrong_operand(k, n->binary.lhs, op_texts[op], "numbers", a);
  if (b->kind != TY_NUM) return wrong_operand(k, n->binary.rhs, op_texts[op], "numbers", b);
  Dim d;
  if (!(op == OP_MUL ? dim_mul_ok(&a->dim, &b->dim, &d) : dim_div_ok(&a->dim, &b->dim, &d))) {
    ck_error(k, n->span, E0310, "the exponents of the unit of this product are too large");
    return err();
  }
  const Unit *u = NULL;
  if (dim_is_none(&b->dim)) u = a->unit;
  else if (dim_is_none(&a->dim) && op == OP_MUL) u = b->unit;
  return ck_type_num(d, u);
}

/* x ^ k and pow(x, k): k plain; with a dimension, k constant and the result whole. */
static Type pow_type(Checker *k, Node *at, const char *name, const Type *a, Node *kn, const Type *kt) {
  if (a->kind != TY_NUM) return wrong_operand(k, at, name, "a number", a);
  if (kt->kind != TY_NUM) return wrong_operand(k, kn, name, "a number as exponent", kt);
  if (!dim_is_none(&kt->dim)) {
    ck_error(k, kn->span, E0304, "the exponent of '%s' must be a plain number, not %s", name,
             ck_type_text(k, kt));
    return err();
  }
  if (dim_is_none(&a->dim)) return ck_type_num(a->dim, a->unit);
  if (!is_const(kn)) {
    Diagnostic *g = ck_error(k, kn->span, E0306, "%s can only be raised to a constant power",
                             ck_type_text(k, a));
    ck_note(k, g, NO_SPAN, "the unit of the result must be known when checking");
    return err();
  }
  double p = const_of(kn);
  Dim d = a->dim, half;
  bool ok = false;
  if (p == floor(p)) ok = dim_pow_ok(&a->dim, (long)fmax(fmin(p, 1e6), -1e6), &d);
  else if (2 * p == floor(2 * p) && dim_halve(&a->dim, &half)) ok = dim_pow_ok(&half, (long)(2 * p), &d);
  if (!ok) {
    ck_error(k, at->span, E0306, "raising %s to the power %s gives no unit", ck_type_text(k, a),
             ck_number(k, p));
    return err();
  }
  return ck_type_num(d, NULL);
}

/* Comparisons: one type; ordering needs numbers or dates. */
static Type cmp_type(Checker *k, Node *n, Op op, const Type *a, const Type *b) {
  bool order = op != OP_EQ && op != OP_NE;
  if (order && a->kind == TY_BOOL) return wrong_operand(k, n->binary.lhs, op_texts[op], "numbers or dates", a);
  if (order && b->kind == TY_BOOL) return wrong_operand(k, n->binary.rhs, op_texts[op], "numbers or dates", b);
  if (!same_type(a, b)) {
    ck_error(k, n->span, E0302, "cannot compare %s with %s", ck_type_text(k, a), ck_type_text(k, b));
    return err();
  }
  return ck_type_of(TY_BOOL);
}

/* The type of a binary operation from its operand types. */
static OFF_WALK Type binary_type(Checker *k, Node *n, const Type *a, const Type *b) {
  Op op = n->binary.op;
  switch (op) {
  case OP_ADD: case OP_SUB: return add_type(k, n, op, a, b);
  case OP_MUL: case OP_DIV: return mul_type(k, n, op, a, b);
  case OP_POW: return pow_type(k, n, "^", a, n->binary.rhs, b);
  case OP_AND: case OP_OR:
    if (a->kind != TY_BOOL) return wrong_operand(k, n->binary.lhs, op_texts[op], "bools", a);
    if (b->kind != TY_BOOL) return wrong_operand(k, n->binary.rhs, op_texts[op], "bools", b);
    return *a;
  default: return cmp_type(k, n, op, a, b);
  }
}

/* lhs op rhs: operands first, then the operator; constants folded. */
static Type walk_binary(Checker *k, Node *n, const Scope *s, ExprSem *e) {
  Type a = ck_formula(k, n->binary.lhs, s);
  Type b = ck_formula(k, n->binary.rhs, s);
  e->form = EX_OP;
  e->poly = is_poly(n->binary.lhs) || is_poly(n->binary.rhs);
  if (a.kind == TY_ERROR || b.kind == TY_ERROR) return err();
  Type t = binary_type(k, n, &a, &b);
  Op op = n->binary.op;
  if (t.kind != TY_ERROR && op != OP_MUL && op != OP_DIV && op != OP_POW && op != OP_AND && op != OP_OR)
    check_bare_pair(k, n->binary.lhs, n->binary.rhs);
  if (t.kind != TY_ERROR && !k->inst && is_const(n->binary.lhs) && is_const(n->binary.rhs)) {
    e->constant = true;
    e->value = fold(n->binary.op, const_of(n->binary.lhs), const_of(n->binary.rhs));
  }
  return t;
}

/* -x and not x. */
static Type walk_unary(Checker *k, Node *n, const Scope *s, ExprSem *e) {
  Node *x = n->unary.operand;
  Type t = ck_formula(k, x, s);
  e->form = EX_OP;
  e->poly = is_poly(x);
  if (t.kind == TY_ERROR) return t;
  if (n->unary.op == OP_NOT && t.kind != TY_BOOL) return wrong_operand(k, x, "not", "a bool", &t);
  if (n->unary.op == OP_NEG && t.kind != TY_NUM) return wrong_operand(k, x, "-", "a number", &t);
  if (is_const(x) && !k->inst) {
    e->constant = true;
    e->value = n->unary.op == OP_NOT ? sem_not(const_of(x)) : -const_of(x);
  }
  return t;
}

/* if c then a else b: c a bool, a and b of one type. */
static Type walk_if(Checker *k, Node *n, const Scope *s, ExprSem *e) {
  Type c = ck_formula(k, n->ifx.cond, s);
  Type a = ck_formula(k, n->ifx.then, s);
  Type b = ck_formula(k, n->ifx.els, s);
  e->form = EX_OP;
  e->poly = is_poly(n->ifx.cond) || is_poly(n->ifx.then) || is_poly(n->ifx.els);
  if (c.kind != TY_BOOL && c.kind != TY_ERROR) {
    ck_error(k, n->ifx.cond->span, E0607, "the condition of 'if' must be a bool, not %s", ck_type_text(k, &c));
    return err();
  }
  if (c.kind == TY_ERROR || a.kind == TY_ERROR || b.kind == TY_ERROR) return err();
  if (!same_type(&a, &b)) {
    ck_error(k, n->span, E0302, "the branches of 'if' differ: %s and %s", ck_type_text(k, &a),
             ck_type_text(k, &b));
    return err();
  }
  check_bare_pair(k, n->ifx.then, n->ifx.els);
  if (!k->inst && is_const(n->ifx.cond) && is_const(n->ifx.then) && is_const(n->ifx.els)) {
    e->constant = true;
    e->value = sem_if(const_of(n->ifx.cond), const_of(n->ifx.then), const_of(n->ifx.els));
  }
  return with_unit(a, b.unit);
}

/* ------------------------------------------------------------------------ */
/* Calls                                                                     */
/* ------------------------------------------------------------------------ */

static Builtin builtin_of(Checker *k, const char *name) {
  for (int i = 1; i < BI_COUNT; i++)
    if (k->builtins[i] == name) return (Builtin)i;
  return BI_NONE;
}

/* "'clamp' takes 3 arguments, but 2 are given". */
static Diagnostic *wrong_arity(Checker *k, Node *n, const char *name, int want) {
  int have = n->call.args.len;
  return ck_error(k, n->span, E0608, "'%s' takes %d argument%s, but %d %s given", name, want,
                  want == 1 ? "" : "s", have, have == 1 ? "is" : "are");
}

/* The goal named as first argument of progress/expected/on_track. */
static Sym *goal_arg(Checker *k, Node *arg, const Scope *s, Builtin b) {
  const char *fname = builtin_names[b];
  if (arg->kind != ND_NAME || name_nparts(arg) != 1) {
    ck_error(k, arg->span, E0202, "'%s' takes the name of a goal, not %s", fname, ck_node_text(arg));
    return NULL;
  }
  Ident id = name_part(arg, 0);
  Sym *y = namemap_get(k->names, id.str);
  if (!y || y->kind != DK_GOAL) {
    Diagnostic *g = y ? ck_error(k, id.span, E0202, "'%s' is %s, but '%s' takes a goal", id.str,
                                 schema_kind_text(y->kind), fname)
                      : ck_error(k, id.span, E0201, "unknown goal '%s'", id.str);
    Suggest sg;
    ck_suggest_init(&sg, id.str);
    if (!y) resolve_suggest(k, &sg, REFS(GOAL));
    ck_note_suggest(k, g, &sg);
    ck_note_decl(k, g, y);
    return NULL;
  }
  ck_fill(k, cksym(y));
  Sym *ind = y->goal.indicator;
  const char *what = "'%s(%s)', which reads indicator '%s'";
  if (!input_allowed(k, id, s, what, fname, id.str, ind ? ind->name : "?")) return NULL;
  if (s->record) {
    what = arena_printf(k->a, what, fname, id.str, ind ? ind->name : "?");
    Diagnostic *g = ck_error(k, arg->span, E0605, "%s '%s' is on record '%s' and cannot use %s",
                             ck_kind_word(s->owner->sym.kind), s->owner->sym.name, s->record->name, what);
    ck_note(k, g, NO_SPAN, "a rule on a record reads only the fields of that record");
    return NULL;
  }
  ExprSem *e = ck_sem(k, arg);
  e->form = EX_GOAL;
  e->type = ck_type_of(TY_DECL);
  e->ref = y;
  return y;
}

/* progress(g), expected(g, d), on_track(g, d), planned(g, d). */
static Type goal_call(Checker *k, Node *n, const Scope *s, Builtin b) {
  Node **args = n->call.args.items;
  Sym *g = goal_arg(k, args[0], s, b);
  Type d = b == BI_PROGRESS ? date_type(k) : ck_formula(k, args[1], s);
  if (d.kind != TY_DATE && d.kind != TY_ERROR) {
    ck_error(k, args[1]->span, E0607, "the second argument of '%s' must be a date, not %s",
             builtin_names[b], ck_type_text(k, &d));
    return err();
  }
  if (!g || d.kind == TY_ERROR) return err();
  if (b == BI_PROGRESS) return plain_type();
  if (b == BI_ON_TRACK) return ck_type_of(TY_BOOL);
  const Unit *u = g->goal.indicator ? g->goal.indicator->indicator.unit : NULL;
  return u ? ck_type_num(u->dim, u) : err();
}

/* min, max, clamp: numbers of one dimension, or dates. */
static Type same_args(Checker *k, Node *n, Builtin b, const Type *t) {
  Node **args = n->call.args.items;
  const char *name = builtin_names[b];
  Type r = t[0];
  for (int i = 0; i < n->call.args.len; i++) {
    if (t[i].kind == TY_BOOL) return wrong_operand(k, args[i], name, "numbers or dates", &t[i]);
    if (i == 0 || same_type(&t[0], &t[i])) {
      r = with_unit(r, t[i].unit);
      continue;
    }
    ck_error(k, args[i]->span, E0302, "'%s' needs arguments of one dimension, but this is %s and the first is %s",
             name, ck_type_in(k, &t[i]), ck_type_in(k, &t[0]));
    return err();
  }
  return r;
}

/* A number, a date or a bool: what a row can hold. */
static bool is_value(const Type *t) { return t->kind == TY_NUM || t->kind == TY_DATE || t->kind == TY_BOOL; }

/* coalesce: two values of one type (numbers of one dimension, dates or bools). */
static Type any_same_args(Checker *k, Node *n, Builtin b, const Type *t) {
  Node **args = n->call.args.items;
  for (int i = 0; i < 2; i++)
    if (!is_value(&t[i])) return wrong_operand(k, args[i], builtin_names[b], "a number, a date or a bool", &t[i]);
  if (same_type(&t[0], &t[1])) return with_unit(t[0], t[1].unit);
  ck_error(k, args[1]->span, t[0].kind == t[1].kind ? E0302 : E0607,
           "'%s' needs arguments of one type, but this is %s and the first is %s", builtin_names[b],
           ck_type_in(k, &t[1]), ck_type_in(k, &t[0]));
  return err();
}

/* The result type of a built-in from its argument types. */
static Type builtin_type(Checker *k, Node *n, Builtin b, const Type *t) {
  Node **args = n->call.args.items;
  const char *name = builtin_names[b];
  Dim half;
  switch (signatures[b].sig) {
  case SIG_SAME: return same_args(k, n, b, t);
  case SIG_NUM: return t[0].kind == TY_NUM ? t[0] : wrong_operand(k, args[0], name, "a number", &t[0]);
  case SIG_PLAIN:
    if (t[0].kind != TY_NUM) return wrong_operand(k, args[0], name, "a number", &t[0]);
    if (dim_is_none(&t[0].dim)) return b == BI_LOG || b == BI_EXP ? plain_type() : t[0];
    ck_error(k, args[0]->span, E0304, "'%s' needs a plain number, not %s", name, ck_type_text(k, &t[0]));
    return err();
  case SIG_SQRT:
    if (t[0].kind != TY_NUM) return wrong_operand(k, args[0], name, "a number", &t[0]);
    if (dim_halve(&t[0].dim, &half)) return ck_type_num(half, dim_is_none(&half) ? t[0].unit : NULL);
    ck_error(k, args[0]->span, E0305, "'sqrt' of %s has no unit: the exponents of its dimension must be even",
             ck_type_text(k, &t[0]));
    return err();
  case SIG_POW: return pow_type(k, n, "pow", &t[0], args[1], &t[1]);
  case SIG_ANY:   /* is_missing: of a number, a date or a bool */
    if (!is_value(&t[0])) return wrong_operand(k, args[0], name, "a number, a date or a bool", &t[0]);
    return ck_type_of(TY_BOOL);
  case SIG_ANY_SAME: return any_same_args(k, n, b, t);
  case SIG_GOAL: break;
  }
  return err();
}

/* A built-in's value from constant arguments, with the engines' semantics. */
static double fold_builtin(Builtin b, const double *v) {
  switch (b) {
  case BI_MIN: return sem_min(v[0], v[1]);
  case BI_MAX: return sem_max(v[0], v[1]);
  case BI_CLAMP: return sem_clamp(v[0], v[1], v[2]);
  case BI_ABS: return fabs(v[0]);
  case BI_SQRT: return sqrt(v[0]);
  case BI_LOG: return vm_log(v[0]);
  case BI_EXP: return vm_exp(v[0]);
  case BI_POW: return sem_pow(v[0], v[1]);
  case BI_ROUND: return round(v[0]);
  case BI_FLOOR: return floor(v[0]);
  case BI_CEIL: return ceil(v[0]);
  case BI_IS_MISSING: return sem_is_missing(v[0]);
  case BI_COALESCE: return sem_coalesce(v[0], v[1]);
  default: return NAN;
  }
}

/* Type every argument; *poly when one depends on a polymorphic parameter. */
static Type *walk_args(Checker *k, Node *n, const Scope *s, bool *poly, bool *bad) {
  int na = n->call.args.len;
  Type *t = arena_alloc(k->a, sizeof(Type) * (size_t)(na ? na : 1));
  *poly = *bad = false;
  for (int i = 0; i < na; i++) {
    t[i] = ck_formula(k, n->call.args.items[i], s);
    *poly |= is_poly(n->call.args.items[i]);
    *bad |= t[i].kind == TY_ERROR;
  }
  return t;
}

/* A call of a built-in: arity, argument rules, constant folding. */
static Type walk_builtin(Checker *k, Node *n, const Scope *s, ExprSem *e) {
  Builtin b = e->builtin;
  int na = n->call.args.len;
  bool poly, bad;
  if (na != signatures[b].nargs) {
    wrong_arity(k, n, builtin_names[b], signatures[b].nargs);
    if (signatures[b].sig != SIG_GOAL) walk_args(k, n, s, &poly, &bad);
    return err();
  }
  if (signatures[b].sig == SIG_GOAL) return goal_call(k, n, s, b);
  Type *t = walk_args(k, n, s, &poly, &bad);
  e->poly = poly;
  if (bad) return err();
  Type r = builtin_type(k, n, b, t);
  bool same = signatures[b].sig == SIG_SAME || signatures[b].sig == SIG_ANY_SAME;
  for (int i = 0; r.kind != TY_ERROR && same && i < na; i++)
    for (int j = i + 1; j < na; j++) check_bare_pair(k, n->call.args.items[i], n->call.args.items[j]);
  bool all_const = !k->inst && r.kind != TY_ERROR;
  double v[3] = {0};
  for (int i = 0; i < na && all_const; i++) {
    all_const = is_const(n->call.args.items[i]);
    if (all_const) v[i] = const_of(n->call.args.items[i]);
  }
  if (all_const) {
    e->constant = true;
    e->value = fold_builtin(b, v);
  }
  return r;
}

/* A call of a user fn: arity, then the fn typed for these arguments. */
static Type walk_user_call(Checker *k, Node *n, const Scope *s, ExprSem *e) {
  CkSym *fn = cksym(e->ref);
  bool poly, bad;
  if (s->attr) {
    ck_error(k, n->span, E0609, "'%s' takes a constant and cannot call function '%s'", s->attr_name,
             fn->sym.name);
    return err();
  }
  if (!fn->form_ok) {   /* its parameters are unknown: reported where it is declared */
    walk_args(k, n, s, &poly, &bad);
    return err();
  }
  if (n->call.args.len != fn->sym.rule.nparams) {
    Diagnostic *g = wrong_arity(k, n, fn->sym.name, fn->sym.rule.nparams);
    ck_note_decl(k, g, &fn->sym);
    walk_args(k, n, s, &poly, &bad);
    return err();
  }
  Type *t = walk_args(k, n, s, &poly, &bad);
  e->poly = poly;
  return ck_call_fn(k, n, fn, t);
}

/* What the callee of a call names: a built-in or a fn (reported otherwise). */
static bool resolve_callee(Checker *k, Node *n, ExprSem *e) {
  Node *callee = n->call.callee;
  Ident id = name_part(callee, 0);
  if (name_nparts(callee) != 1) {
    ck_error(k, callee->span, E0208, "'%s.%s' is not a function", id.str, name_part(callee, 1).str);
    return false;
  }
  e->builtin = builtin_of(k, id.str);
  Sym *y = e->builtin ? NULL : namemap_get(k->names, id.str);
  if (!e->builtin && (!y || y->kind != DK_FN)) {
    Diagnostic *g = y ? ck_error(k, id.span, E0202, "'%s' is %s, not a function", id.str, schema_kind_text(y->kind))
                      : ck_error(k, id.span, E0208, "unknown function '%s'", id.str);
    Suggest sg;
    ck_suggest_init(&sg, id.str);
    for (int i = 1; !y && i < BI_COUNT; i++) ck_suggest_add(&sg, builtin_names[i], NO_SPAN);
    if (!y) resolve_suggest(k, &sg, REFS(FN));
    ck_note_suggest(k, g, &sg);
    ck_note_decl(k, g, y);
    return false;
  }
  e->form = e->builtin ? EX_BUILTIN : EX_CALL_FN;
  e->ref = y;
  ExprSem *c = ck_sem(k, callee);
  *c = *e;
  return true;
}

/* f(args): resolve the callee in the first walk, then type the call. */
static OFF_WALK Type walk_call(Checker *k, Node *n, const Scope *s, ExprSem *e) {
  bool poly, bad;
  if (!k->inst && !resolve_callee(k, n, e)) {
    walk_args(k, n, s, &poly, &bad);
    return err();
  }
  if (e->form == EX_BUILTIN) return walk_builtin(k, n, s, e);
  if (e->form == EX_CALL_FN) return walk_user_call(k, n, s, e);
  return err();
}

/* ------------------------------------------------------------------------ */
/* The walker                                                                */
/* ------------------------------------------------------------------------ */

/* A quantity literal: value times the unit's scale. */
static OFF_WALK Type walk_quantity(Checker *k, Node *n, ExprSem *e) {
  const Unit *u = ck_quantity_unit(k, n);
  if (!u) return err();
  return constant(e, ck_type_num(u->dim, u), n->quantity.value * u->scale);
}

/* A date literal in a formula: a whole day. */
static OFF_WALK Type walk_date(Checker *k, Node *n, ExprSem *e) {
  if (n->date.date.prec != DATE_DAY) {
    Diagnostic *g = ck_error(k, n->span, E0401, "only whole dates (YYYY-MM-DD) are allowed in formulas");
    ck_note(k, g, NO_SPAN, "write the day, as in %04d-%02d-01", n->date.date.year,
            n->date.date.month ? n->date.date.month : 1);
    return err();
  }
  return constant(e, date_type(k), (double)date_first_day(n->date.date));
}

static Type walk(Checker *k, Node *n, const Scope *s, ExprSem *e) {
  switch (n->kind) {
  case ND_NUMBER: return constant(e, plain_type(), n->number.value);
  case ND_QUANTITY: return walk_quantity(k, n, e);
  case ND_PERCENT: return constant(e, ck_type_num(units_percent(k->units)->dim, units_percent(k->units)), 0.01);
  case ND_DATE: return walk_date(k, n, e);
  case ND_BOOL: return constant(e, ck_type_of(TY_BOOL), n->boolean.value);
  case ND_NAME: return walk_name(k, n, s, e);
  case ND_CALL: return walk_call(k, n, s, e);
  case ND_UNARY: return walk_unary(k, n, s, e);
  case ND_BINARY: return walk_binary(k, n, s, e);
  case ND_IF: return walk_if(k, n, s, e);
  case ND_STRING:
    ck_error(k, n->span, E0607, "a string is not a value in a formula");
    return err();
  case ND_RANGE:
    ck_error(k, n->span, E0607, "a range is not a value in a formula");
    return err();
  default:
    return err();
  }
}

Type ck_formula(Checker *k, Node *n, const Scope *s) {
  if (k->inst) {
    if (!expr_sem(n)) return err();
    if (!expr_sem(n)->poly) return expr_sem(n)->type;
  }
  if (k->depth == 0) k->too_deep = false;
  if (k->depth >= MAX_DEPTH) {
    if (!k->too_deep) ck_error(k, n->span, E0611, "this formula is nested too deeply (more than %d levels)", MAX_DEPTH);
    k->too_deep = true;
    if (!k->inst) ck_sem(k, n)->type = err();
    return err();
  }
  k->depth++;
  ExprSem scratch;
  ExprSem *e = &scratch;
  if (k->inst) scratch = *expr_sem(n);
  else e = ck_sem(k, n);
  Type t = walk(k, n, s, e);
  e->type = t;
  k->depth--;
  return t;
}

bool ck_constant(Checker *k, Node *n, const char *attr_name, Type *t, double *value) {
  Scope s = {.attr = true, .attr_name = attr_name};
  *t = ck_formula(k, n, &s);
  if (t->kind == TY_ERROR) return false;
  if (!expr_sem(n)->constant) {
    ck_error(k, n->span, E0704, "'%s' takes a constant", attr_name);
    return false;
  }
  *value = expr_sem(n)->value;
  return true;
}
