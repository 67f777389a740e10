/* bench_eval.c - how fast compiled rules run and compile.
 *
 *   make -C BUILD bench_eval && BUILD/bench_eval [ROWS]     (default 10,000,000)
 *
 * 1. The batch kernel against the same formula hand-written in C and compiled with
 *    `cc -O3 -march=native` (built and loaded at run time), the memory floor (a sum
 *    of the six columns, same flags), the ahead-of-time P_R_batch, and the reference
 *    interpreter, on ROWS rows x 6 columns:
 *
 *      0.4*clamp((b-e)/(b-t),0,1) + 0.3*min(1, r/0.42) + 0.3*(if s > B then B/s else 1)
 *
 *    Each engine runs several times, interleaved, and the best time counts: the
 *    ratios are measured in the same run, on the same data.
 * 2. JIT compile latency for 1, 100 and 1,000 distinct rules (object cache off), at
 *    the lean pipeline and at O2, on all cores; the run speed of the 1,000 rules'
 *    kernels at each level; then a second compilation of the unchanged 1,000 rules
 *    with the object cache on (it skips code generation).
 *
 * Prints a table; never asserts a time (see tests/ for correctness).
 */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <llvm-c/Core.h>

#include "check.h"
#include "codegen.h"
#include "compiler.h"
#include "eval.h"
#include "interp.h"
#include "jit.h"
#include "parse.h"

typedef void (*HandFn)(size_t, const double *const *, double *);

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------------------
 * Programs
 * ------------------------------------------------------------------------ */

static const char *const indicators =
    "indicator b { unit 1 }\nindicator e { unit 1 }\nindicator t { unit 1 }\n"
    "indicator r { unit 1 }\nindicator s { unit 1 }\nindicator B { unit 1 }\n";

/* Parse and check a program; exits on errors. */
static Model *load(Compiler *c, const char *text) {
  uint32_t id = src_add(c->src, "bench.mission", text, strlen(text));
  Node *root = parse_file(c->arena, c->names, c->diag, c->src, id);
  Model *m = check_program(c, root);
  if (diag_error_count(c->diag) > 0) {
    DiagRenderOptions o = {0};
    diag_render(c->diag, stderr, &o);
    exit(1);
  }
  return m;
}

/* The signatures of every rule, in declaration order. */
static const RuleSig **all_rules(Compiler *c, Model *m, int *n) {
  const RuleSig **sigs = arena_alloc(c->arena, sizeof *sigs * (size_t)(m->syms.len + 1));
  *n = 0;
  for (int i = 0; i < m->syms.len; i++) {
    Sym *s = m->syms.items[i];
    if (s->kind != DK_SCORE && s->kind != DK_CONDITION) continue;
    RuleSig *sig = arena_alloc(c->arena, sizeof *sig);
    const char *why;
    if (!rule_sig(c->arena, s, sig, &why)) {
      fprintf(stderr, "%s: %s\n", s->name, why);
      exit(1);
    }
    sigs[(*n)++] = sig;
  }
  return sigs;
}

/* n distinct rules over the six indicators, of the benchmark's size and shape. */
static char *many_rules(int n) {
  size_t cap = 256 + (size_t)n * 200, len = 0;
  char *text = malloc(cap);
  len += (size_t)snprintf(text, cap, "%s", indicators);
  for (int k = 0; k < n; k++) {
    double a = 0.1 + (k % 7) * 0.05, lim = 1 + (k % 5), f = 0.2 + (k % 11) * 0.03;
    switch (k % 4) {
    case 0:
      len += (size_t)snprintf(text + len, cap - len,
                              "score r%d = %g*clamp((b-e)/(b-t),0,%g) + 0.3*min(1, r/%g) + 0.3*(if s > B then B/s else 1)\n",
                              k, a, lim, f);
      break;
    case 1:
      len += (size_t)snprintf(text + len, cap - len,
                              "score r%d = max(b, e) * %g - abs(t - r) / (1 + abs(s)) + (if B > %d then 1 else 0)\n",
                              k, a, k % 13);
      break;
    case 2:
      len += (size_t)snprintf(text + len, cap - len,
                              "score r%d = r%d * %g + min(s, B) - clamp(r, %g, %g)\n", k, k - 2, f, -lim, lim);
      break;
    default:
      len += (size_t)snprintf(text + len, cap - len,
                              "condition r%d = (b > e and t < %g) or not (s >= B * %g)\n", k, lim, a);
      break;
    }
  }
  return text;
}

/* ------------------------------------------------------------------------
 * 1. Run speed
 * ------------------------------------------------------------------------ */

static const char *const hand_c =
    "#include <stddef.h>\n"
    "void hand(size_t n, const double *const *cols, double *out) {\n"
    "  const double *b = cols[0], *e = cols[1], *t = cols[2], *r = cols[3], *s = cols[4], *B = cols[5];\n"
    "  for (size_t i = 0; i < n; i++) {\n"
    "    double x = (b[i] - e[i]) / (b[i] - t[i]);\n"
    "    double lo = 0 > x ? 0 : x, c = 1 < lo ? 1 : lo;\n"
    "    double q = r[i] / 0.42, m = q < 1 ? q : 1;\n"
    "    out[i] = 0.4 * c + 0.3 * m + 0.3 * (s[i] > B[i] ? B[i] / s[i] : 1);\n"
    "  }\n"
    "}\n"
    "void floor_sum(size_t n, const double *const *cols, double *out) {\n"
    "  const double *b = cols[0], *e = cols[1], *t = cols[2], *r = cols[3], *s = cols[4], *B = cols[5];\n"
    "  for (size_t i = 0; i < n; i++) out[i] = b[i] + e[i] + t[i] + r[i] + s[i] + B[i];\n"
    "}\n";

/* The hand-written C, compiled with cc -O3 -march=native into a shared library. */
static void *load_hand(const char *dir) {
  char src[512], so[512], cmd[2048];
  snprintf(src, sizeof src, "%s/hand.c", dir);
  snprintf(so, sizeof so, "%s/hand.so", dir);
  FILE *f = fopen(src, "w");
  if (!f) return NULL;
  fputs(hand_c, f);
  fclose(f);
  const char *cc = getenv("CC") ? getenv("CC") : "cc";
  snprintf(cmd, sizeof cmd, "%s -O3 -march=native -shared -fPIC -o %s %s", cc, so, src);
  if (system(cmd) != 0) return NULL;
  return dlopen(so, RTLD_NOW);
}

typedef struct Timing {
  const char *name;
  double best;
} Timing;

static void run_speed(size_t rows, const char *dir) {
  Compiler *c = compiler_new();
  char text[2048];
  snprintf(text, sizeof text,
           "%sscore fit = 0.4*clamp((b-e)/(b-t),0,1) + 0.3*min(1, r/0.42) + 0.3*(if s > B then B/s else 1)\n",
           indicators);
  Model *m = load(c, text);
  int n;
  const RuleSig **sigs = all_rules(c, m, &n);
  const RuleSig *sig = sigs[0];

  /* The columns, in the rule's input order, random in [-1, 9). */
  double *col[6];
  srand(1);
  for (int k = 0; k < 6; k++) {
    col[k] = malloc(sizeof(double) * rows);
    for (size_t i = 0; i < rows; i++) col[k][i] = rand() / (double)RAND_MAX * 10 - 1;
  }
  const double *cols[6];
  for (int k = 0; k < sig->ninputs; k++) cols[k] = col[k];
  double *out[5];
  for (int k = 0; k < 5; k++) {
    out[k] = malloc(sizeof(double) * rows);
    memset(out[k], 0, sizeof(double) * rows);   /* touch the pages once */
  }

  EvalOptions o;
  eval_options_init(&o);
  char *err = NULL;
  RuleSet *jit = ruleset_new(sigs, 1, &o, &err);
  o.engine = ENGINE_INTERP;
  RuleSet *interp = ruleset_new(sigs, 1, &o, &err);
  if (!jit || !interp) {
    fprintf(stderr, "bench: %s\n", err ? err : "?");
    exit(1);
  }
  /* The ahead-of-time batch function, for the host CPU at O2, loaded into a JIT. */
  Jit *aot = jit_new(NULL, &err);
  LLVMContextRef ctx = LLVMContextCreate();
  CgOptions co = {.prefix = "bench", .batch = true};
  LLVMModuleRef mod = cg_module(ctx, "aot", sigs, 1, &co);
  jit_prepare_module(aot, mod);
  jit_optimize(aot, mod, JIT_OPT_O2, &err);
  jit_add_module(aot, mod, ctx, &err);
  HandFn aot_fn = (HandFn)jit_lookup_func(aot, "bench_fit_batch", &err);

  void *h = load_hand(dir);
  HandFn hand = h ? (HandFn)dlsym(h, "hand") : NULL;
  HandFn floor_fn = h ? (HandFn)dlsym(h, "floor_sum") : NULL;
  if (!hand) fprintf(stderr, "bench: cannot build the hand-written C (cc -O3 -march=native)\n");

  Timing e[5] = {{"hand-written C, cc -O3 -march=native", 1e9}, {"JIT batch kernel (lean)", 1e9},
                 {"AOT P_R_batch (O2, host CPU)", 1e9}, {"memory floor (sum of 6 columns)", 1e9},
                 {"reference interpreter", 1e9}};
  int reps = rows >= 5000000 ? 5 : 9;
  for (int rep = 0; rep < reps; rep++) {
    double t0 = now();
    if (hand) hand(rows, cols, out[0]);
    double t1 = now();
    double *jo[1] = {out[1]};
    ruleset_eval(jit, rows, cols, jo);
    double t2 = now();
    if (aot_fn) aot_fn(rows, cols, out[2]);
    double t3 = now();
    if (floor_fn) floor_fn(rows, cols, out[3]);
    double t4 = now();
    double tt[4] = {t1 - t0, t2 - t1, t3 - t2, t4 - t3};
    for (int k = 0; k < 4; k++)
      if (tt[k] < e[k].best) e[k].best = tt[k];
    if (rep < 2) {   /* the slow one, twice */
      double *io[1] = {out[4]};
      double t5 = now();
      ruleset_eval(interp, rows, cols, io);
      double ti = now() - t5;
      if (ti < e[4].best) e[4].best = ti;
    }
  }
  size_t differ_interp = 0, differ_hand = 0, differ_aot = 0;
  for (size_t i = 0; i < rows; i++) {
    differ_interp += memcmp(&out[1][i], &out[4][i], 8) != 0;
    differ_aot += memcmp(&out[1][i], &out[2][i], 8) != 0;
    differ_hand += hand && memcmp(&out[1][i], &out[0][i], 8) != 0;
  }
  printf("Run speed: %zu rows x 6 columns, best of %d\n", rows, reps);
  printf("  %-40s %8s %10s\n", "engine", "ns/row", "vs C");
  for (int k = 0; k < 5; k++) {
    if ((k == 0 || k == 3) && !hand) continue;
    printf("  %-40s %8.2f %9.2fx\n", e[k].name, e[k].best / (double)rows * 1e9,
           hand ? e[k].best / e[0].best : 0.0);
  }
  printf("  results: JIT = interpreter on %zu of %zu rows, JIT = AOT on %zu, JIT = C on %zu\n"
         "  (C may differ: gcc contracts a*b+c into FMA under -march=native)\n\n",
         rows - differ_interp, rows, rows - differ_aot, rows - differ_hand);
  ruleset_free(jit);
  ruleset_free(interp);
  jit_free(aot);
  for (int k = 0; k < 6; k++) free(col[k]);
  for (int k = 0; k < 5; k++) free(out[k]);
  compiler_free(c);
}

/* ------------------------------------------------------------------------
 * 2. Compile latency
 * ------------------------------------------------------------------------ */

/* Compile n rules once; returns seconds, and the set (caller frees). */
static double compile(const RuleSig **sigs, int n, JitOpt level, RuleSet **out) {
  EvalOptions o;
  eval_options_init(&o);
  o.opt = level;
  char *err = NULL;
  double t0 = now();
  RuleSet *rs = ruleset_new(sigs, n, &o, &err);
  double t = now() - t0;
  if (!rs) {
    fprintf(stderr, "bench: %s\n", err ? err : "?");
    exit(1);
  }
  *out = rs;
  return t;
}

/* ns per row and rule of all the set's kernels over rows rows (best of 5). */
static double kernel_speed(RuleSet *rs, size_t rows) {
  double *colmem = malloc(sizeof(double) * rows * (size_t)rs->ncols);
  double *outmem = malloc(sizeof(double) * rows * (size_t)rs->n);
  const double *cols[rs->ncols];
  double *outs[rs->n];
  for (int c = 0; c < rs->ncols; c++) {
    cols[c] = colmem + (size_t)c * rows;
    for (size_t i = 0; i < rows; i++) colmem[(size_t)c * rows + i] = (double)((i * 7 + (size_t)c * 13) % 97) / 9.0 - 3;
  }
  for (int r = 0; r < rs->n; r++) outs[r] = outmem + (size_t)r * rows;
  double best = 1e9;
  for (int rep = 0; rep < 5; rep++) {
    double t0 = now();
    ruleset_eval(rs, rows, cols, outs);
    double t = now() - t0;
    if (t < best) best = t;
  }
  free(colmem);
  free(outmem);
  return best / (double)rows / (double)rs->n * 1e9;
}

static void compile_latency(const char *dir) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  printf("JIT compile latency (object cache off, %ld threads)\n", cpus);
  printf("  %-8s %12s %12s %18s %18s\n", "rules", "lean (s)", "O2 (s)", "lean ns/row/rule", "O2 ns/row/rule");
  setenv("MISSIONC_CACHE", "0", 1);
  const int counts[] = {1, 100, 1000};
  for (int i = 0; i < 3; i++) {
    int n = counts[i];
    Compiler *c = compiler_new();
    char *text = many_rules(n);
    Model *m = load(c, text);
    int nr;
    const RuleSig **sigs = all_rules(c, m, &nr);
    RuleSet *lean, *o2;
    double tl = 1e9, to = 1e9;
    for (int rep = 0; rep < 3; rep++) {   /* best of three */
      double t = compile(sigs, nr, JIT_OPT_LEAN, &lean);
      if (t < tl) tl = t;
      if (rep < 2) ruleset_free(lean);
      t = compile(sigs, nr, JIT_OPT_O2, &o2);
      if (t < to) to = t;
      if (rep < 2) ruleset_free(o2);
    }
    size_t rows = (size_t)(4000000 / n);   /* outputs stay within 32 MB */
    if (rows > 200000) rows = 200000;
    double sl = kernel_speed(lean, rows), so = kernel_speed(o2, rows);
    printf("  %-8d %12.3f %12.3f %18.2f %18.2f   (%d kernels)\n", n, tl, to, sl, so, lean->nkernels);
    ruleset_free(lean);
    ruleset_free(o2);
    free(text);
    compiler_free(c);
  }

  /* The object cache: a fresh cache, filled by the first compilation. */
  char cache[600];
  snprintf(cache, sizeof cache, "%s/cache", dir);
  setenv("MISSIONC_CACHE", "1", 1);
  setenv("MISSIONC_CACHE_DIR", cache, 1);
  Compiler *c = compiler_new();
  char *text = many_rules(1000);
  Model *m = load(c, text);
  int nr;
  const RuleSig **sigs = all_rules(c, m, &nr);
  RuleSet *rs;
  double cold = compile(sigs, nr, JIT_OPT_LEAN, &rs);
  size_t misses = rs->cache_misses;
  ruleset_free(rs);
  double warm = compile(sigs, nr, JIT_OPT_LEAN, &rs);
  printf("  1,000 rules with the object cache: first %.3f s (%zu compiled), unchanged again %.3f s "
         "(%zu from the cache, %zu compiled)\n\n", cold, misses, warm, rs->cache_hits, rs->cache_misses);
  ruleset_free(rs);
  free(text);
  compiler_free(c);
}

int main(int argc, char **argv) {
  size_t rows = argc > 1 ? (size_t)atol(argv[1]) : 10000000;
  char dir[] = "/tmp/missionc-bench-XXXXXX";
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 2;
  }
  run_speed(rows, dir);
  compile_latency(dir);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "bench: could not remove %s\n", dir);
  return 0;
}
