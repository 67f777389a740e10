/* filetest.c - the tests of a mission file, run on every engine.
 *
 * Each `expect RULE: VALUE` of a test is one row: the test's `given` values in the
 * rule's input order (interp.h's signature, in the inputs' declared units), evaluated
 * by the reference interpreter and by the JIT (all expected rules compiled into one
 * module). A value matches when it equals the expected one, or lies within the test's
 * relative tolerance of it; booleans and dates match exactly.
 */
#include "filetest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Core.h>

#include "codegen.h"
#include "interp.h"
#include "jit.h"
#include "util.h"

typedef double (*RowFn)(const double *in);

/* The rules some test expects, each once, with their signatures. */
typedef struct Rules {
  const Sym **syms;
  RuleSig *sigs;
  const RuleSig **sigp;
  RowFn *jit;
  int n;
} Rules;

/* The tests of the checked file that passed the checker. */
static bool runnable(const Model *m, const Sym *s) {
  return s->kind == DK_TEST && !s->imported && sym_file(s) == m->main_file && s->test.ok;
}

/* Collect the rules the tests expect and their signatures. */
static void collect_rules(Model *m, Arena *a, Rules *r) {
  int cap = 0;
  for (int i = 0; i < m->syms.len; i++) {
    const Sym *s = m->syms.items[i];
    if (runnable(m, s)) cap += s->test.nexpect;
  }
  r->syms = arena_alloc(a, sizeof *r->syms * (size_t)(cap + 1));
  r->sigs = arena_alloc(a, sizeof *r->sigs * (size_t)(cap + 1));
  r->sigp = arena_alloc(a, sizeof *r->sigp * (size_t)(cap + 1));
  r->jit = arena_alloc(a, sizeof *r->jit * (size_t)(cap + 1));
  for (int i = 0; i < m->syms.len; i++) {
    const Sym *s = m->syms.items[i];
    if (!runnable(m, s)) continue;
    for (int j = 0; j < s->test.nexpect; j++) {
      const Sym *rule = s->test.expect[j].sym;
      bool seen = false;
      for (int k = 0; k < r->n && !seen; k++) seen = r->syms[k] == rule;
      const char *why;
      if (seen || !rule_sig(a, rule, &r->sigs[r->n], &why)) continue;
      r->syms[r->n] = rule;
      r->sigp[r->n] = &r->sigs[r->n];
      r->n++;
    }
  }
}

/* Compile the rules' row functions in the JIT. */
static int compile_rules(Jit *jit, Rules *r, char **err) {
  if (r->n == 0) return 0;
  CgOptions o = {.prefix = "missionc_test", .row = true, .vmath = (CgVmath)vm_family()};   /* run here */
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = cg_module(ctx, "tests", r->sigp, r->n, &o);
  jit_prepare_module(jit, mod);
  if (jit_add_module(jit, mod, ctx, err) != 0) return -1;
  for (int i = 0; i < r->n; i++) {
    char sym[512];
    r->jit[i] = (RowFn)jit_lookup_func(jit, cg_symbol_name(&o, r->syms[i], "", sym, sizeof sym), err);
    if (!r->jit[i]) return -1;
  }
  return 0;
}

/* The row of a test for a rule's signature: each input from the test's `given`. */
static void test_row(const Sym *t, const RuleSig *sig, double *in) {
  for (int i = 0; i < sig->ninputs; i++) {
    const RuleInput *ri = &sig->inputs[i];
    in[i] = 0;
    for (int j = 0; j < t->test.ngiven; j++) {
      const TestItem *g = &t->test.given[j];
      bool match = ri->field >= 0 ? g->field == ri->field : ri->indicator ? g->sym == ri->indicator : g->date;
      if (match) in[i] = g->value / ri->scale;
    }
  }
}

/* Whether a value (base units) is the expected one. */
static bool matches(const Sym *t, const TestItem *x, double got) {
  double want = x->value;
  if (isnan(want) || isnan(got)) return isnan(want) && isnan(got);
  if (got == want) return true;
  if (x->type.kind != TY_NUM || t->test.within <= 0) return false;
  double tol = t->test.within * (want != 0 ? fabs(want) : 1);
  return fabs(got - want) <= tol;
}

/* A value (base units) as the expected one is written: in its unit, a bool or a date. */
static const char *show(Arena *a, const TestItem *x, double v) {
  if (x->type.kind == TY_BOOL) return v != 0 ? "true" : "false";
  if (x->type.kind == TY_DATE) {
    int y, mo, d;
    date_from_days((int64_t)floor(v), &y, &mo, &d);
    return arena_printf(a, "%04d-%02d-%02d", y, mo, d);
  }
  const Unit *u = x->type.unit;
  if (!u || u->scale <= 0 || strcmp(u->name, "1") == 0) return arena_printf(a, "%.15g", v);
  if (strcmp(u->name, "%") == 0) return arena_printf(a, "%.15g%%", v / u->scale);
  return arena_printf(a, "%.15g %s", v / u->scale, u->name);
}

/* Run one test; its failures go to res->failure. */
static void run_test(Model *m, Arena *a, const Rules *r, Interp **ips, const Sym *t, TestResult *res) {
  res->test = t;
  res->passed = true;
  const char *failure = "";
  for (int j = 0; j < t->test.nexpect; j++) {
    const TestItem *x = &t->test.expect[j];
    int k = 0;
    while (k < r->n && r->syms[k] != x->sym) k++;
    int line, col;
    src_linecol(m->c->src, x->span.file, x->span.start, &line, &col);
    const char *where = arena_printf(a, "%s:%d:%d", src_file(m->c->src, x->span.file)->path, line, col);
    if (k == r->n) {
      failure = arena_printf(a, "%s  %s: '%s' cannot be evaluated\n", failure, where, x->name);
      res->passed = false;
      continue;
    }
    const RuleSig *sig = &r->sigs[k];
    double *in = arena_alloc(a, sizeof *in * (size_t)(sig->ninputs + 1));
    test_row(t, sig, in);
    double vi = interp_eval_row(ips[k], in) * sig->result_scale;
    double vj = r->jit[k](in) * sig->result_scale;
    bool oki = matches(t, x, vi), okj = matches(t, x, vj);
    if (oki && okj) continue;
    res->passed = false;
    const char *want = arena_printf(a, "%s%s", show(a, x, x->value),
                                    t->test.within > 0 && x->type.kind == TY_NUM
                                        ? arena_printf(a, " within %.15g", t->test.within) : "");
    if (!oki && !okj && (vi == vj || (isnan(vi) && isnan(vj))))
      failure = arena_printf(a, "%s  %s: %s: expected %s, got %s (interpreter and jit)\n", failure, where,
                             x->name, want, show(a, x, vi));
    else
      failure = arena_printf(a, "%s  %s: %s: expected %s, got %s (interpreter), %s (jit)\n", failure, where,
                             x->name, want, show(a, x, vi), show(a, x, vj));
  }
  res->failure = failure;
}

int filetest_run(Model *m, TestReport *out, char **err) {
  Arena *a = m->c->arena;
  memset(out, 0, sizeof *out);
  Rules r = {0};
  collect_rules(m, a, &r);
  int ntests = 0;
  for (int i = 0; i < m->syms.len; i++) ntests += runnable(m, m->syms.items[i]);
  out->items = arena_alloc(a, sizeof *out->items * (size_t)(ntests + 1));
  if (ntests == 0) return 0;
  Jit *jit = jit_new(NULL, err);
  if (!jit) return -1;
  if (compile_rules(jit, &r, err) != 0) {
    jit_free(jit);
    return -1;
  }
  Interp **ips = arena_alloc(a, sizeof *ips * (size_t)(r.n + 1));
  for (int k = 0; k < r.n; k++) ips[k] = interp_new(&r.sigs[k]);
  for (int i = 0; i < m->syms.len; i++) {
    const Sym *s = m->syms.items[i];
    if (runnable(m, s)) run_test(m, a, &r, ips, s, &out->items[out->len++]);
  }
  for (int k = 0; k < r.n; k++) interp_free(ips[k]);
  jit_free(jit);
  return 0;
}
