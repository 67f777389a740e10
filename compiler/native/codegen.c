/* codegen.c - scores and conditions to LLVM IR.
 *
 * One Gen context per module. A rule's formula is expanded in place: the rules it
 * uses and the fns it calls are generated inline, each distinct value once per row
 * (a memo of rule values and of fn calls by their arguments), so the whole row is a
 * single basic block of arithmetic, compares and selects.
 *
 * The row function computes it on scalars. A loop (gen_loop) computes it on vectors
 * of CG_LANES rows at once (<4 x double>, selects on <4 x i1>; 8 rows on AVX-512 targets): the code is
 * vectorised here, not left to the loop vectoriser, so there is one copy of the
 * body instead of a vector loop plus a scalar remainder loop, which halves the
 * code the back end compiles. The last, partial vector is read and written with
 * masked loads and stores. A loop serves one rule (P_R_batch, ahead of time) or a
 * group of rules (the JIT's kernels), each result stored as soon as it is known.
 *
 * Compile time is what limits a file of 1,000 rules, and the back end's cost is
 * mostly per function: the JIT therefore fuses rules into a few kernels (cg_groups),
 * one module each, compiled in parallel and cached by jit.c.
 *
 * The operations and their order are those of interp.c, value for value, lane for
 * lane; exp and log are SLEEF's deterministic functions of one family (libm_call,
 * base/vmath.h), which the optimiser does not know, so it cannot rewrite them (exp(x)
 * into exp2 ...); pow is missionc's own, an internal function of the module
 * (native/vmath_ir.c) of the operations of base/vmath_pow.c. Portable objects hold both families and pick one on the CPU that
 * runs them (CG_VMATH_RUNTIME: family_function), goal constants folded by exp, log or
 * pow included (folded).
 */
#include "codegen.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <llvm-c/TargetMachine.h>

#include "util.h"
#include "vmath_ir.h"

/* ------------------------------------------------------------------------
 * The context
 * ------------------------------------------------------------------------ */

/* A value computed once per row: a rule's value, or a fn call on given arguments. */
typedef struct Memo {
  const Sym *sym;
  int nargs;
  LLVMValueRef *args;
  const Sym **goals;
  LLVMValueRef val;
} Memo;

/* The arguments of the fn being expanded. */
typedef struct Frame {
  LLVMValueRef *args;
  const Sym **goals;
} Frame;

/* Rules of a set by pointer: an open-addressing table (2^k slots, at most half full). */
typedef struct SetIndex {
  const Sym **keys;
  int *pos;
  size_t mask;
} SetIndex;

static size_t set_index_slot(const SetIndex *ix, const Sym *rule) {
  size_t h = ((size_t)(uintptr_t)rule >> 4) * 0x9E3779B97F4A7C15ull;
  size_t i = h & ix->mask;
  while (ix->keys[i] && ix->keys[i] != rule) i = (i + 1) & ix->mask;
  return i;
}

/* The table of a set's rules (the first position of a rule listed twice). */
static void set_index_init(SetIndex *ix, const CgSet *set) {
  size_t cap = 16;
  while (cap < 2 * (size_t)set->n + 2) cap *= 2;
  ix->keys = xcalloc(cap, sizeof *ix->keys);
  ix->pos = xcalloc(cap, sizeof *ix->pos);
  ix->mask = cap - 1;
  for (int r = 0; r < set->n; r++) {
    size_t i = set_index_slot(ix, set->sigs[r]->rule);
    if (ix->keys[i]) continue;
    ix->keys[i] = set->sigs[r]->rule;
    ix->pos[i] = r;
  }
}

static void set_index_free(SetIndex *ix) {
  free(ix->keys);
  free(ix->pos);
}

/* The position of a rule in the set, or -1. */
static int set_index_find(const SetIndex *ix, const Sym *rule) {
  if (!ix) return -1;
  size_t i = set_index_slot(ix, rule);
  return ix->keys[i] ? ix->pos[i] : -1;
}

/* Rules named by a formula. */
typedef struct RefList {
  const Sym **items;
  int len, cap;
} RefList;

static void ref_push(RefList *l, const Sym *s) {
  if (l->len == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 4;
    l->items = xrealloc(l->items, sizeof *l->items * (size_t)l->cap);
  }
  l->items[l->len++] = s;
}

/* Rule values on the current row, by rule: open addressing, at most half full. */
typedef struct RuleMemo {
  const Sym **keys;
  LLVMValueRef *vals;
  size_t cap, len;
} RuleMemo;

static size_t rule_memo_slot(const RuleMemo *m, const Sym *rule) {
  size_t i = (((size_t)(uintptr_t)rule >> 4) * 0x9E3779B97F4A7C15ull) & (m->cap - 1);
  while (m->keys[i] && m->keys[i] != rule) i = (i + 1) & (m->cap - 1);
  return i;
}

static LLVMValueRef rule_memo_get(const RuleMemo *m, const Sym *rule) {
  if (!m->cap) return NULL;
  size_t i = rule_memo_slot(m, rule);
  return m->keys[i] ? m->vals[i] : NULL;
}

static void rule_memo_put(RuleMemo *m, const Sym *rule, LLVMValueRef v) {
  if (2 * (m->len + 1) > m->cap) {
    RuleMemo old = *m;
    m->cap = old.cap ? 2 * old.cap : 64;
    m->len = 0;
    m->keys = xcalloc(m->cap, sizeof *m->keys);
    m->vals = xcalloc(m->cap, sizeof *m->vals);
    for (size_t i = 0; i < old.cap; i++)
      if (old.keys[i]) rule_memo_put(m, old.keys[i], old.vals[i]);
    free(old.keys);
    free(old.vals);
  }
  size_t i = rule_memo_slot(m, rule);
  if (!m->keys[i]) m->len++;
  m->keys[i] = rule;
  m->vals[i] = v;
}

static void rule_memo_clear(RuleMemo *m) {
  if (m->cap) memset(m->keys, 0, sizeof *m->keys * m->cap);
  m->len = 0;
}

typedef enum { LIBM_POW, LIBM_EXP, LIBM_LOG, LIBM_COUNT } Libm;
static const char *const libm_names[LIBM_COUNT] = {"pow", "exp", "log"};
enum { MATH_WIDTHS = 4 };   /* 1, 2, 4 and 8 lanes: CgMath */

enum { CG_LANES = 4, CG_MAX_LANES = 8 };   /* rows per vector in the batch kernel: 8 with AVX-512 */

typedef struct Gen {
  LLVMContextRef ctx;
  LLVMModuleRef mod;
  LLVMBuilderRef b;
  LLVMTypeRef f64, i1, i8, i64, ptr, pptr, strptr;
  unsigned lanes;           /* 1 (row function) or batch_lanes() (batch kernel) */
  LLVMTypeRef vt, bt;       /* a value (booleans too: 1, 0 or NaN): double or <lanes x double>;
                               a lane mask: i1 or <lanes x i1> */
  LLVMValueRef libm[2][LIBM_COUNT][MATH_WIDTHS];   /* by VmFamily, CgMath: 1, 2, 4, 8 lanes */
  CgMath math;
  CgVmath vmath;            /* the family of exp, log and pow (vmath.h), or chosen at run time */
  LLVMValueRef is_finz;     /* CG_VMATH_RUNTIME: i1 missionc.vmath.is_finz(), once declared */
  const Model *twin;        /* CG_VMATH_RUNTIME: goal constants folded by cinz, or NULL */
  LLVMAttributeRef nounwind;
  const RuleSig *sig;       /* the rule being generated */
  LLVMValueRef *in;         /* per input slot: its base-unit value in this row */
  Memo *memo;              /* fn calls by their arguments */
  int nmemo, capmemo;
  RuleMemo rules;          /* rule values */
  /* Kernels of a set (gen_set_function): the rules of earlier kernels, already stored
   * in base units, are read back instead of recomputed. */
  const SetIndex *index;    /* rule -> its position in the set, or NULL */
  int avail;                /* rules at positions below this one are stored */
  LLVMValueRef outs;        /* the kernel's outs parameter */
  LLVMBasicBlockRef entry;  /* where the kernel loads its pointers */
  LLVMValueRef row, rem;    /* the loop's first row and rows left */
  bool base_out;            /* store results in base units (the caller scales them) */
} Gen;

static LLVMAttributeRef enum_attr(LLVMContextRef ctx, const char *name) {
  unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));
  return kind ? LLVMCreateEnumAttribute(ctx, kind, 0) : NULL;
}

static void gen_init(Gen *g, LLVMContextRef ctx, const char *name) {
  memset(g, 0, sizeof *g);
  g->ctx = ctx;
  g->mod = LLVMModuleCreateWithNameInContext(name, ctx);
  g->b = LLVMCreateBuilderInContext(ctx);
  g->f64 = LLVMDoubleTypeInContext(ctx);
  g->i1 = LLVMInt1TypeInContext(ctx);
  g->i8 = LLVMInt8TypeInContext(ctx);
  g->i64 = LLVMInt64TypeInContext(ctx);
  g->ptr = LLVMPointerType(g->f64, 0);
  g->pptr = LLVMPointerType(g->ptr, 0);
  g->strptr = LLVMPointerType(g->i8, 0);
  g->lanes = 1;
  g->vt = g->f64;
  g->bt = g->i1;
  g->nounwind = enum_attr(ctx, "nounwind");
}

static void gen_done(Gen *g) {
  LLVMDisposeBuilder(g->b);
  free(g->rules.keys);
  free(g->rules.vals);
  for (int i = 0; i < g->nmemo; i++) {
    free(g->memo[i].args);
    free(g->memo[i].goals);
  }
  free(g->memo);
}

static void memo_reset(Gen *g) {
  rule_memo_clear(&g->rules);
  for (int i = 0; i < g->nmemo; i++) {
    free(g->memo[i].args);
    free(g->memo[i].goals);
  }
  g->nmemo = 0;
}

/* The memoised value of sym on these arguments, or NULL. */
static LLVMValueRef memo_find(Gen *g, const Sym *sym, int nargs, LLVMValueRef *args,
                              const Sym **goals) {
  for (int i = 0; i < g->nmemo; i++) {
    Memo *m = &g->memo[i];
    if (m->sym != sym || m->nargs != nargs) continue;
    bool same = true;
    for (int k = 0; k < nargs && same; k++) same = m->args[k] == args[k] && m->goals[k] == goals[k];
    if (same) return m->val;
  }
  return NULL;
}

static void memo_add(Gen *g, const Sym *sym, int nargs, LLVMValueRef *args, const Sym **goals,
                     LLVMValueRef val) {
  if (g->nmemo == g->capmemo) {
    g->capmemo = g->capmemo ? 2 * g->capmemo : 16;
    g->memo = xrealloc(g->memo, sizeof *g->memo * (size_t)g->capmemo);
  }
  Memo *m = &g->memo[g->nmemo++];
  m->sym = sym;
  m->nargs = nargs;
  m->args = xmalloc(sizeof *args * (size_t)(nargs + 1));
  m->goals = xmalloc(sizeof *goals * (size_t)(nargs + 1));
  if (nargs) {
    memcpy(m->args, args, sizeof *args * (size_t)nargs);
    memcpy(m->goals, goals, sizeof *goals * (size_t)nargs);
  }
  m->val = val;
}

/* ------------------------------------------------------------------------
 * Small builders
 * ------------------------------------------------------------------------ */

/* Values of the current shape: scalars, or vectors of g->lanes. */
static void set_lanes(Gen *g, unsigned lanes) {
  g->lanes = lanes;
  g->vt = lanes == 1 ? g->f64 : LLVMVectorType(g->f64, lanes);
  g->bt = lanes == 1 ? g->i1 : LLVMVectorType(g->i1, lanes);
}

/* A constant in every lane. */
static LLVMValueRef splat(Gen *g, LLVMValueRef scalar) {
  if (g->lanes == 1) return scalar;
  LLVMValueRef elems[CG_MAX_LANES];
  for (unsigned i = 0; i < g->lanes; i++) elems[i] = scalar;
  return LLVMConstVector(elems, g->lanes);
}

static LLVMValueRef num(Gen *g, double v) { return splat(g, LLVMConstReal(g->f64, v)); }
static LLVMValueRef truth(Gen *g, bool v) { return num(g, v ? 1.0 : 0.0); }
static LLVMValueRef nan_value(Gen *g) { return num(g, NAN); }

/* An i1 (or i1 vector) as a boolean value 1/0. */
static LLVMValueRef from_i1(Gen *g, LLVMValueRef c) { return LLVMBuildUIToFP(g->b, c, g->vt, ""); }

/* Whether a or b is NaN (fcmp uno). */
static LLVMValueRef either_nan(Gen *g, LLVMValueRef a, LLVMValueRef b) {
  return LLVMBuildFCmp(g->b, LLVMRealUNO, a, b, "");
}

/* v, or NaN where a or b is NaN (valsem.h: NaN in, NaN out). */
static LLVMValueRef nan_if(Gen *g, LLVMValueRef a, LLVMValueRef b, LLVMValueRef v) {
  return LLVMBuildSelect(g->b, either_nan(g, a, b), nan_value(g), v, "");
}

/* A call of an LLVM intrinsic on doubles (llvm.fabs, llvm.sqrt ...), lane-wise. */
static LLVMValueRef intrinsic1(Gen *g, const char *name, LLVMValueRef x) {
  unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
  if (!id) unreachable_bug("unknown LLVM intrinsic");
  LLVMValueRef fn = LLVMGetIntrinsicDeclaration(g->mod, id, &g->vt, 1);
  LLVMTypeRef ty = LLVMFunctionType(g->vt, &g->vt, 1, 0);
  return LLVMBuildCall2(g->b, ty, fn, &x, 1, "");
}

CgMath cg_math_for(const char *triple, const char *features) {
  if (strncmp(triple, "x86_64", 6) != 0) return CG_MATH_SCALAR;
  CgMath m = CG_MATH_SSE2;
  for (const char *f = features; (f = strchr(f, '+')) != NULL; f++) {
    size_t len = strcspn(f, ",");
    if (len == 4 && strncmp(f, "+avx", 4) == 0 && m < CG_MATH_AVX) m = CG_MATH_AVX;
    if (len == 8 && strncmp(f, "+avx512f", 8) == 0) m = CG_MATH_AVX512;
  }
  return m;
}

CgMath cg_math_for_cpu(const char *cpu) {
  char *triple, *name, *features;
  jit_describe_cpu(cpu, &triple, &name, &features);
  CgMath m = cg_math_for(triple, features);
  free(triple);
  free(name);
  free(features);
  return m;
}

/* Whether a feature list ("+a,-b,+c") turns `want` on ("+fma"). */
static bool has_feature(const char *features, const char *want) {
  size_t n = strlen(want);
  for (const char *f = features; (f = strstr(f, want)) != NULL; f += n)
    if ((f == features || f[-1] == ',') && (f[n] == ',' || f[n] == '\0')) return true;
  return false;
}

CgVmath cg_vmath_for_cpu(const char *cpu) {
  if (strcmp(cpu, "native") == 0) return vm_host_has_fma() ? CG_VMATH_FINZ : CG_VMATH_CINZ;
  char *triple, *name, *features;
  jit_describe_cpu(cpu, &triple, &name, &features);
  bool x86 = strncmp(triple, "x86_64", 6) == 0;
  bool fma = x86 && has_feature(features, "+fma") && has_feature(features, "+avx2");
  free(triple);
  free(name);
  free(features);
  return !x86 ? CG_VMATH_CINZ : fma ? CG_VMATH_FINZ : CG_VMATH_RUNTIME;
}

const char *cg_vmath_name(CgVmath v) { return v == CG_VMATH_RUNTIME ? "runtime" : vm_family_name((VmFamily)v); }

/* The SLEEF function `which` of family fam on `width` lanes (1, 2, 4 or 8), declared
 * once: the u10 ones (at most 1.0 ulp; vmath.h). */
static LLVMValueRef math_fn(Gen *g, VmFamily fam, Libm which, unsigned width, LLVMTypeRef *ty) {
  int nargs = which == LIBM_POW ? 2 : 1;
  int w = width == 1 ? CG_MATH_SCALAR : width == 2 ? CG_MATH_SSE2 : width == 4 ? CG_MATH_AVX : CG_MATH_AVX512;
  LLVMTypeRef vt = width == 1 ? g->f64 : LLVMVectorType(g->f64, width);
  LLVMTypeRef params[2] = {vt, vt};
  *ty = LLVMFunctionType(vt, params, (unsigned)nargs, 0);
  bool finz = fam == VM_FINZ;
  if (!g->libm[finz][which][w]) {
    static const char *const isa[2][MATH_WIDTHS] = {{"purec", "sse2", "avx", "avx512fnofma"},
                                                    {"purecfma", "avx2128", "avx2", "avx512f"}};
    char name[64];
    snprintf(name, sizeof name, "Sleef_%s_%sd%u_u10%s", finz ? "finz" : "cinz", libm_names[which], width,
             isa[finz][w]);
    LLVMValueRef fn = LLVMGetNamedFunction(g->mod, name);
    if (!fn) fn = LLVMAddFunction(g->mod, name, *ty);
    if (g->nounwind) LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, g->nounwind);
    g->libm[finz][which][w] = fn;
  }
  return g->libm[finz][which][w];
}

/* ------------------------------------------------------------------------
 * The family chosen at run time (CG_VMATH_RUNTIME)
 * ------------------------------------------------------------------------ */

/* The i32 registers of inline `cpuid` (leaf, subleaf) or `xgetbv` (XCR 0): the
 * struct {eax, ebx, ecx, edx} or {eax, edx}. */
static LLVMValueRef x86_asm(Gen *g, bool xgetbv, LLVMValueRef *args) {
  LLVMTypeRef i32 = LLVMInt32TypeInContext(g->ctx);
  LLVMTypeRef regs[4] = {i32, i32, i32, i32};
  LLVMTypeRef ret = LLVMStructTypeInContext(g->ctx, regs, xgetbv ? 2 : 4, 0);
  LLVMTypeRef params[2] = {i32, i32};
  LLVMTypeRef fty = LLVMFunctionType(ret, params, xgetbv ? 1 : 2, 0);
  char *text = xgetbv ? "xgetbv" : "cpuid";
  char *cons = xgetbv ? "={ax},={dx},{cx},~{dirflag},~{fpsr},~{flags}"
                      : "={ax},={bx},={cx},={dx},{ax},{cx},~{dirflag},~{fpsr},~{flags}";
  LLVMValueRef asm_ = LLVMGetInlineAsm(fty, text, strlen(text), cons, strlen(cons), 1, 0,
                                       LLVMInlineAsmDialectATT, 0);
  return LLVMBuildCall2(g->b, fty, asm_, args, xgetbv ? 1 : 2, "");
}

/* Whether (r >> bit) & 1 of field k of an inline-asm result. */
static LLVMValueRef reg_bit(Gen *g, LLVMValueRef regs, unsigned k, unsigned bit) {
  LLVMTypeRef i32 = LLVMInt32TypeInContext(g->ctx);
  LLVMValueRef r = LLVMBuildExtractValue(g->b, regs, k, "");
  LLVMValueRef m = LLVMConstInt(i32, 1u << bit, 0);
  return LLVMBuildICmp(g->b, LLVMIntEQ, LLVMBuildAnd(g->b, r, m, ""), m, "");
}

/* i32 missionc.vmath.init(ptr family): whether this CPU runs the FMA family (1, else
 * 0), by the test of vm_host_has_fma, stored into the family variable (monotonic:
 * threads that race store the same value). Not inlined: it runs once. */
static LLVMValueRef init_function(Gen *g, LLVMValueRef fam) {
  LLVMTypeRef i32 = LLVMInt32TypeInContext(g->ctx);
  LLVMValueRef fn = LLVMAddFunction(g->mod, "missionc.vmath.init", LLVMFunctionType(i32, NULL, 0, 0));
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  LLVMAttributeRef noinline = enum_attr(g->ctx, "noinline"), cold = enum_attr(g->ctx, "cold");
  if (noinline) LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, noinline);
  if (cold) LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, cold);
  if (g->nounwind) LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, g->nounwind);
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
  LLVMBasicBlockRef os = LLVMAppendBasicBlockInContext(g->ctx, fn, "os");
  LLVMBasicBlockRef save = LLVMAppendBasicBlockInContext(g->ctx, fn, "save");
  LLVMValueRef zero = LLVMConstInt(i32, 0, 0);
  /* entry: leaf 7 exists; leaf 1: FMA, OSXSAVE, AVX */
  LLVMPositionBuilderAtEnd(g->b, entry);
  LLVMValueRef leaf0 = x86_asm(g, false, (LLVMValueRef[]){zero, zero});
  LLVMValueRef max = LLVMBuildExtractValue(g->b, leaf0, 0, "");
  LLVMValueRef ok = LLVMBuildICmp(g->b, LLVMIntUGE, max, LLVMConstInt(i32, 7, 0), "");
  LLVMValueRef leaf1 = x86_asm(g, false, (LLVMValueRef[]){LLVMConstInt(i32, 1, 0), zero});
  ok = LLVMBuildAnd(g->b, ok, reg_bit(g, leaf1, 2, 12), "");   /* FMA */
  ok = LLVMBuildAnd(g->b, ok, reg_bit(g, leaf1, 2, 27), "");   /* OSXSAVE: XGETBV runs */
  ok = LLVMBuildAnd(g->b, ok, reg_bit(g, leaf1, 2, 28), "");   /* AVX */
  LLVMBuildCondBr(g->b, ok, os, save);
  /* os: XCR0 has the SSE and AVX state (bits 1, 2); leaf 7: AVX2 */
  LLVMPositionBuilderAtEnd(g->b, os);
  LLVMValueRef xcr0 = x86_asm(g, true, (LLVMValueRef[]){zero});
  LLVMValueRef avx_os = LLVMBuildAnd(g->b, reg_bit(g, xcr0, 0, 1), reg_bit(g, xcr0, 0, 2), "");
  LLVMValueRef leaf7 = x86_asm(g, false, (LLVMValueRef[]){LLVMConstInt(i32, 7, 0), zero});
  LLVMValueRef finz = LLVMBuildAnd(g->b, avx_os, reg_bit(g, leaf7, 1, 5), "");   /* AVX2 */
  LLVMValueRef found = LLVMBuildZExt(g->b, finz, i32, "");
  LLVMBuildBr(g->b, save);
  /* save: what the test found */
  LLVMPositionBuilderAtEnd(g->b, save);
  LLVMValueRef v = LLVMBuildPhi(g->b, i32, "");
  LLVMAddIncoming(v, (LLVMValueRef[]){zero, found}, (LLVMBasicBlockRef[]){entry, os}, 2);
  LLVMValueRef st = LLVMBuildStore(g->b, v, fam);
  LLVMSetOrdering(st, LLVMAtomicOrderingMonotonic);
  LLVMSetAlignment(st, 4);
  LLVMBuildRet(g->b, v);
  return fn;
}

/* i1 missionc.vmath.is_finz(): the family variable missionc.vmath.family (-1 unknown,
 * 0 cinz, 1 finz; a monotonic load), found by init the first time, is finz. Small, to
 * be inlined: a load, a compare and a branch not taken. */
static LLVMValueRef family_function(Gen *g) {
  if (g->is_finz) return g->is_finz;
  LLVMTypeRef i32 = LLVMInt32TypeInContext(g->ctx);
  LLVMValueRef fam = LLVMAddGlobal(g->mod, i32, "missionc.vmath.family");
  LLVMSetLinkage(fam, LLVMInternalLinkage);
  LLVMSetInitializer(fam, LLVMConstInt(i32, (unsigned long long)-1, 1));
  LLVMSetAlignment(fam, 4);
  LLVMBasicBlockRef saved = LLVMGetInsertBlock(g->b);
  LLVMValueRef init = init_function(g, fam);
  LLVMValueRef fn = LLVMAddFunction(g->mod, "missionc.vmath.is_finz", LLVMFunctionType(g->i1, NULL, 0, 0));
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  if (g->nounwind) LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, g->nounwind);
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
  LLVMBasicBlockRef test = LLVMAppendBasicBlockInContext(g->ctx, fn, "test");
  LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(g->ctx, fn, "done");
  LLVMPositionBuilderAtEnd(g->b, entry);
  LLVMValueRef known = LLVMBuildLoad2(g->b, i32, fam, "family");
  LLVMSetOrdering(known, LLVMAtomicOrderingMonotonic);
  LLVMSetAlignment(known, 4);
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, known, LLVMConstInt(i32, 0, 0), ""), test, done);
  LLVMPositionBuilderAtEnd(g->b, test);
  LLVMValueRef found = LLVMBuildCall2(g->b, LLVMFunctionType(i32, NULL, 0, 0), init, NULL, 0, "");
  LLVMBuildBr(g->b, done);
  LLVMPositionBuilderAtEnd(g->b, done);
  LLVMValueRef f = LLVMBuildPhi(g->b, i32, "");
  LLVMAddIncoming(f, (LLVMValueRef[]){known, found}, (LLVMBasicBlockRef[]){entry, test}, 2);
  LLVMBuildRet(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, f, LLVMConstInt(i32, 1, 0), ""));
  if (saved) LLVMPositionBuilderAtEnd(g->b, saved);
  g->is_finz = fn;
  return fn;
}

/* Whether the CPU running the code runs finz: a call of is_finz (inlined by the
 * optimiser: a load and a compare once the test has run). */
static LLVMValueRef runs_finz(Gen *g) {
  return LLVMBuildCall2(g->b, LLVMFunctionType(g->i1, NULL, 0, 0), family_function(g), NULL, 0, "finz");
}

/* Lanes first .. first+width-1 of a vector (all of it when width is its size). */
static LLVMValueRef lanes_of(Gen *g, LLVMValueRef v, unsigned first, unsigned width) {
  if (width == g->lanes) return v;
  LLVMTypeRef i32 = LLVMInt32TypeInContext(g->ctx);
  if (width == 1) return LLVMBuildExtractElement(g->b, v, LLVMConstInt(i32, first, 0), "");
  LLVMValueRef idx[CG_MAX_LANES];
  for (unsigned k = 0; k < width; k++) idx[k] = LLVMConstInt(i32, first + k, 0);
  return LLVMBuildShuffleVector(g->b, v, LLVMGetUndef(LLVMTypeOf(v)), LLVMConstVector(idx, width), "");
}

/* pow, exp or log: SLEEF's deterministic functions (base/vmath.h), whose every width
 * gives the bits of the same family's scalar one; on vectors, as wide as the target
 * allows (CgMath), the lanes split into parts of that width and joined again. With
 * CG_VMATH_RUNTIME, an indirect call of the function that is_finz selects. */
static LLVMValueRef libm_call(Gen *g, Libm which, LLVMValueRef *args) {
  int nargs = which == LIBM_POW ? 2 : 1;
  static const unsigned widths[] = {1, 2, 4, 8};   /* by CgMath */
  unsigned width = g->lanes == 1 ? 1 : widths[g->math];
  if (width > g->lanes) width = g->lanes;
  LLVMTypeRef ty;
  LLVMValueRef fn;
  if (g->vmath == CG_VMATH_RUNTIME) {   /* the CPU's family: one of two pointers */
    LLVMValueRef finz = runs_finz(g);
    LLVMValueRef f = math_fn(g, VM_FINZ, which, width, &ty);
    fn = LLVMBuildSelect(g->b, finz, f, math_fn(g, VM_CINZ, which, width, &ty), "");
  } else {
    fn = math_fn(g, (VmFamily)g->vmath, which, width, &ty);
  }
  LLVMValueRef parts[CG_MAX_LANES];
  unsigned nparts = g->lanes / width;
  for (unsigned p = 0; p < nparts; p++) {
    LLVMValueRef a[2];
    for (int k = 0; k < nargs; k++) a[k] = lanes_of(g, args[k], p * width, width);
    parts[p] = LLVMBuildCall2(g->b, ty, fn, a, (unsigned)nargs, "");
  }
  LLVMTypeRef i32 = LLVMInt32TypeInContext(g->ctx);
  if (width == 1 && nparts > 1) {
    LLVMValueRef v = LLVMGetUndef(g->vt);
    for (unsigned p = 0; p < nparts; p++) v = LLVMBuildInsertElement(g->b, v, parts[p], LLVMConstInt(i32, p, 0), "");
    return v;
  }
  /* join the parts pairwise: 2 + 2 -> 4, 4 + 4 -> 8 */
  for (; nparts > 1; nparts /= 2, width *= 2)
    for (unsigned p = 0; p < nparts / 2; p++) {
      LLVMValueRef idx[CG_MAX_LANES];
      for (unsigned k = 0; k < 2 * width; k++) idx[k] = LLVMConstInt(i32, k, 0);
      parts[p] = LLVMBuildShuffleVector(g->b, parts[2 * p], parts[2 * p + 1], LLVMConstVector(idx, 2 * width), "");
    }
  return parts[0];
}

/* libm_call with a NaN result made the positive quiet NaN, as vmath.h does. */
static LLVMValueRef math_call(Gen *g, Libm which, LLVMValueRef *args) {
  LLVMValueRef r = libm_call(g, which, args);
  LLVMValueRef nan = LLVMBuildFCmp(g->b, LLVMRealUNO, r, r, "");
  return LLVMBuildSelect(g->b, nan, num(g, __builtin_nan("")), r, "");
}

/* min(a, b) = b < a ? b : a; NaN when either is NaN */
static LLVMValueRef gen_min(Gen *g, LLVMValueRef a, LLVMValueRef b) {
  return nan_if(g, a, b, LLVMBuildSelect(g->b, LLVMBuildFCmp(g->b, LLVMRealOLT, b, a, ""), b, a, ""));
}

/* max(a, b) = b > a ? b : a; NaN when either is NaN */
static LLVMValueRef gen_max(Gen *g, LLVMValueRef a, LLVMValueRef b) {
  return nan_if(g, a, b, LLVMBuildSelect(g->b, LLVMBuildFCmp(g->b, LLVMRealOGT, b, a, ""), b, a, ""));
}

/* pow in a portable module: compiled for AVX2 and FMA and called where the CPU has
 * them (is_finz: the test of exp's and log's family), else with Dekker's products; the
 * two compiled for different CPU features, so called with SSE2's registers
 * (vmath_ir.h). The same bits either way. */
static LLVMValueRef runtime_pow(Gen *g, LLVMValueRef a, LLVMValueRef b) {
  LLVMValueRef fast = vmir_pow_runtime_function(g->mod, g->lanes, true, g->nounwind);
  LLVMValueRef any = vmir_pow_runtime_function(g->mod, g->lanes, false, g->nounwind);
  return vmir_pow_runtime_call(g->b, LLVMBuildSelect(g->b, runs_finz(g), fast, any, ""), g->lanes, a, b);
}

/* pow(a, b): missionc's own (vmath.h), the same operations as vm_pow in IR, with fma
 * where the target has it (the same bits either way); NaN when either is NaN */
static LLVMValueRef gen_pow(Gen *g, LLVMValueRef a, LLVMValueRef b) {
  if (g->vmath == CG_VMATH_RUNTIME) return nan_if(g, a, b, runtime_pow(g, a, b));
  LLVMValueRef fn = vmir_pow_function(g->mod, g->lanes, g->vmath == CG_VMATH_FINZ, g->math == CG_MATH_AVX512, g->nounwind);
  LLVMTypeRef params[2] = {g->vt, g->vt};
  LLVMValueRef r = LLVMBuildCall2(g->b, LLVMFunctionType(g->vt, params, 2, 0), fn, (LLVMValueRef[]){a, b}, 2, "");
  return nan_if(g, a, b, r);
}

/* clamp(x, lo, hi) = min(max(x, lo), hi) */
static LLVMValueRef gen_clamp(Gen *g, LLVMValueRef x, LLVMValueRef lo, LLVMValueRef hi) {
  return gen_min(g, gen_max(g, x, lo), hi);
}

/* Whether a boolean value is true: non-zero and not NaN (fcmp one). */
static LLVMValueRef is_true(Gen *g, LLVMValueRef v) {
  return LLVMBuildFCmp(g->b, LLVMRealONE, v, num(g, 0.0), "");
}

/* Whether a boolean value is false: zero (fcmp oeq). */
static LLVMValueRef is_false(Gen *g, LLVMValueRef v) {
  return LLVMBuildFCmp(g->b, LLVMRealOEQ, v, num(g, 0.0), "");
}

/* a and b (Kleene): false if either is false, else NaN if either is NaN, else true. */
static LLVMValueRef gen_and(Gen *g, LLVMValueRef a, LLVMValueRef b) {
  LLVMValueRef any_false = LLVMBuildOr(g->b, is_false(g, a), is_false(g, b), "");
  return LLVMBuildSelect(g->b, any_false, truth(g, false), nan_if(g, a, b, truth(g, true)), "");
}

/* a or b (Kleene): true if either is true, else NaN if either is NaN, else false. */
static LLVMValueRef gen_or(Gen *g, LLVMValueRef a, LLVMValueRef b) {
  LLVMValueRef any_true = LLVMBuildOr(g->b, is_true(g, a), is_true(g, b), "");
  return LLVMBuildSelect(g->b, any_true, truth(g, true), nan_if(g, a, b, truth(g, false)), "");
}

/* ------------------------------------------------------------------------
 * Expressions
 * ------------------------------------------------------------------------ */

static LLVMValueRef gen_expr(Gen *g, const Frame *f, const Node *n);

static LLVMValueRef input_of(Gen *g, const Sym *indicator, int field, bool date) {
  int slot = rule_sig_slot(g->sig, indicator, field, date);
  if (slot < 0) unreachable_bug("a rule reads an input missing from its signature");
  return g->in[slot];
}

/* The goal named by a progress/expected/on_track argument. */
static const Sym *goal_of(const Frame *f, const Node *arg) {
  const ExprSem *s = expr_sem(arg);
  if (s->form == EX_GOAL) return s->ref;
  if (s->form == EX_PARAM && f && f->goals && f->goals[s->index]) return f->goals[s->index];
  unreachable_bug("the argument of a goal built-in is not a goal");
}

static LLVMValueRef masked_access(Gen *g, bool store, LLVMValueRef p, LLVMValueRef mask,
                                  LLVMValueRef v);
static LLVMValueRef lane_mask(Gen *g, LLVMValueRef rem);
static LLVMValueRef load_ptr_at(Gen *g, LLVMValueRef array, int idx);

/* The value of the set's rule at position pos, which an earlier kernel stored in base
 * units (a boolean as 0/1): read back on the loop's rows, exactly as computed. */
static LLVMValueRef read_stored(Gen *g, int pos, const Sym *rule) {
  LLVMBasicBlockRef here = LLVMGetInsertBlock(g->b);
  LLVMPositionBuilderBefore(g->b, LLVMGetBasicBlockTerminator(g->entry));
  LLVMValueRef col = load_ptr_at(g, g->outs, pos);
  LLVMPositionBuilderAtEnd(g->b, here);
  LLVMValueRef at = LLVMBuildInBoundsGEP2(g->b, g->f64, col, &g->row, 1, "");
  (void)rule;
  return masked_access(g, false, at, lane_mask(g, g->rem), NULL);
}

/* A rule's value: read back from an earlier kernel, or its body generated (the
 * rules it uses are memoised already: gen_rule_deps). */
static LLVMValueRef gen_rule_value(Gen *g, const Sym *rule) {
  int pos = set_index_find(g->index, rule);
  if (pos >= 0 && pos < g->avail) return read_stored(g, pos, rule);
  return gen_expr(g, NULL, rule->rule.body);
}

/* The rules a formula names, in source order (rules never appear in fn bodies). */
static void rule_refs(const Node *n, RefList *out) {
  const ExprSem *s = n ? expr_sem(n) : NULL;
  if (!s) return;
  if (s->form == EX_RULE) {
    ref_push(out, s->ref);
    return;
  }
  switch (n->kind) {
  case ND_CALL:
    for (int i = 0; i < n->call.args.len; i++) rule_refs(n->call.args.items[i], out);
    break;
  case ND_UNARY: rule_refs(n->unary.operand, out); break;
  case ND_BINARY:
    rule_refs(n->binary.lhs, out);
    rule_refs(n->binary.rhs, out);
    break;
  case ND_IF:
    rule_refs(n->ifx.cond, out);
    rule_refs(n->ifx.then, out);
    rule_refs(n->ifx.els, out);
    break;
  default: break;
  }
}

/* Generate every rule that `rule` uses, transitively, each after the rules it uses:
 * a depth-first walk with an explicit stack, so that a chain of 100,000 rules does
 * not recurse 100,000 times on the C stack. */
static void gen_rule_deps(Gen *g, const Sym *rule) {
  typedef struct { const Sym *rule; RefList deps; int next; } Visit;
  int cap = 16, top = 0;
  Visit *stack = xmalloc(sizeof *stack * (size_t)cap);
  stack[0] = (Visit){rule, {0}, 0};
  rule_refs(rule->rule.body, &stack[0].deps);
  while (top >= 0) {
    Visit *v = &stack[top];
    if (v->next < v->deps.len) {
      const Sym *d = v->deps.items[v->next++];
      if (rule_memo_get(&g->rules, d)) continue;
      int pos = set_index_find(g->index, d);
      if (pos >= 0 && pos < g->avail) {
        rule_memo_put(&g->rules, d, read_stored(g, pos, d));
        continue;
      }
      if (++top == cap) {
        cap *= 2;
        stack = xrealloc(stack, sizeof *stack * (size_t)cap);
      }
      stack[top] = (Visit){d, {0}, 0};
      rule_refs(d->rule.body, &stack[top].deps);
      continue;
    }
    if (top > 0 && !rule_memo_get(&g->rules, v->rule))
      rule_memo_put(&g->rules, v->rule, gen_rule_value(g, v->rule));
    free(v->deps.items);
    top--;
  }
  free(stack);
}

/* Another rule's value on this row, generated once (or read back: read_stored). */
static LLVMValueRef gen_rule_ref(Gen *g, const Sym *rule) {
  LLVMValueRef v = rule_memo_get(&g->rules, rule);
  if (v) return v;
  gen_rule_deps(g, rule);
  v = gen_rule_value(g, rule);
  rule_memo_put(&g->rules, rule, v);
  return v;
}

/* A fn call, inlined: arguments in the caller's frame, then the body. */
static LLVMValueRef gen_call_fn(Gen *g, const Frame *f, const Node *n) {
  const Sym *fn = expr_sem(n)->ref;
  int nargs = n->call.args.len;
  LLVMValueRef *args = xcalloc((size_t)nargs + 1, sizeof *args);
  const Sym **goals = xcalloc((size_t)nargs + 1, sizeof *goals);
  for (int i = 0; i < nargs; i++) {
    const Node *a = n->call.args.items[i];
    const ExprSem *s = expr_sem(a);
    args[i] = NULL;
    goals[i] = NULL;
    if (s->form == EX_GOAL || (s->form == EX_PARAM && f && f->goals && f->goals[s->index]))
      goals[i] = goal_of(f, a);
    else
      args[i] = gen_expr(g, f, a);
  }
  LLVMValueRef v = memo_find(g, fn, nargs, args, goals);
  if (!v) {
    Frame callee = {args, goals};
    v = gen_expr(g, &callee, fn->rule.body);
    memo_add(g, fn, nargs, args, goals, v);
  }
  free(args);
  free(goals);
  return v;
}

/* The twin of a goal in the model folded by cinz (CgOptions.cinz_twin), or the goal
 * itself when there is none: its constants are the same in both families. */
static const Sym *twin_goal(const Gen *g, const Sym *goal) {
  if (!g->twin) return goal;
  /* the same text checked again: every declaration at the same position */
  const Sym *t = goal->index >= 0 && goal->index < g->twin->syms.len ? g->twin->syms.items[goal->index] : NULL;
  if (!t || t->kind != goal->kind || strcmp(t->name, goal->name) != 0 || t->goal.nplan != goal->goal.nplan)
    unreachable_bug("a goal differs from its twin beyond its folded constants");
  return t;
}

/* A constant the front end folded: finz's v and cinz's c, the same unless a
 * portable object's goal constant called exp, log or pow; then the one of the
 * family the CPU runs. */
static LLVMValueRef folded(Gen *g, double v, double c) {
  if (memcmp(&v, &c, sizeof v) == 0) return num(g, v);
  LLVMValueRef finz = runs_finz(g);
  return LLVMBuildSelect(g->b, finz, num(g, v), num(g, c), "");
}

/* expected(g, d) = b + (t - b) * (d - s) / (e - s) */
static LLVMValueRef gen_expected(Gen *g, const Sym *goal, LLVMValueRef d) {
  const Sym *c = twin_goal(g, goal);
  double b = goal->goal.baseline.value, t = goal->goal.target.value;
  double bc = c->goal.baseline.value, tc = c->goal.target.value;
  double s = (double)goal->goal.start, e = (double)goal->goal.deadline;
  LLVMValueRef v = LLVMBuildFSub(g->b, d, num(g, s), "");
  v = LLVMBuildFMul(g->b, folded(g, t - b, tc - bc), v, "");
  v = LLVMBuildFDiv(g->b, v, num(g, e - s), "");
  return LLVMBuildFAdd(g->b, folded(g, b, bc), v, "expected");
}

/* One segment of planned(g, d): y0 + (y1 - y0) * (d - x0) / (x1 - x0), in model_planned's
 * order (yc: the knots' values folded by cinz). */
static LLVMValueRef gen_segment(Gen *g, const double *x, const double *y, const double *yc, int i,
                                LLVMValueRef d) {
  LLVMValueRef v = LLVMBuildFSub(g->b, d, num(g, x[i]), "");
  v = LLVMBuildFMul(g->b, folded(g, y[i + 1] - y[i], yc[i + 1] - yc[i]), v, "");
  v = LLVMBuildFDiv(g->b, v, num(g, x[i + 1] - x[i]), "");
  return LLVMBuildFAdd(g->b, folded(g, y[i], yc[i]), v, "");
}

/* planned(g, d): the segment of the last knot that d lies after (the first before
 * the second knot), chosen by selects so the batch loop stays branch-free. */
static LLVMValueRef gen_planned(Gen *g, const Sym *goal, LLVMValueRef d) {
  const double *x = goal->goal.plan_day, *y = goal->goal.plan_value;
  const double *yc = twin_goal(g, goal)->goal.plan_value;
  int n = goal->goal.nplan;
  if (n < 2) return gen_expected(g, goal, d);
  LLVMValueRef v = gen_segment(g, x, y, yc, 0, d);
  for (int i = 1; i < n - 1; i++) {
    LLVMValueRef after = LLVMBuildFCmp(g->b, LLVMRealOGT, d, num(g, x[i]), "");
    v = LLVMBuildSelect(g->b, after, gen_segment(g, x, y, yc, i, d), v, "");
  }
  return v;
}

/* on_track's x >= e where the target is above the baseline, else x <= e (by family
 * when the families' constants disagree on which). */
static LLVMValueRef gen_on_track_cmp(Gen *g, const Sym *goal, LLVMValueRef x, LLVMValueRef e) {
  const Sym *c = twin_goal(g, goal);
  bool up = goal->goal.target.value > goal->goal.baseline.value;
  bool up_c = c->goal.target.value > c->goal.baseline.value;
  LLVMValueRef r = LLVMBuildFCmp(g->b, up ? LLVMRealOGE : LLVMRealOLE, x, e, "on_track");
  if (up == up_c) return r;
  LLVMValueRef rc = LLVMBuildFCmp(g->b, up_c ? LLVMRealOGE : LLVMRealOLE, x, e, "");
  LLVMValueRef finz = runs_finz(g);
  return LLVMBuildSelect(g->b, finz, r, rc, "");
}

/* The goal built-ins: progress, expected, on_track, planned. */
static LLVMValueRef gen_goal_builtin(Gen *g, const Frame *f, const Node *n, Builtin bi) {
  Node **args = n->call.args.items;
  const Sym *goal = goal_of(f, args[0]);
  const Sym *c = twin_goal(g, goal);
  double b = goal->goal.baseline.value, t = goal->goal.target.value;
  double bc = c->goal.baseline.value, tc = c->goal.target.value;
  if (bi == BI_PROGRESS) {
    /* clamp((x - b) / (t - b), 0, 1) */
    LLVMValueRef x = input_of(g, goal->goal.indicator, -1, false);
    LLVMValueRef v = LLVMBuildFSub(g->b, x, folded(g, b, bc), "");
    v = LLVMBuildFDiv(g->b, v, folded(g, t - b, tc - bc), "");
    return gen_clamp(g, v, num(g, 0.0), num(g, 1.0));
  }
  if (bi == BI_PLANNED) return gen_planned(g, goal, gen_expr(g, f, args[1]));
  LLVMValueRef e = gen_expected(g, goal, gen_expr(g, f, args[1]));
  if (bi == BI_EXPECTED) return e;
  LLVMValueRef x = input_of(g, goal->goal.indicator, -1, false);
  return nan_if(g, x, e, from_i1(g, gen_on_track_cmp(g, goal, x, e)));
}

static LLVMValueRef gen_builtin(Gen *g, const Frame *f, const Node *n) {
  Builtin bi = expr_sem(n)->builtin;
  if (bi == BI_PROGRESS || bi == BI_EXPECTED || bi == BI_ON_TRACK || bi == BI_PLANNED)
    return gen_goal_builtin(g, f, n, bi);
  LLVMValueRef a[3] = {NULL, NULL, NULL};
  for (int i = 0; i < n->call.args.len && i < 3; i++) a[i] = gen_expr(g, f, n->call.args.items[i]);
  switch (bi) {
  case BI_MIN: return gen_min(g, a[0], a[1]);
  case BI_MAX: return gen_max(g, a[0], a[1]);
  case BI_CLAMP: return gen_clamp(g, a[0], a[1], a[2]);
  case BI_ABS: return intrinsic1(g, "llvm.fabs", a[0]);
  case BI_SQRT: return intrinsic1(g, "llvm.sqrt", a[0]);
  case BI_FLOOR: return intrinsic1(g, "llvm.floor", a[0]);
  case BI_CEIL: return intrinsic1(g, "llvm.ceil", a[0]);
  case BI_ROUND: return intrinsic1(g, "llvm.round", a[0]);
  case BI_LOG: return math_call(g, LIBM_LOG, a);
  case BI_EXP: return math_call(g, LIBM_EXP, a);
  case BI_POW: return gen_pow(g, a[0], a[1]);
  case BI_IS_MISSING: return from_i1(g, either_nan(g, a[0], a[0]));
  case BI_COALESCE: return LLVMBuildSelect(g->b, either_nan(g, a[0], a[0]), a[1], a[0], "");
  default: unreachable_bug("unknown built-in");
  }
}

static LLVMValueRef gen_unary(Gen *g, const Frame *f, const Node *n) {
  LLVMValueRef a = gen_expr(g, f, n->unary.operand);
  if (n->unary.op == OP_NEG) return LLVMBuildFNeg(g->b, a, "");
  return nan_if(g, a, a, from_i1(g, is_false(g, a)));   /* not: NaN stays NaN */
}

/* A comparison of numbers, dates or booleans (1/0) as IEEE doubles: 1 or 0, or NaN
 * when either side is NaN (valsem.h). */
static LLVMValueRef gen_compare(Gen *g, Op op, LLVMValueRef a, LLVMValueRef b) {
  LLVMRealPredicate p;
  switch (op) {
  case OP_EQ: p = LLVMRealOEQ; break;
  case OP_NE: p = LLVMRealUNE; break;
  case OP_LT: p = LLVMRealOLT; break;
  case OP_LE: p = LLVMRealOLE; break;
  case OP_GT: p = LLVMRealOGT; break;
  default: p = LLVMRealOGE; break;
  }
  return nan_if(g, a, b, from_i1(g, LLVMBuildFCmp(g->b, p, a, b, "")));
}

static LLVMValueRef gen_binary(Gen *g, const Frame *f, const Node *n) {
  LLVMValueRef a = gen_expr(g, f, n->binary.lhs);
  LLVMValueRef b = gen_expr(g, f, n->binary.rhs);
  Op op = n->binary.op;
  switch (op) {
  case OP_ADD: return LLVMBuildFAdd(g->b, a, b, "");
  case OP_SUB: return LLVMBuildFSub(g->b, a, b, "");
  case OP_MUL: return LLVMBuildFMul(g->b, a, b, "");
  case OP_DIV: return LLVMBuildFDiv(g->b, a, b, "");
  case OP_POW: return gen_pow(g, a, b);
  case OP_AND: return gen_and(g, a, b);
  case OP_OR: return gen_or(g, a, b);
  case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE:
    return gen_compare(g, op, a, b);
  default: unreachable_bug("unknown binary operator");
  }
}

/* if c then a else b: a select, both sides computed; NaN when c is NaN. */
static LLVMValueRef gen_if(Gen *g, const Frame *f, const Node *n) {
  LLVMValueRef c = gen_expr(g, f, n->ifx.cond);
  LLVMValueRef a = gen_expr(g, f, n->ifx.then);
  LLVMValueRef b = gen_expr(g, f, n->ifx.els);
  LLVMValueRef v = LLVMBuildSelect(g->b, LLVMBuildFCmp(g->b, LLVMRealUNE, c, num(g, 0.0), ""), a, b, "");
  return nan_if(g, c, c, v);
}

/* A number the front end knows: a literal, or a goal's baseline or target (folded by
 * the family of the build; a portable object's by both: folded). */
static LLVMValueRef gen_const(Gen *g, const Node *n, const ExprSem *s) {
  if (!g->twin || !s->ref || s->ref->kind != DK_GOAL || n->kind != ND_NAME || name_nparts(n) != 2)
    return num(g, s->value);
  const Sym *goal = s->ref, *c = twin_goal(g, goal);
  const char *member = n->name.parts[1].str;
  if (strcmp(member, "baseline") == 0) return folded(g, s->value, c->goal.baseline.value);
  if (strcmp(member, "target") == 0) return folded(g, s->value, c->goal.target.value);
  return num(g, s->value);   /* start, deadline: dates */
}

/* The value of n on the current row: a double (booleans 1, 0 or NaN). */
static LLVMValueRef gen_expr(Gen *g, const Frame *f, const Node *n) {
  const ExprSem *s = expr_sem(n);
  if (!s) unreachable_bug("an expression without a checked meaning");
  switch (s->form) {
  case EX_CONST:
    if (s->type.kind == TY_BOOL) return truth(g, s->value != 0.0);
    return gen_const(g, n, s);
  case EX_INDICATOR: return input_of(g, s->ref, -1, false);
  case EX_DATE_INPUT: return input_of(g, NULL, -1, true);
  case EX_FIELD: return input_of(g, NULL, s->index, false);
  case EX_PARAM:
    if (!f || !f->args[s->index]) unreachable_bug("a parameter outside its function");
    return f->args[s->index];
  case EX_RULE: return gen_rule_ref(g, s->ref);
  case EX_CALL_FN: return gen_call_fn(g, f, n);
  case EX_BUILTIN: return gen_builtin(g, f, n);
  case EX_OP:
    switch (n->kind) {
    case ND_UNARY: return gen_unary(g, f, n);
    case ND_BINARY: return gen_binary(g, f, n);
    case ND_IF: return gen_if(g, f, n);
    default: break;
    }
    break;
  case EX_GOAL:
  case EX_DECL: break;
  }
  unreachable_bug("an expression that is not a value");
}

/* ------------------------------------------------------------------------
 * Rules: one row, loops over columns, the input names
 * ------------------------------------------------------------------------ */

static int group_rules(const CgSet *set, int per, int budget, int *starts);

/* Bring an input (raw, in its declared unit) into base units; booleans become 1 when
 * non-zero, 0 when zero, NaN when missing. */
static LLVMValueRef enter_input(Gen *g, const RuleInput *in, LLVMValueRef raw) {
  if (in->kind == VAL_BOOL) return nan_if(g, raw, raw, from_i1(g, is_true(g, raw)));
  if (in->scale != 1.0) return LLVMBuildFMul(g->b, raw, num(g, in->scale), in->name);
  LLVMSetValueName2(raw, in->name, strlen(in->name));
  return raw;
}

/* A rule's result on the row, leaving in its declared unit (booleans as 0/1).
 * in[k] is its input k in base units. The value is memoised with the rules it
 * uses, so a rule that others in the same loop use is computed once. */
static LLVMValueRef gen_result(Gen *g, const RuleSig *sig, LLVMValueRef *in) {
  g->sig = sig;
  g->in = in;
  LLVMValueRef v = gen_rule_ref(g, sig->rule);
  if (sig->result == VAL_NUM && sig->result_scale != 1.0 && !g->base_out)
    return LLVMBuildFDiv(g->b, v, num(g, sig->result_scale), "");
  return v;
}

static LLVMValueRef add_function(Gen *g, const char *name, LLVMTypeRef ty) {
  LLVMValueRef fn = LLVMAddFunction(g->mod, name, ty);
  if (g->nounwind) LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, g->nounwind);
  return fn;
}

/* double P_R(const double *in) */
static void gen_row_function(Gen *g, const RuleSig *sig, const char *name) {
  set_lanes(g, 1);
  memo_reset(g);
  LLVMTypeRef ty = LLVMFunctionType(g->f64, &g->ptr, 1, 0);
  LLVMValueRef fn = add_function(g, name, ty);
  LLVMValueRef in = LLVMGetParam(fn, 0);
  LLVMSetValueName2(in, "in", 2);
  LLVMPositionBuilderAtEnd(g->b, LLVMAppendBasicBlockInContext(g->ctx, fn, "entry"));
  LLVMValueRef *vals = xcalloc((size_t)sig->ninputs + 1, sizeof *vals);
  for (int k = 0; k < sig->ninputs; k++) {
    LLVMValueRef idx = LLVMConstInt(g->i64, (unsigned long long)k, 0);
    LLVMValueRef p = LLVMBuildInBoundsGEP2(g->b, g->f64, in, &idx, 1, "");
    vals[k] = enter_input(g, &sig->inputs[k], LLVMBuildLoad2(g->b, g->f64, p, ""));
  }
  LLVMBuildRet(g->b, gen_result(g, sig, vals));
  free(vals);
}

/* A vector of lanes doubles at p (any alignment). */
static LLVMValueRef load_vector(Gen *g, LLVMValueRef p) {
  LLVMValueRef v = LLVMBuildLoad2(g->b, g->vt, LLVMBuildBitCast(g->b, p, LLVMPointerType(g->vt, 0), ""), "");
  LLVMSetAlignment(v, 8);
  return v;
}

static void store_vector(Gen *g, LLVMValueRef v, LLVMValueRef p) {
  LLVMValueRef st = LLVMBuildStore(g->b, v, LLVMBuildBitCast(g->b, p, LLVMPointerType(g->vt, 0), ""));
  LLVMSetAlignment(st, 8);
}

/* The lanes below rem: <0, 1, 2, 3> < rem. */
static LLVMValueRef lane_mask(Gen *g, LLVMValueRef rem) {
  LLVMTypeRef i32 = LLVMInt32TypeInContext(g->ctx);
  LLVMValueRef idx[CG_MAX_LANES], zeros[CG_MAX_LANES];
  for (unsigned l = 0; l < g->lanes; l++) {
    idx[l] = LLVMConstInt(g->i64, l, 0);
    zeros[l] = LLVMConstInt(i32, 0, 0);
  }
  LLVMTypeRef vi64 = LLVMVectorType(g->i64, g->lanes);
  LLVMValueRef v = LLVMBuildInsertElement(g->b, LLVMGetUndef(vi64), rem, zeros[0], "");
  v = LLVMBuildShuffleVector(g->b, v, LLVMGetUndef(vi64), LLVMConstVector(zeros, g->lanes), "");
  return LLVMBuildICmp(g->b, LLVMIntULT, LLVMConstVector(idx, g->lanes), v, "mask");
}

/* llvm.masked.load (zeros in the lanes left out) or llvm.masked.store at p. */
static LLVMValueRef masked_access(Gen *g, bool store, LLVMValueRef p, LLVMValueRef mask,
                                  LLVMValueRef v) {
  const char *name = store ? "llvm.masked.store" : "llvm.masked.load";
  LLVMTypeRef i32 = LLVMInt32TypeInContext(g->ctx);
  LLVMTypeRef vptr = LLVMPointerType(g->vt, 0);
  LLVMTypeRef over[2] = {g->vt, vptr};
  LLVMValueRef fn = LLVMGetIntrinsicDeclaration(g->mod, LLVMLookupIntrinsicID(name, strlen(name)), over, 2);
  LLVMValueRef align = LLVMConstInt(i32, 8, 0);
  p = LLVMBuildBitCast(g->b, p, vptr, "");
  if (store) {
    LLVMTypeRef params[4] = {g->vt, vptr, i32, g->bt};
    LLVMTypeRef ty = LLVMFunctionType(LLVMVoidTypeInContext(g->ctx), params, 4, 0);
    return LLVMBuildCall2(g->b, ty, fn, (LLVMValueRef[]){v, p, align, mask}, 4, "");
  }
  LLVMTypeRef params[4] = {vptr, i32, g->bt, g->vt};
  LLVMTypeRef ty = LLVMFunctionType(g->vt, params, 4, 0);
  return LLVMBuildCall2(g->b, ty, fn, (LLVMValueRef[]){p, align, mask, num(g, 0.0)}, 4, "");
}

/* What one loop computes: nrules rules, rule r reading its input k from column
 * col_of[r][k] of the loop's ncols columns, writing its own output column. */
typedef struct Loop {
  const RuleSig *const *sigs;
  int nrules;
  int ncols;
  int *const *col_of;
} Loop;

/* The loop over n rows, CG_LANES rows per iteration, one copy of the body; the
 * last, partial vector is read and written with masked loads and stores (missing
 * lanes read as 0 and are never written). The builder is at the end of the
 * function's entry block, where col[c] and out[r] were loaded.
 *
 *   head:  rem = n - i; full = rem >= LANES
 *   load:  x_c = col_c[i..i+LANES)         or  masked load of rem rows
 *   body:  for each rule: r = rule(x_...);
 *            full ? out_r[i..i+LANES) = r  :  masked store of rem rows
 *          (stored at once, so no result stays live across the other rules)
 *   next:  full && i + LANES < n ? head : done
 */
static void gen_loop(Gen *g, LLVMValueRef fn, LLVMValueRef n, LLVMValueRef *col,
                     LLVMValueRef *out, const Loop *L) {
  set_lanes(g, g->math == CG_MATH_AVX512 ? CG_MAX_LANES : CG_LANES);
  memo_reset(g);
  LLVMBasicBlockRef entry = LLVMGetInsertBlock(g->b);
  LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(g->ctx, fn, "head");
  LLVMBasicBlockRef load_full = LLVMAppendBasicBlockInContext(g->ctx, fn, "load_full");
  LLVMBasicBlockRef load_part = LLVMAppendBasicBlockInContext(g->ctx, fn, "load_part");
  LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(g->ctx, fn, "body");
  LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(g->ctx, fn, "done");
  int nc = L->ncols, nr = L->nrules;
  /* at, the full and partial loads, and the entered value of each column */
  LLVMValueRef *at = xcalloc(4 * ((size_t)nc + 1), sizeof *at);
  LLVMValueRef *full_v = at + nc + 1, *part_v = full_v + nc + 1, *x = part_v + nc + 1;
  LLVMValueRef lanes = LLVMConstInt(g->i64, g->lanes, 0), zero = LLVMConstInt(g->i64, 0, 0);
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntEQ, n, zero, ""), done, head);

  LLVMPositionBuilderAtEnd(g->b, head);
  LLVMValueRef i = LLVMBuildPhi(g->b, g->i64, "i");
  LLVMValueRef rem = LLVMBuildSub(g->b, n, i, "rem");
  LLVMValueRef full = LLVMBuildICmp(g->b, LLVMIntUGE, rem, lanes, "full");
  g->entry = entry;
  g->row = i;
  g->rem = rem;
  for (int c = 0; c < nc; c++) at[c] = LLVMBuildInBoundsGEP2(g->b, g->f64, col[c], &i, 1, "");
  LLVMBuildCondBr(g->b, full, load_full, load_part);

  LLVMPositionBuilderAtEnd(g->b, load_full);
  for (int c = 0; c < nc; c++) full_v[c] = load_vector(g, at[c]);
  LLVMBuildBr(g->b, body);

  LLVMPositionBuilderAtEnd(g->b, load_part);
  LLVMValueRef mask = nc ? lane_mask(g, rem) : NULL;
  for (int c = 0; c < nc; c++) part_v[c] = masked_access(g, false, at[c], mask, NULL);
  LLVMBuildBr(g->b, body);

  /* body: the phis first, then each column entered once, then the rules */
  LLVMPositionBuilderAtEnd(g->b, body);
  LLVMBasicBlockRef from[2] = {load_full, load_part};
  for (int c = 0; c < nc; c++) {
    x[c] = LLVMBuildPhi(g->b, g->vt, "");
    LLVMAddIncoming(x[c], (LLVMValueRef[]){full_v[c], part_v[c]}, from, 2);
  }
  bool *entered = xcalloc((size_t)nc + 1, sizeof *entered);
  for (int r = 0; r < nr; r++) {
    const RuleSig *sig = L->sigs[r];
    for (int k = 0; k < sig->ninputs; k++) {
      int c = L->col_of[r][k];
      if (!entered[c]) x[c] = enter_input(g, &sig->inputs[k], x[c]);
      entered[c] = true;
    }
  }
  for (int r = 0; r < nr; r++) {
    const RuleSig *sig = L->sigs[r];
    LLVMValueRef *in = xcalloc((size_t)sig->ninputs + 1, sizeof *in);
    for (int k = 0; k < sig->ninputs; k++) in[k] = x[L->col_of[r][k]];
    LLVMValueRef res = gen_result(g, sig, in);
    free(in);
    LLVMValueRef dst = LLVMBuildInBoundsGEP2(g->b, g->f64, out[r], &i, 1, "");
    LLVMBasicBlockRef st_full = LLVMAppendBasicBlockInContext(g->ctx, fn, "store");
    LLVMBasicBlockRef st_part = LLVMAppendBasicBlockInContext(g->ctx, fn, "store_part");
    LLVMBasicBlockRef cont = LLVMAppendBasicBlockInContext(g->ctx, fn, "stored");
    LLVMBuildCondBr(g->b, full, st_full, st_part);
    LLVMPositionBuilderAtEnd(g->b, st_full);
    store_vector(g, res, dst);
    LLVMBuildBr(g->b, cont);
    LLVMPositionBuilderAtEnd(g->b, st_part);
    masked_access(g, true, dst, lane_mask(g, rem), res);
    LLVMBuildBr(g->b, cont);
    LLVMPositionBuilderAtEnd(g->b, cont);
  }
  LLVMValueRef inext = LLVMBuildNUWAdd(g->b, i, lanes, "");
  LLVMValueRef more = LLVMBuildAnd(g->b, full, LLVMBuildICmp(g->b, LLVMIntULT, inext, n, ""), "");
  LLVMBasicBlockRef last = LLVMGetInsertBlock(g->b);
  LLVMBuildCondBr(g->b, more, head, done);
  LLVMAddIncoming(i, (LLVMValueRef[]){zero, inext}, (LLVMBasicBlockRef[]){entry, last}, 2);

  LLVMPositionBuilderAtEnd(g->b, done);
  LLVMBuildRetVoid(g->b);
  free(entered);
  free(at);
}

/* Load the pointer at index idx of an array of pointers. */
static LLVMValueRef load_ptr_at(Gen *g, LLVMValueRef array, int idx) {
  LLVMValueRef k = LLVMConstInt(g->i64, (unsigned long long)idx, 0);
  return LLVMBuildLoad2(g->b, g->ptr, LLVMBuildInBoundsGEP2(g->b, g->ptr, array, &k, 1, ""), "");
}

/* void P_R_batch(size_t n, const double *const *cols, double *out): one rule, its
 * input k at cols[k]. `out` must not overlap a column (it is noalias). */
static void gen_batch_function(Gen *g, const RuleSig *sig, const char *name) {
  LLVMTypeRef params[3] = {g->i64, g->pptr, g->ptr};
  LLVMTypeRef ty = LLVMFunctionType(LLVMVoidTypeInContext(g->ctx), params, 3, 0);
  LLVMValueRef fn = add_function(g, name, ty);
  LLVMValueRef n = LLVMGetParam(fn, 0), cols = LLVMGetParam(fn, 1), out = LLVMGetParam(fn, 2);
  LLVMSetValueName2(n, "n", 1);
  LLVMSetValueName2(cols, "cols", 4);
  LLVMSetValueName2(out, "out", 3);
  LLVMAttributeRef noalias = enum_attr(g->ctx, "noalias");
  if (noalias) LLVMAddAttributeAtIndex(fn, 3, noalias);
  LLVMPositionBuilderAtEnd(g->b, LLVMAppendBasicBlockInContext(g->ctx, fn, "entry"));
  int nin = sig->ninputs;
  LLVMValueRef *col = xcalloc((size_t)nin + 1, sizeof *col);
  int *identity = xcalloc((size_t)nin + 1, sizeof *identity);
  int *col_of[1] = {identity};
  for (int k = 0; k < nin; k++) {
    col[k] = load_ptr_at(g, cols, k);
    identity[k] = k;
  }
  Loop L = {&sig, 1, nin, col_of};
  gen_loop(g, fn, n, col, &out, &L);
  free(identity);
  free(col);
}

/* void NAME(size_t n, const double *const *cols, double *const *outs): the rules
 * first .. first+count-1 of a set, fused in one loop; a rule reads the set's
 * columns and writes outs[its index in the set]. */
static void gen_set_function(Gen *g, const CgSet *set, int first, int count, const char *name) {
  LLVMTypeRef params[3] = {g->i64, g->pptr, g->pptr};
  LLVMTypeRef ty = LLVMFunctionType(LLVMVoidTypeInContext(g->ctx), params, 3, 0);
  LLVMValueRef fn = add_function(g, name, ty);
  LLVMValueRef n = LLVMGetParam(fn, 0), cols = LLVMGetParam(fn, 1), outs = LLVMGetParam(fn, 2);
  LLVMSetValueName2(n, "n", 1);
  LLVMSetValueName2(cols, "cols", 4);
  LLVMSetValueName2(outs, "outs", 4);
  LLVMPositionBuilderAtEnd(g->b, LLVMAppendBasicBlockInContext(g->ctx, fn, "entry"));
  /* The set's columns this group reads, numbered in first-use order. */
  int total = 0;
  for (int r = first; r < first + count; r++) total += set->sigs[r]->ninputs;
  int *local = xcalloc((size_t)total + 1, sizeof *local);   /* loop column -> set column */
  int *storage = xcalloc((size_t)total + 1, sizeof *storage);
  int **col_of = xcalloc((size_t)count + 1, sizeof *col_of);
  LLVMValueRef *col = xcalloc((size_t)total + 1, sizeof *col), *out = xcalloc((size_t)count + 1, sizeof *out);
  int nc = 0, used = 0;
  for (int j = 0; j < count; j++) {
    const RuleSig *sig = set->sigs[first + j];
    col_of[j] = storage + used;
    used += sig->ninputs;
    for (int k = 0; k < sig->ninputs; k++) {
      int c = set->col_of[first + j][k], lc = 0;
      while (lc < nc && local[lc] != c) lc++;
      if (lc == nc) {
        local[nc++] = c;
        col[lc] = load_ptr_at(g, cols, c);
      }
      col_of[j][k] = lc;
    }
    out[j] = load_ptr_at(g, outs, first + j);
  }
  g->outs = outs;
  g->avail = first;
  Loop L = {set->sigs + first, count, nc, col_of};
  gen_loop(g, fn, n, col, out, &L);
  g->avail = 0;
  free(col_of);
  free(col);
  free(out);
  free(local);
  free(storage);
}

/* A private constant C string. */
static LLVMValueRef const_string(Gen *g, const char *s) {
  size_t len = strlen(s);
  LLVMValueRef init = LLVMConstStringInContext(g->ctx, s, (unsigned)len, 0);
  LLVMValueRef gv = LLVMAddGlobal(g->mod, LLVMTypeOf(init), ".str");
  LLVMSetInitializer(gv, init);
  LLVMSetGlobalConstant(gv, 1);
  LLVMSetLinkage(gv, LLVMPrivateLinkage);
  LLVMSetUnnamedAddress(gv, LLVMGlobalUnnamedAddr);
  LLVMValueRef zero[2] = {LLVMConstInt(g->i64, 0, 0), LLVMConstInt(g->i64, 0, 0)};
  return LLVMConstInBoundsGEP2(LLVMTypeOf(init), gv, zero, 2);
}

/* const char *const NAME[] = {"a", "b", NULL}; */
static void gen_name_array(Gen *g, const char *const *names, int n, const char *name) {
  LLVMValueRef *elems = xmalloc(sizeof *elems * ((size_t)n + 1));
  for (int k = 0; k < n; k++) elems[k] = const_string(g, names[k]);
  elems[n] = LLVMConstNull(g->strptr);
  LLVMValueRef init = LLVMConstArray(g->strptr, elems, (unsigned)n + 1);
  LLVMValueRef gv = LLVMAddGlobal(g->mod, LLVMTypeOf(init), name);
  LLVMSetInitializer(gv, init);
  LLVMSetGlobalConstant(gv, 1);
  free(elems);
}

/* const char *const P_R_inputs[] = {"a", "b", NULL}; */
static void gen_input_names(Gen *g, const RuleSig *sig, const char *name) {
  const char **names = xmalloc(sizeof *names * ((size_t)sig->ninputs + 1));
  for (int k = 0; k < sig->ninputs; k++) names[k] = sig->inputs[k].name;
  gen_name_array(g, names, sig->ninputs, name);
  free(names);
}

/* void P_all_batch(size_t n, const double *const *cols, double *const *outs): every
 * rule of the set once per row. Rules go in groups of up to 64 rules and about
 * 3,000 operations, one loop each (one group, the usual case, is one loop, with the
 * values the rules share computed once); more groups become private kernels that
 * P_all_batch calls in turn, which bounds the size of a function for the back end.
 * Then the names of its columns and of its outputs. */
static void gen_fused(Gen *g, const CgOptions *o) {
  const CgSet *set = o->fused->set;
  char name[1024], sub[1100];
  cg_fused_name(o, "batch", name, sizeof name);
  int *starts = xcalloc((size_t)set->n + 1, sizeof *starts);
  int ngroups = group_rules(set, 64, 3000, starts);
  if (ngroups == 1) {
    gen_set_function(g, set, 0, set->n, name);
  } else {
    LLVMValueRef *kernels = xmalloc(sizeof *kernels * (size_t)ngroups);
    for (int k = 0; k < ngroups; k++) {
      snprintf(sub, sizeof sub, "%s.%d", name, k);
      gen_set_function(g, set, starts[k], starts[k + 1] - starts[k], sub);
      kernels[k] = LLVMGetNamedFunction(g->mod, sub);
      LLVMSetLinkage(kernels[k], LLVMInternalLinkage);
    }
    LLVMTypeRef params[3] = {g->i64, g->pptr, g->pptr};
    LLVMTypeRef ty = LLVMFunctionType(LLVMVoidTypeInContext(g->ctx), params, 3, 0);
    LLVMValueRef fn = add_function(g, name, ty);
    LLVMPositionBuilderAtEnd(g->b, LLVMAppendBasicBlockInContext(g->ctx, fn, "entry"));
    LLVMValueRef args[3] = {LLVMGetParam(fn, 0), LLVMGetParam(fn, 1), LLVMGetParam(fn, 2)};
    for (int k = 0; k < ngroups; k++) LLVMBuildCall2(g->b, ty, kernels[k], args, 3, "");
    LLVMBuildRetVoid(g->b);
    free(kernels);
  }
  free(starts);
  int most = set->n > o->fused->ncols ? set->n : o->fused->ncols;
  const char **names = xmalloc(sizeof *names * ((size_t)most + 1));
  for (int c = 0; c < o->fused->ncols; c++) names[c] = o->fused->cols[c]->name;
  gen_name_array(g, names, o->fused->ncols, cg_fused_name(o, "inputs", name, sizeof name));
  for (int r = 0; r < set->n; r++) names[r] = set->sigs[r]->rule->name;
  gen_name_array(g, names, set->n, cg_fused_name(o, "outputs", name, sizeof name));
  free(names);
}

const char *cg_symbol_name(const CgOptions *o, const Sym *rule, const char *what, char *buf,
                           size_t size) {
  int len = snprintf(buf, size, "%s%s%s%s%s", o->prefix, *o->prefix ? "_" : "", rule->name,
                     *what ? "_" : "", what);
  if (len < 0 || (size_t)len >= size) unreachable_bug("symbol name too long");
  return buf;
}

const char *cg_fused_name(const CgOptions *o, const char *what, char *buf, size_t size) {
  int len = snprintf(buf, size, "%s%sall_%s", o->prefix, *o->prefix ? "_" : "", what);
  if (len < 0 || (size_t)len >= size) unreachable_bug("symbol name too long");
  return buf;
}

LLVMModuleRef cg_module(LLVMContextRef ctx, const char *name, const RuleSig *const *sigs, int n,
                        const CgOptions *o) {
  Gen g;
  gen_init(&g, ctx, name);
  g.math = o->math;
  g.vmath = o->vmath;
  g.twin = o->vmath == CG_VMATH_RUNTIME ? o->cinz_twin : NULL;
  for (int r = 0; r < n; r++) {
    char sym[1024];
    if (o->row) gen_row_function(&g, sigs[r], cg_symbol_name(o, sigs[r]->rule, "", sym, sizeof sym));
    if (o->batch) gen_batch_function(&g, sigs[r], cg_symbol_name(o, sigs[r]->rule, "batch", sym, sizeof sym));
    if (o->inputs) gen_input_names(&g, sigs[r], cg_symbol_name(o, sigs[r]->rule, "inputs", sym, sizeof sym));
  }
  if (o->fused && n > 0) gen_fused(&g, o);
  LLVMModuleRef mod = g.mod;
  gen_done(&g);
  return mod;
}

LLVMModuleRef cg_set_module(LLVMContextRef ctx, const char *name, const CgSet *set,
                            const int *starts, int first_group, int ngroups, CgMath math) {
  Gen g;
  gen_init(&g, ctx, name);
  g.math = math;
  g.vmath = (CgVmath)vm_family();
  SetIndex index;
  set_index_init(&index, set);
  g.index = &index;
  g.base_out = true;
  for (int k = first_group; k < first_group + ngroups; k++) {
    char sym[64];
    snprintf(sym, sizeof sym, "missionc.kernel.%d", k);
    gen_set_function(&g, set, starts[k], starts[k + 1] - starts[k], sym);
  }
  LLVMModuleRef mod = g.mod;
  gen_done(&g);
  set_index_free(&index);
  return mod;
}


/* Target and optimise a module for cpu at level (position-independent code). */
static int optimize_for(LLVMModuleRef mod, const char *cpu, JitOpt level, char **err) {
  LLVMTargetMachineRef tm = jit_target_machine(cpu, LLVMRelocPIC, LLVMCodeModelDefault,
                                               LLVMCodeGenLevelDefault, err);
  if (!tm) return -1;
  jit_target_module(mod, tm);
  int rc = jit_run_passes(mod, tm, level, err);
  LLVMDisposeTargetMachine(tm);
  return rc;
}

LLVMModuleRef cg_optimized_module(LLVMContextRef ctx, const RuleSig *const *sigs, int n,
                                  const CgOptions *o, const char *cpu, JitOpt level, char **err) {
  CgOptions with_math = *o;
  with_math.math = cg_math_for_cpu(cpu);
  LLVMModuleRef mod = cg_module(ctx, "missionc.rules", sigs, n, &with_math);
  if (optimize_for(mod, cpu, level, err) != 0) {
    LLVMDisposeModule(mod);
    return NULL;
  }
  return mod;
}

/* Print a module's IR, then dispose of it. */
static void print_module(FILE *out, LLVMModuleRef mod) {
  char *ir = LLVMPrintModuleToString(mod);
  fputs(ir, out);
  LLVMDisposeMessage(ir);
  LLVMDisposeModule(mod);
}

int cg_print_ir(FILE *out, const RuleSig *const *sigs, int n, const CgOptions *o, const char *cpu,
                JitOpt level, char **err) {
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = cg_optimized_module(ctx, sigs, n, o, cpu, level, err);
  if (mod) print_module(out, mod);
  LLVMContextDispose(ctx);
  return mod ? 0 : -1;
}

/* ------------------------------------------------------------------------
 * The JIT: rule sets in groups, compiled in parallel
 * ------------------------------------------------------------------------ */

/* The size of a formula once fns and rules are inlined (capped), to balance groups.
 * A rule of the set before position `before` costs one load: it is computed in the
 * same kernel or read back from an earlier one. */
static int expr_cost(const Node *n, int cap, const SetIndex *ix, int before) {
  if (!n || cap <= 0) return 0;
  const ExprSem *s = expr_sem(n);
  int cost = 1;
  switch (s ? s->form : EX_CONST) {
  case EX_RULE: {
    int pos = set_index_find(ix, s->ref);
    if (pos >= 0 && pos < before) return 1;
    return 1 + expr_cost(s->ref->rule.body, cap - 1, ix, before);
  }
  case EX_CALL_FN:   /* the body, then the arguments as for a built-in */
    cost += expr_cost(s->ref->rule.body, cap - cost, ix, before);
    /* fall through */
  case EX_BUILTIN:
    if (s->builtin == BI_POW || s->builtin == BI_EXP || s->builtin == BI_LOG) cost += 4 * CG_LANES;
    for (int i = 0; i < n->call.args.len && cost < cap; i++)
      cost += expr_cost(n->call.args.items[i], cap - cost, ix, before);
    return cost;
  case EX_OP:
    if (n->kind == ND_UNARY) return 1 + expr_cost(n->unary.operand, cap - 1, ix, before);
    if (n->kind == ND_BINARY) {
      if (n->binary.op == OP_POW) cost += 4 * CG_LANES;
      cost += expr_cost(n->binary.lhs, cap - cost, ix, before);
      return cost + expr_cost(n->binary.rhs, cap - cost, ix, before);
    }
    if (n->kind == ND_IF) {
      cost += expr_cost(n->ifx.cond, cap - cost, ix, before);
      cost += expr_cost(n->ifx.then, cap - cost, ix, before);
      return cost + expr_cost(n->ifx.els, cap - cost, ix, before);
    }
    return cost;
  default: return cost;
  }
}

/* The walk of cg_inlined_nodes: rules reached from the current function, each once. */
typedef struct SizeWalk {
  const Sym **todo;
  int ntodo;
  unsigned *seen;       /* by Sym.index: the stamp of the function that reached it */
  unsigned stamp;
  long total, cap;
} SizeWalk;

/* Count the nodes of formula n; another rule is queued (once per function), a fn's body
 * counted at each call, as gen_call_fn inlines it. */
static void size_walk(SizeWalk *w, const Node *n) {
  if (!n || w->total > w->cap) return;
  w->total++;
  const ExprSem *s = expr_sem(n);
  switch (s ? s->form : EX_CONST) {
  case EX_RULE:
    if (s->ref->index >= 0 && w->seen[s->ref->index] != w->stamp) {
      w->seen[s->ref->index] = w->stamp;
      w->todo[w->ntodo++] = s->ref;
    }
    return;
  case EX_CALL_FN:
    size_walk(w, s->ref->rule.body);
    /* fall through */
  case EX_BUILTIN:
    for (int i = 0; i < n->call.args.len; i++) size_walk(w, n->call.args.items[i]);
    return;
  case EX_OP:
    if (n->kind == ND_UNARY) size_walk(w, n->unary.operand);
    if (n->kind == ND_BINARY) {
      size_walk(w, n->binary.lhs);
      size_walk(w, n->binary.rhs);
    }
    if (n->kind == ND_IF) {
      size_walk(w, n->ifx.cond);
      size_walk(w, n->ifx.then);
      size_walk(w, n->ifx.els);
    }
    return;
  default: return;
  }
}

long cg_inlined_nodes(const RuleSig *const *sigs, int n, int nsyms, long cap) {
  SizeWalk w = {.cap = cap};
  w.todo = xmalloc(sizeof *w.todo * (size_t)(nsyms + 1));
  w.seen = xcalloc((size_t)nsyms + 1, sizeof *w.seen);
  for (int r = 0; r < n && w.total <= cap; r++) {
    w.stamp++;
    w.ntodo = 0;
    const Sym *root = sigs[r]->rule;
    if (root->index >= 0) w.seen[root->index] = w.stamp;
    w.todo[w.ntodo++] = root;
    while (w.ntodo > 0 && w.total <= cap) size_walk(&w, w.todo[--w.ntodo]->rule.body);
  }
  free(w.todo);
  free(w.seen);
  return w.total;
}

/* Split a set into groups of consecutive rules, each of up to `per` rules and about
 * `budget` operations; returns the group count (starts as for cg_groups). */
static int group_rules(const CgSet *set, int per, int budget, int *starts) {
  SetIndex index;
  set_index_init(&index, set);
  int ngroups = 0, count = 0, cost = 0;
  for (int r = 0; r < set->n; r++) {
    int c = expr_cost(set->sigs[r]->rule->rule.body, budget, &index, r) + 2 * set->sigs[r]->ninputs;
    if (count > 0 && (count == per || cost + c > budget)) {
      count = 0;
      cost = 0;
    }
    if (count == 0) starts[ngroups++] = r;
    count++;
    cost += c;
  }
  starts[ngroups] = set->n;
  set_index_free(&index);
  return ngroups;
}

int cg_groups(const CgSet *set, int threads, int *starts) {
  (void)threads;
  /* At least eight groups (so up to eight threads stay busy to the end), each fusing
   * up to 64 rules and about 3,000 operations: one function of many rules compiles
   * several times faster than as many functions of one rule each (the back end's
   * cost is mostly per function), and its loop reads shared columns once. The split
   * does not depend on the thread count, so the object cache serves any --threads. */
  int per = (set->n + 7) / 8;
  if (per < 1) per = 1;
  if (per > 64) per = 64;
  return group_rules(set, per, 3000, starts);
}

int cg_jit_set(Jit *jit, const CgSet *set, int threads, JitOpt level, CgSetFn *fns, int *nfns,
               char **err) {
  *nfns = 0;
  if (set->n == 0) return 0;
  if (threads <= 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    threads = cpus > 0 ? (int)cpus : 1;
  }
  int *starts = xcalloc((size_t)set->n + 1, sizeof *starts);
  int ngroups = cg_groups(set, threads, starts);
  CgMath math = cg_math_for(jit_triple(jit), jit_features(jit));
  LLVMModuleRef *mods = xcalloc((size_t)ngroups, sizeof *mods);
  LLVMContextRef *ctxs = xcalloc((size_t)ngroups, sizeof *ctxs);
  for (int k = 0; k < ngroups; k++) {
    char name[64];
    snprintf(name, sizeof name, "missionc.rules.%d", k);
    ctxs[k] = LLVMContextCreate();
    mods[k] = cg_set_module(ctxs[k], name, set, starts, k, 1, math);
  }
  int rc = jit_compile_objects(jit, mods, ctxs, (size_t)ngroups, threads, level, err);
  for (int k = 0; rc == 0 && k < ngroups; k++) {
    char sym[64];
    snprintf(sym, sizeof sym, "missionc.kernel.%d", k);
    JitFunc fn = jit_lookup_func(jit, sym, err);
    if (!fn) rc = -1;
    else fns[k] = (CgSetFn)fn;
  }
  if (rc == 0) *nfns = ngroups;
  free(mods);
  free(ctxs);
  free(starts);
  return rc;
}

int cg_print_set_ir(FILE *out, const CgSet *set, const char *cpu, JitOpt level, char **err) {
  int *starts = xcalloc((size_t)set->n + 1, sizeof *starts);
  int ngroups = cg_groups(set, 1, starts);
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = cg_set_module(ctx, "missionc.rules", set, starts, 0, ngroups, cg_math_for_cpu(cpu));
  int rc = optimize_for(mod, cpu, level, err);
  if (rc == 0) print_module(out, mod);
  else LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  free(starts);
  return rc;
}

/* ------------------------------------------------------------------------
 * The C header of compiled rules
 * ------------------------------------------------------------------------ */

/* A unit's name for the header ("base units" when there is none). */
static const char *unit_text(const Unit *u) { return u ? u->name : "1"; }

/* What a rule returns, in words. */
static void describe_result(FILE *out, const RuleSig *sig) {
  switch (sig->result) {
  case VAL_BOOL: fputs("1 if it holds, 0 if not, NaN if unknown", out); break;
  case VAL_DATE: fputs("a date, in days since 1970-01-01", out); break;
  case VAL_NUM:
    if (sig->result_unit) fprintf(out, "a number in %s", sig->result_unit->name);
    else fputs("a number in base units", out);
    break;
  }
}

/* Text inside a C comment: "*" "/" and "/" "*" split, control characters as spaces. */
static void comment_text(FILE *out, const char *s, size_t n, const char *newline) {
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    if (ch == '\n') fputs(newline, out);
    else if (ch == '\r') continue;
    else if ((unsigned char)ch < 0x20) fputc(' ', out);
    else if (i > 0 && ((ch == '/' && s[i - 1] == '*') || (ch == '*' && s[i - 1] == '/'))) fprintf(out, " %c", ch);
    else fputc(ch, out);
  }
}

/* The formula's source text as comment lines. */
static void quote_formula(FILE *out, Sources *src, const Node *body) {
  if (!src || !body || body->span.file == NO_FILE) return;
  const SourceFile *sf = src_file(src, body->span.file);
  if (!sf || body->span.end > sf->len || body->span.start > body->span.end) return;
  fputs(" *   = ", out);
  comment_text(out, sf->text + body->span.start, body->span.end - body->span.start, "\n *     ");
  fputc('\n', out);
}

/* The fused function's declarations, with its columns and outputs. */
static void write_fused_header(FILE *out, const CgOptions *o) {
  const CgSet *set = o->fused->set;
  char batch[1024], inputs[1024], outputs[1024];
  cg_fused_name(o, "batch", batch, sizeof batch);
  cg_fused_name(o, "inputs", inputs, sizeof inputs);
  cg_fused_name(o, "outputs", outputs, sizeof outputs);
  fprintf(out, "\n/* Every rule above at once, each computed once per row (a value that rules\n"
               " * share is computed once): column c at cols[c], rule r's n results to outs[r]\n"
               " * (the outputs must not overlap the columns). The results equal R_batch's.\n"
               " * Columns:\n");
  for (int c = 0; c < o->fused->ncols; c++) {
    const RuleInput *in = o->fused->cols[c];
    fprintf(out, " *   [%d] %-20s ", c, in->name);
    if (in->kind == VAL_DATE) fputs("date (days since 1970-01-01)", out);
    else if (in->kind == VAL_BOOL) fputs("bool (0 or 1)", out);
    else fprintf(out, "%s", unit_text(in->unit));
    fputc('\n', out);
  }
  fputs(" * Outputs:\n", out);
  for (int r = 0; r < set->n; r++) fprintf(out, " *   [%d] %s\n", r, set->sigs[r]->rule->name);
  fputs(" */\n", out);
  fprintf(out, "void %s(size_t n, const double *const *cols, double *const *outs);\n", batch);
  fprintf(out, "extern const char *const %s[];   /* the column names, NULL-terminated */\n", inputs);
  fprintf(out, "extern const char *const %s[];  /* the rule names, NULL-terminated */\n", outputs);
}

void cg_write_header(FILE *out, const char *guard, Sources *src, const RuleSig *const *sigs, int n,
                     const CgOptions *o) {
  static const char *const vmath_text[] = {
      [CG_VMATH_CINZ] = "cinz functions, without FMA, Debian's\n * libsleef-dev: the bits of missionc eval on a CPU without FMA and AVX2",
      [CG_VMATH_FINZ] = "finz functions, with FMA, Debian's\n * libsleef-dev: the bits of missionc eval on a CPU with FMA and AVX2",
      [CG_VMATH_RUNTIME] = "functions of the family chosen at run time,\n"
                           " * Debian's libsleef-dev: finz where the CPU has FMA and AVX2, else cinz;\n"
                           " * the bits of missionc eval on the machine that runs this code",
  };
  fprintf(out,
          "/* Generated by missionc: compiled scores and conditions. Do not edit.\n"
          " *\n"
          " * For each rule R:\n"
          " *   double R(const double *in);     one row; in[i] is input i of R_inputs\n"
          " *   void R_batch(size_t n, const double *const *cols, double *out);\n"
          " *                                   n rows; column i at cols[i], n values;\n"
          " *                                   out must not overlap a column\n"
          " *   const char *const R_inputs[];   the input names, NULL-terminated\n"
          "%s"
          " * Inputs are in their declared units; dates are days since 1970-01-01;\n"
          " * booleans are 0 or 1 (any non-zero value is true); NaN is a missing value,\n"
          " * which comes out as NaN (LANGUAGE.md 7.5). The functions are pure and\n"
          " * thread-safe; link with -lsleef -lm (exp, log and pow are SLEEF's\n"
          " * deterministic %s).\n"
          " */\n"
          "#ifndef %s\n#define %s\n\n#include <stddef.h>\n\n"
          "#ifdef __cplusplus\nextern \"C\" {\n#endif\n",
          o->fused && n > 0 ? " * and all_batch, at the end, for every rule at once.\n" : "",
          vmath_text[o->vmath],
          guard, guard);
  for (int r = 0; r < n; r++) {
    const RuleSig *sig = sigs[r];
    const Sym *rule = sig->rule;
    char row[1024], batch[1024], inputs[1024];
    cg_symbol_name(o, rule, "", row, sizeof row);
    cg_symbol_name(o, rule, "batch", batch, sizeof batch);
    cg_symbol_name(o, rule, "inputs", inputs, sizeof inputs);
    fprintf(out, "\n/* %s %s", rule->kind == DK_CONDITION ? "condition" : "score", rule->name);
    if (sym_title_text(rule)) {
      fputs(" \"", out);
      comment_text(out, sym_title_text(rule), strlen(sym_title_text(rule)), " ");
      fputc('"', out);
    }
    if (rule->rule.on) fprintf(out, " on %s", rule->rule.on->name);
    fputc('\n', out);
    quote_formula(out, src, rule->rule.body);
    fputs(" * Returns ", out);
    describe_result(out, sig);
    fputs(".\n", out);
    if (sig->ninputs == 0) fputs(" * No inputs.\n", out);
    else fputs(" * Inputs:\n", out);
    for (int k = 0; k < sig->ninputs; k++) {
      const RuleInput *in = &sig->inputs[k];
      fprintf(out, " *   [%d] %-20s ", k, in->name);
      if (in->kind == VAL_DATE) fputs("date (days since 1970-01-01)", out);
      else if (in->kind == VAL_BOOL) fputs("bool (0 or 1)", out);
      else fprintf(out, "%s", unit_text(in->unit));
      fputc('\n', out);
    }
    fputs(" */\n", out);
    fprintf(out, "double %s(const double *in);\n", row);
    fprintf(out, "void %s(size_t n, const double *const *cols, double *out);\n", batch);
    fprintf(out, "extern const char *const %s[];\n", inputs);
  }
  if (o->fused && n > 0) write_fused_header(out, o);
  fprintf(out, "\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* %s */\n", guard);
}
