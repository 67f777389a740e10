/* check_dates.c - the timeline: periods inside the mission period, milestones
 * inside their phase, `after` never going back in time and never in a circle,
 * goals' baselines before their deadlines, interim `expects` between baseline
 * and target. Also the `parent` chains of actors and goals.
 */
#include <string.h>

#include "check_int.h"

/* A reference written in an `after` attribute, with where it is written. */
typedef struct AfterRef {
  Sym *to;
  Span span;
} AfterRef;

/* The `after` references of a phase or milestone, in source order. */
static int after_refs(Sym *y, AfterRef *out, int cap) {
  int n = 0;
  NodeList *attrs = &y->decl->decl.attrs;
  for (int i = 0; y->decl->decl.has_block && i < attrs->len; i++) {
    Node *a = attrs->items[i];
    if (strcmp(a->attr.name, "after") != 0) continue;
    for (int j = 0; j < a->attr.args.len; j++) {
      Node *e = arg_expr(a->attr.args.items[j]);
      if (!e->sem || expr_sem(e)->form != EX_DECL || n == cap) continue;
      out[n++] = (AfterRef){expr_sem(e)->ref, e->span};
    }
  }
  return n;
}

static int count_after(Sym *y) {
  int n = 0;
  NodeList *attrs = &y->decl->decl.attrs;
  for (int i = 0; y->decl->decl.has_block && i < attrs->len; i++)
    if (strcmp(attrs->items[i]->attr.name, "after") == 0) n += attrs->items[i]->attr.args.len;
  return n;
}

/* ------------------------------------------------------------------------ */
/* Inside the mission period                                                 */
/* ------------------------------------------------------------------------ */

static const char *what_of(Checker *k, const Sym *y);

/* A day or a period [start, end] of y must lie inside the mission's period (deadline:
 * the day is the deadline of goal y). */
static void inside_mission(Checker *k, const Period *mp, int64_t start, int64_t end, Span at,
                           const Sym *y, bool deadline) {
  if (start >= mp->start && end <= mp->end) return;
  const char *what = deadline ? arena_printf(k->a, "the deadline of goal '%s'", y->name) : what_of(k, y);
  bool late = end > mp->end;
  const char *when = start == end ? arena_printf(k->a, "falls on %s", ck_date(k, start))
                                  : arena_printf(k->a, "runs from %s to %s", ck_date(k, start), ck_date(k, end));
  Diagnostic *g = ck_error(k, at, E0403, "%s %s, %s the mission period (%s .. %s)", what, when,
                           late ? "past the end of" : "before the start of", ck_date(k, mp->start),
                           ck_date(k, mp->end));
  ck_note(k, g, mp->span, "the mission period is set here");
}

static const char *what_of(Checker *k, const Sym *y) {
  return arena_printf(k->a, "%s '%s'", ck_kind_word(y->kind), y->name);
}

/* Every dated declaration of the mission inside the mission period. */
static void check_in_mission(Checker *k, Sym *y, const Period *mp) {
  const Period *p = NULL;
  switch (y->kind) {
  case DK_PHASE: p = &y->phase.period; break;
  case DK_INSTRUMENT: p = &y->instrument.period; break;
  case DK_PROJECT: p = &y->project.period; break;
  case DK_MILESTONE:
    if (y->milestone.date_span.end)
      inside_mission(k, mp, y->milestone.date, y->milestone.date, y->milestone.date_span, y, false);
    return;
  case DK_GOAL:
    if (y->goal.target.set)
      inside_mission(k, mp, y->goal.deadline, y->goal.deadline, y->goal.target_date_span, y, true);
    return;
  default: return;
  }
  if (!p->set) return;
  if (y->kind == DK_PHASE) {
    inside_mission(k, mp, p->start, p->end, p->span, y, false);
    return;
  }
  /* Instruments and projects need only overlap: missions adopt what already runs. */
  if (p->end < mp->start || p->start > mp->end) {
    Diagnostic *g = ck_error(k, p->span, E0403, "%s runs from %s to %s, wholly %s the mission period (%s .. %s)",
                             what_of(k, y), ck_date(k, p->start), ck_date(k, p->end),
                             p->end < mp->start ? "before" : "after", ck_date(k, mp->start), ck_date(k, mp->end));
    ck_note(k, g, mp->span, "the mission period is set here");
    ck_note(k, g, NO_SPAN, "an instrument's or project's period must overlap the mission's");
  }
}

/* ------------------------------------------------------------------------ */
/* Phases, milestones and goals                                              */
/* ------------------------------------------------------------------------ */

/* A milestone falls inside its phase. */
static void check_in_phase(Checker *k, Sym *m) {
  Sym *p = m->milestone.phase;
  if (!p || !p->phase.period.set || !m->milestone.date_span.end) return;
  const Period *pp = &p->phase.period;
  if (m->milestone.date >= pp->start && m->milestone.date <= pp->end) return;
  Diagnostic *g = ck_error(k, m->milestone.date_span, E0404,
                           "milestone '%s' falls on %s, outside its phase '%s' (%s .. %s)", m->name,
                           ck_date(k, m->milestone.date), p->name, ck_date(k, pp->start), ck_date(k, pp->end));
  ck_note(k, g, pp->span, "the period of '%s' is set here", p->name);
}

/* When a phase or milestone starts (or falls) and ends (or falls); false if unknown. */
static bool span_of_time(const Sym *y, int64_t *start, int64_t *end) {
  if (y->kind == DK_PHASE && y->phase.period.set) {
    *start = y->phase.period.start;
    *end = y->phase.period.end;
    return true;
  }
  if (y->kind == DK_MILESTONE && y->milestone.date_span.end) {
    *start = *end = y->milestone.date;
    return true;
  }
  return false;
}

/* `X after Y`: X starts (or falls) no earlier than Y ends (or falls). */
static void check_after(Checker *k, Sym *x) {
  int cap = count_after(x);
  AfterRef *refs = arena_alloc(k->a, sizeof(AfterRef) * (size_t)(cap ? cap : 1));
  int n = after_refs(x, refs, cap);
  int64_t xs, xe, ys, ye;
  if (!span_of_time(x, &xs, &xe)) return;
  for (int i = 0; i < n; i++) {
    Sym *y = refs[i].to;
    if (y == x || !span_of_time(y, &ys, &ye) || xs >= ye) continue;
    Diagnostic *g = ck_error(k, refs[i].span, E0405, "%s %s on %s, before %s '%s' %s on %s",
                             what_of(k, x), x->kind == DK_PHASE ? "starts" : "falls", ck_date(k, xs),
                             ck_kind_word(y->kind), y->name, y->kind == DK_PHASE ? "ends" : "falls",
                             ck_date(k, ye));
    ck_note_decl(k, g, y);
    ck_note(k, g, NO_SPAN, "'%s after %s' means that '%s' starts no earlier than '%s' ends", x->name,
            y->name, x->name, y->name);
  }
}

/* A goal's baseline date lies before its deadline. */
static void check_goal_dates(Checker *k, Sym *g) {
  if (!g->goal.baseline.set || !g->goal.target.set || g->goal.start < g->goal.deadline) return;
  Diagnostic *d = ck_error(k, g->goal.target_date_span, E0408,
                           "goal '%s' has its deadline (%s) %s its baseline date (%s)", g->name,
                           ck_date(k, g->goal.deadline), g->goal.start == g->goal.deadline ? "on" : "before",
                           ck_date(k, g->goal.start));
  ck_note(k, d, g->goal.baseline_date_span, "the baseline is dated here");
  ck_note(k, d, NO_SPAN, "a baseline is dated 'at' its first day and a target 'by' its last day");
}

/* Interim values of a milestone lie between the goal's baseline and target. */
static void check_expects(Checker *k, Sym *m) {
  for (int i = 0; i < m->milestone.expects.len; i++) {
    Link *l = &m->milestone.expects.items[i];
    Sym *g = l->target;
    if (!g || !l->has_value || !g->goal.baseline.set || !g->goal.target.set) continue;
    if (!dim_eq(&l->unit->dim, &g->goal.target.unit->dim)) continue;   /* reported (E0303) */
    double b = g->goal.baseline.value, t = g->goal.target.value;
    double lo = b < t ? b : t, hi = b < t ? t : b;
    if (l->value >= lo && l->value <= hi) continue;
    const Unit *u = g->goal.target.unit;
    Diagnostic *d = ck_error(k, link_span(l), E0407,
                             "milestone '%s' expects %s for goal '%s', outside its baseline %s and target %s",
                             m->name, ck_bound_text(k, l->q), g->name,
                             ck_quantity(k, b, g->goal.baseline.unit), ck_quantity(k, t, u));
    ck_note_decl(k, d, g);
  }
}

/* ------------------------------------------------------------------------ */
/* Cycles in `after`                                                         */
/* ------------------------------------------------------------------------ */

enum { WHITE, GREY, BLACK };

/* A circle is named whole up to this many steps, then by its first and last three. */
#define CHAIN_MAX_NAMED 8
/* Notes at the steps of a circle: at most this many, then a count. */
#define CHAIN_MAX_NOTES 20

/* "a -> b -> ... (N more) ... -> y -> z" for names[0..n), in one buffer: linear in the
 * length of the circle (each step copying the whole chain was quadratic, 6 GB for
 * a circle of 40,000 parents). */
static char *chain_text(Checker *k, const char *const *names, int n) {
  bool cut = n > CHAIN_MAX_NAMED;
  size_t len = 1;
  for (int i = 0; i < n; i++)
    if (!cut || i < 3 || i >= n - 3) len += strlen(names[i]) + 4;
  len += 48;
  char *buf = arena_alloc(k->a, len), *p = buf;
  for (int i = 0; i < n; i++) {
    if (cut && i == 3) {
      p += snprintf(p, len - (size_t)(p - buf), " -> ... (%d more) ...", n - 6);
      i = n - 4;
      continue;
    }
    p += snprintf(p, len - (size_t)(p - buf), "%s%s", i ? " -> " : "", names[i]);
  }
  return buf;
}

typedef struct AfterFrame {
  Sym *s;
  AfterRef *refs;
  int n, next;
} AfterFrame;

/* Report the circle closed by the reference at the top of the stack. */
static void report_after_cycle(Checker *k, AfterFrame *stack, int top, Sym *to, Span at) {
  int from = top;
  while (from > 0 && stack[from].s != to) from--;
  int n = top - from + 2;
  const char **names = arena_alloc(k->a, sizeof *names * (size_t)n);
  for (int i = from; i <= top; i++) names[i - from] = stack[i].s->name;
  names[n - 1] = to->name;
  Diagnostic *g = from == top ? ck_error(k, at, E0406, "%s is after itself", what_of(k, to))
                              : ck_error(k, at, E0406, "%s is after itself, through %s", what_of(k, to),
                                         chain_text(k, names, n));
  for (int i = from; i < top; i++) {
    if (i - from == CHAIN_MAX_NOTES) {
      ck_note(k, g, NO_SPAN, "... and %d more steps in the circle", top - i);
      break;
    }
    ck_note(k, g, stack[i].refs[stack[i].next - 1].span, "'%s' is after '%s' here", stack[i].s->name,
            stack[i + 1].s->name);
  }
}

/* A DFS frame with the `after` references of s. */
static AfterFrame after_frame(Checker *k, Sym *s) {
  AfterFrame f = {s, NULL, 0, 0};
  int cap = count_after(s);
  f.refs = arena_alloc(k->a, sizeof(AfterRef) * (size_t)(cap ? cap : 1));
  f.n = after_refs(s, f.refs, cap);
  return f;
}

/* Depth-first search from root with an explicit stack; colors per Sym index. */
static void after_dfs(Checker *k, Sym *root, AfterFrame *stack, unsigned char *color) {
  int top = 0;
  stack[0] = after_frame(k, root);
  color[root->index] = GREY;
  while (top >= 0) {
    AfterFrame *f = &stack[top];
    if (f->next == f->n) {
      color[f->s->index] = BLACK;
      top--;
      continue;
    }
    AfterRef r = f->refs[f->next++];
    if (r.to->index < 0) continue;
    if (color[r.to->index] == GREY) report_after_cycle(k, stack, top, r.to, r.span);
    if (color[r.to->index] != WHITE) continue;
    color[r.to->index] = GREY;
    stack[++top] = after_frame(k, r.to);
  }
}

/* Every circle in `after` among phases and milestones, each once. */
static void check_after_cycles(Checker *k) {
  int total = k->m->by_kind[DK_PHASE].len + k->m->by_kind[DK_MILESTONE].len;
  unsigned char *color = arena_alloc(k->a, (size_t)k->m->syms.len + 1);
  AfterFrame *stack = arena_alloc(k->a, sizeof(AfterFrame) * (size_t)(total + 1));
  static const DeclKind kinds[] = {DK_PHASE, DK_MILESTONE};
  for (int j = 0; j < 2; j++) {
    PtrVec *v = &k->m->by_kind[kinds[j]];
    for (int i = 0; i < v->len; i++) {
      Sym *s = v->items[i];
      if (color[s->index] == WHITE) after_dfs(k, s, stack, color);
    }
  }
}

void ck_dates(Checker *k) {
  Sym *mission = k->m->mission;
  const Period *mp = mission && mission->mission.period.set ? &mission->mission.period : NULL;
  for (int i = 0; i < k->m->syms.len; i++) {
    Sym *y = k->m->syms.items[i];
    if (mp && !y->imported) check_in_mission(k, y, mp);
    if (y->kind == DK_MILESTONE) {
      check_in_phase(k, y);
      check_expects(k, y);
    }
    if (y->kind == DK_PHASE || y->kind == DK_MILESTONE) check_after(k, y);
    if (y->kind == DK_GOAL) check_goal_dates(k, y);
  }
  check_after_cycles(k);
}

/* ------------------------------------------------------------------------ */
/* Parents                                                                   */
/* ------------------------------------------------------------------------ */

static Sym *parent_of(const Sym *s) { return s->kind == DK_ACTOR ? s->actor.parent : s->goal.parent; }

/* The parent attribute's value node of s (for the caret). */
static Span parent_span(const Sym *s) {
  NodeList *attrs = &s->decl->decl.attrs;
  for (int i = 0; s->decl->decl.has_block && i < attrs->len; i++)
    if (strcmp(attrs->items[i]->attr.name, "parent") == 0 && attrs->items[i]->attr.args.len)
      return attrs->items[i]->attr.args.items[0]->span;
  return s->decl->decl.name.span;
}

/* Follow parent links from s; report a circle the walk runs into. */
static void walk_parents(Checker *k, Sym *s, int *mark, int stamp) {
  Sym *x = s;
  while (x && mark[x->index] == 0) {
    mark[x->index] = stamp;
    x = parent_of(x);
  }
  if (!x || mark[x->index] != stamp) return;
  int n = 2;
  for (Sym *y = parent_of(x); y != x; y = parent_of(y)) n++;
  const char **names = arena_alloc(k->a, sizeof *names * (size_t)n);
  int i = 0;
  names[i++] = x->name;
  for (Sym *y = parent_of(x); y != x; y = parent_of(y)) names[i++] = y->name;
  names[i] = x->name;
  Diagnostic *g = parent_of(x) == x
      ? ck_error(k, parent_span(x), E0603, "%s '%s' is its own parent", ck_kind_word(x->kind), x->name)
      : ck_error(k, parent_span(x), E0603, "%s '%s' is its own ancestor: %s", ck_kind_word(x->kind),
                 x->name, chain_text(k, names, n));
  int step = 0;
  for (Sym *y = parent_of(x); y != x; y = parent_of(y), step++) {
    if (step == CHAIN_MAX_NOTES) {
      ck_note(k, g, NO_SPAN, "... and %d more parents in the circle", n - 2 - step);
      break;
    }
    ck_note(k, g, parent_span(y), "the parent of '%s' is '%s'", y->name, parent_of(y)->name);
  }
}

void ck_parents(Checker *k) {
  int *mark = arena_alloc(k->a, sizeof(int) * (size_t)(k->m->syms.len + 1));
  static const DeclKind kinds[] = {DK_ACTOR, DK_GOAL};
  int stamp = 0;
  for (int j = 0; j < 2; j++) {
    PtrVec *v = &k->m->by_kind[kinds[j]];
    for (int i = 0; i < v->len; i++) {
      Sym *s = v->items[i];
      if (mark[s->index] == 0) walk_parents(k, s, mark, ++stamp);
    }
  }
}
