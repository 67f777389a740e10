/* check_attr.c - declarations against the schema: the form of each kind, every
 * attribute known, given once, of the right type, required ones present; the
 * values stored in the Sym (quantities in base units, dates as day numbers).
 */
#include <math.h>
#include <string.h>
#include <stdlib.h>

#include "check_int.h"
#include "util.h"

/* One checked argument of an attribute. */
typedef struct Value {
  Node *arg;
  Sym *ref;
  const char *str;
  int choice;
  Period period;
  int64_t day;
  Quantity q;
  Sym *per;          /* `per SOURCE` */
} Value;

/* ------------------------------------------------------------------------ */
/* The form of a declaration                                                 */
/* ------------------------------------------------------------------------ */

/* `on R` and `: unit` belong to scores and conditions (and fn results); the
 * rest of a declaration that has them is still checked. */
/* a && b, once both were evaluated (each reports its own errors). */
static bool both(bool a, bool b) { return a && b; }

static void check_header(Checker *k, Node *d) {
  DeclKind kind = d->decl.kind;
  if (decl_on(d).str && kind != DK_SCORE && kind != DK_CONDITION && kind != DK_TEST)
    ck_error(k, decl_on(d).span, E0707, "%s cannot be 'on' a record; only scores, conditions and tests can",
             schema_kind_text(kind));
  if (decl_unit(d) && kind != DK_SCORE && kind != DK_FN) {
    Diagnostic *g = ck_error(k, decl_unit(d)->span, E0707, "%s takes no result unit",
                             schema_kind_text(kind));
    if (kind == DK_CONDITION) ck_note(k, g, NO_SPAN, "a condition is always a bool");
  }
}

/* A block kind written as a formula, or a formula kind written as a block. */
static bool check_form(Checker *k, CkSym *s) {
  Node *d = s->sym.decl;
  check_header(k, d);
  DeclForm form = schema_form(d->decl.kind);
  if (form != FORM_FORMULA && decl_body(d)) {
    Diagnostic *g = ck_error(k, decl_body(d)->span, E0707, "%s is declared with a block of "
                             "attributes, not a formula", schema_kind_text(d->decl.kind));
    ck_note(k, g, NO_SPAN, "write '%s %s { ... }'", decl_kind_names[d->decl.kind], s->sym.name);
    return false;
  }
  if (form == FORM_FORMULA && !decl_body(d)) {
    Diagnostic *g = ck_error(k, d->decl.name.span, E0707, "%s is defined by a formula, not a block",
                             schema_kind_text(d->decl.kind));
    ck_note(k, g, NO_SPAN, "write '%s %s = FORMULA'", decl_kind_names[d->decl.kind], s->sym.name);
    return false;
  }
  return true;
}

/* ------------------------------------------------------------------------ */
/* Values                                                                    */
/* ------------------------------------------------------------------------ */

/* "write 'period START .. END'" under g. */
static void note_usage(Checker *k, Diagnostic *g, const AttrSpec *spec) {
  char buf[160];
  ck_note(k, g, NO_SPAN, "write '%s'", schema_usage(spec, buf, sizeof buf));
}

/* A value of the wrong shape: "'period' takes a range of dates, not a date". */
static void wrong_value(Checker *k, const AttrSpec *spec, Node *n) {
  Diagnostic *g = ck_error(k, n->span, E0704, "'%s' takes %s, not %s", spec->name,
                           schema_value_text(spec->value), ck_node_text(n));
  note_usage(k, g, spec);
}

/* The precision a date was written with (a bare year is a year). */
static DatePrec written_prec(const Node *n) { return n->kind == ND_DATE ? n->date.date.prec : DATE_YEAR; }

/* A date (or a bare year) as a day number: its first or last day. */
static bool value_date(Checker *k, const AttrSpec *spec, Node *n, bool last, int64_t *out) {
  if (!model_date(n, last, out)) {
    Diagnostic *g = ck_error(k, n->span, E0704, "'%s' needs a date here, not %s", spec->name,
                             ck_node_text(n));
    ck_note(k, g, NO_SPAN, "a date is written 2030-12-31, 2030-12 or 2030");
    return false;
  }
  ExprSem *e = ck_sem(k, n);
  e->form = EX_CONST;
  e->type = ck_type_of(TY_DATE);
  e->type.unit = units_date(k->units);
  e->value = (double)*out;
  e->constant = true;
  return true;
}

/* START .. END: first day of the start, last day of the end. */
static bool value_period(Checker *k, const AttrSpec *spec, Node *n, Period *p) {
  if (n->kind != ND_RANGE) {
    wrong_value(k, spec, n);
    return false;
  }
  bool lo_ok = value_date(k, spec, n->range.lo, false, &p->start);   /* both ends reported */
  bool hi_ok = value_date(k, spec, n->range.hi, true, &p->end);
  if (!lo_ok || !hi_ok) return false;
  p->set = true;
  p->span = n->span;
  ExprSem *e = ck_sem(k, n);
  e->form = EX_CONST;
  e->type = ck_type_of(TY_RANGE);
  if (p->end < p->start) {
    ck_error(k, n->span, E0402, "this period ends on %s, before it starts on %s", ck_date(k, p->end),
             ck_date(k, p->start));
    return false;
  }
  return true;
}

/* Record that the name n stands for the constant string str (a choice, tag or role). */
static void mark_string_const(Checker *k, Node *n, const char *str) {
  ExprSem *e = ck_sem(k, n);
  e->form = EX_CONST;
  e->type = ck_type_of(TY_STRING);
  e->str = str;
  e->constant = true;
}

/* A name from a fixed list (sector, level, kind, push). */
static bool value_choice(Checker *k, const AttrSpec *spec, Node *n, Value *v) {
  char buf[200];
  if (n->kind != ND_NAME || name_nparts(n) != 1) {
    wrong_value(k, spec, n);
    return false;
  }
  Ident id = name_part(n, 0);
  v->choice = schema_choice_index(spec, id.str);
  if (v->choice < 0) {
    Diagnostic *g = ck_error(k, id.span, E0706, "unknown %s '%s'", spec->name, id.str);
    Suggest s;
    ck_suggest_init(&s, id.str);
    for (int i = 1; spec->choices[i]; i++) ck_suggest_add(&s, spec->choices[i], NO_SPAN);
    ck_note_suggest(k, g, &s);
    ck_note(k, g, NO_SPAN, "'%s' is one of %s", spec->name, schema_choices_text(spec, buf, sizeof buf));
    return false;
  }
  v->str = spec->choices[v->choice];
  mark_string_const(k, n, v->str);
  return true;
}

/* The text of a plain number written without a unit (`68.3`, `-2`), else NULL. */
static const char *bare_text(Checker *k, const Node *n) {
  if (n->kind == ND_NUMBER) return n->number.text;
  if (n->kind == ND_UNARY && n->unary.op == OP_NEG && n->unary.operand->kind == ND_NUMBER)
    return arena_printf(k->a, "-%s", n->unary.operand->number.text);
  return NULL;
}

/* Whether an attribute takes a bound (`>= x`, `<= x`) or a range of quantities. */
static bool takes_bound(const AttrSpec *spec) {
  return spec->value == V_TARGET || spec->id == A_MILESTONE_expects;
}

/* `>= x` where the attribute takes no bound. */
static bool bound_rejected(Checker *k, const AttrSpec *spec, Node *n) {
  Diagnostic *g = ck_error(k, n->span, E0704, "'%s' takes no bound ('%s'): only 'target' and 'expects' do",
                           spec->name, op_texts[n->unary.op]);
  note_usage(k, g, spec);
  return false;
}

/* One constant quantity, any dimension. */
static bool value_single(Checker *k, const AttrSpec *spec, Node *n, Quantity *q) {
  Type t;
  if (n->kind == ND_BOUND) return bound_rejected(k, spec, n);
  if (!ck_constant(k, n, spec->name, &t, &q->value)) return false;
  if (t.kind != TY_NUM) {
    Diagnostic *g = ck_error(k, n->span, E0704, "'%s' takes a quantity, not %s", spec->name,
                             ck_type_text(k, &t));
    note_usage(k, g, spec);
    return false;
  }
  if (!isfinite(q->value)) {
    ck_error(k, n->span, E0704, "'%s' is too large a quantity to compute with", spec->name);
    return false;
  }
  q->set = true;
  q->unit = t.unit ? t.unit : units_dimensionless(k->units);
  q->span = n->span;
  q->bare = bare_text(k, n);
  return true;
}

/* lo .. hi of two quantities of one dimension, lo <= hi. */
static bool value_range(Checker *k, const AttrSpec *spec, Node *n, Quantity *q) {
  Quantity lo = {0}, hi = {0};
  if (!both(value_single(k, spec, n->range.lo, &lo), value_single(k, spec, n->range.hi, &hi))) return false;
  if (!dim_eq(&lo.unit->dim, &hi.unit->dim)) {
    Type a = ck_type_num(lo.unit->dim, lo.unit), b = ck_type_num(hi.unit->dim, hi.unit);
    ck_error(k, n->span, E0302, "the ends of this range differ: %s and %s", ck_type_text(k, &a),
             ck_type_text(k, &b));
    return false;
  }
  if (lo.value > hi.value) {
    Diagnostic *g = ck_error(k, n->span, E0704, "this range runs down from %s to %s",
                             ck_quantity(k, lo.value, lo.unit), ck_quantity(k, hi.value, lo.unit));
    ck_note(k, g, NO_SPAN, "write the lower end first");
    return false;
  }
  *q = lo;
  q->bound = QB_RANGE;
  q->lo = lo.value;
  q->hi = hi.value;
  q->span = n->span;
  q->bare = lo.bare ? lo.bare : hi.bare;
  return true;
}

/* A constant quantity; targets and expects also take a bound or a range. */
static bool value_quantity(Checker *k, const AttrSpec *spec, Node *n, Quantity *q) {
  if (n->kind == ND_BOUND && takes_bound(spec)) {
    if (!value_single(k, spec, n->unary.operand, q)) return false;
    q->bound = n->unary.op == OP_GE ? QB_MIN : QB_MAX;
    q->lo = q->bound == QB_MIN ? q->value : -INFINITY;
    q->hi = q->bound == QB_MIN ? INFINITY : q->value;
    q->span = n->span;
    return true;
  }
  if (n->kind == ND_RANGE && takes_bound(spec)) return value_range(k, spec, n, q);
  return value_single(k, spec, n, q);
}

/* The currency unit of a money dimension (its base unit). */
static const Unit *currency_of(Checker *k, const Dim *dim) {
  for (int i = 0; i < MAX_BASE_UNITS; i++)
    if (dim_exp(dim, i)) return units_base(k->units, i);
  return units_dimensionless(k->units);
}

/* Money per time (`1.5 BGBP / year`): the time unit it is written per, else NULL. */
static const Unit *rate_per(Checker *k, Node *n) {
  const Unit *day = units_day(k->units);
  Dim total = dim_mul(&expr_sem(n)->type.dim, &day->dim);
  if (!ck_is_money(k, &total)) return NULL;
  if (n->kind == ND_BINARY && n->binary.op == OP_DIV && expr_sem(n->binary.rhs)) {
    const Type *t = &expr_sem(n->binary.rhs)->type;
    if (t->kind == TY_NUM && t->unit && dim_eq(&t->unit->dim, &day->dim)) return t->unit;
  }
  return day;
}

/* One amount of money: a currency or a currency per time, not negative. */
static bool money_single(Checker *k, const AttrSpec *spec, Node *n, Quantity *q) {
  if (!value_single(k, spec, n, q)) return false;
  if (!ck_is_money(k, &q->unit->dim)) {
    const Unit *per = rate_per(k, n);
    if (per) {
      Dim money = dim_mul(&expr_sem(n)->type.dim, &units_day(k->units)->dim);
      const Type *lt = n->kind == ND_BINARY && n->binary.lhs->sem ? &expr_sem(n->binary.lhs)->type : NULL;
      q->unit = lt && lt->unit && dim_eq(&lt->unit->dim, &money) ? lt->unit : currency_of(k, &money);
      q->per = per;
      q->rate_lo = q->rate_hi = q->value;
      q->value = 0;   /* the total: rate times the period (check_budget.c) */
    } else {
      Type t = expr_sem(n)->type;
      Diagnostic *g = ck_error(k, n->span, E0503, "'%s' must be an amount of money, but this is %s",
                               spec->name, ck_type_in(k, &t));
      ck_note(k, g, NO_SPAN, "money is in a currency: a base unit named by its ISO 4217 code (EUR, SEK, "
              "ISK ...) or documented '/// currency', or a unit derived from one (MEUR); a rate is "
              "money per time (1.5 BGBP / year)");
      return false;
    }
  }
  double v = q->per ? q->rate_lo : q->value;
  if (v < 0) {
    ck_error(k, n->span, E0505, "an amount of money cannot be negative: %s",
             q->per ? arena_printf(k->a, "%s %s/%s", ck_number(k, v * q->per->scale / q->unit->scale), q->unit->name,
                                   q->per->name)
                    : ck_quantity(k, v, q->unit));
    return false;
  }
  return true;
}

/* An amount of money, or a range of them (`5 MEUR .. 10 MEUR`: uncertain); either
 * may be a rate. */
static bool value_money(Checker *k, const AttrSpec *spec, Node *n, Quantity *q) {
  if (n->kind != ND_RANGE) return money_single(k, spec, n, q);
  Quantity lo = {0}, hi = {0};
  if (!both(money_single(k, spec, n->range.lo, &lo), money_single(k, spec, n->range.hi, &hi))) return false;
  if (!dim_eq(&lo.unit->dim, &hi.unit->dim) || !lo.per != !hi.per) {
    if (!lo.per != !hi.per) {
      ck_error(k, n->span, E0503, "one end of this range is a rate (money per time) and the other is not");
    } else {
      Type a = ck_type_num(lo.unit->dim, lo.unit), b = ck_type_num(hi.unit->dim, hi.unit);
      ck_error(k, n->span, E0504, "the ends of this range are in %s and %s", ck_type_text(k, &a),
               ck_type_text(k, &b));
    }
    return false;
  }
  double a = lo.per ? lo.rate_lo : lo.value, b = hi.per ? hi.rate_lo : hi.value;
  if (a > b) {
    Diagnostic *g = ck_error(k, n->span, E0704, "this range of money runs down: its lower end comes second");
    ck_note(k, g, NO_SPAN, "write the lower end first");
    return false;
  }
  *q = lo;
  q->bound = QB_RANGE;
  q->lo = lo.value;
  q->hi = hi.value;
  q->rate_hi = hi.rate_lo;
  q->span = n->span;
  return true;
}

/* A weight: a plain number in [0, 1]; a contribution's in [-1, 1] (negative: a trade-off). */
static bool value_weight(Checker *k, const AttrSpec *spec, Node *n, Quantity *q) {
  if (!value_quantity(k, spec, n, q)) return false;
  if (!dim_is_none(&q->unit->dim)) {
    Type t = ck_type_num(q->unit->dim, q->unit);
    ck_error(k, n->span, E0303, "a weight is a plain number, not %s", ck_type_text(k, &t));
    return false;
  }
  double lo = spec->value == V_REF_WEIGHT ? -1 : 0;
  if (!(q->value >= lo && q->value <= 1)) {
    Diagnostic *g = ck_error(k, n->span, E0602, "weight %s is outside [%g, 1]", ck_number(k, q->value), lo);
    if (lo < 0) ck_note(k, g, NO_SPAN, "a contribution's weight lies in [-1, 1]; a negative weight is a trade-off");
    return false;
  }
  return true;
}

/* A likelihood: a plain share (a %) from 0% to 100%. */
static bool value_likelihood(Checker *k, const AttrSpec *spec, Node *n, Quantity *q) {
  if (!value_quantity(k, spec, n, q)) return false;
  if (!dim_is_none(&q->unit->dim)) {
    Type t = ck_type_num(q->unit->dim, q->unit);
    Diagnostic *g = ck_error(k, n->span, E0303, "a likelihood is a percentage, not %s", ck_type_text(k, &t));
    note_usage(k, g, spec);
    return false;
  }
  if (!(q->value >= 0 && q->value <= 1)) {
    Diagnostic *g = ck_error(k, n->span, E0602, "likelihood %s%% is outside 0%% .. 100%%",
                             ck_number(k, q->value * 100));
    ck_note(k, g, NO_SPAN, "a likelihood is a probability: write it in %%, such as 'likelihood 30%%'");
    return false;
  }
  return true;
}

/* `per SOURCE` after an argument: the name of a source declaration. */
static bool value_per(Checker *k, Node *arg, Value *v) {
  v->per = NULL;
  if (!arg_per(arg)) return true;
  v->per = resolve_ref(k, arg_per(arg), REFS(SOURCE), "per");
  return v->per != NULL;
}

/* A unit for an indicator. */
static bool value_unit(Checker *k, Node *n, Quantity *q) {
  Type t = ck_unit_expr(k, n, false);
  if (t.kind != TY_NUM) return false;
  q->unit = t.unit;
  return true;
}

/* A free name: a tag (disciplines) or the ROLE of `roles ACTOR: ROLE`. */
static bool value_tag(Checker *k, const AttrSpec *spec, Node *n, Value *v) {
  if (n->kind != ND_NAME || name_nparts(n) != 1) {
    wrong_value(k, spec, n);
    return false;
  }
  v->str = name_part(n, 0).str;
  mark_string_const(k, n, v->str);
  return true;
}

/* The shape of one argument: `: value` only for pairs, `at`/`by` only where taken. */
static bool check_arg_shape(Checker *k, const AttrSpec *spec, Node *arg) {
  bool pair = spec->value == V_REF_MONEY || spec->value == V_REF_WEIGHT || spec->value == V_REF_QUANTITY ||
              spec->value == V_REF_ROLE || spec->value == V_ALLOW;
  bool may_pair = pair || spec->value == V_REF_FUNDING;
  Qual want = spec->value == V_BASELINE ? QUAL_AT : spec->value == V_TARGET ? QUAL_BY : QUAL_NONE;
  Diagnostic *g = NULL;
  if (arg_expr(arg)->kind == ND_BOUND && spec->value != V_TARGET)
    g = ck_error(k, arg_expr(arg)->span, E0704, "'%s' takes no bound ('%s'): only 'target' and "
                 "'expects' do", spec->name, op_texts[arg_expr(arg)->unary.op]);
  else if (pair && !arg_value(arg))
    g = ck_error(k, arg->span, E0704, "'%s' takes %s, not a single value", spec->name,
                 schema_value_text(spec->value));
  else if (!may_pair && arg_value(arg))
    g = ck_error(k, arg_value(arg)->span, E0704, "'%s' takes %s, with no ': ...'", spec->name,
                 schema_value_text(spec->value));
  else if (arg_qual(arg) != want && want != QUAL_NONE)
    g = ck_error(k, arg->span, E0704, "'%s' takes %s", spec->name, schema_value_text(spec->value));
  else if (arg_qual(arg) != want)
    g = ck_error(k, arg_when(arg)->span, E0704, "'%s' takes %s, with no '%s'", spec->name,
                 schema_value_text(spec->value), arg_qual(arg) == QUAL_AT ? "at" : "by");
  if (g) note_usage(k, g, spec);
  return !g;
}

/* `allow CODE: "reason"`: a known warning code and a reason that says something. */
static bool value_allow(Checker *k, const AttrSpec *spec, Node *arg, Value *v) {
  Node *n = arg_expr(arg), *r = arg_value(arg);
  bool ok = true;
  if (n->kind != ND_NAME || name_nparts(n) != 1) {
    wrong_value(k, spec, n);
    ok = false;
  } else {
    const char *code = name_part(n, 0).str;
    if (code[0] != 'W' || !diag_code_known(code)) {
      Diagnostic *g = ck_error(k, n->span, E0706, "unknown warning code '%s'", code);
      Suggest sg;
      ck_suggest_init(&sg, code);
      for (int i = 0; diag_code_at(i); i++)
        if (diag_code_at(i)[0] == 'W') ck_suggest_add(&sg, diag_code_at(i), NO_SPAN);
      ck_note_suggest(k, g, &sg);
      ck_note(k, g, NO_SPAN, "'allow' takes the code of a warning, such as W0110 (LANGUAGE.md section 9)");
      ok = false;
    }
    v->ref = NULL;
    v->str = code;
  }
  if (r->kind != ND_STRING || r->string.value[strspn(r->string.value, " \t\n")] == '\0') {   /* blank: empty */
    Diagnostic *g = ck_error(k, r->span, E0704, "'allow' needs a reason: a non-empty string, not %s",
                             r->kind == ND_STRING ? "an empty one" : ck_node_text(r));
    ck_note(k, g, NO_SPAN, "say why the warning does not apply: allow W0110: \"funds projects outside this file\"");
    return false;
  }
  ck_sem(k, r)->form = EX_CONST;
  expr_sem(r)->type = ck_type_of(TY_STRING);
  expr_sem(r)->str = r->string.value;
  return ok;
}

/* Check one argument against its row; fills v. */
static bool check_value(Checker *k, const AttrSpec *spec, Node *arg, Value *v) {
  Node *n = arg_expr(arg);
  v->arg = arg;
  if (!check_arg_shape(k, spec, arg)) return false;
  if (!value_per(k, arg, v)) return false;
  switch (spec->value) {
  case V_STRING:
    if (n->kind != ND_STRING) {
      wrong_value(k, spec, n);
      return false;
    }
    v->str = n->string.value;
    ck_sem(k, n)->form = EX_CONST;
    expr_sem(n)->type = ck_type_of(TY_STRING);
    expr_sem(n)->str = v->str;
    return true;
  case V_PERIOD: return value_period(k, spec, n, &v->period);
  case V_DATE: return value_date(k, spec, n, true, &v->day);
  case V_REF: return (v->ref = resolve_ref(k, n, spec->refs, spec->name)) != NULL;
  case V_CHOICE: return value_choice(k, spec, n, v);
  case V_MONEY: return value_money(k, spec, n, &v->q);
  case V_BASELINE:
  case V_TARGET:
    return both(value_quantity(k, spec, n, &v->q),
                value_date(k, spec, arg_when(arg), spec->value == V_TARGET, &v->day));
  case V_WEIGHT: return value_weight(k, spec, n, &v->q);
  case V_UNIT: return value_unit(k, n, &v->q);
  case V_TAG: return value_tag(k, spec, n, v);
  case V_REF_MONEY:
    return both((v->ref = resolve_ref(k, n, spec->refs, spec->name)) != NULL,
                value_money(k, spec, arg_value(arg), &v->q));
  case V_REF_WEIGHT:
    return both((v->ref = resolve_ref(k, n, spec->refs, spec->name)) != NULL,
                value_weight(k, spec, arg_value(arg), &v->q));
  case V_REF_QUANTITY:
    return both((v->ref = resolve_ref(k, n, spec->refs, spec->name)) != NULL,
                value_quantity(k, spec, arg_value(arg), &v->q));
  case V_REF_FUNDING:
    if (!arg_value(arg)) return (v->ref = resolve_ref(k, n, spec->refs, spec->name)) != NULL;
    return both((v->ref = resolve_ref(k, n, spec->refs, spec->name)) != NULL,
                value_money(k, spec, arg_value(arg), &v->q));
  case V_REF_ROLE:
    return both((v->ref = resolve_ref(k, n, spec->refs, spec->name)) != NULL,
                value_tag(k, spec, arg_value(arg), v));
  case V_ALLOW: return value_allow(k, spec, arg, v);
  case V_LIKELIHOOD: return value_likelihood(k, spec, n, &v->q);
  case V_COUNT: break;
  }
  return false;
}

/* ------------------------------------------------------------------------ */
/* Storing values in the Sym                                                 */
/* ------------------------------------------------------------------------ */

static SymList sym_list(Checker *k, const Value *v, int n) {
  SymList l = {arena_alloc(k->a, sizeof(Sym *) * (size_t)(n ? n : 1)), n};
  for (int i = 0; i < n; i++) l.items[i] = v[i].ref;
  return l;
}

/* The `name: value` pairs of a list attribute. */
/* Whether two quantities say the same, field by field. */
static bool quantity_same(const Quantity *a, const Quantity *b) {
  return a->set == b->set && a->value == b->value && a->unit == b->unit && a->span.file == b->span.file &&
         a->span.start == b->span.start && a->span.end == b->span.end && a->bound == b->bound &&
         a->lo == b->lo && a->hi == b->hi && a->per == b->per && a->rate_lo == b->rate_lo &&
         a->rate_hi == b->rate_hi && a->days == b->days && a->bare == b->bare && a->source == b->source;
}

/* The links of a list attribute; keep_quantity: each with its Quantity (expects: checked
 * and changed later), else only those that need one (link_quantity). */
static LinkList link_list(Checker *k, const Value *v, int n, bool keep_quantity) {
  LinkList l = {arena_alloc(k->a, sizeof(Link) * (size_t)(n ? n : 1)), n};
  for (int i = 0; i < n; i++) {
    const Quantity *vq = &v[i].q;
    l.items[i] = (Link){.target = v[i].ref, .value = vq->value, .unit = vq->unit, .bare = vq->bare,
                        .arg = v[i].arg, .value_start = vq->span.start, .value_end = vq->span.end & INT32_MAX,
                        .has_value = vq->set};
    Quantity plain;
    if (keep_quantity || !quantity_same(link_quantity(&l.items[i], &plain), vq)) {
      l.items[i].q = arena_alloc(k->a, sizeof *vq);
      *l.items[i].q = *vq;
    }
  }
  return l;
}

/* `roles ACTOR: ROLE, ...`. */
static RoleList role_list(Checker *k, const Value *v, int n) {
  RoleList l = {arena_alloc(k->a, sizeof(Role) * (size_t)(n ? n : 1)), n};
  for (int i = 0; i < n; i++) l.items[i] = (Role){v[i].ref, v[i].str, v[i].arg->span};
  return l;
}

/* `allow CODE: "reason", ...`. */
static AllowList allow_list(Checker *k, const Value *v, int n) {
  AllowList l = {arena_alloc(k->a, sizeof(Allow) * (size_t)(n ? n : 1)), n};
  for (int i = 0; i < n; i++)
    l.items[i] = (Allow){v[i].str, arg_value(v[i].arg)->string.value, v[i].arg->span, 0};
  return l;
}

/* y's own SymMore, to write (a declaration starts with the shared empty one). */
static SymMore *own_more(Checker *k, Sym *y) {
  if (y->more == &sym_no_more) y->more = arena_alloc(k->a, sizeof *y->more);
  return y->more;
}

/* roles and allow, which several kinds take; given more than once, they add up. */
static bool store_common(Checker *k, Sym *y, const AttrSpec *spec, const Value *v, int n) {
  if (spec->value == V_REF_ROLE) {
    RoleList more = role_list(k, v, n), all = {arena_alloc(k->a, sizeof(Role) * (size_t)(y->more->roles.len + n + 1)), 0};
    for (int i = 0; i < y->more->roles.len; i++) all.items[all.len++] = y->more->roles.items[i];
    for (int i = 0; i < n; i++) all.items[all.len++] = more.items[i];
    own_more(k, y)->roles = all;
  } else if (spec->value == V_ALLOW) {
    AllowList more = allow_list(k, v, n), all = {arena_alloc(k->a, sizeof(Allow) * (size_t)(y->more->allows.len + n + 1)), 0};
    for (int i = 0; i < y->more->allows.len; i++) all.items[all.len++] = y->more->allows.items[i];
    for (int i = 0; i < n; i++) all.items[all.len++] = more.items[i];
    own_more(k, y)->allows = all;
  } else {
    return false;
  }
  return true;
}

/* The strings or tags of a list attribute. */
static StrList str_list(Checker *k, const Value *v, int n) {
  StrList l = {arena_alloc(k->a, sizeof(char *) * (size_t)(n ? n : 1)), n};
  for (int i = 0; i < n; i++) l.items[i] = v[i].str;
  return l;
}

/* The attributes of the results chain, reviews, risks and sources (R4, R5);
 * false when id is none of them. */
static bool store_chain(Checker *k, Sym *y, AttrId id, const Value *v, int n) {
  switch (id) {
  case A_GOAL_level: y->goal.level = (GoalLevel)v->choice; break;
  case A_GOAL_contributes: y->goal.contributes = link_list(k, v, n, false); break;
  case A_GOAL_assumes: y->goal.assumes = str_list(k, v, n); break;
  case A_PROJECT_assumes: y->project.assumes = str_list(k, v, n); break;
  case A_MILESTONE_kind: y->milestone.kind = (MilestoneKind)v->choice; break;
  case A_MILESTONE_by: y->milestone.by = v->ref; break;
  case A_MILESTONE_reviews: y->milestone.reviews = sym_list(k, v, n); break;
  case A_MILESTONE_options: y->milestone.options = str_list(k, v, n); break;
  case A_MILESTONE_decided:
    y->milestone.decided = v->str;
    y->milestone.decided_span = v->arg->span;
    break;
  case A_RISK_likelihood: y->risk.likelihood = v->q.value; break;
  case A_RISK_affects: y->risk.affects = link_list(k, v, n, false); break;
  case A_RISK_owner: y->risk.owner = v->ref; break;
  case A_RISK_mitigated_by: y->risk.mitigated_by = sym_list(k, v, n); break;
  case A_SOURCE_url: y->source.url = v->str; break;
  case A_SOURCE_publisher: y->source.publisher = v->str; break;
  case A_SOURCE_published:
    y->source.published = v->day;
    y->source.published_prec = written_prec(arg_expr(v->arg));
    y->source.has_published = true;
    break;
  case A_SOURCE_retrieved:
    y->source.retrieved = v->day;
    y->source.retrieved_prec = written_prec(arg_expr(v->arg));
    y->source.has_retrieved = true;
    break;
  default: return false;
  }
  return true;
}

/* The attributes of a mission, an actor, an indicator or a goal. */
static void store_first(Sym *y, AttrId id, const Value *v) {
  switch (id) {
  case A_MISSION_period: y->mission.period = v->period; break;
  case A_MISSION_challenge: y->mission.challenge = v->str; break;
  case A_MISSION_statement: y->mission.statement = v->str; break;
  case A_MISSION_owner: y->mission.owner = v->ref; break;
  case A_MISSION_budget: y->mission.budget = v->q; break;
  case A_ACTOR_sector: y->actor.sector = (Sector)v->choice; break;
  case A_ACTOR_level: y->actor.level = (Level)v->choice; break;
  case A_ACTOR_parent: y->actor.parent = v->ref; break;
  case A_INDICATOR_unit: y->indicator.unit = v->q.unit; break;
  case A_INDICATOR_source: y->indicator.source = v->str; break;
  case A_GOAL_indicator: y->goal.indicator = v->ref; break;
  case A_GOAL_baseline:
    y->goal.baseline = v->q;
    y->goal.start = v->day;
    y->goal.baseline_date_span = arg_when(v->arg)->span;
    break;
  case A_GOAL_target:
    y->goal.target = v->q;
    y->goal.deadline = v->day;
    y->goal.target_date_span = arg_when(v->arg)->span;
    break;
  case A_GOAL_weight:
    y->goal.weight = v->q.value;
    y->goal.has_weight = true;
    break;
  case A_GOAL_parent: y->goal.parent = v->ref; break;
  default: break;
  }
}

/* The attributes of phases, milestones, instruments and projects. */
static void store_rest(Checker *k, Sym *y, AttrId id, const Value *v, int n) {
  switch (id) {
  case A_PHASE_period: y->phase.period = v->period; break;
  case A_PHASE_after: y->phase.after = sym_list(k, v, n); break;
  case A_MILESTONE_date:
    y->milestone.date = v->day;
    y->milestone.date_span = v->arg->span;
    break;
  case A_MILESTONE_phase: y->milestone.phase = v->ref; break;
  case A_MILESTONE_after: y->milestone.after = sym_list(k, v, n); break;
  case A_MILESTONE_expects: y->milestone.expects = link_list(k, v, n, true); break;
  case A_INSTRUMENT_kind: y->instrument.kind = (InstrKind)v->choice; break;
  case A_INSTRUMENT_by:
    y->instrument.by = n ? v->ref : NULL;
    y->instrument.by_all = sym_list(k, v, n);
    break;
  case A_INSTRUMENT_cofunded_by: y->instrument.cofunded_by = link_list(k, v, n, false); break;
  case A_PROJECT_supported_by: y->project.supported_by = sym_list(k, v, n); break;
  case A_PROJECT_cofunded_by: y->project.cofunded_by = link_list(k, v, n, false); break;
  case A_INSTRUMENT_push: y->instrument.push = (Push)v->choice; break;
  case A_INSTRUMENT_budget: y->instrument.budget = v->q; break;
  case A_INSTRUMENT_period: y->instrument.period = v->period; break;
  case A_INSTRUMENT_requires: y->instrument.requires = sym_list(k, v, n); break;
  case A_PROJECT_lead: y->project.lead = v->ref; break;
  case A_PROJECT_partners: y->project.partners = sym_list(k, v, n); break;
  case A_PROJECT_funded_by: y->project.funded_by = link_list(k, v, n, false); break;
  case A_PROJECT_contributes: y->project.contributes = link_list(k, v, n, false); break;
  case A_PROJECT_period: y->project.period = v->period; break;
  case A_PROJECT_disciplines:
    y->project.disciplines = arena_alloc(k->a, sizeof(char *) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) y->project.disciplines[i] = v[i].str;
    y->project.ndisciplines = n;
    break;
  default: store_first(y, id, v); break;
  }
}

/* ------------------------------------------------------------------------ */
/* Blocks of attributes                                                      */
/* ------------------------------------------------------------------------ */

/* "'x' is not an attribute of a goal" with a did-you-mean or the list. */
static void unknown_attr(Checker *k, DeclKind kind, Ident id) {
  Diagnostic *g = ck_error(k, id.span, E0701, "unknown attribute '%s' for %s", id.str,
                           schema_kind_text(kind));
  const char *best = schema_suggest(kind, id.str);
  if (best) {
    ck_note(k, g, NO_SPAN, "did you mean '%s'?", best);
    if (g) diag_fix(k->d, g, id.span, best, arena_printf(k->a, "replace with '%s'", best));
    return;
  }
  int n;
  const AttrSpec *rows = schema_rows(kind, &n);
  const char *list = "";
  for (int i = 0; i < n; i++) list = arena_printf(k->a, "%s%s%s", list, i ? ", " : "", rows[i].name);
  ck_note(k, g, NO_SPAN, "%s takes %s", schema_kind_text(kind), list);
}

/* The number of values: at least one; one unless the row takes a list. */
static bool check_arity(Checker *k, const AttrSpec *spec, Node *attr) {
  NodeList *args = &attr->attr.args;
  Diagnostic *g = NULL;
  if (args->len == 0)
    g = ck_error(k, attr->span, E0705, "'%s' needs a value", spec->name);
  else if (args->len > 1 && !spec->many)
    g = ck_error(k, span_join(args->items[1]->span, args->items[args->len - 1]->span), E0705,
                 "'%s' takes one value, but %d are given", spec->name, args->len);
  if (g) note_usage(k, g, spec);
  return !g;
}

/* Share the records of a checked argument's nodes (ck_share_sems). */
static void share_arg_sems(Checker *k, Node *arg) {
  if (arg->kind != ND_ARG) {
    ck_share_sems(k, arg);
    return;
  }
  ck_share_sems(k, arg_expr(arg));
  ck_share_sems(k, arg_value(arg));
  ck_share_sems(k, arg_when(arg));
  ck_share_sems(k, arg_per(arg));
}

/* Check one attribute's values and store the good ones. */
static void fill_attr(Checker *k, CkSym *s, const AttrSpec *spec, Node *attr) {
  if (!check_arity(k, spec, attr)) return;
  NodeList *args = &attr->attr.args;
  /* The values are copied out (store_common): a few on the stack, more in the arena. */
  Value local[4];
  Value *v = local;
  if (args->len > (int)COUNT_OF(local)) v = arena_alloc(k->a, sizeof(Value) * (size_t)args->len);
  else memset(local, 0, sizeof(Value) * (size_t)args->len);
  int n = 0;
  for (int i = 0; i < args->len; i++) {
    if (check_value(k, spec, args->items[i], &v[n])) n++;
    share_arg_sems(k, args->items[i]);
  }
  for (int i = 0; i < n; i++) v[i].q.source = v[i].per;
  if (store_common(k, &s->sym, spec, v, n)) return;
  if (!spec->many && n != 1) return;
  if (strcmp(spec->name, "sources") == 0) own_more(k, &s->sym)->sources = sym_list(k, v, n);
  else if (!store_chain(k, &s->sym, spec->id, v, n)) store_rest(k, &s->sym, spec->id, v, n);
}

/* Report the required attributes that a block lacks. */
static void check_required(Checker *k, CkSym *s, Node *const *seen) {
  int n;
  const AttrSpec *rows = schema_rows(s->sym.kind, &n);
  Node *d = s->sym.decl;
  Span end = {d->span.file, d->span.end ? d->span.end - 1 : 0, d->span.end};
  for (int i = 0; i < n; i++) {
    if (!rows[i].required || seen[rows[i].id]) continue;
    Diagnostic *g = ck_error(k, end, E0703, "%s '%s' has no '%s'", ck_kind_word(s->sym.kind),
                             s->sym.name, rows[i].name);
    ck_note(k, g, d->decl.name.span, "%s '%s' declared here", ck_kind_word(s->sym.kind), s->sym.name);
    note_usage(k, g, &rows[i]);
  }
}

/* Every attribute of a block declaration. */
static void fill_block(Checker *k, CkSym *s) {
  Node *seen[A_COUNT] = {0};
  NodeList *attrs = &s->sym.decl->decl.attrs;
  for (int i = 0; i < attrs->len; i++) {
    Node *attr = attrs->items[i];
    const AttrSpec *spec = schema_find(s->sym.kind, attr->attr.name);
    if (!spec) {
      unknown_attr(k, s->sym.kind, attr_ident(attr));
      continue;
    }
    bool repeatable = spec->value == V_ALLOW || spec->value == V_REF_ROLE;   /* one statement per line reads well */
    if (seen[spec->id] && !repeatable) {
      Diagnostic *g = ck_error(k, attr_name_span(attr), E0702, "'%s' is given twice", spec->name);
      ck_note(k, g, attr_name_span(seen[spec->id]), "first given here");
      continue;
    }
    seen[spec->id] = attr;
    fill_attr(k, s, spec, attr);
  }
  check_required(k, s, seen);
}

/* ------------------------------------------------------------------------ */
/* Goals and milestones: quantities in the unit of the goal's indicator       */
/* ------------------------------------------------------------------------ */

/* "68.3%" or "68.3 ppm": a bare number with the unit it needs. */
static const char *with_unit_text(Checker *k, const char *number, const Unit *u) {
  return strcmp(u->name, "%") == 0 ? arena_printf(k->a, "%s%%", number)
                                   : arena_printf(k->a, "%s %s", number, u->name);
}

/* A quantity of a goal must have the dimension of the goal's indicator; where that
 * unit is dimensionless with a scale (%, ppm), a bare number is wrong too (R1). */
static bool check_goal_unit(Checker *k, Sym *goal, Quantity *q, const char *what) {
  Sym *ind = goal->goal.indicator;
  if (!q->set || !ind) return q->set;
  ck_fill(k, cksym(ind));
  const Unit *u = ind->indicator.unit;
  if (u && dim_eq(&u->dim, &q->unit->dim) && q->bare && dim_is_none(&u->dim) && u->scale != 1) {
    Diagnostic *g = ck_error(k, q->span, E0303, "%s is the plain number %s, but indicator '%s' is in %s",
                             what, q->bare, ind->name, u->name);
    ck_note(k, g, ind->decl->decl.name.span, "'%s' declared here", ind->name);
    ck_note(k, g, NO_SPAN, "write %s (a plain %s would mean %s)", with_unit_text(k, q->bare, u), q->bare,
            ck_quantity(k, strtod(q->bare, NULL), u));
    q->set = false;
    return false;
  }
  if (!u || dim_eq(&u->dim, &q->unit->dim)) return true;
  Type have = ck_type_num(q->unit->dim, q->unit), want = ck_type_num(u->dim, u);
  Diagnostic *g = ck_error(k, q->span, E0303, "%s is %s, but indicator '%s' is %s", what,
                           ck_type_in(k, &have), ind->name, ck_type_in(k, &want));
  ck_note(k, g, ind->decl->decl.name.span, "'%s' declared here", ind->name);
  q->set = false;
  return false;
}

/* The target as written: "95%", ">= 95%", "43 GW .. 50 GW". */
const char *ck_bound_text(Checker *k, const Quantity *q) {
  switch (q->bound) {
  case QB_MIN: return arena_printf(k->a, ">= %s", ck_quantity(k, q->lo, q->unit));
  case QB_MAX: return arena_printf(k->a, "<= %s", ck_quantity(k, q->hi, q->unit));
  case QB_RANGE: return arena_printf(k->a, "%s .. %s", ck_quantity(k, q->lo, q->unit), ck_quantity(k, q->hi, q->unit));
  default: return ck_quantity(k, q->value, q->unit);
  }
}

/* The effective target of a bound or range from baseline b: a bound's number, the
 * end of a range nearest to b. False (and q->value unchanged) when b already meets it. */
static bool effective_target(Quantity *q, double b) {
  switch (q->bound) {
  case QB_EXACT: return q->value != b;
  case QB_MIN: q->value = q->lo; return b < q->lo;
  case QB_MAX: q->value = q->hi; return b > q->hi;
  case QB_RANGE:
    if (b < q->lo) q->value = q->lo;
    else if (b > q->hi) q->value = q->hi;
    else return false;
    return true;
  }
  return false;
}

/* A goal's baseline and target against its indicator; the baseline must not meet
 * the target already (E0409); the effective target goes into target.value. */
static void check_goal(Checker *k, Sym *g) {
  bool baseline_ok = check_goal_unit(k, g, &g->goal.baseline, "the baseline");   /* both reported */
  bool ok = check_goal_unit(k, g, &g->goal.target, "the target") && baseline_ok;
  Quantity *t = &g->goal.target;
  if (!ok || !g->goal.baseline.set || !t->set) return;
  double b = g->goal.baseline.value;
  if (effective_target(t, b)) return;
  Diagnostic *d;
  if (t->bound == QB_EXACT)
    d = ck_error(k, t->span, E0409, "goal '%s' has its target equal to its baseline (%s)", g->name,
                 ck_quantity(k, t->value, t->unit));
  else
    d = ck_error(k, t->span, E0409, "goal '%s' is already met at its baseline: the target is %s and the "
                 "baseline is %s", g->name, ck_bound_text(k, t), ck_quantity(k, b, g->goal.baseline.unit));
  ck_note(k, d, g->goal.baseline.span, "baseline given here");
  ck_note(k, d, NO_SPAN, "progress towards a target that is already met cannot be measured");
  t->set = false;
}

/* The quantities a milestone expects, in the units of the goals' indicators; a
 * bound or a range stands for its end on the way from the baseline. */
static void check_expects(Checker *k, Sym *m) {
  for (int i = 0; i < m->milestone.expects.len; i++) {
    Link *l = &m->milestone.expects.items[i];
    ck_fill(k, cksym(l->target));
    const char *what = arena_printf(k->a, "the value expected for '%s'", l->target->name);
    if (!check_goal_unit(k, l->target, l->q, what)) {
      l->has_value = false;
      continue;
    }
    if (l->q->bound != QB_EXACT && l->target->goal.baseline.set) {
      effective_target(l->q, l->target->goal.baseline.value);
      l->value = l->q->value;
    }
  }
}

/* The changes a risk makes to goals, in the units of the goals' indicators. */
static void check_affects(Checker *k, Sym *r) {
  for (int i = 0; i < r->risk.affects.len; i++) {
    Link *l = &r->risk.affects.items[i];
    ck_fill(k, cksym(l->target));
    Quantity q = {.set = true, .value = l->value, .unit = l->unit, .span = link_span(l)};
    check_goal_unit(k, l->target, &q, arena_printf(k->a, "the change risk '%s' makes to '%s'", r->name,
                                                     l->target->name));
  }
}

/* ------------------------------------------------------------------------ */
/* Records, rules and functions                                              */
/* ------------------------------------------------------------------------ */

/* A field or parameter name: not `date`, warn when it hides a declaration. */
static void check_local_name(Checker *k, Ident id, const char *what, DiagCode code, Sym *owner) {
  if (id.str == k->s_date) {
    Diagnostic *g = ck_error(k, id.span, E0206, "'date' is reserved and cannot name a %s", what);
    ck_note(k, g, NO_SPAN, "to read a date, name the %s after what it is ('signed', 'start' ...)", what);
    return;
  }
  Sym *hidden = namemap_get(k->names, id.str);
  if (!hidden) return;
  const char *where = owner->kind == DK_RECORD ? arena_printf(k->a, "the rules on '%s'", owner->name)
                                               : "its body";
  Diagnostic *g = ck_warning(k, id.span, code, "shadow", "%s '%s' of %s '%s' hides %s '%s' in %s", what,
                             id.str, ck_kind_word(owner->kind), owner->name, ck_kind_word(hidden->kind),
                             hidden->name, where);
  ck_note_decl(k, g, hidden);
}

/* One field: `name unit` with a unit, bool or date. */
static bool fill_field(Checker *k, CkSym *s, Node *attr, Field *f) {
  NodeList *args = &attr->attr.args;
  f->name = attr->attr.name;
  f->span = attr_name_span(attr);
  if (args->len != 1 || arg_value(args->items[0]) || arg_qual(args->items[0]) || arg_per(args->items[0])) {
    Diagnostic *g = ck_error(k, args->len ? args->items[0]->span : attr->span, E0705,
                             "field '%s' takes exactly one unit or type", f->name);
    ck_note(k, g, NO_SPAN, "write '%s UNIT', '%s bool' or '%s date'", f->name, f->name, f->name);
    return false;
  }
  f->type = ck_unit_expr(k, arg_expr(args->items[0]), true);
  check_local_name(k, attr_ident(attr), "field", W0601, &s->sym);
  return f->type.kind != TY_ERROR;
}

/* A record: each attribute is a field; names once each. */
static void fill_record(Checker *k, CkSym *s) {
  NodeList *attrs = &s->sym.decl->decl.attrs;
  Field *fields = arena_alloc(k->a, sizeof(Field) * (size_t)(attrs->len ? attrs->len : 1));
  s->fields = namemap_new(k->a, attrs->len);
  int n = 0;
  for (int i = 0; i < attrs->len; i++) {
    Node *attr = attrs->items[i];
    Field *f = &fields[n];
    if (strcmp(attr->attr.name, "allow") == 0 && attr->attr.args.len && arg_value(attr->attr.args.items[0])) {
      fill_attr(k, s, schema_find(DK_MISSION, "allow"), attr);   /* `allow W0108: "..."`: no field is a pair */
      continue;
    }
    Field *first = namemap_get(s->fields, attr->attr.name);
    if (first) {
      Diagnostic *g = ck_error(k, attr_name_span(attr), E0203, "field '%s' is declared twice",
                               attr->attr.name);
      ck_note(k, g, first->span, "first declared here");
      continue;
    }
    fill_field(k, s, attr, f);
    namemap_put(s->fields, f->name, f);
    n++;
  }
  s->sym.record.fields = fields;
  s->sym.record.nfields = n;
}

/* `on R`: the record a rule reads. */
static Sym *rule_record(Checker *k, Node *d) {
  Ident on = decl_on(d);   /* its span covers "on R": keep the name */
  if (on.span.end - on.span.start > strlen(on.str)) on.span.start = on.span.end - (uint32_t)strlen(on.str);
  Sym *r = namemap_get(k->names, on.str);
  if (!r) {
    Diagnostic *g = ck_error(k, on.span, E0201, "unknown record '%s'", on.str);
    Suggest s;
    ck_suggest_init(&s, on.str);
    resolve_suggest(k, &s, REFS(RECORD));
    ck_note_suggest(k, g, &s);
    return NULL;
  }
  if (r->kind != DK_RECORD) {
    Diagnostic *g = ck_error(k, on.span, E0202, "'%s' is %s, but 'on' takes a record", on.str,
                             schema_kind_text(r->kind));
    ck_note_decl(k, g, r);
    return NULL;
  }
  ck_fill(k, cksym(r));
  return r;
}

/* Parameters of a fn: names once each, declared types (none: polymorphic). */
static void fill_params(Checker *k, CkSym *s) {
  const NodeList *params = decl_params(s->sym.decl);
  int n = params->len;
  s->sym.rule.params = params->items;
  s->sym.rule.nparams = n;
  s->sym.rule.param_types = arena_alloc(k->a, sizeof(Type) * (size_t)(n ? n : 1));
  for (int i = 0; i < n; i++) {
    Node *p = params->items[i];
    for (int j = 0; j < i; j++) {
      if (params->items[j]->param.name.str != p->param.name.str) continue;
      Diagnostic *g = ck_error(k, p->param.name.span, E0203, "parameter '%s' is declared twice",
                               p->param.name.str);
      ck_note(k, g, params->items[j]->param.name.span, "first declared here");
      break;
    }
    check_local_name(k, p->param.name, "parameter", W0602, &s->sym);
    s->sym.rule.param_types[i] = p->param.unit ? ck_unit_expr(k, p->param.unit, true) : ck_type_of(TY_ERROR);
  }
}

/* The header of a score, condition or fn: `on R`, `: unit`, parameters. */
static void fill_rule_header(Checker *k, CkSym *s) {
  Node *d = s->sym.decl;
  s->sym.rule.body = decl_body(d);
  s->rs->declared = ck_type_of(TY_ERROR);
  if (decl_on(d).str && s->sym.kind != DK_FN) {
    s->sym.rule.on = rule_record(k, d);
    s->bad_on = !s->sym.rule.on;
  }
  if (decl_unit(d) && (s->sym.kind == DK_SCORE || s->sym.kind == DK_FN)) {
    s->rs->declared = ck_unit_expr(k, decl_unit(d), true);
    s->sym.rule.unit = s->rs->declared.unit;
  }
  if (s->sym.kind == DK_FN) fill_params(k, s);
}

void ck_fill(Checker *k, CkSym *s) {
  if (s->fill != ST_NEW) return;
  s->fill = ST_BUSY;
  s->form_ok = !ck_damaged(k, s->sym.decl) && check_form(k, s);
  if (!s->form_ok && s->sym.kind == DK_RECORD) s->fields = namemap_new(k->a, 1);
  if (!s->form_ok) {
    if (s->sym.kind == DK_SCORE || s->sym.kind == DK_CONDITION || s->sym.kind == DK_FN) s->rs->declared = ck_type_of(TY_ERROR);
    s->fill = ST_DONE;
    return;
  }
  switch (s->sym.kind) {
  case DK_RECORD:
    fill_record(k, s);
    break;
  case DK_SCORE:
  case DK_CONDITION:
  case DK_FN:
    fill_rule_header(k, s);
    break;
  case DK_TEST:   /* checked after the rules (check_test.c) */
    break;
  default:
    fill_block(k, s);
    if (s->sym.kind == DK_GOAL) check_goal(k, &s->sym);
    if (s->sym.kind == DK_MILESTONE) check_expects(k, &s->sym);
    if (s->sym.kind == DK_RISK) check_affects(k, &s->sym);
    break;
  }
  s->fill = ST_DONE;
}
