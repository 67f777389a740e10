/* graph_timeline.c - the timeline: the mission period left to right.
 *
 * Laid out here, not by a layout engine: x is proportional to the date, every node
 * is pinned (`pos="x,y!"`, inches) and the graph asks for neato, which keeps pinned
 * nodes where they are and draws the edges as straight lines. Lanes from top to
 * bottom: the mission, each phase in date order (its bar, then its milestones),
 * milestones without a phase, goal deadlines. Markers carry their labels to their
 * right; labels that would collide go to another row of the lane. A caller's
 * GraphDecor may add a red vertical line at a day (the as-of date of a status page).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"
#include "util.h"

enum { MAX_ROWS = 256 };

#define HEADER_W 2.4       /* lane headers, left of the chart */
#define BAR_H 0.26
#define MARK 0.16          /* marker size */
#define CHAR_W 0.072       /* estimated width of a character at 9 pt (Helvetica) */
#define LINE_H 0.18
#define ROW_GAP 0.1
#define LANE_GAP 0.12
#define LANE_SHADE "#0000000c"    /* over white: #f3f3f3 */
#define MARK_COLOUR "#c62828"     /* the caller's mark (GraphDecor) */

const NodeStyle style_lane = {"lane", "plaintext", "", NULL, NULL, MS_RECT};

/* A milestone or a goal deadline: a marker at its date, its text to the right. */
typedef struct Item {
  const Sym *sym;
  int64_t day;
  const char *text;        /* lines separated by '\n' */
  double x, w;             /* marker position; estimated text width */
  int lines, row;
} Item;

typedef struct Lane {
  const Sym *sym;          /* mission or phase (bar), or NULL */
  const char *title, *detail;
  Item *items;
  int nitems;
  int nrows;
  double row_h[MAX_ROWS], y, h;  /* top, height */
} Lane;

typedef struct Timeline {
  GB *b;
  int64_t t0, t1;
  double width;            /* inches from t0 to t1 + 1 day */
  double right;            /* right end of the drawing: the period or the last text */
  Lane *lanes;
  int nlanes;
} Timeline;

static double xpos(const Timeline *t, int64_t day) {
  return (double)(day - t->t0) * t->width / (double)(t->t1 + 1 - t->t0);
}

static void widen(Timeline *t, int64_t day, bool *any) {
  if (!*any || day < t->t0) t->t0 = day;
  if (!*any || day > t->t1) t->t1 = day;
  *any = true;
}

/* Is milestone s drawn (for the lane of its phase)? */
static bool milestone_drawn(GB *b, const Sym *s) { return gb_included(b, s) && gb_kept(b, s); }

/* The date range: the mission period, widened to every date drawn. */
static bool time_range(Timeline *t) {
  GB *b = t->b;
  bool any = false;
  const Sym *ms = b->m->mission;
  if (ms && gb_included(b, ms) && ms->mission.period.set) {
    widen(t, ms->mission.period.start, &any);
    widen(t, ms->mission.period.end, &any);
  }
  GB_EACH(b, DK_PHASE, p) if (p->phase.period.set) {
    widen(t, p->phase.period.start, &any);
    widen(t, p->phase.period.end, &any);
  }
  GB_EACH(b, DK_MILESTONE, s) widen(t, s->milestone.date, &any);
  GB_EACH(b, DK_GOAL, g) widen(t, g->goal.deadline, &any);
  if (!any) return false;
  double years = (double)(t->t1 + 1 - t->t0) / 365.25;
  t->width = years * 1.5;
  if (t->width < 9) t->width = 9;
  if (t->width > 30) t->width = 30;
  return true;
}

static Lane *add_lane(Timeline *t, const Sym *sym, const char *title, const char *detail) {
  Lane *l = &t->lanes[t->nlanes++];
  memset(l, 0, sizeof *l);
  l->sym = sym;
  l->title = title;
  l->detail = detail;
  size_t most = (size_t)(gb_count(t->b, DK_MILESTONE) + gb_count(t->b, DK_GOAL) + 1);
  l->items = arena_alloc(t->b->a, sizeof(Item) * most);
  return l;
}

static void add_item(Timeline *t, Lane *l, const Sym *sym, int64_t day, const char *title, const char *when) {
  Item *it = &l->items[l->nitems++];
  it->sym = sym;
  it->day = day;
  it->text = arena_printf(t->b->a, "%s\n%s", wrap_text(t->b->a, title, 30), when);
  it->x = xpos(t, day);
  int longest = 0;
  it->lines = 1;
  for (const char *p = it->text; *p;) {
    size_t n = strcspn(p, "\n");
    int w = utf8_len(arena_strndup(t->b->a, p, n));
    if (w > longest) longest = w;
    if (!p[n]) break;
    it->lines++;
    p += n + 1;
  }
  it->w = longest * CHAR_W + 0.15;
}

static int phase_cmp(const void *pa, const void *pb) {
  const Sym *a = *(Sym *const *)pa, *b = *(Sym *const *)pb;
  const Period *x = &a->phase.period, *y = &b->phase.period;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->end != y->end) return x->end < y->end ? -1 : 1;
  return a->index - b->index;
}

static int item_cmp(const void *pa, const void *pb) {
  const Item *a = pa, *b = pb;
  if (a->day != b->day) return a->day < b->day ? -1 : 1;
  return a->sym->index - b->sym->index;
}

/* Lanes and the items in them, in drawing order. */
static void collect(Timeline *t) {
  GB *b = t->b;
  t->lanes = arena_alloc(b->a, sizeof(Lane) * (size_t)(gb_count(b, DK_PHASE) + 4));
  const Sym *ms = b->m->mission;
  if (ms && gb_included(b, ms) && ms->mission.period.set && gb_kept(b, ms))
    add_lane(t, ms, "Mission", fmt_period(b->a, &ms->mission.period));
  /* phases in date order: those kept, and those of kept milestones */
  int np = 0;
  Sym **phases = arena_alloc(b->a, sizeof(Sym *) * (size_t)(gb_count(b, DK_PHASE) + 1));
  GB_EACH(b, DK_PHASE, p) {
    bool has = gb_kept(b, p);
    GB_EACH(b, DK_MILESTONE, s) has = has || (s->milestone.phase == p && milestone_drawn(b, s));
    if (has) phases[np++] = p;
  }
  qsort(phases, (size_t)np, sizeof *phases, phase_cmp);
  int first_phase = t->nlanes;
  for (int i = 0; i < np; i++)
    add_lane(t, phases[i], sym_title(phases[i]),
             phases[i]->phase.period.set ? fmt_period(b->a, &phases[i]->phase.period) : NULL);
  Lane *loose = NULL;
  GB_EACH(b, DK_MILESTONE, s) {
    if (!milestone_drawn(b, s)) continue;
    Lane *lane = NULL;
    for (int i = first_phase; i < first_phase + np; i++)
      if (t->lanes[i].sym == s->milestone.phase && s->milestone.phase) lane = &t->lanes[i];
    if (!lane) lane = loose ? loose : (loose = add_lane(t, NULL, "Milestones without a phase", NULL));
    const char *when = fmt_date(b->a, s->milestone.date, true);
    if (s->milestone.kind == MK_REVIEW || s->milestone.kind == MK_DECISION)
      when = arena_printf(b->a, "%s %s%s%s", milestone_kind_names[s->milestone.kind], when,
                          s->milestone.decided ? ": " : "", s->milestone.decided ? s->milestone.decided : "");
    add_item(t, lane, s, s->milestone.date, sym_title(s), when);
  }
  Lane *goals = NULL;
  GB_EACH(b, DK_GOAL, g) {
    if (!gb_kept(b, g)) continue;
    if (!goals) goals = add_lane(t, NULL, "Goal deadlines", NULL);
    add_item(t, goals, g, g->goal.deadline, sym_title(g),
             arena_printf(b->a, "%s by %s", fmt_quantity(b->a, &g->goal.target),
                          fmt_date(b->a, g->goal.deadline, true)));
  }
}

/* Rows inside each lane, so that no two texts overlap; then the lanes' heights. */
static void pack(Timeline *t) {
  double y = 0;
  for (int i = 0; i < t->nlanes; i++) {
    Lane *l = &t->lanes[i];
    qsort(l->items, (size_t)l->nitems, sizeof *l->items, item_cmp);
    double right[MAX_ROWS];
    int lines[MAX_ROWS];
    l->nrows = 0;
    for (int k = 0; k < l->nitems; k++) {
      Item *it = &l->items[k];
      int r = 0;
      while (r < l->nrows && right[r] > it->x - MARK) r++;
      if (r == MAX_ROWS) r = MAX_ROWS - 1;
      if (r == l->nrows) {
        l->nrows++;
        lines[r] = 0;
      }
      right[r] = it->x + MARK / 2 + 0.06 + it->w + 0.08;
      if (right[r] > t->right) t->right = right[r];
      if (it->lines > lines[r]) lines[r] = it->lines;
      it->row = r;
    }
    l->y = y;
    double h = l->sym ? BAR_H + ROW_GAP : 0;
    for (int r = 0; r < l->nrows; r++) {
      l->row_h[r] = lines[r] * LINE_H + ROW_GAP;
      h += l->row_h[r];
    }
    int header_lines = l->detail ? 2 : 1;
    for (const char *p = wrap_text(t->b->a, l->title, 30); *p; p++) header_lines += *p == '\n';
    double header = header_lines * LINE_H;
    if (h < header + ROW_GAP) h = header + ROW_GAP;
    l->h = h + LANE_GAP;
    y += l->h;
  }
}

static void pin(void *n, double x, double y_down) { gb_setf(n, "pos", "%.3f,%.3f!", x, -y_down); }

static void set_size(void *n, double w, double h) {
  gb_setf(n, "width", "%.3f", w);
  gb_setf(n, "height", "%.3f", h);
}

/* A plain label whose lines are flushed left ('l') or right ('r'). */
static void plain_label(GB *b, Agnode_t *n, const char *text, char just) {
  const char *s = "";
  for (const char *p = text;;) {
    size_t len = strcspn(p, "\n");
    s = arena_printf(b->a, "%s%s\\%c", s, esc_dot(b->a, arena_strndup(b->a, p, len)), just);
    if (!p[len]) break;
    p += len + 1;
  }
  gb_set(n, "label", s);
  gb_rec(n)->text = text;
}

/* Zebra background, header and bar of a lane. */
static void draw_lane(Timeline *t, int i) {
  GB *b = t->b;
  Lane *l = &t->lanes[i];
  if (i % 2 == 1) {
    /* translucent: the edges, drawn first, show through */
    Agnode_t *bg = gb_fixture(b, arena_printf(b->a, "lane%d.background", i), &style_point);
    gb_set(bg, "shape", "box");
    gb_set(bg, "style", "filled");
    gb_set(bg, "color", LANE_SHADE);
    gb_set(bg, "fillcolor", LANE_SHADE);
    set_size(bg, HEADER_W + t->right + 0.6, l->h);
    pin(bg, (t->right - HEADER_W) / 2, l->y + l->h / 2 - LANE_GAP / 2);
  }
  Agnode_t *hd = gb_fixture(b, arena_printf(b->a, "lane%d", i), &style_lane);
  gb_rec(hd)->lane = i;
  gb_set(hd, "fontsize", "10");
  const char *text = wrap_text(b->a, l->title, 30);
  if (l->detail) text = arena_printf(b->a, "%s\n%s", text, l->detail);
  plain_label(b, hd, text, 'r');
  gb_rec(hd)->text = l->title;
  set_size(hd, HEADER_W, l->h - LANE_GAP);
  pin(hd, -0.25 - HEADER_W / 2, l->y + (l->h - LANE_GAP) / 2);
  if (!l->sym) return;
  const Period *p = l->sym->kind == DK_MISSION ? &l->sym->mission.period : &l->sym->phase.period;
  if (!p->set) return;
  const NodeStyle *st = l->sym->kind == DK_MISSION ? &style_mission : &style_phase;
  Agnode_t *bar = gb_node_always(b, NULL, l->sym->name, l->sym, st);   /* context, even when not kept */
  GRec *r = gb_rec(bar);
  r->lane = i;
  r->start = p->start;
  r->end = p->end;
  double x0 = xpos(t, p->start), x1 = xpos(t, p->end + 1);
  double w = x1 - x0 > 0.02 ? x1 - x0 : 0.02;
  const char *period = fmt_period(b->a, p);
  gb_set(bar, "label", utf8_len(period) * CHAR_W + 0.1 < w ? esc_dot(b->a, period) : "");
  r->text = sym_title(l->sym);
  gb_set(bar, "fontsize", "9");
  set_size(bar, w, BAR_H);
  pin(bar, (x0 + x1) / 2, l->y + BAR_H / 2);
}

/* Markers and their texts. */
static void draw_items(Timeline *t, int i) {
  GB *b = t->b;
  Lane *l = &t->lanes[i];
  double row_y[MAX_ROWS];
  double y = l->y + (l->sym ? BAR_H + ROW_GAP : 0);
  for (int r = 0; r < l->nrows; r++) {
    row_y[r] = y;
    y += l->row_h[r];
  }
  for (int k = 0; k < l->nitems; k++) {
    Item *it = &l->items[k];
    bool goal = it->sym->kind == DK_GOAL;
    MilestoneKind mkind = goal ? MK_NONE : it->sym->milestone.kind;
    const NodeStyle *st = goal ? &style_deadline
                          : mkind == MK_REVIEW ? &style_review
                          : mkind == MK_DECISION ? &style_decision : &style_milestone;
    Agnode_t *mk = gb_node_always(b, NULL, it->sym->name, it->sym, st);
    GRec *r = gb_rec(mk);
    r->lane = i;
    r->start = r->end = it->day;
    r->text = sym_title(it->sym);
    gb_set(mk, "label", "");
    set_size(mk, MARK, MARK);
    double cy = row_y[it->row] + LINE_H / 2 + 0.01;
    pin(mk, it->x, cy);
    Agnode_t *tx = gb_node_always(b, NULL, arena_printf(b->a, "%s.label", it->sym->name), it->sym, &style_text);
    gb_rec(tx)->hidden = true;
    gb_set(tx, "fontsize", "9");
    gb_set(tx, "style", "filled");     /* hides the edges under the text */
    gb_set(tx, "color", i % 2 ? "#f3f3f3" : "white");
    gb_set(tx, "fillcolor", i % 2 ? "#f3f3f3" : "white");
    plain_label(b, tx, it->text, 'l');
    double h = it->lines * LINE_H;
    set_size(tx, it->w, h);
    pin(tx, it->x + MARK / 2 + 0.06 + it->w / 2, row_y[it->row] + h / 2);
  }
}

/* Ticks: every year (or every few years, or months for a short mission), with a
 * dotted line down the chart. */
static void draw_axis(Timeline *t, double bottom) {
  GB *b = t->b;
  int y0, m0, d0, y1, m1, d1;
  date_from_days(t->t0, &y0, &m0, &d0);
  date_from_days(t->t1, &y1, &m1, &d1);
  double years = (double)(t->t1 - t->t0) / 365.25;
  int step_months = years > 40 ? 120 : years > 20 ? 60 : years > 10 ? 24 : years >= 3 ? 12 : years >= 1 ? 3 : 1;
  int k = 0;
  for (int y = y0, mo = 1; y <= y1; ) {
    int64_t day = date_days(y, mo, 1);
    bool yearly = step_months >= 12;
    if (day >= t->t0 && day <= t->t1 + 1 && (!yearly || y % (step_months / 12) == 0)) {
      double x = xpos(t, day);
      Agnode_t *tick = gb_fixture(b, arena_printf(b->a, "tick%d", k), &style_text);
      gb_set(tick, "label", yearly ? arena_printf(b->a, "%d", y) : arena_printf(b->a, "%d-%02d", y, mo));
      gb_set(tick, "fontsize", "9");
      gb_set(tick, "fontcolor", "#555555");
      set_size(tick, 0.5, 0.2);
      pin(tick, x, -0.25);
      Agnode_t *top = gb_fixture(b, arena_printf(b->a, "tick%d.top", k), &style_point);
      Agnode_t *bot = gb_fixture(b, arena_printf(b->a, "tick%d.bottom", k), &style_point);
      pin(top, x, -0.12);
      pin(bot, x, bottom);
      Agedge_t *e = gb_edge(b, top, bot, NULL, ES_LINE);
      gb_set(e, "style", "dotted");
      gb_set(e, "color", "#b0b0b0");
      gb_rec(e)->hidden = true;
      k++;
    }
    if (yearly) y++;
    else if ((mo += step_months) > 12) {
      mo -= 12;
      y++;
    }
  }
}

/* The caller's mark (GraphDecor.mark): a red line at its day, from above the axis
 * to the bottom of the lanes, labelled at the top. Drawn wherever the day falls,
 * even outside the period. */
static void draw_mark(Timeline *t, double bottom) {
  GB *b = t->b;
  const GraphDecor *d = b->decor;
  if (!d || !d->mark) return;
  double x = xpos(t, d->mark_day);
  Agnode_t *label = gb_fixture(b, "mark()", &style_text);
  gb_set(label, "label", esc_dot(b->a, d->mark_label ? d->mark_label : ""));
  gb_set(label, "fontsize", "10");
  gb_set(label, "fontcolor", MARK_COLOUR);
  set_size(label, 1.2, 0.2);
  pin(label, x, -0.45);
  Agnode_t *top = gb_fixture(b, "mark().top", &style_point);
  Agnode_t *bot = gb_fixture(b, "mark().bottom", &style_point);
  pin(top, x, -0.35);
  pin(bot, x, bottom);
  Agedge_t *e = gb_edge(b, top, bot, NULL, ES_LINE);
  gb_set(e, "color", MARK_COLOUR);
  gb_set(e, "penwidth", "2");
  gb_rec(e)->hidden = true;
}

/* `after` between phases and milestones, membership (invisible: for --focus), and
 * the interim values milestones expect of goals. */
static void draw_edges(Timeline *t) {
  GB *b = t->b;
  GB_EACH(b, DK_PHASE, p) {
    for (int k = 0; k < p->phase.after.len; k++) {
      Agedge_t *e = gb_edge(b, gb_find(b, p->phase.after.items[k]), gb_find(b, p), NULL, ES_ARROW);
      gb_set(e, "tailport", "e");
      gb_set(e, "headport", "w");
    }
  }
  GB_EACH(b, DK_MILESTONE, s) {
    gb_edge(b, gb_find(b, s->milestone.phase), gb_find(b, s), NULL, ES_INVISIBLE);
    for (int k = 0; k < s->milestone.after.len; k++) {
      const Sym *before = s->milestone.after.items[k];
      Agedge_t *e = gb_edge(b, gb_find(b, before), gb_find(b, s), NULL, ES_ARROW);
      if (before->kind == DK_PHASE) gb_set(e, "tailport", "e");
    }
  }
  GB_EACH(b, DK_MILESTONE, s) {
    for (int k = 0; k < s->milestone.expects.len; k++) {
      const Link *x = &s->milestone.expects.items[k];
      Agedge_t *e = gb_edge(b, gb_find(b, s), gb_find(b, x->target),
                            arena_printf(b->a, "expects %s", fmt_quantity(b->a, link_quantity(x, &(Quantity){0}))), ES_DASHED);
      gb_set(e, "color", style_deadline.line);
    }
  }
}

void graph_build_timeline(GB *b) {
  gb_open(b, "neato", NULL);
  gb_title(b, "timeline: phases in date order, milestones in their phase, goal deadlines; arrows: after");
  gb_set(b->g, "splines", "line");
  gb_set(b->g, "overlap", "true");
  gb_set(b->g, "outputorder", "edgesfirst");
  Timeline t = {.b = b};
  if (!time_range(&t)) {
    Agnode_t *n = gb_fixture(b, "empty", &style_text);
    gb_set(n, "label", "nothing dated to draw");
    return;
  }
  collect(&t);
  t.right = t.width;
  pack(&t);
  double bottom = t.nlanes ? t.lanes[t.nlanes - 1].y + t.lanes[t.nlanes - 1].h : 0;
  for (int i = 0; i < t.nlanes; i++) draw_lane(&t, i);
  for (int i = 0; i < t.nlanes; i++) draw_items(&t, i);
  draw_axis(&t, bottom);
  draw_edges(&t);
  draw_mark(&t, bottom);
}
