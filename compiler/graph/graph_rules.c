/* graph_rules.c - the dataflow of the evaluators.
 *
 * Inputs on the left (indicators, the row's date, the fields of each record in a
 * cluster, goals as constants), one node per call of a function in each rule (user
 * fns and built-ins), scores and conditions on the right. Operators are folded into
 * the call or rule that consumes them; every edge is labelled with the unit (or
 * bool, date) of the value it carries.
 */
#include "graph_int.h"

typedef struct Flow {
  GB *b;
  const Sym *rule;       /* the rule being walked */
  int calls;             /* call nodes so far in this rule */
} Flow;

/* An edge t -> h, once per pair. */
static Agedge_t *flow_edge(GB *b, Agnode_t *t, Agnode_t *h, const char *unit, EdgeStyle es) {
  if (!t || !h || agedge(b->g, t, h, NULL, 0)) return NULL;
  return gb_edge(b, t, h, unit, es);
}

static Agnode_t *indicator_node(GB *b, const Sym *s) {
  Agnode_t *n = gb_find(b, s);
  if (n) return n;
  n = gb_node(b, NULL, s->name, s, &style_indicator);
  if (!n) return NULL;
  Label l = label_new(b);
  label_title(&l, sym_title(s), 26);
  label_line(&l, 0, "%s : %s", s->name, s->indicator.unit ? s->indicator.unit->name : "?");
  label_set(b, n, &l);
  return n;
}

static Agnode_t *date_node(GB *b) {
  Agnode_t *n = agnode(b->g, "date()", 0);
  if (n) return n;
  n = gb_node(b, NULL, "date()", NULL, &style_input);
  Label l = label_new(b);
  label_title(&l, "date", 0);
  label_line(&l, 0, "the row's date");
  label_set(b, n, &l);
  return n;
}

/* The node of field `index` of record r, inside the record's cluster. */
static Agnode_t *field_node(GB *b, const Sym *r, int index) {
  if (!r || index < 0 || index >= r->record.nfields) return NULL;
  const Field *f = &r->record.fields[index];
  const char *name = arena_printf(b->a, "%s.%s", r->name, f->name);
  Agnode_t *n = agnode(b->g, (char *)name, 0);
  if (n || !gb_kept(b, r)) return n;
  const char *cname = arena_printf(b->a, "cluster_%s", r->name);
  Agraph_t *c = agsubg(b->g, (char *)cname, 0);
  if (!c) c = gb_cluster(b, NULL, cname, arena_printf(b->a, "record %s", sym_title(r)), "#888888", "#f7f7f7");
  n = gb_node(b, c, name, r, &style_field);
  Label l = label_new(b);
  label_title(&l, f->name, 0);
  label_line(&l, 0, "%s", fmt_type(b->m, &f->type));
  label_set(b, n, &l);
  return n;
}

static Agnode_t *goal_node(GB *b, const Sym *g) {
  Agnode_t *n = gb_find(b, g);
  if (n) return n;
  n = gb_node(b, NULL, g->name, g, &style_goal_const);
  if (!n) return NULL;
  Label l = label_new(b);
  label_title(&l, sym_title(g), 26);
  label_line(&l, 0, "goal: %s → %s by %s", fmt_qty(b->a, g->goal.baseline.value, g->goal.baseline.unit),
             fmt_quantity(b->a, &g->goal.target), fmt_date(b->a, g->goal.deadline, true));
  label_set(b, n, &l);
  return n;
}

static const char *rule_type(GB *b, const Sym *s) {
  if (s->rule.unit) return s->rule.unit->name;
  return fmt_type(b->m, &s->rule.type);
}

static Agnode_t *rule_node(GB *b, const Sym *s) {
  const NodeStyle *st = s->kind == DK_CONDITION ? &style_condition : &style_score;
  Agnode_t *n = gb_node(b, NULL, s->name, s, st);
  if (!n) return NULL;
  Label l = label_new(b);
  label_title(&l, sym_title(s), 26);
  label_line(&l, 0, "%s%s%s : %s%s%s", decl_kind_names[s->kind], sym_title_text(s) ? " " : "", sym_title_text(s) ? s->name : "",
             rule_type(b, s), s->rule.on ? " on " : "", s->rule.on ? s->rule.on->name : "");
  label_set(b, n, &l);
  return n;
}

/* A node for one call inside the current rule. */
static Agnode_t *call_node(Flow *f, const Node *n, const ExprSem *e) {
  GB *b = f->b;
  const char *name = arena_printf(b->a, "%s.call%d", f->rule->name, ++f->calls);
  bool fn = e->form == EX_CALL_FN;
  Agnode_t *c = gb_node(b, NULL, name, NULL, fn ? &style_fn : &style_call);
  if (!c) return NULL;
  if (fn) gb_rec(c)->about = e->ref;
  const char *what = fn && e->ref ? e->ref->name : builtin_names[e->builtin];
  const char *goal = "";
  for (int i = 0; i < n->call.args.len; i++) {
    const ExprSem *a = expr_sem(n->call.args.items[i]);
    if (a && a->form == EX_GOAL && a->ref) goal = a->ref->name;
  }
  Label l = label_new(b);
  label_title(&l, *goal ? arena_printf(b->a, "%s(%s)", what, goal) : what, 0);
  if (fn) label_line(&l, 0, "fn");
  label_set(b, c, &l);
  return c;
}

static void walk(Flow *f, const Node *n, Agnode_t *sink);

static void walk_children(Flow *f, const Node *n, Agnode_t *sink) {
  for (int i = 0; i < ast_expr_kids(n); i++) walk(f, ast_expr_kid(n, i), sink);
}

/* Connect the inputs that expression n reads to sink (a call or the rule). */
static void walk(Flow *f, const Node *n, Agnode_t *sink) {
  GB *b = f->b;
  if (!n) return;
  const ExprSem *e = expr_sem(n);
  if (!e) {
    walk_children(f, n, sink);
    return;
  }
  switch (e->form) {
  case EX_INDICATOR: flow_edge(b, indicator_node(b, e->ref), sink, fmt_type(b->m, &e->type), ES_ARROW); break;
  case EX_DATE_INPUT: flow_edge(b, date_node(b), sink, "date", ES_ARROW); break;
  case EX_FIELD:
    flow_edge(b, field_node(b, f->rule->rule.on, e->index), sink, fmt_type(b->m, &e->type), ES_ARROW);
    break;
  case EX_RULE:
    if (e->ref) flow_edge(b, gb_find(b, e->ref), sink, rule_type(b, e->ref), ES_ARROW);
    break;
  case EX_GOAL:
    if (e->ref && e->ref->kind == DK_GOAL) {
      const Sym *ind = e->ref->goal.indicator;
      flow_edge(b, goal_node(b, e->ref), sink, "goal", ES_DASHED);
      if (ind) flow_edge(b, indicator_node(b, ind), sink, ind->indicator.unit ? ind->indicator.unit->name : NULL,
                         ES_ARROW);
    }
    break;
  case EX_CONST:
    if (e->ref && e->ref->kind == DK_GOAL)
      flow_edge(b, goal_node(b, e->ref), sink, fmt_type(b->m, &e->type), ES_DASHED);
    break;
  case EX_CALL_FN:
  case EX_BUILTIN: {
    Agnode_t *c = call_node(f, n, e);   /* numbered in both builds alike, drawn or not */
    flow_edge(b, c, sink, fmt_type(b->m, &e->type), ES_ARROW);
    walk_children(f, n, c);
    break;
  }
  default: walk_children(f, n, sink); break;
  }
}

void graph_build_rules(GB *b) {
  gb_open(b, "dot", "LR");
  gb_title(b, "rules: dataflow from indicators, record fields and goals through functions to scores and "
              "conditions; edges carry units");
  gb_set(b->g, "nodesep", "0.15");
  gb_set(b->g, "ranksep", "0.5");
  static const DeclKind kinds[] = {DK_SCORE, DK_CONDITION};
  for (int k = 0; k < 2; k++) GB_EACH(b, kinds[k], s) rule_node(b, s);
  for (int k = 0; k < 2; k++) {
    GB_EACH(b, kinds[k], s) {
      /* walked even when --focus leaves the rule out: its calls and inputs may be kept */
      Flow f = {b, s, 0};
      walk(&f, s->rule.body, gb_find(b, s));
    }
  }
}
