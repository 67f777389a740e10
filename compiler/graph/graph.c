/* graph.c - the shared half of the diagrams: styles, labels, the builder, --focus,
 * and the output (DOT through agwrite, SVG/PNG/PDF through gvc, Mermaid).
 *
 * The views themselves are in graph_map.c (map, portfolio), graph_timeline.c,
 * graph_actors.c and graph_rules.c; the Mermaid writers in graph_mermaid.c.
 */
#include "graph.h"

#include <graphviz/gvc.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"
#include "util.h"

const char *const graph_view_names[GV_COUNT] = {
#define X(id, name, what) name,
    GRAPH_VIEW_LIST(X)
#undef X
};

const char *const graph_format_names[GF_COUNT] = {
#define X(id, name, binary) name,
    GRAPH_FORMAT_LIST(X)
#undef X
};

const bool graph_format_binary[GF_COUNT] = {
#define X(id, name, binary) binary,
    GRAPH_FORMAT_LIST(X)
#undef X
};

/* ------------------------------------------------------------------------ */
/* Styles: one colour per sector, the same in every view                    */
/* ------------------------------------------------------------------------ */

#define ACTOR_STYLE(cls, line, fill) {cls, "ellipse", "filled", fill, line, MS_STADIUM}

/* Colour-blind-friendly hues (Tableau 10); non-actors use greys and yellows only. */
static const SectorStyle sector_styles[SECTOR_COUNT] = {
    [SECTOR_NONE] = {"No sector", "#79706e", "#e5e5e5", ACTOR_STYLE("sector_none", "#79706e", "#e5e5e5")},
    [SECTOR_PUBLIC] = {"Public sector", "#4e79a7", "#d4e1f0", ACTOR_STYLE("sector_public", "#4e79a7", "#d4e1f0")},
    [SECTOR_PRIVATE] = {"Private sector", "#f28e2b", "#fde2c6", ACTOR_STYLE("sector_private", "#f28e2b", "#fde2c6")},
    [SECTOR_THIRD] = {"Third sector", "#59a14f", "#d7ecd3", ACTOR_STYLE("sector_third", "#59a14f", "#d7ecd3")},
    [SECTOR_ACADEMIA] = {"Academia", "#b07aa1", "#ecdde8", ACTOR_STYLE("sector_academia", "#b07aa1", "#ecdde8")},
    [SECTOR_CITIZENS] = {"Citizens", "#e15759", "#f9d4d4", ACTOR_STYLE("sector_citizens", "#e15759", "#f9d4d4")},
};

const SectorStyle *graph_sector_style(Sector s) {
  return &sector_styles[s >= 0 && s < SECTOR_COUNT ? s : SECTOR_NONE];
}

const NodeStyle style_challenge = {"challenge", "note", "filled", "#eeeeee", "#555555", MS_FLAG};
const NodeStyle style_mission = {"mission", "box", "rounded,filled,bold", "#ffd966", "#7f6000", MS_ROUND};
const NodeStyle style_goal = {"goal", "box", "rounded,filled", "#fff2cc", "#bf9000", MS_ROUND};
const NodeStyle style_project = {"project", "box", "filled", "#ffffff", "#555555", MS_RECT};
const NodeStyle style_instrument_supply = {"instrument_supply", "box", "filled", "#e8e8e8", "#555555",
                                           MS_SUBROUTINE};
const NodeStyle style_instrument_demand = {"instrument_demand", "box", "filled,bold", "#cfcfcf", "#333333",
                                           MS_SUBROUTINE};
const NodeStyle style_indicator = {"indicator", "box", "filled", "#fff2cc", "#bf9000", MS_PARALLELOGRAM};
const NodeStyle style_field = {"field", "box", "filled", "#ffffff", "#888888", MS_RECT};
const NodeStyle style_input = {"input", "box", "filled", "#eeeeee", "#555555", MS_PARALLELOGRAM};
const NodeStyle style_call = {"call", "ellipse", "filled", "#ffffff", "#555555", MS_CIRCLE};
const NodeStyle style_fn = {"fn", "ellipse", "filled,bold", "#f2f2f2", "#333333", MS_STADIUM};
const NodeStyle style_score = {"score", "box", "rounded,filled,bold", "#d9d9d9", "#333333", MS_ROUND};
const NodeStyle style_condition = {"condition", "hexagon", "filled,bold", "#d9d9d9", "#333333", MS_HEXAGON};
const NodeStyle style_goal_const = {"goal_const", "note", "filled", "#fff2cc", "#bf9000", MS_FLAG};
const NodeStyle style_phase = {"phase", "box", "filled", "#d9d9d9", "#595959", MS_RECT};
const NodeStyle style_milestone = {"milestone", "diamond", "filled", "#404040", "#404040", MS_RHOMBUS};
const NodeStyle style_deadline = {"deadline", "diamond", "filled", "#ffd966", "#7f6000", MS_RHOMBUS};
const NodeStyle style_text = {"text", "plaintext", NULL, NULL, NULL, MS_RECT};
const NodeStyle style_table = {"table", "plain", NULL, NULL, NULL, MS_RECT};
const NodeStyle style_point = {"point", "point", "invis", NULL, NULL, MS_RECT};
const NodeStyle style_risk = {"risk", "octagon", "filled", "#f4cccc", "#990000", MS_HEXAGON};
const NodeStyle style_review = {"review", "diamond", "filled", "#ffffff", "#404040", MS_RHOMBUS};
const NodeStyle style_decision = {"decision", "diamond", "filled,bold", "#ffd966", "#404040", MS_RHOMBUS};

/* ------------------------------------------------------------------------ */
/* Text                                                                     */
/* ------------------------------------------------------------------------ */

const char *fmt_weight(Arena *a, double v) { return v == 0 ? "0" : arena_printf(a, "%.4g", v); }

const char *fmt_qty(Arena *a, double base_value, const Unit *unit) {
  if (!unit || !unit->name) return fmt_num(a, base_value);
  return fmt_with_unit(a, fmt_num(a, base_value / unit->scale), unit->name);
}

/* A quantity as written: "95%", "≥ 95%", "≤ 50 gpkWh", "43–50 GW", "5–10 MEUR"; a rate
 * with its total: "1.5 BGBP/year, 9.75 BGBP over 6.5 years". */
const char *fmt_quantity(Arena *a, const Quantity *q) {
  const Unit *u = q->unit;
  double sc = u ? u->scale : 1;
  if (q->per) {
    double per = q->per->scale;
    const char *rate = q->bound == QB_RANGE
                           ? arena_printf(a, "%s–%s", fmt_num(a, q->rate_lo * per / sc), fmt_num(a, q->rate_hi * per / sc))
                           : fmt_num(a, q->rate_lo * per / sc);
    const char *total = q->bound == QB_RANGE
                            ? arena_printf(a, "%s–%s", fmt_num(a, q->lo / sc), fmt_qty(a, q->hi, u))
                            : fmt_qty(a, q->value, u);
    double n = q->days / per;
    return arena_printf(a, "%s %s/%s, %s over %s %s%s", rate, u ? u->name : "", q->per->name, total, fmt_num(a, n),
                        q->per->name, n == 1 ? "" : "s");
  }
  switch (q->bound) {
  case QB_MIN: return arena_printf(a, "≥ %s", fmt_qty(a, q->lo, u));
  case QB_MAX: return arena_printf(a, "≤ %s", fmt_qty(a, q->hi, u));
  case QB_RANGE: return arena_printf(a, "%s–%s", fmt_num(a, q->lo / sc), fmt_qty(a, q->hi, u));
  default: return fmt_qty(a, q->value, u);
  }
}

const char *fmt_period(Arena *a, const Period *p) {
  return arena_printf(a, "%s – %s", fmt_date(a, p->start, false), fmt_date(a, p->end, true));
}

const char *fmt_type(const Model *m, const Type *t) {
  switch (t->kind) {
  case TY_BOOL: return "bool";
  case TY_DATE: return "date";
  case TY_STRING: return "string";
  case TY_NUM:
    if (t->unit && t->unit->name) return t->unit->name;
    if (dim_is_none(&t->dim)) return "1";
    return m->units ? dim_format(m->units, m->c->arena, &t->dim) : "?";
  default: return "";
  }
}

/* Append n bytes to a growable string. */
static void buf_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n) {
  if (*len + n + 1 > *cap) {
    *cap = (*len + n + 1) * 2 + 64;
    *buf = xrealloc(*buf, *cap);
  }
  memcpy(*buf + *len, s, n);
  *len += n;
  (*buf)[*len] = '\0';
}

int utf8_len(const char *s) {
  int n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

const char *wrap_text(Arena *a, const char *s, int width) {
  char *out = NULL;
  size_t len = 0, cap = 0;
  buf_add(&out, &len, &cap, "", 0);
  int col = 0;
  const char *p = s;
  while (*p) {
    if (*p == '\n') {
      buf_add(&out, &len, &cap, "\n", 1);
      col = 0;
      p++;
      continue;
    }
    if (*p == ' ') {
      p++;
      continue;
    }
    size_t n = strcspn(p, " \n");
    char *word = arena_strndup(a, p, n);
    int w = utf8_len(word);
    if (col > 0 && width > 0 && col + 1 + w > width) {
      buf_add(&out, &len, &cap, "\n", 1);
      col = 0;
    } else if (col > 0) {
      buf_add(&out, &len, &cap, " ", 1);
      col++;
    }
    buf_add(&out, &len, &cap, word, n);
    col += w;
    p += n;
  }
  const char *r = arena_strndup(a, out, len);
  free(out);
  return r;
}

const char *sym_title(const Sym *s) { return sym_title_text(s) && *sym_title_text(s) ? sym_title_text(s) : s->name; }

/* ------------------------------------------------------------------------ */
/* Labels: HTML-like for DOT and plain text for Mermaid, built together      */
/* ------------------------------------------------------------------------ */

Label label_new(const GB *b) { return (Label){.a = b->a}; }

void label_html(Label *l, const char *html) { buf_add(&l->html, &l->hlen, &l->hcap, html, strlen(html)); }
void label_html_escaped(Label *l, const char *s) { label_html(l, esc_html(l->a, s)); }
void label_text(Label *l, const char *s) { buf_add(&l->text, &l->tlen, &l->tcap, s, strlen(s)); }

/* Lines of `s` as escaped HTML separated by <BR/>, and as text separated by '\n'. */
static void label_lines(Label *l, const char *s) {
  const char *p = s;
  for (;;) {
    size_t n = strcspn(p, "\n");
    label_html_escaped(l, arena_strndup(l->a, p, n));
    label_text(l, arena_strndup(l->a, p, n));
    if (!p[n]) break;
    label_html(l, "<BR/>");
    label_text(l, "\n");
    p += n + 1;
  }
}

void label_title(Label *l, const char *s, int width) {
  if (l->lines++) {
    label_html(l, "<BR/>");
    label_text(l, "\n");
  }
  label_html(l, "<B>");
  label_lines(l, wrap_text(l->a, s, width));
  label_html(l, "</B>");
}

void label_line(Label *l, int width, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const char *s = arena_vprintf(l->a, fmt, ap);
  va_end(ap);
  if (l->lines++) {
    label_html(l, "<BR/>");
    label_text(l, "\n");
  }
  label_html(l, "<FONT POINT-SIZE=\"9\">");
  label_lines(l, wrap_text(l->a, s, width));
  label_html(l, "</FONT>");
}

void label_free(Label *l) {
  free(l->html);
  free(l->text);
  *l = (Label){.a = l->a};
}

/* A decor note: a bold last line, a size larger than the details. */
static void label_note(Label *l, const char *s) {
  if (l->lines++) {
    label_html(l, "<BR/>");
    label_text(l, "\n");
  }
  label_html(l, "<FONT POINT-SIZE=\"10\"><B>");
  label_lines(l, s);
  label_html(l, "</B></FONT>");
}

void label_set(GB *b, void *obj, Label *l) {
  if (obj) {
    GRec *r = gb_rec(obj);
    if (r && r->note) label_note(l, r->note);
    char *h = agstrdup_html(b->g, l->html ? l->html : "");
    agsafeset(obj, "label", h, "");
    agstrfree(b->g, h);
    if (r) r->text = arena_strdup(b->a, l->text ? l->text : "");
  }
  label_free(l);
}

/* ------------------------------------------------------------------------ */
/* Object IDs in creation order                                             */
/* ------------------------------------------------------------------------ */

/* cgraph keeps subgraphs ordered by ID, and its default ID of a named object is the
 * address of its name: the order of clusters in the output would then depend on
 * the allocator (and differ under ASan). Here a name's ID is 2 * (its position in
 * creation order + 1); anonymous objects get odd IDs, as in the default. The names
 * are cgraph strings (agstrdup), as agwrite expects of what id_print returns; they
 * live in the graph's string dictionary, which agclose frees after id_close. */
typedef struct IdState {
  Agraph_t *g;
  char **names;          /* by ID / 2 - 1 */
  size_t n, cap;
  uint32_t *slots;       /* hash table: index + 1 into names, 0 empty */
  size_t nslots;
  IDTYPE anon;
} IdState;

static uint64_t name_hash(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

static void *id_open(Agraph_t *g, Agdisc_t *disc) {
  (void)disc;
  IdState *s = xcalloc(1, sizeof *s);
  s->g = g;
  s->anon = 1;
  return s;
}

/* The slot of name in the hash table (empty if absent). */
static size_t id_slot(const IdState *s, const char *name) {
  size_t i = (size_t)(name_hash(name) & (s->nslots - 1));
  while (s->slots[i] && strcmp(s->names[s->slots[i] - 1], name) != 0) i = (i + 1) & (s->nslots - 1);
  return i;
}

static void id_grow(IdState *s) {
  free(s->slots);
  s->nslots = s->nslots ? s->nslots * 2 : 256;
  s->slots = xcalloc(s->nslots, sizeof *s->slots);
  for (size_t k = 0; k < s->n; k++) s->slots[id_slot(s, s->names[k])] = (uint32_t)(k + 1);
}

static long id_map(void *state, int objtype, char *str, IDTYPE *id, int createflag) {
  (void)objtype;
  IdState *s = state;
  if (!str) {
    *id = s->anon;
    s->anon += 2;
    return 1;
  }
  if (s->nslots && s->slots[id_slot(s, str)]) {
    *id = 2 * (IDTYPE)s->slots[id_slot(s, str)];
    return 1;
  }
  if (!createflag) return 0;
  if ((s->n + 1) * 2 > s->nslots) id_grow(s);
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 64;
    s->names = xrealloc(s->names, s->cap * sizeof *s->names);
  }
  s->names[s->n++] = agstrdup(s->g, str);
  s->slots[id_slot(s, str)] = (uint32_t)s->n;
  *id = 2 * (IDTYPE)s->n;
  return 1;
}

static long id_alloc(void *state, int objtype, IDTYPE request) {
  (void)state;
  (void)objtype;
  (void)request;
  return 0;
}

static void id_free(void *state, int objtype, IDTYPE id) {
  (void)state;
  (void)objtype;
  (void)id;   /* names live until the graph is closed */
}

static char *id_print(void *state, int objtype, IDTYPE id) {
  (void)objtype;
  const IdState *s = state;
  return id % 2 == 0 && id / 2 <= s->n ? s->names[id / 2 - 1] : NULL;
}

static void id_close(void *state) {
  IdState *s = state;
  free(s->names);
  free(s->slots);
  free(s);
}

static void id_register(void *state, int objtype, void *obj) {
  (void)state;
  (void)objtype;
  (void)obj;
}

static Agiddisc_t id_disc = {id_open, id_map, id_alloc, id_free, id_print, id_close, id_register};
static Agdisc_t graph_disc = {NULL, &id_disc, NULL};   /* mem and io: Graphviz's, set in gb_open */

/* ------------------------------------------------------------------------ */
/* The builder                                                              */
/* ------------------------------------------------------------------------ */

void gb_set(void *obj, const char *attr, const char *value) {
  if (obj && value) agsafeset(obj, (char *)attr, (char *)value, "");
}

void gb_setf(void *obj, const char *attr, const char *fmt, ...) {
  if (!obj) return;
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  gb_set(obj, attr, buf);
}

GRec *gb_rec(void *obj) { return obj ? (GRec *)aggetrec(obj, GREC_NAME, 0) : NULL; }

static GRec *bind_rec(void *obj) {
  GRec *r = (GRec *)agbindrec(obj, GREC_NAME, sizeof(GRec), false);
  r->text = "";
  r->dist = -1;
  return r;
}

void gb_open(GB *b, const char *engine, const char *rankdir) {
  graph_disc.mem = &AgMemDisc;
  graph_disc.io = &AgIoDisc;
  b->g = agopen((char *)graph_view_names[b->view], Agdirected, &graph_disc);
  bind_rec(b->g);
  Agraph_t *g = b->g;
  agattr(g, AGRAPH, "layout", (char *)engine);
  agattr(g, AGRAPH, "fontname", "Helvetica");
  agattr(g, AGRAPH, "fontsize", "11");
  if (rankdir) agattr(g, AGRAPH, "rankdir", (char *)rankdir);
  agattr(g, AGNODE, "label", "\\N");   /* so that label="" is written out */
  agattr(g, AGNODE, "fontname", "Helvetica");
  agattr(g, AGNODE, "fontsize", "11");
  agattr(g, AGNODE, "shape", "box");
  agattr(g, AGNODE, "style", "filled");
  agattr(g, AGNODE, "fillcolor", "white");
  agattr(g, AGNODE, "color", "#555555");
  agattr(g, AGNODE, "margin", "0.1,0.04");
  agattr(g, AGEDGE, "fontname", "Helvetica");
  agattr(g, AGEDGE, "fontsize", "9");
  agattr(g, AGEDGE, "fontcolor", "#333333");
  agattr(g, AGEDGE, "color", "#666666");
  agattr(g, AGEDGE, "arrowsize", "0.7");
}

void gb_title(GB *b, const char *subtitle) {
  Label l = label_new(b);
  label_html(&l, "<FONT POINT-SIZE=\"16\">");
  label_title(&l, b->title, 70);
  label_html(&l, "</FONT>");
  label_line(&l, 0, "%s", subtitle);
  label_set(b, b->g, &l);
  agsafeset(b->g, "labelloc", "t", "");
  agsafeset(b->g, "labeljust", "c", "");
}

Agraph_t *gb_cluster(GB *b, Agraph_t *sub, const char *name, const char *label, const char *line,
                     const char *fill) {
  Agraph_t *c = agsubg(sub ? sub : b->g, (char *)name, 1);
  bind_rec(c);
  Label l = label_new(b);
  label_title(&l, label, 40);
  label_set(b, c, &l);
  gb_set(c, "color", line);
  if (fill) {
    gb_set(c, "style", "filled,rounded");
    gb_set(c, "fillcolor", fill);
  }
  return c;
}

bool gb_project_tables(GB *b) {
  if (b->detailed) return false;
  int n = 0;
  GB_EACH(b, DK_PROJECT, p) n += gb_kept(b, p);
  return n > GB_MAX_PROJECT_NODES;
}

/* One cell: escaped lines separated by <BR/>. */
static void table_cell(Label *l, const char *attrs, const char *text) {
  if (!*text) {
    label_html(l, "<TD></TD>");
    return;
  }
  label_html(l, "<TD");
  label_html(l, attrs);
  label_html(l, "><FONT POINT-SIZE=\"9\">");
  for (const char *p = text;;) {
    size_t n = strcspn(p, "\n");
    label_html_escaped(l, arena_strndup(l->a, p, n));
    if (!p[n]) break;
    label_html(l, "<BR/>");
    p += n + 1;
  }
  label_html(l, "</FONT></TD>");
}

const char *gb_funded_text(GB *b, const Sym *p) {
  const char *s = "";
  for (int k = 0; k < p->project.funded_by.len; k++) {
    const Link *f = &p->project.funded_by.items[k];
    s = arena_printf(b->a, "%s%s%s%s%s", s, k ? "\n" : "", f->unit ? fmt_quantity(b->a, link_quantity(f, &(Quantity){0})) : "",
                     f->unit ? " · " : "", f->target->name);
  }
  return s;
}

Agnode_t *gb_table(GB *b, const char *name, const char *title, const char *summary,
                   const char *const *headers, int ncols, const char **cells, int nrows,
                   const char *fill) {
  Agnode_t *n = gb_node_always(b, NULL, name, NULL, &style_table);   /* its rows are what is kept */
  Label l = label_new(b);
  label_html(&l, arena_printf(b->a, "<TABLE BORDER=\"1\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"2\" "
                                    "COLOR=\"#888888\" BGCOLOR=\"white\"><TR><TD COLSPAN=\"%d\" BGCOLOR=\"%s\"><B>",
                              ncols, fill));
  label_html_escaped(&l, title);
  label_html(&l, "</B> <FONT POINT-SIZE=\"9\">");
  label_html_escaped(&l, summary);
  label_html(&l, "</FONT></TD></TR><TR>");
  for (int c = 0; c < ncols; c++) {
    label_html(&l, "<TD BGCOLOR=\"#eeeeee\"><FONT POINT-SIZE=\"9\"><B>");
    label_html_escaped(&l, headers[c]);
    label_html(&l, "</B></FONT></TD>");
  }
  label_html(&l, "</TR>");
  for (int r = 0; r < nrows; r++) {
    label_html(&l, "<TR>");
    for (int c = 0; c < ncols; c++) {
      table_cell(&l, " ALIGN=\"LEFT\" BALIGN=\"LEFT\"", cells[r * ncols + c]);
    }
    label_html(&l, "</TR>");
  }
  label_html(&l, "</TABLE>");
  label_text(&l, arena_printf(b->a, "%s\n%s", title, summary));
  label_set(b, n, &l);
  return n;
}

bool gb_kept(const GB *b, const Sym *sym) { return !b->keep || !sym || b->keep->syms[sym->index]; }

/* Entry `field` of the decor for s (NULL: none, or the view's default). */
static const char *decor_entry(const char *const *field, const Sym *s) { return field ? field[s->index] : NULL; }

/* What the caller's GraphDecor asks of the node named after its declaration: the
 * colours, tooltip and class now; the note when the label is set (label_set). */
static void decorate(GB *b, Agnode_t *n, GRec *r) {
  const GraphDecor *d = b->decor;
  const Sym *s = r->sym;
  if (!d || !s || strcmp(agnameof(n), s->name) != 0) return;
  const char *fill = decor_entry(d->fill, s), *line = decor_entry(d->line, s);
  const char *cls = decor_entry(d->cls, s);
  gb_set(n, "fillcolor", fill);
  if (line) {
    gb_set(n, "color", line);
    gb_set(n, "penwidth", "2");
  }
  gb_set(n, "tooltip", decor_entry(d->tooltip, s));
  if (cls) gb_set(n, "class", r->style ? arena_printf(b->a, "%s %s", r->style->cls, cls) : cls);
  r->note = decor_entry(d->note, s);
  r->fill = fill;
  r->line = line;
}

Agnode_t *gb_node(GB *b, Agraph_t *sub, const char *name, const Sym *sym, const NodeStyle *st) {
  if (b->keep) {
    if (sym) {
      if (!b->keep->syms[sym->index]) return NULL;
    } else {
      Agnode_t *f = agnode(b->keep->full, (char *)name, 0);
      if (!f || gb_rec(f)->dist < 0) return NULL;
    }
  }
  Agnode_t *n = agnode(sub ? sub : b->g, (char *)name, 1);
  GRec *r = bind_rec(n);
  r->sym = sym;
  r->style = st;
  if (st) {
    if (strcmp(st->shape, "box") != 0) gb_set(n, "shape", st->shape);
    if (!st->style || strcmp(st->style, "filled") != 0) gb_set(n, "style", st->style ? st->style : "");
    if (st->fill && strcmp(st->fill, "white") != 0) gb_set(n, "fillcolor", st->fill);
    if (st->line && strcmp(st->line, "#555555") != 0) gb_set(n, "color", st->line);
  }
  decorate(b, n, r);
  return n;
}

Agnode_t *gb_find(GB *b, const Sym *s) { return s ? agnode(b->g, (char *)s->name, 0) : NULL; }

Agnode_t *gb_node_always(GB *b, Agraph_t *sub, const char *name, const Sym *sym, const NodeStyle *st) {
  const Keep *keep = b->keep;
  b->keep = NULL;
  Agnode_t *n = gb_node(b, sub, name, sym, st);
  b->keep = keep;
  return n;
}

Agnode_t *gb_fixture(GB *b, const char *name, const NodeStyle *st) {
  Agnode_t *n = gb_node_always(b, NULL, name, NULL, st);
  gb_rec(n)->hidden = true;
  if (st == &style_point) gb_set(n, "label", "");
  return n;
}

Agedge_t *gb_edge(GB *b, Agnode_t *t, Agnode_t *h, const char *label, EdgeStyle es) {
  if (!t || !h) return NULL;
  Agedge_t *e = agedge(b->g, t, h, NULL, 1);
  GRec *r = bind_rec(e);
  r->estyle = es;
  r->hidden = es == ES_INVISIBLE;
  if (label && *label) {
    gb_set(e, "label", esc_dot(b->a, label));
    r->text = arena_strdup(b->a, label);
  }
  switch (es) {
  case ES_ARROW: break;
  case ES_DASHED: gb_set(e, "style", "dashed"); break;
  case ES_DOTTED: gb_set(e, "style", "dotted"); break;
  case ES_LINE: gb_set(e, "arrowhead", "none"); break;
  case ES_DASHED_LINE:
    gb_set(e, "style", "dashed");
    gb_set(e, "arrowhead", "none");
    break;
  case ES_INVISIBLE: gb_set(e, "style", "invis"); break;
  }
  return e;
}

void gb_anchor(GB *b, Agnode_t *t, Agnode_t *h, int minlen) {
  Agedge_t *e = gb_edge(b, t, h, NULL, ES_INVISIBLE);
  if (!e) return;
  gb_rec(e)->anchor = true;
  if (minlen != 1) gb_setf(e, "minlen", "%d", minlen);
}

/* ---- which declarations belong to the drawing ---------------------------- */

bool gb_included(const GB *b, const Sym *s) { return s && b->incl[s->index]; }
int gb_count(const GB *b, DeclKind k) { return b->m->by_kind[k].len; }
Sym *gb_sym(const GB *b, DeclKind k, int i) { return b->m->by_kind[k].items[i]; }

typedef struct Walk {
  const Model *m;
  bool *incl;
  PtrVec *work;
} Walk;

static void use(Walk *w, const Sym *s) {
  bool in_model = s && s->index >= 0 && s->index < w->m->syms.len && w->m->syms.items[s->index] == s;
  if (in_model && !w->incl[s->index]) {
    w->incl[s->index] = true;
    vec_push(w->m->c->arena, w->work, (void *)s);
  }
}

static void use_list(Walk *w, const SymList *l) {
  for (int i = 0; i < l->len; i++) use(w, l->items[i]);
}

static void use_links(Walk *w, const LinkList *l) {
  for (int i = 0; i < l->len; i++) use(w, l->items[i].target);
}

/* Mark the declarations a formula names. */
static void use_expr(Walk *w, const Node *n) {
  if (!n) return;
  const ExprSem *e = expr_sem(n);
  if (e && e->ref) use(w, e->ref);
  for (int i = 0; i < ast_expr_kids(n); i++) use_expr(w, ast_expr_kid(n, i));
}

/* What declaration s refers to, each marked as used. */
static void use_refs(Walk *w, const Sym *s) {
  switch (s->kind) {
  case DK_MISSION: use(w, s->mission.owner); break;
  case DK_ACTOR: use(w, s->actor.parent); break;
  case DK_GOAL:
    use(w, s->goal.indicator);
    use(w, s->goal.parent);
    use_links(w, &s->goal.contributes);
    break;
  case DK_PHASE: use_list(w, &s->phase.after); break;
  case DK_MILESTONE:
    use(w, s->milestone.phase);
    use_list(w, &s->milestone.after);
    use_links(w, &s->milestone.expects);
    use(w, s->milestone.by);
    use_list(w, &s->milestone.reviews);
    break;
  case DK_RISK:
    use_links(w, &s->risk.affects);
    use(w, s->risk.owner);
    use_list(w, &s->risk.mitigated_by);
    break;
  case DK_INSTRUMENT:
    use(w, s->instrument.by);
    use_list(w, &s->instrument.requires);
    break;
  case DK_PROJECT:
    use(w, s->project.lead);
    use_list(w, &s->project.partners);
    use_links(w, &s->project.funded_by);
    use_links(w, &s->project.contributes);
    break;
  case DK_SCORE:
  case DK_CONDITION:
  case DK_FN:
    use(w, s->rule.on);
    use_list(w, &s->rule.indicators);
    use_expr(w, s->rule.body);
    break;
  default: break;
  }
}

/* Declarations of the checked file, and imported ones they use, transitively. */
static bool *compute_included(const Model *m) {
  bool *incl = xcalloc((size_t)m->syms.len + 1, sizeof *incl);
  PtrVec work = {0};
  Walk w = {m, incl, &work};
  for (int i = 0; i < m->syms.len; i++) {
    Sym *s = m->syms.items[i];
    if (!s->imported) use(&w, s);
  }
  for (int i = 0; i < work.len; i++) use_refs(&w, work.items[i]);
  return incl;
}

/* ------------------------------------------------------------------------ */
/* --focus NAME --depth N                                                   */
/* ------------------------------------------------------------------------ */

/* Which views draw a kind of declaration (for the note under "not drawn"). */
static bool view_draws(GraphView v, DeclKind k) {
  switch (v) {
  case GV_MAP:
    return k == DK_MISSION || k == DK_GOAL || k == DK_PROJECT || k == DK_INSTRUMENT || k == DK_ACTOR ||
           k == DK_RISK;
  case GV_TIMELINE: return k == DK_MISSION || k == DK_PHASE || k == DK_MILESTONE || k == DK_GOAL;
  case GV_ACTORS: return k == DK_ACTOR || k == DK_INSTRUMENT || k == DK_PROJECT || k == DK_MILESTONE;
  case GV_RULES:
    return k == DK_INDICATOR || k == DK_GOAL || k == DK_RECORD || k == DK_SCORE ||
           k == DK_CONDITION || k == DK_FN;
  case GV_PORTFOLIO: return k == DK_INSTRUMENT || k == DK_GOAL;
  default: return false;
  }
}

/* The declaration named by --focus, or NULL after an error with "did you mean". */
static const Sym *focus_sym(const GB *b, const char *name) {
  const Model *m = b->m;
  const char *in = intern_cstr(m->c->names, name);
  const Sym *s = model_lookup(m, in);
  if (s && b->incl[s->index]) return s;
  const char *best = NULL;
  int best_d = (int)strlen(name) / 3 + 1;
  if (best_d > 3) best_d = 3;
  for (int i = 0; i < m->syms.len; i++) {
    const Sym *t = m->syms.items[i];
    if (!b->incl[t->index]) continue;
    int d = edit_distance(name, t->name, best_d);
    if (d < best_d || (d == best_d && !best && d <= 2)) {
      best = t->name;
      best_d = d;
    }
  }
  Diagnostic *g = diag_error(m->c->diag, NO_SPAN, E0901, "--focus: no declaration named '%s'", name);
  if (best) diag_note(m->c->diag, g, NO_SPAN, "did you mean '%s'?", best);
  return NULL;
}

/* Breadth-first over the edges of g, either direction, from the nodes that draw
 * `focus`, up to depth edges; sets GRec.dist. Returns the number of seeds. */
static int focus_walk(Agraph_t *g, const Sym *focus, int depth) {
  int n = agnnodes(g), head = 0, tail = 0, seeds = 0;
  Agnode_t **queue = xcalloc((size_t)n + 1, sizeof *queue);
  for (Agnode_t *v = agfstnode(g); v; v = agnxtnode(g, v)) {
    GRec *r = gb_rec(v);
    if (r && (r->sym == focus || r->about == focus)) {
      r->dist = 0;
      queue[tail++] = v;
      seeds++;
    }
  }
  while (head < tail) {
    Agnode_t *v = queue[head++];
    int d = gb_rec(v)->dist;
    if (d >= depth) continue;
    for (Agedge_t *e = agfstedge(g, v); e; e = agnxtedge(g, e, v)) {
      if (gb_rec(e)->anchor) continue;
      Agnode_t *u = aghead(e) == v ? agtail(e) : aghead(e);
      GRec *r = gb_rec(u);
      if (r && r->dist < 0) {
        r->dist = d + 1;
        queue[tail++] = u;
      }
    }
  }
  free(queue);
  return seeds;
}

/* ------------------------------------------------------------------------ */
/* Building and writing                                                     */
/* ------------------------------------------------------------------------ */

static void build(GB *b) {
  switch (b->view) {
  case GV_MAP: graph_build_map(b); break;
  case GV_TIMELINE: graph_build_timeline(b); break;
  case GV_ACTORS: graph_build_actors(b); break;
  case GV_RULES: graph_build_rules(b); break;
  case GV_PORTFOLIO: graph_build_portfolio(b); break;
  default: unreachable_bug("unknown view");
  }
}

/* The one Graphviz context of the process (see graph_shutdown in graph.h). */
static GVC_t *shared_gvc;
static bool gvc_shut;

void graph_shutdown(void) {
  if (shared_gvc) gvFreeContext(shared_gvc);
  shared_gvc = NULL;
  gvc_shut = true;
}

/* The context, created on first use and freed at exit; NULL after graph_shutdown. */
static GVC_t *graph_gvc(void) {
  if (!shared_gvc && !gvc_shut) {
    shared_gvc = gvContext();
    atexit(graph_shutdown);
  }
  return shared_gvc;
}

/* Lay out and render in-process (svg, png, pdf). The graph is laid out as `dot`
 * reads it back from the DOT we write (the order of nodes, edges and subgraphs in
 * the text decides the layout), so that -T svg and `dot -Tsvg` draw the same
 * picture, byte for byte. */
static int render(Agraph_t *g, const char *format, FILE *out) {
  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&text, &len);
  if (!mem) return MS_FAILED;
  int written = agwrite(g, mem);
  fclose(mem);
  Agraph_t *copy = written == 0 ? agmemread(text) : NULL;
  free(text);
  if (!copy) {
    util_error("Graphviz could not read back the graph");
    return MS_FAILED;
  }
  GVC_t *gvc = graph_gvc();
  if (!gvc) {
    agclose(copy);
    util_error("cannot render %s after graph_shutdown()", format);
    return MS_FAILED;
  }
  const char *engine = agget(copy, "layout");
  int status = MS_OK;
  if (gvLayout(gvc, copy, engine && *engine ? engine : "dot") != 0) {
    util_error("Graphviz could not lay out the graph");
    status = MS_FAILED;
  } else {
    if (gvRender(gvc, copy, format, out) != 0) {
      util_error("Graphviz could not render %s", format);
      status = MS_FAILED;
    }
    gvFreeLayout(gvc, copy);
  }
  agclose(copy);
  return status;
}

static const char *main_title(const Model *m) {
  if (m->mission) return sym_title(m->mission);
  const SourceFile *f = src_file(m->c->src, m->main_file);
  const char *path = f ? f->path : "library";
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

int graph_emit(const Model *m, const GraphRequest *r, FILE *out) {
  if (!gv_load()) return MS_FAILED;
  GB b = {.m = m, .a = m->c->arena, .view = r->view, .title = main_title(m)};
  b.flow = r->view == GV_PORTFOLIO && r->format == GF_MERMAID;
  b.incl = compute_included(m);
  Keep keep = {0};
  int status = MS_OK;
  const Sym *focus = NULL;
  if (r->focus) {
    focus = focus_sym(&b, r->focus);
    if (!focus) {
      status = MS_INPUT;
      goto done;
    }
    /* The portfolio's neighbourhoods are those of its flowchart. */
    GB full = b;
    full.flow = b.view == GV_PORTFOLIO;
    full.detailed = true;
    build(&full);
    if (focus_walk(full.g, focus, r->depth) == 0) {
      Diagnostic *g = diag_error(m->c->diag, NO_SPAN, E0902, "--focus: the %s view does not draw %s '%s'",
                                 graph_view_names[r->view], decl_kind_names[focus->kind], focus->name);
      for (int v = 0; v < GV_COUNT; v++)
        if (v != (int)r->view && view_draws(v, focus->kind))
          diag_note(m->c->diag, g, NO_SPAN, "the %s view draws it: --view %s", graph_view_names[v],
                    graph_view_names[v]);
      agclose(full.g);
      status = MS_INPUT;
      goto done;
    }
    keep.syms = xcalloc((size_t)m->syms.len + 1, sizeof *keep.syms);
    keep.full = full.g;
    for (Agnode_t *v = agfstnode(full.g); v; v = agnxtnode(full.g, v)) {
      GRec *rec = gb_rec(v);
      if (rec->dist >= 0 && rec->sym) keep.syms[rec->sym->index] = true;
    }
    b.keep = &keep;
  }
  b.decor = r->decor;
  build(&b);
  if (b.refused) {
    status = MS_INPUT;
    if (keep.full) agclose(keep.full);
    free(keep.syms);
    goto done;
  }
  switch (r->format) {
  case GF_DOT:
    if (agwrite(b.g, out) != 0) status = MS_FAILED;
    break;
  case GF_MERMAID:
    if (r->view == GV_TIMELINE) graph_write_gantt(&b, out);
    else graph_write_flowchart(&b, out);
    break;
  default: status = render(b.g, graph_format_names[r->format], out); break;
  }
  agclose(b.g);
  if (keep.full) agclose(keep.full);
  free(keep.syms);
done:
  free(b.incl);
  return status;
}
