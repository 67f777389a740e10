/* export.c - the checked model as JSON (schema: LANGUAGE.md section 10.1).
 *
 * A small pretty-printing JSON writer, then one function per part of the
 * document: sources, units, and the declarations with the attributes of their
 * kind. Every key of a kind is always present (null or [] when unset), so a
 * notebook can read a column without testing for it.
 */
#include "export.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* JSON writer                                                               */
/* ------------------------------------------------------------------------ */

enum { JSON_MAX_DEPTH = 32 };

typedef struct Json {
  FILE *out;
  int depth;
  bool empty[JSON_MAX_DEPTH];  /* nothing written yet inside the container at that depth */
  bool after_key;              /* the next value follows "key": on the same line */
} Json;

/* Write what goes before a value or a key: a comma, a new line, the indent. */
static void j_sep(Json *j) {
  if (j->after_key) {
    j->after_key = false;
    return;
  }
  if (j->depth > 0) {
    fputs(j->empty[j->depth] ? "\n" : ",\n", j->out);
    for (int i = 0; i < j->depth; i++) fputs("  ", j->out);
  }
  j->empty[j->depth] = false;
}


static void j_open(Json *j, char bracket) {
  j_sep(j);
  fputc(bracket, j->out);
  if (j->depth + 1 >= JSON_MAX_DEPTH) abort();   /* the document has a fixed, shallow shape */
  j->empty[++j->depth] = true;
}

static void j_close(Json *j, char bracket) {
  bool was_empty = j->empty[j->depth--];
  if (!was_empty) {
    fputc('\n', j->out);
    for (int i = 0; i < j->depth; i++) fputs("  ", j->out);
  }
  fputc(bracket, j->out);
}

static void j_key(Json *j, const char *key) {
  j_sep(j);
  diag_json_string_n(j->out, key, strlen(key));
  fputs(": ", j->out);
  j->after_key = true;
}

static void j_null(Json *j) {
  j_sep(j);
  fputs("null", j->out);
}

static void j_str(Json *j, const char *s) {
  if (!s) {
    j_null(j);
    return;
  }
  j_sep(j);
  diag_json_string_n(j->out, s, strlen(s));
}

static void j_bool(Json *j, bool b) {
  j_sep(j);
  fputs(b ? "true" : "false", j->out);
}

static void j_int(Json *j, long long v) {
  j_sep(j);
  fprintf(j->out, "%lld", v);
}

/* The shortest decimal that reads back as v (null for NaN and infinities,
 * which JSON cannot hold). */
static void j_num(Json *j, double v) {
  if (!isfinite(v)) {
    j_null(j);
    return;
  }
  char buf[40];
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) break;
  }
  j_sep(j);
  fputs(strcmp(buf, "-0") == 0 ? "0" : buf, j->out);
}

/* "key": value shorthands. */
static void k_str(Json *j, const char *key, const char *s) { j_key(j, key); j_str(j, s); }
static void k_num(Json *j, const char *key, double v) { j_key(j, key); j_num(j, v); }
static void k_bool(Json *j, const char *key, bool b) { j_key(j, key); j_bool(j, b); }

/* ------------------------------------------------------------------------ */
/* Values of the model                                                       */
/* ------------------------------------------------------------------------ */

typedef struct Export {
  Json j;
  const Model *m;
  Arena *a;
} Export;

/* A day number as an ISO date. */
static const char *iso_date(Export *e, int64_t days) {
  int y, mo, d;
  date_from_days(days, &y, &mo, &d);
  return arena_printf(e->a, "%04d-%02d-%02d", y, mo, d);
}

static void k_date(Export *e, const char *key, int64_t days) { k_str(&e->j, key, iso_date(e, days)); }

/* {"file", "line", "column", "end_line", "end_column", "start_byte", "end_byte"} or null. */
static void k_span(Export *e, const char *key, Span s) {
  j_key(&e->j, key);
  if (s.file == NO_FILE) {
    j_null(&e->j);
    return;
  }
  Sources *src = e->m->c->src;
  int l1, c1, l2, c2;
  src_linecol(src, s.file, s.start, &l1, &c1);
  src_linecol(src, s.file, s.end, &l2, &c2);
  j_open(&e->j, '{');
  k_str(&e->j, "file", src_file(src, s.file)->path);
  j_key(&e->j, "line"), j_int(&e->j, l1);
  j_key(&e->j, "column"), j_int(&e->j, c1);
  j_key(&e->j, "end_line"), j_int(&e->j, l2);
  j_key(&e->j, "end_column"), j_int(&e->j, c2);
  j_key(&e->j, "start_byte"), j_int(&e->j, s.start);
  j_key(&e->j, "end_byte"), j_int(&e->j, s.end);
  j_close(&e->j, '}');
}

/* The source text of a span (a formula, a unit's definition). */
static const char *span_text(Export *e, Span s) {
  if (s.file == NO_FILE) return NULL;
  const SourceFile *f = src_file(e->m->c->src, s.file);
  if (s.end > f->len || s.end < s.start) return NULL;
  return arena_strndup(e->a, f->text + s.start, s.end - s.start);
}

/* The readable name of a unit's dimension ("EUR", "tCO2e/day", "1"). */
static const char *dim_name(Export *e, const Unit *u) {
  return dim_format(e->m->units, e->a, &u->dim);
}

/* {"value", "unit", "base_value", "base_unit"}: value in the unit as written and in
 * base units. A quantity without a unit is a plain number (unit "1"). */
static void quantity_fields(Export *e, double base_value, const Unit *u) {
  double scale = u ? u->scale : 1.0;
  /* 15 significant digits give back the decimal as written (3 MEUR, not 3.0000000000000004) */
  char buf[40];
  snprintf(buf, sizeof buf, "%.15g", base_value / scale);
  k_num(&e->j, "value", strtod(buf, NULL));
  k_str(&e->j, "unit", u ? u->name : "1");
  k_num(&e->j, "base_value", base_value);
  k_str(&e->j, "base_unit", u ? dim_name(e, u) : "1");
}

/* A value in unit u as written (15 significant digits), or null when infinite. */
static void k_in_unit(Export *e, const char *key, double base_value, const Unit *u) {
  j_key(&e->j, key);
  if (!isfinite(base_value)) {
    j_null(&e->j);
    return;
  }
  char buf[40];
  snprintf(buf, sizeof buf, "%.15g", base_value / (u ? u->scale : 1.0));
  j_num(&e->j, strtod(buf, NULL));
}

/* The keys of a bound, a range or a rate, after a quantity's own: "bound" (">=", "<=",
 * "range"), "min" and "max" (null on the open side), for targets "effective"; for a
 * rate "rate" {"value", "max", "unit", "per"} and "years" (the period it covers). */
static void bound_fields(Export *e, const Quantity *q, bool effective) {
  if (q->bound != QB_EXACT) {
    k_str(&e->j, "bound", q->bound == QB_MIN ? ">=" : q->bound == QB_MAX ? "<=" : "range");
    k_in_unit(e, "min", q->lo, q->unit);
    k_in_unit(e, "max", q->hi, q->unit);
    if (effective) k_in_unit(e, "effective", q->value, q->unit);
  }
  if (q->per) {
    const Unit *u = q->unit;
    j_key(&e->j, "rate");
    j_open(&e->j, '{');
    k_in_unit(e, "value", q->rate_lo * q->per->scale, u);
    k_in_unit(e, "max", q->bound == QB_RANGE ? q->rate_hi * q->per->scale : NAN, u);
    k_str(&e->j, "unit", arena_printf(e->a, "%s/%s", u ? u->name : "1", q->per->name));
    k_str(&e->j, "per", q->per->name);
    j_close(&e->j, '}');
    k_in_unit(e, "years", q->days, units_lookup(e->m->units, intern_cstr(e->m->c->names, "year")));
  }
}

static void k_quantity(Export *e, const char *key, const Quantity *q) {
  j_key(&e->j, key);
  if (!q->set) {
    j_null(&e->j);
    return;
  }
  j_open(&e->j, '{');
  quantity_fields(e, q->value, q->unit);
  bound_fields(e, q, false);
  k_str(&e->j, "source", q->source ? q->source->name : NULL);
  j_close(&e->j, '}');
}

static void k_period(Export *e, const char *key, const Period *p) {
  j_key(&e->j, key);
  if (!p->set) {
    j_null(&e->j);
    return;
  }
  j_open(&e->j, '{');
  k_date(e, "start", p->start);
  k_date(e, "end", p->end);
  j_close(&e->j, '}');
}

/* A reference: the name of the declaration, or null. */
static void k_ref(Export *e, const char *key, const Sym *s) { k_str(&e->j, key, s ? s->name : NULL); }

static void k_refs(Export *e, const char *key, const SymList *list) {
  j_key(&e->j, key);
  j_open(&e->j, '[');
  for (int i = 0; i < list->len; i++) j_str(&e->j, list->items[i] ? list->items[i]->name : NULL);
  j_close(&e->j, ']');
}

/* [{"<target_key>": name, "<value_key>": value}], the value a quantity (money,
 * expects) or a plain number (weights). */
static void k_links(Export *e, const char *key, const LinkList *list, const char *target_key,
                    const char *value_key, bool quantity) {
  j_key(&e->j, key);
  j_open(&e->j, '[');
  for (int i = 0; i < list->len; i++) {
    const Link *l = &list->items[i];
    j_open(&e->j, '{');
    k_ref(e, target_key, l->target);
    if (quantity && !l->has_value) {
      j_key(&e->j, value_key);
      j_null(&e->j);
    } else if (quantity) {
      j_key(&e->j, value_key);
      j_open(&e->j, '{');
      quantity_fields(e, l->value, l->unit);
      if (l->q) bound_fields(e, l->q, l->q->bound != QB_EXACT && l->target && l->target->kind == DK_GOAL);
      j_close(&e->j, '}');
    } else {
      k_num(&e->j, value_key, l->value);
    }
    k_str(&e->j, "source", link_source(l) ? link_source(l)->name : NULL);
    k_span(e, "span", link_span(l));
    j_close(&e->j, '}');
  }
  j_close(&e->j, ']');
}

/* "type": "number" | "bool" | "date" | ..., and for numbers "dimension". */
static void type_fields(Export *e, const Type *t) {
  static const char *const names[] = {"error", "number", "bool", "date", "string", "range", "declaration"};
  k_str(&e->j, "type", (size_t)t->kind < sizeof names / sizeof *names ? names[t->kind] : "error");
  j_key(&e->j, "dimension");
  if (t->kind == TY_NUM) j_str(&e->j, dim_format(e->m->units, e->a, &t->dim));
  else j_null(&e->j);
}

/* "roles": [{"actor", "role", "span"}]. */
static void k_roles(Export *e, const Sym *s) {
  j_key(&e->j, "roles");
  j_open(&e->j, '[');
  for (int i = 0; i < s->more->roles.len; i++) {
    j_open(&e->j, '{');
    k_ref(e, "actor", s->more->roles.items[i].actor);
    k_str(&e->j, "role", s->more->roles.items[i].role);
    k_span(e, "span", s->more->roles.items[i].span);
    j_close(&e->j, '}');
  }
  j_close(&e->j, ']');
}

/* "allow": [{"code", "reason", "silenced", "span"}]: the acknowledged warnings. */
static void k_allows(Export *e, const Sym *s) {
  j_key(&e->j, "allow");
  j_open(&e->j, '[');
  for (int i = 0; i < s->more->allows.len; i++) {
    const Allow *a = &s->more->allows.items[i];
    j_open(&e->j, '{');
    k_str(&e->j, "code", a->code);
    k_str(&e->j, "reason", a->reason);
    j_key(&e->j, "silenced");
    j_int(&e->j, a->used);
    k_span(e, "span", a->span);
    j_close(&e->j, '}');
  }
  j_close(&e->j, ']');
}

/* "leverage": co-funding / public funding, or null. */
static void k_leverage(Export *e, const Sym *s) {
  double co, pub, ratio;
  j_key(&e->j, "leverage");
  if (model_leverage(s, &co, &pub, &ratio)) j_num(&e->j, ratio);
  else j_null(&e->j);
}

/* ------------------------------------------------------------------------ */
/* Attributes, one function per kind                                         */
/* ------------------------------------------------------------------------ */

static void attrs_mission(Export *e, const Sym *s) {
  k_str(&e->j, "challenge", s->mission.challenge);
  k_str(&e->j, "statement", s->mission.statement);
  k_ref(e, "owner", s->mission.owner);
  k_period(e, "period", &s->mission.period);
  k_quantity(e, "budget", &s->mission.budget);
  k_roles(e, s);
  k_allows(e, s);
}

static void attrs_actor(Export *e, const Sym *s) {
  k_str(&e->j, "sector", s->actor.sector ? sector_names[s->actor.sector] : NULL);
  k_str(&e->j, "level", s->actor.level ? level_names[s->actor.level] : NULL);
  k_ref(e, "parent", s->actor.parent);
  k_allows(e, s);
}

static void attrs_indicator(Export *e, const Sym *s) {
  k_str(&e->j, "unit", s->indicator.unit ? s->indicator.unit->name : NULL);
  k_str(&e->j, "dimension", s->indicator.unit ? dim_name(e, s->indicator.unit) : NULL);
  k_str(&e->j, "source", s->indicator.source);
  k_allows(e, s);
}

/* baseline / target: the quantity in the indicator's unit plus its date. */
static void goal_point(Export *e, const char *key, const Sym *s, const Quantity *q,
                       const char *date_key, int64_t day) {
  j_key(&e->j, key);
  if (!q->set) {
    j_null(&e->j);
    return;
  }
  const Unit *u = q->unit ? q->unit : s->goal.indicator ? s->goal.indicator->indicator.unit : NULL;
  j_open(&e->j, '{');
  quantity_fields(e, q->value, u);
  bound_fields(e, q, true);
  k_date(e, date_key, day);
  k_str(&e->j, "source", q->source ? q->source->name : NULL);
  j_close(&e->j, '}');
}

/* A list of strings (assumes, options). */
static void k_strs(Export *e, const char *key, const StrList *list) {
  j_key(&e->j, key);
  j_open(&e->j, '[');
  for (int i = 0; i < list->len; i++) j_str(&e->j, list->items[i]);
  j_close(&e->j, ']');
}

/* The planned path: [{"date", "value": quantity}], baseline, milestones, target. */
static void goal_plan(Export *e, const Sym *s) {
  const Unit *u = s->goal.target.unit ? s->goal.target.unit
                  : s->goal.indicator ? s->goal.indicator->indicator.unit : NULL;
  j_key(&e->j, "planned");
  j_open(&e->j, '[');
  for (int i = 0; i < s->goal.nplan; i++) {
    j_open(&e->j, '{');
    k_date(e, "date", (int64_t)s->goal.plan_day[i]);
    j_key(&e->j, "value");
    j_open(&e->j, '{');
    quantity_fields(e, s->goal.plan_value[i], u);
    j_close(&e->j, '}');
    j_close(&e->j, '}');
  }
  j_close(&e->j, ']');
}

static void attrs_goal(Export *e, const Sym *s) {
  k_ref(e, "indicator", s->goal.indicator);
  goal_point(e, "baseline", s, &s->goal.baseline, "at", s->goal.start);
  goal_point(e, "target", s, &s->goal.target, "by", s->goal.deadline);
  k_date(e, "start", s->goal.start);
  k_date(e, "deadline", s->goal.deadline);
  j_key(&e->j, "weight");
  if (s->goal.has_weight) j_num(&e->j, s->goal.weight); else j_null(&e->j);
  k_ref(e, "parent", s->goal.parent);
  k_roles(e, s);
  k_allows(e, s);
  k_str(&e->j, "level", s->goal.level ? goal_level_names[s->goal.level] : NULL);
  k_links(e, "contributes", &s->goal.contributes, "goal", "weight", false);
  k_strs(e, "assumes", &s->goal.assumes);
  goal_plan(e, s);
}

static void attrs_phase(Export *e, const Sym *s) {
  k_period(e, "period", &s->phase.period);
  k_refs(e, "after", &s->phase.after);
  k_allows(e, s);
}

static void attrs_milestone(Export *e, const Sym *s) {
  k_date(e, "date", s->milestone.date);
  k_ref(e, "phase", s->milestone.phase);
  k_refs(e, "after", &s->milestone.after);
  k_links(e, "expects", &s->milestone.expects, "goal", "value", true);
  k_roles(e, s);
  k_allows(e, s);
  k_str(&e->j, "kind", milestone_kind_names[s->milestone.kind ? s->milestone.kind : MK_EVENT]);
  k_ref(e, "by", s->milestone.by);
  k_refs(e, "reviews", &s->milestone.reviews);
  k_strs(e, "options", &s->milestone.options);
  k_str(&e->j, "decided", s->milestone.decided);
}

static void attrs_instrument(Export *e, const Sym *s) {
  static const char *const push[] = {NULL, "supply", "demand"};
  k_str(&e->j, "kind", s->instrument.kind ? instr_kind_names[s->instrument.kind] : NULL);
  k_str(&e->j, "push", push[s->instrument.push]);
  k_ref(e, "by", s->instrument.by);
  k_quantity(e, "budget", &s->instrument.budget);
  k_period(e, "period", &s->instrument.period);
  k_refs(e, "requires", &s->instrument.requires);
  k_refs(e, "by_all", &s->instrument.by_all);
  k_links(e, "cofunded_by", &s->instrument.cofunded_by, "actor", "amount", true);
  k_leverage(e, s);
  k_roles(e, s);
  k_allows(e, s);
}

static void attrs_project(Export *e, const Sym *s) {
  k_ref(e, "lead", s->project.lead);
  k_refs(e, "partners", &s->project.partners);
  k_links(e, "funded_by", &s->project.funded_by, "instrument", "amount", true);
  j_key(&e->j, "disciplines");
  j_open(&e->j, '[');
  for (int i = 0; i < s->project.ndisciplines; i++) j_str(&e->j, s->project.disciplines[i]);
  j_close(&e->j, ']');
  k_period(e, "period", &s->project.period);
  k_links(e, "contributes", &s->project.contributes, "goal", "weight", false);
  k_refs(e, "supported_by", &s->project.supported_by);
  k_links(e, "cofunded_by", &s->project.cofunded_by, "actor", "amount", true);
  k_leverage(e, s);
  k_roles(e, s);
  k_allows(e, s);
  k_strs(e, "assumes", &s->project.assumes);
}

static void attrs_risk(Export *e, const Sym *s) {
  k_num(&e->j, "likelihood", s->risk.likelihood);
  k_links(e, "affects", &s->risk.affects, "goal", "change", true);
  k_ref(e, "owner", s->risk.owner);
  k_refs(e, "mitigated_by", &s->risk.mitigated_by);
  k_allows(e, s);
}

static void attrs_source(Export *e, const Sym *s) {
  k_str(&e->j, "url", s->source.url);
  k_str(&e->j, "publisher", s->source.publisher);
  if (s->source.has_published) k_date(e, "published", s->source.published);
  else k_str(&e->j, "published", NULL);
  if (s->source.has_retrieved) k_date(e, "retrieved", s->source.retrieved);
  else k_str(&e->j, "retrieved", NULL);
  k_allows(e, s);
}

static void attrs_record(Export *e, const Sym *s) {
  j_key(&e->j, "fields");
  j_open(&e->j, '[');
  for (int i = 0; i < s->record.nfields; i++) {
    const Field *f = &s->record.fields[i];
    j_open(&e->j, '{');
    k_str(&e->j, "name", f->name);
    type_fields(e, &f->type);
    k_str(&e->j, "unit", f->type.kind == TY_NUM && f->type.unit ? f->type.unit->name : NULL);
    k_span(e, "span", f->span);
    j_close(&e->j, '}');
  }
  j_close(&e->j, ']');
}

/* What a rule reads: the indicators (and date) or the fields of its record. */
static void rule_inputs(Export *e, const Sym *s) {
  j_key(&e->j, "inputs");
  j_open(&e->j, '{');
  k_refs(e, "indicators", &s->rule.indicators);
  k_bool(&e->j, "date", s->rule.reads_date);
  j_key(&e->j, "fields");
  j_open(&e->j, '[');
  for (int i = 0; i < s->rule.nfields_read; i++) {
    int f = s->rule.fields[i];
    const Sym *r = s->rule.on;
    j_str(&e->j, r && f >= 0 && f < r->record.nfields ? r->record.fields[f].name : NULL);
  }
  j_close(&e->j, ']');
  j_close(&e->j, '}');
}

/* condition, score and fn: record, result type and unit, formula, parameters, inputs. */
static void attrs_rule(Export *e, const Sym *s) {
  if (s->kind != DK_FN) k_ref(e, "on", s->rule.on);
  type_fields(e, &s->rule.type);
  k_str(&e->j, "unit", s->rule.unit ? s->rule.unit->name : NULL);
  if (s->kind == DK_FN) {
    j_key(&e->j, "params");
    j_open(&e->j, '[');
    for (int i = 0; i < s->rule.nparams; i++) {
      const Node *p = s->rule.params[i];
      j_open(&e->j, '{');
      k_str(&e->j, "name", p->param.name.str);
      k_str(&e->j, "unit", p->param.unit ? span_text(e, p->param.unit->span) : NULL);
      j_close(&e->j, '}');
    }
    j_close(&e->j, ']');
  }
  k_str(&e->j, "formula", s->rule.body ? span_text(e, s->rule.body->span) : NULL);
  if (s->kind != DK_FN) rule_inputs(e, s);
}

/* A test's `given` or `expect` pairs: name and value as written. */
static void test_items(Export *e, const char *key, const TestItem *items, int n) {
  j_key(&e->j, key);
  j_open(&e->j, '[');
  for (int i = 0; i < n; i++) {
    j_open(&e->j, '{');
    k_str(&e->j, "name", items[i].name);
    k_str(&e->j, "value", span_text(e, items[i].value_span));
    j_close(&e->j, '}');
  }
  j_close(&e->j, ']');
}

static void attrs_test(Export *e, const Sym *s) {
  k_ref(e, "on", s->test.on);
  test_items(e, "given", s->test.given, s->test.ngiven);
  test_items(e, "expect", s->test.expect, s->test.nexpect);
  k_num(&e->j, "within", s->test.within);
}

static void attrs_of(Export *e, const Sym *s) {
  switch (s->kind) {
  case DK_MISSION: attrs_mission(e, s); break;
  case DK_ACTOR: attrs_actor(e, s); break;
  case DK_INDICATOR: attrs_indicator(e, s); break;
  case DK_GOAL: attrs_goal(e, s); break;
  case DK_PHASE: attrs_phase(e, s); break;
  case DK_MILESTONE: attrs_milestone(e, s); break;
  case DK_INSTRUMENT: attrs_instrument(e, s); break;
  case DK_PROJECT: attrs_project(e, s); break;
  case DK_RECORD: attrs_record(e, s); break;
  case DK_CONDITION:
  case DK_SCORE:
  case DK_FN: attrs_rule(e, s); break;
  case DK_TEST: attrs_test(e, s); break;
  case DK_RISK: attrs_risk(e, s); break;
  case DK_SOURCE: attrs_source(e, s); break;
  case DK_UNIT:
  case DK_COUNT: break;
  }
}

/* ------------------------------------------------------------------------ */
/* The document                                                              */
/* ------------------------------------------------------------------------ */

static void export_declaration(Export *e, const Sym *s) {
  j_open(&e->j, '{');
  k_str(&e->j, "kind", decl_kind_names[s->kind]);
  k_str(&e->j, "name", s->name);
  k_str(&e->j, "title", sym_title_text(s));
  k_str(&e->j, "doc", sym_doc(s));
  k_bool(&e->j, "imported", s->imported);
  k_span(e, "span", s->decl ? s->decl->span : NO_SPAN);
  k_refs(e, "sources", &s->more->sources);
  j_key(&e->j, "attributes");
  j_open(&e->j, '{');
  attrs_of(e, s);
  j_close(&e->j, '}');
  j_close(&e->j, '}');
}

/* Every unit the model knows (built-ins, imported and declared), in table order. */
static void export_units(Export *e) {
  const UnitTable *t = e->m->units;
  j_key(&e->j, "units");
  j_open(&e->j, '[');
  for (int i = 0; t && i < units_count(t); i++) {
    const Unit *u = units_at(t, i);
    if (u == units_date(t)) continue;   /* the date type, not a unit of measure */
    const Node *d = u->decl;
    j_open(&e->j, '{');
    k_str(&e->j, "name", u->name);
    k_str(&e->j, "doc", d ? d->decl.doc : NULL);
    k_bool(&e->j, "builtin", d == NULL);
    k_bool(&e->j, "imported", u->imported);
    k_bool(&e->j, "base", u->base >= 0);
    k_str(&e->j, "dimension", dim_name(e, u));
    k_num(&e->j, "scale", u->scale);
    k_str(&e->j, "definition", d && decl_body(d) ? span_text(e, decl_body(d)->span) : NULL);
    k_span(e, "span", d ? d->span : NO_SPAN);
    j_close(&e->j, '}');
  }
  j_close(&e->j, ']');
}

/* The source files in load order, with the paths that the spans name. */
static void export_sources(Export *e) {
  Sources *src = e->m->c->src;
  j_key(&e->j, "sources");
  j_open(&e->j, '[');
  for (size_t i = 0; i < src->count; i++) {
    j_open(&e->j, '{');
    k_str(&e->j, "path", src_file(src, (uint32_t)i)->path);
    k_bool(&e->j, "checked", i == e->m->main_file);
    j_close(&e->j, '}');
  }
  j_close(&e->j, ']');
}

void export_json(FILE *out, const Model *m) {
  Export e = {.j = {.out = out}, .m = m, .a = m->c->arena};
  Json *j = &e.j;
  j_open(j, '{');
  k_str(j, "format", "missionc-export");
  j_key(j, "format_version"), j_int(j, EXPORT_FORMAT_VERSION);
  k_str(j, "file", m->main_file < m->c->src->count ? src_file(m->c->src, m->main_file)->path : NULL);
  k_ref(&e, "mission", m->mission);
  export_sources(&e);
  export_units(&e);
  j_key(j, "declarations");
  j_open(j, '[');
  for (int i = 0; i < m->syms.len; i++) {
    const Sym *s = m->syms.items[i];
    if (s->kind != DK_UNIT) export_declaration(&e, s);
  }
  j_close(j, ']');
  j_close(j, '}');
  fputc('\n', out);
}
