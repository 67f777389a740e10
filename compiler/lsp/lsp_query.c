/* lsp_query.c - the language server's answers, read off one compilation:
 * the index of names, hover, definition, references, rename, document symbols,
 * completion, code actions (the diagnostics' fix-its) and semantic tokens. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "lsp_int.h"
#include "parse.h"
#include "resolve.h"
#include "schema.h"
#include "srcfmt.h"
#include "util.h"

/* ------------------------------------------------------------------------ */
/* The index: every name of every loaded file and what it stands for         */
/* ------------------------------------------------------------------------ */

typedef struct Indexer {
  Comp *cp;
  Ref *refs;
  int n, cap;
} Indexer;

static void add_ref(Indexer *ix, RefKind kind, Span span, Sym *sym, const Unit *unit, int index, bool decl) {
  if (span.file == NO_FILE || span.end <= span.start) return;
  if (ix->n == ix->cap) {
    ix->cap = ix->cap ? ix->cap * 2 : 256;
    ix->refs = xrealloc(ix->refs, (size_t)ix->cap * sizeof *ix->refs);
  }
  ix->refs[ix->n++] = (Ref){kind, span, sym, unit, index, decl};
}

static void index_node(Indexer *ix, Node *n, Sym *owner, bool unit_ctx);

static void index_list(Indexer *ix, NodeList *l, Sym *owner, bool unit_ctx) {
  for (int i = 0; i < l->len; i++) index_node(ix, l->items[i], owner, unit_ctx);
}

/* A unit by (interned) name, or NULL. */
static const Unit *unit_named(Comp *cp, const char *name) {
  return name ? units_lookup(cp->m->units, name) : NULL;
}

/* A name: what the checker resolved it to, else a declaration or unit of that name. */
static void index_name(Indexer *ix, Node *n, Sym *owner, bool unit_ctx) {
  Ident id = name_part(n, 0);
  ExprSem *e = expr_sem(n);
  if (unit_ctx) {
    const Unit *u = unit_named(ix->cp, id.str);
    if (u) add_ref(ix, REF_UNIT, id.span, NULL, u, 0, false);
    return;
  }
  if (e && e->form == EX_FIELD && owner && owner->rule.on) {
    add_ref(ix, REF_FIELD, id.span, owner->rule.on, NULL, e->index, false);
    return;
  }
  if (e && e->form == EX_PARAM && owner) {
    add_ref(ix, REF_PARAM, id.span, owner, NULL, e->index, false);
    return;
  }
  if (e && e->ref) {
    add_ref(ix, REF_SYM, id.span, e->ref, NULL, 0, false);
    return;
  }
  if (e && (e->form == EX_DATE_INPUT || e->form == EX_BUILTIN)) return;
  Sym *y = model_lookup(ix->cp->m, id.str);
  if (y) add_ref(ix, REF_SYM, id.span, y, NULL, 0, false);
  else if (unit_named(ix->cp, id.str)) add_ref(ix, REF_UNIT, id.span, NULL, unit_named(ix->cp, id.str), 0, false);
}

/* The attributes of a block: record fields, or attribute values. */
static void index_attrs(Indexer *ix, Node *d, Sym *self) {
  for (int i = 0; i < d->decl.attrs.len; i++) {
    Node *a = d->decl.attrs.items[i];
    if (a->kind != ND_ATTR) continue;
    if (d->decl.kind == DK_RECORD) {
      for (int f = 0; self && f < self->record.nfields; f++)
        if (self->record.fields[f].name == a->attr.name &&
            self->record.fields[f].span.start == attr_name_span(a).start)
          add_ref(ix, REF_FIELD, attr_name_span(a), self, NULL, f, true);
      index_list(ix, &a->attr.args, NULL, true);
      continue;
    }
    const AttrSpec *spec = schema_find(d->decl.kind, a->attr.name);
    if (spec && (spec->value == V_CHOICE || spec->value == V_TAG)) continue;
    index_list(ix, &a->attr.args, NULL, spec && spec->value == V_UNIT);
  }
}

/* A declaration: its name, `on R`, unit, parameters, attributes and formula. */
static void index_decl(Indexer *ix, Node *d) {
  Comp *cp = ix->cp;
  if (d->decl.kind == DK_UNIT) {
    const Unit *u = unit_named(cp, d->decl.name.str);
    if (u && u->decl == d) add_ref(ix, REF_UNIT, d->decl.name.span, NULL, u, 0, true);
    if (decl_body(d)) index_node(ix, decl_body(d), NULL, true);
    return;
  }
  Sym *self = model_lookup(cp->m, d->decl.name.str);
  if (self && self->decl != d) self = NULL;   /* a duplicate */
  if (self) add_ref(ix, REF_SYM, d->decl.name.span, self, NULL, 0, true);
  if (decl_on(d).str) {
    Span on = decl_on(d).span;
    size_t n = strlen(decl_on(d).str);
    if (on.end - on.start > n) on.start = on.end - (uint32_t)n;
    Sym *r = model_lookup(cp->m, decl_on(d).str);
    if (r) add_ref(ix, REF_SYM, on, r, NULL, 0, false);
  }
  if (decl_unit(d)) index_node(ix, decl_unit(d), NULL, true);
  for (int i = 0; i < decl_params(d)->len; i++) {
    Node *p = decl_params(d)->items[i];
    if (self) add_ref(ix, REF_PARAM, p->param.name.span, self, NULL, i, true);
    if (p->param.unit) index_node(ix, p->param.unit, NULL, true);
  }
  index_attrs(ix, d, self);
  if (decl_body(d)) index_node(ix, decl_body(d), self, false);
}

static void index_node(Indexer *ix, Node *n, Sym *owner, bool unit_ctx) {
  if (!n) return;
  switch (n->kind) {
  case ND_FILE: index_list(ix, &n->file.items, NULL, false); break;
  case ND_DECL: index_decl(ix, n); break;
  case ND_ARG:
    index_node(ix, arg_expr(n), owner, unit_ctx);
    index_node(ix, arg_value(n), owner, unit_ctx);
    index_node(ix, arg_when(n), owner, false);
    break;
  case ND_QUANTITY: {
    const Unit *u = unit_named(ix->cp, n->quantity.unit.str);
    if (u && u->decl) add_ref(ix, REF_UNIT, n->quantity.unit.span, NULL, u, 0, false);
    break;
  }
  case ND_NAME: index_name(ix, n, owner, unit_ctx); break;
  case ND_CALL:
    index_node(ix, n->call.callee, owner, false);
    index_list(ix, &n->call.args, owner, false);
    break;
  case ND_UNARY: index_node(ix, n->unary.operand, owner, unit_ctx); break;
  case ND_BINARY:
    index_node(ix, n->binary.lhs, owner, unit_ctx);
    index_node(ix, n->binary.rhs, owner, unit_ctx);
    break;
  case ND_IF:
    index_node(ix, n->ifx.cond, owner, false);
    index_node(ix, n->ifx.then, owner, false);
    index_node(ix, n->ifx.els, owner, false);
    break;
  case ND_RANGE:
    index_node(ix, n->range.lo, owner, unit_ctx);
    index_node(ix, n->range.hi, owner, unit_ctx);
    break;
  default: break;
  }
}

static int ref_cmp(const void *pa, const void *pb) {
  const Ref *a = pa, *b = pb;
  if (a->span.file != b->span.file) return a->span.file < b->span.file ? -1 : 1;
  return a->span.start < b->span.start ? -1 : a->span.start > b->span.start;
}

void lsp_index(Comp *cp) {
  Indexer ix = {cp, NULL, 0, 0};
  for (int i = 0; i < cp->c->files.len; i++) index_node(&ix, cp->c->files.items[i], NULL, false);
  if (ix.n) qsort(ix.refs, (size_t)ix.n, sizeof *ix.refs, ref_cmp);
  int kept = 0;   /* a name reached twice counts once */
  for (int i = 0; i < ix.n; i++)
    if (!kept || ref_cmp(&ix.refs[kept - 1], &ix.refs[i]) != 0) ix.refs[kept++] = ix.refs[i];
  ix.n = kept;
  cp->refs = ix.refs;
  cp->nrefs = ix.n;
}

/* The name at a byte offset of the document (the cursor touching it counts). */
static const Ref *ref_at(Comp *cp, size_t off) {
  for (int i = 0; i < cp->nrefs; i++) {
    const Ref *r = &cp->refs[i];
    if (r->span.file == cp->main && r->span.start <= off && off <= r->span.end) return r;
  }
  return NULL;
}

static const Ref *ref_at_params(Server *s, Doc *d, const Json *params) {
  return ref_at(d->comp, lsp_offset(s, d, json_get(params, "position")));
}

/* Whether two names stand for the same thing. */
static bool same_target(const Ref *a, const Ref *b) {
  if (a->kind != b->kind) return false;
  switch (a->kind) {
  case REF_SYM: return a->sym == b->sym;
  case REF_UNIT: return a->unit == b->unit;
  default: return a->sym == b->sym && a->index == b->index;
  }
}

/* Where the thing a name stands for is declared (NO_SPAN for built-ins). */
static Span target_span(const Ref *r) {
  switch (r->kind) {
  case REF_SYM: return r->sym->decl ? r->sym->decl->decl.name.span : NO_SPAN;
  case REF_UNIT: return r->unit->decl ? r->unit->decl->decl.name.span : NO_SPAN;
  case REF_FIELD: return r->index < r->sym->record.nfields ? r->sym->record.fields[r->index].span : NO_SPAN;
  case REF_PARAM:
    return r->index < decl_params(r->sym->decl)->len ? decl_params(r->sym->decl)->items[r->index]->param.name.span
                                                     : NO_SPAN;
  }
  return NO_SPAN;
}

/* ------------------------------------------------------------------------ */
/* Formatting values for hover                                               */
/* ------------------------------------------------------------------------ */

/* A number, a quantity, a date, a period, as the language writes them (fmt.c). */
static void put_number(Comp *cp, FILE *o, double v) { fputs(fmt_num(cp->c->arena, v), o); }

/* A base-unit value in a unit: "110 MEUR", "68.3%". */
static void put_quantity(Comp *cp, FILE *o, double base, const Unit *u) {
  if (!u) put_number(cp, o, base);
  else fputs(fmt_with_unit(cp->c->arena, fmt_num(cp->c->arena, base / u->scale), u->name), o);
}

static void put_date(Comp *cp, FILE *o, int64_t days) { fputs(fmt_day(cp->c->arena, days), o); }

static void put_period(Comp *cp, FILE *o, const Period *p) {
  put_date(cp, o, p->start);
  fputs(" .. ", o);
  put_date(cp, o, p->end);
}

/* "MEUR", "1", "bool", "EUR/person". */
static void put_type(Comp *cp, FILE *o, const Type *t) {
  switch (t->kind) {
  case TY_NUM:
    if (t->unit && dim_eq(&t->unit->dim, &t->dim)) fputs(t->unit->name, o);
    else fputs(dim_is_none(&t->dim) ? "1" : dim_format(cp->m->units, cp->c->arena, &t->dim), o);
    break;
  case TY_BOOL: fputs("bool", o); break;
  case TY_DATE: fputs("date", o); break;
  case TY_STRING: fputs("string", o); break;
  default: fputs("?", o); break;
  }
}

/* `a`, `b` ("title"): a list of declarations. */
static void put_syms(FILE *o, const SymList *l) {
  for (int i = 0; i < l->len; i++) fprintf(o, "%s`%s`", i ? ", " : "", l->items[i]->name);
}

/* The source text of a span. */
static void put_source(Comp *cp, FILE *o, Span sp) {
  const SourceFile *f = src_file(cp->c->src, sp.file);
  if (f && sp.end <= f->len && sp.end >= sp.start) fwrite(f->text + sp.start, 1, sp.end - sp.start, o);
}

/* The key facts of a goal: indicator, baseline -> target with units and dates. */
static void hover_goal(Comp *cp, FILE *o, const Sym *y) {
  if (y->goal.indicator) {
    fprintf(o, "- indicator `%s`", y->goal.indicator->name);
    if (y->goal.indicator->indicator.unit) fprintf(o, " (%s)", y->goal.indicator->indicator.unit->name);
    fputc('\n', o);
  }
  if (y->goal.baseline.set || y->goal.target.set) {
    fputs("- ", o);
    if (y->goal.baseline.set) {
      put_quantity(cp, o, y->goal.baseline.value, y->goal.baseline.unit);
      fputs(" at ", o);
      put_date(cp, o, y->goal.start);
    }
    fputs(" → ", o);
    if (y->goal.target.set) {
      put_quantity(cp, o, y->goal.target.value, y->goal.target.unit);
      fputs(" by ", o);
      put_date(cp, o, y->goal.deadline);
    }
    fputc('\n', o);
  }
  if (y->goal.has_weight) fputs("- weight ", o), put_number(cp, o, y->goal.weight), fputc('\n', o);
  if (y->goal.parent) fprintf(o, "- part of goal `%s`\n", y->goal.parent->name);
}

/* An instrument: kind, push, by, budget, period and its conditions. */
static void hover_instrument(Comp *cp, FILE *o, const Sym *y) {
  if (y->instrument.kind) fprintf(o, "- kind %s", instr_kind_names[y->instrument.kind]);
  if (y->instrument.push) fprintf(o, ", %s side", push_names[y->instrument.push]);
  fputc('\n', o);
  if (y->instrument.by) fprintf(o, "- by `%s`\n", y->instrument.by->name);
  if (y->instrument.budget.set)
    fputs("- budget ", o), put_quantity(cp, o, y->instrument.budget.value, y->instrument.budget.unit), fputc('\n', o);
  if (y->instrument.period.set) fputs("- period ", o), put_period(cp, o, &y->instrument.period), fputc('\n', o);
  if (y->instrument.requires.len) {
    fputs("- requires:\n", o);
    for (int i = 0; i < y->instrument.requires.len; i++) {
      const Sym *c = y->instrument.requires.items[i];
      fprintf(o, "  - `%s`%s%s%s\n", c->name, sym_title_text(c) ? " — " : "", sym_title_text(c) ? sym_title_text(c) : "", "");
    }
  } else if (y->instrument.kind) {
    fputs("- no conditions\n", o);
  }
}

/* A unit: its dimension and scale. */
static void hover_unit(Comp *cp, FILE *o, const Unit *u) {
  fprintf(o, "```mission\nunit %s\n```\n", u->name);
  if (u->decl && u->decl->decl.doc) fprintf(o, "%s\n\n", u->decl->decl.doc);
  if (u == units_date(cp->m->units)) {
    fputs("the type of dates (days since 1970-01-01 inside)\n", o);
    return;
  }
  const char *dim = dim_is_none(&u->dim) ? "1 (dimensionless)" : dim_format(cp->m->units, cp->c->arena, &u->dim);
  if (u->base >= 0) fprintf(o, "- base unit: a dimension of its own\n");
  else fprintf(o, "- dimension %s\n", dim);
  if (u->base < 0) {
    fprintf(o, "- scale: 1 %s = ", u->name);
    put_number(cp, o, u->scale);
    fprintf(o, " %s\n", dim_is_none(&u->dim) ? "" : dim);
  }
  if (!u->decl) fputs("- built in\n", o);
}

/* The facts of the other kinds. */
static void hover_facts(Comp *cp, FILE *o, const Sym *y) {
  switch (y->kind) {
  case DK_MISSION:
    if (y->mission.period.set) fputs("- period ", o), put_period(cp, o, &y->mission.period), fputc('\n', o);
    if (y->mission.budget.set)
      fputs("- budget ", o), put_quantity(cp, o, y->mission.budget.value, y->mission.budget.unit), fputc('\n', o);
    if (y->mission.owner) fprintf(o, "- owner `%s`\n", y->mission.owner->name);
    if (y->mission.challenge) fprintf(o, "- challenge: %s\n", y->mission.challenge);
    break;
  case DK_ACTOR:
    if (y->actor.sector) fprintf(o, "- sector %s\n", sector_names[y->actor.sector]);
    if (y->actor.level) fprintf(o, "- level %s\n", level_names[y->actor.level]);
    if (y->actor.parent) fprintf(o, "- part of `%s`\n", y->actor.parent->name);
    break;
  case DK_INDICATOR:
    if (y->indicator.unit) fprintf(o, "- unit %s\n", y->indicator.unit->name);
    if (y->indicator.source) fprintf(o, "- source: %s\n", y->indicator.source);
    break;
  case DK_GOAL: hover_goal(cp, o, y); break;
  case DK_PHASE:
    if (y->phase.period.set) fputs("- period ", o), put_period(cp, o, &y->phase.period), fputc('\n', o);
    if (y->phase.after.len) fputs("- after ", o), put_syms(o, &y->phase.after), fputc('\n', o);
    break;
  case DK_MILESTONE:
    if (y->milestone.date) fputs("- date ", o), put_date(cp, o, y->milestone.date), fputc('\n', o);
    if (y->milestone.phase) fprintf(o, "- phase `%s`\n", y->milestone.phase->name);
    break;
  case DK_INSTRUMENT: hover_instrument(cp, o, y); break;
  case DK_PROJECT:
    if (y->project.lead) fprintf(o, "- lead `%s`\n", y->project.lead->name);
    for (int i = 0; i < y->project.funded_by.len; i++) {
      const Link *l = &y->project.funded_by.items[i];
      fprintf(o, "- funded by `%s`: ", l->target->name);
      put_quantity(cp, o, l->value, l->unit);
      fputc('\n', o);
    }
    for (int i = 0; i < y->project.contributes.len; i++) {
      const Link *l = &y->project.contributes.items[i];
      fprintf(o, "- contributes to `%s`: ", l->target->name);
      put_number(cp, o, l->value);
      fputc('\n', o);
    }
    break;
  case DK_RECORD:
    for (int i = 0; i < y->record.nfields; i++) {
      fprintf(o, "- `%s` ", y->record.fields[i].name);
      put_type(cp, o, &y->record.fields[i].type);
      fputc('\n', o);
    }
    break;
  case DK_SCORE: case DK_CONDITION: case DK_FN:
    if (y->rule.on) fprintf(o, "- on record `%s`\n", y->rule.on->name);
    if (y->rule.type.kind != TY_ERROR) fputs("- gives ", o), put_type(cp, o, &y->rule.type), fputc('\n', o);
    if (y->rule.body) {
      fputs("\n```mission\n", o);
      put_source(cp, o, y->decl->span);
      fputs("\n```\n", o);
    }
    break;
  default: break;
  }
}

/* The hover text of a declaration: header, /// doc, facts, where it is declared. */
static void hover_sym(Comp *cp, FILE *o, const Sym *y) {
  fprintf(o, "```mission\n%s %s", decl_kind_names[y->kind], y->name);
  if (sym_title_text(y)) fprintf(o, " \"%s\"", sym_title_text(y));
  fputs("\n```\n", o);
  if (sym_doc(y)) fprintf(o, "%s\n\n", sym_doc(y));
  hover_facts(cp, o, y);
  if (y->imported) fprintf(o, "\n*declared in %s*\n", src_file(cp->c->src, sym_file(y))->path);
}

const char *lsp_hover(Server *s, Doc *d, const Json *params, FILE *o) {
  const Ref *r = ref_at_params(s, d, params);
  if (!r) {
    fputs("null", o);
    return NULL;
  }
  Comp *cp = d->comp;
  char *text;
  size_t len;
  FILE *m = open_memstream(&text, &len);
  if (!m) return "out of memory";
  switch (r->kind) {
  case REF_SYM: hover_sym(cp, m, r->sym); break;
  case REF_UNIT: hover_unit(cp, m, r->unit); break;
  case REF_FIELD: {
    if (r->index >= r->sym->record.nfields) break;
    const Field *f = &r->sym->record.fields[r->index];
    fprintf(m, "```mission\n%s ", f->name);
    put_type(cp, m, &f->type);
    fprintf(m, "\n```\nfield of record `%s`\n", r->sym->name);
    break;
  }
  case REF_PARAM: {
    if (r->index >= decl_params(r->sym->decl)->len) break;
    Node *p = decl_params(r->sym->decl)->items[r->index];
    fprintf(m, "```mission\n%s", p->param.name.str);
    if (p->param.unit) fputs(": ", m), put_source(cp, m, p->param.unit->span);
    fprintf(m, "\n```\nparameter of function `%s`%s\n", r->sym->name,
            p->param.unit ? "" : " (without a unit: it takes any unit)");
    break;
  }
  }
  fclose(m);
  fputs("{\"contents\":{\"kind\":\"markdown\",\"value\":", o);
  lsp_str(o, text);
  fputs("},\"range\":", o);
  lsp_write_range(s, o, cp->c->src, r->span);
  fputc('}', o);
  free(text);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Navigation                                                                */
/* ------------------------------------------------------------------------ */

/* The import statement under the cursor, or NULL. */
static Node *import_at(Comp *cp, size_t off) {
  for (int i = 0; i < cp->root->file.items.len; i++) {
    Node *n = cp->root->file.items.items[i];
    if (n->kind == ND_IMPORT && n->span.start <= off && off <= n->span.end) return n;
  }
  return NULL;
}

const char *lsp_definition(Server *s, Doc *d, const Json *params, FILE *o) {
  Comp *cp = d->comp;
  size_t off = lsp_offset(s, d, json_get(params, "position"));
  Node *imp = import_at(cp, off);
  char path[PATH_MAX], real[PATH_MAX];
  if (imp && resolve_find_import(cp->c, cp->main, imp->import.path, path, sizeof path) && realpath(path, real)) {
    char *uri = lsp_file_uri(real);
    fputs("{\"uri\":", o);
    lsp_str(o, uri);
    fputs(",\"range\":{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":0,\"character\":0}}}", o);
    free(uri);
    return NULL;
  }
  const Ref *r = ref_at(cp, off);
  Span at = r ? target_span(r) : NO_SPAN;
  if (at.file == NO_FILE) fputs("null", o);
  else lsp_write_location(s, o, cp->c->src, at);
  return NULL;
}

const char *lsp_references(Server *s, Doc *d, const Json *params, FILE *o) {
  Comp *cp = d->comp;
  const Ref *r = ref_at_params(s, d, params);
  bool decl = json_true(json_path(params, "context", "includeDeclaration", NULL));
  fputc('[', o);
  bool first = true;
  for (int i = 0; r && i < cp->nrefs; i++) {
    const Ref *x = &cp->refs[i];
    if (!same_target(r, x) || (x->is_decl && !decl)) continue;
    if (!first) fputc(',', o);
    first = false;
    lsp_write_location(s, o, cp->c->src, x->span);
  }
  fputc(']', o);
  return NULL;
}

/* Keywords cannot name a declaration. */
static bool is_keyword(const char *w) { return keyword_find(w, strlen(w)) != NULL; }

static bool is_ident(const char *w) {
  if (!(*w == '_' || (*w >= 'A' && *w <= 'Z') || (*w >= 'a' && *w <= 'z'))) return false;
  for (const char *p = w + 1; *p; p++)
    if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
      return false;
  return strlen(w) <= 200;
}

/* Whether a file of the compilation may be edited by a rename: the document,
 * or a file in a workspace folder (not the installed standard library). */
static bool editable(Server *s, Comp *cp, uint32_t file) {
  if (file == cp->main) return true;
  const SourceFile *f = src_file(cp->c->src, file);
  for (int i = 0; f && f->real && i < s->nroots; i++) {
    size_t n = strlen(s->roots[i]);
    if (strncmp(f->real, s->roots[i], n) == 0 && (f->real[n] == '/' || s->roots[i][n - 1] == '/')) return true;
  }
  return false;
}

/* Why the name under the cursor cannot be renamed, or NULL. */
static const char *rename_blocker(Server *s, Comp *cp, const Ref *r) {
  if (!r) return "there is no name to rename here";
  Span at = target_span(r);
  if (at.file == NO_FILE) return "a built-in cannot be renamed";
  if (!editable(s, cp, at.file)) return "it is declared outside the workspace (in the standard library or a MISSION_PATH folder)";
  for (int i = 0; i < cp->nrefs; i++)
    if (same_target(r, &cp->refs[i]) && !editable(s, cp, cp->refs[i].span.file))
      return "it is used in a file outside the workspace";
  return NULL;
}

const char *lsp_prepare_rename(Server *s, Doc *d, const Json *params, FILE *o) {
  Comp *cp = d->comp;
  const Ref *r = ref_at_params(s, d, params);
  const char *why = rename_blocker(s, cp, r);
  if (why) return why;
  fputs("{\"range\":", o);
  lsp_write_range(s, o, cp->c->src, r->span);
  fputs(",\"placeholder\":", o);
  const SourceFile *f = src_file(cp->c->src, r->span.file);
  diag_json_string_n(o, f->text + r->span.start, r->span.end - r->span.start);
  fputc('}', o);
  return NULL;
}

/* The one-namespace check: why new_name cannot be the new name of r, or NULL. */
static const char *rename_clash(Comp *cp, const Ref *r, const char *new_name) {
  Arena *a = cp->c->arena;
  if (!is_ident(new_name)) return arena_printf(a, "'%s' is not an identifier", new_name);
  if (is_keyword(new_name)) return arena_printf(a, "'%s' is a keyword", new_name);
  const char *name = intern_cstr(cp->c->names, new_name);
  if (r->kind == REF_UNIT) {
    const Unit *u = units_lookup(cp->m->units, name);
    if (u && u != r->unit) return arena_printf(a, "a unit '%s' already exists (units share one namespace)", new_name);
    return NULL;
  }
  if (strcmp(new_name, "date") == 0) return "'date' is reserved in formulas (E0206)";
  if (r->kind == REF_FIELD) {
    for (int i = 0; i < r->sym->record.nfields; i++)
      if (i != r->index && r->sym->record.fields[i].name == name)
        return arena_printf(a, "record '%s' already has a field '%s'", r->sym->name, new_name);
    return NULL;
  }
  if (r->kind == REF_PARAM) {
    const NodeList *ps = decl_params(r->sym->decl);
    for (int i = 0; i < ps->len; i++)
      if (i != r->index && ps->items[i]->param.name.str == name)
        return arena_printf(a, "function '%s' already has a parameter '%s'", r->sym->name, new_name);
    return NULL;
  }
  Sym *other = model_lookup(cp->m, name);
  if (other && other != r->sym)
    return arena_printf(a, "'%s' is already declared, as %s: all declarations share one namespace (E0203)", new_name,
                        schema_kind_text(other->kind));
  for (int i = 1; r->sym->kind == DK_FN && i < BI_COUNT; i++)
    if (strcmp(builtin_names[i], new_name) == 0)
      return arena_printf(a, "'%s' is a built-in function (E0207)", new_name);
  return NULL;
}

const char *lsp_rename(Server *s, Doc *d, const Json *params, FILE *o) {
  Comp *cp = d->comp;
  const Ref *r = ref_at_params(s, d, params);
  const char *new_name = json_str(json_get(params, "newName"));
  if (!new_name) return "invalid params: newName is missing";
  const char *why = rename_blocker(s, cp, r);
  if (!why) why = rename_clash(cp, r, new_name);
  if (why) return arena_printf(cp->c->arena, "cannot rename: %s", why);
  fputs("{\"changes\":{", o);
  uint32_t file = NO_FILE;
  for (int i = 0; i < cp->nrefs; i++) {
    const Ref *x = &cp->refs[i];
    if (!same_target(r, x)) continue;
    if (x->span.file != file) {
      if (file != NO_FILE) fputs("],", o);
      file = x->span.file;
      char *uri = lsp_uri_of(cp->c->src, file);
      lsp_str(o, uri);
      free(uri);
      fputs(":[", o);
    } else {
      fputc(',', o);
    }
    fputs("{\"range\":", o);
    lsp_write_range(s, o, cp->c->src, x->span);
    fputs(",\"newText\":", o);
    lsp_str(o, new_name);
    fputc('}', o);
  }
  if (file != NO_FILE) fputc(']', o);
  fputs("}}", o);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Document symbols                                                          */
/* ------------------------------------------------------------------------ */

/* LSP SymbolKind of a declaration kind. */
static int symbol_kind(DeclKind k) {
  switch (k) {
  case DK_MISSION: return 2;      /* Module */
  case DK_ACTOR: return 5;        /* Class */
  case DK_INDICATOR: return 13;   /* Variable */
  case DK_GOAL: return 24;        /* Event */
  case DK_PHASE: return 3;        /* Namespace */
  case DK_MILESTONE: return 24;   /* Event */
  case DK_INSTRUMENT: return 23;  /* Struct */
  case DK_CONDITION: return 17;   /* Boolean */
  case DK_PROJECT: return 19;     /* Object */
  case DK_RECORD: return 23;      /* Struct */
  case DK_SCORE: return 12;       /* Function */
  case DK_UNIT: return 14;        /* Constant */
  case DK_FN: return 12;          /* Function */
  default: return 13;
  }
}

const char *lsp_document_symbols(Server *s, Doc *d, const Json *params, FILE *o) {
  Comp *cp = d->comp;
  Sources *src = cp->c->src;
  fputc('[', o);
  bool first = true;
  for (int i = 0; i < cp->root->file.items.len; i++) {
    Node *n = cp->root->file.items.items[i];
    if (n->kind != ND_DECL || !n->decl.name.str || n->decl.name.span.end <= n->decl.name.span.start) continue;
    if (!first) fputc(',', o);
    first = false;
    fputs("{\"name\":", o);
    lsp_str(o, n->decl.name.str);
    fputs(",\"detail\":", o);
    lsp_str(o, n->decl.title ? n->decl.title : decl_kind_names[n->decl.kind]);
    fprintf(o, ",\"kind\":%d,\"range\":", symbol_kind(n->decl.kind));
    lsp_write_range(s, o, src, span_join(n->span, n->decl.name.span));
    fputs(",\"selectionRange\":", o);
    lsp_write_range(s, o, src, n->decl.name.span);
    fputs(",\"children\":[", o);
    for (int j = 0; n->decl.kind == DK_RECORD && j < n->decl.attrs.len; j++) {
      Node *a = n->decl.attrs.items[j];
      if (a->kind != ND_ATTR) continue;
      if (j) fputc(',', o);
      fputs("{\"name\":", o);
      lsp_str(o, a->attr.name);
      fputs(",\"kind\":8,\"range\":", o);
      lsp_write_range(s, o, src, span_join(a->span, attr_name_span(a)));
      fputs(",\"selectionRange\":", o);
      lsp_write_range(s, o, src, attr_name_span(a));
      fputc('}', o);
    }
    fputs("]}", o);
  }
  fputc(']', o);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Completion                                                                */
/* ------------------------------------------------------------------------ */

/* Built-in functions with their signatures. */
static const struct {
  const char *name, *signature, *doc;
} builtin_docs[] = {
    {"min", "min(a, b)", "the smaller of a and b (same dimension)"},
    {"max", "max(a, b)", "the larger of a and b (same dimension)"},
    {"clamp", "clamp(x, lo, hi)", "x limited to [lo, hi] (same dimension)"},
    {"abs", "abs(x)", "the absolute value"},
    {"sqrt", "sqrt(x)", "the square root (even exponents of the dimension)"},
    {"log", "log(x)", "the natural logarithm of a plain number"},
    {"exp", "exp(x)", "e to the power x, a plain number"},
    {"pow", "pow(x, k)", "x to the power k (a constant k when x has a dimension)"},
    {"round", "round(x)", "rounds half away from zero (a plain number)"},
    {"floor", "floor(x)", "rounds down (a plain number)"},
    {"ceil", "ceil(x)", "rounds up (a plain number)"},
    {"progress", "progress(goal)", "clamp((x − baseline) / (target − baseline), 0, 1) for the goal's indicator value x"},
    {"expected", "expected(goal, date)", "the straight line from baseline to target, at a date"},
    {"on_track", "on_track(goal, date)", "whether the indicator's value is at or beyond expected(goal, date)"},
    {"planned", "planned(goal, date)", "the path from baseline through the milestones' expects to target, at a date"},
    {"is_missing", "is_missing(x)", "whether x is missing (NaN): true or false, never missing itself"},
    {"coalesce", "coalesce(x, y)", "x, or y where x is missing (NaN); of one type"},
};

/* LSP CompletionItemKind of a declaration kind. */
static int completion_kind(DeclKind k) {
  switch (k) {
  case DK_SCORE: case DK_CONDITION: case DK_FN: return 3;   /* Function */
  case DK_INDICATOR: return 6;                              /* Variable */
  case DK_RECORD: case DK_INSTRUMENT: return 22;            /* Struct */
  case DK_GOAL: case DK_MILESTONE: return 23;               /* Event */
  case DK_ACTOR: case DK_PROJECT: return 7;                 /* Class */
  default: return 18;                                       /* Reference */
  }
}

typedef struct Items {
  FILE *o;
  int n;
} Items;

static void item(Items *it, const char *label, int kind, const char *detail, const char *doc) {
  fputs(it->n++ ? ",{\"label\":" : "{\"label\":", it->o);
  lsp_str(it->o, label);
  fprintf(it->o, ",\"kind\":%d", kind);
  if (detail) fputs(",\"detail\":", it->o), lsp_str(it->o, detail);
  if (doc) fputs(",\"documentation\":{\"kind\":\"markdown\",\"value\":", it->o), lsp_str(it->o, doc), fputc('}', it->o);
  fputc('}', it->o);
}

/* The declarations of the kinds in mask. */
static void items_decls(Comp *cp, Items *it, unsigned mask) {
  for (int i = 0; i < cp->m->syms.len; i++) {
    Sym *y = cp->m->syms.items[i];
    if (!((mask >> y->kind) & 1)) continue;
    const char *detail = sym_title_text(y) ? arena_printf(cp->c->arena, "%s — %s", decl_kind_names[y->kind], sym_title_text(y))
                                  : decl_kind_names[y->kind];
    item(it, y->name, completion_kind(y->kind), detail, sym_doc(y));
  }
}

static void items_units(Comp *cp, Items *it) {
  for (int i = 0; i < units_count(cp->m->units); i++) {
    const Unit *u = units_at(cp->m->units, i);
    if (u == units_date(cp->m->units)) continue;
    const char *dim = dim_is_none(&u->dim) ? "dimensionless" : dim_format(cp->m->units, cp->c->arena, &u->dim);
    item(it, u->name, 11, arena_printf(cp->c->arena, "unit of %s", dim), u->decl ? u->decl->decl.doc : NULL);
  }
}

static void items_builtins(Items *it) {
  for (size_t i = 0; i < COUNT_OF(builtin_docs); i++)
    item(it, builtin_docs[i].name, 3, builtin_docs[i].signature, builtin_docs[i].doc);
}

static bool ident_char(char c) {
  return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Where the cursor is, read off the text (which may be broken mid-typing). */
typedef struct Ctx {
  bool quiet;            /* inside a comment or a string */
  long block;            /* offset of the innermost open '{', or -1 */
  size_t stmt;           /* start of the statement */
  size_t word;           /* start of the word being typed */
} Ctx;

/* Scan the text up to off: strings, comments, braces and statement starts. */
static Ctx scan(const char *t, size_t off) {
  Ctx c = {false, -1, 0, off};
  long stack[64];
  int depth = 0;
  char last = '\n';   /* last significant character, for line continuation */
  for (size_t i = 0; i < off; i++) {
    char ch = t[i];
    if (ch == '/' && i + 1 < off && t[i + 1] == '/') {
      while (i < off && t[i] != '\n') i++;
      if (i == off) return c.quiet = true, c;
      ch = '\n';
    } else if (ch == '/' && t[i + 1] == '*') {
      size_t j = i + 2;
      while (j + 1 < off && !(t[j] == '*' && t[j + 1] == '/')) j++;
      if (j + 1 >= off) return c.quiet = true, c;
      i = j + 1;
      continue;
    } else if (ch == '"') {
      size_t j = i + 1;
      while (j < off && t[j] != '"' && t[j] != '\n') j += t[j] == '\\' ? 2 : 1;
      if (j >= off) return c.quiet = true, c;
      i = j;
      last = '"';
      continue;
    }
    if (ch == '{') {
      if (depth < 64) stack[depth] = (long)i;
      depth++;
      c.stmt = i + 1;
    } else if (ch == '}') {
      if (depth > 0) depth--;
      c.stmt = i + 1;
    } else if (ch == ';') {
      c.stmt = i + 1;
    } else if (ch == '\n') {
      if (!strchr(",+-*/=<>(:^", last)) c.stmt = i + 1;
    }
    if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n') last = ch;
  }
  c.block = depth > 0 && depth <= 64 ? stack[depth - 1] : -1;
  while (c.word > c.stmt && ident_char(t[c.word - 1])) c.word--;
  return c;
}

/* The words (identifiers and numbers) of t[from, to), up to max. */
static int words(const char *t, size_t from, size_t to, Span *out, int max) {
  int n = 0;
  for (size_t i = from; i < to && n < max;) {
    if (ident_char(t[i]) || t[i] == '.') {
      size_t j = i;
      while (j < to && (ident_char(t[j]) || t[j] == '.')) j++;
      out[n++] = (Span){0, (uint32_t)i, (uint32_t)j};
      i = j;
    } else {
      i++;
    }
  }
  return n;
}

static bool word_is(const char *t, Span w, const char *s) {
  size_t n = strlen(s);
  return w.end - w.start == n && strncmp(t + w.start, s, n) == 0;
}

static bool is_number_word(const char *t, Span w) { return t[w.start] >= '0' && t[w.start] <= '9'; }

/* The declaration kind named by the first word of the header before a '{'. */
static int block_kind(const char *t, long brace) {
  size_t start = (size_t)brace;
  while (start > 0 && t[start - 1] != '\n' && t[start - 1] != ';' && t[start - 1] != '}') start--;
  Span w[1];
  if (words(t, start, (size_t)brace, w, 1) < 1) return -1;
  for (int k = 0; k < DK_COUNT; k++)
    if (word_is(t, w[0], decl_kind_names[k])) return k;
  return -1;
}

/* Inside a block of kind: attribute names, then what the attribute takes. */
static void complete_in_block(Comp *cp, Items *it, const char *t, Ctx *c, int kind) {
  Span w[64];
  int n = words(t, c->stmt, c->word, w, 64);
  if (n == 0) {
    int rows;
    const AttrSpec *spec = kind >= 0 ? schema_rows((DeclKind)kind, &rows) : NULL;
    for (int i = 0; spec && i < rows; i++)
      item(it, spec[i].name, 10, schema_value_text(spec[i].value), spec[i].required ? "required" : NULL);
    return;
  }
  size_t arg = c->word;   /* start of the current argument */
  while (arg > c->stmt && t[arg - 1] != ',') arg--;
  bool after_colon = memchr(t + arg, ':', c->word - arg) != NULL;
  if (is_number_word(t, w[n - 1]) || kind == DK_RECORD) {
    items_units(cp, it);
    if (kind == DK_RECORD) item(it, "bool", 14, "a field of true or false", NULL), item(it, "date", 14, "a date field", NULL);
    return;
  }
  const char *attr = arena_strndup(cp->c->arena, t + w[0].start, w[0].end - w[0].start);
  const AttrSpec *spec = kind >= 0 ? schema_find((DeclKind)kind, intern_cstr(cp->c->names, attr)) : NULL;
  if (!spec || after_colon) return;
  switch (spec->value) {
  case V_REF: case V_REF_MONEY: case V_REF_WEIGHT: case V_REF_QUANTITY: items_decls(cp, it, spec->refs); break;
  case V_CHOICE:
    for (int i = 1; spec->choices[i]; i++) item(it, spec->choices[i], 20, spec->name, NULL);
    break;
  case V_UNIT: items_units(cp, it); break;
  default: break;
  }
}

/* At the top level: keywords, then units after ':', records after 'on', and
 * inside a formula the names it can read and the built-in functions. */
static void complete_top(Comp *cp, Items *it, const char *t, Ctx *c) {
  Span w[64];
  int n = words(t, c->stmt, c->word, w, 64);
  if (n == 0) {   /* the keywords that start an item (keywords.h) */
    for (int k = 0; k < KEYWORD_COUNT; k++)
      if (KW_STARTS_ITEM(keyword_table[k].cls))
        item(it, keyword_table[k].word, 14, keyword_table[k].cls == KW_ITEM ? "import \"path\"" : "declaration", NULL);
    return;
  }
  bool formula = memchr(t + c->stmt, '=', c->word - c->stmt) != NULL;
  if (!formula && word_is(t, w[n - 1], "on")) {
    items_decls(cp, it, REFS(RECORD));
    return;
  }
  if (is_number_word(t, w[n - 1]) || (!formula && memchr(t + c->stmt, ':', c->word - c->stmt))) {
    items_units(cp, it);
    return;
  }
  if (!formula) return;
  for (int i = 0; i + 1 < n; i++) {   /* `on R`: the fields of R */
    if (!word_is(t, w[i], "on")) continue;
    Sym *r = model_lookup(cp->m, intern(cp->c->names, t + w[i + 1].start, w[i + 1].end - w[i + 1].start));
    for (int f = 0; r && r->kind == DK_RECORD && f < r->record.nfields; f++)
      item(it, r->record.fields[f].name, 5, arena_printf(cp->c->arena, "field of %s", r->name), NULL);
  }
  items_builtins(it);
  items_decls(cp, it, REFS(INDICATOR) | REFS(SCORE) | REFS(CONDITION) | REFS(FN) | REFS(GOAL));
  item(it, "date", 14, "the date of the row", NULL);
}

const char *lsp_completion(Server *s, Doc *d, const Json *params, FILE *o) {
  size_t off = lsp_offset(s, d, json_get(params, "position"));
  Ctx c = scan(d->text, off);
  Items it = {o, 0};
  fputs("{\"isIncomplete\":false,\"items\":[", o);
  if (!c.quiet) {
    if (c.block >= 0) complete_in_block(d->comp, &it, d->text, &c, block_kind(d->text, c.block));
    else complete_top(d->comp, &it, d->text, &c);
  }
  fputs("]}", o);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Code actions: the fix-its of the diagnostics                              */
/* ------------------------------------------------------------------------ */

const char *lsp_code_action(Server *s, Doc *d, const Json *params, FILE *o) {
  Comp *cp = d->comp;
  const Json *range = json_get(params, "range");
  size_t from = lsp_offset(s, d, json_get(range, "start")), to = lsp_offset(s, d, json_get(range, "end"));
  fputc('[', o);
  int n = 0;
  PtrVec *list = &cp->c->diag->list;
  for (int i = 0; i < list->len; i++) {
    const Diagnostic *g = list->items[i];
    if (g->span.file != cp->main || !g->fixes || g->span.end < from || g->span.start > to) continue;
    for (const DiagFix *f = g->fixes; f; f = f->next) {
      if (f->span.file != cp->main) continue;
      fputs(n++ ? ",{\"title\":" : "{\"title\":", o);
      lsp_str(o, f->title);
      fputs(",\"kind\":\"quickfix\",\"isPreferred\":true,\"diagnostics\":[", o);
      lsp_write_diagnostic(s, o, cp, g);
      fputs("],\"edit\":{\"changes\":{", o);
      lsp_str(o, d->uri);
      fputs(":[{\"range\":", o);
      lsp_write_range(s, o, cp->c->src, f->span);
      fputs(",\"newText\":", o);
      lsp_str(o, f->text);
      fputs("}]}}}", o);
    }
  }
  fputc(']', o);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Semantic tokens: what each name stands for                                */
/* ------------------------------------------------------------------------ */

enum { TT_NAMESPACE, TT_TYPE, TT_CLASS, TT_STRUCT, TT_FUNCTION, TT_VARIABLE, TT_PROPERTY, TT_PARAMETER, TT_EVENT,
       TT_ENUM_MEMBER };
const char *const lsp_token_legend =
    "[\"namespace\",\"type\",\"class\",\"struct\",\"function\",\"variable\",\"property\",\"parameter\",\"event\","
    "\"enumMember\"]";

static int token_type(const Ref *r) {
  switch (r->kind) {
  case REF_UNIT: return TT_TYPE;
  case REF_FIELD: return TT_PROPERTY;
  case REF_PARAM: return TT_PARAMETER;
  case REF_SYM: break;
  }
  switch (r->sym->kind) {
  case DK_MISSION: case DK_PHASE: return TT_NAMESPACE;
  case DK_ACTOR: case DK_PROJECT: return TT_CLASS;
  case DK_INSTRUMENT: case DK_RECORD: return TT_STRUCT;
  case DK_SCORE: case DK_CONDITION: case DK_FN: return TT_FUNCTION;
  case DK_GOAL: case DK_MILESTONE: return TT_EVENT;
  default: return TT_VARIABLE;
  }
}

const char *lsp_semantic_tokens(Server *s, Doc *d, const Json *params, FILE *o) {
  Comp *cp = d->comp;
  Sources *src = cp->c->src;
  const SourceFile *f = src_file(src, cp->main);
  fputs("{\"data\":[", o);
  int prev_line = 0, prev_col = 0, n = 0;
  for (int i = 0; i < cp->nrefs; i++) {
    const Ref *r = &cp->refs[i];
    if (r->span.file != cp->main) continue;
    int line, col;
    src_linecol(src, cp->main, r->span.start, &line, &col);
    size_t len;
    uint32_t start;
    src_line_text(src, cp->main, r->span.start, &len, &start);
    int ch = 0, width = 0;
    for (uint32_t k = start; k < r->span.end; k++) {
      unsigned char b = (unsigned char)f->text[k];
      int u = s->utf8 ? 1 : (b & 0xC0) == 0x80 ? 0 : b >= 0xF0 ? 2 : 1;
      if (k < r->span.start) ch += u; else width += u;
    }
    line--;
    int dl = line - prev_line, dc = dl ? ch : ch - prev_col;
    if (dl < 0 || (dl == 0 && dc < 0)) continue;   /* overlapping: keep the first */
    fprintf(o, "%s%d,%d,%d,%d,%d", n++ ? "," : "", dl, dc, width, token_type(r), r->is_decl ? 1 : 0);
    prev_line = line;
    prev_col = ch;
  }
  fputs("]}", o);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Formatting                                                                */
/* ------------------------------------------------------------------------ */

/* The document in `missionc fmt`'s layout: one edit replacing the whole text, or
 * none when it is formatted already or has syntax errors (which the diagnostics
 * show; fmt leaves such a file as it is too). */
const char *lsp_formatting(Server *s, Doc *d, const Json *params, FILE *o) {
  (void)params;
  const SourceFile *f = src_file(d->comp->c->src, d->comp->main);
  Compiler *c = compiler_new();
  uint32_t id = src_add(c->src, f->path, f->text, f->len);
  parse_file(c->arena, c->names, c->diag, c->src, id);
  size_t len = 0;
  const char *err = NULL;
  char *text = diag_error_count(c->diag) == 0 ? srcfmt_source(c, id, &len, &err) : NULL;
  if (!text || (len == f->len && memcmp(text, f->text, len) == 0)) {
    fputs("[]", o);
  } else {
    fputs("[{\"range\":", o);
    lsp_write_range(s, o, d->comp->c->src, (Span){d->comp->main, 0, (uint32_t)f->len});
    fputs(",\"newText\":", o);
    lsp_str(o, text);
    fputs("}]", o);
  }
  compiler_free(c);   /* the text lives in its arena */
  return err && !strstr(err, "lex") ? err : NULL;
}
