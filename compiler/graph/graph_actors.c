/* graph_actors.c - the quadruple-helix network of actors.
 *
 * One cluster per sector (public, private, third, academia, citizens) in the
 * sector's colour; instruments and projects to the right. Edges: lead (bold) and
 * partner (dashed) from actors to projects; funds as actor -> instrument -> project
 * (amounts); parent (dotted, between actors). Above GB_MAX_PROJECT_NODES projects,
 * the projects of each lead actor are the rows of one table, and the edges into a
 * table add up its rows.
 */
#include <string.h>

#include "graph_int.h"

static const char *sector_line(const Sym *a) {
  return graph_sector_style(a ? a->actor.sector : SECTOR_NONE)->line;
}

static const char *plural(GB *b, int n, const char *what) {
  return arena_printf(b->a, "%d %s%s", n, what, n == 1 ? "" : "s");
}

static void actor_nodes(GB *b) {
  static const Sector order[] = {SECTOR_PUBLIC, SECTOR_PRIVATE, SECTOR_THIRD, SECTOR_ACADEMIA,
                                 SECTOR_CITIZENS, SECTOR_NONE};
  for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
    const SectorStyle *ss = graph_sector_style(order[k]);
    Agraph_t *cluster = NULL;
    GB_EACH(b, DK_ACTOR, a) {
      if (a->actor.sector != order[k] || !gb_kept(b, a)) continue;
      if (!cluster)
        cluster = gb_cluster(b, NULL, arena_printf(b->a, "cluster_%s", order[k] ? sector_names[order[k]] : "none"),
                             ss->label, ss->line, ss->fill);
      Agnode_t *n = gb_node(b, cluster, a->name, a, &ss->node);
      Label l = label_new(b);
      label_title(&l, sym_title(a), 22);
      if (a->actor.level) label_line(&l, 0, "%s", level_names[a->actor.level]);
      label_set(b, n, &l);
    }
  }
}

static void instrument_nodes(GB *b) {
  GB_EACH(b, DK_INSTRUMENT, i) {
    const NodeStyle *st = i->instrument.push == PUSH_DEMAND ? &style_instrument_demand : &style_instrument_supply;
    Agnode_t *n = gb_node(b, NULL, i->name, i, st);
    if (!n) continue;
    Label l = label_new(b);
    label_title(&l, sym_title(i), 24);
    label_line(&l, 0, "%s", instr_kind_names[i->instrument.kind]);
    label_set(b, n, &l);
  }
}

static const char *disciplines(GB *b, const Sym *p) {
  const char *d = "";
  for (int k = 0; k < p->project.ndisciplines; k++)
    d = arena_printf(b->a, "%s%s%s", d, k ? ", " : "", p->project.disciplines[k]);
  return d;
}

/* ---- one node per project --------------------------------------------------- */

static void project_nodes(GB *b) {
  Agraph_t *column = agsubg(b->g, "projects", 1);   /* one rank, also for unfunded projects */
  gb_set(column, "rank", "same");
  GB_EACH(b, DK_PROJECT, p) {
    Agnode_t *n = gb_node(b, column, p->name, p, &style_project);
    if (!n) continue;
    Label l = label_new(b);
    label_title(&l, sym_title(p), 28);
    if (p->project.ndisciplines) label_line(&l, 36, "%s", disciplines(b, p));
    label_set(b, n, &l);
  }
}

static void project_edges(GB *b) {
  GB_EACH(b, DK_PROJECT, p) {
    for (int k = 0; k < p->project.funded_by.len; k++) {
      const Link *f = &p->project.funded_by.items[k];
      const char *amount = f->unit ? fmt_quantity(b->a, link_quantity(f, &(Quantity){0})) : NULL;
      Agedge_t *e = gb_edge(b, gb_find(b, f->target), gb_find(b, p), amount, ES_ARROW);
      gb_set(e, "color", "#333333");
    }
  }
  GB_EACH(b, DK_PROJECT, p) {
    Agedge_t *e = gb_edge(b, gb_find(b, p->project.lead), gb_find(b, p), NULL, ES_ARROW);
    gb_set(e, "color", sector_line(p->project.lead));
    gb_set(e, "penwidth", "2");
    for (int k = 0; k < p->project.partners.len; k++) {
      const Sym *a = p->project.partners.items[k];
      e = gb_edge(b, gb_find(b, a), gb_find(b, p), NULL, ES_DASHED);
      gb_set(e, "color", sector_line(a));
    }
  }
}

/* ---- many projects: one table per lead actor ------------------------------------ */

typedef struct Team {
  const Sym *lead;
  const Sym **projects;
  int n;
  Agnode_t *node;
  int column;            /* tables spread over a few ranks, for the aspect ratio */
} Team;

static const char *names(GB *b, const SymList *l) {
  const char *s = "";
  for (int i = 0; i < l->len; i++) s = arena_printf(b->a, "%s%s%s", s, i ? ", " : "", l->items[i]->name);
  return s;
}

static void team_table(GB *b, Team *t, int index) {
  static const char *const headers[] = {"project", "partners", "funded by", "disciplines"};
  const char **cells = arena_alloc(b->a, sizeof(char *) * (size_t)(4 * t->n + 1));
  for (int r = 0; r < t->n; r++) {
    const Sym *p = t->projects[r];
    cells[4 * r] = wrap_text(b->a, sym_title(p), 40);
    cells[4 * r + 1] = wrap_text(b->a, names(b, &p->project.partners), 30);
    cells[4 * r + 2] = gb_funded_text(b, p);
    cells[4 * r + 3] = wrap_text(b->a, disciplines(b, p), 30);
  }
  const char *title = t->lead ? arena_printf(b->a, "Led by %s", sym_title(t->lead)) : "Led by no actor drawn";
  t->node = gb_table(b, arena_printf(b->a, "team%d()", index), title, plural(b, t->n, "project"), headers, 4,
                     cells, t->n, t->lead ? graph_sector_style(t->lead->actor.sector)->fill : "#eeeeee");
}

/* Edges into a table, added up over its rows: lead, partners, instruments. */
static void team_edges(GB *b, Team *t) {
  Agedge_t *e = gb_edge(b, gb_find(b, t->lead), t->node, NULL, ES_ARROW);
  gb_set(e, "color", sector_line(t->lead));
  gb_set(e, "penwidth", "2");
  GB_EACH(b, DK_ACTOR, a) {
    int k = 0;
    for (int r = 0; r < t->n; r++) {
      const SymList *partners = &t->projects[r]->project.partners;
      for (int i = 0; i < partners->len; i++) k += partners->items[i] == a;
    }
    if (!k) continue;
    e = gb_edge(b, gb_find(b, a), t->node, arena_printf(b->a, "partner in %d", k), ES_DASHED);
    gb_set(e, "color", sector_line(a));
  }
  GB_EACH(b, DK_INSTRUMENT, i) {
    int k = 0;
    double sum = 0;
    const Unit *unit = NULL;
    bool mixed = false;
    for (int r = 0; r < t->n; r++)
      for (int c = 0; c < t->projects[r]->project.funded_by.len; c++) {
        const Link *f = &t->projects[r]->project.funded_by.items[c];
        if (f->target != i) continue;
        k++;
        if (!f->unit) continue;
        if (unit && !dim_eq(&unit->dim, &f->unit->dim)) mixed = true;
        if (!unit) unit = f->unit;
        sum += f->value;
      }
    if (!k) continue;
    const char *money = unit && !mixed ? arena_printf(b->a, " · %s", fmt_qty(b->a, sum, unit)) : "";
    e = gb_edge(b, gb_find(b, i), t->node, arena_printf(b->a, "%s%s", plural(b, k, "project"), money), ES_ARROW);
    gb_set(e, "color", "#333333");
    if (t->column) gb_setf(e, "minlen", "%d", 1 + t->column);
  }
}

static void team_tables(GB *b) {
  int nteams = 1;
  GB_EACH(b, DK_ACTOR, a) nteams++;
  Team *teams = arena_alloc(b->a, sizeof(Team) * (size_t)nteams);
  int k = 0;
  GB_EACH(b, DK_ACTOR, a) if (gb_find(b, a)) teams[k++].lead = a;
  nteams = k + 1;   /* the last: projects whose lead is not drawn */
  for (int t = 0; t < nteams; t++)
    teams[t].projects = arena_alloc(b->a, sizeof(Sym *) * (size_t)(gb_count(b, DK_PROJECT) + 1));
  int rows = 0;
  GB_EACH(b, DK_PROJECT, p) {
    if (!gb_kept(b, p)) continue;
    int t = 0;
    while (t < nteams - 1 && teams[t].lead != p->project.lead) t++;
    teams[t].projects[teams[t].n++] = p;
    rows++;
  }
  int columns = (rows + 99) / 100, seen = 0;
  if (columns > 4) columns = 4;
  if (columns < 1) columns = 1;
  for (int t = 0; t < nteams; t++) {
    if (!teams[t].n) continue;
    teams[t].column = seen * columns / rows;
    seen += teams[t].n;
    team_table(b, &teams[t], t);
  }
  for (int t = 0; t < nteams; t++)
    if (teams[t].n) team_edges(b, &teams[t]);
}

/* ---- the view ------------------------------------------------------------------- */

/* `roles ACTOR: ROLE` of a declaration: an edge from the actor labelled with its role. */
static void role_edges(GB *b, const Sym *s) {
  for (int k = 0; k < s->more->roles.len; k++) {
    const Role *r = &s->more->roles.items[k];
    Agedge_t *e = gb_edge(b, gb_find(b, r->actor), gb_find(b, s), r->role, ES_DASHED);
    gb_set(e, "color", sector_line(r->actor));
  }
}

static void actor_edges(GB *b) {
  GB_EACH(b, DK_INSTRUMENT, i) {
    for (int k = 0; k < i->instrument.by_all.len; k++) {
      const Sym *by = i->instrument.by_all.items[k];
      Agedge_t *e = gb_edge(b, gb_find(b, by), gb_find(b, i), NULL, ES_ARROW);
      gb_set(e, "color", sector_line(by));
    }
    for (int k = 0; k < i->instrument.cofunded_by.len; k++) {
      const Link *c = &i->instrument.cofunded_by.items[k];
      Agedge_t *e = gb_edge(b, gb_find(b, c->target), gb_find(b, i),
                            arena_printf(b->a, "co-funds %s", fmt_quantity(b->a, link_quantity(c, &(Quantity){0}))), ES_DASHED);
      gb_set(e, "color", sector_line(c->target));
    }
  }
  for (int k = 0; k < DK_COUNT; k++) GB_EACH(b, (DeclKind)k, s) role_edges(b, s);
  GB_EACH(b, DK_ACTOR, a) {
    Agedge_t *e = gb_edge(b, gb_find(b, a), gb_find(b, a->actor.parent), "part of", ES_DOTTED);
    gb_set(e, "color", sector_line(a->actor.parent));
  }
}

/* Review bodies: each review or decision milestone with `by`, linked from its actor. */
static void review_nodes(GB *b) {
  GB_EACH(b, DK_MILESTONE, m) {
    MilestoneKind k = m->milestone.kind;
    if ((k != MK_REVIEW && k != MK_DECISION) || !m->milestone.by) continue;
    Agnode_t *n = gb_node(b, NULL, m->name, m, k == MK_REVIEW ? &style_review : &style_decision);
    if (!n) continue;
    Label l = label_new(b);
    label_title(&l, sym_title(m), 22);
    label_line(&l, 0, "%s %s", milestone_kind_names[k], fmt_date(b->a, m->milestone.date, true));
    if (m->milestone.reviews.len) label_line(&l, 30, "reviews %s", names(b, &m->milestone.reviews));
    label_set(b, n, &l);
    Agedge_t *e = gb_edge(b, gb_find(b, m->milestone.by), n, k == MK_REVIEW ? "reviews" : "decides", ES_DOTTED);
    gb_set(e, "color", sector_line(m->milestone.by));
  }
}

void graph_build_actors(GB *b) {
  bool tables = gb_project_tables(b);
  gb_open(b, "dot", "LR");
  gb_title(b, tables ? "actors by sector: projects in one table per lead actor; lead (bold), partner (dashed), "
                       "funds (actor → instrument → projects), parent (dotted)"
                     : "actors by sector: lead (bold) and partner (dashed) of projects, "
                       "funds (actor → instrument → project), parent (dotted)");
  /* review bodies: "reviews" and "decides" edges (dotted) to review and decision milestones */
  gb_set(b->g, "nodesep", "0.12");
  gb_set(b->g, "ranksep", "0.8");
  actor_nodes(b);
  instrument_nodes(b);
  actor_edges(b);
  review_nodes(b);
  if (tables) {
    team_tables(b);
  } else {
    project_nodes(b);
    project_edges(b);
    /* projects after instruments, even when no instrument funds one */
    GB_EACH(b, DK_INSTRUMENT, i) {
      Agraph_t *column = agsubg(b->g, "projects", 0);
      if (gb_find(b, i) && column) gb_anchor(b, gb_find(b, i), agfstnode(column), 1);
      break;
    }
  }
}
