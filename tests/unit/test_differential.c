/* test_differential.c - a property test: random, well-typed rules give the same
 * doubles, bit for bit, in every engine.
 *
 * Each case generates the source text of a small program (units of three
 * dimensions at several scales, indicators, goals, polymorphic fns, a record, and
 * scores and conditions built from every operator and built-in, using each other),
 * checks it with the real front end, and evaluates every rule on random rows (with
 * zeros, negative zeros, NaNs -- missing values, in numbers, dates and booleans --
 * infinities, huge and tiny values) through
 *
 *   - the reference interpreter (interp.c),
 *   - the JIT's fused kernels (the rule set, as `missionc eval` runs it),
 *   - the ahead-of-time row function P_R and batch function P_R_batch (as
 *     `missionc build` emits them, loaded into the JIT),
 *
 * and compares them. NaNs compare equal whatever their sign or payload (they all
 * print as "nan"). MISSIONC_DIFF_CASES sets the number of cases (default 60) and
 * MISSIONC_DIFF_SEED the first seed; a failure names the seed and prints the
 * program.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Core.h>

#include "check.h"
#include "codegen.h"
#include "compiler.h"
#include "eval.h"
#include "interp.h"
#include "jit.h"
#include "parse.h"

/* ------------------------------------------------------------------------
 * Random numbers (splitmix64: the same cases on every machine)
 * ------------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rnd(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static int pick(int n) { return (int)(rnd() % (uint64_t)n); }
static double uniform(void) { return (double)(rnd() >> 11) * 0x1.0p-53; }

/* ------------------------------------------------------------------------
 * The program generator
 * ------------------------------------------------------------------------ */

/* Dimensions, and the units of each (scale 1 first). */
enum { D_NONE, D_MONEY, D_MASS, D_DAY, D_COUNT };
static const char *const units_of[D_COUNT][3] = {
    {"1", "%", NULL}, {"EUR", "kEUR", "MEUR"}, {"t", "kt", "Mt"}, {"day", "wk", NULL}};

enum { MAX_THINGS = 32 };

typedef enum { K_NUM, K_BOOL, K_DATE } Kind;

typedef struct Thing {
  char name[16];
  Kind kind;
  int dim;
  const char *unit;   /* indicators: the unit declared */
} Thing;

typedef struct Prog {
  char *buf;
  size_t len, cap;
  bool on_record;                 /* generating a rule `on rec` */
  Thing inds[MAX_THINGS];         /* indicators */
  int ninds;
  Thing goals[MAX_THINGS];        /* dim: of the goal's indicator */
  int ngoals;
  Thing fields[MAX_THINGS];
  int nfields;
  Thing rules[2][MAX_THINGS];     /* [on_record]: the rules declared so far */
  int nrules[2];
} Prog;

__attribute__((format(printf, 2, 3))) static void out(Prog *p, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  for (;;) {
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(p->buf + p->len, p->cap - p->len, fmt, aq);
    va_end(aq);
    if ((size_t)n < p->cap - p->len) {
      p->len += (size_t)n;
      break;
    }
    p->cap = 2 * p->cap + (size_t)n + 64;
    p->buf = realloc(p->buf, p->cap);
  }
  va_end(ap);
}

static const char *unit_of(int dim) {
  const char *const *u = units_of[dim];
  int n = u[2] ? 3 : 2;
  return u[pick(n)];
}

/* A literal number: small, large, fractional, negative (as a unary minus). */
static void number(Prog *p) {
  static const char *const lits[] = {"0", "1", "2", "2.5", "0.1", "3", "100", "1e6", "1e-3",
                                     "0.42", "7", "1_000", "12.75"};
  if (pick(8) == 0) out(p, "-");
  out(p, "%s", lits[pick((int)(sizeof lits / sizeof *lits))]);
}

static void num(Prog *p, int dim, int depth);
static void boolean(Prog *p, int depth);
static void date(Prog *p, int depth);

/* A thing of a kind and dimension from a list, or false if there is none. */
static bool some(Prog *p, const Thing *list, int n, Kind kind, int dim) {
  int found[MAX_THINGS], k = 0;
  for (int i = 0; i < n; i++)
    if (list[i].kind == kind && (kind != K_NUM || list[i].dim == dim)) found[k++] = i;
  if (k == 0) return false;
  out(p, "%s", list[found[pick(k)]].name);
  return true;
}

/* A leaf number of dimension dim. */
static void num_leaf(Prog *p, int dim) {
  int r = pick(10);
  if (r < 4 && p->on_record && some(p, p->fields, p->nfields, K_NUM, dim)) return;
  if (r < 4 && !p->on_record && some(p, p->inds, p->ninds, K_NUM, dim)) return;
  if (r < 5 && some(p, p->rules[p->on_record], p->nrules[p->on_record], K_NUM, dim)) return;
  if (r < 6 && !p->on_record && dim != D_DAY) {
    for (int tries = 0; tries < 4; tries++) {
      int g = pick(p->ngoals > 0 ? p->ngoals : 1);
      if (g < p->ngoals && p->goals[g].dim == dim) {
        out(p, "%s.%s", p->goals[g].name, pick(2) ? "baseline" : "target");
        return;
      }
    }
  }
  if (dim == D_NONE) {
    if (pick(3) == 0) {
      out(p, "%d%%", pick(200));
      return;
    }
    number(p);
    return;
  }
  number(p);
  out(p, " %s", unit_of(dim));
}

/* A number of dimension dim. */
static void num(Prog *p, int dim, int depth) {
  if (depth <= 0) {
    num_leaf(p, dim);
    return;
  }
  int d = depth - 1;
  switch (pick(dim == D_NONE ? 24 : 16)) {
  case 0: num_leaf(p, dim); return;
  case 1: out(p, "coalesce("); num(p, dim, d); out(p, ", "); num(p, dim, d); out(p, ")"); return;
  case 2: out(p, "("); num(p, dim, d); out(p, " + "); num(p, dim, d); out(p, ")"); return;
  case 3: out(p, "("); num(p, dim, d); out(p, " - "); num(p, dim, d); out(p, ")"); return;
  case 4: out(p, "("); num(p, dim, d); out(p, " * "); num(p, D_NONE, d); out(p, ")"); return;
  case 5: out(p, "("); num(p, dim, d); out(p, " / "); num(p, D_NONE, d); out(p, ")"); return;
  case 6: out(p, "min("); num(p, dim, d); out(p, ", "); num(p, dim, d); out(p, ")"); return;
  case 7: out(p, "max("); num(p, dim, d); out(p, ", "); num(p, dim, d); out(p, ")"); return;
  case 8:
    out(p, "clamp("); num(p, dim, d); out(p, ", "); num(p, dim, d); out(p, ", "); num(p, dim, d);
    out(p, ")");
    return;
  case 9: out(p, "abs("); num(p, dim, d); out(p, ")"); return;
  case 10: out(p, "(-"); num(p, dim, d); out(p, ")"); return;
  case 11:
    out(p, "(if "); boolean(p, d); out(p, " then "); num(p, dim, d); out(p, " else ");
    num(p, dim, d); out(p, ")");
    return;
  case 12: out(p, "lin("); num(p, dim, d); out(p, ", "); num(p, dim, d); out(p, ")"); return;
  case 13:
    out(p, "pick("); boolean(p, d); out(p, ", "); num(p, dim, d); out(p, ", "); num(p, dim, d);
    out(p, ")");
    return;
  case 14:
    if (dim == D_DAY) {
      out(p, "("); date(p, d); out(p, " - "); date(p, d); out(p, ")");
      return;
    }
    if (!p->on_record && p->ngoals) {
      for (int tries = 0; tries < 4; tries++) {
        int g = pick(p->ngoals);
        if (p->goals[g].dim == dim) {
          out(p, "%s(%s, ", pick(2) ? "planned" : "expected", p->goals[g].name); date(p, d); out(p, ")");
          return;
        }
      }
    }
    num_leaf(p, dim);
    return;
  case 15: out(p, "("); num(p, dim, d); out(p, " * "); num(p, D_NONE, d); out(p, ")"); return;
  /* dimensionless only */
  case 16: {
    int other = pick(D_COUNT);
    out(p, "("); num(p, other, d); out(p, " / "); num(p, other, d); out(p, ")");
    return;
  }
  case 17: {
    int other = pick(D_COUNT);
    out(p, "ratio("); num(p, other, d); out(p, ", "); num(p, other, d); out(p, ")");
    return;
  }
  case 18:
    if (!p->on_record && p->ngoals) {
      out(p, "progress(%s)", p->goals[pick(p->ngoals)].name);
      return;
    }
    out(p, "soft("); num(p, D_NONE, d); out(p, ")");
    return;
  case 19: {
    static const char *const fns[] = {"log", "exp", "sqrt", "round", "floor", "ceil", "soft"};
    out(p, "%s(", fns[pick(7)]); num(p, D_NONE, d); out(p, ")");
    return;
  }
  case 20: out(p, "pow("); num(p, D_NONE, d); out(p, ", "); num(p, D_NONE, d); out(p, ")"); return;
  case 21: out(p, "("); num(p, D_NONE, d); out(p, " ^ "); num(p, D_NONE, d); out(p, ")"); return;
  case 22: out(p, "pow(2, "); num(p, D_NONE, d); out(p, ")"); return;
  default: out(p, "("); num(p, D_NONE, d); out(p, " * "); num(p, D_NONE, d); out(p, ")"); return;
  }
}

/* A boolean. */
static void boolean(Prog *p, int depth) {
  int d = depth - 1;
  static const char *const cmps[] = {"==", "!=", "<", "<=", ">", ">="};
  int r = depth <= 0 ? pick(3) : pick(14);
  switch (r) {
  case 0:
    if (p->on_record && some(p, p->fields, p->nfields, K_BOOL, 0)) return;
    if (some(p, p->rules[p->on_record], p->nrules[p->on_record], K_BOOL, 0)) return;
    out(p, pick(2) ? "true" : "false");
    return;
  case 1: {
    int dim = pick(D_COUNT);
    out(p, "("); num_leaf(p, dim); out(p, " %s ", cmps[pick(6)]); num_leaf(p, dim); out(p, ")");
    return;
  }
  case 2: out(p, pick(2) ? "true" : "false"); return;
  case 3: case 4: {
    int dim = pick(D_COUNT);
    out(p, "("); num(p, dim, d); out(p, " %s ", cmps[pick(6)]); num(p, dim, d); out(p, ")");
    return;
  }
  case 5: out(p, "("); boolean(p, d); out(p, " and "); boolean(p, d); out(p, ")"); return;
  case 6: out(p, "("); boolean(p, d); out(p, " or "); boolean(p, d); out(p, ")"); return;
  case 7: out(p, "(not "); boolean(p, d); out(p, ")"); return;
  case 8:
    if (!p->on_record && p->ngoals) {
      out(p, "on_track(%s, ", p->goals[pick(p->ngoals)].name); date(p, d); out(p, ")");
      return;
    }
    boolean(p, d);
    return;
  case 9:
    out(p, "(if "); boolean(p, d); out(p, " then "); boolean(p, d); out(p, " else ");
    boolean(p, d); out(p, ")");
    return;
  case 10: {   /* missing values: is_missing of any kind, coalesce of booleans */
    int kind = pick(3);
    out(p, "is_missing(");
    if (kind == 0) num(p, pick(D_COUNT), d);
    else if (kind == 1) boolean(p, d);
    else date(p, d);
    out(p, ")");
    return;
  }
  case 11: out(p, "coalesce("); boolean(p, d); out(p, ", "); boolean(p, d); out(p, ")"); return;
  default:
    out(p, "("); date(p, d); out(p, " %s ", cmps[pick(6)]); date(p, d); out(p, ")");
    return;
  }
}

/* A date. */
static void date(Prog *p, int depth) {
  int d = depth - 1;
  switch (depth <= 0 ? pick(3) : pick(7)) {
  case 0:
    if (!p->on_record) {
      out(p, "date");
      return;
    }
    if (some(p, p->fields, p->nfields, K_DATE, 0)) return;
    /* fall through */
  case 1:
    if (p->ngoals && pick(2)) {
      out(p, "%s.%s", p->goals[pick(p->ngoals)].name, pick(2) ? "deadline" : "start");
      return;
    }
    /* fall through */
  case 2: out(p, "%04d-%02d-%02d", 2015 + pick(20), 1 + pick(12), 1 + pick(28)); return;
  case 3: out(p, "("); date(p, d); out(p, " + "); num(p, D_DAY, d); out(p, ")"); return;
  case 4: out(p, "("); date(p, d); out(p, " - "); num(p, D_DAY, d); out(p, ")"); return;
  case 5: out(p, "coalesce("); date(p, d); out(p, ", "); date(p, d); out(p, ")"); return;
  default:
    out(p, "(if "); boolean(p, d); out(p, " then "); date(p, d); out(p, " else "); date(p, d);
    out(p, ")");
    return;
  }
}

/* A whole program: declarations, then rules over the indicators and on a record. */
static char *generate(int nrules) {
  Prog *p = calloc(1, sizeof *p);
  p->cap = 4096;
  p->buf = malloc(p->cap);
  out(p, "unit EUR\nunit kEUR = 1000 EUR\nunit MEUR = 1e6 EUR\n"
         "unit t\nunit kt = 1000 t\nunit Mt = 1e6 t\nunit wk = 7 day\n"
         "fn lin(x, y) = x + y * 0.5\n"
         "fn ratio(x, y) = x / y\n"
         "fn pick(c, x, y) = if c then x else y\n"
         "fn soft(x) = x / (1 + abs(x))\n");
  p->ninds = 2 + pick(4);
  for (int i = 0; i < p->ninds; i++) {
    Thing *t = &p->inds[i];
    snprintf(t->name, sizeof t->name, "i%d", i);
    t->kind = K_NUM;
    t->dim = pick(3);   /* none, money, mass */
    t->unit = unit_of(t->dim);
    out(p, "indicator %s { unit %s }\n", t->name, t->unit);
  }
  p->ngoals = 1 + pick(2);
  for (int g = 0; g < p->ngoals; g++) {
    Thing *t = &p->goals[g];
    const Thing *ind = &p->inds[pick(p->ninds)];
    snprintf(t->name, sizeof t->name, "g%d", g);
    t->kind = K_NUM;
    t->dim = ind->dim;
    /* A value states its unit: on a % indicator a bare number is an error (LANGUAGE.md 6.4). */
    const char *u = ind->dim == D_NONE ? (strcmp(ind->unit, "%") == 0 ? "%" : "") : unit_of(ind->dim);
    int b = pick(100), tg = b + 1 + pick(100);
    if (pick(2)) {
      int x = b;
      b = tg;
      tg = x;
    }
    out(p, "goal %s { indicator %s; baseline %d %s at %d; target %d %s by %d }\n", t->name,
        ind->name, b, u, 2010 + pick(10), tg, u, 2025 + pick(10));
    /* milestone points bend planned(): values between baseline and target, dates inside */
    int lo = b < tg ? b : tg, span = b < tg ? tg - b : b - tg;
    for (int k = 0, n = pick(3); k < n; k++)
      out(p, "milestone m%d_%d { date %s; expects %s: %d %s }\n", g, k, k ? "2023-03-31" : "2020-06-30",
          t->name, lo + pick(span + 1), u);
  }
  static const char *const fields[] = {"m", "q", "n", "ok", "when"};
  static const Kind fkinds[] = {K_NUM, K_NUM, K_NUM, K_BOOL, K_DATE};
  static const int fdims[] = {D_MONEY, D_NONE, D_NONE, 0, 0};
  out(p, "record rec {\n  m %s\n  q %%\n  n 1\n  ok bool\n  when date\n}\n", unit_of(D_MONEY));
  for (int f = 0; f < 5; f++) {
    snprintf(p->fields[f].name, sizeof p->fields[f].name, "%s", fields[f]);
    p->fields[f].kind = fkinds[f];
    p->fields[f].dim = fdims[f];
  }
  p->nfields = 5;
  for (int r = 0; r < nrules; r++) {
    p->on_record = pick(3) == 0;
    Thing *t = &p->rules[p->on_record][p->nrules[p->on_record]];
    int what = pick(6);
    int depth = 2 + pick(4);
    const char *on = p->on_record ? " on rec" : "";
    snprintf(t->name, sizeof t->name, "%s%d", what == 0 ? "c" : "s", r);
    if (what == 0) {
      t->kind = K_BOOL;
      out(p, "condition %s%s = ", t->name, on);
      boolean(p, depth);
    } else if (what == 1) {
      t->kind = K_DATE;
      out(p, "score %s%s = ", t->name, on);
      date(p, depth);
    } else if (what == 2) {
      t->kind = K_BOOL;
      out(p, "score %s%s = ", t->name, on);
      boolean(p, depth);
    } else {
      t->kind = K_NUM;
      t->dim = pick(D_COUNT);
      const char *unit = t->dim == D_NONE ? (pick(2) ? "%" : NULL) : pick(2) ? unit_of(t->dim) : NULL;
      out(p, "score %s%s", t->name, on);
      if (unit) out(p, " : %s", unit);
      out(p, " = ");
      num(p, t->dim, depth);
    }
    out(p, "\n");
    p->nrules[p->on_record]++;
  }
  char *text = p->buf;
  free(p);
  return text;
}

/* ------------------------------------------------------------------------
 * Rows
 * ------------------------------------------------------------------------ */

/* A value for an input of some kind: mostly ordinary, sometimes special. */
static double random_value(ValKind kind) {
  if (kind == VAL_BOOL) {
    static const double b[] = {0, 1, 1, 0, 2, NAN, -1};
    return b[pick(7)];
  }
  if (kind == VAL_DATE) {
    if (pick(20) == 0) return NAN;
    return 16000 + pick(8000);
  }
  static const double special[] = {0.0, -0.0, NAN, INFINITY, -INFINITY, 1e308, -1e308, 5e-324,
                                   1e-300, 1, -1, 0.5, 100, 1e15};
  if (pick(6) == 0) return special[pick((int)(sizeof special / sizeof *special))];
  double v = (uniform() - 0.3) * pow(10, pick(9) - 3);
  return pick(4) == 0 ? round(v) : v;
}

/* ------------------------------------------------------------------------
 * The property
 * ------------------------------------------------------------------------ */

static bool same(double a, double b) { return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0; }

static long finite_values;   /* how many compared values were finite: the test is not all NaN */

typedef double (*RowFn)(const double *);
typedef void (*BatchFn)(size_t, const double *const *, double *);
typedef void (*SetFn)(size_t, const double *const *, double *const *);

enum { ROWS = 203 };

/* Compare the engines on the rules that read the same input (the indicators, or
 * the record): returns the number of values compared. */
static long compare_engines(const char *text, uint64_t seed, const RuleSig **sigs, int n) {
  if (n == 0) return 0;
  EvalOptions o;
  eval_options_init(&o);
  o.threads = 2;
  char *err = NULL;
  RuleSet *jit = ruleset_new(sigs, n, &o, &err);
  cr_assert(jit != NULL, "seed %llu: %s\n%s", (unsigned long long)seed, err ? err : "", text);
  o.engine = ENGINE_INTERP;
  RuleSet *ref = ruleset_new(sigs, n, &o, &err);
  cr_assert(ref != NULL);

  /* The rows, column by column. */
  int nc = ref->ncols;
  double *colmem = malloc(sizeof(double) * ROWS * (size_t)(nc + 1));
  const double *cols[nc + 1];
  for (int c = 0; c < nc; c++) {
    double *col = colmem + (size_t)c * ROWS;
    for (int i = 0; i < ROWS; i++) col[i] = random_value(ref->cols[c]->kind);
    cols[c] = col;
  }
  double *outmem = malloc(sizeof(double) * ROWS * (size_t)n * 2);
  double *oj[n], *orf[n];
  for (int r = 0; r < n; r++) {
    oj[r] = outmem + (size_t)r * ROWS;
    orf[r] = outmem + (size_t)(n + r) * ROWS;
  }
  ruleset_eval(jit, ROWS, cols, oj);
  ruleset_eval(ref, ROWS, cols, orf);

  /* The ahead-of-time functions, loaded into a JIT of their own. */
  Jit *aot = jit_new("generic", &err);
  cr_assert(aot != NULL, "%s", err ? err : "");
  LLVMContextRef ctx = LLVMContextCreate();
  CgSet set = {sigs, n, ref->col_of};
  CgFused fused = {&set, ref->cols, ref->ncols};
  CgOptions co = {.prefix = "d", .row = true, .batch = true, .inputs = true, .fused = &fused,
                  .vmath = (CgVmath)vm_family()};   /* run in this process, as the interpreter */
  LLVMModuleRef mod = cg_module(ctx, "aot", sigs, n, &co);
  jit_prepare_module(aot, mod);
  cr_assert(jit_optimize(aot, mod, JIT_OPT_O2, &err) == 0, "%s", err ? err : "");
  cr_assert(jit_add_module(aot, mod, ctx, &err) == 0, "%s", err ? err : "");

  /* The fused function: every rule in one loop, on the set's columns. */
  char all_sym[128];
  SetFn all = (SetFn)jit_lookup_func(aot, cg_fused_name(&co, "batch", all_sym, sizeof all_sym), &err);
  cr_assert(all != NULL, "seed %llu: %s", (unsigned long long)seed, err ? err : "");
  double *fusedmem = malloc(sizeof(double) * ROWS * (size_t)n);
  double **of = malloc(sizeof *of * (size_t)n);
  for (int r = 0; r < n; r++) of[r] = fusedmem + (size_t)r * ROWS;
  all(ROWS, cols, of);

  long compared = 0;
  for (int r = 0; r < n; r++) {
    const RuleSig *sig = sigs[r];
    char sym[128];
    RowFn f = (RowFn)jit_lookup_func(aot, cg_symbol_name(&co, sig->rule, "", sym, sizeof sym), &err);
    BatchFn fb = (BatchFn)jit_lookup_func(aot, cg_symbol_name(&co, sig->rule, "batch", sym, sizeof sym), &err);
    cr_assert(f && fb, "seed %llu: %s", (unsigned long long)seed, err ? err : "");
    const double *rcols[sig->ninputs + 1];
    for (int k = 0; k < sig->ninputs; k++) rcols[k] = cols[ref->col_of[r][k]];
    double ob[ROWS];
    fb(ROWS, rcols, ob);
    for (int i = 0; i < ROWS; i++) {
      double in[sig->ninputs + 1];
      for (int k = 0; k < sig->ninputs; k++) in[k] = rcols[k][i];
      double vr = orf[r][i], vj = oj[r][i], vb = ob[i], vf = f(in), va = of[r][i];
      if (!same(vr, vj) || !same(vr, vb) || !same(vr, vf) || !same(vr, va)) {
        fprintf(stderr, "seed %llu, rule %s, row %d:\n", (unsigned long long)seed, sig->rule->name, i);
        for (int k = 0; k < sig->ninputs; k++)
          fprintf(stderr, "  %s = %.17g\n", sig->inputs[k].name, in[k]);
        fprintf(stderr, "  interpreter %.17g, JIT kernel %.17g, AOT batch %.17g, AOT row %.17g, "
                "AOT all_batch %.17g\n%s\n", vr, vj, vb, vf, va, text);
        cr_fatal("engines differ (seed %llu, rule %s)", (unsigned long long)seed, sig->rule->name);
      }
      compared++;
      finite_values += isfinite(vr) != 0;
    }
  }
  jit_free(aot);
  free(fusedmem);
  free(of);
  free(colmem);
  free(outmem);
  ruleset_free(jit);
  ruleset_free(ref);
  return compared;
}

/* One case: generate, check, compare. False if the program did not check. */
static bool one_case(uint64_t seed, long *compared, int *nrules_total) {
  rng_state = seed;
  char *text = generate(4 + pick(10));
  Compiler *c = compiler_new();
  uint32_t id = src_add(c->src, "random.mission", text, strlen(text));
  Node *root = parse_file(c->arena, c->names, c->diag, c->src, id);
  Model *m = check_program(c, root);
  bool ok = diag_error_count(c->diag) == 0;
  if (getenv("MISSIONC_DIFF_SHOW")) fprintf(stderr, "--- seed %llu\n%s", (unsigned long long)seed, text);
  if (!ok && getenv("MISSIONC_DIFF_VERBOSE")) {
    fprintf(stderr, "seed %llu does not check:\n%s\n", (unsigned long long)seed, text);
    DiagRenderOptions ro = {0};
    diag_render(c->diag, stderr, &ro);
  }
  if (ok) {
    /* Two sets: the rules over the indicators, and the rules on the record. */
    const RuleSig *sets[2][64];
    int n[2] = {0, 0};
    for (int i = 0; i < m->syms.len; i++) {
      Sym *s = m->syms.items[i];
      if (s->kind != DK_SCORE && s->kind != DK_CONDITION) continue;
      RuleSig *sig = arena_alloc(c->arena, sizeof *sig);
      const char *why;
      cr_assert(rule_sig(c->arena, s, sig, &why), "seed %llu: %s %s", (unsigned long long)seed, s->name, why);
      int k = s->rule.on != NULL;
      if (n[k] < 64) sets[k][n[k]++] = sig;
    }
    *compared += compare_engines(text, seed, sets[0], n[0]);
    *compared += compare_engines(text, seed, sets[1], n[1]);
    *nrules_total += n[0] + n[1];
  }
  compiler_free(c);
  free(text);
  return ok;
}

Test(differential, random_rules_agree_in_every_engine, .timeout = 600) {
  setenv("MISSIONC_CACHE", "0", 1);
  const char *env = getenv("MISSIONC_DIFF_CASES");
  int cases = env ? atoi(env) : 60;
  env = getenv("MISSIONC_DIFF_SEED");
  uint64_t seed0 = env ? strtoull(env, NULL, 10) : 20240601;
  int checked = 0, rules = 0;
  long compared = 0;
  for (int i = 0; i < cases; i++) checked += one_case(seed0 + (uint64_t)i, &compared, &rules);
  fprintf(stderr, "differential: %d of %d random programs checked, %d rules, %ld values compared "
          "(%.0f%% finite)\n", checked, cases, rules, compared,
          compared ? 100.0 * (double)finite_values / (double)compared : 0.0);
  /* The generator writes well-typed programs: nearly all must pass the checker, or
   * the test would silently test nothing. */
  cr_assert(checked * 10 >= cases * 9, "only %d of %d generated programs check (MISSIONC_DIFF_VERBOSE=1 shows them)",
            checked, cases);
  cr_assert(finite_values * 2 >= compared, "most values are not finite: the rows test little");
}
