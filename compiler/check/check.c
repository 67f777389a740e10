/* check.c - the checker's driver: one model per compilation, the passes in
 * order, and the helpers every pass shares for messages and formatting.
 *
 *   imports -> declarations -> unit definitions -> attributes (schema)
 *     -> formulas (rules, fns) -> parents -> dates -> budgets
 */
#include "check.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check_int.h"
#include "util.h"

const char *const builtin_names[BI_COUNT] = {
#define X(id, name) name,
  BUILTIN_LIST(X)
#undef X
};
const char *const sector_names[SECTOR_COUNT] = {
#define X(id, name) name,
  SECTOR_LIST(X)
#undef X
};
const char *const level_names[LEVEL_COUNT] = {
#define X(id, name) name,
  LEVEL_LIST(X)
#undef X
};
const char *const instr_kind_names[IK_COUNT] = {
#define X(id, name) name,
  INSTR_KIND_LIST(X)
#undef X
};
const char *const push_names[PUSH_COUNT] = {"", "supply", "demand"};
const char *const goal_level_names[GL_COUNT] = {
#define X(id, name) name,
  GOAL_LEVEL_LIST(X)
#undef X
};
const char *const milestone_kind_names[MK_COUNT] = {
#define X(id, name) name,
  MILESTONE_KIND_LIST(X)
#undef X
};

/* ------------------------------------------------------------------------ */
/* Messages                                                                  */
/* ------------------------------------------------------------------------ */

/* Where a diagnostic goes: inside a polymorphic call, to the outermost call,
 * once per call, with notes that lead from the call to the real place. */
static Diagnostic *redirect(Checker *k, Span span, DiagCode code, const char *msg) {
  Inst *outer = k->inst;
  k->inst_errors++;
  while (outer->parent) outer = outer->parent;
  if (outer->reported) return NULL;
  outer->reported = true;
  if (outer->call->span.file < k->quiet_below) return NULL;
  Diagnostic *g = diag_error(k->d, outer->call->span, code, "%s, in this call of '%s'", msg,
                             outer->fn->name);
  diag_note(k->d, g, span, "in the body of '%s', here", k->inst->fn->name);
  int shown = 0, more = 0;
  for (Inst *i = k->inst; i != outer; i = i->parent) {
    if (shown++ < 4) diag_note(k->d, g, i->call->span, "'%s' is called from '%s' here", i->fn->name, i->parent->fn->name);
    else more++;
  }
  if (more) diag_note(k->d, g, NO_SPAN, "and %d more calls in between", more);
  return g;
}

Diagnostic *ck_error(Checker *k, Span span, DiagCode code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = arena_vprintf(k->a, fmt, ap);
  va_end(ap);
  if (k->inst) return redirect(k, span, code, msg);
  if (span.file != NO_FILE && span.file < k->quiet_below) return NULL;
  return diag_error(k->d, span, code, "%s", msg);
}

/* Warnings concern the checked file only: an imported library's parameters may
 * well hide names of the mission that imports it. */
Diagnostic *ck_warning(Checker *k, Span span, DiagCode code, const char *option, const char *fmt, ...) {
  if (k->inst || span.file != k->m->main_file) return NULL;
  va_list ap;
  va_start(ap, fmt);
  char *msg = arena_vprintf(k->a, fmt, ap);
  va_end(ap);
  return diag_warning(k->d, span, code, option, "%s", msg);
}

void ck_note(Checker *k, Diagnostic *g, Span span, const char *fmt, ...) {
  if (!g) return;
  va_list ap;
  va_start(ap, fmt);
  char *msg = arena_vprintf(k->a, fmt, ap);
  va_end(ap);
  diag_note(k->d, g, span, "%s", msg);
}

const char *ck_kind_word(DeclKind kind) { return kind == DK_FN ? "function" : decl_kind_names[kind]; }

void ck_note_decl(Checker *k, Diagnostic *g, const Sym *s) {
  if (s && s->decl) ck_note(k, g, s->decl->decl.name.span, "'%s' declared here", s->name);
}

void ck_suggest_init(Suggest *s, const char *name) {
  size_t n = strlen(name);
  s->name = name;
  s->limit = n <= 3 ? 1 : n <= 6 ? 2 : 3;
  s->best_d = s->limit + 1;
  s->best = NULL;
  s->best_span = NO_SPAN;
}

void ck_suggest_add(Suggest *s, const char *candidate, Span declared) {
  if (candidate == s->name || !candidate[0]) return;
  int d = strcasecmp(candidate, s->name) == 0 ? 0 : edit_distance(s->name, candidate, s->limit);
  /* a candidate that shares nothing with the name ('x' for '%') is no suggestion */
  if (d >= (int)strlen(s->name) && d > 0) return;
  if (d < s->best_d) {
    s->best_d = d;
    s->best = candidate;
    s->best_span = declared;
  }
}

void ck_note_suggest(Checker *k, Diagnostic *g, const Suggest *s) {
  if (!s->best) return;
  ck_note(k, g, s->best_span, "did you mean '%s'?", s->best);
  /* g is at the misspelt name itself, unless redirected to a polymorphic call */
  if (g && !k->inst) diag_fix(k->d, g, g->span, s->best, arena_printf(k->a, "replace with '%s'", s->best));
}

/* ------------------------------------------------------------------------ */
/* Formatting                                                                */
/* ------------------------------------------------------------------------ */

const char *ck_number(Checker *k, double v) {
  char buf[64];
  if (!isfinite(v)) return isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
  if (v == floor(v) && fabs(v) < 1e15) return arena_printf(k->a, "%.0f", v == 0 ? 0.0 : v);
  if (fabs(v) >= 1e-4 && fabs(v) < 1e15) {
    for (int p = 1; p <= 12; p++) {
      snprintf(buf, sizeof buf, "%.*f", p, v);
      if (fabs(strtod(buf, NULL) - v) <= 1e-12 * fabs(v)) return arena_strdup(k->a, buf);
    }
  }
  for (int p = 1; p <= 17; p++) {
    snprintf(buf, sizeof buf, "%.*g", p, v);
    if (fabs(strtod(buf, NULL) - v) <= 1e-12 * fabs(v)) break;
  }
  return arena_strdup(k->a, buf);
}

const char *ck_quantity(Checker *k, double base_value, const Unit *u) {
  if (!u || u == units_dimensionless(k->units)) return ck_number(k, base_value);
  const char *n = ck_number(k, base_value / u->scale);
  if (u == units_percent(k->units)) return arena_printf(k->a, "%s%%", n);
  return arena_printf(k->a, "%s %s", n, u->name);
}

const char *ck_date(Checker *k, int64_t days) {
  int y, m, d;
  date_from_days(days, &y, &m, &d);
  return arena_printf(k->a, "%04d-%02d-%02d", y, m, d);
}

const char *ck_type_text(Checker *k, const Type *t) {
  switch (t->kind) {
  case TY_NUM:
    if (t->unit && t->unit != units_dimensionless(k->units) && dim_eq(&t->unit->dim, &t->dim))
      return t->unit->name;
    if (dim_is_none(&t->dim)) return "a plain number";
    return dim_format(k->units, k->a, &t->dim);
  case TY_BOOL: return "a bool";
  case TY_DATE: return "a date";
  case TY_STRING: return "a string";
  case TY_RANGE: return "a range";
  case TY_DECL: return "a declaration";
  case TY_ERROR: break;
  }
  return "an invalid value";
}

const char *ck_type_in(Checker *k, const Type *t) {
  const char *s = ck_type_text(k, t);
  if (strncmp(s, "a ", 2) == 0 || strncmp(s, "an ", 3) == 0) return s;
  return arena_printf(k->a, "in %s", s);
}

const char *ck_node_text(const Node *n) {
  switch (n->kind) {
  case ND_NUMBER: return "a number";
  case ND_QUANTITY: return "a quantity";
  case ND_PERCENT: return "'%'";
  case ND_DATE: return "a date";
  case ND_STRING: return "a string";
  case ND_BOOL: return "a bool";
  case ND_NAME: return name_nparts(n) > 1 ? "a dotted name" : "a name";
  case ND_CALL: return "a function call";
  case ND_RANGE: return "a range";
  case ND_BOUND: return "a bound";
  default: return "a formula";
  }
}

SymMore sym_no_more;

ExprSem *ck_sem(Checker *k, Node *n) {
  ExprSem *e = k->sem_free;
  if (e) {
    k->sem_free = (ExprSem *)(uintptr_t)e->str;
    *e = (ExprSem){0};
  } else {
    e = arena_alloc(k->a, sizeof *e);
  }
  n->sem = e;
  return e;
}

/* A hash of an ExprSem's fields that tell records apart (sem_equal compares them all):
 * a few multiplies, as it runs once per node of every attribute value. */
static uint64_t sem_hash(const ExprSem *e) {
  uint64_t v;
  memcpy(&v, &e->value, sizeof v);
  uint64_t h = (uint64_t)(uintptr_t)e->ref * 0x9E3779B97F4A7C15ull;
  h ^= (uint64_t)(uintptr_t)e->str * 0xff51afd7ed558ccdull;
  h ^= (v ^ (uint64_t)(uintptr_t)e->type.unit) * 0xc4ceb9fe1a85ec53ull;
  h ^= (uint64_t)e->form << 8 ^ (uint64_t)e->type.kind ^ (uint64_t)(uint32_t)e->index << 16;
  h = (h ^ (h >> 32)) * 0xff51afd7ed558ccdull;   /* the slot is the low bits: mix the high ones in */
  return h ^ (h >> 29);
}

/* Whether two ExprSem records say the same, field by field (values bit for bit). */
static bool sem_equal(const ExprSem *a, const ExprSem *b) {
  return a->type.kind == b->type.kind && a->type.dim.e == b->type.dim.e && a->type.unit == b->type.unit &&
         memcmp(&a->value, &b->value, sizeof a->value) == 0 && a->str == b->str && a->ref == b->ref &&
         a->index == b->index && a->form == b->form && a->builtin == b->builtin && a->constant == b->constant &&
         a->poly == b->poly;
}

/* Double the table of shared records. */
static void sem_grow(Checker *k) {
  size_t cap = k->sem_cap ? k->sem_cap * 2 : 1024;
  ExprSem **slots = arena_alloc_table(k->a, cap * sizeof *slots);
  for (size_t i = 0; i < k->sem_cap; i++) {
    if (!k->sem_slots[i]) continue;
    size_t j = sem_hash(k->sem_slots[i]) & (cap - 1);
    while (slots[j]) j = (j + 1) & (cap - 1);
    slots[j] = k->sem_slots[i];
  }
  arena_free_table(k->a, k->sem_slots);
  k->sem_slots = slots;
  k->sem_cap = cap;
}

/* The shared record with e's contents: e itself when it is the first of them. */
static ExprSem *sem_intern(Checker *k, ExprSem *e) {
  if ((k->sem_count + 1) * 2 > k->sem_cap) sem_grow(k);
  size_t i = sem_hash(e) & (k->sem_cap - 1);
  for (; k->sem_slots[i]; i = (i + 1) & (k->sem_cap - 1))
    if (k->sem_slots[i] == e || sem_equal(k->sem_slots[i], e)) return k->sem_slots[i];
  k->sem_slots[i] = e;
  k->sem_count++;
  return e;
}

/* Share the records of n and of the nodes below it, depth levels at most. */
static void share_sems(Checker *k, Node *n, int depth) {
  if (!n || depth > MAX_DEPTH) return;
  int kids = ast_expr_kids(n);
  if (n->kind == ND_CALL) share_sems(k, n->call.callee, depth + 1);
  for (int i = 0; i < kids; i++) share_sems(k, ast_expr_kid(n, i), depth + 1);
  ExprSem *e = expr_sem(n);
  if (!e || e->form == EX_DECL) return;   /* a named declaration's record is its own (resolve_ref) */
  ExprSem *shared = sem_intern(k, e);
  if (shared == e) return;
  n->sem = shared;
  e->str = (const char *)(uintptr_t)k->sem_free;
  k->sem_free = e;
}

void ck_share_sems(Checker *k, Node *n) { share_sems(k, n, 0); }

Type ck_type_num(Dim dim, const Unit *unit) {
  Type t = {.kind = TY_NUM, .dim = dim, .unit = unit};
  return t;
}

Type ck_type_of(TypeKind kind) {
  Type t = {.kind = kind};
  return t;
}

/* ------------------------------------------------------------------------ */
/* The model                                                                 */
/* ------------------------------------------------------------------------ */

Sym *model_lookup(const Model *m, const char *name) {
  return name && m->names ? namemap_get(m->names, name) : NULL;
}

bool model_date(const Node *n, bool last, int64_t *out) {
  if (!n) return false;
  if (n->kind == ND_DATE) {
    *out = last ? date_last_day(n->date.date) : date_first_day(n->date.date);
    return true;
  }
  if (n->kind != ND_NUMBER || !n->number.text || strlen(n->number.text) != 4) return false;
  for (int i = 0; i < 4; i++)
    if (n->number.text[i] < '0' || n->number.text[i] > '9') return false;
  Date d = {.year = atoi(n->number.text), .prec = DATE_YEAR};
  *out = last ? date_last_day(d) : date_first_day(d);
  return true;
}

/* By file, then start. */
static int span_cmp(const void *pa, const void *pb) {
  const Span *a = pa, *b = pb;
  if (a->file != b->file) return a->file < b->file ? -1 : 1;
  return a->start < b->start ? -1 : a->start > b->start;
}

/* The spans of the syntax errors (codes E01xx) reported so far, sorted. */
static void collect_syntax_errors(Checker *k) {
  PtrVec *list = &k->d->list;
  k->syntax_errors = arena_alloc(k->a, sizeof(Span) * (size_t)(list->len + 1));
  for (int i = 0; i < list->len; i++) {
    const Diagnostic *g = list->items[i];
    if (g->sev == SEV_ERROR && strncmp(diag_code_text(g->code), "E01", 3) == 0 && g->span.file != NO_FILE)
      k->syntax_errors[k->nsyntax_errors++] = g->span;
  }
  qsort(k->syntax_errors, (size_t)k->nsyntax_errors, sizeof(Span), span_cmp);
}

bool ck_damaged(Checker *k, const Node *decl) {
  Span key = {decl->span.file, decl->span.start, decl->span.start};
  int lo = 0, hi = k->nsyntax_errors;
  while (lo < hi) {   /* first error at or after the declaration's start */
    int mid = (lo + hi) / 2;
    if (span_cmp(&k->syntax_errors[mid], &key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo < k->nsyntax_errors && k->syntax_errors[lo].file == decl->span.file &&
         k->syntax_errors[lo].start < decl->span.end;
}

/* A checker for one compilation of `root`. */
static Checker *checker_new(Compiler *c, Node *root) {
  Checker *k = arena_alloc(c->arena, sizeof *k);
  Model *m = arena_alloc(c->arena, sizeof *m);
  k->c = c;
  k->m = m;
  k->a = c->arena;
  k->d = c->diag;
  k->units = units_new(c->arena, c->names);
  k->names = namemap_new_keyed(c->arena, 256, offsetof(Sym, name));
  m->names = k->names;
  k->quiet_below = root->span.file;
  m->c = c;
  m->units = k->units;
  m->main_file = root->span.file;
  k->s_date = intern_cstr(c->names, "date");
  k->s_bool = intern_cstr(c->names, "bool");
  k->s_baseline = intern_cstr(c->names, "baseline");
  k->s_target = intern_cstr(c->names, "target");
  k->s_start = intern_cstr(c->names, "start");
  k->s_deadline = intern_cstr(c->names, "deadline");
  for (int i = 1; i < BI_COUNT; i++) k->builtins[i] = intern_cstr(c->names, builtin_names[i]);
  return k;
}

/* Attributes of every declaration, in an order where what others need comes
 * first (ck_fill also fills a dependency on demand). */
static void fill_all(Checker *k) {
  static const DeclKind order[] = {DK_SOURCE,    DK_INDICATOR, DK_RECORD,  DK_FN,
                                   DK_SCORE,     DK_CONDITION, DK_ACTOR,   DK_MISSION,
                                   DK_GOAL,      DK_PHASE,     DK_MILESTONE, DK_INSTRUMENT,
                                   DK_PROJECT,   DK_TEST,      DK_RISK};
  for (size_t o = 0; o < COUNT_OF(order); o++)
    for (int i = 0; i < k->all[order[o]].len; i++) ck_fill(k, k->all[order[o]].items[i]);
}

Model *check_program(Compiler *c, Node *root) {
  Checker *k = checker_new(c, root);
  resolve_imports(k, root);
  collect_syntax_errors(k);
  resolve_declare(k);
  ck_define_units(k);
  fill_all(k);
  ck_rules(k);
  ck_parents(k);
  ck_dates(k);
  ck_budgets(k);
  ck_tests(k);
  ck_results(k);
  /* the shared-record table serves the passes only */
  arena_free_table(k->a, k->sem_slots);
  k->sem_slots = NULL;
  k->sem_cap = k->sem_count = 0;
#ifdef __GLIBC__
  malloc_trim(0);   /* the passes' scratch is freed: give its pages back before lint and the back ends */
#endif
  return k->m;
}

/* The sum of the lower ends of a list of money links with values; false when
 * they are not all of one dimension (or none has a value). */
static bool links_total(const LinkList *l, double *sum, Dim *dim) {
  bool any = false;
  *sum = 0;
  for (int i = 0; i < l->len; i++) {
    const Link *x = &l->items[i];
    if (!x->has_value || !x->unit) continue;
    if (any && !dim_eq(dim, &x->unit->dim)) return false;
    *dim = x->unit->dim;
    Quantity tmp;
    *sum += quantity_lo(link_quantity(x, &tmp));
    any = true;
  }
  return any;
}

bool model_leverage(const Sym *s, double *co, double *pub, double *ratio) {
  Dim cd, pd;
  const LinkList *cof = s->kind == DK_INSTRUMENT ? &s->instrument.cofunded_by
                        : s->kind == DK_PROJECT ? &s->project.cofunded_by : NULL;
  if (!cof || !links_total(cof, co, &cd)) return false;
  if (s->kind == DK_INSTRUMENT) {
    const Quantity *b = &s->instrument.budget;
    if (!b->set || !b->unit) return false;
    *pub = quantity_lo(b);
    pd = b->unit->dim;
  } else if (!links_total(&s->project.funded_by, pub, &pd)) {
    return false;
  }
  if (!dim_eq(&cd, &pd) || *pub <= 0) return false;
  *ratio = *co / *pub;
  return true;
}
