/* check_test.c - tests in the file (LANGUAGE.md section "Tests in the file"):
 *
 *   test NAME "title" [on RECORD] {
 *     given  INPUT: VALUE, ...     the record's fields with `on`, else indicators and `date`
 *     expect RULE: VALUE, ...      scores and conditions over the same inputs
 *     within TOLERANCE             optional: a plain number, relative (default: exact)
 *   }
 *
 * Checked after the rules, whose inputs and result types are then known: every input
 * a rule reads must be given, each value must have the input's or the rule's type and
 * dimension, and must be a constant. `missionc test` runs what passes (filetest.c).
 */
#include <string.h>

#include "check_int.h"

/* Whether a value of type got fits where want is needed. */
static bool type_fits(const Type *want, const Type *got) {
  return want->kind == got->kind && (want->kind != TY_NUM || dim_eq(&want->dim, &got->dim));
}

/* Check that arg has the form `NAME: VALUE`; returns the name's node or NULL (reported). */
static Node *pair_name(Checker *k, const char *attr, Node *arg) {
  Node *e = arg_expr(arg);
  if (e && e->kind == ND_NAME && name_nparts(e) == 1 && arg_value(arg) && arg_qual(arg) == QUAL_NONE) return e;
  Diagnostic *g = ck_error(k, arg->span, E0704, "'%s' takes pairs '%s', not %s", attr,
                           strcmp(attr, "given") == 0 ? "INPUT: VALUE" : "RULE: VALUE",
                           ck_node_text(e ? e : arg));
  ck_note(k, g, NO_SPAN, "write '%s %s'", attr,
          strcmp(attr, "given") == 0 ? "emission_cut: 5%, tax_haven: false" : "applicant_fit: 0.5, eligible: true");
  return NULL;
}

/* The constant value of a pair and its check against the type wanted. */
static bool pair_value(Checker *k, const char *attr, const char *name, const Type *want, Node *v, TestItem *out) {
  Type got;
  if (!ck_constant(k, v, attr, &got, &out->value)) return false;
  out->type = got;
  out->value_span = v->span;
  if (want->kind == TY_ERROR || type_fits(want, &got)) return true;
  bool units = want->kind == TY_NUM && got.kind == TY_NUM;
  ck_error(k, v->span, units ? E0303 : E0608, "'%s' is %s, but this value is %s", name,
           ck_type_in(k, want), ck_type_in(k, &got));
  return false;
}

/* given INPUT: VALUE (one pair). */
static bool check_given(Checker *k, Sym *t, Node *arg, TestItem *out) {
  Node *e = pair_name(k, "given", arg);
  if (!e) return false;
  Ident id = name_part(e, 0);
  Type want = ck_type_of(TY_ERROR);
  *out = (TestItem){.name = id.str, .field = -1, .span = arg->span};
  Sym *rec = t->test.on;
  if (rec) {
    NameMap *fields = ck_record_fields(cksym(rec));
    Field *f = fields ? namemap_get(fields, id.str) : NULL;
    if (!f) {
      Diagnostic *g = ck_error(k, id.span, E0201, "record '%s' has no field '%s'", rec->name, id.str);
      Suggest s;
      ck_suggest_init(&s, id.str);
      for (int i = 0; i < rec->record.nfields; i++) ck_suggest_add(&s, rec->record.fields[i].name, rec->record.fields[i].span);
      ck_note_suggest(k, g, &s);
      return false;
    }
    out->field = (int)(f - rec->record.fields);
    want = f->type;
  } else if (id.str == k->s_date) {
    out->date = true;
    want = ck_type_of(TY_DATE);
  } else {
    Sym *s = namemap_get(k->names, id.str);
    if (!s) {
      Diagnostic *g = ck_error(k, id.span, E0201, "unknown indicator '%s'", id.str);
      Suggest sg;
      ck_suggest_init(&sg, id.str);
      resolve_suggest(k, &sg, REFS(INDICATOR));
      ck_note_suggest(k, g, &sg);
      return false;
    }
    if (s->kind != DK_INDICATOR) {
      Diagnostic *g = ck_error(k, id.span, E0202, "'%s' is %s, but 'given' takes an indicator or 'date' "
                               "(or, in a test 'on' a record, its fields)", id.str, schema_kind_text(s->kind));
      ck_note_decl(k, g, s);
      return false;
    }
    out->sym = s;
    if (s->indicator.unit) want = ck_type_num(s->indicator.unit->dim, s->indicator.unit);
  }
  return pair_value(k, "given", id.str, &want, arg_value(arg), out);
}

/* expect RULE: VALUE (one pair). */
static bool check_expect(Checker *k, Sym *t, Node *arg, TestItem *out) {
  Node *e = pair_name(k, "expect", arg);
  if (!e) return false;
  Ident id = name_part(e, 0);
  *out = (TestItem){.name = id.str, .field = -1, .span = arg->span};
  Sym *r = namemap_get(k->names, id.str);
  if (!r) {
    Diagnostic *g = ck_error(k, id.span, E0201, "unknown score or condition '%s'", id.str);
    Suggest sg;
    ck_suggest_init(&sg, id.str);
    resolve_suggest(k, &sg, REFS(SCORE) | REFS(CONDITION));
    ck_note_suggest(k, g, &sg);
    return false;
  }
  if (r->kind != DK_SCORE && r->kind != DK_CONDITION) {
    Diagnostic *g = ck_error(k, id.span, E0202, "'%s' is %s, but 'expect' takes a score or a condition",
                             id.str, schema_kind_text(r->kind));
    ck_note_decl(k, g, r);
    return false;
  }
  out->sym = r;
  if (r->rule.on != t->test.on) {
    Diagnostic *g;
    if (r->rule.on && t->test.on)
      g = ck_error(k, id.span, E0605, "'%s' reads record '%s', but test '%s' gives record '%s'", id.str,
                   r->rule.on->name, t->name, t->test.on->name);
    else if (r->rule.on)
      g = ck_error(k, id.span, E0605, "'%s' reads record '%s': write 'test %s on %s'", id.str,
                   r->rule.on->name, t->name, r->rule.on->name);
    else
      g = ck_error(k, id.span, E0605, "'%s' reads indicators, but test '%s' gives record '%s'", id.str,
                   t->name, t->test.on->name);
    ck_note_decl(k, g, r);
    return false;
  }
  Type want = r->rule.type;
  if (want.kind == TY_ERROR) return false;   /* the rule's own error is reported */
  return pair_value(k, "expect", id.str, &want, arg_value(arg), out);
}

/* within TOLERANCE */
static void check_within(Checker *k, Sym *t, Node *attr) {
  if (attr->attr.args.len != 1) {
    ck_error(k, attr->span, E0705, "'within' takes one plain number, a relative tolerance such as 0.001");
    return;
  }
  Node *a = attr->attr.args.items[0];
  Node *e = !arg_value(a) && arg_qual(a) == QUAL_NONE ? arg_expr(a) : NULL;
  Type ty;
  double v;
  if (!e) {
    ck_error(k, a->span, E0704, "'within' takes a plain number, not %s", ck_node_text(a));
    return;
  }
  if (!ck_constant(k, e, "within", &ty, &v)) return;
  if (ty.kind != TY_NUM || !dim_is_none(&ty.dim) || v < 0) {
    ck_error(k, e->span, E0304, "'within' takes a plain number that is not negative (a relative "
             "tolerance such as 0.001), not %s", ty.kind == TY_NUM && dim_is_none(&ty.dim) ? ck_number(k, v) : ck_type_text(k, &ty));
    return;
  }
  t->test.within = v;
}

/* Every input a rule reads must be given. */
static void check_inputs(Checker *k, Sym *t, const TestItem *x) {
  const Sym *r = x->sym;
  if (r->rule.on) {
    for (int i = 0; i < r->rule.nfields_read; i++) {
      int f = r->rule.fields[i];
      bool given = false;
      for (int j = 0; j < t->test.ngiven && !given; j++) given = t->test.given[j].field == f;
      if (given) continue;
      Diagnostic *g = ck_error(k, x->span, E0703, "test '%s' does not give '%s', which '%s' reads", t->name,
                               r->rule.on->record.fields[f].name, r->name);
      ck_note(k, g, r->rule.on->record.fields[f].span, "field '%s' declared here", r->rule.on->record.fields[f].name);
    }
    return;
  }
  for (int i = 0; i < r->rule.indicators.len; i++) {
    const Sym *ind = r->rule.indicators.items[i];
    bool given = false;
    for (int j = 0; j < t->test.ngiven && !given; j++) given = t->test.given[j].sym == ind;
    if (!given) ck_error(k, x->span, E0703, "test '%s' does not give '%s', which '%s' reads", t->name, ind->name, r->name);
  }
  bool date = false;
  for (int j = 0; j < t->test.ngiven && !date; j++) date = t->test.given[j].date;
  if (r->rule.reads_date && !date)
    ck_error(k, x->span, E0703, "test '%s' does not give 'date', which '%s' reads", t->name, r->name);
}

/* Whether an item of the same name is already in list[0..n); reports it. */
static bool given_twice(Checker *k, const char *attr, const TestItem *list, int n, const TestItem *x) {
  for (int i = 0; i < n; i++) {
    if (list[i].name != x->name) continue;
    Diagnostic *g = ck_error(k, x->span, E0702, "'%s' is in '%s' twice", x->name, attr);
    ck_note(k, g, list[i].span, "first here");
    return true;
  }
  return false;
}

/* One test. */
static void check_test(Checker *k, CkSym *cs) {
  Sym *t = &cs->sym;
  Node *d = t->decl;
  int errors = diag_error_count(k->d);
  if (decl_on(d).str) {
    Ident on = decl_on(d);
    Sym *r = namemap_get(k->names, on.str);
    if (on.span.end - on.span.start > strlen(on.str)) on.span.start = on.span.end - (uint32_t)strlen(on.str);
    if (!r || r->kind != DK_RECORD) {
      Diagnostic *g = r ? ck_error(k, on.span, E0202, "'%s' is %s, but 'on' takes a record", on.str, schema_kind_text(r->kind))
                        : ck_error(k, on.span, E0201, "unknown record '%s'", on.str);
      if (r) ck_note_decl(k, g, r);
      return;
    }
    t->test.on = r;
  }
  int cap = 0;
  for (int i = 0; i < d->decl.attrs.len; i++) cap += d->decl.attrs.items[i]->attr.args.len;
  t->test.given = arena_alloc(k->a, sizeof(TestItem) * (size_t)(cap + 1));
  t->test.expect = arena_alloc(k->a, sizeof(TestItem) * (size_t)(cap + 1));
  Node *within = NULL;
  for (int i = 0; i < d->decl.attrs.len; i++) {
    Node *attr = d->decl.attrs.items[i];
    const char *name = attr->attr.name;
    bool given = strcmp(name, "given") == 0, expect = strcmp(name, "expect") == 0;
    if (strcmp(name, "within") == 0) {
      if (within) {
        Diagnostic *g = ck_error(k, attr_name_span(attr), E0702, "'within' is given twice");
        ck_note(k, g, within->span, "first here");
      } else {
        within = attr;
        check_within(k, t, attr);
      }
      continue;
    }
    if (!given && !expect) {
      Diagnostic *g = ck_error(k, attr_name_span(attr), E0701, "unknown attribute '%s' for a test", name);
      Suggest s;
      ck_suggest_init(&s, name);
      ck_suggest_add(&s, "given", NO_SPAN);
      ck_suggest_add(&s, "expect", NO_SPAN);
      ck_suggest_add(&s, "within", NO_SPAN);
      ck_note_suggest(k, g, &s);
      if (!s.best) ck_note(k, g, NO_SPAN, "a test takes 'given', 'expect' and 'within'");
      continue;
    }
    if (attr->attr.args.len == 0)
      ck_error(k, attr->span, E0705, "'%s' needs at least one pair '%s'", name, given ? "INPUT: VALUE" : "RULE: VALUE");
    for (int j = 0; j < attr->attr.args.len; j++) {
      TestItem x;
      if (given && check_given(k, t, attr->attr.args.items[j], &x) &&
          !given_twice(k, "given", t->test.given, t->test.ngiven, &x))
        t->test.given[t->test.ngiven++] = x;
      if (expect && check_expect(k, t, attr->attr.args.items[j], &x) &&
          !given_twice(k, "expect", t->test.expect, t->test.nexpect, &x))
        t->test.expect[t->test.nexpect++] = x;
    }
  }
  bool any_expect = false;
  for (int i = 0; i < d->decl.attrs.len; i++) any_expect |= strcmp(d->decl.attrs.items[i]->attr.name, "expect") == 0;
  if (!any_expect) {
    Diagnostic *g = ck_error(k, d->decl.name.span, E0703, "test '%s' has no 'expect'", t->name);
    ck_note(k, g, NO_SPAN, "write 'expect RULE: VALUE', the value a score or a condition must give");
  }
  for (int i = 0; i < t->test.nexpect; i++) check_inputs(k, t, &t->test.expect[i]);
  t->test.ok = diag_error_count(k->d) == errors;
}

void ck_tests(Checker *k) {
  for (int i = 0; i < k->all[DK_TEST].len; i++) {
    CkSym *s = k->all[DK_TEST].items[i];
    if (!s->registered || !s->form_ok) continue;
    check_test(k, s);
  }
}
