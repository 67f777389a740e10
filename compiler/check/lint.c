/* lint.c - mission criteria lints: warnings W01xx, each with a -W switch.
 *
 * The lints read the checked model (never change it) and judge "the mission's
 * declarations": every declaration of the checked file plus every imported one
 * that they use, directly or through other declarations. The criteria come from
 * Mazzucato's five criteria for missions and from the implementation advice of
 * the OECD (OPSI) and of the EU Missions; LANGUAGE.md section 9 has one section per
 * lint. Every warning names the criterion, points at the declarations that
 * trigger it (notes) and ends with a note on what would satisfy it.
 */
#include "lint.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* What lint gathers about a goal (kept only for goals: a fraction of the declarations). */
typedef struct GoalIn {
  PtrVec into;       /* Incoming*, the mission's contributions into it */
  PtrVec subgoals;   /* the mission's goals whose parent it is */
  PtrVec feeders;    /* the mission's goals that contribute to it with a positive weight */
  int goal_into;     /* the mission's goals that contribute to it (any weight) */
} GoalIn;

typedef struct Lint Lint;

static void lint_mission_washing(Lint *L);
static void lint_cross_actor(Lint *L);
static void lint_cross_disciplinary(Lint *L);
static void lint_bottom_up(Lint *L);
static void lint_demand_side(Lint *L);
static void lint_conditionality(Lint *L);
static void lint_citizens(Lint *L);
static void lint_unused(Lint *L);
static void lint_orphan_goal(Lint *L);
static void lint_idle_instrument(Lint *L);
static void lint_idle_project(Lint *L);
static void lint_weights(Lint *L);
static void lint_results_chain(Lint *L);
static void lint_no_review(Lint *L);
static void lint_unmitigated_risk(Lint *L);
static void lint_unsourced(Lint *L);

/* id, -W name, code, the function that runs it. Codes are stable: append only. */
#define LINT_LIST(X)                                                                 \
  X(LINT_MISSION_WASHING, "mission-washing", W0101, lint_mission_washing)          \
  X(LINT_CROSS_ACTOR, "cross-actor", W0102, lint_cross_actor)                      \
  X(LINT_CROSS_DISCIPLINARY, "cross-disciplinary", W0103, lint_cross_disciplinary) \
  X(LINT_BOTTOM_UP, "bottom-up", W0104, lint_bottom_up)                            \
  X(LINT_DEMAND_SIDE, "demand-side", W0105, lint_demand_side)                      \
  X(LINT_CONDITIONALITY, "conditionality", W0106, lint_conditionality)             \
  X(LINT_CITIZENS, "citizens", W0107, lint_citizens)                               \
  X(LINT_UNUSED, "unused", W0108, lint_unused)                                     \
  X(LINT_ORPHAN_GOAL, "orphan-goal", W0109, lint_orphan_goal)                      \
  X(LINT_IDLE_INSTRUMENT, "idle-instrument", W0110, lint_idle_instrument)          \
  X(LINT_IDLE_PROJECT, "idle-project", W0111, lint_idle_project)                   \
  X(LINT_WEIGHTS, "weights", W0112, lint_weights)                                 \
  X(LINT_RESULTS_CHAIN, "results-chain", W0115, lint_results_chain)                \
  X(LINT_NO_REVIEW, "no-review", W0116, lint_no_review)                            \
  X(LINT_UNMITIGATED_RISK, "unmitigated-risk", W0117, lint_unmitigated_risk)       \
  X(LINT_UNSOURCED, "unsourced", W0118, lint_unsourced)

typedef enum {
#define X(id, name, code, fn) id,
  LINT_LIST(X)
#undef X
  LINT_COUNT
} LintId;

static const char *const lint_names[LINT_COUNT] = {
#define X(id, name, code, fn) name,
  LINT_LIST(X)
#undef X
};

static const DiagCode lint_codes[LINT_COUNT] = {
#define X(id, name, code, fn) code,
  LINT_LIST(X)
#undef X
};

static void (*const lint_fns[LINT_COUNT])(Lint *) = {
#define X(id, name, code, fn) fn,
  LINT_LIST(X)
#undef X
};

/* -W names of warnings that other stages emit (the checker's) and of W0119, with
 * their codes; lint_run applies -Wno- to them too, since it is the one stage that
 * reads the flags. */
static const char *const other_options[] = {"shadow", "shadow", "bare-percent", "budget-may-exceed",
                                            "unused-allow"};
static const DiagCode other_codes[] = {W0601, W0602, W0113, W0114, W0119};

struct Lint {
  Model *m;
  Diag *d;
  Arena *a;
  bool on[LINT_COUNT];
  bool *in_mission;  /* by Sym index: one of the mission's declarations */
  PtrVec mine[DK_COUNT]; /* Sym*: the mission's declarations by kind, in model order */
  int *uses;         /* by Sym index: references from other declarations of the checked file */
  PtrVec used_units; /* const Unit*: units named anywhere in the checked file */
  int *seen, gen;    /* by Sym index: marks of the current generation (distinct projects) */
  int *goal_no;      /* by Sym index: the goal's place in goals (1 on), 0 for other kinds */
  GoalIn *goals;     /* [0]: a sink for other kinds (a checked model has none there) */
  bool *funded;      /* by instrument Sym index: some project of the mission is funded_by it */
};

/* Lint's record of goal g. */
static inline GoalIn *goal_in(const Lint *L, const Sym *g) { return &L->goals[L->goal_no[g->index]]; }

/* One `contributes` link into a goal. */
typedef struct Incoming {
  Sym *project;
  const Link *link;
} Incoming;

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

/* The lint called name, or -1. */
static int lint_find(const char *name) {
  for (int i = 0; i < LINT_COUNT; i++)
    if (strcmp(lint_names[i], name) == 0) return i;
  return -1;
}

bool lint_option_known(const char *name) {
  if (lint_find(name) >= 0) return true;
  for (size_t i = 0; i < COUNT_OF(other_options); i++)
    if (strcmp(other_options[i], name) == 0) return true;
  return false;
}

/* The name a -W flag is about: "-Wno-citizens" -> "citizens", *on = false. */
static const char *flag_name(const char *flag, bool *on) {
  const char *name = flag + 2;
  *on = strncmp(name, "no-", 3) != 0;
  return *on ? name : name + 3;
}

/* The known option closest to name, or NULL when none is close. */
static const char *option_suggest(const char *name) {
  int limit = (int)strlen(name) / 3 > 2 ? (int)strlen(name) / 3 : 2, best_d = limit + 1;
  const char *best = NULL;
  for (int i = 0; i < LINT_COUNT + (int)COUNT_OF(other_options); i++) {
    const char *cand = i < LINT_COUNT ? lint_names[i] : other_options[i - LINT_COUNT];
    int dist = edit_distance(name, cand, limit);
    if (dist < best_d) best = cand, best_d = dist;
  }
  return best;
}

int lint_check_flags(const char *const *flags, int nflags, char **err) {
  for (int i = 0; i < nflags; i++) {
    bool on;
    const char *name = flag_name(flags[i], &on);
    if (lint_option_known(name)) continue;
    const char *hint = option_suggest(name);
    if (hint)
      error_printf(err, "unknown warning option '%s'; did you mean '-W%s%s'?", flags[i], on ? "" : "no-",
                   hint);
    else
      error_printf(err, "unknown warning option '%s' (the lints are listed in LANGUAGE.md section 9)",
                   flags[i]);
    return MS_FAILED;
  }
  return 0;
}

/* Turn the lints on or off from the flags; report unknown names (without a location). */
static void lint_apply_flags(Lint *L, const char *const *flags, int nflags) {
  for (int i = 0; i < LINT_COUNT; i++) L->on[i] = true;
  for (int i = 0; i < nflags; i++) {
    bool on;
    const char *name = flag_name(flags[i], &on);
    int id = lint_find(name);
    if (id >= 0) {
      L->on[id] = on;
    } else if (!lint_option_known(name)) {
      const char *hint = option_suggest(name);
      Diagnostic *g = diag_error(L->d, NO_SPAN, E0001, "unknown warning option '%s'", flags[i]);
      if (hint) diag_note(L->d, g, NO_SPAN, "did you mean '-W%s%s'?", on ? "" : "no-", hint);
    }
  }
}

/* Whether the flags turn option off (last flag about it wins). */
static bool option_disabled(const char *option, const char *const *flags, int nflags) {
  bool off = false;
  for (int i = 0; i < nflags; i++) {
    bool on;
    if (strcmp(flag_name(flags[i], &on), option) == 0) off = !on;
  }
  return off;
}

/* Drop the warnings of other stages whose option the flags turned off. */
static void suppress_other_warnings(Diag *d, const char *const *flags, int nflags) {
  int kept = 0;
  for (int i = 0; i < d->list.len; i++) {
    Diagnostic *g = d->list.items[i];
    if (g->sev == SEV_WARNING && g->option && option_disabled(g->option, flags, nflags)) {
      d->warnings--;
      continue;
    }
    d->list.items[kept++] = g;
  }
  d->list.len = kept;
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------ */

/* A warning of lint id at span; the message is printf-style. */
__attribute__((format(printf, 4, 5)))
static Diagnostic *lint_warn(Lint *L, LintId id, Span at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const char *msg = arena_vprintf(L->a, fmt, ap);
  va_end(ap);
  return diag_warning(L->d, at, lint_codes[id], lint_names[id], "%s", msg);
}

/* The span of a declaration's name. */
static Span name_span(const Sym *s) { return s->decl ? s->decl->decl.name.span : NO_SPAN; }

/* The span of attribute `attr` in s's block, else the span of its name. */
static Span attr_span(const Sym *s, const char *attr) {
  if (!s->decl) return NO_SPAN;
  for (int i = 0; i < s->decl->decl.attrs.len; i++) {
    const Node *a = s->decl->decl.attrs.items[i];
    if (a->kind == ND_ATTR && a->attr.name && strcmp(a->attr.name, attr) == 0) return a->span;
  }
  return name_span(s);
}

static const char *plural(int n, const char *one, const char *many) { return n == 1 ? one : many; }

/* ------------------------------------------------------------------------ */
/* References between declarations                                          */
/* ------------------------------------------------------------------------ */

typedef void RefFn(Lint *L, Sym *from, Sym *to);

static void visit(Lint *L, Sym *from, Sym *to, RefFn *fn) {
  if (to) fn(L, from, to);
}

static void visit_list(Lint *L, Sym *from, SymList list, RefFn *fn) {
  for (int i = 0; i < list.len; i++) visit(L, from, list.items[i], fn);
}

static void visit_links(Lint *L, Sym *from, LinkList list, RefFn *fn) {
  for (int i = 0; i < list.len; i++) visit(L, from, list.items[i].target, fn);
}

static void visit_roles(Lint *L, Sym *from, RoleList list, RefFn *fn) {
  for (int i = 0; i < list.len; i++) visit(L, from, list.items[i].actor, fn);
}

/* Every declaration a formula names (indicators, rules, goals, fns ...). */
static void visit_expr(Lint *L, Sym *from, const Node *n, RefFn *fn) {
  if (!n) return;
  if (n->kind == ND_CALL) visit_expr(L, from, n->call.callee, fn);
  else if (n->kind != ND_NAME && ast_expr_kids(n) == 0) return;   /* a literal */
  for (int i = 0; i < ast_expr_kids(n); i++) visit_expr(L, from, ast_expr_kid(n, i), fn);
  const ExprSem *sem = expr_sem(n);
  if (sem && sem->ref && sem->ref != from) fn(L, from, sem->ref);
}

/* The sources named by `per` in s's attributes. */
static void visit_per(Lint *L, Sym *s, RefFn *fn) {
  if (!s->decl || !s->decl->decl.has_block || s->kind == DK_RECORD) return;
  for (int i = 0; i < s->decl->decl.attrs.len; i++) {
    const Node *a = s->decl->decl.attrs.items[i];
    for (int j = 0; a && j < a->attr.args.len; j++) {
      const Node *arg = a->attr.args.items[j];
      if (!arg_per(arg)) continue;
      Sym *src = model_lookup(L->m, name_part(arg_per(arg), 0).str);
      if (src && src->kind == DK_SOURCE) visit(L, s, src, fn);
    }
  }
}

/* Every declaration that s refers to, through its attributes and its formula. */
static void visit_refs(Lint *L, Sym *s, RefFn *fn) {
  visit_roles(L, s, s->more->roles, fn);
  switch (s->kind) {
  case DK_MISSION: visit(L, s, s->mission.owner, fn); break;
  case DK_ACTOR: visit(L, s, s->actor.parent, fn); break;
  case DK_GOAL:
    visit(L, s, s->goal.indicator, fn);
    visit(L, s, s->goal.parent, fn);
    visit_links(L, s, s->goal.contributes, fn);
    break;
  case DK_PHASE: visit_list(L, s, s->phase.after, fn); break;
  case DK_MILESTONE:
    visit(L, s, s->milestone.phase, fn);
    visit_list(L, s, s->milestone.after, fn);
    visit_links(L, s, s->milestone.expects, fn);
    visit(L, s, s->milestone.by, fn);
    visit_list(L, s, s->milestone.reviews, fn);
    break;
  case DK_RISK:
    visit_links(L, s, s->risk.affects, fn);
    visit(L, s, s->risk.owner, fn);
    visit_list(L, s, s->risk.mitigated_by, fn);
    break;
  case DK_INSTRUMENT:
    visit_list(L, s, s->instrument.by_all, fn);
    visit_list(L, s, s->instrument.requires, fn);
    visit_links(L, s, s->instrument.cofunded_by, fn);
    break;
  case DK_PROJECT:
    visit(L, s, s->project.lead, fn);
    visit_list(L, s, s->project.partners, fn);
    visit_links(L, s, s->project.funded_by, fn);
    visit_links(L, s, s->project.contributes, fn);
    visit_list(L, s, s->project.supported_by, fn);
    visit_links(L, s, s->project.cofunded_by, fn);
    break;
  case DK_CONDITION:
  case DK_SCORE:
  case DK_FN:
    visit(L, s, s->rule.on, fn);
    visit_expr(L, s, s->rule.body, fn);
    break;
  case DK_TEST:   /* a root: what it gives and expects is used */
    visit(L, s, s->test.on, fn);
    for (int i = 0; i < s->test.ngiven; i++) visit(L, s, s->test.given[i].sym, fn);
    for (int i = 0; i < s->test.nexpect; i++) visit(L, s, s->test.expect[i].sym, fn);
    break;
  default: break;
  }
  visit_list(L, s, s->more->sources, fn);
  visit_per(L, s, fn);
}

static void count_use(Lint *L, Sym *from, Sym *to) {
  if (from != to) L->uses[to->index]++;
}

static void mark_mine(Lint *L, Sym *from, Sym *to) {
  if (L->in_mission[to->index]) return;
  L->in_mission[to->index] = true;
  visit_refs(L, to, mark_mine);
}

/* The mission's declarations: the checked file's and what they use, transitively. */
static void find_mine(Lint *L) {
  for (int i = 0; i < L->m->syms.len; i++) {
    Sym *s = L->m->syms.items[i];
    if (!s->imported) mark_mine(L, NULL, s);
  }
  /* A kind that is the mission's all through (no imports: every kind) reads the model's
   * list of it (the same order; lint never grows or reorders mine) */
  int outside[DK_COUNT] = {0};
  for (int i = 0; i < L->m->syms.len; i++) {
    Sym *s = L->m->syms.items[i];
    if (!L->in_mission[s->index]) outside[s->kind]++;
  }
  for (int kind = 0; kind < DK_COUNT; kind++)
    if (!outside[kind]) L->mine[kind] = L->m->by_kind[kind];
  for (int i = 0; i < L->m->syms.len; i++) {
    Sym *s = L->m->syms.items[i];
    if (outside[s->kind] && L->in_mission[s->index]) vec_push(L->a, &L->mine[s->kind], s);
  }
}

/* The contributions into each goal, from the mission's projects in model order. */
static void index_contributions(Lint *L) {
  for (int i = 0; i < L->mine[DK_PROJECT].len; i++) {
    Sym *p = L->mine[DK_PROJECT].items[i];
    for (int j = 0; j < p->project.contributes.len; j++) {
      const Link *l = &p->project.contributes.items[j];
      if (!l->target) continue;
      Incoming *c = arena_alloc(L->a, sizeof *c);
      c->project = p;
      c->link = l;
      vec_push(L->a, &goal_in(L, l->target)->into, c);
    }
    for (int j = 0; j < p->project.funded_by.len; j++) {
      const Link *l = &p->project.funded_by.items[j];
      if (l->target) L->funded[l->target->index] = true;
    }
    for (int j = 0; j < p->project.supported_by.len; j++)
      if (p->project.supported_by.items[j]) L->funded[p->project.supported_by.items[j]->index] = true;
  }
  for (int i = 0; i < L->mine[DK_GOAL].len; i++) {
    Sym *g = L->mine[DK_GOAL].items[i];
    if (g->goal.parent && g->goal.parent != g) vec_push(L->a, &goal_in(L, g->goal.parent)->subgoals, g);
    for (int j = 0; j < g->goal.contributes.len; j++) {
      const Link *l = &g->goal.contributes.items[j];
      if (!l->target || l->target == g) continue;
      goal_in(L, l->target)->goal_into++;
      if (l->value > 0) vec_push(L->a, &goal_in(L, l->target)->feeders, g);
    }
  }
}

/* Count the references to each declaration from the checked file. */
static void count_uses(Lint *L) {
  for (int i = 0; i < L->m->syms.len; i++) {
    Sym *s = L->m->syms.items[i];
    if (!s->imported) visit_refs(L, s, count_use);
  }
}

/* ------------------------------------------------------------------------ */
/* References to units (a namespace of their own, found in the syntax)       */
/* ------------------------------------------------------------------------ */

static void use_unit(Lint *L, const char *name) {
  const Unit *u = name ? units_lookup(L->m->units, name) : NULL;
  if (!u || !u->decl) return;
  for (int i = 0; i < L->used_units.len; i++)
    if (L->used_units.items[i] == u) return;
  vec_push(L->a, &L->used_units, (void *)u);
}

/* Unit names in n; in a unit expression (unit_ctx) a plain name is a unit too. */
static void unit_refs(Lint *L, const Node *n, bool unit_ctx) {
  if (!n) return;
  switch (n->kind) {
  case ND_QUANTITY: use_unit(L, n->quantity.unit.str); break;
  case ND_NAME:
    /* In a formula, a name that no declaration has is a unit (R1: `1.5 BGBP / year`). */
    if (name_nparts(n) == 1 && (unit_ctx || !model_lookup(L->m, name_part(n, 0).str)))
      use_unit(L, name_part(n, 0).str);
    break;
  case ND_CALL:
    for (int i = 0; i < n->call.args.len; i++) unit_refs(L, n->call.args.items[i], false);
    break;
  case ND_UNARY: unit_refs(L, n->unary.operand, unit_ctx); break;
  case ND_BINARY:
    unit_refs(L, n->binary.lhs, unit_ctx);
    unit_refs(L, n->binary.rhs, unit_ctx);
    break;
  case ND_IF:
    unit_refs(L, n->ifx.cond, false);
    unit_refs(L, n->ifx.then, false);
    unit_refs(L, n->ifx.els, false);
    break;
  case ND_RANGE:
    unit_refs(L, n->range.lo, false);
    unit_refs(L, n->range.hi, false);
    break;
  case ND_ARG:
    unit_refs(L, arg_expr(n), unit_ctx);
    unit_refs(L, arg_value(n), false);
    unit_refs(L, arg_when(n), false);
    break;
  default: break;
  }
}

/* Units named by one declaration: quantities anywhere; unit expressions in a
 * unit's definition, `: unit`, fn parameters, record fields and `unit` attributes. */
static void decl_unit_refs(Lint *L, const Node *decl) {
  DeclKind k = decl->decl.kind;
  unit_refs(L, decl_unit(decl), true);
  for (int i = 0; i < decl_params(decl)->len; i++)
    unit_refs(L, decl_params(decl)->items[i]->param.unit, true);
  unit_refs(L, decl_body(decl), k == DK_UNIT);
  for (int i = 0; i < decl->decl.attrs.len; i++) {
    const Node *a = decl->decl.attrs.items[i];
    if (a->kind != ND_ATTR) continue;
    bool ctx = k == DK_RECORD || (k == DK_INDICATOR && a->attr.name &&
                                  strcmp(a->attr.name, "unit") == 0);
    for (int j = 0; j < a->attr.args.len; j++) unit_refs(L, a->attr.args.items[j], ctx);
  }
}

static void collect_unit_uses(Lint *L) {
  const Node *root = compiler_file(L->m->c, L->m->main_file);
  if (!root) return;
  for (int i = 0; i < root->file.items.len; i++) {
    const Node *item = root->file.items.items[i];
    if (item && item->kind == ND_DECL) decl_unit_refs(L, item);
  }
}

/* ------------------------------------------------------------------------ */
/* Mission criteria                                                          */
/* ------------------------------------------------------------------------ */

/* W0101: targeted, measurable and time-bound. The checker requires a goal's
 * indicator, baseline (`at`) and target (`by`), so any goal of the mission will do. */
static void lint_mission_washing(Lint *L) {
  if (L->mine[DK_GOAL].len > 0) return;
  Sym *ms = L->m->mission;
  Diagnostic *w = lint_warn(L, LINT_MISSION_WASHING, name_span(ms),
                            "mission '%s' has no goal with a baseline, a target and a deadline: "
                            "a mission must be measurable and time-bound, or it is mission washing",
                            ms->name);
  diag_note(L->d, w, NO_SPAN,
            "add a goal with `indicator NAME`, `baseline VALUE at DATE` and `target VALUE by DEADLINE`");
}

/* W0102: cross-actor (the quadruple helix). */
static void lint_cross_actor(Lint *L) {
  Sym *first[SECTOR_COUNT] = {0};
  int nsectors = 0;
  for (int i = 0; i < L->mine[DK_ACTOR].len; i++) {
    Sym *a = L->mine[DK_ACTOR].items[i];
    if (a->actor.sector != SECTOR_NONE && !first[a->actor.sector]) {
      first[a->actor.sector] = a;
      nsectors++;
    }
  }
  if (nsectors >= 3) return;
  const char *have = "", *miss = "";
  int nmiss = SECTOR_COUNT - 1 - nsectors, missing = 0;
  for (int k = 1; k < SECTOR_COUNT; k++) {
    if (first[k]) {
      have = *have ? arena_printf(L->a, "%s, %s", have, sector_names[k]) : sector_names[k];
    } else {
      missing++;
      const char *sep = missing == 1 ? "" : missing == nmiss ? " or " : ", ";
      miss = arena_printf(L->a, "%s%s%s", miss, sep, sector_names[k]);
    }
  }
  Sym *ms = L->m->mission;
  Diagnostic *w = lint_warn(L, LINT_CROSS_ACTOR, name_span(ms),
                            "the actors of mission '%s' come from %d of the 5 sectors%s%s%s: a mission "
                            "must be cross-actor, with at least 3 sectors of the quadruple helix",
                            ms->name, nsectors, nsectors ? " (" : "", have, nsectors ? ")" : "");
  for (int k = 1; k < SECTOR_COUNT; k++)
    if (first[k]) diag_note(L->d, w, name_span(first[k]), "'%s' is %s", first[k]->name, sector_names[k]);
  diag_note(L->d, w, NO_SPAN, "involve actors of sector %s, e.g. as project partners", miss);
}

/* W0103: cross-disciplinary. */
static void lint_cross_disciplinary(Lint *L) {
  for (int i = 0; i < L->mine[DK_PROJECT].len; i++) {
    Sym *p = L->mine[DK_PROJECT].items[i];
    int n = p->project.ndisciplines;
    if (n >= 2) continue;
    Diagnostic *w;
    if (n == 0)
      w = lint_warn(L, LINT_CROSS_DISCIPLINARY, name_span(p),
                    "project '%s' names no discipline: projects must be cross-disciplinary, "
                    "spanning at least 2 disciplines", p->name);
    else
      w = lint_warn(L, LINT_CROSS_DISCIPLINARY, name_span(p),
                    "project '%s' spans 1 discipline (%s): projects must be cross-disciplinary, "
                    "spanning at least 2 disciplines", p->name, p->project.disciplines[0]);
    if (n) diag_note(L->d, w, attr_span(p, "disciplines"), "the disciplines of '%s'", p->name);
    diag_note(L->d, w, NO_SPAN, "list the disciplines the project brings together, e.g. "
                                "`disciplines engineering, social_science`");
  }
}

/* The first link of list to target, or NULL. */
static const Link *link_to(LinkList list, const Sym *target) {
  for (int i = 0; i < list.len; i++)
    if (list.items[i].target == target) return &list.items[i];
  return NULL;
}

/* Count the distinct projects that contribute to goal g, to one of its sub-goals or
 * to a goal that contributes to it with a positive weight (transitively), marking
 * projects and goals in L->seen with the current generation; depth guards against
 * cycles. *one is the last project counted. */
static int count_contributors(Lint *L, const Sym *g, Sym **one, int depth) {
  int n = 0;
  if (L->seen[g->index] == L->gen) return 0;
  L->seen[g->index] = L->gen;
  const PtrVec *in = &goal_in(L, g)->into;
  for (int i = 0; i < in->len; i++) {
    const Incoming *c = in->items[i];
    if (c->link->value < 0 || L->seen[c->project->index] == L->gen) continue;   /* a trade-off pursues nothing */
    L->seen[c->project->index] = L->gen;
    *one = c->project;
    n++;
  }
  if (depth > 64) return n;
  const PtrVec *subs = &goal_in(L, g)->subgoals;
  for (int i = 0; i < subs->len; i++) n += count_contributors(L, subs->items[i], one, depth + 1);
  const PtrVec *feeders = &goal_in(L, g)->feeders;
  for (int i = 0; i < feeders->len; i++) n += count_contributors(L, feeders->items[i], one, depth + 1);
  return n;
}

/* Number of distinct projects contributing to g (directly or through sub-goals);
 * *one is the project when there is exactly one. */
static int contributors(Lint *L, const Sym *g, Sym **one) {
  L->gen++;
  int n = count_contributors(L, g, one, 0);
  if (n != 1) *one = NULL;
  return n;
}

/* W0104: many bottom-up solutions (a goal with no contributor at all is
 * orphan-goal's, unless that lint is off). */
static void lint_bottom_up(Lint *L) {
  for (int i = 0; i < L->mine[DK_GOAL].len; i++) {
    Sym *g = L->mine[DK_GOAL].items[i];
    Sym *one;
    int n = contributors(L, g, &one);
    if (n >= 2 || (n == 0 && L->on[LINT_ORPHAN_GOAL])) continue;
    Diagnostic *w = lint_warn(L, LINT_BOTTOM_UP, name_span(g),
                              "goal '%s' has %d contributing project%s: a mission is pursued through "
                              "many bottom-up solutions, at least 2 projects per goal",
                              g->name, n, plural(n, "", "s"));
    if (one) {
      const Link *l = link_to(one->project.contributes, g);
      diag_note(L->d, w, l ? link_span(l) : name_span(one), "'%s' is its only project", one->name);
    }
    diag_note(L->d, w, NO_SPAN, "add projects with `contributes %s: WEIGHT`", g->name);
  }
}

/* Demand-pull: `push demand`, or public procurement with no `push`. */
static bool is_demand_side(const Sym *s) {
  return s->instrument.push == PUSH_DEMAND ||
         (s->instrument.push == PUSH_NONE && s->instrument.kind == IK_PROCUREMENT);
}

/* W0105: supply-push and demand-pull articulated. */
static void lint_demand_side(Lint *L) {
  int n = 0;
  for (int i = 0; i < L->mine[DK_INSTRUMENT].len; i++) {
    Sym *s = L->mine[DK_INSTRUMENT].items[i];
    if (is_demand_side(s)) return;
    n++;
  }
  Sym *ms = L->m->mission;
  Diagnostic *w;
  if (n == 0)
    w = lint_warn(L, LINT_DEMAND_SIDE, name_span(ms),
                  "mission '%s' has no instrument, so no demand-side one: a mission articulates "
                  "supply-push and demand-pull instruments", ms->name);
  else
    w = lint_warn(L, LINT_DEMAND_SIDE, name_span(ms),
                  "mission '%s' has no demand-side instrument (%d supply-side): a mission articulates "
                  "supply-push and demand-pull instruments", ms->name, n);
  for (int i = 0; i < L->mine[DK_INSTRUMENT].len; i++) {
    Sym *s = L->mine[DK_INSTRUMENT].items[i];
    diag_note(L->d, w, name_span(s), "'%s' is a %s %s", s->name, instr_kind_names[s->instrument.kind],
              s->instrument.push == PUSH_SUPPLY ? "pushing supply" : "with no `push`");
  }
  diag_note(L->d, w, NO_SPAN, "add an instrument with `push demand`, e.g. public procurement, "
                              "a prize, a standard or a regulation that creates a market");
}

/* Grants, loans, guarantees and equity: public money to a beneficiary. */
static bool is_public_money(InstrKind k) {
  return k == IK_GRANT || k == IK_LOAN || k == IK_GUARANTEE || k == IK_EQUITY;
}

/* The first private actor leading or partnering in project p, or NULL. */
static Sym *private_actor(const Sym *p) {
  if (p->project.lead && p->project.lead->actor.sector == SECTOR_PRIVATE) return p->project.lead;
  for (int i = 0; i < p->project.partners.len; i++) {
    Sym *a = p->project.partners.items[i];
    if (a && a->actor.sector == SECTOR_PRIVATE) return a;
  }
  return NULL;
}

/* W0106: conditionalities on public money that reaches private actors. */
static void lint_conditionality(Lint *L) {
  for (int i = 0; i < L->mine[DK_INSTRUMENT].len; i++) {
    Sym *s = L->mine[DK_INSTRUMENT].items[i];
    if (!is_public_money(s->instrument.kind) || s->instrument.requires.len > 0) continue;
    Diagnostic *w = NULL;
    for (int j = 0; j < L->mine[DK_PROJECT].len; j++) {
      Sym *p = L->mine[DK_PROJECT].items[j];
      const Link *l = link_to(p->project.funded_by, s);
      Sym *a = l ? private_actor(p) : NULL;
      if (!a) continue;
      if (!w)
        w = lint_warn(L, LINT_CONDITIONALITY, name_span(s),
                      "%s '%s' reaches private actor '%s' but requires no condition: public money "
                      "to business must come with conditionalities",
                      instr_kind_names[s->instrument.kind], s->name, a->name);
      diag_note(L->d, w, link_span(l), "it funds project '%s'", p->name);
      diag_note(L->d, w, name_span(a), "'%s' is private", a->name);
    }
    if (w)
      diag_note(L->d, w, NO_SPAN, "add `requires CONDITION`, e.g. a condition on emission cuts, "
                                  "tax residence or reinvested profits");
  }
}

/* W0107: engaging citizens. */
static void lint_citizens(Lint *L) {
  for (int i = 0; i < L->mine[DK_ACTOR].len; i++) {
    Sym *a = L->mine[DK_ACTOR].items[i];
    if (a->actor.sector == SECTOR_CITIZENS) return;
  }
  Sym *ms = L->m->mission;
  Diagnostic *w = lint_warn(L, LINT_CITIZENS, name_span(ms),
                            "mission '%s' has no actor of sector citizens: a mission must engage "
                            "citizens", ms->name);
  diag_note(L->d, w, NO_SPAN, "add an actor with `sector citizens` (a citizens' assembly, "
                              "residents, users) and involve it in a project");
}

/* How a declaration of each kind gets used, for W0108's hint. */
static const char *use_hint(DeclKind k) {
  switch (k) {
  case DK_ACTOR: return "name it as an owner, lead, partner, funder (`by`) or parent";
  case DK_INDICATOR: return "measure a goal with it or read it in a score";
  case DK_PHASE: return "place a milestone in it or order another phase `after` it";
  case DK_RECORD: return "write a condition or a score `on` it";
  case DK_CONDITION: return "make an instrument `require` it or use it in a rule";
  case DK_FN: return "call it in a formula";
  default: return "use it";
  }
}

/* W0108: declarations of the checked file that nothing refers to. */
static void lint_unused(Lint *L) {
  static const DeclKind kinds[] = {DK_ACTOR, DK_INDICATOR, DK_PHASE, DK_RECORD, DK_CONDITION, DK_FN};
  for (size_t k = 0; k < COUNT_OF(kinds); k++) {
    PtrVec *v = &L->m->by_kind[kinds[k]];
    for (int i = 0; i < v->len; i++) {
      Sym *s = v->items[i];
      if (s->imported || L->uses[s->index]) continue;
      Diagnostic *w = lint_warn(L, LINT_UNUSED, name_span(s), "%s '%s' is declared but never used",
                                decl_kind_names[s->kind], s->name);
      diag_note(L->d, w, NO_SPAN, "%s, or remove it", use_hint(s->kind));
    }
  }
  for (int i = 0; i < units_count(L->m->units); i++) {
    const Unit *u = units_at(L->m->units, i);
    if (u->imported || !u->decl || u->decl->span.file != L->m->main_file) continue;
    bool used = false;
    for (int j = 0; j < L->used_units.len && !used; j++) used = L->used_units.items[j] == u;
    if (used) continue;
    Diagnostic *w = lint_warn(L, LINT_UNUSED, u->decl->decl.name.span,
                              "unit '%s' is declared but never used", u->name);
    diag_note(L->d, w, NO_SPAN, "use it in a quantity, an indicator, a field or another unit, "
                                "or remove it");
  }
}

/* W0109: a goal no project works toward. */
static void lint_orphan_goal(Lint *L) {
  for (int i = 0; i < L->mine[DK_GOAL].len; i++) {
    Sym *g = L->mine[DK_GOAL].items[i];
    Sym *one;
    if (contributors(L, g, &one) > 0) continue;
    Diagnostic *w = lint_warn(L, LINT_ORPHAN_GOAL, name_span(g),
                              "no project contributes to goal '%s': every goal needs projects "
                              "that pursue it", g->name);
    diag_note(L->d, w, NO_SPAN, "add `contributes %s: WEIGHT` to the projects that pursue it",
              g->name);
  }
}

/* W0110: an instrument that funds no project (regulations and standards fund
 * nothing by nature and are exempt). */
static void lint_idle_instrument(Lint *L) {
  for (int i = 0; i < L->mine[DK_INSTRUMENT].len; i++) {
    Sym *s = L->mine[DK_INSTRUMENT].items[i];
    InstrKind k = s->instrument.kind;
    if (k == IK_REGULATION || k == IK_STANDARD) continue;
    if (L->funded[s->index]) continue;
    Diagnostic *w = lint_warn(L, LINT_IDLE_INSTRUMENT, name_span(s),
                              "%s '%s' funds or supports no project: every instrument of the "
                              "portfolio should reach projects", instr_kind_names[k], s->name);
    const Quantity *b = &s->instrument.budget;
    if (b->set && b->unit)
      diag_note(L->d, w, b->span, "its budget of %.15g %s reaches no project", b->value / b->unit->scale,
                b->unit->name);
    diag_note(L->d, w, NO_SPAN, "add `funded_by %s: AMOUNT` (or `funded_by %s`, or `supported_by %s`) "
              "to the projects it reaches, or remove it", s->name, s->name, s->name);
  }
}

/* W0111: a project that contributes to no goal. */
static void lint_idle_project(Lint *L) {
  for (int i = 0; i < L->mine[DK_PROJECT].len; i++) {
    Sym *p = L->mine[DK_PROJECT].items[i];
    if (p->project.contributes.len > 0) continue;
    Diagnostic *w = lint_warn(L, LINT_IDLE_PROJECT, name_span(p),
                              "project '%s' contributes to no goal: every project of the portfolio "
                              "should serve the mission's goals", p->name);
    diag_note(L->d, w, NO_SPAN, "add `contributes GOAL: WEIGHT` (a weight in [0, 1])");
  }
}

/* W0112: a goal's incoming positive contribution weights (projects and goals) sum to 1;
 * negative weights are trade-offs and stay out of the sum. */
static void lint_weights(Lint *L) {
  for (int i = 0; i < L->mine[DK_GOAL].len; i++) {
    Sym *g = L->mine[DK_GOAL].items[i];
    const PtrVec *in = &goal_in(L, g)->into, *feeders = &goal_in(L, g)->feeders;
    double sum = 0;
    int n = 0;
    for (int j = 0; j < in->len; j++) {
      double v = ((const Incoming *)in->items[j])->link->value;
      if (v > 0) sum += v, n++;
    }
    for (int j = 0; j < feeders->len; j++) {
      const Link *l = link_to(((const Sym *)feeders->items[j])->goal.contributes, g);
      if (l && l->value > 0) sum += l->value, n++;
    }
    if (n == 0 || fabs(sum - 1) <= 1e-9) continue;
    Diagnostic *w = lint_warn(L, LINT_WEIGHTS, name_span(g),
                              "the contribution weights into goal '%s' sum to %.15g, not 1: the "
                              "%s' shares of a goal should add up to the whole", g->name, sum,
                              feeders->len ? "contributors" : "projects");
    for (int j = 0; j < in->len; j++) {
      const Incoming *c = in->items[j];
      if (c->link->value > 0)
        diag_note(L->d, w, link_span(c->link), "'%s' contributes %.15g", c->project->name, c->link->value);
    }
    for (int j = 0; j < feeders->len; j++) {
      const Sym *f = feeders->items[j];
      const Link *l = link_to(f->goal.contributes, g);
      if (l) diag_note(L->d, w, link_span(l), "goal '%s' contributes %.15g", f->name, l->value);
    }
    diag_note(L->d, w, NO_SPAN, "adjust the weights so that they add up to 1");
  }
}

/* ------------------------------------------------------------------------ */
/* The results chain, reviews, risks and sources (R4, R5)                    */
/* ------------------------------------------------------------------------ */

/* W0115: an impact that nothing leads to, an output that leads nowhere. */
static void lint_results_chain(Lint *L) {
  for (int i = 0; i < L->mine[DK_GOAL].len; i++) {
    Sym *g = L->mine[DK_GOAL].items[i];
    Diagnostic *w;
    if (g->goal.level == GL_IMPACT && goal_in(L, g)->goal_into == 0 && goal_in(L, g)->subgoals.len == 0) {
      w = lint_warn(L, LINT_RESULTS_CHAIN, name_span(g),
                    "impact goal '%s' has no goal contributing to it and no sub-goal: the results "
                    "chain does not say how the mission reaches it", g->name);
      diag_note(L->d, w, attr_span(g, "level"), "'%s' is an impact", g->name);
      diag_note(L->d, w, NO_SPAN, "add `contributes %s: WEIGHT` to the outcome goals that lead to it, "
                                  "or give it sub-goals with `parent %s`", g->name, g->name);
    } else if (g->goal.level == GL_OUTPUT && g->goal.contributes.len == 0) {
      w = lint_warn(L, LINT_RESULTS_CHAIN, name_span(g),
                    "output goal '%s' contributes to no goal: the results chain does not say what "
                    "the output is for", g->name);
      diag_note(L->d, w, attr_span(g, "level"), "'%s' is an output", g->name);
      diag_note(L->d, w, NO_SPAN, "add `contributes GOAL: WEIGHT` naming the outcome it serves");
    }
  }
}

/* The first day three years after day `start` (29 February goes to 1 March). */
static int64_t three_years_after(int64_t start) {
  int y, m, d;
  date_from_days(start, &y, &m, &d);
  if (m == 2 && d == 29 && !date_valid(y + 3, 2, 29)) return date_days(y + 3, 3, 1);
  return date_days(y + 3, m, d);
}

/* W0116: a mission longer than three years plans no review or decision gate. */
static void lint_no_review(Lint *L) {
  Sym *ms = L->m->mission;
  const Period *p = &ms->mission.period;
  if (!p->set || p->end < three_years_after(p->start)) return;
  for (int i = 0; i < L->mine[DK_MILESTONE].len; i++) {
    const Sym *m = L->mine[DK_MILESTONE].items[i];
    if (m->milestone.kind == MK_REVIEW || m->milestone.kind == MK_DECISION) return;
  }
  Diagnostic *w = lint_warn(L, LINT_NO_REVIEW, name_span(ms),
                            "mission '%s' runs for more than 3 years (%lld days) with no review or "
                            "decision milestone: a mission learns and adapts along the way", ms->name,
                            (long long)(p->end - p->start + 1));
  diag_note(L->d, w, p->span, "the mission's period");
  diag_note(L->d, w, NO_SPAN, "add a milestone with `kind review` (or `kind decision` with `options`) "
                              "that says who reviews what, and when");
}

/* W0117: a likely risk with nothing against it. */
static void lint_unmitigated_risk(Lint *L) {
  for (int i = 0; i < L->mine[DK_RISK].len; i++) {
    Sym *r = L->mine[DK_RISK].items[i];
    if (r->risk.likelihood < 0.2 - 1e-12 || r->risk.mitigated_by.len > 0) continue;
    Diagnostic *w = lint_warn(L, LINT_UNMITIGATED_RISK, name_span(r),
                              "risk '%s' has a likelihood of %.15g%% and nothing mitigates it: a risk "
                              "of 20%% or more needs a response", r->name, r->risk.likelihood * 100);
    diag_note(L->d, w, attr_span(r, "likelihood"), "its likelihood");
    diag_note(L->d, w, NO_SPAN, "add `mitigated_by INSTRUMENT|PROJECT` naming what reduces it");
  }
}

/* Whether figures of s are sourced as a whole (its `sources`, or the mission's). */
static bool sourced_decl(Lint *L, const Sym *s) {
  return s->more->sources.len > 0 || (L->m->mission && L->m->mission->more->sources.len > 0);
}

/* One unsourced figure: "the baseline of goal 'cut' has no source". */
static void unsourced(Lint *L, const Sym *s, Span at, const char *what) {
  Diagnostic *w = lint_warn(L, LINT_UNSOURCED, at, "%s of %s '%s' has no source: every figure of a "
                            "mission says where it comes from", what, decl_kind_names[s->kind], s->name);
  diag_note(L->d, w, NO_SPAN, "end it with `per SOURCE`, or add `sources SOURCE` to '%s' (or to the "
                              "mission)", s->name);
}

static void unsourced_quantity(Lint *L, const Sym *s, const Quantity *q, const char *attr, const char *what) {
  if (q->set && !q->source) unsourced(L, s, attr_span(s, attr), what);
}

static void unsourced_links(Lint *L, const Sym *s, LinkList list, const char *fmt) {
  for (int i = 0; i < list.len; i++)
    if (!link_source(&list.items[i]) && list.items[i].target && list.items[i].has_value)
      unsourced(L, s, link_span(&list.items[i]), arena_printf(L->a, fmt, list.items[i].target->name));
}

/* W0118: in a file that has sources, every figure cites one. */
static void lint_unsourced(Lint *L) {
  if (L->m->by_kind[DK_SOURCE].len == 0) return;
  for (int k = 0; k < DK_COUNT; k++) {
    for (int i = 0; i < L->mine[k].len; i++) {
      const Sym *s = L->mine[k].items[i];
      if (sourced_decl(L, s)) continue;
      switch (s->kind) {
      case DK_MISSION: unsourced_quantity(L, s, &s->mission.budget, "budget", "the budget"); break;
      case DK_GOAL:
        unsourced_quantity(L, s, &s->goal.baseline, "baseline", "the baseline");
        unsourced_quantity(L, s, &s->goal.target, "target", "the target");
        break;
      case DK_MILESTONE: unsourced_links(L, s, s->milestone.expects, "the value expected for '%s'"); break;
      case DK_INSTRUMENT:
        unsourced_quantity(L, s, &s->instrument.budget, "budget", "the budget");
        unsourced_links(L, s, s->instrument.cofunded_by, "the co-funding by '%s'");
        break;
      case DK_PROJECT:
        unsourced_links(L, s, s->project.funded_by, "the funding by '%s'");
        unsourced_links(L, s, s->project.cofunded_by, "the co-funding by '%s'");
        break;
      default: break;
      }
    }
  }
}

/* ------------------------------------------------------------------------ */
/* Entry point                                                               */
/* ------------------------------------------------------------------------ */

/* Whether an error was reported in a file that this model reads (the checked file
 * or one that declares some of its declarations); `check a b` lints b even when a
 * has errors. */
static bool model_has_errors(Lint *L) {
  size_t nfiles = L->m->c->src->count;
  bool *reads = arena_alloc(L->a, (nfiles ? nfiles : 1) * sizeof *reads);
  if (L->m->main_file < nfiles) reads[L->m->main_file] = true;
  for (int i = 0; i < L->m->syms.len; i++) {
    const Sym *s = L->m->syms.items[i];
    if (sym_file(s) < nfiles) reads[sym_file(s)] = true;
  }
  for (int i = 0; i < L->d->list.len; i++) {
    const Diagnostic *g = L->d->list.items[i];
    if (g->sev == SEV_ERROR && g->span.file < nfiles && reads[g->span.file]) return true;
  }
  return false;
}

/* ------------------------------------------------------------------------ */
/* Acknowledged warnings: `allow CODE: "reason"`                              */
/* ------------------------------------------------------------------------ */

/* The -W name of a warning code (as written in an `allow`), or NULL. */
static const char *code_option(const char *code) {
  for (int i = 0; i < LINT_COUNT; i++)
    if (strcmp(diag_code_text(lint_codes[i]), code) == 0) return lint_names[i];
  for (size_t i = 0; i < COUNT_OF(other_codes); i++)
    if (strcmp(diag_code_text(other_codes[i]), code) == 0) return other_options[i];
  return NULL;
}

/* Mission-wide lints: an `allow` on the mission covers them wherever they point. */
static bool mission_wide(DiagCode code) {
  static const DiagCode codes[] = {W0101, W0102, W0105, W0107};
  for (size_t i = 0; i < COUNT_OF(codes); i++)
    if (codes[i] == code) return true;
  return false;
}

/* The `allow` entry of s for code, or NULL. */
static Allow *allow_of(Sym *s, const char *code) {
  for (int i = 0; s && i < s->more->allows.len; i++)
    if (strcmp(s->more->allows.items[i].code, code) == 0) return &s->more->allows.items[i];
  return NULL;
}

/* The `allow` that covers warning g: on the declaration that holds its location,
 * or on the mission for a mission-wide lint. */
static Allow *allow_for(Model *m, const Diagnostic *g) {
  const char *code = diag_code_text(g->code);
  if (mission_wide(g->code) && allow_of(m->mission, code)) return allow_of(m->mission, code);
  for (int i = 0; i < m->syms.len; i++) {
    Sym *s = m->syms.items[i];
    if (!s->more->allows.len || !s->decl || s->decl->span.file != g->span.file) continue;
    if (g->span.start < s->decl->span.start || g->span.end > s->decl->span.end) continue;
    Allow *a = allow_of(s, code);
    if (a) return a;
  }
  return NULL;
}

/* Move the warnings that an `allow` covers to d->allowed, with their reason. */
static void apply_allows(Model *m, Diag *d) {
  int kept = 0;
  for (int i = 0; i < d->list.len; i++) {
    Diagnostic *g = d->list.items[i];
    Allow *a = g->sev == SEV_WARNING && g->span.file != NO_FILE ? allow_for(m, g) : NULL;
    if (!a) {
      d->list.items[kept++] = g;
      continue;
    }
    a->used++;
    g->allowed = a->reason;
    d->warnings--;
    vec_push(d->arena, &d->allowed, g);
  }
  d->list.len = kept;
}

/* W0119: an `allow` of the checked file that silences nothing (unless its warning
 * is switched off on the command line). */
static void lint_unused_allows(Lint *L, const char *const *flags, int nflags) {
  if (option_disabled("unused-allow", flags, nflags)) return;
  for (int i = 0; i < L->m->syms.len; i++) {
    Sym *s = L->m->syms.items[i];
    for (int j = 0; !s->imported && j < s->more->allows.len; j++) {
      Allow *a = &s->more->allows.items[j];
      const char *opt = code_option(a->code);
      if (a->used || (opt && option_disabled(opt, flags, nflags))) continue;
      Diagnostic *w = diag_warning(L->d, a->span, W0119, "unused-allow",
                                   "'allow %s' on %s '%s' silences nothing: no %s warning is reported there",
                                   a->code, decl_kind_names[s->kind], s->name, a->code);
      diag_note(L->d, w, NO_SPAN, "remove the 'allow', or move it to the declaration that the warning "
                                  "points at");
    }
  }
}

/* Give each goal of the model its place in L->goals (the rest share the sink at 0). */
static void number_goals(Lint *L, size_t n) {
  L->goal_no = arena_alloc(L->a, n * sizeof *L->goal_no);
  int ngoals = 0;
  for (int i = 0; i < L->m->syms.len; i++) {
    const Sym *s = L->m->syms.items[i];
    if (s->kind == DK_GOAL) L->goal_no[s->index] = ++ngoals;
  }
  L->goals = arena_alloc(L->a, (size_t)(ngoals + 1) * sizeof *L->goals);
}

void lint_run(Model *m, const char *const *flags, int nflags) {
  Diag *d = m->c->diag;
  Lint L = {.m = m, .d = d, .a = m->c->arena};
  lint_apply_flags(&L, flags, nflags);
  suppress_other_warnings(d, flags, nflags);
  if (!m->mission || model_has_errors(&L)) {
    apply_allows(m, d);
    return;
  }
  size_t n = (size_t)(m->syms.len ? m->syms.len : 1);
  L.in_mission = arena_alloc(L.a, n * sizeof *L.in_mission);
  L.uses = arena_alloc(L.a, n * sizeof *L.uses);
  L.seen = arena_alloc(L.a, n * sizeof *L.seen);
  L.funded = arena_alloc(L.a, n * sizeof *L.funded);
  number_goals(&L, n);
  find_mine(&L);
  index_contributions(&L);
  count_uses(&L);
  collect_unit_uses(&L);
  for (int i = 0; i < LINT_COUNT; i++)
    if (L.on[i]) lint_fns[i](&L);
  apply_allows(m, d);
  lint_unused_allows(&L, flags, nflags);
}
