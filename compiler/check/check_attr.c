/* check_attr.c - declarations against the schema: the form of each kind, every
 * attribute known, given once, of the right type, required ones present; the
 * values stored in the Sym (quantities in base units, dates as day numbers).
 */
#include <math.h>
#include <string.h>

#include "check_int.h"

/* One checked argument of an attribute. */
typedef struct Value {
  Node *arg;
  Sym *ref;
  const char *str;
  int choice;
  Period period;
  int64_t day;
  Quantity q;
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
  if (d->decl.on.str && kind != DK_SCORE && kind != DK_CONDITION)
    ck_error(k, d->decl.on.span, E0707, "%s cannot be 'on' a record; only scores and conditions can",
             schema_kind_text(kind));
  if (d->decl.unit && kind != DK_SCORE && kind != DK_FN) {
    Diagnostic *g = ck_error(k, d->decl.unit->span, E0707, "%s takes no result unit",
                             schema_kind_text(kind));
    if (kind == DK_CONDITION) ck_note(k, g, NO_SPAN, "a condition is always a bool");
  }
}

/* A block kind written as a formula, or a formula kind written as a block. */
static bool check_form(Checker *k, CkSym *s) {
  Node *d = s->sym.decl;
  check_header(k, d);
  DeclForm form = schema_form(d->decl.kind);
  if (form != FORM_FORMULA && d->decl.body) {
    Diagnostic *g = ck_error(k, d->decl.body->span, E0707, "%s is declared with a block of "
                             "attributes, not a formula", schema_kind_text(d->decl.kind));
    ck_note(k, g, NO_SPAN, "write '%s %s { ... }'", decl_kind_names[d->decl.kind], s->sym.name);
    return false;
  }
  if (form == FORM_FORMULA && !d->decl.body) {
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

/* A name from a fixed list (sector, level, kind, push). */
static bool value_choice(Checker *k, const AttrSpec *spec, Node *n, Value *v) {
  char buf[200];
  if (n->kind != ND_NAME || n->name.nparts != 1) {
    wrong_value(k, spec, n);
    return false;
  }
  Ident id = n->name.parts[0];
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
  ExprSem *e = ck_sem(k, n);
  e->form = EX_CONST;
  e->type = ck_type_of(TY_STRING);
  e->str = v->str;
  e->constant = true;
  return true;
}

/* A constant quantity, any dimension. */
static bool value_quantity(Checker *k, const AttrSpec *spec, Node *n, Quantity *q) {
  Type t;
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
  return true;
}

/* An amount of money: a currency, not negative. */
static bool value_money(Checker *k, const AttrSpec *spec, Node *n, Quantity *q) {
  if (!value_quantity(k, spec, n, q)) return false;
  if (!ck_is_money(k, &q->unit->dim)) {
    Type t = ck_type_num(q->unit->dim, q->unit);
    Diagnostic *g = ck_error(k, n->span, E0503, "'%s' must be an amount of money, but this is %s",
                             spec->name, ck_type_in(k, &t));
    ck_note(k, g, NO_SPAN, "money is in a currency: a base unit named by its ISO 4217 code (EUR, SEK, "
            "ISK ...) or documented '/// currency', or a unit derived from one (MEUR)");
    return false;
  }
  if (q->value < 0) {
    ck_error(k, n->span, E0505, "an amount of money cannot be negative: %s", ck_quantity(k, q->value, q->unit));
    return false;
  }
  return true;
}

/* A weight: a plain number in [0, 1]. */
static bool value_weight(Checker *k, const AttrSpec *spec, Node *n, Quantity *q) {
  if (!value_quantity(k, spec, n, q)) return false;
  if (!dim_is_none(&q->unit->dim)) {
    Type t = ck_type_num(q->unit->dim, q->unit);
    ck_error(k, n->span, E0303, "a weight is a plain number, not %s", ck_type_text(k, &t));
    return false;
  }
  if (!(q->value >= 0 && q->value <= 1)) {
    ck_error(k, n->span, E0602, "weight %s is outside [0, 1]", ck_number(k, q->value));
    return false;
  }
  return true;
}

/* A unit for an indicator. */
static bool value_unit(Checker *k, Node *n, Quantity *q) {
  Type t = ck_unit_expr(k, n, false);
  if (t.kind != TY_NUM) return false;
  q->unit = t.unit;
  return true;
}

/* A free tag (disciplines): a name. */
static bool value_tag(Checker *k, const AttrSpec *spec, Node *n, Value *v) {
  if (n->kind != ND_NAME || n->name.nparts != 1) {
    wrong_value(k, spec, n);
    return false;
  }
  v->str = n->name.parts[0].str;
  ExprSem *e = ck_sem(k, n);
  e->form = EX_CONST;
  e->type = ck_type_of(TY_STRING);
  e->str = v->str;
  e->constant = true;
  return true;
}

/* The shape of one argument: `: value` only for pairs, `at`/`by` only where taken. */
static bool check_arg_shape(Checker *k, const AttrSpec *spec, Node *arg) {
  bool pair = spec->value == V_REF_MONEY || spec->value == V_REF_WEIGHT || spec->value == V_REF_QUANTITY;
  Qual want = spec->value == V_BASELINE ? QUAL_AT : spec->value == V_TARGET ? QUAL_BY : QUAL_NONE;
  Diagnostic *g = NULL;
  if (pair && !arg->arg.value)
    g = ck_error(k, arg->span, E0704, "'%s' takes %s, not a single value", spec->name,
                 schema_value_text(spec->value));
  else if (!pair && arg->arg.value)
    g = ck_error(k, arg->arg.value->span, E0704, "'%s' takes %s, with no ': ...'", spec->name,
                 schema_value_text(spec->value));
  else if (arg->arg.qual != want && want != QUAL_NONE)
    g = ck_error(k, arg->span, E0704, "'%s' takes %s", spec->name, schema_value_text(spec->value));
  else if (arg->arg.qual != want)
    g = ck_error(k, arg->arg.when->span, E0704, "'%s' takes %s, with no '%s'", spec->name,
                 schema_value_text(spec->value), arg->arg.qual == QUAL_AT ? "at" : "by");
  if (g) note_usage(k, g, spec);
  return !g;
}

/* Check one argument against its row; fills v. */
static bool check_value(Checker *k, const AttrSpec *spec, Node *arg, Value *v) {
  Node *n = arg->arg.expr;
  v->arg = arg;
  if (!check_arg_shape(k, spec, arg)) return false;
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
                value_date(k, spec, arg->arg.when, spec->value == V_TARGET, &v->day));
  case V_WEIGHT: return value_weight(k, spec, n, &v->q);
  case V_UNIT: return value_unit(k, n, &v->q);
  case V_TAG: return value_tag(k, spec, n, v);
  case V_REF_MONEY:
    return both((v->ref = resolve_ref(k, n, spec->refs, spec->name)) != NULL,
                value_money(k, spec, arg->arg.value, &v->q));
  case V_REF_WEIGHT:
    return both((v->ref = resolve_ref(k, n, spec->refs, spec->name)) != NULL,
                value_weight(k, spec, arg->arg.value, &v->q));
  case V_REF_QUANTITY:
    return both((v->ref = resolve_ref(k, n, spec->refs, spec->name)) != NULL,
                value_quantity(k, spec, arg->arg.value, &v->q));
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
static LinkList link_list(Checker *k, const Value *v, int n) {
  LinkList l = {arena_alloc(k->a, sizeof(Link) * (size_t)(n ? n : 1)), n};
  for (int i = 0; i < n; i++)
    l.items[i] = (Link){v[i].ref, v[i].q.value, v[i].q.unit, v[i].arg->span};
  return l;
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
    y->goal.baseline_date_span = v->arg->arg.when->span;
    break;
  case A_GOAL_target:
    y->goal.target = v->q;
    y->goal.deadline = v->day;
    y->goal.target_date_span = v->arg->arg.when->span;
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
  case A_MILESTONE_expects: y->milestone.expects = link_list(k, v, n); break;
  case A_INSTRUMENT_kind: y->instrument.kind = (InstrKind)v->choice; break;
  case A_INSTRUMENT_by: y->instrument.by = v->ref; break;
  case A_INSTRUMENT_push: y->instrument.push = (Push)v->choice; break;
  case A_INSTRUMENT_budget: y->instrument.budget = v->q; break;
  case A_INSTRUMENT_period: y->instrument.period = v->period; break;
  case A_INSTRUMENT_requires: y->instrument.requires = sym_list(k, v, n); break;
  case A_PROJECT_lead: y->project.lead = v->ref; break;
  case A_PROJECT_partners: y->project.partners = sym_list(k, v, n); break;
  case A_PROJECT_funded_by: y->project.funded_by = link_list(k, v, n); break;
  case A_PROJECT_contributes: y->project.contributes = link_list(k, v, n); break;
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

/* Check one attribute's values and store the good ones. */
static void fill_attr(Checker *k, CkSym *s, const AttrSpec *spec, Node *attr) {
  if (!check_arity(k, spec, attr)) return;
  NodeList *args = &attr->attr.args;
  Value *v = arena_alloc(k->a, sizeof(Value) * (size_t)args->len);
  int n = 0;
  for (int i = 0; i < args->len; i++)
    if (check_value(k, spec, args->items[i], &v[n])) n++;
  if (spec->many) store_rest(k, &s->sym, spec->id, v, n);
  else if (n == 1) store_rest(k, &s->sym, spec->id, v, 1);
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
    const AttrSpec *spec = schema_find(s->sym.kind, attr->attr.name.str);
    if (!spec) {
      unknown_attr(k, s->sym.kind, attr->attr.name);
      continue;
    }
    if (seen[spec->id]) {
      Diagnostic *g = ck_error(k, attr->attr.name.span, E0702, "'%s' is given twice", spec->name);
      ck_note(k, g, seen[spec->id]->attr.name.span, "first given here");
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

/* A quantity of a goal must have the dimension of the goal's indicator. */
static bool check_goal_unit(Checker *k, Sym *goal, Quantity *q, const char *what) {
  Sym *ind = goal->goal.indicator;
  if (!q->set || !ind) return q->set;
  ck_fill(k, cksym(ind));
  const Unit *u = ind->indicator.unit;
  if (!u || dim_eq(&u->dim, &q->unit->dim)) return true;
  Type have = ck_type_num(q->unit->dim, q->unit), want = ck_type_num(u->dim, u);
  Diagnostic *g = ck_error(k, q->span, E0303, "%s is %s, but indicator '%s' is %s", what,
                           ck_type_in(k, &have), ind->name, ck_type_in(k, &want));
  ck_note(k, g, ind->decl->decl.name.span, "'%s' declared here", ind->name);
  q->set = false;
  return false;
}

/* A goal's baseline and target against its indicator; they must differ. */
static void check_goal(Checker *k, Sym *g) {
  bool baseline_ok = check_goal_unit(k, g, &g->goal.baseline, "the baseline");   /* both reported */
  bool ok = check_goal_unit(k, g, &g->goal.target, "the target") && baseline_ok;
  if (ok && g->goal.baseline.set && g->goal.target.set && g->goal.baseline.value == g->goal.target.value) {
    Diagnostic *d = ck_error(k, g->goal.target.span, E0409, "goal '%s' has its target equal to its "
                             "baseline (%s)", g->name,
                             ck_quantity(k, g->goal.target.value, g->goal.target.unit));
    ck_note(k, d, g->goal.baseline.span, "baseline given here");
    ck_note(k, d, NO_SPAN, "progress towards a target that is already met cannot be measured");
  }
}

/* The quantities a milestone expects, in the units of the goals' indicators. */
static void check_expects(Checker *k, Sym *m) {
  for (int i = 0; i < m->milestone.expects.len; i++) {
    Link *l = &m->milestone.expects.items[i];
    ck_fill(k, cksym(l->target));
    Quantity q = {true, l->value, l->unit, l->span};
    check_goal_unit(k, l->target, &q, arena_printf(k->a, "the value expected for '%s'", l->target->name));
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
  f->name = attr->attr.name.str;
  f->span = attr->attr.name.span;
  if (args->len != 1 || args->items[0]->arg.value || args->items[0]->arg.qual) {
    Diagnostic *g = ck_error(k, args->len ? args->items[0]->span : attr->span, E0705,
                             "field '%s' takes exactly one unit or type", f->name);
    ck_note(k, g, NO_SPAN, "write '%s UNIT', '%s bool' or '%s date'", f->name, f->name, f->name);
    return false;
  }
  f->type = ck_unit_expr(k, args->items[0]->arg.expr, true);
  check_local_name(k, attr->attr.name, "field", W0601, &s->sym);
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
    Field *first = namemap_get(s->fields, attr->attr.name.str);
    if (first) {
      Diagnostic *g = ck_error(k, attr->attr.name.span, E0203, "field '%s' is declared twice",
                               attr->attr.name.str);
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
  Ident on = d->decl.on;   /* its span covers "on R": keep the name */
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
  NodeList *params = &s->sym.decl->decl.params;
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
  s->sym.rule.body = d->decl.body;
  s->declared = ck_type_of(TY_ERROR);
  if (d->decl.on.str && s->sym.kind != DK_FN) {
    s->sym.rule.on = rule_record(k, d);
    s->bad_on = !s->sym.rule.on;
  }
  if (d->decl.unit && (s->sym.kind == DK_SCORE || s->sym.kind == DK_FN)) {
    s->declared = ck_unit_expr(k, d->decl.unit, true);
    s->sym.rule.unit = s->declared.unit;
  }
  if (s->sym.kind == DK_FN) fill_params(k, s);
}

void ck_fill(Checker *k, CkSym *s) {
  if (s->fill != ST_NEW) return;
  s->fill = ST_BUSY;
  s->form_ok = !ck_damaged(k, s->sym.decl) && check_form(k, s);
  if (!s->form_ok && s->sym.kind == DK_RECORD) s->fields = namemap_new(k->a, 1);
  if (!s->form_ok) {
    s->declared = ck_type_of(TY_ERROR);
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
  default:
    fill_block(k, s);
    if (s->sym.kind == DK_GOAL) check_goal(k, &s->sym);
    if (s->sym.kind == DK_MILESTONE) check_expects(k, &s->sym);
    break;
  }
  s->fill = ST_DONE;
}
