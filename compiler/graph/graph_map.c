/* graph_map.c - the mission map and the portfolio matrix.
 *
 * map: challenge -> mission -> goals -> contributing projects (weights) -> the
 * instruments that fund them (amounts) -> the actors that lead the projects and run
 * the instruments; left to right, one column per kind.
 * portfolio: instruments x goals, the money of the projects that each instrument
 * funds and that serve each goal, as one HTML-like table (or, for Mermaid and for
 * --focus, as the flowchart instruments -> goals).
 */
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"
#include "util.h"

/* ------------------------------------------------------------------------ */
/* Labels shared by the views                                               */
/* ------------------------------------------------------------------------ */

/* "0 city (2021) → 100 city by 2030" */
static const char *goal_span(GB *b, const Sym *g) {
  return arena_printf(b->a, "%s (%s) → %s by %s", fmt_qty(b->a, g->goal.baseline.value, g->goal.baseline.unit),
                      fmt_date(b->a, g->goal.start, false),
                      fmt_quantity(b->a, &g->goal.target),
                      fmt_date(b->a, g->goal.deadline, true));
}

static const char *push_text(Push p) {
  return p == PUSH_SUPPLY ? " · supply-push" : p == PUSH_DEMAND ? " · demand-pull" : "";
}

static const NodeStyle *instrument_style(const Sym *s) {
  return s->instrument.push == PUSH_DEMAND ? &style_instrument_demand : &style_instrument_supply;
}

/* Names of a list of declarations, comma separated. */
static const char *sym_names(GB *b, const SymList *l) {
  const char *s = "";
  for (int i = 0; i < l->len; i++) s = arena_printf(b->a, "%s%s%s", s, i ? ", " : "", l->items[i]->name);
  return s;
}

/* Money of one cell (or total). */
typedef struct Money {
  double value;          /* base units */
  const Unit *unit;      /* of the first amount added */
  const Unit *shown;     /* the unit to print it in (one per table), else `unit` */
  int projects;
  bool mixed;            /* amounts of different dimensions: no sum */
} Money;

static void money_add(Money *s, double value, const Unit *unit, int projects) {
  s->projects += projects;
  if (!unit) return;
  if (!s->unit) s->unit = unit;
  else if (!dim_eq(&s->unit->dim, &unit->dim)) s->mixed = true;
  s->value += value;
}

static const char *money_text(GB *b, const Money *s) {
  if (s->mixed) return "mixed currencies";
  if (!s->unit) return "";
  bool same = s->shown && dim_eq(&s->shown->dim, &s->unit->dim);
  return fmt_qty(b->a, s->value, same ? s->shown : s->unit);
}

/* ------------------------------------------------------------------------ */
/* The mission map                                                          */
/* ------------------------------------------------------------------------ */

/* A non-cluster subgraph whose nodes share a rank: one column of the map. */
static Agraph_t *column(GB *b, const char *name) {
  Agraph_t *c = agsubg(b->g, (char *)name, 1);
  gb_set(c, "rank", "same");
  return c;
}

static void map_mission(GB *b) {
  const Sym *ms = b->m->mission;
  if (!ms || !gb_included(b, ms)) return;
  Agnode_t *ch = NULL;
  if (ms->mission.challenge && gb_kept(b, ms)) {
    ch = gb_node(b, NULL, "challenge()", NULL, &style_challenge);
    Label l = label_new(b);
    label_line(&l, 0, "challenge");
    label_title(&l, ms->mission.challenge, 24);
    label_set(b, ch, &l);
  }
  Agnode_t *n = gb_node(b, NULL, ms->name, ms, &style_mission);
  Label l = label_new(b);
  label_title(&l, sym_title(ms), 26);
  if (ms->mission.statement) label_line(&l, 34, "%s", ms->mission.statement);
  if (ms->mission.period.set) label_line(&l, 0, "%s", fmt_period(b->a, &ms->mission.period));
  if (ms->mission.budget.set)
    label_line(&l, 0, "budget %s", fmt_quantity(b->a, &ms->mission.budget));
  if (ms->mission.owner) label_line(&l, 34, "owner: %s", sym_title(ms->mission.owner));
  label_set(b, n, &l);
  gb_edge(b, ch, n, NULL, ES_ARROW);
}

/* "plan, stats": the names of sources, or NULL for none. */
static const char *source_names(GB *b, const Sym *per, const SymList *whole) {
  if (per) return per->name;
  if (whole->len) return sym_names(b, whole);
  const Sym *ms = b->m->mission;
  return ms && ms->more->sources.len ? sym_names(b, &ms->more->sources) : NULL;
}

/* A goal's tooltip: its level, assumptions and the sources of its figures (NULL when it
 * has none of them, or when the caller's decor gives tooltips). */
static const char *goal_tooltip(GB *b, const Sym *g) {
  if (b->decor && b->decor->tooltip) return NULL;
  const char *base = source_names(b, g->goal.baseline.source, &g->more->sources);
  const char *target = source_names(b, g->goal.target.source, &g->more->sources);
  if (!g->goal.level && !g->goal.assumes.len && !base && !target) return NULL;
  const char *t = sym_title(g);
  if (g->goal.level) t = arena_printf(b->a, "%s\n%s", t, goal_level_names[g->goal.level]);
  for (int i = 0; i < g->goal.assumes.len; i++) t = arena_printf(b->a, "%s\nassumes: %s", t, g->goal.assumes.items[i]);
  if (base) t = arena_printf(b->a, "%s\nbaseline per %s", t, base);
  if (target) t = arena_printf(b->a, "%s\ntarget per %s", t, target);
  return t;
}

static void map_goals(GB *b) {
  GB_EACH(b, DK_GOAL, g) {
    Agnode_t *n = gb_node(b, NULL, g->name, g, &style_goal);
    if (!n) continue;
    Label l = label_new(b);
    label_title(&l, sym_title(g), 26);
    if (g->goal.level) label_line(&l, 0, "%s", goal_level_names[g->goal.level]);
    label_line(&l, 0, "%s", goal_span(b, g));
    if (g->goal.has_weight) label_line(&l, 0, "weight %s", fmt_weight(b->a, g->goal.weight));
    label_set(b, n, &l);
    const char *tip = goal_tooltip(b, g);
    if (tip) gb_set(n, "tooltip", tip);
  }
}

/* Risks, against the goals they affect (a column after the goals). */
static void map_risks(GB *b) {
  Agraph_t *risks = NULL;
  GB_EACH(b, DK_RISK, k) {
    if (!risks) risks = column(b, "risks");
    Agnode_t *n = gb_node(b, risks, k->name, k, &style_risk);
    if (!n) continue;
    Label l = label_new(b);
    label_title(&l, sym_title(k), 24);
    label_line(&l, 0, "likelihood %s%%", fmt_weight(b->a, k->risk.likelihood * 100));
    if (k->risk.owner) label_line(&l, 30, "owner: %s", sym_title(k->risk.owner));
    label_set(b, n, &l);
    const char *src = source_names(b, NULL, &k->more->sources);
    if (src && !(b->decor && b->decor->tooltip)) gb_set(n, "tooltip", arena_printf(b->a, "%s\nper %s", sym_title(k), src));
  }
}

/* Whether some goal of the model contributes to another goal or has a level. */
static bool chain_drawn(GB *b) {
  GB_EACH(b, DK_GOAL, g) if (g->goal.contributes.len || g->goal.level) return true;
  return false;
}

/* Whether goal g contributes with a positive weight to a goal that is drawn. */
static bool feeds_drawn_goal(GB *b, const Sym *g) {
  for (int k = 0; k < g->goal.contributes.len; k++)
    if (g->goal.contributes.items[k].value > 0 && gb_find(b, g->goal.contributes.items[k].target)) return true;
  return false;
}

/* The results chain: goal <- goal (weights; trade-offs red and dashed), goal <- risk
 * (the change if it occurs, red and dotted), risk <- what mitigates it (grey, dashed). */
static void map_chain_edges(GB *b) {
  GB_EACH(b, DK_GOAL, g) {
    for (int k = 0; k < g->goal.contributes.len; k++) {
      const Link *c = &g->goal.contributes.items[k];
      bool tradeoff = c->value < 0;
      Agedge_t *e = gb_edge(b, gb_find(b, c->target), gb_find(b, g), fmt_weight(b->a, c->value),
                            tradeoff ? ES_DASHED : ES_ARROW);
      if (!e) continue;
      gb_set(e, "dir", "back");
      gb_rec(e)->back = true;
      if (tradeoff) {
        gb_set(e, "color", "#c62828");
        gb_set(e, "fontcolor", "#c62828");
        gb_set(e, "constraint", "false");
      }
    }
  }
  GB_EACH(b, DK_RISK, r) {
    for (int k = 0; k < r->risk.affects.len; k++) {
      const Link *a = &r->risk.affects.items[k];
      const char *change = a->unit ? fmt_qty(b->a, a->value, a->unit) : NULL;
      Agedge_t *e = gb_edge(b, gb_find(b, a->target), gb_find(b, r), change, ES_DOTTED);
      if (!e) continue;
      gb_set(e, "dir", "back");
      gb_set(e, "color", "#990000");
      gb_set(e, "fontcolor", "#990000");
      gb_rec(e)->back = true;
    }
    for (int k = 0; k < r->risk.mitigated_by.len; k++) {
      Agedge_t *e = gb_edge(b, gb_find(b, r), gb_find(b, r->risk.mitigated_by.items[k]), "mitigates", ES_DASHED);
      if (!e) continue;
      gb_set(e, "dir", "back");
      gb_set(e, "color", "#757575");
      gb_set(e, "constraint", "false");
      gb_rec(e)->back = true;
    }
  }
}

/* Is the actor the lead of a project or the owner of an instrument of the mission? */
static bool map_actor_used(GB *b, const Sym *a, bool tables) {
  if (!tables) GB_EACH(b, DK_PROJECT, p) if (p->project.lead == a) return true;
  GB_EACH(b, DK_INSTRUMENT, i) for (int k = 0; k < i->instrument.by_all.len; k++)
    if (i->instrument.by_all.items[k] == a) return true;
  return false;
}

static void map_nodes(GB *b, bool tables) {
  Agraph_t *projects = tables ? NULL : column(b, "projects"), *instruments = column(b, "instruments"),
           *actors = column(b, "actors");
  if (!tables) GB_EACH(b, DK_PROJECT, p) {
    Agnode_t *n = gb_node(b, projects, p->name, p, &style_project);
    if (!n) continue;
    Label l = label_new(b);
    label_title(&l, sym_title(p), 30);
    if (p->project.period.set) label_line(&l, 0, "%s", fmt_period(b->a, &p->project.period));
    label_set(b, n, &l);
  }
  GB_EACH(b, DK_INSTRUMENT, i) {
    Agnode_t *n = gb_node(b, instruments, i->name, i, instrument_style(i));
    if (!n) continue;
    Label l = label_new(b);
    label_title(&l, sym_title(i), 26);
    label_line(&l, 0, "%s%s", instr_kind_names[i->instrument.kind], push_text(i->instrument.push));
    if (i->instrument.budget.set)
      label_line(&l, 0, "budget %s", fmt_quantity(b->a, &i->instrument.budget));
    if (i->instrument.requires.len) label_line(&l, 32, "requires %s", sym_names(b, &i->instrument.requires));
    label_set(b, n, &l);
  }
  GB_EACH(b, DK_ACTOR, a) {
    if (!map_actor_used(b, a, tables)) continue;
    const SectorStyle *ss = graph_sector_style(a->actor.sector);
    Agnode_t *n = gb_node(b, actors, a->name, a, &ss->node);
    if (!n) continue;
    Label l = label_new(b);
    label_title(&l, sym_title(a), 22);
    label_line(&l, 0, "%s", ss->label);
    label_set(b, n, &l);
  }
}

/* Edges in reading order: mission -> goals, goals <- projects, projects <- instruments,
 * instruments and projects <- actors (drawn left to right with dir=back). */
static void map_edges(GB *b, bool tables) {
  Agnode_t *mission = gb_find(b, b->m->mission);
  GB_EACH(b, DK_GOAL, g) {
    if (!g->goal.parent && feeds_drawn_goal(b, g)) continue;   /* it hangs off the goal it serves */
    Agnode_t *from = g->goal.parent ? gb_find(b, g->goal.parent) : mission;
    gb_edge(b, from, gb_find(b, g), NULL, ES_ARROW);
  }
  map_chain_edges(b);
  if (!tables) GB_EACH(b, DK_PROJECT, p) {
    for (int k = 0; k < p->project.contributes.len; k++) {
      const Link *c = &p->project.contributes.items[k];
      bool tradeoff = c->value < 0;
      Agedge_t *e = gb_edge(b, gb_find(b, c->target), gb_find(b, p), fmt_weight(b->a, c->value),
                            tradeoff ? ES_DASHED : ES_ARROW);
      gb_set(e, "dir", "back");
      if (e && tradeoff) {
        gb_set(e, "color", "#c62828");
        gb_set(e, "fontcolor", "#c62828");
      }
      if (e) gb_rec(e)->back = true;
    }
    for (int k = 0; k < p->project.funded_by.len; k++) {
      const Link *f = &p->project.funded_by.items[k];
      const char *amount = f->unit ? fmt_quantity(b->a, link_quantity(f, &(Quantity){0})) : NULL;
      Agedge_t *e = gb_edge(b, gb_find(b, p), gb_find(b, f->target), amount, ES_ARROW);
      gb_set(e, "dir", "back");
      gb_set(e, "color", "#333333");
      gb_set(e, "penwidth", "1.5");
      if (e) gb_rec(e)->back = true;
    }
  }
  GB_EACH(b, DK_INSTRUMENT, i) for (int k = 0; k < i->instrument.by_all.len; k++) {
    const Sym *by = i->instrument.by_all.items[k];   /* several `by`: an edge from each */
    Agedge_t *e = gb_edge(b, gb_find(b, i), gb_find(b, by), NULL, ES_ARROW);
    if (!e) continue;
    gb_set(e, "dir", "back");
    gb_set(e, "color", graph_sector_style(by->actor.sector)->line);
    gb_rec(e)->back = true;
  }
  if (!tables) GB_EACH(b, DK_PROJECT, p) {
    Agedge_t *e = gb_edge(b, gb_find(b, p), gb_find(b, p->project.lead), NULL, ES_DASHED);
    if (!e) continue;
    gb_set(e, "dir", "back");
    gb_set(e, "color", graph_sector_style(p->project.lead->actor.sector)->line);
    gb_rec(e)->back = true;
  }
}

/* ---- many projects: one table per goal ------------------------------------ */

typedef struct Group {
  const Sym *goal;       /* NULL: projects that serve no goal drawn */
  const Sym **projects;
  int n;
  Agnode_t *node;
  int column, columns;   /* tables spread over columns (edge minlen), for the aspect ratio */
} Group;

/* The goal whose table lists p: the first goal it serves that is drawn. */
static int group_of(GB *b, const Group *groups, int ngroups, const Sym *p) {
  for (int k = 0; k < p->project.contributes.len; k++)
    for (int g = 0; g < ngroups - 1; g++)
      if (groups[g].goal == p->project.contributes.items[k].target) return g;
  return ngroups - 1;
}

static const char *contributes_text(GB *b, const Sym *p) {
  const char *s = "";
  for (int k = 0; k < p->project.contributes.len; k++) {
    const Link *c = &p->project.contributes.items[k];
    s = arena_printf(b->a, "%s%s%s %s", s, k ? "\n" : "", c->target->name, fmt_weight(b->a, c->value));
  }
  return s;
}

/* The table of group g and its edges, added up: goals <- table <- instruments. */
static void map_table(GB *b, Group *gr, int index) {
  static const char *const headers[] = {"project", "contributes", "funded by", "lead"};
  const char **cells = arena_alloc(b->a, sizeof(char *) * (size_t)(4 * gr->n + 1));
  for (int r = 0; r < gr->n; r++) {
    const Sym *p = gr->projects[r];
    cells[4 * r] = wrap_text(b->a, sym_title(p), 44);
    cells[4 * r + 1] = contributes_text(b, p);
    cells[4 * r + 2] = gb_funded_text(b, p);
    cells[4 * r + 3] = p->project.lead ? wrap_text(b->a, sym_title(p->project.lead), 24) : "";
  }
  const char *title =
      gr->goal ? arena_printf(b->a, "Projects for %s", sym_title(gr->goal)) : "Projects for no goal";
  gr->node = gb_table(b, arena_printf(b->a, "projects%d()", index), title,
                      arena_printf(b->a, "%d project%s", gr->n, gr->n == 1 ? "" : "s"), headers, 4, cells,
                      gr->n, "#ffffff");
}

static void map_table_edges(GB *b, Group *gr) {
  GB_EACH(b, DK_GOAL, g) {
    int k = 0;
    for (int r = 0; r < gr->n; r++)
      for (int c = 0; c < gr->projects[r]->project.contributes.len; c++)
        k += gr->projects[r]->project.contributes.items[c].target == g;
    if (!k) continue;
    Agedge_t *e = gb_edge(b, gb_find(b, g), gr->node, arena_printf(b->a, "%d project%s", k, k == 1 ? "" : "s"),
                          ES_ARROW);
    gb_set(e, "dir", "back");
    if (gr->column) gb_setf(e, "minlen", "%d", 1 + gr->column);
    if (e) gb_rec(e)->back = true;
  }
  GB_EACH(b, DK_INSTRUMENT, i) {
    Money m = {0};
    for (int r = 0; r < gr->n; r++)
      for (int c = 0; c < gr->projects[r]->project.funded_by.len; c++) {
        const Link *f = &gr->projects[r]->project.funded_by.items[c];
        if (f->target == i) money_add(&m, f->value, f->unit, 1);
      }
    if (!m.projects) continue;
    const char *money = money_text(b, &m);
    Agedge_t *e = gb_edge(b, gr->node, gb_find(b, i),
                          arena_printf(b->a, "%d project%s%s%s", m.projects, m.projects == 1 ? "" : "s",
                                       *money ? " · " : "", money),
                          ES_ARROW);
    gb_set(e, "dir", "back");
    gb_set(e, "color", "#333333");
    gb_set(e, "penwidth", "1.5");
    if (gr->columns - gr->column > 1) gb_setf(e, "minlen", "%d", gr->columns - gr->column);
    if (e) gb_rec(e)->back = true;
  }
}

/* Group the projects by the first goal they serve; one table node per group. */
static Group *map_tables(GB *b, int *ngroups) {
  int n = 1;
  GB_EACH(b, DK_GOAL, g) n += gb_find(b, g) != NULL;
  Group *groups = arena_alloc(b->a, sizeof(Group) * (size_t)n);
  int k = 0;
  GB_EACH(b, DK_GOAL, g) if (gb_find(b, g)) groups[k++].goal = g;
  for (int g = 0; g < n; g++)
    groups[g].projects = arena_alloc(b->a, sizeof(Sym *) * (size_t)(gb_count(b, DK_PROJECT) + 1));
  GB_EACH(b, DK_PROJECT, p) {
    if (!gb_kept(b, p)) continue;
    Group *gr = &groups[group_of(b, groups, n, p)];
    gr->projects[gr->n++] = p;
  }
  /* about 100 rows per column of tables, tables kept whole, in goal order */
  int rows = 0, tables = 0;
  for (int g = 0; g < n; g++) rows += groups[g].n, tables += groups[g].n > 0;
  int columns = (rows + 99) / 100;
  if (columns > tables) columns = tables;
  if (columns > 4) columns = 4;
  if (columns < 1) columns = 1;
  for (int g = 0, seen = 0; g < n; g++) {
    groups[g].columns = columns;
    groups[g].column = seen * columns / (rows ? rows : 1);
    seen += groups[g].n;
    if (groups[g].n) map_table(b, &groups[g], g);
  }
  *ngroups = n;
  return groups;
}

/* How many goal ranks follow the mission: 1, or more with sub-goals. */
static int goal_depth(GB *b) {
  int depth = 0;
  GB_EACH(b, DK_GOAL, g) {
    if (!gb_find(b, g)) continue;
    int d = 1;
    for (const Sym *p = g->goal.parent; p && d <= gb_count(b, DK_GOAL); p = p->goal.parent)
      d += gb_find(b, p) != NULL;
    if (d > depth) depth = d;
  }
  return depth;
}

/* The first node of a column (a subgraph), or NULL. */
static Agnode_t *first_of(GB *b, const char *column) {
  Agraph_t *c = agsubg(b->g, (char *)column, 0);
  return c ? agfstnode(c) : NULL;
}

/* Keep the columns in order even where no edge does (projects that serve no goal,
 * instruments that fund no project, projects pulled towards their lead actors):
 * invisible edges from the mission through the first node of each column. */
static void map_anchors(GB *b, const Group *groups, int ngroups) {
  Agnode_t *mission = gb_find(b, b->m->mission);
  if (!mission) return;
  int depth = goal_depth(b), columns = 1;
  Agnode_t *prev = mission, *next;
  if (groups) {
    for (int g = 0; g < ngroups; g++)
      if (groups[g].n) {
        gb_anchor(b, mission, groups[g].node, depth + 1 + groups[g].column);
        columns = groups[g].columns;
      }
    gb_anchor(b, mission, next = first_of(b, "instruments"), depth + 1 + columns);
  } else {
    gb_anchor(b, mission, prev = first_of(b, "projects"), depth + 1);
    gb_anchor(b, prev ? prev : mission, next = first_of(b, "instruments"), prev ? 1 : depth + 2);
    if (!prev) prev = mission;
  }
  if (next) prev = next;
  gb_anchor(b, prev, first_of(b, "actors"), prev == mission ? depth + 2 + columns : 1);
}

void graph_build_map(GB *b) {
  bool tables = gb_project_tables(b);
  gb_open(b, "dot", "LR");
  const char *sub = tables ? "mission map: challenge → mission → goals ← projects (one table per goal) ← "
                             "instruments (amounts) ← actors"
                           : "mission map: challenge → mission → goals ← projects (weights) ← instruments "
                             "(amounts) ← actors (lead: dashed)";
  if (gb_count(b, DK_RISK) || chain_drawn(b))
    sub = arena_printf(b->a, "%s\nresults chain: impacts ← outcomes ← outputs (trade-offs: red, dashed); risks "
                             "against the goals they affect (dotted), mitigated by (grey, dashed)", sub);
  gb_title(b, sub);
  gb_set(b->g, "nodesep", "0.12");
  gb_set(b->g, "ranksep", "0.6");
  map_mission(b);
  map_goals(b);
  map_risks(b);
  int ngroups = 0;
  Group *groups = tables ? map_tables(b, &ngroups) : NULL;
  map_nodes(b, tables);
  map_edges(b, tables);
  for (int g = 0; g < ngroups; g++)
    if (groups[g].n) map_table_edges(b, &groups[g]);
  map_anchors(b, groups, ngroups);
}

/* ------------------------------------------------------------------------ */
/* The portfolio: instruments x goals                                        */
/* ------------------------------------------------------------------------ */

typedef struct Matrix {
  Sym **rows, **cols;    /* instruments and goals drawn */
  int nrows, ncols;      /* the last column is "no goal" */
  Money *cells;          /* nrows x (ncols + 1) */
  Money *funded;         /* per row: every amount of the instrument once */
  Money *col_total;      /* per column (ncols + 1) */
  Money total;
  Money budgets;         /* the instruments' budgets, added up */
  int nbudgets;          /* how many instruments have one */
  const Unit *unit;      /* every amount of the table is printed in this unit */
  bool any_no_goal;
} Matrix;

static int index_of(Sym **list, int n, const Sym *s) {
  for (int i = 0; i < n; i++)
    if (list[i] == s) return i;
  return -1;
}

/* Mark in reach[] the columns of goal g and of every goal above it (its parents):
 * money for a sub-goal also serves its parent. */
static void mark_goal_and_parents(const Matrix *x, const Sym *g, bool *reach) {
  for (int depth = 0; g && depth <= x->ncols; g = g->goal.parent, depth++) {
    int c = index_of(x->cols, x->ncols, g);
    if (c >= 0) reach[c] = true;
  }
}

/* The unit of the table: the mission's budget's, else the first instrument budget's,
 * else the first amount's; one unit for every cell, so a row never mixes "1 BGBP"
 * with "1180 MGBP". */
static const Unit *table_unit(GB *b, const Matrix *x) {
  const Sym *ms = b->m->mission;
  if (ms && ms->mission.budget.set) return ms->mission.budget.unit;
  for (int r = 0; r < x->nrows; r++)
    if (x->rows[r]->instrument.budget.set) return x->rows[r]->instrument.budget.unit;
  return x->total.unit;
}

/* Give every amount of the table the table's unit. */
static void matrix_set_unit(Matrix *x) {
  int w = x->ncols + 1;
  for (int i = 0; i < x->nrows * w; i++) x->cells[i].shown = x->unit;
  for (int r = 0; r < x->nrows; r++) x->funded[r].shown = x->unit;
  for (int c = 0; c < w; c++) x->col_total[c].shown = x->unit;
  x->total.shown = x->budgets.shown = x->unit;
}

/* Add up the funding of each project to the cells of the goals it serves (and of
 * their parent goals, once per project), and the instruments' budgets. */
static void matrix_fill(GB *b, Matrix *x) {
  int nr = gb_count(b, DK_INSTRUMENT), nc = gb_count(b, DK_GOAL);
  x->rows = arena_alloc(b->a, sizeof(Sym *) * (size_t)(nr + 1));
  x->cols = arena_alloc(b->a, sizeof(Sym *) * (size_t)(nc + 1));
  GB_EACH(b, DK_INSTRUMENT, i) if (gb_kept(b, i)) x->rows[x->nrows++] = i;
  GB_EACH(b, DK_GOAL, g) if (gb_kept(b, g)) x->cols[x->ncols++] = g;
  int w = x->ncols + 1;
  x->cells = arena_alloc(b->a, sizeof(Money) * (size_t)(x->nrows * w + 1));
  x->funded = arena_alloc(b->a, sizeof(Money) * (size_t)(x->nrows + 1));
  x->col_total = arena_alloc(b->a, sizeof(Money) * (size_t)w);
  bool *reach = arena_alloc(b->a, sizeof(bool) * (size_t)w);
  GB_EACH(b, DK_PROJECT, p) {
    memset(reach, 0, sizeof(bool) * (size_t)w);
    for (int j = 0; j < p->project.contributes.len; j++)
      mark_goal_and_parents(x, p->project.contributes.items[j].target, reach);
    for (int k = 0; k < p->project.funded_by.len; k++) {
      const Link *f = &p->project.funded_by.items[k];
      int r = index_of(x->rows, x->nrows, f->target);
      if (r < 0) continue;
      money_add(&x->funded[r], f->value, f->unit, 1);
      money_add(&x->total, f->value, f->unit, 1);
      if (p->project.contributes.len == 0) {
        money_add(&x->cells[r * w + x->ncols], f->value, f->unit, 1);
        money_add(&x->col_total[x->ncols], f->value, f->unit, 1);
        x->any_no_goal = true;
      }
      for (int c = 0; c < x->ncols; c++) {
        if (!reach[c]) continue;
        money_add(&x->cells[r * w + c], f->value, f->unit, 1);
        money_add(&x->col_total[c], f->value, f->unit, 1);
      }
    }
  }
  for (int r = 0; r < x->nrows; r++) {
    const Quantity *q = &x->rows[r]->instrument.budget;
    if (!q->set) continue;
    money_add(&x->budgets, q->value, q->unit, 0);
    x->nbudgets++;
  }
  x->unit = table_unit(b, x);
  matrix_set_unit(x);
}

/* The Total row's budget cell: the sum, saying so when some instruments have none. */
static const char *budget_total_text(GB *b, const Matrix *x) {
  if (x->nbudgets == 0) return "";
  const char *sum = money_text(b, &x->budgets);
  if (x->nbudgets == x->nrows) return sum;
  return arena_printf(b->a, "%s (%d of %d budgets)", sum, x->nbudgets, x->nrows);
}

static const char *projects_text(GB *b, int n) {
  return arena_printf(b->a, "%d project%s", n, n == 1 ? "" : "s");
}

/* One table cell: amount over the number of projects, shaded when not empty. */
static void cell(GB *b, Label *l, const Money *s, const char *fill) {
  if (s->projects == 0) {
    label_html(l, "<TD></TD>");
    return;
  }
  label_html(l, arena_printf(b->a, "<TD BGCOLOR=\"%s\">", fill));
  const char *money = money_text(b, s);
  if (*money) {
    label_html_escaped(l, money);
    label_html(l, "<BR/>");
  }
  label_html(l, "<FONT POINT-SIZE=\"9\">");
  label_html_escaped(l, projects_text(b, s->projects));
  label_html(l, "</FONT></TD>");
}

/* A header cell: bold title and a small detail line. */
static void header(GB *b, Label *l, const char *attrs, const char *title, const char *detail) {
  label_html(l, arena_printf(b->a, "<TD %s><B>", attrs));
  const char *w = wrap_text(b->a, title, 24);
  for (const char *p = w;;) {
    size_t n = strcspn(p, "\n");
    label_html_escaped(l, arena_strndup(b->a, p, n));
    if (!p[n]) break;
    label_html(l, "<BR/>");
    p += n + 1;
  }
  label_html(l, "</B>");
  if (detail && *detail) {
    label_html(l, "<BR/><FONT POINT-SIZE=\"9\">");
    label_html_escaped(l, detail);
    label_html(l, "</FONT>");
  }
  label_html(l, "</TD>");
}

static void portfolio_table(GB *b, const Matrix *x) {
  int w = x->ncols + 1;
  Label l = label_new(b);
  label_html(&l, "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"5\" COLOR=\"#888888\">");
  label_html(&l, "<TR>");
  header(b, &l, "BGCOLOR=\"#eeeeee\"", "Instrument", "kind · push · by");
  header(b, &l, "BGCOLOR=\"#eeeeee\"", "Budget", NULL);
  for (int c = 0; c < x->ncols; c++)
    header(b, &l, "BGCOLOR=\"#fff2cc\"", sym_title(x->cols[c]), goal_span(b, x->cols[c]));
  if (x->any_no_goal) header(b, &l, "BGCOLOR=\"#eeeeee\"", "No goal", "projects without contributes");
  header(b, &l, "BGCOLOR=\"#eeeeee\"", "Funded", "all its projects");
  label_html(&l, "</TR>");
  for (int r = 0; r < x->nrows; r++) {
    const Sym *i = x->rows[r];
    const SectorStyle *ss = graph_sector_style(i->instrument.by ? i->instrument.by->actor.sector : SECTOR_NONE);
    label_html(&l, "<TR>");
    const char *bys = "";
    for (int k = 0; k < i->instrument.by_all.len; k++)
      bys = arena_printf(b->a, "%s%s%s", bys, k ? ", " : " · ", i->instrument.by_all.items[k]->name);
    const char *detail = arena_printf(b->a, "%s%s%s", instr_kind_names[i->instrument.kind],
                                      push_text(i->instrument.push), bys);
    header(b, &l, arena_printf(b->a, "ALIGN=\"LEFT\" BGCOLOR=\"%s\"", ss->fill), sym_title(i), detail);
    label_html(&l, "<TD>");
    const Quantity *bq = &i->instrument.budget;
    if (bq->set && (bq->bound != QB_EXACT || bq->per)) {
      label_html_escaped(&l, fmt_quantity(b->a, bq));   /* a range or a rate, as written */
    } else if (bq->set) {
      Money budget = {.shown = x->unit};
      money_add(&budget, i->instrument.budget.value, i->instrument.budget.unit, 0);
      label_html_escaped(&l, money_text(b, &budget));
    }
    double co, pub, ratio;
    if (model_leverage(i, &co, &pub, &ratio)) {
      label_html(&l, "<BR/><FONT POINT-SIZE=\"9\">");
      label_html_escaped(&l, arena_printf(b->a, "co-funding %s · leverage %.2f",
                                          fmt_qty(b->a, co, i->instrument.cofunded_by.items[0].unit), ratio));
      label_html(&l, "</FONT>");
    }
    label_html(&l, "</TD>");
    for (int c = 0; c < x->ncols; c++) cell(b, &l, &x->cells[r * w + c], "#fff2cc");
    if (x->any_no_goal) cell(b, &l, &x->cells[r * w + x->ncols], "#f2f2f2");
    cell(b, &l, &x->funded[r], "#eeeeee");
    label_html(&l, "</TR>");
  }
  label_html(&l, "<TR>");
  header(b, &l, "BGCOLOR=\"#eeeeee\"", "Total", NULL);
  label_html(&l, "<TD BGCOLOR=\"#eeeeee\">");
  label_html_escaped(&l, budget_total_text(b, x));
  label_html(&l, "</TD>");
  for (int c = 0; c < x->ncols; c++) cell(b, &l, &x->col_total[c], "#eeeeee");
  if (x->any_no_goal) cell(b, &l, &x->col_total[x->ncols], "#eeeeee");
  cell(b, &l, &x->total, "#eeeeee");
  label_html(&l, "</TR></TABLE>");
  label_text(&l, "portfolio");
  Agnode_t *n = gb_node_always(b, NULL, "portfolio()", NULL, &style_table);
  label_set(b, n, &l);
}

/* The same matrix as a flowchart: instrument -> goal, labelled with the money. */
static void portfolio_flow(GB *b, const Matrix *x) {
  int w = x->ncols + 1;
  for (int r = 0; r < x->nrows; r++) {
    const Sym *i = x->rows[r];
    Agnode_t *n = gb_node(b, NULL, i->name, i, instrument_style(i));
    Label l = label_new(b);
    label_title(&l, sym_title(i), 26);
    label_line(&l, 0, "%s%s", instr_kind_names[i->instrument.kind], push_text(i->instrument.push));
    if (i->instrument.budget.set)
      label_line(&l, 0, "budget %s", fmt_quantity(b->a, &i->instrument.budget));
    double co, pub, ratio;
    if (model_leverage(i, &co, &pub, &ratio))
      label_line(&l, 0, "co-funding %s · leverage %.2f", fmt_qty(b->a, co, i->instrument.cofunded_by.items[0].unit),
                 ratio);
    label_set(b, n, &l);
  }
  for (int c = 0; c < x->ncols; c++) {
    const Sym *g = x->cols[c];
    Agnode_t *n = gb_node(b, NULL, g->name, g, &style_goal);
    Label l = label_new(b);
    label_title(&l, sym_title(g), 26);
    label_line(&l, 0, "%s", goal_span(b, g));
    label_set(b, n, &l);
  }
  for (int r = 0; r < x->nrows; r++)
    for (int c = 0; c < x->ncols; c++) {
      const Money *s = &x->cells[r * w + c];
      if (s->projects == 0) continue;
      const char *money = money_text(b, s);
      gb_edge(b, gb_find(b, x->rows[r]), gb_find(b, x->cols[c]),
              arena_printf(b->a, "%s%s%s", money, *money ? " · " : "", projects_text(b, s->projects)),
              ES_ARROW);
    }
}

/* The portfolio table has one cell per instrument and goal: it is drawn up to this
 * many cells (Graphviz's layout of an HTML table grows faster than its cells: 2,000 x
 * 2,000 took 32 s and 2.1 GB); LANGUAGE.md E0903. */
#define PORTFOLIO_MAX_CELLS 100000

/* Refuse a portfolio table too large to draw, before building it (E0903). */
static bool portfolio_too_large(GB *b) {
  long rows = 0, cols = 0;
  GB_EACH(b, DK_INSTRUMENT, i) if (gb_kept(b, i)) rows++;
  GB_EACH(b, DK_GOAL, g) if (gb_kept(b, g)) cols++;
  if (rows * (cols + 2) <= PORTFOLIO_MAX_CELLS) return false;
  Diagnostic *d = diag_error(b->m->c->diag, NO_SPAN, E0903,
                             "the portfolio table would have %ld instruments x %ld goals, more than "
                             "%d cells to draw", rows, cols, PORTFOLIO_MAX_CELLS);
  diag_note(b->m->c->diag, d, NO_SPAN, "draw a part of it with --focus NAME, or the whole as a "
            "flowchart with -T mermaid");
  b->refused = true;
  return true;
}

void graph_build_portfolio(GB *b) {
  if (!b->flow && portfolio_too_large(b)) return;
  gb_open(b, "dot", "LR");
  gb_title(b, b->flow ? "portfolio: which instruments fund projects that serve which goals"
                      : "portfolio: money of the projects each instrument funds, by the goals they serve");
  Matrix x = {0};
  matrix_fill(b, &x);
  if (b->flow) portfolio_flow(b, &x);
  else portfolio_table(b, &x);
}
