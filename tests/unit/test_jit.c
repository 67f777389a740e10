/* test_jit.c - the JIT, its pipelines, parallel compilation, the object
 * cache, and ahead-of-time objects and shared libraries. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <dirent.h>
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <llvm-c/Core.h>

#include "jit.h"
#include "object.h"

typedef double (*UnaryFn)(double);
typedef void (*BatchFn)(const double *, const double *, double *, int64_t);

/* ------------------------------------------------------------------------
 * A module built by hand, the way a naive front end would: allocas for
 * locals, a top-tested loop, a select in the body.
 *
 *   double f<tag>(double x) { return exp(x) * 2.0 + 1.0; }
 *   void batch<tag>(const double *a, const double *b, double *out, i64 n)
 *   { for (i64 i = 0; i < n; i++) out[i] = a[i] > b[i] ? a[i] / b[i] : 1.0; }
 * ------------------------------------------------------------------------ */

/* Adds f<tag>, which calls exp from libm. */
static void build_unary(LLVMContextRef ctx, LLVMModuleRef mod, const char *name) {
  LLVMTypeRef dbl = LLVMDoubleTypeInContext(ctx);
  LLVMTypeRef fnty = LLVMFunctionType(dbl, &dbl, 1, 0);
  LLVMValueRef exp_fn = LLVMGetNamedFunction(mod, "exp");
  if (!exp_fn) exp_fn = LLVMAddFunction(mod, "exp", fnty);
  LLVMValueRef f = LLVMAddFunction(mod, name, fnty);
  LLVMBuilderRef b = LLVMCreateBuilderInContext(ctx);
  LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(ctx, f, "entry"));
  LLVMValueRef x = LLVMGetParam(f, 0);
  LLVMValueRef e = LLVMBuildCall2(b, fnty, exp_fn, &x, 1, "e");
  LLVMValueRef m = LLVMBuildFMul(b, e, LLVMConstReal(dbl, 2.0), "m");
  LLVMBuildRet(b, LLVMBuildFAdd(b, m, LLVMConstReal(dbl, 1.0), "r"));
  LLVMDisposeBuilder(b);
}

/* Adds batch<tag>, a loop over four arguments kept in allocas. */
static void build_batch(LLVMContextRef ctx, LLVMModuleRef mod, const char *name) {
  LLVMTypeRef dbl = LLVMDoubleTypeInContext(ctx), i64 = LLVMInt64TypeInContext(ctx);
  LLVMTypeRef ptr = LLVMPointerType(dbl, 0);
  LLVMTypeRef params[] = {ptr, ptr, ptr, i64};
  LLVMValueRef f =
      LLVMAddFunction(mod, name, LLVMFunctionType(LLVMVoidTypeInContext(ctx), params, 4, 0));
  LLVMBuilderRef b = LLVMCreateBuilderInContext(ctx);
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(ctx, f, "entry");
  LLVMBasicBlockRef cond = LLVMAppendBasicBlockInContext(ctx, f, "cond");
  LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(ctx, f, "body");
  LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(ctx, f, "done");
  LLVMPositionBuilderAtEnd(b, entry);
  LLVMValueRef slots[4], iv = LLVMBuildAlloca(b, i64, "i");
  for (unsigned k = 0; k < 4; k++) {
    slots[k] = LLVMBuildAlloca(b, params[k], "arg");
    LLVMBuildStore(b, LLVMGetParam(f, k), slots[k]);
  }
  LLVMBuildStore(b, LLVMConstInt(i64, 0, 0), iv);
  LLVMBuildBr(b, cond);
  LLVMPositionBuilderAtEnd(b, cond);
  LLVMValueRef i = LLVMBuildLoad2(b, i64, iv, "i");
  LLVMValueRef n = LLVMBuildLoad2(b, i64, slots[3], "n");
  LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntSLT, i, n, "more"), body, done);
  LLVMPositionBuilderAtEnd(b, body);
  i = LLVMBuildLoad2(b, i64, iv, "i");
  LLVMValueRef pa = LLVMBuildGEP2(b, dbl, LLVMBuildLoad2(b, ptr, slots[0], "a"), &i, 1, "pa");
  LLVMValueRef pb = LLVMBuildGEP2(b, dbl, LLVMBuildLoad2(b, ptr, slots[1], "b"), &i, 1, "pb");
  LLVMValueRef po = LLVMBuildGEP2(b, dbl, LLVMBuildLoad2(b, ptr, slots[2], "o"), &i, 1, "po");
  LLVMValueRef va = LLVMBuildLoad2(b, dbl, pa, "va"), vb = LLVMBuildLoad2(b, dbl, pb, "vb");
  LLVMValueRef gt = LLVMBuildFCmp(b, LLVMRealOGT, va, vb, "gt");
  LLVMValueRef q = LLVMBuildFDiv(b, va, vb, "q");
  LLVMBuildStore(b, LLVMBuildSelect(b, gt, q, LLVMConstReal(dbl, 1.0), "v"), po);
  LLVMBuildStore(b, LLVMBuildAdd(b, i, LLVMConstInt(i64, 1, 0), "next"), iv);
  LLVMBuildBr(b, cond);
  LLVMPositionBuilderAtEnd(b, done);
  LLVMBuildRetVoid(b);
  LLVMDisposeBuilder(b);
}

/* A module "rules<tag>" with f<tag> and batch<tag>, in its own context. */
static LLVMModuleRef build_module(LLVMContextRef *ctx, int tag) {
  char name[64];
  *ctx = LLVMContextCreate();
  snprintf(name, sizeof name, "rules%d", tag);
  LLVMModuleRef mod = LLVMModuleCreateWithNameInContext(name, *ctx);
  snprintf(name, sizeof name, "f%d", tag);
  build_unary(*ctx, mod, name);
  snprintf(name, sizeof name, "batch%d", tag);
  build_batch(*ctx, mod, name);
  return mod;
}

/* Looks up a symbol that must exist. */
static JitFunc must_find(Jit *jit, const char *name) {
  char *err = NULL;
  JitFunc fn = jit_lookup_func(jit, name, &err);
  cr_assert(fn != NULL, "lookup of %s: %s", name, err ? err : "");
  return fn;
}

/* Checks f<tag> and batch<tag> against the same computation in C. */
static void check_functions(Jit *jit, int tag) {
  char name[64];
  snprintf(name, sizeof name, "f%d", tag);
  UnaryFn f = (UnaryFn)must_find(jit, name);
  for (double x = -3.0; x <= 3.0; x += 0.25)
    cr_assert(eq(dbl, f(x), exp(x) * 2.0 + 1.0), "%s(%g)", name, x);
  snprintf(name, sizeof name, "batch%d", tag);
  BatchFn batch = (BatchFn)must_find(jit, name);
  enum { N = 1003 };
  static double a[N], b[N], out[N];
  for (int i = 0; i < N; i++) {
    a[i] = (i % 17) - 8.0;
    b[i] = (i % 5) - 2.5;
  }
  batch(a, b, out, N);
  for (int i = 0; i < N; i++)
    cr_assert(eq(dbl, out[i], a[i] > b[i] ? a[i] / b[i] : 1.0), "%s row %d", name, i);
}

/* A JIT that must be created, with the cache off unless a test turns it on. */
static Jit *must_jit(const char *cpu) {
  char *err = NULL;
  Jit *jit = jit_new(cpu, &err);
  cr_assert(jit != NULL, "jit_new: %s", err ? err : "");
  jit_set_cache_dir(jit, NULL);
  return jit;
}

/* A fresh temporary directory. */
static char *temp_dir(void) {
  char *dir = strdup("/tmp/missionc-test-XXXXXX");
  cr_assert(mkdtemp(dir) != NULL);
  return dir;
}

/* Removes a directory and the files in it. */
static void remove_dir(char *dir) {
  DIR *d = opendir(dir);
  for (struct dirent *e; d && (e = readdir(d));) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    unlink(path);
  }
  if (d) closedir(d);
  rmdir(dir);
  free(dir);
}

/* ------------------------------------------------------------------------
 * IR modules through LLJIT
 * ------------------------------------------------------------------------ */

Test(jit, opt_names) {
  JitOpt level;
  cr_assert(eq(str, (char *)jit_opt_name(JIT_OPT_LEAN), "lean"));
  cr_assert(eq(int, jit_opt_parse("O3", &level), 0));
  cr_assert(eq(int, level, JIT_OPT_O3));
  cr_assert(eq(int, jit_opt_parse("none", &level), 0));
  cr_assert(eq(int, level, JIT_OPT_NONE));
  cr_assert(eq(int, jit_opt_parse("O7", &level), -1));
}

/* Whether /proc/cpuinfo lists flag among the CPU's flags (false if unreadable). */
static bool cpuinfo_has(const char *flag) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return false;
  char line[8192];
  bool found = false;
  size_t n = strlen(flag);
  while (!found && fgets(line, sizeof line, f)) {
    if (strncmp(line, "flags", 5) != 0) continue;
    for (char *p = strstr(line, flag); p && !found; p = strstr(p + 1, flag))
      found = p[-1] == ' ' && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0');
    break;
  }
  fclose(f);
  return found;
}

/* Whether a comma-separated LLVM feature string enables feature ("+avx2"). */
static bool feature_on(const char *features, const char *feature) {
  size_t n = strlen(feature);
  for (const char *p = strstr(features, feature); p; p = strstr(p + 1, feature))
    if ((p == features || p[-1] == ',') && (p[n] == ',' || p[n] == '\0')) return true;
  return false;
}

/* The host JIT compiles for what the CPU has, whatever LLVM calls it: a CPU
 * newer than LLVM is "generic" by name but keeps its vector features. */
Test(jit, host_target) {
  Jit *jit = must_jit(NULL);
  cr_assert(strlen(jit_triple(jit)) > 0);
  cr_assert(strlen(jit_cpu(jit)) > 0);
  const char *features = jit_features(jit);
#if defined(__x86_64__)
  static const char *const flags[][2] = {{"sse2", "+sse2"}, {"avx", "+avx"}, {"avx2", "+avx2"},
                                         {"fma", "+fma"}, {"avx512f", "+avx512f"}};
  for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
    if (cpuinfo_has(flags[i][0]))
      cr_assert(feature_on(features, flags[i][1]), "the CPU has %s but the JIT's features miss %s: %s",
                flags[i][0], flags[i][1], features);
#endif
  jit_free(jit);
  jit = must_jit("generic");
  cr_assert(eq(str, (char *)jit_cpu(jit), "generic"));
  cr_assert(eq(str, (char *)jit_features(jit), ""));
  jit_free(jit);
}

/* An unknown or unusable CPU is an error with the nearest name, never an abort. */
Test(jit, unknown_cpu) {
  char *err = NULL;
  cr_assert(eq(int, jit_check_cpu("skylak", &err), -1));
  cr_assert(strstr(err, "did you mean 'skylake'?") != NULL, "%s", err);
  cr_assert(strstr(err, "--cpu takes native, generic") != NULL, "%s", err);
  free(err);
  err = NULL;
  cr_assert(eq(ptr, jit_new("bogus", &err), NULL));
  cr_assert(strstr(err, "unknown CPU 'bogus'") != NULL, "%s", err);
  free(err);
  cr_assert(eq(int, jit_check_cpu("native", NULL), 0));
  cr_assert(eq(int, jit_check_cpu("x86-64", NULL), 0));
#if defined(__x86_64__)
  err = NULL;
  cr_assert(eq(int, jit_check_cpu("i386", &err), -1));
  free(err);
#endif
}

/* Builds, optimises and adds one module at a level, then runs it. */
static void run_at_level(JitOpt level, const char *cpu) {
  Jit *jit = must_jit(cpu);
  LLVMContextRef ctx;
  LLVMModuleRef mod = build_module(&ctx, 1);
  char *err = NULL;
  jit_prepare_module(jit, mod);
  cr_assert(eq(int, jit_optimize(jit, mod, level, &err), 0), "%s", err ? err : "");
  cr_assert(eq(int, jit_add_module(jit, mod, ctx, &err), 0), "%s", err ? err : "");
  check_functions(jit, 1);
  jit_free(jit);
}

Test(jit, level_none) {
  run_at_level(JIT_OPT_NONE, NULL);
}
Test(jit, level_lean) {
  run_at_level(JIT_OPT_LEAN, NULL);
}
Test(jit, level_o2) {
  run_at_level(JIT_OPT_O2, NULL);
}
Test(jit, level_o3) {
  run_at_level(JIT_OPT_O3, NULL);
}
Test(jit, level_o2_generic_cpu) {
  run_at_level(JIT_OPT_O2, "generic");
}

Test(jit, lean_pipeline_vectorises_the_batch_loop) {
  Jit *jit = must_jit(NULL);
  LLVMContextRef ctx;
  LLVMModuleRef mod = build_module(&ctx, 1);
  jit_prepare_module(jit, mod);
  cr_assert(eq(int, jit_optimize(jit, mod, JIT_OPT_LEAN, NULL), 0));
  char *ir = LLVMPrintModuleToString(mod);
  cr_assert(strstr(ir, "x double>") != NULL, "no vector code:\n%s", ir);
  cr_assert(strstr(ir, "alloca") == NULL, "allocas left:\n%s", ir);
  LLVMDisposeMessage(ir);
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  jit_free(jit);
}

Test(jit, invalid_module_is_reported) {
  Jit *jit = must_jit(NULL);
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = LLVMModuleCreateWithNameInContext("bad", ctx);
  LLVMTypeRef dbl = LLVMDoubleTypeInContext(ctx);
  LLVMValueRef f = LLVMAddFunction(mod, "g", LLVMFunctionType(dbl, &dbl, 1, 0));
  LLVMAppendBasicBlockInContext(ctx, f, "entry"); /* no terminator */
  char *err = NULL;
  cr_assert(eq(int, jit_optimize(jit, mod, JIT_OPT_O2, &err), -1));
  cr_assert(err && strstr(err, "invalid module") != NULL, "%s", err ? err : "");
  free(err);
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  jit_free(jit);
}

Test(jit, missing_symbols_are_reported) {
  Jit *jit = must_jit(NULL);
  char *err = NULL;
  cr_assert(jit_lookup(jit, "nowhere", &err) == NULL);
  cr_assert(err && strstr(err, "nowhere") != NULL, "%s", err ? err : "");
  free(err);
  err = NULL;

  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = LLVMModuleCreateWithNameInContext("undef", ctx);
  LLVMTypeRef dbl = LLVMDoubleTypeInContext(ctx), fnty = LLVMFunctionType(dbl, &dbl, 1, 0);
  LLVMValueRef callee = LLVMAddFunction(mod, "missionc_no_such_function", fnty);
  LLVMValueRef f = LLVMAddFunction(mod, "h", fnty);
  LLVMBuilderRef b = LLVMCreateBuilderInContext(ctx);
  LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(ctx, f, "entry"));
  LLVMValueRef x = LLVMGetParam(f, 0);
  LLVMBuildRet(b, LLVMBuildCall2(b, fnty, callee, &x, 1, "r"));
  LLVMDisposeBuilder(b);
  jit_prepare_module(jit, mod);
  cr_assert(eq(int, jit_add_module(jit, mod, ctx, &err), 0));
  cr_assert(jit_lookup(jit, "h", &err) == NULL);
  cr_assert(err && strstr(err, "missionc_no_such_function") != NULL, "%s", err ? err : "");
  free(err);
  jit_free(jit);
}

/* ------------------------------------------------------------------------
 * Objects: parallel compilation and the cache
 * ------------------------------------------------------------------------ */

/* Compiles modules first..first+n-1 into jit; returns jit_compile_objects' result. */
static int compile_range(Jit *jit, int first, int n, int threads, JitOpt level, char **err) {
  LLVMModuleRef mods[16];
  LLVMContextRef ctxs[16];
  for (int i = 0; i < n; i++)
    mods[i] = build_module(&ctxs[i], first + i);
  return jit_compile_objects(jit, mods, ctxs, (size_t)n, threads, level, err);
}

Test(jit_objects, parallel_compile_at_every_level) {
  for (JitOpt level = JIT_OPT_NONE; level <= JIT_OPT_O3; level++) {
    Jit *jit = must_jit(NULL);
    char *err = NULL;
    cr_assert(eq(int, compile_range(jit, 0, 6, 2, level, &err), 0), "%s", err ? err : "");
    for (int i = 0; i < 6; i++)
      check_functions(jit, i);
    JitStats s = jit_stats(jit);
    cr_assert(eq(sz, s.cache_misses, (size_t)6));
    cr_assert(eq(sz, s.cache_hits, (size_t)0));
    jit_free(jit);
  }
}

Test(jit_objects, one_thread_and_shared_context) {
  Jit *jit = must_jit(NULL);
  char *err = NULL;
  cr_assert(eq(int, compile_range(jit, 0, 3, 1, JIT_OPT_LEAN, &err), 0), "%s", err ? err : "");
  check_functions(jit, 2);
  /* modules without contexts to own: the context stays the caller's */
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mods[2] = {LLVMModuleCreateWithNameInContext("a", ctx),
                           LLVMModuleCreateWithNameInContext("b", ctx)};
  build_unary(ctx, mods[0], "fa");
  build_unary(ctx, mods[1], "fb");
  cr_assert(eq(int, jit_compile_objects(jit, mods, NULL, 2, 4, JIT_OPT_O2, &err), 0));
  cr_assert(eq(dbl, ((UnaryFn)must_find(jit, "fb"))(0.5), exp(0.5) * 2.0 + 1.0));
  LLVMContextDispose(ctx);
  jit_free(jit);
}

Test(jit_objects, duplicate_symbol_adds_nothing) {
  Jit *jit = must_jit(NULL);
  char *err = NULL;
  cr_assert(eq(int, compile_range(jit, 0, 1, 1, JIT_OPT_NONE, &err), 0));
  LLVMModuleRef mods[2];
  LLVMContextRef ctxs[2];
  mods[0] = build_module(&ctxs[0], 7);
  mods[1] = build_module(&ctxs[1], 0); /* f0 and batch0 again */
  cr_assert(eq(int, jit_compile_objects(jit, mods, ctxs, 2, 2, JIT_OPT_NONE, &err), -1));
  cr_assert(err && strstr(err, "rules0") != NULL, "%s", err ? err : "");
  free(err);
  err = NULL;
  cr_assert(jit_lookup(jit, "f7", &err) == NULL, "f7 was added");
  free(err);
  check_functions(jit, 0);
  jit_free(jit);
}

Test(jit_objects, invalid_module_fails_the_batch) {
  Jit *jit = must_jit(NULL);
  LLVMModuleRef mods[2];
  LLVMContextRef ctxs[2];
  mods[0] = build_module(&ctxs[0], 1);
  ctxs[1] = LLVMContextCreate();
  mods[1] = LLVMModuleCreateWithNameInContext("broken", ctxs[1]);
  LLVMTypeRef dbl = LLVMDoubleTypeInContext(ctxs[1]);
  LLVMAppendBasicBlockInContext(
      ctxs[1], LLVMAddFunction(mods[1], "g", LLVMFunctionType(dbl, &dbl, 1, 0)), "e");
  char *err = NULL;
  cr_assert(eq(int, jit_compile_objects(jit, mods, ctxs, 2, 2, JIT_OPT_O2, &err), -1));
  cr_assert(err && strstr(err, "module 'broken': invalid module") != NULL, "%s", err ? err : "");
  free(err);
  jit_free(jit);
}

/* Lists the cache entries (*.o) of dir; returns how many. */
static int cache_entries(const char *dir, char paths[][4096], int max) {
  int n = 0;
  DIR *d = opendir(dir);
  for (struct dirent *e; d && (e = readdir(d));) {
    size_t len = strlen(e->d_name);
    if (len > 2 && strcmp(e->d_name + len - 2, ".o") == 0 && n < max)
      snprintf(paths[n++], 4096, "%s/%s", dir, e->d_name);
  }
  if (d) closedir(d);
  return n;
}

Test(jit_cache, second_compile_hits) {
  char *dir = temp_dir();
  char sub[4200];
  snprintf(sub, sizeof sub, "%s/nested/cache", dir);
  setenv("MISSIONC_CACHE_DIR", sub, 1);
  unsetenv("MISSIONC_CACHE");
  char *err = NULL;

  Jit *jit = jit_new(NULL, &err);
  cr_assert(eq(str, (char *)jit_cache_dir(jit), sub));
  cr_assert(eq(int, compile_range(jit, 0, 3, 2, JIT_OPT_O3, &err), 0), "%s", err ? err : "");
  JitStats s = jit_stats(jit);
  cr_assert(eq(sz, s.cache_misses, (size_t)3));
  cr_assert(eq(sz, s.cache_writes, (size_t)3));
  jit_free(jit);

  jit = jit_new(NULL, &err);
  cr_assert(eq(int, compile_range(jit, 0, 3, 2, JIT_OPT_O3, &err), 0), "%s", err ? err : "");
  s = jit_stats(jit);
  cr_assert(eq(sz, s.cache_hits, (size_t)3));
  cr_assert(eq(sz, s.cache_misses, (size_t)0));
  for (int i = 0; i < 3; i++)
    check_functions(jit, i);
  /* another level is another key */
  cr_assert(eq(int, compile_range(jit, 10, 1, 1, JIT_OPT_O2, &err), 0));
  cr_assert(eq(int, compile_range(jit, 20, 1, 1, JIT_OPT_O3, &err), 0));
  jit_free(jit);

  jit = jit_new(NULL, &err);
  cr_assert(eq(int, compile_range(jit, 10, 1, 1, JIT_OPT_O3, &err), 0));
  cr_assert(eq(sz, jit_stats(jit).cache_misses, (size_t)1), "O2 entry reused at O3");
  jit_free(jit);

  char paths[16][4096];
  int n = cache_entries(sub, paths, 16);
  cr_assert(eq(int, n, 6));
  for (int i = 0; i < n; i++)
    unlink(paths[i]);
  rmdir(sub);
  *strrchr(sub, '/') = '\0';
  rmdir(sub);
  remove_dir(dir);
}

/* Overwrites part of a file, or truncates it when data is NULL. */
static void damage(const char *path, long offset, const char *data) {
  if (!data) {
    cr_assert(eq(int, truncate(path, offset), 0));
    return;
  }
  FILE *f = fopen(path, "r+b");
  cr_assert(f != NULL);
  fseek(f, offset, SEEK_SET);
  fwrite(data, 1, strlen(data), f);
  fclose(f);
}

Test(jit_cache, corrupt_entries_are_ignored_and_replaced) {
  char *dir = temp_dir();
  setenv("MISSIONC_CACHE_DIR", dir, 1);
  unsetenv("MISSIONC_CACHE");
  char *err = NULL;
  Jit *jit = jit_new(NULL, &err);
  cr_assert(eq(int, compile_range(jit, 0, 4, 2, JIT_OPT_LEAN, &err), 0));
  jit_free(jit);

  char paths[8][4096];
  cr_assert(eq(int, cache_entries(dir, paths, 8), 4));
  damage(paths[0], 200, "garbage!");         /* object bytes changed */
  damage(paths[1], 30, NULL);                /* truncated header */
  damage(paths[2], 0, "XXXX");               /* bad magic */
  cr_assert(eq(int, chmod(paths[3], 0), 0)); /* unreadable (unless root) */

  jit = jit_new(NULL, &err);
  cr_assert(eq(int, compile_range(jit, 0, 4, 2, JIT_OPT_LEAN, &err), 0), "%s", err ? err : "");
  JitStats s = jit_stats(jit);
  cr_assert(s.cache_rejects >= 3, "rejects %zu", s.cache_rejects);
  cr_assert(eq(sz, s.cache_hits + s.cache_misses, (size_t)4));
  for (int i = 0; i < 4; i++)
    check_functions(jit, i);
  jit_free(jit);

  jit = jit_new(NULL, &err); /* rewritten entries hit */
  cr_assert(eq(int, compile_range(jit, 0, 3, 2, JIT_OPT_LEAN, &err), 0));
  cr_assert(eq(sz, jit_stats(jit).cache_hits, (size_t)3));
  jit_free(jit);
  remove_dir(dir);
}

Test(jit_cache, can_be_turned_off) {
  setenv("MISSIONC_CACHE", "0", 1);
  setenv("MISSIONC_CACHE_DIR", "/nonexistent/should/not/be/used", 1);
  Jit *jit = jit_new(NULL, NULL);
  cr_assert(jit_cache_dir(jit) == NULL);
  cr_assert(eq(int, compile_range(jit, 0, 1, 1, JIT_OPT_NONE, NULL), 0));
  cr_assert(eq(sz, jit_stats(jit).cache_writes, (size_t)0));
  jit_free(jit);

  unsetenv("MISSIONC_CACHE");
  unsetenv("MISSIONC_CACHE_DIR");
  setenv("XDG_CACHE_HOME", "/somewhere", 1);
  jit = jit_new(NULL, NULL);
  cr_assert(eq(str, (char *)jit_cache_dir(jit), "/somewhere/missionc"));
  jit_free(jit);
  unsetenv("XDG_CACHE_HOME");
  setenv("HOME", "/home/someone", 1);
  jit = jit_new(NULL, NULL);
  cr_assert(eq(str, (char *)jit_cache_dir(jit), "/home/someone/.cache/missionc"));
  jit_free(jit);
}

Test(jit_cache, unusable_directory_still_compiles) {
  setenv("MISSIONC_CACHE_DIR", "/proc/missionc-cannot-create", 1);
  unsetenv("MISSIONC_CACHE");
  Jit *jit = jit_new(NULL, NULL);
  char *err = NULL;
  cr_assert(eq(int, compile_range(jit, 0, 2, 2, JIT_OPT_O2, &err), 0), "%s", err ? err : "");
  check_functions(jit, 1);
  cr_assert(eq(sz, jit_stats(jit).cache_writes, (size_t)0));
  jit_free(jit);
}

/* ------------------------------------------------------------------------
 * Ahead-of-time objects and shared libraries
 * ------------------------------------------------------------------------ */

/* Reads a whole file into a malloc'd buffer. */
static char *slurp(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  cr_assert(f != NULL, "%s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  char *data = malloc((size_t)n);
  cr_assert(eq(sz, fread(data, 1, (size_t)n, f), (size_t)n));
  fclose(f);
  *size = (size_t)n;
  return data;
}

/* Emits module 1, optimised at O2, to path. */
static int emit_module(const char *path, ObjKind kind, char **err) {
  LLVMContextRef ctx;
  LLVMModuleRef mod = build_module(&ctx, 1);
  LLVMTargetMachineRef tm =
      jit_target_machine(NULL, LLVMRelocPIC, LLVMCodeModelDefault, LLVMCodeGenLevelDefault, err);
  cr_assert(tm != NULL);
  cr_assert(eq(int, jit_run_passes(mod, tm, JIT_OPT_O2, err), 0));
  LLVMDisposeTargetMachine(tm);
  int rc = obj_emit_file(mod, NULL, path, kind, err);
  LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  return rc;
}

Test(aot, object_is_deterministic) {
  char *dir = temp_dir();
  char a[4200], b[4200];
  snprintf(a, sizeof a, "%s/a.o", dir);
  snprintf(b, sizeof b, "%s/b.o", dir);
  char *err = NULL;
  cr_assert(eq(int, emit_module(a, OBJ_OBJECT, &err), 0), "%s", err ? err : "");
  cr_assert(eq(int, emit_module(b, OBJ_OBJECT, &err), 0), "%s", err ? err : "");
  size_t na, nb;
  char *da = slurp(a, &na), *db = slurp(b, &nb);
  cr_assert(na > 100);
  cr_assert(eq(sz, na, nb));
  cr_assert(memcmp(da, db, na) == 0, "objects differ");
  cr_assert(memcmp(da, "\177ELF", 4) == 0);
  free(da);
  free(db);
  remove_dir(dir);
}

Test(aot, shared_library_loads_and_runs) {
  char *dir = temp_dir();
  char so[4200];
  snprintf(so, sizeof so, "%s/librules.so", dir);
  char *err = NULL;
  cr_assert(eq(int, emit_module(so, OBJ_SHARED, &err), 0), "%s", err ? err : "");
  void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
  cr_assert(h != NULL, "%s", dlerror());
  void *pf = dlsym(h, "f1"), *pb = dlsym(h, "batch1");
  cr_assert(pf && pb);
  UnaryFn f = (UnaryFn)(uintptr_t)pf;
  cr_assert(eq(dbl, f(1.5), exp(1.5) * 2.0 + 1.0));
  BatchFn batch = (BatchFn)(uintptr_t)pb;
  double x[5] = {4, 1, -2, 9, 0}, y[5] = {2, 2, -4, 3, 0}, out[5];
  batch(x, y, out, 5);
  double want[5] = {2, 1, 0.5, 3, 1};
  for (int i = 0; i < 5; i++)
    cr_assert(eq(dbl, out[i], want[i]));
  dlclose(h);
  remove_dir(dir);
}

Test(aot, errors_are_reported) {
  char *err = NULL;
  cr_assert(eq(int, emit_module("/nonexistent-dir/x.o", OBJ_OBJECT, &err), -1));
  cr_assert(err && strstr(err, "/nonexistent-dir/x.o") != NULL, "%s", err ? err : "");
  free(err);
  err = NULL;

  char *dir = temp_dir();
  char so[4200];
  snprintf(so, sizeof so, "%s/x.so", dir);
  setenv("MISSIONC_CC", "/nonexistent/cc", 1);
  cr_assert(eq(int, emit_module(so, OBJ_SHARED, &err), -1));
  cr_assert(err && strstr(err, "cannot run '/nonexistent/cc'") != NULL, "%s", err ? err : "");
  free(err);
  err = NULL;
  setenv("MISSIONC_CC", "false", 1);
  cr_assert(eq(int, emit_module(so, OBJ_SHARED, &err), -1));
  cr_assert(err && strstr(err, "exit status 1") != NULL, "%s", err ? err : "");
  free(err);
  err = NULL;
  unsetenv("MISSIONC_CC");
  snprintf(so, sizeof so, "%s/no/such/dir/x.so", dir);
  cr_assert(eq(int, emit_module(so, OBJ_SHARED, &err), -1));
  /* the library is linked in a private folder, then written through outfile */
  cr_assert(err && strstr(err, "No such file or directory") != NULL, "%s", err ? err : "");
  free(err);
  remove_dir(dir);
  cr_assert(eq(str, (char *)obj_kind_name(OBJ_SHARED), "shared"));
}
