/* test_explain.c - the traced interpreter (explain.h): the tree's root is the
 * interpreter's value bit for bit, every node has the value of its operation, and the
 * terms of a score (sums through weights, fns and rules; min; max) add up and point
 * at the term that pulled the score down. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "compiler.h"
#include "explain.h"
#include "interp.h"
#include "parse.h"

static Compiler *cc;
static Model *model;

static void setup(void) { cc = compiler_new(); }
static void teardown(void) { compiler_free(cc); }

/* Parse and check a mission held in memory; fails the test on an error. */
static void load(const char *text) {
  uint32_t id = src_add(cc->src, "t.mission", text, strlen(text));
  Node *root = parse_file(cc->arena, cc->names, cc->diag, cc->src, id);
  model = check_program(cc, root);
  if (diag_error_count(cc->diag) > 0) {
    DiagRenderOptions o = {0};
    diag_render(cc->diag, stderr, &o);
    cr_fatal("the test program has errors");
  }
}

static const RuleSig *sig_of(const char *name) {
  Sym *s = model_lookup(model, intern_cstr(cc->names, name));
  cr_assert(s != NULL, "no rule '%s'", name);
  RuleSig *sig = arena_alloc(cc->arena, sizeof *sig);
  const char *why = NULL;
  cr_assert(rule_sig(cc->arena, s, sig, &why), "rule '%s': %s", name, why);
  return sig;
}

/* Explain rule `name` on a row and check its root against the plain interpreter. */
static const Explanation *explain(const char *name, const double *row) {
  const RuleSig *sig = sig_of(name);
  const Explanation *e = explain_row(cc->arena, model, sig, row);
  Interp *ip = interp_new(sig);
  double plain = interp_eval_row(ip, row);
  interp_free(ip);
  cr_assert(memcmp(&plain, &e->result, sizeof plain) == 0 || (isnan(plain) && isnan(e->result)),
            "%s: explain %.17g, interpreter %.17g", name, e->result, plain);
  return e;
}

/* Every operator node's value follows from its children's. */
static void check_ops(const ExplainNode *x) {
  for (int k = 0; k < x->nkids; k++) check_ops(x->kids[k]);
  if (x->kind != XK_OPERATOR || x->node->kind != ND_BINARY || x->nkids != 2) return;
  double a = x->kids[0]->value, b = x->kids[1]->value, want = NAN;
  switch (x->node->binary.op) {
  case OP_ADD: want = a + b; break;
  case OP_SUB: want = a - b; break;
  case OP_MUL: want = a * b; break;
  case OP_DIV: want = a / b; break;
  default: return;
  }
  cr_assert(x->value == want || (isnan(want) && isnan(x->value)), "a node's value %.17g is not %.17g", x->value,
            want);
}

static const char *mission =
    "unit city\n"
    "unit t\n"
    "indicator neutral { unit city }\n"
    "indicator ghg { unit t }\n"
    "indicator share { unit % }\n"
    "goal hundred { indicator neutral; baseline 0 city at 2021; target 100 city by 2030 }\n"
    "goal cut { indicator ghg; baseline 120 t at 2019; target 0 t by 2030 }\n"
    "goal renew { indicator share; baseline 20% at 2021; target 60% by 2030 }\n"
    "fn wmean2(a, wa, b, wb) = (a * wa + b * wb) / (wa + wb)\n"
    "fn norm(x, lo, hi) = clamp((x - lo) / (hi - lo), 0, 1)\n"
    "score sum3 = 0.5 * progress(hundred) + 0.3 * progress(cut) + 0.2 * progress(renew)\n"
    "score mean = wmean2(progress(hundred), 2, norm(share, 20%, 60%), 1)\n"
    "score worst = min(progress(hundred), min(progress(cut), progress(renew)))\n"
    "score best = max(progress(hundred), progress(cut))\n"
    "score scaled = 100 * sum3\n"
    "score single = progress(cut)\n"
    "score diff = progress(hundred) - 0.5 * progress(cut)\n";

/* neutral 45 city, ghg 80 t, share 42.5% */
static const double row[] = {45, 80, 42.5};

Test(explain, root_and_nodes, .init = setup, .fini = teardown) {
  load(mission);
  const char *rules[] = {"sum3", "mean", "worst", "best", "scaled", "single", "diff"};
  for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
    const RuleSig *sig = sig_of(rules[i]);
    double in[3];
    for (int k = 0; k < sig->ninputs; k++)
      in[k] = strcmp(sig->inputs[k].name, "neutral") == 0 ? 45 : strcmp(sig->inputs[k].name, "ghg") == 0 ? 80 : 42.5;
    const Explanation *e = explain(rules[i], in);
    check_ops(e->root);
  }
}

/* Terms of rule `name` (inputs in the order of `row` by name). */
static ExplainTerms terms_of(const char *name) {
  const RuleSig *sig = sig_of(name);
  double in[3];
  for (int k = 0; k < sig->ninputs; k++)
    in[k] = strcmp(sig->inputs[k].name, "neutral") == 0 ? row[0] : strcmp(sig->inputs[k].name, "ghg") == 0 ? row[1] : row[2];
  return explain_terms(cc->arena, explain(name, in));
}

Test(explain, weighted_sum, .init = setup, .fini = teardown) {
  load(mission);
  ExplainTerms t = terms_of("sum3");
  cr_assert(eq(int, t.kind, TERMS_SUM));
  cr_assert(eq(int, t.n, 3));
  double total = 0;
  for (int k = 0; k < t.n; k++) total += t.items[k].contribution;
  cr_assert(ieee_ulp_eq(dbl, total, 0.5 * 0.45 + 0.3 * (40.0 / 120.0) + 0.2 * 0.5625, 4));
  cr_assert(ieee_ulp_eq(dbl, t.items[0].weight, 0.5, 0));
  cr_assert(eq(str, (char *)t.items[1].goal->name, "cut"));
  /* shortfalls: 0.5 * 0.55 = 0.275, 0.3 * 0.6667 = 0.2, 0.2 * 0.4375 = 0.0875 */
  cr_assert(eq(int, t.worst, 0));
  cr_assert(t.items[2].has_shortfall);
  cr_assert(ieee_ulp_eq(dbl, t.items[2].shortfall, 0.2 * (1 - 0.5625), 4));
}

Test(explain, weighted_mean_through_fns, .init = setup, .fini = teardown) {
  load(mission);
  ExplainTerms t = terms_of("mean");
  cr_assert(eq(int, t.kind, TERMS_SUM));
  cr_assert(eq(int, t.n, 2));
  cr_assert(ieee_ulp_eq(dbl, t.items[0].weight, 2.0 / 3.0, 4));
  cr_assert(ieee_ulp_eq(dbl, t.items[1].weight, 1.0 / 3.0, 4));
  /* the second term is norm(share, ...): the argument, not the parameter `b` */
  cr_assert(eq(int, t.items[1].node->kind, XK_CALL));
  cr_assert(eq(str, (char *)t.items[1].goal->name, "renew"));   /* by the indicator it reads */
  cr_assert(t.items[1].has_shortfall);                         /* clamp(..., 0, 1): best 1 */
}

Test(explain, min_and_max, .init = setup, .fini = teardown) {
  load(mission);
  ExplainTerms t = terms_of("worst");
  cr_assert(eq(int, t.kind, TERMS_MIN));
  cr_assert(eq(int, t.n, 3));   /* nested min flattened */
  cr_assert(eq(int, t.worst, 1));
  cr_assert(t.items[1].binding);
  cr_assert(eq(str, (char *)t.items[1].goal->name, "cut"));
  t = terms_of("best");
  cr_assert(eq(int, t.kind, TERMS_MAX));
  cr_assert(eq(int, t.worst, -1));
  cr_assert(t.items[0].binding);
}

Test(explain, through_rules_and_signs, .init = setup, .fini = teardown) {
  load(mission);
  ExplainTerms t = terms_of("scaled");
  cr_assert(eq(int, t.kind, TERMS_SUM));
  cr_assert(eq(int, t.n, 3));
  cr_assert(ieee_ulp_eq(dbl, t.items[0].weight, 50, 4));
  t = terms_of("diff");
  cr_assert(eq(int, t.n, 2));
  cr_assert(ieee_ulp_eq(dbl, t.items[1].weight, -0.5, 4));
  cr_assert(not(t.items[1].has_shortfall));   /* a negative weight: no best value known */
  t = terms_of("single");
  cr_assert(eq(int, t.kind, TERMS_NONE));
}
