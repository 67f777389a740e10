/* jit.h - the LLVM target, the ORC LLJIT, the optimisation pipelines, and a
 * parallel, cached compiler from modules to JIT-loaded objects.
 *
 * Typical use (one rule set):
 *
 *     Jit *jit = jit_new(NULL, &err);              // host CPU and features
 *     // build mods[i] in ctxs[i] (one LLVMContext per module)
 *     jit_compile_objects(jit, mods, ctxs, n, 0, JIT_OPT_O2, &err);
 *     double (*f)(double) = (double (*)(double))jit_lookup_func(jit, "f", &err);
 *     ...
 *     jit_free(jit);                               // frees the code too
 *
 * or, for one module compiled lazily on the first lookup:
 *
 *     jit_prepare_module(jit, mod);
 *     jit_optimize(jit, mod, JIT_OPT_O2, &err);
 *     jit_add_module(jit, mod, ctx, &err);
 *
 * Errors: functions that can fail return 0 / non-NULL on success and on
 * failure store a malloc'd message in *err (if err is not NULL; free it
 * with free()).
 *
 * Object cache (jit_compile_objects only): the key is a SHA-256 of the
 * module's printed IR (before optimisation), the target triple, CPU name
 * and features, the opt level, the LLVM version and the missionc version;
 * the value is the object file.  Entries live in $MISSIONC_CACHE_DIR, else
 * $XDG_CACHE_HOME/missionc, else ~/.cache/missionc; MISSIONC_CACHE=0 turns
 * the cache off.  Entries are written atomically (temporary file + rename)
 * and carry a checksum: an unreadable or corrupt entry is recompiled and
 * rewritten, never trusted.  Nothing is ever evicted.
 */
#ifndef MISSIONC_JIT_H
#define MISSIONC_JIT_H

#include <stddef.h>

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

typedef struct Jit Jit;

/* Optimisation levels, with their names. */
#define JIT_OPT_LIST(X)                                                                            \
  X(JIT_OPT_NONE, "none") /* no IR passes, fast instruction selection */                           \
  X(JIT_OPT_LEAN, "lean") /* promote, simplify, vectorise loops: O2 speed, less time */            \
  X(JIT_OPT_O2, "O2")     /* default<O2> */                                                        \
  X(JIT_OPT_O3, "O3")     /* default<O3> */

typedef enum {
#define JIT_OPT_ENUM(id, name) id,
  JIT_OPT_LIST(JIT_OPT_ENUM)
#undef JIT_OPT_ENUM
} JitOpt;

/* A JIT'd function of any type: cast it to the real function type. */
typedef void (*JitFunc)(void);

/* What the object cache did so far for one Jit. */
typedef struct JitStats {
  size_t cache_hits;    /* objects loaded from the cache */
  size_t cache_misses;  /* objects compiled (cache on or off) */
  size_t cache_writes;  /* objects stored in the cache */
  size_t cache_rejects; /* entries found but unreadable or corrupt */
} JitStats;

/* "none", "lean", "O2", "O3"; jit_opt_parse returns 0 if name is one, or "0", "O0",
 * "2", "3" (-O0, -O2, -O3 as C compilers spell them). */
const char *jit_opt_name(JitOpt level);
int jit_opt_parse(const char *name, JitOpt *level);

/* A JIT for this process.  cpu: NULL or "native" = the host CPU with its
   features (read from the CPU: a CPU newer than LLVM is named "generic" but
   keeps its features), "generic", or an LLVM CPU name ("x86-64-v3",
   "skylake"...); an unknown name fails as jit_check_cpu does. Code for a CPU
   the host is not may die of an illegal instruction. */
Jit *jit_new(const char *cpu, char **err);

/* 0 if cpu is NULL, "native", "generic" or a CPU LLVM knows for the host target;
   else -1 with a malloc'd message in *err: the nearest name, then a line
   "note: --cpu takes native, generic, ..." listing the valid names. */
int jit_check_cpu(const char *cpu, char **err);
/* The triple, CPU name and features a JIT for cpu compiles for (as
   jit_triple, jit_cpu and jit_features), malloc'd, without making a JIT. */
void jit_describe_cpu(const char *cpu, char **triple, char **name, char **features);
/* The CPU names LLVM knows for the host target, NULL-terminated (empty if
   they cannot be read). */
const char *const *jit_cpu_names(void);
void jit_free(Jit *jit);

/* The target the JIT compiles for (owned by the Jit). */
const char *jit_triple(const Jit *jit);
const char *jit_cpu(const Jit *jit);
const char *jit_features(const Jit *jit);

/* Overrides the cache directory chosen from the environment; NULL turns
   the cache off. */
void jit_set_cache_dir(Jit *jit, const char *dir);
const char *jit_cache_dir(const Jit *jit); /* NULL when off */
JitStats jit_stats(const Jit *jit);

/* Sets the module's target triple and data layout to the JIT's. */
void jit_prepare_module(Jit *jit, LLVMModuleRef mod);

/* Verifies the module, then runs the level's pipeline with the JIT's
   target machine (loop and SLP vectorisation on). */
int jit_optimize(Jit *jit, LLVMModuleRef mod, JitOpt level, char **err);

/* Adds one module, compiled on first lookup.  Takes ownership of mod and
   of ctx, the context it was built in (ctx NULL: the context is not
   disposed).  The module is moved into a fresh ORC ThreadSafeContext. */
int jit_add_module(Jit *jit, LLVMModuleRef mod, LLVMContextRef ctx, char **err);

/* Prepares, verifies, optimises and compiles n modules to objects on
   `threads` threads (<= 0: one per online CPU), consulting the object
   cache, then adds the objects to the JIT.  mods[i] must live alone in
   ctxs[i] (or ctxs may be NULL: contexts not disposed, and then threads
   is forced to 1 since modules may share a context).  Takes ownership of
   all modules and contexts, also on failure.  All or nothing: on an error
   no object is added. */
int jit_compile_objects(Jit *jit, LLVMModuleRef *mods, LLVMContextRef *ctxs, size_t n, int threads,
                        JitOpt level, char **err);

/* The address of a symbol in the JIT (compiling its module if needed), or
   NULL with an error. */
void *jit_lookup(Jit *jit, const char *name, char **err);
JitFunc jit_lookup_func(Jit *jit, const char *name, char **err);

/* Shared with object.c: a target machine for the host triple and the CPU
   named as for jit_new, and the pipeline of a level run with it. */
LLVMTargetMachineRef jit_target_machine(const char *cpu, LLVMRelocMode reloc, LLVMCodeModel model,
                                        LLVMCodeGenOptLevel level, char **err);
int jit_run_passes(LLVMModuleRef mod, LLVMTargetMachineRef tm, JitOpt level, char **err);

/* Set a module's triple and data layout to a target machine's. */
void jit_target_module(LLVMModuleRef mod, LLVMTargetMachineRef tm);

#endif
