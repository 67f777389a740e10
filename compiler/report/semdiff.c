/* semdiff.c - the semantic diff: what changed in the mission, not in the lines.
 *
 * Each side is checked on its own (its imports resolved on that side); every
 * declaration becomes a list of facts read from its syntax tree: its title, each
 * attribute, each keyed value ("funded_by netzero: 32 MEUR") and each item of a list
 * attribute ("requires no_tax_havens"), its formula. A fact's value is compared by its
 * tokens (so layout and comments never count) or, for a single constant, by its value
 * in base units (so 360 MEUR and 0.36 BEUR are the same). Declarations match by kind
 * and name: a rename is a removal and an addition. The changes are grouped, the ones
 * that matter for accountability first: targets, deadlines, budgets, conditions.
 */
#include "semdiff.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "parse.h"
#include "schema.h"
#include "util.h"

/* ---------------------------------------------------------------------------------------
 * Facts
 * ------------------------------------------------------------------------------------- */

typedef struct Collect {
  Model *m;
  Arena *a;
  LexToken **toks;   /* per source file, lexed on first use */
  int *ntoks;
  size_t nfiles;
  Fact *items;
  int len, cap;
  int order;
} Collect;

/* The tokens of source file id. */
static const LexToken *file_tokens(Collect *k, uint32_t id, int *n) {
  if (id >= k->nfiles) {
    *n = 0;
    return NULL;
  }
  if (!k->toks[id]) {
    Compiler *c = k->m->c;
    Diag *scratch = diag_new(c->arena, c->src);
    k->ntoks[id] = parse_tokens(c->arena, c->names, scratch, c->src, id, &k->toks[id]);
  }
  *n = k->ntoks[id];
  return k->toks[id];
}

/* The tokens of a span joined by single spaces: the value without layout or comments. */
static const char *span_norm(Collect *k, Span sp) {
  if (sp.file == NO_FILE) return "";
  int n;
  const LexToken *t = file_tokens(k, sp.file, &n);
  const char *text = src_file(k->m->c->src, sp.file)->text;
  size_t cap = 64, len = 0;
  char *out = xmalloc(cap);
  out[0] = '\0';
  for (int i = 0; i < n; i++) {
    if (t[i].term || t[i].start < sp.start || t[i].end > sp.end) continue;
    size_t w = t[i].end - t[i].start;
    if (len + w + 2 > cap) out = xrealloc(out, cap = (len + w + 2) * 2);
    if (len) out[len++] = ' ';
    memcpy(out + len, text + t[i].start, w);
    len += w;
    out[len] = '\0';
  }
  char *r = arena_strndup(k->a, out, len);
  free(out);
  return r;
}

/* The text of a span as written, runs of blanks and line breaks made one space. */
static const char *span_text(Collect *k, Span sp) {
  if (sp.file == NO_FILE) return "";
  const char *text = src_file(k->m->c->src, sp.file)->text;
  char *out = arena_alloc(k->a, sp.end - sp.start + 1);
  size_t len = 0;
  bool blank = false;
  for (uint32_t i = sp.start; i < sp.end; i++) {
    char ch = text[i];
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      blank = len > 0;
      continue;
    }
    if (blank) out[len++] = ' ';
    blank = false;
    out[len++] = ch;
  }
  out[len] = '\0';
  return out;
}

static void add_fact(Collect *k, Fact f) {
  if (k->len == k->cap) {
    int cap = k->cap ? k->cap * 2 : 64;
    Fact *grown = arena_alloc(k->a, sizeof *grown * (size_t)cap);
    if (k->len) memcpy(grown, k->items, sizeof *grown * (size_t)k->len);
    k->items = grown, k->cap = cap;
  }
  f.order = k->order++;
  k->items[k->len++] = f;
}

/* A single constant number of an expression, in base units. */
static bool constant_of(const Node *e, double *out) {
  const ExprSem *s = e ? expr_sem(e) : NULL;
  if (!s) return false;
  if (!s->constant || s->type.kind != TY_NUM) return false;
  *out = s->value;
  return true;
}

/* The facts of one attribute. */
static void attr_facts(Collect *k, const Sym *s, const Node *attr) {
  const char *kind = decl_kind_names[s->kind], *name = attr->attr.name;
  const AttrSpec *spec = schema_find(s->kind, name);
  const NodeList *args = &attr->attr.args;
  bool many = spec ? spec->many : args->len > 1;
  Fact base = {.kind = kind, .name = s->name, .attr = name};
  bool whole = false;
  for (int i = 0; i < args->len; i++) {
    const Node *a = args->items[i];
    const Node *e = arg_expr(a);
    bool keyed = arg_value(a) && e && e->kind == ND_NAME;
    if (keyed) {
      Fact f = base;
      f.key = span_norm(k, e->span);
      Span vs = {a->span.file, arg_value(a)->span.start, a->span.end};
      f.value = span_text(k, vs);
      f.norm = span_norm(k, vs);
      f.value_norm = span_norm(k, arg_value(a)->span);
      f.when_norm = arg_when(a) ? span_norm(k, arg_when(a)->span) : NULL;
      f.has_number = !arg_when(a) && constant_of(arg_value(a), &f.number);
      add_fact(k, f);
    } else if (many) {
      Fact f = base;
      f.key = span_norm(k, a->span);
      add_fact(k, f);
    } else {
      whole = true;
    }
  }
  if (!whole && args->len > 0) return;
  /* one value (or several, compared as a whole) */
  Fact f = base;
  Span sp = args->len ? (Span){attr->span.file, args->items[0]->span.start, args->items[args->len - 1]->span.end}
                      : (Span){attr->span.file, attr->span.end, attr->span.end};
  f.value = span_text(k, sp);
  f.norm = span_norm(k, sp);
  f.value_norm = f.norm;
  if (args->len == 1) {
    const Node *a = args->items[0];
    if (arg_when(a)) {
      f.value_norm = span_norm(k, (Span){sp.file, a->span.start, arg_value(a) ? arg_value(a)->span.end : arg_expr(a)->span.end});
      f.when_norm = span_norm(k, arg_when(a)->span);
    } else if (!arg_value(a)) {
      f.has_number = constant_of(arg_expr(a), &f.number);
    }
  }
  add_fact(k, f);
}

/* The facts of one declaration: title, header, attributes, formula. */
static void decl_facts(Collect *k, const Sym *s) {
  const Node *d = s->decl;
  const char *kind = decl_kind_names[s->kind];
  Fact base = {.kind = kind, .name = s->name};
  if (d->decl.title) {
    Fact f = base;
    f.attr = "title";
    f.value = f.norm = f.value_norm = span_text(k, d->decl.title_span);
    add_fact(k, f);
  }
  if (decl_on(d).str) {
    Fact f = base;
    f.attr = "on";
    f.value = f.norm = f.value_norm = decl_on(d).str;
    add_fact(k, f);
  }
  if (decl_unit(d)) {
    Fact f = base;
    f.attr = "unit";
    f.value = span_text(k, decl_unit(d)->span);
    f.norm = f.value_norm = span_norm(k, decl_unit(d)->span);
    add_fact(k, f);
  }
  if (decl_params(d)->len) {
    Fact f = base;
    f.attr = "parameters";
    Span sp = {d->span.file, decl_params(d)->items[0]->span.start, decl_params(d)->items[decl_params(d)->len - 1]->span.end};
    f.value = span_text(k, sp);
    f.norm = f.value_norm = span_norm(k, sp);
    add_fact(k, f);
  }
  for (int i = 0; i < d->decl.attrs.len; i++)
    if (d->decl.attrs.items[i]->kind == ND_ATTR) attr_facts(k, s, d->decl.attrs.items[i]);
  if (decl_body(d)) {
    Fact f = base;
    f.attr = s->kind == DK_UNIT ? "definition" : "formula";
    f.value = span_text(k, decl_body(d)->span);
    f.norm = f.value_norm = span_norm(k, decl_body(d)->span);
    f.has_number = s->kind != DK_UNIT && constant_of(decl_body(d), &f.number);
    add_fact(k, f);
  }
}

FactSet semdiff_facts(Model *m) {
  Collect k = {.m = m, .a = m->c->arena};
  k.nfiles = m->c->src->count;
  k.toks = arena_alloc(k.a, sizeof *k.toks * (k.nfiles + 1));
  k.ntoks = arena_alloc(k.a, sizeof *k.ntoks * (k.nfiles + 1));
  FactSet set = {0};
  set.decls = arena_alloc(k.a, sizeof *set.decls * (size_t)(m->syms.len + 1));
  for (int i = 0; i < m->syms.len; i++) {
    const Sym *s = m->syms.items[i];
    if (!s->decl || s->decl->kind != ND_DECL) continue;
    set.decls[set.ndecls++] = arena_printf(k.a, "%s %s", decl_kind_names[s->kind], s->name);
    decl_facts(&k, s);
  }
  set.items = k.items;
  set.len = k.len;
  return set;
}

void semdiff_print_facts(FILE *out, const FactSet *s) {
  for (int i = 0; i < s->ndecls; i++) fprintf(out, "%s\n", s->decls[i]);
  for (int i = 0; i < s->len; i++) {
    const Fact *f = &s->items[i];
    fprintf(out, "%s %s: %s", f->kind, f->name, f->attr);
    if (f->key) fprintf(out, " %s", f->key);
    if (f->value) fprintf(out, " %s", f->value);
    fputc('\n', out);
  }
}

/* ---------------------------------------------------------------------------------------
 * Changes
 * ------------------------------------------------------------------------------------- */

#define GROUP_LIST(X)                                     \
  X(G_TARGETS, "targets", "Targets")                      \
  X(G_DEADLINES, "deadlines", "Deadlines")                \
  X(G_BUDGETS, "budgets", "Budgets")                      \
  X(G_CONDITIONS, "conditions", "Conditions and rules")   \
  X(G_DECLS, "declarations", "Declarations")              \
  X(G_OTHER, "other", "Other changes")

typedef enum {
#define X(id, name, title) id,
  GROUP_LIST(X)
#undef X
  G_COUNT
} Group;

static const char *const group_names[G_COUNT] = {
#define X(id, name, title) name,
    GROUP_LIST(X)
#undef X
};
static const char *const group_titles[G_COUNT] = {
#define X(id, name, title) title,
    GROUP_LIST(X)
#undef X
};

typedef enum { CH_ADDED, CH_REMOVED, CH_CHANGED } ChangeKind;

typedef struct Change {
  Group group;
  ChangeKind what;
  const Fact *old, *new_;   /* the fact on each side (NULL where absent) */
  const char *decl;         /* whole declarations: "risk dropout" */
  bool has_delta;
  double delta;             /* percent */
  int order;
  int seq;                  /* insertion order: ties keep it */
  const char *text;
} Change;

static bool str_eq(const char *a, const char *b) {
  if (!a || !b) return a == b;
  return strcmp(a, b) == 0;
}

static bool fact_key_eq(const Fact *a, const Fact *b) {
  return strcmp(a->kind, b->kind) == 0 && strcmp(a->name, b->name) == 0 && str_eq(a->attr, b->attr) &&
         str_eq(a->key, b->key);
}

/* Whether two matched facts say the same. */
static bool same_value(const Fact *a, const Fact *b) {
  if (a->has_number && b->has_number && a->number == b->number) return true;
  return str_eq(a->norm, b->norm);
}

/* The group of a change to attribute attr of a declaration of kind `kind`. */
static Group group_of(const Fact *a, const Fact *b) {
  const Fact *f = b ? b : a;
  const char *at = f->attr;
  if (a && b && a->when_norm && b->when_norm && str_eq(a->value_norm, b->value_norm) &&
      !str_eq(a->when_norm, b->when_norm))
    return G_DEADLINES;
  static const char *const targets[] = {"target", "baseline", "expects", "affects", "likelihood"};
  static const char *const deadlines[] = {"period", "date", "deadline", "decided"};
  static const char *const budgets[] = {"budget", "funded_by", "cofunded_by"};
  static const char *const conditions[] = {"requires", "formula", "on", "eligibility", "expect", "given"};
  for (size_t i = 0; i < COUNT_OF(targets); i++)
    if (strcmp(at, targets[i]) == 0) return G_TARGETS;
  for (size_t i = 0; i < COUNT_OF(deadlines); i++)
    if (strcmp(at, deadlines[i]) == 0) return G_DEADLINES;
  for (size_t i = 0; i < COUNT_OF(budgets); i++)
    if (strcmp(at, budgets[i]) == 0) return G_BUDGETS;
  for (size_t i = 0; i < COUNT_OF(conditions); i++)
    if (strcmp(at, conditions[i]) == 0) return G_CONDITIONS;
  if (strcmp(f->kind, "record") == 0) return G_CONDITIONS;   /* the inputs of the rules */
  return G_OTHER;
}

/* "goal hundred: " or, for the mission, "" (its facts read "budget of the mission"). */
static const char *subject(Arena *a, const Fact *f) {
  if (strcmp(f->kind, "mission") == 0) return "";
  return arena_printf(a, "%s %s: ", f->kind, f->name);
}

/* "target", "funded_by netzero", "budget of the mission". */
static const char *fact_label(Arena *a, const Fact *f) {
  const char *l = f->key && f->value ? arena_printf(a, "%s %s", f->attr, f->key) : f->attr;
  if (strcmp(f->kind, "mission") == 0) l = arena_printf(a, "%s of the mission", l);
  return l;
}

/* The one-line text of a change. */
static const char *change_text(Arena *a, const Change *ch) {
  if (ch->decl) return arena_printf(a, "%s %s", ch->decl, ch->what == CH_ADDED ? "added" : "removed");
  const Fact *f = ch->new_ ? ch->new_ : ch->old;
  bool mission = strcmp(f->kind, "mission") == 0;
  const char *subj = mission ? arena_printf(a, "mission %s: ", f->name) : subject(a, f);
  if (!f->value) {   /* a list item */
    return arena_printf(a, "%s%s %s %s", subj, ch->what == CH_ADDED ? "now" : "no longer", f->attr, f->key);
  }
  if (ch->what != CH_CHANGED) {
    const char *l = f->key ? arena_printf(a, "%s %s", f->attr, f->key) : f->attr;
    return arena_printf(a, "%s%s %s %s", subj, l, f->value, ch->what == CH_ADDED ? "added" : "removed");
  }
  const char *t = mission ? arena_printf(a, "%s: %s \u2192 %s", fact_label(a, f), ch->old->value, ch->new_->value)
                          : arena_printf(a, "%s%s %s \u2192 %s", subj, fact_label(a, f), ch->old->value, ch->new_->value);
  if (ch->has_delta) t = arena_printf(a, "%s (%+.1f%%)", t, ch->delta);
  return t;
}

typedef struct Changes {
  Change *items;
  int len, cap;
} Changes;

static void push_change(Arena *a, Changes *cs, Change ch) {
  if (cs->len == cs->cap) {
    int cap = cs->cap ? cs->cap * 2 : 32;
    Change *grown = arena_alloc(a, sizeof *grown * (size_t)cap);
    if (cs->len) memcpy(grown, cs->items, sizeof *grown * (size_t)cs->len);
    cs->items = grown, cs->cap = cap;
  }
  ch.seq = cs->len;
  cs->items[cs->len++] = ch;
}

static bool has_decl(const FactSet *s, const char *d) {
  for (int i = 0; i < s->ndecls; i++)
    if (strcmp(s->decls[i], d) == 0) return true;
  return false;
}

/* Whether fact f's declaration is in set s. */
static bool decl_of_fact_in(Arena *a, const FactSet *s, const Fact *f) {
  return has_decl(s, arena_printf(a, "%s %s", f->kind, f->name));
}

static int by_group(const void *x, const void *y) {
  const Change *a = x, *b = y;
  if (a->group != b->group) return a->group < b->group ? -1 : 1;
  if (a->order != b->order) return (a->order > b->order) - (a->order < b->order);
  return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Every change from a to b, sorted by group then by position. */
static Changes compute(Arena *ar, const FactSet *a, const FactSet *b) {
  Changes cs = {0};
  for (int i = 0; i < a->ndecls; i++)
    if (!has_decl(b, a->decls[i])) push_change(ar, &cs, (Change){G_DECLS, CH_REMOVED, .decl = a->decls[i], .order = i});
  for (int i = 0; i < b->ndecls; i++)
    if (!has_decl(a, b->decls[i]))
      push_change(ar, &cs, (Change){G_DECLS, CH_ADDED, .decl = b->decls[i], .order = 1000000 + i});
  for (int i = 0; i < a->len; i++) {   /* removed and changed facts of declarations on both sides */
    const Fact *f = &a->items[i];
    if (!decl_of_fact_in(ar, b, f)) continue;
    const Fact *g = NULL;
    for (int j = 0; j < b->len && !g; j++)
      if (fact_key_eq(f, &b->items[j])) g = &b->items[j];
    if (!g) {
      push_change(ar, &cs, (Change){group_of(f, NULL), CH_REMOVED, f, NULL, .order = 2000000 + f->order});
    } else if (!same_value(f, g)) {
      Change ch = {group_of(f, g), CH_CHANGED, f, g, .order = 2000000 + g->order};
      if (f->has_number && g->has_number && f->number != 0 && strcmp(f->attr, "budget") == 0 && !f->key) {
        ch.has_delta = true;
        ch.delta = (g->number - f->number) / fabs(f->number) * 100;
      }
      push_change(ar, &cs, ch);
    }
  }
  for (int j = 0; j < b->len; j++) {   /* added facts */
    const Fact *g = &b->items[j];
    if (!decl_of_fact_in(ar, a, g)) continue;
    bool found = false;
    for (int i = 0; i < a->len && !found; i++) found = fact_key_eq(&a->items[i], g);
    if (!found) push_change(ar, &cs, (Change){group_of(NULL, g), CH_ADDED, NULL, g, .order = 2000000 + g->order});
  }
  if (cs.len > 1) qsort(cs.items, (size_t)cs.len, sizeof *cs.items, by_group);
  for (int i = 0; i < cs.len; i++) cs.items[i].text = change_text(ar, &cs.items[i]);
  return cs;
}

/* A JSON string or null. */
static void json_str(FILE *out, const char *s) {
  if (s) diag_json_string(out, s);
  else fputs("null", out);
}

static void print_json(FILE *out, const char *ol, const char *nl, const Changes *cs) {
  static const char *const whats[] = {"added", "removed", "changed"};
  fputs("{\n  \"format\": \"missionc-diff\",\n  \"format_version\": 1,\n  \"old\": ", out);
  json_str(out, ol);
  fputs(",\n  \"new\": ", out);
  json_str(out, nl);
  fprintf(out, ",\n  \"same\": %s,\n  \"changes\": [", cs->len ? "false" : "true");
  for (int i = 0; i < cs->len; i++) {
    const Change *ch = &cs->items[i];
    const Fact *f = ch->new_ ? ch->new_ : ch->old;
    fprintf(out, "%s\n    {\"group\": \"%s\", \"change\": \"%s\", ", i ? "," : "", group_names[ch->group], whats[ch->what]);
    if (ch->decl) {
      const char *sp = strchr(ch->decl, ' ');
      fputs("\"kind\": ", out);
      diag_json_string_n(out, ch->decl, (size_t)(sp - ch->decl));
      fputs(", \"name\": ", out);
      json_str(out, sp + 1);
      fputs(", \"attribute\": null, \"key\": null, \"old\": null, \"new\": null", out);
    } else {
      fputs("\"kind\": ", out);
      json_str(out, f->kind);
      fputs(", \"name\": ", out);
      json_str(out, f->name);
      fputs(", \"attribute\": ", out);
      json_str(out, f->attr);
      fputs(", \"key\": ", out);
      json_str(out, f->key);
      fputs(", \"old\": ", out);
      json_str(out, ch->old ? (ch->old->value ? ch->old->value : ch->old->key) : NULL);
      fputs(", \"new\": ", out);
      json_str(out, ch->new_ ? (ch->new_->value ? ch->new_->value : ch->new_->key) : NULL);
    }
    if (ch->has_delta) fprintf(out, ", \"delta_percent\": %.1f", ch->delta);
    fputs(", \"text\": ", out);
    json_str(out, ch->text);
    fputc('}', out);
  }
  fputs(cs->len ? "\n  ]\n}\n" : "]\n}\n", out);
}

int semdiff_print(FILE *out, SemDiffFormat fmt, const char *old_label, const FactSet *a,
                  const char *new_label, const FactSet *b) {
  Arena *ar = arena_new();
  Changes cs = compute(ar, a, b);
  if (fmt == SD_JSON) {
    print_json(out, old_label, new_label, &cs);
  } else if (fmt == SD_MARKDOWN) {
    fprintf(out, "## Mission changes: `%s` \u2192 `%s`\n\n", old_label, new_label);
    if (!cs.len) fputs("No change in the mission.\n", out);
    for (int i = 0; i < cs.len; i++) {
      if (i == 0 || cs.items[i].group != cs.items[i - 1].group)
        fprintf(out, "%s### %s\n\n", i ? "\n" : "", group_titles[cs.items[i].group]);
      fprintf(out, "- %s\n", cs.items[i].text);
    }
  } else {
    for (int i = 0; i < cs.len; i++) fprintf(out, "%s\n", cs.items[i].text);
  }
  int n = cs.len;
  arena_free(ar);
  return n;
}
