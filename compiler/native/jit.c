/* jit.c - LLVM target setup, ORC LLJIT, pass pipelines, parallel object
 * compilation and the on-disk object cache.
 *
 * Two ways into the JIT:
 *   - jit_add_module hands an IR module to LLJIT, which compiles it on the
 *     first lookup with its own target machine;
 *   - jit_compile_objects compiles modules to object files itself, on
 *     several threads with one target machine each (a TargetMachine is not
 *     thread-safe, distinct LLVMContexts are), through the object cache, and
 *     adds the objects with LLVMOrcLLJITAddObjectFile.
 * All target machines use the JIT code model (large on x86-64 in LLVM 16),
 * so objects loaded anywhere in the address space still link.
 */
#include "jit.h"
#include "sha256.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/BitReader.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <llvm/Config/llvm-config.h>

#ifndef MISSIONC_VERSION
#define MISSIONC_VERSION "dev"
#endif

struct Jit {
  LLVMOrcLLJITRef lljit;
  LLVMTargetMachineRef tm; /* for jit_optimize; the LLJIT owns its own */
  char *triple;
  char *data_layout;
  char *cpu;
  char *features;
  char *cache_dir;     /* NULL: cache off */
  char *session_error; /* last error reported by the ORC session */
  JitStats stats;
};

/* ------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------ */

void jit_target_module(LLVMModuleRef mod, LLVMTargetMachineRef tm) {
  char *triple = LLVMGetTargetMachineTriple(tm);
  LLVMSetTarget(mod, triple);
  LLVMDisposeMessage(triple);
  LLVMTargetDataRef td = LLVMCreateTargetDataLayout(tm);
  char *layout = LLVMCopyStringRepOfTargetData(td);
  LLVMSetDataLayout(mod, layout);
  LLVMDisposeMessage(layout);
  LLVMDisposeTargetData(td);
}


/* Consumes an LLVM error and returns its text, malloc'd. */
static char *take_llvm_error(LLVMErrorRef e) {
  char *msg = LLVMGetErrorMessage(e);
  char *copy = strdup(msg ? msg : "unknown LLVM error");
  LLVMDisposeErrorMessage(msg);
  return copy;
}

/* Reports an LLVM error as "what: text" through *err. */
static void set_llvm_error(char **err, const char *what, LLVMErrorRef e) {
  char *msg = take_llvm_error(e);
  error_printf(err, "%s: %s", what, msg ? msg : "");
  free(msg);
}

/* strdup of an LLVM-allocated message, which is then disposed. */
static char *adopt_message(char *msg) {
  char *copy = strdup(msg ? msg : "");
  LLVMDisposeMessage(msg);
  return copy;
}

static const char *const opt_names[] = {
#define JIT_OPT_NAME(id, name) name,
    JIT_OPT_LIST(JIT_OPT_NAME)
#undef JIT_OPT_NAME
};

const char *jit_opt_name(JitOpt level) {
  return opt_names[level];
}

int jit_opt_parse(const char *name, JitOpt *level) {
  /* -O0, -O2, -O3 as C compilers spell them (the option's value is then "0", "2", "3") */
  static const struct { const char *name; JitOpt level; } digits[] = {
      {"0", JIT_OPT_NONE}, {"O0", JIT_OPT_NONE}, {"2", JIT_OPT_O2}, {"3", JIT_OPT_O3}};
  for (size_t i = 0; i < sizeof digits / sizeof *digits; i++)
    if (strcmp(name, digits[i].name) == 0) {
      *level = digits[i].level;
      return 0;
    }
  for (size_t i = 0; i < sizeof opt_names / sizeof *opt_names; i++) {
    if (strcmp(name, opt_names[i]) == 0) {
      *level = (JitOpt)i;
      return 0;
    }
  }
  return -1;
}

/* ------------------------------------------------------------------------
 * Target machines and pass pipelines
 * ------------------------------------------------------------------------ */

static pthread_once_t llvm_once = PTHREAD_ONCE_INIT;
static bool llvm_ready;

static atomic_flag fatal_reported = ATOMIC_FLAG_INIT;

/* LLVM's fatal errors end the process through here rather than abort(): one
 * message, whichever thread fails first, and the documented exit status 4. */
static void fatal_handler(const char *reason) {
  if (!atomic_flag_test_and_set(&fatal_reported))
    fprintf(stderr, "missionc: internal error in LLVM: %s\n"
                    "note: this is a bug in missionc; please report it with the command that gave it\n",
            reason ? reason : "unknown");
  fflush(stderr);
  _exit(4);
}

/* Registers the host target, its asm printer and parser (the inline `cpuid` of code
 * that picks its SLEEF family at run time, codegen.c), once per process, and the
 * fatal-error handler. */
static void init_llvm(void) {
  LLVMInstallFatalErrorHandler(fatal_handler);
  llvm_ready = !LLVMInitializeNativeTarget() && !LLVMInitializeNativeAsmPrinter() &&
               !LLVMInitializeNativeAsmParser();
}

static bool ensure_llvm(char **err) {
  pthread_once(&llvm_once, init_llvm);
  if (!llvm_ready) error_printf(err, "LLVM has no native target for this host");
  return llvm_ready;
}

/* CPU name and features for a jit_new-style CPU request, malloc'd. For the
 * host, the features come from the CPU itself (cpuid), so a CPU newer than this
 * LLVM, whose name it reports as "generic", keeps its AVX2 or AVX-512. */
static void resolve_cpu(const char *cpu, char **name, char **features) {
  if (!cpu || strcmp(cpu, "native") == 0) {
    *name = adopt_message(LLVMGetHostCPUName());
    *features = adopt_message(LLVMGetHostCPUFeatures());
    if (!**name) {
      free(*name);
      *name = strdup("generic");
    }
  } else {
    *name = strdup(cpu);
    *features = strdup("");
  }
}

/* A target machine for the host triple with an explicit CPU and features. */
static LLVMTargetMachineRef make_tm(const char *cpu, const char *features, LLVMRelocMode reloc,
                                    LLVMCodeModel model, LLVMCodeGenOptLevel level, char **err) {
  if (!ensure_llvm(err)) return NULL;
  char *triple = LLVMGetDefaultTargetTriple();
  LLVMTargetRef target;
  char *msg = NULL;
  LLVMTargetMachineRef tm = NULL;
  if (LLVMGetTargetFromTriple(triple, &target, &msg))
    error_printf(err, "no target for %s: %s", triple, msg ? msg : "");
  else
    tm = LLVMCreateTargetMachine(target, triple, cpu, features, level, reloc, model);
  if (!tm && !msg) error_printf(err, "cannot create a target machine for %s (cpu %s)", triple, cpu);
  LLVMDisposeMessage(msg);
  LLVMDisposeMessage(triple);
  return tm;
}

/* ------------------------------------------------------------------------
 * CPU names: LLVM warns about an unknown one on stderr, once per target
 * machine, then may abort() when it generates code. The C API lists no CPUs, so
 * the names come from what LLVM prints for the CPU "help", read once from a
 * temporary standard error, before any compiler thread runs.
 * ------------------------------------------------------------------------ */

/* What LLVM prints on stderr while it creates a target machine for cpu,
 * malloc'd (NULL if it cannot be captured). */
static char *capture_tm_messages(const char *cpu) {
  FILE *t = tmpfile();
  if (!t) return NULL;
  fflush(stderr);
  int saved = dup(STDERR_FILENO);
  if (saved < 0 || dup2(fileno(t), STDERR_FILENO) < 0) {
    if (saved >= 0) close(saved);
    fclose(t);
    return NULL;
  }
  LLVMTargetMachineRef tm = make_tm(cpu, "", LLVMRelocDefault, LLVMCodeModelDefault,
                                    LLVMCodeGenLevelDefault, NULL);
  if (tm) LLVMDisposeTargetMachine(tm);
  fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  long size = ftell(t);
  char *text = size >= 0 ? malloc((size_t)size + 1) : NULL;
  if (text) {
    rewind(t);
    size_t got = fread(text, 1, (size_t)size, t);
    text[got] = '\0';
  }
  fclose(t);
  return text;
}

static pthread_once_t cpu_names_once = PTHREAD_ONCE_INIT;
static char **cpu_names;   /* NULL-terminated, as LLVM lists them */
static int ncpu_names;

/* Parse "Available CPUs for this target:" up to the features' list. */
static void load_cpu_names(void) {
  if (!ensure_llvm(NULL)) return;
  char *text = capture_tm_messages("help");
  const char *p = text ? strstr(text, "Available CPUs for this target:") : NULL;
  const char *end = p ? strstr(p, "Available features") : NULL;
  if (!end && p) end = p + strlen(p);
  int cap = 0;
  while (p && (p = strchr(p, '\n')) && ++p < end) {
    while (*p == ' ') p++;
    size_t n = strcspn(p, " \n");
    if (n == 0) continue;
    if (ncpu_names + 1 >= cap) {
      cap = cap ? 2 * cap : 128;
      cpu_names = xrealloc(cpu_names, sizeof *cpu_names * (size_t)cap);
    }
    cpu_names[ncpu_names] = xmalloc(n + 1);
    memcpy(cpu_names[ncpu_names], p, n);
    cpu_names[ncpu_names++][n] = '\0';
    cpu_names[ncpu_names] = NULL;
  }
  free(text);
}

const char *const *jit_cpu_names(void) {
  pthread_once(&cpu_names_once, load_cpu_names);
  static const char *const none[] = {NULL};
  return cpu_names ? (const char *const *)cpu_names : none;
}

/* Whether LLVM knows cpu for the host target: in its list, or (if the list could
 * not be read) created without "is not a recognized processor". */
static bool cpu_known(const char *cpu) {
  const char *const *names = jit_cpu_names();
  if (*names) {
    for (; *names; names++)
      if (strcmp(*names, cpu) == 0) return true;
    return false;
  }
  char *text = capture_tm_messages(cpu);
  bool ok = text && !strstr(text, "not a recognized processor");
  free(text);
  return ok;
}

void jit_describe_cpu(const char *cpu, char **triple, char **name, char **features) {
  *triple = adopt_message(LLVMGetDefaultTargetTriple());
  if (!ensure_llvm(NULL)) {
    *name = strdup(cpu ? cpu : "native");
    *features = strdup("");
    return;
  }
  resolve_cpu(cpu, name, features);
}

/* Whether LLVM can generate code for the host triple on cpu (a 32-bit CPU
 * cannot run x86-64 code, and LLVM would abort): tried in a child process, on a
 * function of one addition, before any thread of ours runs. */
static bool cpu_can_compile(const char *cpu) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) return true;   /* cannot tell: let the compile try */
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, STDERR_FILENO);
    LLVMTargetMachineRef tm = make_tm(cpu, "", LLVMRelocDefault, LLVMCodeModelDefault,
                                      LLVMCodeGenLevelDefault, NULL);
    if (!tm) _exit(1);
    LLVMContextRef ctx = LLVMContextCreate();
    LLVMModuleRef mod = LLVMModuleCreateWithNameInContext("probe", ctx);
    LLVMTypeRef f64 = LLVMDoubleTypeInContext(ctx);
    LLVMValueRef fn = LLVMAddFunction(mod, "probe", LLVMFunctionType(f64, &f64, 1, 0));
    LLVMBuilderRef b = LLVMCreateBuilderInContext(ctx);
    LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(ctx, fn, "entry"));
    LLVMBuildRet(b, LLVMBuildFAdd(b, LLVMGetParam(fn, 0), LLVMGetParam(fn, 0), ""));
    jit_target_module(mod, tm);
    LLVMMemoryBufferRef obj = NULL;
    char *msg = NULL;
    _exit(LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMObjectFile, &msg, &obj) ? 1 : 0);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static pthread_mutex_t checked_lock = PTHREAD_MUTEX_INITIALIZER;
static char *checked_cpu;   /* the last CPU found good: checked once */

int jit_check_cpu(const char *cpu, char **err) {
  if (!cpu || strcmp(cpu, "native") == 0 || strcmp(cpu, "generic") == 0) return 0;
  if (!ensure_llvm(err)) return -1;
  pthread_mutex_lock(&checked_lock);
  bool seen = checked_cpu && strcmp(checked_cpu, cpu) == 0;
  pthread_mutex_unlock(&checked_lock);
  if (seen) return 0;
  if (*cpu && strcmp(cpu, "help") != 0 && cpu_known(cpu)) {
    if (cpu_can_compile(cpu)) {
      pthread_mutex_lock(&checked_lock);
      free(checked_cpu);
      checked_cpu = strdup(cpu);
      pthread_mutex_unlock(&checked_lock);
      return 0;
    }
    char *triple = adopt_message(LLVMGetDefaultTargetTriple());
    error_printf(err, "CPU '%s' cannot run code for %s (LLVM cannot generate it: a 32-bit CPU?)",
                 cpu, triple);
    free(triple);
    return -1;
  }
  const char *best = NULL;
  int best_d = (int)strlen(cpu) + 64;   /* the nearest name, however far */
  for (const char *const *n = jit_cpu_names(); *n; n++) {
    int d = edit_distance(cpu, *n, best_d - 1);
    if (d < best_d) {
      best_d = d;
      best = *n;
    }
  }
  char *triple = LLVMGetDefaultTargetTriple();
  size_t len = 256 + strlen(cpu) + strlen(triple);
  for (const char *const *n = jit_cpu_names(); *n; n++) len += strlen(*n) + 4;
  char *msg = malloc(len), *shown = malloc(strlen(cpu) + 1);   /* the name without controls */
  if (msg && shown) {
    util_terminal_text(shown, cpu, strlen(cpu), false);
    int at = snprintf(msg, len, "unknown CPU '%s' for %s", shown, triple);
    if (best) at += snprintf(msg + at, len - (size_t)at, "; did you mean '%s'?", best);
    at += snprintf(msg + at, len - (size_t)at, "\nnote: --cpu takes native, generic");
    int line = at - (int)strlen("note: --cpu takes native, generic");
    for (const char *const *n = jit_cpu_names(); *n; n++) {
      if (strcmp(*n, "generic") == 0) continue;
      bool wrap = at - line + (int)strlen(*n) > 84;
      at += snprintf(msg + at, len - (size_t)at, wrap ? ",\n  %s" : ", %s", *n);
      if (wrap) line = at - (int)strlen(*n) - 2;
    }
  }
  if (!shown) {
    free(msg);
    msg = NULL;
  }
  free(shown);
  LLVMDisposeMessage(triple);
  if (err) *err = msg;
  else free(msg);
  return -1;
}

LLVMTargetMachineRef jit_target_machine(const char *cpu, LLVMRelocMode reloc, LLVMCodeModel model,
                                        LLVMCodeGenOptLevel level, char **err) {
  if (!ensure_llvm(err)) return NULL;
  if (jit_check_cpu(cpu, err) != 0) return NULL;
  char *name, *features;
  resolve_cpu(cpu, &name, &features);
  LLVMTargetMachineRef tm = make_tm(name, features, reloc, model, level, err);
  free(name);
  free(features);
  return tm;
}

/* The new-pass-manager pipeline text of a level (NULL: no passes).  The
   lean pipeline promotes allocas, cleans up, rotates loops so the
   vectoriser accepts a front end's top-tested loops, hoists invariants
   and vectorises.  Measured on a select-in-a-loop batch kernel: O2's run
   speed at ~55% of O2's compile time (LLVM 16 and 14); without
   loop-rotate and licm, LLVM 14 runs the loop 2x slower than O2. */
static const char *pipeline_of(JitOpt level) {
  switch (level) {
  case JIT_OPT_NONE:
    return NULL;
  case JIT_OPT_LEAN:
    return "function(sroa,early-cse,instcombine,simplifycfg,"
           "loop-mssa(loop-rotate,licm),loop-vectorize,instcombine,simplifycfg)";
  case JIT_OPT_O2:
    return "default<O2>";
  case JIT_OPT_O3:
    return "default<O3>";
  }
  return NULL;
}

/* The code generator's optimisation level that goes with an IR level. */
static LLVMCodeGenOptLevel codegen_level_of(JitOpt level) {
  switch (level) {
  case JIT_OPT_NONE:
    return LLVMCodeGenLevelNone;
  case JIT_OPT_LEAN:
  case JIT_OPT_O2:
    return LLVMCodeGenLevelDefault;
  case JIT_OPT_O3:
    return LLVMCodeGenLevelAggressive;
  }
  return LLVMCodeGenLevelDefault;
}

/* Fails with the verifier's report if the module is malformed. */
static int verify_module(LLVMModuleRef mod, char **err) {
  char *msg = NULL;
  int broken = LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg);
  if (broken) error_printf(err, "invalid module: %s", msg ? msg : "");
  LLVMDisposeMessage(msg);
  return broken ? -1 : 0;
}

int jit_run_passes(LLVMModuleRef mod, LLVMTargetMachineRef tm, JitOpt level, char **err) {
  if (verify_module(mod, err) != 0) return -1;
  const char *pipeline = pipeline_of(level);
  if (!pipeline) return 0;
  LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
  LLVMPassBuilderOptionsSetLoopVectorization(opts, 1);
  LLVMPassBuilderOptionsSetSLPVectorization(opts, 1);
  LLVMPassBuilderOptionsSetLoopInterleaving(opts, 1);
  LLVMPassBuilderOptionsSetLoopUnrolling(opts, 1);
  LLVMErrorRef e = LLVMRunPasses(mod, pipeline, tm, opts);
  LLVMDisposePassBuilderOptions(opts);
  if (e) {
    set_llvm_error(err, "optimisation failed", e);
    return -1;
  }
  return 0;
}

/* ------------------------------------------------------------------------
 * The JIT
 * ------------------------------------------------------------------------ */

/* Keeps the ORC session's errors (otherwise printed to stderr) for the
   next failing lookup to report. */
static void report_session_error(void *ctx, LLVMErrorRef e) {
  Jit *jit = ctx;
  free(jit->session_error);
  jit->session_error = take_llvm_error(e);
}

/* The cache directory the environment asks for, malloc'd; NULL if off. */
static char *cache_dir_from_env(void) {
  const char *flag = getenv("MISSIONC_CACHE");
  if (flag && strcmp(flag, "0") == 0) return NULL;
  const char *dir = getenv("MISSIONC_CACHE_DIR");
  if (dir && *dir) return strdup(dir);
  const char *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  char *path = NULL;
  if (xdg && *xdg && (path = malloc(strlen(xdg) + sizeof "/missionc")))
    sprintf(path, "%s/missionc", xdg);
  else if (home && *home && (path = malloc(strlen(home) + sizeof "/.cache/missionc")))
    sprintf(path, "%s/.cache/missionc", home);
  return path;
}

/* Creates the LLJIT from a target machine and lets it see process symbols. */
/* SLEEF's deterministic exp, log and pow that compiled code calls (codegen.c,
 * libm_call), of both families at every width (base/vmath.h), by address: found even
 * where the process does not export them (a library loaded by Python with
 * RTLD_LOCAL). Declared without their vector types. */
#define MATH_FAMILY(X, fam, isa1, isa2, isa4, isa8)                                        \
  X(fam, exp, 1, u10, isa1) X(fam, log, 1, u10, isa1) X(fam, pow, 1, u10, isa1)              \
  X(fam, exp, 2, u10, isa2) X(fam, log, 2, u10, isa2) X(fam, pow, 2, u10, isa2)              \
  X(fam, exp, 4, u10, isa4) X(fam, log, 4, u10, isa4) X(fam, pow, 4, u10, isa4)              \
  X(fam, exp, 8, u10, isa8) X(fam, log, 8, u10, isa8) X(fam, pow, 8, u10, isa8)
#define MATH_FUNCTIONS(X)                                            \
  MATH_FAMILY(X, cinz, purec, sse2, avx, avx512fnofma)               \
  MATH_FAMILY(X, finz, purecfma, avx2128, avx2, avx512f)
#define MATH_DECLARE(fam, fn, w, ulp, isa) void Sleef_##fam##_##fn##d##w##_##ulp##isa(void);
#define MATH_ENTRY(fam, fn, w, ulp, isa) \
  {"Sleef_" #fam "_" #fn "d" #w "_" #ulp #isa, Sleef_##fam##_##fn##d##w##_##ulp##isa},
MATH_FUNCTIONS(MATH_DECLARE)
static const struct {
  const char *name;
  void (*addr)(void);
} math_symbols[] = {MATH_FUNCTIONS(MATH_ENTRY)};

#if LLVM_VERSION_MAJOR < 15
typedef LLVMJITCSymbolMapPair MathPair;   /* renamed in LLVM 15 */
#else
typedef LLVMOrcCSymbolMapPair MathPair;
#endif

/* Define the SLEEF functions in the JIT's main library. */
static int define_math(Jit *jit, char **err) {
  enum { N = sizeof math_symbols / sizeof *math_symbols };
  MathPair pairs[N];
  LLVMOrcExecutionSessionRef es = LLVMOrcLLJITGetExecutionSession(jit->lljit);
  for (size_t i = 0; i < N; i++) {
    pairs[i].Name = LLVMOrcExecutionSessionIntern(es, math_symbols[i].name);
    pairs[i].Sym.Address = (LLVMOrcJITTargetAddress)(uintptr_t)math_symbols[i].addr;
    pairs[i].Sym.Flags.GenericFlags = LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable;
    pairs[i].Sym.Flags.TargetFlags = 0;
  }
  LLVMErrorRef e = LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(jit->lljit), LLVMOrcAbsoluteSymbols(pairs, N));
  if (e) {
    set_llvm_error(err, "cannot give the JIT the maths functions", e);
    return -1;
  }
  return 0;
}

static int make_lljit(Jit *jit, char **err) {
  LLVMTargetMachineRef tm = make_tm(jit->cpu, jit->features, LLVMRelocDefault,
                                    LLVMCodeModelJITDefault, LLVMCodeGenLevelDefault, err);
  if (!tm) return -1;
  LLVMOrcLLJITBuilderRef builder = LLVMOrcCreateLLJITBuilder();
  LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(
      builder, LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(tm));
  LLVMErrorRef e = LLVMOrcCreateLLJIT(&jit->lljit, builder);
  if (e) {
    jit->lljit = NULL;
    set_llvm_error(err, "cannot create the JIT", e);
    return -1;
  }
  LLVMOrcExecutionSessionSetErrorReporter(LLVMOrcLLJITGetExecutionSession(jit->lljit),
                                          report_session_error, jit);
  LLVMOrcDefinitionGeneratorRef gen;
  e = LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
      &gen, LLVMOrcLLJITGetGlobalPrefix(jit->lljit), NULL, NULL);
  if (e) {
    set_llvm_error(err, "cannot expose process symbols to the JIT", e);
    return -1;
  }
  LLVMOrcJITDylibAddGenerator(LLVMOrcLLJITGetMainJITDylib(jit->lljit), gen);
  return define_math(jit, err);
}

Jit *jit_new(const char *cpu, char **err) {
  if (!ensure_llvm(err)) return NULL;
  if (jit_check_cpu(cpu, err) != 0) return NULL;
  Jit *jit = calloc(1, sizeof *jit);
  if (!jit) {
    error_printf(err, "out of memory");
    return NULL;
  }
  resolve_cpu(cpu, &jit->cpu, &jit->features);
  if (make_lljit(jit, err) != 0) {
    jit_free(jit);
    return NULL;
  }
  jit->triple = strdup(LLVMOrcLLJITGetTripleString(jit->lljit));
  jit->data_layout = strdup(LLVMOrcLLJITGetDataLayoutStr(jit->lljit));
  jit->cache_dir = cache_dir_from_env();
  return jit;
}

void jit_free(Jit *jit) {
  if (!jit) return;
  if (jit->lljit) {
    LLVMErrorRef e = LLVMOrcDisposeLLJIT(jit->lljit);
    if (e) LLVMConsumeError(e);
  }
  if (jit->tm) LLVMDisposeTargetMachine(jit->tm);
  free(jit->session_error);
  free(jit->cache_dir);
  free(jit->features);
  free(jit->cpu);
  free(jit->data_layout);
  free(jit->triple);
  free(jit);
}

const char *jit_triple(const Jit *jit) {
  return jit->triple;
}

const char *jit_cpu(const Jit *jit) {
  return jit->cpu;
}

const char *jit_features(const Jit *jit) {
  return jit->features;
}

void jit_set_cache_dir(Jit *jit, const char *dir) {
  free(jit->cache_dir);
  jit->cache_dir = dir ? strdup(dir) : NULL;
}

const char *jit_cache_dir(const Jit *jit) {
  return jit->cache_dir;
}

JitStats jit_stats(const Jit *jit) {
  return jit->stats;
}

void jit_prepare_module(Jit *jit, LLVMModuleRef mod) {
  LLVMSetTarget(mod, jit->triple);
  LLVMSetDataLayout(mod, jit->data_layout);
}

int jit_optimize(Jit *jit, LLVMModuleRef mod, JitOpt level, char **err) {
  if (!jit->tm)   /* made at the first use: a run whose objects are all cached needs none */
    jit->tm = make_tm(jit->cpu, jit->features, LLVMRelocDefault, LLVMCodeModelJITDefault, LLVMCodeGenLevelDefault, err);
  if (!jit->tm) return -1;
  return jit_run_passes(mod, jit->tm, level, err);
}

/* Re-creates mod inside the context of tsctx (through bitcode, the only
   way across contexts in the C API), disposing the original. */
static LLVMModuleRef move_module(LLVMModuleRef mod, LLVMContextRef ctx,
                                 LLVMOrcThreadSafeContextRef tsctx, char **err) {
  LLVMMemoryBufferRef bits = LLVMWriteBitcodeToMemoryBuffer(mod);
  LLVMDisposeModule(mod);
  if (ctx) LLVMContextDispose(ctx);
  LLVMModuleRef moved = NULL;
  if (LLVMParseBitcodeInContext2(LLVMOrcThreadSafeContextGetContext(tsctx), bits, &moved)) {
    error_printf(err, "cannot move the module into the JIT's context");
    moved = NULL;
  }
  LLVMDisposeMemoryBuffer(bits);
  return moved;
}

int jit_add_module(Jit *jit, LLVMModuleRef mod, LLVMContextRef ctx, char **err) {
  LLVMOrcThreadSafeContextRef tsctx = LLVMOrcCreateNewThreadSafeContext();
  LLVMModuleRef moved = move_module(mod, ctx, tsctx, err);
  if (!moved) {
    LLVMOrcDisposeThreadSafeContext(tsctx);
    return -1;
  }
  LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(moved, tsctx);
  LLVMOrcDisposeThreadSafeContext(tsctx); /* the module keeps it alive */
  LLVMErrorRef e =
      LLVMOrcLLJITAddLLVMIRModule(jit->lljit, LLVMOrcLLJITGetMainJITDylib(jit->lljit), tsm);
  if (e) {
    set_llvm_error(err, "cannot add the module to the JIT", e);
    return -1;
  }
  return 0;
}

void *jit_lookup(Jit *jit, const char *name, char **err) {
  free(jit->session_error);
  jit->session_error = NULL;
  LLVMOrcExecutorAddress addr = 0;
  LLVMErrorRef e = LLVMOrcLLJITLookup(jit->lljit, &addr, name);
  if (e) {
    char *msg = take_llvm_error(e);
    if (jit->session_error)
      error_printf(err, "cannot find '%s': %s (%s)", name, msg, jit->session_error);
    else
      error_printf(err, "cannot find '%s': %s", name, msg);
    free(msg);
    return NULL;
  }
  return (void *)(uintptr_t)addr;
}

JitFunc jit_lookup_func(Jit *jit, const char *name, char **err) {
  void *p = jit_lookup(jit, name, err);
  return p ? (JitFunc)(uintptr_t)p : NULL;
}

/* ------------------------------------------------------------------------
 * Object cache
 *
 * The cache runs machine code found on disk, so it trusts only what its user
 * made (LANGUAGE.md section 10.3):
 *   - the directory is created 0700; a directory or an entry that is not owned
 *     by the user, or that group or others may write, is refused with a
 *     warning, and the code is compiled instead;
 *   - entries are written to a temporary file (O_EXCL, 0600) renamed into place;
 *   - an entry <dir>/<sha256 hex>.o is an 80-byte header, then the object:
 *       "MCOBJ02\n" | key (32 bytes) | object size (u64 LE) |
 *       HMAC-SHA-256 of the first 48 bytes and the object (32 bytes)
 *     under a secret of 32 random bytes in <dir>/secret (0600, the user's): a
 *     truncated, damaged or re-sealed entry (one whose seal was recomputed
 *     without the secret) is rejected and recompiled;
 *   - the entries total at most MISSIONC_CACHE_MAX bytes (default 256 MiB):
 *     after a run that stored entries (or any run when MISSIONC_CACHE_MAX is
 *     set), the least recently used go first.
 * ------------------------------------------------------------------------ */

#define CACHE_MAGIC "MCOBJ02\n"
#define CACHE_HEADER 80
#define CACHE_SEALED 48            /* bytes of the header under the seal */
#define CACHE_MAX_OBJECT (1u << 30)
#define CACHE_DEFAULT_MAX (256ull << 20)

typedef struct {
  uint8_t key[32];
  char hex[65];
} CacheKey;

/* The key of a prepared module at an opt level on this JIT's target. */
static void cache_key(const Jit *jit, LLVMModuleRef mod, JitOpt level, CacheKey *k) {
  Sha256 c;
  sha256_init(&c);
  sha256_string(&c, "missionc object cache 3");
  sha256_string(&c, MISSIONC_VERSION);
  sha256_string(&c, LLVM_VERSION_STRING);
  sha256_string(&c, jit->triple);
  sha256_string(&c, jit->cpu);
  sha256_string(&c, jit->features);
  sha256_string(&c, jit_opt_name(level));
  LLVMMemoryBufferRef bc = LLVMWriteBitcodeToMemoryBuffer(mod);   /* the module whole, 3x quicker than its text */
  sha256_update(&c, (const uint8_t *)LLVMGetBufferStart(bc), LLVMGetBufferSize(bc));
  LLVMDisposeMemoryBuffer(bc);
  sha256_final(&c, k->key);
  for (int i = 0; i < 32; i++)
    sprintf(k->hex + 2 * i, "%02x", k->key[i]);
}

/* HMAC-SHA-256 (RFC 2104) of a[0..na) then b[0..nb) under a 32-byte secret. */
static void hmac_sha256(const uint8_t secret[32], const uint8_t *a, size_t na, const uint8_t *b,
                        size_t nb, uint8_t out[32]) {
  uint8_t pad[64], inner[32];
  Sha256 c;
  for (int pass = 0; pass < 2; pass++) {
    memset(pad, pass ? 0x5c : 0x36, sizeof pad);
    for (int i = 0; i < 32; i++) pad[i] ^= secret[i];
    sha256_init(&c);
    sha256_update(&c, pad, sizeof pad);
    if (pass == 0) {
      sha256_update(&c, a, na);
      sha256_update(&c, b, nb);
      sha256_final(&c, inner);
    } else {
      sha256_update(&c, inner, sizeof inner);
      sha256_final(&c, out);
    }
  }
}

static void put_u64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_u64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v |= (uint64_t)p[i] << (8 * i);
  return v;
}

/* "<dir>/<hex><suffix>", malloc'd. */
static char *cache_path(const char *dir, const CacheKey *k, const char *suffix) {
  char *path = malloc(strlen(dir) + 1 + 64 + strlen(suffix) + 1);
  if (path) sprintf(path, "%s/%s%s", dir, k->hex, suffix);
  return path;
}

/* Why a file or directory the cache would trust is not trustworthy, or NULL:
 * it must be the user's, and neither group nor others may write it. */
static const char *untrusted(const struct stat *st) {
  if (st->st_uid != geteuid()) return "it is not owned by you";
  if (st->st_mode & (S_IWGRP | S_IWOTH)) return "group or others can write it";
  return NULL;
}

/* One warning per process and kind of refusal: a run may meet many entries. */
static atomic_flag warned_dir = ATOMIC_FLAG_INIT, warned_entry = ATOMIC_FLAG_INIT,
                   warned_max = ATOMIC_FLAG_INIT;

static void cache_warning(atomic_flag *once, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cache_warning(atomic_flag *once, const char *fmt, ...) {
  if (atomic_flag_test_and_set(once)) return;
  char line[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  fprintf(stderr, "missionc: warning: %s\n", line);   /* one write: no interleaving */
}

/* Reads a whole trusted regular file of at most max bytes; NULL if absent,
 * unreadable or refused (*refused set, with a warning). Never follows a symlink. */
static uint8_t *read_file(const char *path, size_t max, size_t *size, bool *refused) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ELOOP) {
      *refused = true;
      cache_warning(&warned_entry, "not using the cache entry %s: it is a symbolic link", path);
    }
    return NULL;
  }
  struct stat st;
  uint8_t *data = NULL;
  const char *why = NULL;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) why = "it is not a regular file";
  else why = untrusted(&st);
  if (why) {
    *refused = true;
    cache_warning(&warned_entry, "not using the cache entry %s: %s; compiling instead", path, why);
  } else if ((uint64_t)st.st_size <= max && (data = malloc((size_t)st.st_size + 1))) {
    size_t got = 0;
    ssize_t r = 1;
    while (got < (size_t)st.st_size && (r = read(fd, data + got, (size_t)st.st_size - got)) > 0)
      got += (size_t)r;
    *size = got;
    if (r < 0) {
      free(data);
      data = NULL;
    }
  }
  close(fd);
  return data;
}

/* Is data a well-formed entry for key, sealed with the secret? */
static bool entry_ok(const uint8_t *data, size_t size, const CacheKey *k, const uint8_t secret[32]) {
  if (size < CACHE_HEADER || memcmp(data, CACHE_MAGIC, 8) != 0 || memcmp(data + 8, k->key, 32) != 0)
    return false;
  uint64_t len = get_u64(data + 40);
  if (len != size - CACHE_HEADER || len == 0) return false;
  uint8_t mac[32];
  hmac_sha256(secret, data, CACHE_SEALED, data + CACHE_HEADER, (size_t)len, mac);
  uint8_t diff = 0;   /* compared in constant time */
  for (int i = 0; i < 32; i++) diff |= (uint8_t)(mac[i] ^ data[CACHE_SEALED + i]);
  return diff == 0;
}

/* The cached object for key, or NULL; *rejected if an entry was bad or refused. */
static LLVMMemoryBufferRef cache_load(const char *dir, const uint8_t secret[32], const CacheKey *k,
                                      bool *rejected) {
  char *path = cache_path(dir, k, ".o");
  size_t size = 0;
  bool refused = false;
  uint8_t *data = path ? read_file(path, CACHE_HEADER + (size_t)CACHE_MAX_OBJECT, &size, &refused) : NULL;
  LLVMMemoryBufferRef buf = NULL;
  if (data && entry_ok(data, size, k, secret)) {
    buf = LLVMCreateMemoryBufferWithMemoryRangeCopy((const char *)data + CACHE_HEADER,
                                                    size - CACHE_HEADER, k->hex);
    utimensat(AT_FDCWD, path, NULL, AT_SYMLINK_NOFOLLOW);   /* used now: evicted last */
  } else if (data || refused || (path && access(path, F_OK) == 0)) {
    *rejected = true;
  }
  free(data);
  free(path);
  return buf;
}

/* Writes all of p[0..n) to fd. */
static int write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = write(fd, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    c += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Creates dir and its parents (like mkdir -p), each new one 0700; 0 if dir is
 * a directory after. */
static int make_dirs(const char *dir) {
  char *path = strdup(dir);
  if (!path) return -1;
  for (char *p = path + 1; *p; p++) {
    if (*p == '/') {
      *p = '\0';
      mkdir(path, 0700);
      *p = '/';
    }
  }
  int rc = mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
  struct stat st;
  if (rc == 0 && stat(path, &st) != 0) rc = -1;
  else if (rc == 0 && !S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    rc = -1;
  }
  free(path);
  return rc;
}

/* Whether the cache may use dir: a directory of the user's that no one else can
 * write (warning once if not). */
static bool dir_trusted(const char *dir) {
  struct stat st;
  errno = 0;
  if (make_dirs(dir) != 0 || stat(dir, &st) != 0) {
    cache_warning(&warned_dir, "cannot use the object cache %s: %s; compiling without it", dir,
                  errno ? strerror(errno) : "not a directory");
    return false;
  }
  const char *why = untrusted(&st);
  if (why) {
    cache_warning(&warned_dir,
                  "not using the object cache %s: %s (chmod 700 it, or set MISSIONC_CACHE_DIR); "
                  "compiling without it", dir, why);
    return false;
  }
  return true;
}

/* Fill buf with n random bytes from the kernel; 0 on success. */
static int random_bytes(uint8_t *buf, size_t n) {
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t got = 0;
  ssize_t r = 1;
  while (got < n && (r = read(fd, buf + got, n - got)) > 0) got += (size_t)r;
  close(fd);
  return got == n ? 0 : -1;
}

/* The cache's secret (<dir>/secret): read, or made once with O_EXCL (a
 * concurrent run that loses the race reads the winner's). 0 on success. */
static int cache_secret(const char *dir, uint8_t secret[32]) {
  char *path = malloc(strlen(dir) + sizeof "/secret");
  if (!path) return -1;
  sprintf(path, "%s/secret", dir);
  int rc = -1;
  for (int attempt = 0; attempt < 50 && rc != 0; attempt++) {
    size_t size = 0;
    bool refused = false;
    uint8_t *data = read_file(path, 64, &size, &refused);
    if (data && size == 32) {
      memcpy(secret, data, 32);
      rc = 0;
    }
    free(data);
    if (rc == 0 || refused) break;
    if (data) {                 /* a short secret: a run is writing it, or it is damaged */
      if (attempt < 20) {
        usleep(10000);
        continue;
      }
      unlink(path);
    }
    uint8_t fresh[32];
    if (random_bytes(fresh, sizeof fresh) != 0) break;
    char *tmp = malloc(strlen(dir) + sizeof "/secret.tmp.XXXXXX");
    if (!tmp) break;
    sprintf(tmp, "%s/secret.tmp.XXXXXX", dir);
    int fd = mkstemp(tmp);
    if (fd >= 0) {
      int w = write_all(fd, fresh, sizeof fresh) | close(fd);
      /* link() fails if another run made the secret first: then use theirs */
      if (w == 0 && link(tmp, path) == 0) {
        memcpy(secret, fresh, 32);
        rc = 0;
      }
      unlink(tmp);
    }
    free(tmp);
    if (fd < 0) break;
  }
  free(path);
  return rc;
}

/* Stores an object under key: a temporary file (O_EXCL, 0600) renamed into
   place, so a reader never sees half an entry.  Returns 0 if stored. */
static int cache_store(const char *dir, const uint8_t secret[32], const CacheKey *k,
                       LLVMMemoryBufferRef obj) {
  const uint8_t *data = (const uint8_t *)LLVMGetBufferStart(obj);
  size_t size = LLVMGetBufferSize(obj);
  uint8_t header[CACHE_HEADER];
  memcpy(header, CACHE_MAGIC, 8);
  memcpy(header + 8, k->key, 32);
  put_u64(header + 40, size);
  hmac_sha256(secret, header, CACHE_SEALED, data, size, header + CACHE_SEALED);
  char *final = cache_path(dir, k, ".o");
  char *tmp = cache_path(dir, k, ".tmp.XXXXXX");
  int rc = -1;
  int fd = final && tmp ? mkstemp(tmp) : -1;
  if (fd >= 0) {
    rc = write_all(fd, header, sizeof header) | write_all(fd, data, size);
    rc |= close(fd);
    if (rc == 0) rc = rename(tmp, final);
    if (rc != 0) unlink(tmp);
  }
  free(tmp);
  free(final);
  return rc;
}

/* The most bytes the entries may take: MISSIONC_CACHE_MAX (bytes, or with a K,
 * M or G suffix), else 256 MiB. */
static uint64_t cache_max(void) {
  const char *v = getenv("MISSIONC_CACHE_MAX");
  if (!v || !*v) return CACHE_DEFAULT_MAX;
  char *end;
  errno = 0;
  double n = strtod(v, &end);
  double unit = 1;
  if (*end == 'K' || *end == 'k') unit = 1024.0, end++;
  else if (*end == 'M' || *end == 'm') unit = 1024.0 * 1024, end++;
  else if (*end == 'G' || *end == 'g') unit = 1024.0 * 1024 * 1024, end++;
  if (*end || errno || !(n >= 0) || n * unit > 1e18) {
    cache_warning(&warned_max, "MISSIONC_CACHE_MAX takes a size in bytes (or 64K, 512M, 2G), not '%s'; "
                  "using 256M", v);
    return CACHE_DEFAULT_MAX;
  }
  return (uint64_t)(n * unit);
}

/* One entry of the cache directory, for eviction. */
typedef struct {
  char *path;
  uint64_t size;
  struct timespec used;
} Entry;

static int entry_older(const void *a, const void *b) {
  const Entry *x = a, *y = b;
  if (x->used.tv_sec != y->used.tv_sec) return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
  if (x->used.tv_nsec != y->used.tv_nsec) return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
  return strcmp(x->path, y->path);
}

/* Whether a directory entry's name is "<64 hex>.o", or a temporary left behind. */
static bool is_entry_name(const char *name, bool *tmp) {
  size_t n = strlen(name);
  for (size_t i = 0; i < 64; i++)
    if (i >= n || !strchr("0123456789abcdef", name[i])) return false;
  *tmp = strncmp(name + 64, ".tmp.", 5) == 0;
  return *tmp || strcmp(name + 64, ".o") == 0;
}

/* Evict the least recently used entries until they total at most the bound,
 * and remove temporaries older than an hour (a run killed while writing). */
static void cache_evict(const char *dir) {
  uint64_t max = cache_max();
  DIR *d = opendir(dir);
  if (!d) return;
  Entry *entries = NULL;
  size_t n = 0, cap = 0;
  uint64_t total = 0;
  time_t now = time(NULL);
  for (struct dirent *e; (e = readdir(d));) {
    bool tmp;
    if (!is_entry_name(e->d_name, &tmp)) continue;
    char *path = malloc(strlen(dir) + strlen(e->d_name) + 2);
    if (!path) break;
    sprintf(path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
      free(path);
      continue;
    }
    if (tmp) {
      if (now - st.st_mtime > 3600) unlink(path);
      free(path);
      continue;
    }
    if (n == cap) {
      cap = cap ? 2 * cap : 64;
      Entry *grown = realloc(entries, cap * sizeof *entries);
      if (!grown) {
        free(path);
        break;
      }
      entries = grown;
    }
    entries[n++] = (Entry){path, (uint64_t)st.st_size, st.st_mtim};
    total += (uint64_t)st.st_size;
  }
  closedir(d);
  if (total > max) qsort(entries, n, sizeof *entries, entry_older);
  for (size_t i = 0; i < n; i++) {
    if (total > max && unlink(entries[i].path) == 0) total -= entries[i].size;
    free(entries[i].path);
  }
  free(entries);
}

/* ------------------------------------------------------------------------
 * Parallel compilation to objects
 * ------------------------------------------------------------------------ */

/* One module to compile, and what became of it. */
typedef struct {
  LLVMModuleRef mod;
  LLVMContextRef ctx;
  LLVMMemoryBufferRef obj;
  char *name;
  char *err;
  bool hit, miss, written, rejected;
} Job;

/* The work shared by the compiler threads. */
typedef struct {
  Jit *jit;
  Job *jobs;
  size_t n;
  JitOpt level;
  const char *cache_dir;   /* NULL: compile everything */
  uint8_t secret[32];      /* the cache's secret, when cache_dir is set */
  atomic_size_t next;
} Batch;

/* One compiler thread's own target machine, and the batch it works on. */
typedef struct {
  Batch *batch;
  LLVMTargetMachineRef tm;   /* made at the worker's first cache miss */
  pthread_t thread;
} Worker;

/* The worker's target machine, made when it first compiles: loading cached objects
   needs none, and making one costs ~1.5M instructions. NULL with *err set if it fails. */
static LLVMTargetMachineRef worker_tm(Worker *w, char **err) {
  if (!w->tm)
    w->tm = make_tm(w->batch->jit->cpu, w->batch->jit->features, LLVMRelocDefault, LLVMCodeModelJITDefault,
                    codegen_level_of(w->batch->level), err);
  return w->tm;
}

/* Optimises and emits a job's module, or loads its object from the cache. */
static void compile_job(Batch *b, Worker *w, Job *job) {
  size_t len;
  job->name = strdup(LLVMGetModuleIdentifier(job->mod, &len));
  jit_prepare_module(b->jit, job->mod);
  CacheKey key;
  if (b->cache_dir) {
    cache_key(b->jit, job->mod, b->level, &key);
    job->obj = cache_load(b->cache_dir, b->secret, &key, &job->rejected);
    job->hit = job->obj != NULL;
  }
  LLVMTargetMachineRef tm = job->hit ? NULL : worker_tm(w, &job->err);
  if (tm && jit_run_passes(job->mod, tm, b->level, &job->err) == 0) {
    char *msg = NULL;
    if (LLVMTargetMachineEmitToMemoryBuffer(tm, job->mod, LLVMObjectFile, &msg, &job->obj)) {
      error_printf(&job->err, "code generation failed: %s", msg ? msg : "");
      job->obj = NULL;
    } else {
      job->miss = true;
      job->written = b->cache_dir && cache_store(b->cache_dir, b->secret, &key, job->obj) == 0;
    }
    LLVMDisposeMessage(msg);
  }
  LLVMDisposeModule(job->mod);
  if (job->ctx) LLVMContextDispose(job->ctx);
}

/* Disposes the modules and contexts of jobs that will not be compiled. */
static void discard_modules(LLVMModuleRef *mods, LLVMContextRef *ctxs, size_t n) {
  for (size_t i = 0; i < n; i++) {
    LLVMDisposeModule(mods[i]);
    if (ctxs) LLVMContextDispose(ctxs[i]);
  }
}

/* A compiler thread: takes jobs until none is left. */
static void *worker_main(void *arg) {
  Worker *w = arg;
  Batch *b = w->batch;
  for (size_t i; (i = atomic_fetch_add(&b->next, 1)) < b->n;)
    compile_job(b, w, &b->jobs[i]);
  return NULL;
}

/* Runs the batch on nthreads workers (the caller's thread is the first). */
static void run_workers(Batch *b, Worker *workers, int nthreads) {
  for (int t = 0; t < nthreads; t++)
    workers[t] = (Worker){.batch = b};
  int started = 1;
  for (; started < nthreads; started++)
    if (pthread_create(&workers[started].thread, NULL, worker_main, &workers[started]) != 0) break;
  worker_main(&workers[0]);
  for (int t = 1; t < started; t++)
    pthread_join(workers[t].thread, NULL);
  for (int t = 0; t < nthreads; t++)
    if (workers[t].tm) LLVMDisposeTargetMachine(workers[t].tm);
}

/* Adds the objects under one resource tracker, removing them all if any
   fails to add. */
static int add_objects(Jit *jit, Job *jobs, size_t n, char **err) {
  LLVMOrcJITDylibRef jd = LLVMOrcLLJITGetMainJITDylib(jit->lljit);
  LLVMOrcResourceTrackerRef rt = LLVMOrcJITDylibCreateResourceTracker(jd);
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    LLVMMemoryBufferRef obj = jobs[i].obj;
    jobs[i].obj = NULL;
    LLVMErrorRef e = rc == 0 ? LLVMOrcLLJITAddObjectFileWithRT(jit->lljit, rt, obj) : NULL;
    if (rc != 0) LLVMDisposeMemoryBuffer(obj);
    if (e) {
      char *msg = take_llvm_error(e);
      error_printf(err, "cannot add the object of module '%s': %s", jobs[i].name, msg);
      free(msg);
      rc = -1;
    }
  }
  if (rc != 0) {
    LLVMErrorRef e = LLVMOrcResourceTrackerRemove(rt);
    if (e) LLVMConsumeError(e);
  }
  LLVMOrcReleaseResourceTracker(rt);
  return rc;
}

/* Sums the jobs' cache outcomes into the JIT's statistics and reports the
   first failure. */
static int collect_jobs(Jit *jit, Job *jobs, size_t n, char **err) {
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    jit->stats.cache_hits += jobs[i].hit;
    jit->stats.cache_misses += jobs[i].miss;
    jit->stats.cache_writes += jobs[i].written;
    jit->stats.cache_rejects += jobs[i].rejected;
    if (jobs[i].err && rc == 0) {
      error_printf(err, "module '%s': %s", jobs[i].name ? jobs[i].name : "?", jobs[i].err);
      rc = -1;
    }
  }
  return rc;
}

/* How many threads to use for n jobs when asked for `threads`. */
static int thread_count(int threads, size_t n, bool shared_ctx) {
  if (threads <= 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    threads = cpus > 0 ? (int)cpus : 1;
  }
  if (shared_ctx || n < 1) threads = 1;
  if ((size_t)threads > n) threads = (int)n;
  return threads;
}

int jit_compile_objects(Jit *jit, LLVMModuleRef *mods, LLVMContextRef *ctxs, size_t n, int threads,
                        JitOpt level, char **err) {
  if (n == 0) return 0;
  int nthreads = thread_count(threads, n, ctxs == NULL);
  Job *jobs = calloc(n, sizeof *jobs);
  Worker *workers = calloc((size_t)nthreads, sizeof *workers);
  int rc = -1;
  if (!jobs || !workers) {
    error_printf(err, "out of memory");
    discard_modules(mods, ctxs, n);
    goto out;
  }
  for (size_t i = 0; i < n; i++)
    jobs[i] = (Job){.mod = mods[i], .ctx = ctxs ? ctxs[i] : NULL};
  Batch b = {.jit = jit, .jobs = jobs, .n = n, .level = level, .cache_dir = jit->cache_dir};
  atomic_init(&b.next, 0);
  if (b.cache_dir && (!dir_trusted(b.cache_dir) || cache_secret(b.cache_dir, b.secret) != 0))
    b.cache_dir = NULL; /* unusable or untrusted cache: compile everything */
  run_workers(&b, workers, nthreads);
  size_t writes = jit->stats.cache_writes;
  rc = collect_jobs(jit, jobs, n, err);
  /* the bound holds after a run that stored entries, or that names a bound */
  if (b.cache_dir && (jit->stats.cache_writes > writes || getenv("MISSIONC_CACHE_MAX")))
    cache_evict(b.cache_dir);
  if (rc == 0) rc = add_objects(jit, jobs, n, err);
out:
  for (size_t i = 0; jobs && i < n; i++) {
    if (jobs[i].obj) LLVMDisposeMemoryBuffer(jobs[i].obj);
    free(jobs[i].name);
    free(jobs[i].err);
  }
  free(jobs);
  free(workers);
  return rc;
}
