/* test_codegen.c - rules compiled through LLVM: the semantics of every operation
 * against the reference interpreter and against values worked out by hand, the
 * batch kernels' tails, fused rule sets, the row functions and input names of the
 * ahead-of-time module, the IR's shape, the C header. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Core.h>

#include "check.h"
#include "codegen.h"
#include "vmath.h"
#include "compiler.h"
#include "eval.h"
#include "interp.h"
#include "jit.h"
#include "parse.h"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static Compiler *cc;
static Model *model;

static void setup(void) {
  setenv("MISSIONC_CACHE", "0", 1);
  cc = compiler_new();
}

static void teardown(void) { compiler_free(cc); }

/* Parse and check a mission file held in memory; fails the test on an error. */
static Model *load(const char *text) {
  uint32_t id = src_add(cc->src, "t.mission", text, strlen(text));
  Node *root = parse_file(cc->arena, cc->names, cc->diag, cc->src, id);
  Model *m = check_program(cc, root);
  if (diag_error_count(cc->diag) > 0) {
    DiagRenderOptions o = {0};
    diag_render(cc->diag, stderr, &o);
    cr_fatal("the test program has errors");
  }
  model = m;
  return m;
}

static const RuleSig *sig_of(const char *name) {
  Sym *s = model_lookup(model, intern_cstr(cc->names, name));
  cr_assert(s != NULL, "no rule '%s'", name);
  RuleSig *sig = arena_alloc(cc->arena, sizeof *sig);
  const char *why = NULL;
  cr_assert(rule_sig(cc->arena, s, sig, &why), "rule '%s': %s", name, why);
  return sig;
}

/* Same double, bit for bit, or both NaN. */
static bool same(double a, double b) {
  return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

/* Evaluate one rule on n rows with an engine; cols in the rule's input order. */
static void run(Engine engine, const RuleSig *sig, size_t n, const double *const *cols, double *out) {
  EvalOptions o;
  eval_options_init(&o);
  o.engine = engine;
  o.threads = 1;
  char *err = NULL;
  RuleSet *rs = ruleset_new(&sig, 1, &o, &err);
  cr_assert(rs != NULL, "%s", err ? err : "");
  double *outs[1] = {out};
  ruleset_eval(rs, n, cols, outs);
  ruleset_free(rs);
}

/* The rule on one row, by the JIT and by the interpreter, which must agree. */
static double row(const char *rule, const double *in) {
  const RuleSig *sig = sig_of(rule);
  const double *cols[16];
  for (int i = 0; i < sig->ninputs; i++) cols[i] = &in[i];
  double a = -12345, b = -6789;
  run(ENGINE_JIT, sig, 1, cols, &a);
  run(ENGINE_INTERP, sig, 1, cols, &b);
  cr_assert(same(a, b), "%s: jit %.17g, interpreter %.17g", rule, a, b);
  return a;
}

#define ROW(rule, ...) row(rule, (const double[]){__VA_ARGS__})

static void expect(double got, double want) {
  cr_assert(same(got, want), "got %.17g, expected %.17g", got, want);
}

/* ------------------------------------------------------------------------
 * Semantics, one operation at a time
 * ------------------------------------------------------------------------ */

static const char *const record_src =
    "record r {\n"
    "  a 1\n"
    "  b 1\n"
    "  c 1\n"
    "  p %\n"
    "  flag bool\n"
    "  when date\n"
    "}\n"
    "score s_min on r = min(a, b)\n"
    "score s_max on r = max(a, b)\n"
    "score s_clamp on r = clamp(a, b, c)\n"
    "score s_div on r = a / b\n"
    "score s_pow on r = a ^ b\n"
    "score s_pow2 on r = pow(2, a)\n"
    "score s_exp on r = exp(a)\n"
    "score s_log on r = log(a)\n"
    "score s_sqrt on r = sqrt(a)\n"
    "score s_abs on r = abs(a)\n"
    "score s_round on r = round(a)\n"
    "score s_floor on r = floor(a)\n"
    "score s_ceil on r = ceil(a)\n"
    "score s_neg on r = -a\n"
    "score s_pct on r : % = p\n"
    "score s_pct_base on r = p\n"
    "condition c_flag on r = flag\n"
    "condition c_not on r = not flag\n"
    "condition c_and on r = flag and a > b\n"
    "condition c_or on r = flag or a > b\n"
    "condition c_eq on r = a == b\n"
    "condition c_ne on r = a != b\n"
    "condition c_lt on r = a < b\n"
    "condition c_ge on r = a >= b\n"
    "score s_if on r = if a > b then a else b\n"
    "score s_day on r = when + 30 day\n"
    "score s_days on r = when - 2020-01-01\n";

Test(semantics, min_max_follow_the_definitions_with_nan_and_zeros, .init = setup, .fini = teardown) {
  load(record_src);
  /* min(a,b) = b < a ? b : a; max(a,b) = b > a ? b : a; NaN in, NaN out */
  expect(ROW("s_min", 1, 2), 1);
  expect(ROW("s_min", 2, 1), 1);
  expect(ROW("s_min", NAN, 1), NAN);
  expect(ROW("s_min", 1, NAN), NAN);
  expect(ROW("s_min", 0.0, -0.0), 0.0);
  cr_assert(signbit(ROW("s_min", 0.0, -0.0)) == 0);
  cr_assert(signbit(ROW("s_min", -0.0, 0.0)));
  expect(ROW("s_max", 1, 2), 2);
  expect(ROW("s_max", NAN, 1), NAN);
  expect(ROW("s_max", 1, NAN), NAN);
}

Test(semantics, clamp_is_min_of_max, .init = setup, .fini = teardown) {
  load(record_src);
  expect(ROW("s_clamp", 5, 0, 1), 1);
  expect(ROW("s_clamp", -5, 0, 1), 0);
  expect(ROW("s_clamp", 0.25, 0, 1), 0.25);
  expect(ROW("s_clamp", NAN, 0, 1), NAN);
  expect(ROW("s_clamp", 0.5, NAN, 1), NAN);
  expect(ROW("s_clamp", 0.5, 0, NAN), NAN);
  expect(ROW("s_clamp", 2, 3, 1), 1);   /* lo > hi: min(max(2,3),1) */
}

Test(semantics, ieee_division_and_library_functions, .init = setup, .fini = teardown) {
  load(record_src);
  expect(ROW("s_div", 1, 0), INFINITY);
  expect(ROW("s_div", -1, 0), -INFINITY);
  expect(ROW("s_div", 0, 0), NAN);
  expect(ROW("s_div", 1, 3), 1.0 / 3.0);
  expect(ROW("s_pow", 2, 10), 1024);
  /* vmath.h's deterministic functions: exp, log and pow within 1 ulp of the C
     library's */
  expect(ROW("s_pow", 1.1, 2.5), vm_pow(1.1, 2.5));
  expect(ROW("s_pow2", 0.3), vm_pow(2, 0.3));
  expect(ROW("s_pow2", 1e-3), vm_pow(2, 1e-3));
  expect(ROW("s_exp", 1), vm_exp(1));
  cr_assert(fabs(vm_exp(1) - exp(1)) <= nextafter(exp(1), 3) - exp(1));
  expect(ROW("s_log", 10), vm_log(10));
  cr_assert(fabs(vm_log(10) - log(10)) <= nextafter(log(10), 3) - log(10));
  expect(ROW("s_pow", NAN, 0), NAN);   /* pow(NaN, 0) is 1: NaN in, NaN out */
  expect(ROW("s_pow", 1, NAN), NAN);
  expect(ROW("s_log", 0), -INFINITY);
  expect(ROW("s_log", -1), NAN);
  expect(ROW("s_sqrt", 2), sqrt(2));
  expect(ROW("s_sqrt", -1), NAN);
  expect(ROW("s_abs", -3.5), 3.5);
  expect(ROW("s_neg", 0.0), -0.0);
  cr_assert(signbit(ROW("s_neg", 0.0)));
}

Test(semantics, round_is_half_away_from_zero, .init = setup, .fini = teardown) {
  load(record_src);
  expect(ROW("s_round", 2.5), 3);
  expect(ROW("s_round", -2.5), -3);
  expect(ROW("s_round", 0.49999999999999994), 0);
  expect(ROW("s_round", 1.5), 2);
  expect(ROW("s_floor", -1.5), -2);
  expect(ROW("s_ceil", -1.5), -1);
  expect(ROW("s_ceil", 1.2), 2);
}

Test(semantics, units_enter_and_leave_by_their_scale, .init = setup, .fini = teardown) {
  load(record_src);
  /* 61.7 % enters as 61.7 * 0.01, leaves as x / 0.01; without `: %`, in base units */
  expect(ROW("s_pct", 61.7), 61.7 * 0.01 / 0.01);
  expect(ROW("s_pct_base", 61.7), 61.7 * 0.01);
  expect(ROW("s_pct_base", 50), 0.5);
}

Test(semantics, booleans_and_comparisons, .init = setup, .fini = teardown) {
  load(record_src);
  expect(ROW("c_flag", 1), 1);
  expect(ROW("c_flag", 0), 0);
  expect(ROW("c_flag", 2), 1);
  expect(ROW("c_flag", -1), 1);
  expect(ROW("c_flag", NAN), NAN);   /* a missing boolean stays missing */
  expect(ROW("c_not", NAN), NAN);
  expect(ROW("c_not", 0), 1);
  expect(ROW("c_and", 2, 1, 1), 1);
  expect(ROW("c_and", 2, 1, 0), 0);
  expect(ROW("c_or", 1, 2, 0), 0);
  expect(ROW("c_or", 1, 2, 1), 1);
  expect(ROW("c_eq", 1, 1), 1);
  expect(ROW("c_eq", NAN, NAN), NAN);
  expect(ROW("c_ne", NAN, NAN), NAN);
  expect(ROW("c_ne", 1, NAN), NAN);
  expect(ROW("c_lt", NAN, 1), NAN);
  expect(ROW("c_ge", NAN, 1), NAN);
  expect(ROW("c_ge", 0.0, -0.0), 1);
  expect(ROW("s_if", 3, 2), 3);
  expect(ROW("s_if", 2, 3), 3);
  expect(ROW("s_if", NAN, 3), NAN);   /* the condition is missing */
}

/* and/or are three-valued (Kleene): a missing side matters only when the other
 * side does not decide. Fields: a b c p flag (c_and and c_or read flag, a, b). */
Test(semantics, and_or_are_three_valued, .init = setup, .fini = teardown) {
  load(record_src);
  expect(ROW("c_and", 1, 2, NAN), 0);      /* NaN and false = false */
  expect(ROW("c_and", 2, 1, NAN), NAN);    /* NaN and true = NaN */
  expect(ROW("c_and", NAN, 1, 0), 0);      /* false and NaN = false */
  expect(ROW("c_and", NAN, 1, 1), NAN);    /* true and NaN = NaN */
  expect(ROW("c_or", 2, 1, NAN), 1);       /* NaN or true = true */
  expect(ROW("c_or", 1, 2, NAN), NAN);     /* NaN or false = NaN */
  expect(ROW("c_or", NAN, 1, 1), 1);       /* true or NaN = true */
  expect(ROW("c_or", NAN, 1, 0), NAN);     /* false or NaN = NaN */
  expect(ROW("c_or", NAN, NAN, NAN), NAN);
}

Test(semantics, is_missing_and_coalesce, .init = setup, .fini = teardown) {
  load("record r {\n  a 1\n  b 1\n  flag bool\n  when date\n}\n"
       "condition miss on r = is_missing(a)\n"
       "condition miss_flag on r = is_missing(flag)\n"
       "score co on r = coalesce(a, b)\n"
       "condition co_flag on r = coalesce(flag, false)\n"
       "score co_date on r = coalesce(when, 2020-01-01)\n"
       "score co_nested on r = coalesce(a, coalesce(b, 7))\n");
  expect(ROW("miss", NAN), 1);
  expect(ROW("miss", 0), 0);
  expect(ROW("miss", INFINITY), 0);
  expect(ROW("miss_flag", NAN), 1);
  expect(ROW("miss_flag", 0), 0);
  expect(ROW("co", NAN, 2), 2);
  expect(ROW("co", 1, 2), 1);
  expect(ROW("co", NAN, NAN), NAN);
  expect(ROW("co", -0.0, 2), -0.0);
  cr_assert(signbit(ROW("co", -0.0, 2)));
  expect(ROW("co_flag", NAN), 0);
  expect(ROW("co_flag", 3), 1);
  expect(ROW("co_date", NAN), (double)date_days(2020, 1, 1));
  expect(ROW("co_nested", NAN, NAN), 7);
  expect(ROW("co_nested", NAN, 5), 5);
}

Test(semantics, dates_are_days, .init = setup, .fini = teardown) {
  load(record_src);
  /* field order: a b c p flag when; s_day reads only when */
  expect(ROW("s_day", 18262), 18292);        /* 2020-01-01 + 30 days */
  expect(ROW("s_days", 18262 + 59), 59);
}

Test(semantics, goals_progress_expected_on_track, .init = setup, .fini = teardown) {
  load("unit city\n"
       "unit t\n"
       "indicator n { unit city }\n"
       "indicator e { unit t }\n"
       "goal up { indicator n; baseline 0 city at 2020; target 100 city by 2029 }\n"
       "goal down { indicator e; baseline 120 t at 2019; target 0 t by 2030 }\n"
       "score p_up = progress(up)\n"
       "score p_down = progress(down)\n"
       "score x_down = expected(down, date)\n"
       "score ok_up = on_track(up, date)\n"
       "score ok_down = on_track(down, date)\n");
  expect(ROW("p_up", 25), 0.25);
  expect(ROW("p_up", 150), 1);
  expect(ROW("p_up", -5), 0);
  expect(ROW("p_up", NAN), NAN);   /* a missing indicator: no progress, not 0 */
  expect(ROW("p_down", 90), (90.0 - 120.0) / (0.0 - 120.0));
  double s = (double)date_days(2019, 1, 1), e = (double)date_days(2030, 12, 31);
  double d = 19000;
  /* expected() reads the goal's indicator too (an input, though unused) */
  expect(ROW("x_down", 7, d), 120 + (0.0 - 120) * (d - s) / (e - s));
  /* on_track(up) needs x >= expected; on_track(down) needs x <= expected */
  double s_up = (double)date_days(2020, 1, 1), e_up = (double)date_days(2029, 12, 31);
  double x_up = 0 + 100 * (d - s_up) / (e_up - s_up);
  expect(ROW("ok_up", x_up + 1, d), 1);
  expect(ROW("ok_up", x_up - 1, d), 0);
  expect(ROW("ok_up", NAN, d), NAN);
  expect(ROW("ok_up", x_up + 1, NAN), NAN);
  double x_down = 120 + (0.0 - 120) * (d - s) / (e - s);
  expect(ROW("ok_down", x_down - 1, d), 1);
  expect(ROW("ok_down", x_down + 1, d), 0);
}

Test(semantics, fns_and_rules_are_inlined, .init = setup, .fini = teardown) {
  load("record r { a 1; b 1; ok bool }\n"
       "fn half(x) = x / 2\n"
       "fn pick(c, x, y) = if c then x else y\n"
       "fn twice(x) = half(x) + half(x) + half(x) + half(x)\n"
       "score base on r = a + b\n"
       "score uses on r = base * 10 + half(base)\n"
       "score poly on r = pick(ok, a, b) + pick(a > b, 1, 0)\n"
       "score deep on r = twice(twice(twice(a)))\n"
       "condition cond on r = base > 3 and ok\n");
  expect(ROW("uses", 1, 2), 30 + 1.5);
  expect(ROW("poly", 5, 7, 1), 5 + 0);
  expect(ROW("poly", 5, 3, 0), 3 + 1);
  expect(ROW("deep", 1), 8);
  expect(ROW("cond", 2, 2, 1), 1);
  expect(ROW("cond", 2, 1, 1), 0);
}

Test(semantics, declared_units_of_scores, .init = setup, .fini = teardown) {
  load("unit EUR\n"
       "unit kEUR = 1000 EUR\n"
       "unit MEUR = 1e6 EUR\n"
       "indicator spend { unit MEUR }\n"
       "score in_k : kEUR = spend\n"
       "score in_base = spend\n"
       "score plus = spend + 5 kEUR\n");
  expect(ROW("in_k", 2.5), 2.5 * 1e6 / 1000);
  expect(ROW("in_base", 2.5), 2.5e6);
  expect(ROW("plus", 1), 1e6 + 5000);
}

/* ------------------------------------------------------------------------
 * Batch kernels: every length, tails, fused sets
 * ------------------------------------------------------------------------ */

Test(kernels, every_length_and_nothing_past_the_end, .init = setup, .fini = teardown) {
  load(record_src);
  const RuleSig *sig = sig_of("s_clamp");
  for (size_t n = 0; n <= 19; n++) {
    double a[32], b[32], c[32], jit[32], ref[32];
    for (size_t i = 0; i < 32; i++) {
      a[i] = (double)i * 0.37 - 2;
      b[i] = -1;
      c[i] = 1.5;
      jit[i] = ref[i] = 777;
    }
    const double *cols[3] = {a, b, c};
    run(ENGINE_JIT, sig, n, cols, jit);
    run(ENGINE_INTERP, sig, n, cols, ref);
    for (size_t i = 0; i < 32; i++) {
      cr_assert(same(jit[i], ref[i]), "n=%zu row %zu: %g vs %g", n, i, jit[i], ref[i]);
      if (i >= n) cr_assert(eq(dbl, jit[i], 777), "n=%zu: row %zu written", n, i);
    }
  }
}

Test(kernels, a_fused_set_equals_each_rule_alone, .init = setup, .fini = teardown) {
  /* 150 rules over shared indicators, some using others: compiled as a set they are
   * fused into a few kernels; each output must equal the interpreter's. */
  size_t cap = 1 << 16, len = 0;
  char *src = malloc(cap);
  len += (size_t)snprintf(src + len, cap - len, "indicator x { unit 1 }\nindicator y { unit %% }\n");
  for (int i = 0; i < 150; i++) {
    if (i % 10 == 5)
      len += (size_t)snprintf(src + len, cap - len, "score r%d = r%d * 2 + min(x, y)\n", i, i - 3);
    else
      len += (size_t)snprintf(src + len, cap - len,
                              "score r%d = clamp((x - %d) / (y + 1), 0, %d) + (if x > y then %d else y)\n",
                              i, i, i + 1, i);
  }
  load(src);
  free(src);
  const RuleSig *sigs[150];
  for (int i = 0; i < 150; i++) {
    char name[16];
    snprintf(name, sizeof name, "r%d", i);
    sigs[i] = sig_of(name);
  }
  EvalOptions o;
  eval_options_init(&o);
  o.threads = 2;
  char *err = NULL;
  RuleSet *jit = ruleset_new(sigs, 150, &o, &err);
  cr_assert(jit != NULL, "%s", err ? err : "");
  cr_assert(jit->nkernels > 1 && jit->nkernels < 150, "%d kernels", jit->nkernels);
  o.engine = ENGINE_INTERP;
  RuleSet *ref = ruleset_new(sigs, 150, &o, &err);
  cr_assert(eq(int, jit->ncols, 2));
  enum { N = 1001 };
  static double x[N], y[N], outj[150][N], outr[150][N];
  for (int i = 0; i < N; i++) {
    x[i] = (i * 7919 % 1000) / 10.0 - 20;
    y[i] = (i * 104729 % 500) / 7.0;
  }
  x[3] = NAN;
  y[4] = INFINITY;
  const double *cols[2];
  for (int c = 0; c < 2; c++) cols[c] = strcmp(jit->cols[c]->name, "x") == 0 ? x : y;
  double *oj[150], *orf[150];
  for (int r = 0; r < 150; r++) oj[r] = outj[r], orf[r] = outr[r];
  ruleset_eval(jit, N, cols, oj);
  ruleset_eval(ref, N, cols, orf);
  for (int r = 0; r < 150; r++)
    for (int i = 0; i < N; i++)
      cr_assert(same(outj[r][i], outr[r][i]), "rule r%d row %d: %.17g vs %.17g", r, i,
                outj[r][i], outr[r][i]);
  ruleset_free(jit);
  ruleset_free(ref);
}

/* ------------------------------------------------------------------------
 * The ahead-of-time module: row functions, batch functions, input names
 * ------------------------------------------------------------------------ */

typedef double (*RowFn)(const double *);
typedef void (*BatchFn)(size_t, const double *const *, double *);

Test(aot, row_batch_and_inputs_agree_with_the_interpreter, .init = setup, .fini = teardown) {
  load(record_src);
  const char *names[] = {"s_clamp", "s_pct", "c_and", "s_day", "s_pow2", "s_if"};
  enum { R = sizeof names / sizeof *names };
  const RuleSig *sigs[R];
  for (int r = 0; r < R; r++) sigs[r] = sig_of(names[r]);
  char *err = NULL;
  Jit *jit = jit_new(NULL, &err);
  cr_assert(jit != NULL, "%s", err ? err : "");
  LLVMContextRef ctx = LLVMContextCreate();
  CgOptions o = {.prefix = "t", .row = true, .batch = true, .inputs = true, .vmath = (CgVmath)vm_family()};
  LLVMModuleRef mod = cg_module(ctx, "aot", sigs, R, &o);
  jit_prepare_module(jit, mod);
  cr_assert(jit_optimize(jit, mod, JIT_OPT_O2, &err) == 0, "%s", err ? err : "");
  cr_assert(jit_add_module(jit, mod, ctx, &err) == 0, "%s", err ? err : "");
  for (int r = 0; r < R; r++) {
    char sym[128];
    RowFn f = (RowFn)jit_lookup_func(jit, cg_symbol_name(&o, sigs[r]->rule, "", sym, sizeof sym), &err);
    BatchFn fb = (BatchFn)jit_lookup_func(jit, cg_symbol_name(&o, sigs[r]->rule, "batch", sym, sizeof sym), &err);
    const char *const *inputs = jit_lookup(jit, cg_symbol_name(&o, sigs[r]->rule, "inputs", sym, sizeof sym), &err);
    cr_assert(f && fb && inputs, "%s", err ? err : "");
    for (int k = 0; k < sigs[r]->ninputs; k++) cr_assert(eq(str, (char *)inputs[k], (char *)sigs[r]->inputs[k].name));
    cr_assert(inputs[sigs[r]->ninputs] == NULL);
    enum { N = 13 };
    double in[8][N], outb[N], outi[N];
    for (int k = 0; k < 8; k++)
      for (int i = 0; i < N; i++) in[k][i] = (i - 6) * (k + 1) * 0.73 + (k == 2 ? 0.5 : 0);
    const double *cols[8];
    for (int k = 0; k < 8; k++) cols[k] = in[k];
    fb(N, cols, outb);
    run(ENGINE_INTERP, sigs[r], N, cols, outi);
    for (int i = 0; i < N; i++) {
      double rowin[8];
      for (int k = 0; k < 8; k++) rowin[k] = in[k][i];
      cr_assert(same(f(rowin), outi[i]), "%s row %d: row fn %.17g, interpreter %.17g", names[r], i, f(rowin), outi[i]);
      cr_assert(same(outb[i], outi[i]), "%s row %d: batch %.17g, interpreter %.17g", names[r], i, outb[i], outi[i]);
    }
  }
  jit_free(jit);
}

/* A portable module (CG_VMATH_RUNTIME) of portable_src, its family variable preset to
 * `preset` (-1: the module's own CPU test; 0 cinz; 1 finz), run in this process against
 * the interpreter of family `fam` on the model folded by that family. */
static const char *const portable_src =
    "mission m \"M\" { period 2023 .. 2030 }\n"
    "indicator x { unit 1 }\n"
    "indicator y { unit 1 }\n"
    "goal g { indicator x; baseline log(3) at 2023; target exp(2.0000000000000004) by 2030 }\n"
    "milestone ms \"half\" { date 2026-01-01; expects g: exp(0.38) }\n"
    "score e = exp(x) + log(abs(y) + 1) * x ^ y\n"
    "score k = x * g.target + g.baseline\n"
    "score pr = progress(g)\n"
    "score pl = planned(g, date)\n"
    "score ex = expected(g, date)\n"
    "condition ot = on_track(g, date)\n";

static void check_portable(Model *finz_model, Model *cinz_model, int preset, VmFamily fam) {
  const char *names[] = {"e", "k", "pr", "pl", "ex", "ot"};
  enum { R = sizeof names / sizeof *names };
  const RuleSig *sigs[R], *ref[R];
  Model *ref_model = fam == VM_FINZ ? finz_model : cinz_model;
  for (int r = 0; r < R; r++) {
    model = finz_model ? finz_model : cinz_model;
    sigs[r] = sig_of(names[r]);
    Sym *s = model_lookup(ref_model, intern_cstr(ref_model->c->names, names[r]));
    RuleSig *sig = arena_alloc(cc->arena, sizeof *sig);
    const char *why = NULL;
    cr_assert(s && rule_sig(cc->arena, s, sig, &why), "%s", why ? why : names[r]);
    ref[r] = sig;
  }
  char *err = NULL;
  Jit *jit = jit_new(NULL, &err);
  cr_assert(jit != NULL, "%s", err ? err : "");
  LLVMContextRef ctx = LLVMContextCreate();
  CgOptions o = {.prefix = "t", .row = true, .batch = true, .vmath = CG_VMATH_RUNTIME,
                 .cinz_twin = finz_model ? cinz_model : NULL};
  LLVMModuleRef mod = cg_module(ctx, "portable", sigs, R, &o);
  LLVMValueRef var = LLVMGetNamedGlobal(mod, "missionc.vmath.family");
  cr_assert(var != NULL, "a portable module without its family variable");
  LLVMSetInitializer(var, LLVMConstInt(LLVMInt32TypeInContext(ctx), (unsigned long long)preset, 1));
  jit_prepare_module(jit, mod);
  cr_assert(jit_optimize(jit, mod, JIT_OPT_O2, &err) == 0, "%s", err ? err : "");
  cr_assert(jit_add_module(jit, mod, ctx, &err) == 0, "%s", err ? err : "");
  vm_set_family(fam);
  enum { N = 1001 };
  static double xs[N], ys[N], ds[N], outb[N], outi[N];
  for (int i = 0; i < N; i++) {
    xs[i] = (i - 300) * 0.0137 + 1e-3 * (i % 7), ys[i] = (i % 41 - 20) * 0.31;
    ds[i] = 19300 + i * 2.7;   /* 2022-11 .. 2030-06: every segment of planned */
  }
  for (int r = 0; r < R; r++) {
    char sym[128];
    RowFn f = (RowFn)jit_lookup_func(jit, cg_symbol_name(&o, sigs[r]->rule, "", sym, sizeof sym), &err);
    BatchFn fb = (BatchFn)jit_lookup_func(jit, cg_symbol_name(&o, sigs[r]->rule, "batch", sym, sizeof sym), &err);
    cr_assert(f && fb, "%s", err ? err : "");
    const double *cols[3];
    for (int k = 0; k < sigs[r]->ninputs; k++) {
      const RuleInput *in = &sigs[r]->inputs[k];
      cols[k] = in->kind == VAL_DATE ? ds : strcmp(in->name, "x") == 0 ? xs : ys;
    }
    fb(N, cols, outb);
    run(ENGINE_INTERP, ref[r], N, cols, outi);
    for (int i = 0; i < N; i++) {
      double in[3];
      for (int k = 0; k < sigs[r]->ninputs; k++) in[k] = cols[k][i];
      cr_assert(same(outb[i], outi[i]), "%s row %d preset %d: batch %a, %s interpreter %a", names[r], i, preset,
                outb[i], vm_family_name(fam), outi[i]);
      cr_assert(same(f(in), outi[i]), "%s row %d preset %d: row fn %a, %s interpreter %a", names[r], i, preset,
                f(in), vm_family_name(fam), outi[i]);
    }
  }
  jit_free(jit);
}

/* Both models of portable_src: folded by finz (NULL on a CPU without FMA) and cinz. */
static void load_portable(Model **finz_model, Model **cinz_model) {
  *finz_model = NULL;
  if (vm_host_has_fma()) {
    vm_set_family(VM_FINZ);
    *finz_model = load(portable_src);
  }
  vm_set_family(VM_CINZ);
  Compiler *c2 = compiler_new();   /* freed at exit: the test's process ends */
  uint32_t id = src_add(c2->src, "t.mission", portable_src, strlen(portable_src));
  *cinz_model = check_program(c2, parse_file(c2->arena, c2->names, c2->diag, c2->src, id));
  cr_assert(diag_error_count(c2->diag) == 0);
  if (!*finz_model) model = *cinz_model;
}

Test(aot, a_portable_module_computes_the_family_of_the_cpu_that_runs_it, .init = setup, .fini = teardown) {
  Model *fm, *cm;
  load_portable(&fm, &cm);
  check_portable(fm, cm, -1, vm_host_has_fma() ? VM_FINZ : VM_CINZ);   /* its own CPU test */
}

Test(aot, a_portable_module_on_a_cpu_without_fma_computes_cinz, .init = setup, .fini = teardown) {
  Model *fm, *cm;
  load_portable(&fm, &cm);
  check_portable(fm, cm, 0, VM_CINZ);   /* what its test finds on such a CPU */
}

Test(aot, a_portable_module_on_a_cpu_with_fma_computes_finz, .init = setup, .fini = teardown) {
  if (!vm_host_has_fma()) return;   /* finz does not run here */
  Model *fm, *cm;
  load_portable(&fm, &cm);
  check_portable(fm, cm, 1, VM_FINZ);
}

Test(aot, the_folded_constant_differs_between_the_families, .init = setup, .fini = teardown) {
  if (!vm_host_has_fma()) return;
  Model *fm, *cm;
  load_portable(&fm, &cm);
  const Sym *gf = model_lookup(fm, intern_cstr(cc->names, "g"));
  const Sym *gc = model_lookup(cm, intern_cstr(cm->c->names, "g"));
  double tf = gf->goal.target.value, tc = gc->goal.target.value;
  cr_assert(same(tf, tc) == false, "exp(2.0000000000000004) is %a in both families: the tests above test nothing", tf);
  cr_assert(gf->goal.nplan == 3 && gc->goal.nplan == 3);
  cr_assert(same(gf->goal.plan_value[1], gc->goal.plan_value[1]) == false, "the milestone's exp is the same");
}

/* ------------------------------------------------------------------------
 * The IR
 * ------------------------------------------------------------------------ */

/* The optimised IR of a rule's module for cpu, as build makes it. */
static char *ir_for(const char *rule, const char *cpu, JitOpt level) {
  const RuleSig *sig = sig_of(rule);
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  CgOptions o = {.prefix = "t", .row = true, .batch = true, .vmath = cg_vmath_for_cpu(cpu)};
  char *err = NULL;
  cr_assert(cg_print_ir(f, &sig, 1, &o, cpu, level, &err) == 0, "%s", err ? err : "");
  fclose(f);
  return buf;
}

static char *ir_of(const char *rule, JitOpt level) { return ir_for(rule, "native", level); }

static int count(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
  return n;
}

Test(ir, library_calls_are_not_rewritten, .init = setup, .fini = teardown) {
  load(record_src);
  char *ir = ir_of("s_exp", JIT_OPT_O3);
  /* the row function calls the scalar SLEEF exp; the batch loop the AVX-512 one (8
     lanes) on an AVX-512 host, the AVX one (4 lanes) on an AVX host, else two SSE2 ones;
     all of the finz family (FMA) on a host that has FMA and AVX2, else of cinz */
  if (cg_vmath_for_cpu("native") == CG_VMATH_FINZ) {
    cr_assert(strstr(ir, "@Sleef_finz_expd1_u10purecfma(") != NULL, "%s", ir);
    cr_assert(strstr(ir, "@Sleef_finz_expd8_u10avx512f(") != NULL || strstr(ir, "@Sleef_finz_expd4_u10avx2(") != NULL,
              "%s", ir);
    cr_assert(strstr(ir, "Sleef_cinz") == NULL, "%s", ir);
  } else {
    cr_assert(strstr(ir, "@Sleef_cinz_expd1_u10purec(") != NULL, "%s", ir);
    cr_assert(strstr(ir, "@Sleef_cinz_expd8_u10avx512fnofma(") != NULL || strstr(ir, "@Sleef_cinz_expd4_u10avx(") != NULL ||
                  strstr(ir, "@Sleef_cinz_expd2_u10sse2(") != NULL,
              "%s", ir);
  }
  cr_assert(strstr(ir, "missionc.vmath") == NULL, "a native module tests the CPU:\n%s", ir);
  cr_assert(strstr(ir, "@exp(") == NULL && strstr(ir, "exp2") == NULL, "the C library's exp is called:\n%s", ir);
  free(ir);
}

Test(ir, pow_is_missionc_own_in_the_module, .init = setup, .fini = teardown) {
  load(record_src);
  char *ir = ir_of("s_pow", JIT_OPT_O3);
  /* vmath_ir.c: the batch loop reads its tables by permutes of registers on an AVX-512
     host, else by gathers of internal constants (which the row function loads); fma
     where the host has it; no call of any library's pow, no exp2 */
  cr_assert(strstr(ir, "@missionc.pow.invc = internal") != NULL, "%s", ir);
  cr_assert(strstr(ir, "@missionc.pow.exp2hi = internal") != NULL, "%s", ir);
  if (cg_math_for_cpu("native") == CG_MATH_AVX512)
    cr_assert(strstr(ir, "llvm.x86.avx512.vpermi2var.pd.512") != NULL && strstr(ir, "llvm.masked.gather") == NULL, "%s", ir);
  else
    cr_assert(strstr(ir, "llvm.masked.gather") != NULL, "%s", ir);
  cr_assert(strstr(ir, "Sleef") == NULL && strstr(ir, "@pow(") == NULL && strstr(ir, "exp2(") == NULL, "%s", ir);
  bool fma = strstr(ir, "llvm.fma") != NULL;
  cr_assert(fma == (cg_vmath_for_cpu("native") == CG_VMATH_FINZ), "%s", ir);
  free(ir);
}

Test(ir, a_portable_module_selects_between_the_families, .init = setup, .fini = teardown) {
  load(record_src);
  char *ir = ir_for("s_exp", "generic", JIT_OPT_O2);
  /* the row function: scalar; the batch loop: 2-wide (SSE2 in cinz, the 128-bit AVX2
     ones in finz); one CPU test, not inlined; a monotonic load per call site */
  cr_assert(strstr(ir, "@Sleef_finz_expd1_u10purecfma") && strstr(ir, "@Sleef_cinz_expd1_u10purec"), "%s", ir);
  cr_assert(strstr(ir, "@Sleef_finz_expd2_u10avx2128") && strstr(ir, "@Sleef_cinz_expd2_u10sse2"), "%s", ir);
  cr_assert(strstr(ir, "select i1") != NULL, "%s", ir);
  cr_assert(strstr(ir, "@missionc.vmath.family = internal") != NULL, "%s", ir);
  cr_assert(strstr(ir, "monotonic") != NULL, "%s", ir);
  cr_assert(count(ir, "\"cpuid\"") == 3 && count(ir, "\"xgetbv\"") == 1, "the CPU test is inlined:\n%s", ir);
  cr_assert(strstr(ir, "@Sleef_finz_expd4") == NULL && strstr(ir, "@Sleef_cinz_expd4") == NULL, "%s", ir);
  free(ir);
}

Test(ir, a_portable_module_computes_pow_with_fma_where_the_cpu_has_it, .init = setup, .fini = teardown) {
  load(record_src);
  char *ir = ir_for("s_pow", "generic", JIT_OPT_O2);
  /* two versions of pow: one compiled for AVX2 and FMA, chosen by the CPU test of exp's
     and log's family, one with Dekker's products (the same bits); called with SSE2's
     registers (<2 x double> parts), no SLEEF */
  cr_assert(strstr(ir, "@missionc.pow.invc = internal") != NULL, "%s", ir);
  cr_assert(strstr(ir, "\"target-features\"=\"+avx,+avx2,+fma\"") != NULL, "%s", ir);
  cr_assert(strstr(ir, "llvm.fma") != NULL && strstr(ir, "@fma(") == NULL, "%s", ir);
  cr_assert(strstr(ir, "@missionc.pow.4.avx2fma.parts(<2 x double>") != NULL, "%s", ir);
  cr_assert(strstr(ir, "@missionc.pow.4.parts(<2 x double>") != NULL, "%s", ir);
  cr_assert(strstr(ir, "@missionc.vmath.family = internal") != NULL && strstr(ir, "Sleef") == NULL, "%s", ir);
  free(ir);
}

Test(ir, the_batch_body_is_branch_free_and_vectorised, .init = setup, .fini = teardown) {
  load(record_src);
  char *ir = ir_of("s_if", JIT_OPT_LEAN);
  bool wide = strstr(ir, "<8 x double>") != NULL;   /* an AVX-512 host: 8 rows a vector */
  cr_assert(strstr(ir, wide ? "select <8 x i1>" : "select <4 x i1>") != NULL, "%s", ir);
  cr_assert(strstr(ir, wide ? "fcmp ogt <8 x double>" : "fcmp ogt <4 x double>") != NULL, "%s", ir);
  cr_assert(strstr(ir, "llvm.masked.load") != NULL, "%s", ir);
  /* loop control only: n == 0, full/partial load, full/partial store, next */
  cr_assert(count(ir, "br i1") <= 4, "%s", ir);
  free(ir);
}

Test(ir, no_fast_math_flags, .init = setup, .fini = teardown) {
  load(record_src);
  char *ir = ir_of("s_clamp", JIT_OPT_O3);
  cr_assert(strstr(ir, " fast ") == NULL && strstr(ir, " contract ") == NULL &&
            strstr(ir, " reassoc ") == NULL && strstr(ir, "fmuladd") == NULL, "%s", ir);
  free(ir);
}

/* ------------------------------------------------------------------------
 * The C header
 * ------------------------------------------------------------------------ */

Test(header, declares_each_rule_with_inputs_and_units, .init = setup, .fini = teardown) {
  load("record app { tax_haven bool; cut % }\n"
       "score fit \"Fit */ here /* too\" on app = if tax_haven then 0 else clamp(cut / 10%, 0, 1) // x\n");
  const RuleSig *sig = sig_of("fit");
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  CgOptions o = {.prefix = "m", .row = true, .batch = true, .inputs = true};
  cg_write_header(f, "M_H", cc->src, &sig, 1, &o);
  fclose(f);
  cr_assert(strstr(buf, "#ifndef M_H") != NULL);
  cr_assert(strstr(buf, "double m_fit(const double *in);") != NULL, "%s", buf);
  cr_assert(strstr(buf, "void m_fit_batch(size_t n, const double *const *cols, double *out);") != NULL);
  cr_assert(strstr(buf, "extern const char *const m_fit_inputs[];") != NULL);
  cr_assert(strstr(buf, "[0] tax_haven") != NULL && strstr(buf, "[1] cut") != NULL, "%s", buf);
  cr_assert(strstr(buf, "= if tax_haven then 0 else clamp(cut / 10%, 0, 1)") != NULL, "%s", buf);
  /* nothing in a title or formula can close the comment early */
  const char *body = strstr(buf, "/* score fit");
  cr_assert(body != NULL, "%s", buf);
  cr_assert(strstr(body + 2, "*/") > strstr(body, "Returns"), "%s", buf);
  free(buf);
}

/* ------------------------------------------------------------------------
 * Output values
 * ------------------------------------------------------------------------ */

Test(format, values_by_kind) {
  char buf[40];
  eval_format_value(VAL_BOOL, 1, buf);
  cr_assert(eq(str, buf, "1"));
  eval_format_value(VAL_BOOL, 0, buf);
  cr_assert(eq(str, buf, "0"));
  eval_format_value(VAL_DATE, 18262, buf);
  cr_assert(eq(str, buf, "2020-01-01"));
  eval_format_value(VAL_DATE, 18262.75, buf);
  cr_assert(eq(str, buf, "2020-01-01"));
  eval_format_value(VAL_DATE, NAN, buf);
  cr_assert(eq(str, buf, "nan"));
  eval_format_value(VAL_DATE, 1e12, buf);
  cr_assert(eq(str, buf, "1000000000000"));
  eval_format_value(VAL_NUM, 0.1 + 0.2, buf);
  cr_assert(eq(str, buf, "0.30000000000000004"));
  eval_format_value(VAL_NUM, -INFINITY, buf);
  cr_assert(eq(str, buf, "-inf"));
}
