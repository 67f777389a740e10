/* check_results.c - the results chain (R4) and reviews, risks and sources (R5):
 * goal-to-goal `contributes` without cycles, the planned path of every goal
 * through its milestones' `expects`, review and decision milestones, sources.
 */
#include <stdlib.h>
#include <string.h>

#include "check_int.h"
#include "util.h"

/* ------------------------------------------------------------------------ */
/* Cycles through goal `contributes`                                         */
/* ------------------------------------------------------------------------ */

enum { WHITE, GREY, BLACK };

/* One goal on the walk and the next of its contributions to follow. */
typedef struct ChainFrame {
  Sym *goal;
  int next;
} ChainFrame;

/* Report the circle that the link at the top of the stack closes onto `to`. */
static void report_chain_cycle(Checker *k, ChainFrame *stack, int top, Sym *to) {
  int from = top;
  while (from > 0 && stack[from].goal != to) from--;
  const Link *closing = &stack[top].goal->goal.contributes.items[stack[top].next - 1];
  Diagnostic *g;
  if (from == top) {
    g = ck_error(k, link_span(closing), E0603, "goal '%s' contributes to itself", to->name);
  } else {
    char *chain = arena_strdup(k->a, to->name);
    for (int i = from + 1; i <= top; i++) chain = arena_printf(k->a, "%s -> %s", chain, stack[i].goal->name);
    chain = arena_printf(k->a, "%s -> %s", chain, to->name);
    g = ck_error(k, link_span(closing), E0603, "goal '%s' contributes to itself: %s", to->name, chain);
    for (int i = from; i < top; i++) {
      const Link *l = &stack[i].goal->goal.contributes.items[stack[i].next - 1];
      ck_note(k, g, link_span(l), "'%s' contributes to '%s' here", stack[i].goal->name, l->target->name);
    }
  }
  ck_note(k, g, NO_SPAN, "a goal drives the goals it contributes to (means to end); the chain cannot "
          "come back to where it starts");
}

/* Depth-first walk of the contributions from goal g, with an explicit stack. */
static void walk_chain(Checker *k, Sym *g, unsigned char *color, ChainFrame *stack) {
  int top = 0;
  stack[0] = (ChainFrame){g, 0};
  color[g->index] = GREY;
  while (top >= 0) {
    ChainFrame *f = &stack[top];
    if (f->next >= f->goal->goal.contributes.len) {
      color[f->goal->index] = BLACK;
      top--;
      continue;
    }
    Sym *to = f->goal->goal.contributes.items[f->next++].target;
    if (!to || to->kind != DK_GOAL || color[to->index] == BLACK) continue;
    if (color[to->index] == GREY) {
      report_chain_cycle(k, stack, top, to);
      continue;
    }
    color[to->index] = GREY;
    stack[++top] = (ChainFrame){to, 0};
  }
}

/* Every cycle of goal contributions, reported once per closing link. */
static void check_chain_cycles(Checker *k) {
  int n = k->m->syms.len;
  unsigned char *color = xcalloc((size_t)(n ? n : 1), 1);   /* scratch: freed, not held by the arena */
  ChainFrame *stack = xcalloc((size_t)(n ? n : 1), sizeof *stack);
  PtrVec *goals = &k->m->by_kind[DK_GOAL];
  for (int i = 0; i < goals->len; i++) {
    Sym *g = goals->items[i];
    if (color[g->index] == WHITE) walk_chain(k, g, color, stack);
  }
  free(color);
  free(stack);
}

/* ------------------------------------------------------------------------ */
/* planned(g, d): the path through the milestones' `expects`                  */
/* ------------------------------------------------------------------------ */

/* One point a milestone expects on a goal's path. */
typedef struct Knot {
  double day, value;
  const Sym *milestone;
  const Link *link;
} Knot;

static int knot_cmp(const void *a, const void *b) {
  const Knot *x = a, *y = b;
  if (x->day != y->day) return x->day < y->day ? -1 : 1;
  return x->milestone->index - y->milestone->index;
}

/* Whether milestone point p fits the goal's span; reports it when not. Points on the
 * baseline's first day or the deadline must repeat the baseline or the target. */
static bool knot_fits(Checker *k, const Sym *g, const Knot *p) {
  double s = (double)g->goal.start, e = (double)g->goal.deadline;
  const Unit *u = g->goal.target.unit;
  double end_value = p->day <= s ? g->goal.baseline.value : g->goal.target.value;
  if (p->day > s && p->day < e) return true;
  if ((p->day == s || p->day == e) && p->value == end_value) return true;
  Diagnostic *d;
  if (p->day < s || p->day > e)
    d = ck_error(k, link_span(p->link), E0407, "milestone '%s' expects a value for goal '%s' on %s, outside "
                 "the goal's span %s .. %s", p->milestone->name, g->name, ck_date(k, (int64_t)p->day),
                 ck_date(k, g->goal.start), ck_date(k, g->goal.deadline));
  else
    d = ck_error(k, link_span(p->link), E0407, "milestone '%s' expects %s for goal '%s' on %s, where its %s "
                 "is %s", p->milestone->name, ck_quantity(k, p->value, p->link->unit), g->name,
                 ck_date(k, (int64_t)p->day), p->day == s ? "baseline" : "target",
                 ck_quantity(k, end_value, u));
  ck_note_decl(k, d, g);
  return false;
}

/* The milestones' expectations of each goal, in milestone order: goal i (its index in
 * Model.syms) owns exp[first[i] .. first[i + 1]). One pass over the milestones, not one
 * per goal. */
typedef struct Expects {
  int *first;
  const Link **link;
  const Sym **milestone;
} Expects;

static Expects expects_by_goal(Checker *k, const PtrVec *milestones) {
  int nsyms = k->m->syms.len;
  Expects x = {xcalloc((size_t)nsyms + 2, sizeof(int)), NULL, NULL};   /* scratch: plan_goals frees it */
  int total = 0;
  for (int i = 0; i < milestones->len; i++) {
    const Sym *m = milestones->items[i];
    for (int j = 0; j < m->milestone.expects.len; j++) {
      const Sym *t = m->milestone.expects.items[j].target;
      if (t && t->kind == DK_GOAL && t->index >= 0) x.first[t->index + 2]++;
    }
  }
  for (int i = 0; i < nsyms; i++) x.first[i + 2] += x.first[i + 1];   /* first[i + 1]: start of i */
  total = x.first[nsyms + 1];
  x.link = xcalloc((size_t)total + 1, sizeof *x.link);
  x.milestone = xcalloc((size_t)total + 1, sizeof *x.milestone);
  for (int i = 0; i < milestones->len; i++) {
    const Sym *m = milestones->items[i];
    for (int j = 0; j < m->milestone.expects.len; j++) {
      const Link *l = &m->milestone.expects.items[j];
      if (!l->target || l->target->kind != DK_GOAL || l->target->index < 0) continue;
      int at = x.first[l->target->index + 1]++;
      x.link[at] = l;
      x.milestone[at] = m;
    }
  }
  return x;   /* now first[i] .. first[i + 1] are goal i's */
}

/* The knots of goal g: baseline, the milestones' points in date order, target. */
static void plan_goal(Checker *k, Sym *g, const Expects *x) {
  int from = x->first[g->index], to = x->first[g->index + 1];
  Knot stack_pts[8];   /* most goals have few milestones: scratch on the stack */
  Knot *pts = to - from + 2 <= 8 ? stack_pts : xcalloc((size_t)(to - from + 2), sizeof *pts);
  int n = 0;
  for (int i = from; i < to; i++) {
    const Sym *m = x->milestone[i];
    const Link *l = x->link[i];
    if (!dim_eq(&l->unit->dim, &g->goal.target.unit->dim)) continue;
    Knot p = {(double)m->milestone.date, l->value, m, l};
    if (knot_fits(k, g, &p) && p.day > (double)g->goal.start && p.day < (double)g->goal.deadline)
      pts[n++] = p;
  }
  qsort(pts, (size_t)n, sizeof *pts, knot_cmp);
  double *day = arena_alloc(k->a, sizeof(double) * (size_t)(n + 2));
  double *value = arena_alloc(k->a, sizeof(double) * (size_t)(n + 2));
  int len = 0;
  day[len] = (double)g->goal.start;
  value[len++] = g->goal.baseline.value;
  int first = 0;   /* the first point on the day of point i */
  for (int i = 0; i < n; i++) {
    if (i > 0 && pts[i].day == pts[first].day) {
      const Knot *f = &pts[first];
      if (pts[i].value != f->value) {
        Diagnostic *d = ck_error(k, link_span(pts[i].link), E0407, "milestones '%s' and '%s' expect different "
                                 "values for goal '%s' on %s", f->milestone->name, pts[i].milestone->name,
                                 g->name, ck_date(k, (int64_t)pts[i].day));
        ck_note(k, d, link_span(f->link), "'%s' expects %s", f->milestone->name, ck_quantity(k, f->value, f->link->unit));
      }
      continue;
    }
    first = i;
    day[len] = pts[i].day;
    value[len++] = pts[i].value;
  }
  day[len] = (double)g->goal.deadline;
  value[len++] = g->goal.target.value;
  g->goal.plan_day = day;
  g->goal.plan_value = value;
  g->goal.nplan = len;
  if (pts != stack_pts) free(pts);
}

/* The planned path of every goal with a baseline and a target. */
static void plan_goals(Checker *k) {
  PtrVec *goals = &k->m->by_kind[DK_GOAL];
  Expects x = expects_by_goal(k, &k->m->by_kind[DK_MILESTONE]);
  for (int i = 0; i < goals->len; i++) {
    Sym *g = goals->items[i];
    if (!g->goal.baseline.set || !g->goal.target.set || g->goal.start >= g->goal.deadline) continue;
    plan_goal(k, g, &x);
  }
  free(x.first);
  free(x.link);
  free(x.milestone);
}

double model_planned(const Sym *g, double d) {
  const double *x = g->goal.plan_day, *y = g->goal.plan_value;
  int n = g->goal.nplan;
  if (n < 2) {
    double b = g->goal.baseline.value, t = g->goal.target.value;
    double s = (double)g->goal.start, e = (double)g->goal.deadline;
    return b + (t - b) * (d - s) / (e - s);
  }
  int i = 0;
  for (int j = 1; j < n - 1; j++)
    if (d > x[j]) i = j;
  return y[i] + (y[i + 1] - y[i]) * (d - x[i]) / (x[i + 1] - x[i]);
}

/* ------------------------------------------------------------------------ */
/* Reviews and decisions                                                     */
/* ------------------------------------------------------------------------ */

/* The argument node of attribute `name` in s's block, or NULL. */
static const Node *attr_of(const Sym *s, const char *name) {
  const NodeList *attrs = &s->decl->decl.attrs;
  for (int i = 0; s->decl->decl.has_block && i < attrs->len; i++)
    if (attrs->items[i] && strcmp(attrs->items[i]->attr.name, name) == 0) return attrs->items[i];
  return NULL;
}

/* `reviews`, `options` and `decided` belong to reviews and decisions; a decision
 * taken is one of the options. */
static void check_review(Checker *k, Sym *m) {
  MilestoneKind kind = m->milestone.kind;
  static const char *const only_gates[] = {"reviews", "options", "decided"};
  if (kind == MK_NONE || kind == MK_EVENT) {
    for (size_t i = 0; i < COUNT_OF(only_gates); i++) {
      const Node *a = attr_of(m, only_gates[i]);
      if (!a) continue;
      Diagnostic *g = ck_error(k, attr_name_span(a), E0704, "'%s' belongs to a milestone of kind "
                               "review or decision, but '%s' is an event", only_gates[i], m->name);
      ck_note(k, g, NO_SPAN, "add 'kind review' or 'kind decision' to '%s'", m->name);
    }
    return;
  }
  const char *d = m->milestone.decided;
  if (!d) return;
  const StrList *o = &m->milestone.options;
  if (o->len == 0) {
    Diagnostic *g = ck_error(k, m->milestone.decided_span, E0706, "milestone '%s' decided '%s', but "
                             "lists no options", m->name, d);
    ck_note(k, g, NO_SPAN, "list the options first: 'options continue, scale_up, pivot, stop'");
    return;
  }
  for (int i = 0; i < o->len; i++)
    if (o->items[i] == d || strcmp(o->items[i], d) == 0) return;
  Diagnostic *g = ck_error(k, m->milestone.decided_span, E0706, "milestone '%s' decided '%s', which is "
                           "not one of its options", m->name, d);
  Suggest s;
  ck_suggest_init(&s, d);
  for (int i = 0; i < o->len; i++) ck_suggest_add(&s, o->items[i], NO_SPAN);
  ck_note_suggest(k, g, &s);
  const char *list = "";
  for (int i = 0; i < o->len; i++) list = arena_printf(k->a, "%s%s%s", list, i ? ", " : "", o->items[i]);
  ck_note(k, g, NO_SPAN, "the options are %s", list);
}

/* ------------------------------------------------------------------------ */
/* Sources                                                                   */
/* ------------------------------------------------------------------------ */

/* A source says where to find it: a url or a publisher; retrieved after published. */
static void check_source(Checker *k, Sym *s) {
  if (!s->source.url && !s->source.publisher) {
    Node *d = s->decl;
    Span end = {d->span.file, d->span.end ? d->span.end - 1 : 0, d->span.end};
    Diagnostic *g = ck_error(k, end, E0703, "source '%s' has neither 'url' nor 'publisher'", s->name);
    ck_note(k, g, d->decl.name.span, "source '%s' declared here", s->name);
    ck_note(k, g, NO_SPAN, "write 'url \"https://...\"' or 'publisher \"NAME\"' (or both)");
  }
  if (s->source.has_published && s->source.has_retrieved && s->source.retrieved < s->source.published) {
    const Node *a = attr_of(s, "retrieved");
    ck_error(k, a ? a->span : s->decl->decl.name.span, E0402, "source '%s' was retrieved on %s, before it "
             "was published on %s", s->name, ck_date(k, s->source.retrieved), ck_date(k, s->source.published));
  }
}

void ck_results(Checker *k) {
  check_chain_cycles(k);
  plan_goals(k);
  for (int i = 0; i < k->m->by_kind[DK_MILESTONE].len; i++) {
    Sym *m = k->m->by_kind[DK_MILESTONE].items[i];
    if (cksym(m)->form_ok) check_review(k, m);
  }
  for (int i = 0; i < k->m->by_kind[DK_SOURCE].len; i++) {
    Sym *s = k->m->by_kind[DK_SOURCE].items[i];
    if (cksym(s)->form_ok) check_source(k, s);
  }
}
