/* codegen.h - scores and conditions as LLVM IR: the same operations as the
 * reference evaluator (interp.c), as native code.
 *
 * Ahead of time (cg_module), for a rule R and a prefix P, a module holds (each
 * optional):
 *
 *   double P_R(const double *in);                    one row: in[i] is input i
 *   void   P_R_batch(size_t n, const double *const *cols, double *out);
 *                                                    n rows: column i at cols[i]
 *   const char *const P_R_inputs[];                  the input names, NULL-terminated
 *
 * with the inputs in the order of the rule's signature (interp.h), and, with a
 * fused set (CgOptions.fused), every rule of the module in one loop:
 *
 *   void P_all_batch(size_t n, const double *const *cols, double *const *outs);
 *   const char *const P_all_inputs[];                the set's columns, NULL-terminated
 *   const char *const P_all_outputs[];               the rules, in the order of outs
 *
 * In the JIT
 * (cg_jit_set), the rules of a set are fused into a few kernels, each one loop that
 * computes a group of rules per row:
 *
 *   void kernel(size_t n, const double *const *cols, double *const *outs);
 *
 * where cols are the set's columns and outs[r] the output of the set's rule r, in
 * base units (the caller divides by the rule's scale: ruleset_eval). Kernels run in
 * order on the same rows: a kernel reads back the rules of earlier kernels that its
 * rules use instead of recomputing them, so a chain of rules compiles in linear time.
 *
 * Functions (`fn`) and the rules a rule uses are inlined into it; every value is
 * computed once per row; a loop body is branch-free (selects), vectorised here
 * (CG_LANES rows per iteration), with masked loads and stores for the last rows.
 */
#ifndef MISSION_CODEGEN_H
#define MISSION_CODEGEN_H

#include <stdbool.h>
#include <stdio.h>

#include <llvm-c/Core.h>

#include "compiler.h"
#include "interp.h"
#include "jit.h"
#include "vmath.h"

typedef struct CgSet CgSet;

/* The columns of a fused all-rules function: the set's rules are the module's. */
typedef struct CgFused {
  const CgSet *set;
  const RuleInput *const *cols;   /* the set's columns, in order (one per input name) */
  int ncols;
} CgFused;

/* How wide the calls of exp, log and pow are: SLEEF's deterministic functions of one
 * family (base/vmath.h: finz with FMA, cinz without), which give the same bits at
 * every width, as wide as the target allows. The ISA part of the name by family:
 *                    cinz                 finz */
typedef enum {
  CG_MATH_SCALAR,   /* *d1_*purec            *d1_*purecfma   lane by lane (any target) */
  CG_MATH_SSE2,     /* *d2_*sse2             *d2_*avx2128    (x86-64) */
  CG_MATH_AVX,      /* *d4_*avx              *d4_*avx2       (x86-64 with AVX) */
  CG_MATH_AVX512,   /* *d8_*avx512fnofma     *d8_*avx512f    and 8 rows per vector (AVX-512F) */
} CgMath;

/* The widest CgMath for a target triple and its features ("+avx,..."; a named CPU
 * without features gets SSE2 on x86-64). */
CgMath cg_math_for(const char *triple, const char *features);
/* The same for a jit_new-style cpu. */
CgMath cg_math_for_cpu(const char *cpu);
/* Which SLEEF family compiled code calls: one fixed (the VmFamily values), or either,
 * chosen when the code is first called, on the CPU that runs it, by vm_host_has_fma's
 * test (CPUID and XGETBV, emitted as inline assembly): finz where that CPU has FMA and
 * AVX2, else cinz, the bits of `missionc eval` on that machine. Each call of exp, log
 * or pow then selects one of the two functions by a load of the module's internal
 * family variable (-1 until the test has run; a benign race: every thread stores the
 * same value). */
typedef enum {
  CG_VMATH_CINZ = VM_CINZ,
  CG_VMATH_FINZ = VM_FINZ,
  CG_VMATH_RUNTIME,
} CgVmath;

/* The family of code built ahead of time for a jit_new-style cpu, whatever
 * MISSIONC_VMATH says: "native" the host's (vm_host_has_fma); an x86-64 target whose
 * features have FMA and AVX2 (it runs nowhere else) finz; any other x86-64 target
 * (generic, x86-64, a named CPU) runtime; another architecture cinz. */
CgVmath cg_vmath_for_cpu(const char *cpu);
/* "cinz", "finz" or "runtime" (the header and the manifest's "vmath"). */
const char *cg_vmath_name(CgVmath v);

typedef struct CgOptions {
  const char *prefix;  /* P_R, P_R_batch, P_R_inputs with prefix "P"; R ... with "" */
  bool row;            /* emit P_R */
  bool batch;          /* emit P_R_batch */
  bool inputs;         /* emit P_R_inputs */
  const CgFused *fused; /* emit P_all_batch, P_all_inputs, P_all_outputs (NULL: not) */
  CgMath math;         /* the vector maths of the target (cg_optimized_module sets it) */
  CgVmath vmath;       /* and their family (cg_optimized_module sets it; code run in this
                          process, as the JIT, needs vm_family(): zero is VM_CINZ) */
  const Model *cinz_twin; /* CG_VMATH_RUNTIME: the same file checked with constants folded
                          by cinz (the front end folded the rules' model by finz), whose
                          goals' baselines, targets and plan values the code uses where it
                          runs cinz; NULL when no folded constant called exp, log or pow */
} CgOptions;

/* The name of the fused function's symbols: P_all_WHAT, what is "batch", "inputs"
 * or "outputs". Written to buf as for cg_symbol_name. */
const char *cg_fused_name(const CgOptions *o, const char *what, char *buf, size_t size);

/* The name of one of a rule's symbols: what is "" (row function), "batch" or
 * "inputs". Written to buf (size bytes; a longer name is a caller bug). */
const char *cg_symbol_name(const CgOptions *o, const Sym *rule, const char *what, char *buf,
                           size_t size);

/* A module named `name` in ctx holding the functions of n rules. */
LLVMModuleRef cg_module(LLVMContextRef ctx, const char *name, const RuleSig *const *sigs, int n,
                        const CgOptions *o);
/* The same, set up for `cpu` (as for jit_new) and optimised at `level` on that CPU's
 * target machine, position-independent: what `build` emits (o->vmath as the caller
 * chose it, cg_vmath_for_cpu). NULL with a malloc'd message in *err on failure. */
LLVMModuleRef cg_optimized_module(LLVMContextRef ctx, const RuleSig *const *sigs, int n,
                                  const CgOptions *o, const char *cpu, JitOpt level, char **err);
/* Print the IR of cg_optimized_module (--emit-llvm). Returns 0 or -1 with *err. */
int cg_print_ir(FILE *out, const RuleSig *const *sigs, int n, const CgOptions *o, const char *cpu,
                JitOpt level, char **err);

/* The formula nodes of the functions of sigs once each rule's dependencies are inlined,
 * as the code generator inlines them (each rule a function reaches once); counting stops
 * past cap. Linear in the result: a chain of rules gives a quadratic count, which build
 * refuses beyond its limit rather than spend minutes in LLVM. nsyms is Model.syms.len. */
long cg_inlined_nodes(const RuleSig *const *sigs, int n, int nsyms, long cap);

/* A set of rules evaluated together on the same columns. */
struct CgSet {
  const RuleSig *const *sigs;  /* the rules, in output order */
  int n;
  int *const *col_of;          /* per rule, per input: the index of its column in the set */
};

typedef void (*CgSetFn)(size_t n, const double *const *cols, double *const *outs);

/* Split a set into groups of consecutive rules, one kernel each: group k is rules
 * starts[k] .. starts[k+1]-1 (starts needs n+1 entries). Returns the group count. */
int cg_groups(const CgSet *set, int threads, int *starts);
/* A module with the kernels "missionc.kernel.K" of groups first_group ...; exp, log
 * and pow as wide as math, of the process's family (vm_family: the JIT runs here). */
LLVMModuleRef cg_set_module(LLVMContextRef ctx, const char *name, const CgSet *set,
                            const int *starts, int first_group, int ngroups, CgMath math);
/* Compile a set's kernels in the JIT: one module per group, on `threads` threads
 * (<= 0: one per CPU), through the JIT's object cache. fns needs set->n entries;
 * *nfns is set to the number of kernels, all to be called on the same columns.
 * Returns 0, or -1 with a malloc'd message in *err. */
int cg_jit_set(Jit *jit, const CgSet *set, int threads, JitOpt level, CgSetFn *fns, int *nfns,
               char **err);
/* Print the IR of a set's kernels, optimised at level for cpu (eval --emit-llvm). */
int cg_print_set_ir(FILE *out, const CgSet *set, const char *cpu, JitOpt level, char **err);

/* Write a C header declaring the functions of the rules, with their inputs, units and
 * formulas (quoted from src). `guard` is the include-guard macro. */
void cg_write_header(FILE *out, const char *guard, Sources *src, const RuleSig *const *sigs, int n,
                     const CgOptions *o);

#endif
