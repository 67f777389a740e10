/* vmath_ir.c - missionc's pow as LLVM IR (vmath_ir.h): base/vmath_pow.c's operations,
 * one for one and in its order, on scalars or vectors; table loads are gathers
 * (llvm.masked.gather) on vectors. No fast-math flags: LLVM keeps every rounding. The
 * special cases at the end are skipped, by one branch, when no lane has one. */
#include "vmath_ir.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "vmath_pow_table.h"

enum { VMIR_MAX_LANES = 16 };
_Static_assert(VM_POW_LOG_BITS >= 4 && VM_POW_LOG_BITS <= 5 && VM_POW_EXP_BITS >= 4 && VM_POW_EXP_BITS <= 5,
               "the AVX-512 lookups read tables of 16 or 32 values");

/* The function being built. */
typedef struct Pw {
  LLVMContextRef ctx;
  LLVMModuleRef mod;
  LLVMBuilderRef b;
  unsigned lanes;
  bool fma, permute;   /* llvm.fma; tables in AVX-512 registers */
  LLVMTypeRef f64, i64, dt, it, bt;   /* scalar types; double, i64, i1 of `lanes` */
} Pw;

/* A double or i64 constant in every lane. */
static LLVMValueRef splat(Pw *w, LLVMValueRef c) {
  if (w->lanes == 1) return c;
  LLVMValueRef e[VMIR_MAX_LANES];
  for (unsigned i = 0; i < w->lanes; i++) e[i] = c;
  return LLVMConstVector(e, w->lanes);
}
static LLVMValueRef fc(Pw *w, double v) { return splat(w, LLVMConstReal(w->f64, v)); }
static LLVMValueRef ic(Pw *w, uint64_t v) { return splat(w, LLVMConstInt(w->i64, v, 0)); }

static LLVMValueRef add(Pw *w, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildFAdd(w->b, a, b, ""); }
static LLVMValueRef sub(Pw *w, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildFSub(w->b, a, b, ""); }
static LLVMValueRef mul(Pw *w, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildFMul(w->b, a, b, ""); }
static LLVMValueRef sel(Pw *w, LLVMValueRef c, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildSelect(w->b, c, a, b, ""); }
static LLVMValueRef fcmp(Pw *w, LLVMRealPredicate p, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildFCmp(w->b, p, a, b, ""); }
static LLVMValueRef as_int(Pw *w, LLVMValueRef d) { return LLVMBuildBitCast(w->b, d, w->it, ""); }
static LLVMValueRef as_dbl(Pw *w, LLVMValueRef i) { return LLVMBuildBitCast(w->b, i, w->dt, ""); }

/* llvm.NAME on doubles with nargs arguments (fabs, fma). */
static LLVMValueRef intr(Pw *w, const char *name, LLVMValueRef *args, unsigned nargs) {
  unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
  if (!id) unreachable_bug("unknown LLVM intrinsic");
  LLVMValueRef fn = LLVMGetIntrinsicDeclaration(w->mod, id, &w->dt, 1);
  LLVMTypeRef params[3] = {w->dt, w->dt, w->dt};
  return LLVMBuildCall2(w->b, LLVMFunctionType(w->dt, params, nargs, 0), fn, args, nargs, "");
}
static LLVMValueRef fabs_(Pw *w, LLVMValueRef x) { return intr(w, "llvm.fabs", &x, 1); }

/* a*b - p exactly (vmath_pow.c two_prod_err). */
static LLVMValueRef two_prod_err(Pw *w, LLVMValueRef a, LLVMValueRef b, LLVMValueRef p) {
  if (w->fma) return intr(w, "llvm.fma", (LLVMValueRef[]){a, b, LLVMBuildFNeg(w->b, p, "")}, 3);
  LLVMValueRef ca = mul(w, fc(w, 134217729.0), a), cb = mul(w, fc(w, 134217729.0), b);
  LLVMValueRef ah = sub(w, ca, sub(w, ca, a)), bh = sub(w, cb, sub(w, cb, b));
  LLVMValueRef al = sub(w, a, ah), bl = sub(w, b, bh);
  return add(w, add(w, add(w, sub(w, mul(w, ah, bh), p), mul(w, ah, bl)), mul(w, al, bh)), mul(w, al, bl));
}

/* A table: its values (every stride-th from v, n of them) and its name in the module. */
typedef struct Tab {
  const char *name;
  const double *v;
  size_t stride, n;
} Tab;

/* The table as an internal constant [n x double] array of the module. */
static LLVMValueRef table_global(Pw *w, const Tab *t) {
  const char *name = t->name;
  const double *v = t->v;
  size_t stride = t->stride, n = t->n;
  LLVMValueRef g = LLVMGetNamedGlobal(w->mod, name);
  if (g) return g;
  LLVMValueRef e[64];
  for (size_t i = 0; i < n; i++) e[i] = LLVMConstReal(w->f64, v[i * stride]);
  LLVMTypeRef ty = LLVMArrayType(w->f64, (unsigned)n);
  g = LLVMAddGlobal(w->mod, ty, name);
  LLVMSetInitializer(g, LLVMConstArray(w->f64, e, (unsigned)n));
  LLVMSetLinkage(g, LLVMInternalLinkage);
  LLVMSetGlobalConstant(g, 1);
  LLVMSetUnnamedAddr(g, 1);
  LLVMSetAlignment(g, 64);
  return g;
}

/* t[idx] on 8 lanes by AVX-512 permutes of the table in registers: vpermi2pd picks
 * from 16 values by the low 4 bits, bit 4 picks between two such (32 at most). */
static LLVMValueRef lookup_permute(Pw *w, const Tab *t, LLVMValueRef idx) {
  const char *name = "llvm.x86.avx512.vpermi2var.pd.512";
  LLVMValueRef fn = LLVMGetIntrinsicDeclaration(w->mod, LLVMLookupIntrinsicID(name, strlen(name)), NULL, 0);
  LLVMTypeRef params[3] = {w->dt, w->it, w->dt};
  LLVMTypeRef fty = LLVMFunctionType(w->dt, params, 3, 0);
  LLVMValueRef halves[2];
  for (size_t h = 0; h * 16 < t->n; h++) {
    LLVMValueRef regs[2];
    for (int k = 0; k < 2; k++) {
      LLVMValueRef e[8];
      for (int l = 0; l < 8; l++) e[l] = LLVMConstReal(w->f64, t->v[(h * 16 + (size_t)k * 8 + (size_t)l) * t->stride]);
      regs[k] = LLVMConstVector(e, 8);
    }
    halves[h] = LLVMBuildCall2(w->b, fty, fn, (LLVMValueRef[]){regs[0], idx, regs[1]}, 3, "");
  }
  if (t->n <= 16) return halves[0];
  LLVMValueRef upper = LLVMBuildICmp(w->b, LLVMIntNE, LLVMBuildAnd(w->b, idx, ic(w, 16), ""), ic(w, 0), "");
  return sel(w, upper, halves[1], halves[0]);
}

/* t[idx] lane by lane: a load, permutes (AVX-512), or a gather of every lane. */
static LLVMValueRef lookup(Pw *w, const Tab *t, LLVMValueRef idx) {
  if (w->permute) return lookup_permute(w, t, idx);
  LLVMValueRef tab = table_global(w, t);
  LLVMTypeRef aty = LLVMArrayType(w->f64, (unsigned)t->n);
  LLVMValueRef zero = LLVMConstInt(w->i64, 0, 0);
  if (w->lanes == 1) {
    LLVMValueRef p = LLVMBuildInBoundsGEP2(w->b, aty, tab, (LLVMValueRef[]){zero, idx}, 2, "");
    LLVMValueRef v = LLVMBuildLoad2(w->b, w->f64, p, "");
    LLVMSetAlignment(v, 8);
    return v;
  }
  LLVMValueRef ps = LLVMBuildInBoundsGEP2(w->b, aty, tab, (LLVMValueRef[]){zero, idx}, 2, "");
  LLVMTypeRef pvt = LLVMTypeOf(ps);
  LLVMTypeRef i32 = LLVMInt32TypeInContext(w->ctx);
  const char *name = "llvm.masked.gather";
  LLVMTypeRef over[2] = {w->dt, pvt};
  LLVMValueRef fn = LLVMGetIntrinsicDeclaration(w->mod, LLVMLookupIntrinsicID(name, strlen(name)), over, 2);
  LLVMTypeRef params[4] = {pvt, i32, w->bt, w->dt};
  LLVMValueRef all[VMIR_MAX_LANES];
  for (unsigned i = 0; i < w->lanes; i++) all[i] = LLVMConstInt(LLVMInt1TypeInContext(w->ctx), 1, 0);
  LLVMValueRef args[4] = {ps, LLVMConstInt(i32, 8, 0), LLVMConstVector(all, w->lanes), LLVMGetUndef(w->dt)};
  return LLVMBuildCall2(w->b, LLVMFunctionType(w->dt, params, 4, 0), fn, args, 4, "");
}

/* log|x| as *lhi + *llo (vmath_pow.c log_dd). */
static void log_dd(Pw *w, LLVMValueRef ax, LLVMValueRef *lhi, LLVMValueRef *llo) {
  LLVMBuilderRef b = w->b;
  LLVMValueRef ix = as_int(w, ax);
  LLVMValueRef is_sub = LLVMBuildICmp(b, LLVMIntULT, ix, ic(w, 0x0010000000000000u), "");
  LLVMValueRef scaled = LLVMBuildSub(b, as_int(w, mul(w, ax, fc(w, 0x1p52))), ic(w, 52ull << 52), "");
  ix = sel(w, is_sub, scaled, ix);
  LLVMValueRef tmp = LLVMBuildSub(b, ix, ic(w, VM_POW_LOG_OFF), "");
  LLVMValueRef i = LLVMBuildAnd(b, LLVMBuildLShr(b, tmp, ic(w, 52 - VM_POW_LOG_BITS), ""), ic(w, (1u << VM_POW_LOG_BITS) - 1), "");
  LLVMValueRef kd = LLVMBuildSIToFP(b, LLVMBuildAShr(b, tmp, ic(w, 52), ""), w->dt, "");
  LLVMValueRef z = as_dbl(w, LLVMBuildSub(b, ix, LLVMBuildAnd(b, tmp, ic(w, 0xfffull << 52), ""), ""));
  enum { NL = 1 << VM_POW_LOG_BITS };
  LLVMValueRef invc = lookup(w, &(Tab){"missionc.pow.invc", &vm_pow_log_table[0][0], 3, NL}, i);
  LLVMValueRef logc = lookup(w, &(Tab){"missionc.pow.logc", &vm_pow_log_table[0][1], 3, NL}, i);
  LLVMValueRef logclo = lookup(w, &(Tab){"missionc.pow.logclo", &vm_pow_log_table[0][2], 3, NL}, i);
  LLVMValueRef p = mul(w, z, invc);
  LLVMValueRef rlo = two_prod_err(w, z, invc, p);
  LLVMValueRef r = sub(w, p, fc(w, 1.0));
  LLVMValueRef a = mul(w, kd, fc(w, VM_POW_LN2_HI));
  LLVMValueRef t1 = add(w, a, logc), e1 = add(w, sub(w, a, t1), logc);
  LLVMValueRef t2 = add(w, t1, r), e2 = add(w, sub(w, t1, t2), r);
  LLVMValueRef ar = mul(w, fc(w, -0.5), r);
  LLVMValueRef ar2 = mul(w, r, ar), e3 = two_prod_err(w, r, ar, ar2);
  LLVMValueRef hi = add(w, t2, ar2), e4 = add(w, sub(w, t2, hi), ar2);
  LLVMValueRef r2 = mul(w, r, r), r4 = mul(w, r2, r2);
  LLVMValueRef q34 = sub(w, fc(w, 1.0 / 3), mul(w, r, fc(w, 0.25)));
  LLVMValueRef q56 = sub(w, fc(w, 0.2), mul(w, r, fc(w, 1.0 / 6)));
  LLVMValueRef q78 = sub(w, fc(w, 1.0 / 7), mul(w, r, fc(w, 0.125)));
  LLVMValueRef q910 = sub(w, fc(w, 1.0 / 9), mul(w, r, fc(w, 0.1)));
  LLVMValueRef q = add(w, add(w, q34, mul(w, r2, q56)),
                       mul(w, r4, add(w, add(w, q78, mul(w, r2, q910)), mul(w, r4, fc(w, 1.0 / 11)))));
  LLVMValueRef poly = mul(w, mul(w, r2, r), q);
  LLVMValueRef rtail = mul(w, rlo, add(w, sub(w, fc(w, 1.0), r), r2));
  LLVMValueRef lo = add(w, mul(w, kd, fc(w, VM_POW_LN2_LO)), logclo);
  lo = add(w, add(w, add(w, add(w, add(w, add(w, lo, e1), e2), e3), e4), rtail), poly);
  *lhi = add(w, hi, lo);
  *llo = add(w, sub(w, hi, *lhi), lo);
}

/* exp(ehi + elo) (vmath_pow.c exp_dd). */
static LLVMValueRef exp_dd(Pw *w, LLVMValueRef ehi, LLVMValueRef elo) {
  LLVMBuilderRef b = w->b;
  LLVMValueRef big = fcmp(w, LLVMRealUGT, fabs_(w, ehi), fc(w, 800.0));
  ehi = sel(w, big, sel(w, fcmp(w, LLVMRealOGT, ehi, fc(w, 0.0)), fc(w, 800.0), fc(w, -800.0)), ehi);
  elo = sel(w, big, fc(w, 0.0), elo);
  LLVMValueRef zk = mul(w, ehi, fc(w, VM_POW_INV_LN2N));
  LLVMValueRef sh = add(w, zk, fc(w, 0x1.8p52));
  LLVMValueRef ki = LLVMBuildSub(b, as_int(w, sh), ic(w, 0x4338000000000000u), "");
  LLVMValueRef kd = sub(w, sh, fc(w, 0x1.8p52));
  LLVMValueRef r = add(w, sub(w, sub(w, ehi, mul(w, kd, fc(w, VM_POW_LN2N_HI))), mul(w, kd, fc(w, VM_POW_LN2N_LO))), elo);
  LLVMValueRef j = LLVMBuildAnd(b, ki, ic(w, (1u << VM_POW_EXP_BITS) - 1), "");
  LLVMValueRef e = LLVMBuildAShr(b, ki, ic(w, VM_POW_EXP_BITS), "");
  LLVMValueRef e1 = LLVMBuildAShr(b, e, ic(w, 1), "");
  LLVMValueRef e2 = LLVMBuildSub(b, e, e1, "");
  enum { NE = 1 << VM_POW_EXP_BITS };
  LLVMValueRef thi = lookup(w, &(Tab){"missionc.pow.exp2hi", &vm_pow_exp_table[0][0], 2, NE}, j);
  LLVMValueRef tail = lookup(w, &(Tab){"missionc.pow.exp2tail", &vm_pow_exp_table[0][1], 2, NE}, j);
  LLVMValueRef s1 = as_dbl(w, LLVMBuildAdd(b, as_int(w, thi), LLVMBuildShl(b, e1, ic(w, 52), ""), ""));
  LLVMValueRef s2 = as_dbl(w, LLVMBuildShl(b, LLVMBuildAdd(b, e2, ic(w, 1023), ""), ic(w, 52), ""));
  LLVMValueRef r2 = mul(w, r, r), r4 = mul(w, r2, r2);
  LLVMValueRef b2 = add(w, fc(w, 0.5), mul(w, r, fc(w, 1.0 / 6)));
  LLVMValueRef b4 = add(w, fc(w, 1.0 / 24), mul(w, r, fc(w, 1.0 / 120)));
  LLVMValueRef b6 = add(w, fc(w, 1.0 / 720), mul(w, r, fc(w, 1.0 / 5040)));
  LLVMValueRef t = add(w, r, add(w, tail, add(w, mul(w, r2, b2), mul(w, r4, add(w, b4, mul(w, r2, b6))))));
  return mul(w, add(w, s1, mul(w, s1, t)), s2);
}

/* m, the value of exp(y log|x|), with Annex F's special cases and the sign of an odd y
   (vmath_pow.c pow_core's end). */
static LLVMValueRef annex_f(Pw *w, LLVMValueRef x, LLVMValueRef y, LLVMValueRef ax, LLVMValueRef ay, LLVMValueRef m) {
  LLVMBuilderRef b = w->b;
  LLVMValueRef ybig = fcmp(w, LLVMRealOGE, ay, fc(w, 0x1p52));
  LLVMValueRef t = add(w, ay, fc(w, 0x1p52));
  LLVMValueRef yint = LLVMBuildOr(b, ybig, fcmp(w, LLVMRealOEQ, sub(w, t, fc(w, 0x1p52)), ay), "");
  LLVMValueRef low = LLVMBuildAnd(b, as_int(w, sel(w, ybig, ay, t)), ic(w, 1), "");
  LLVMValueRef yodd = LLVMBuildAnd(b, LLVMBuildAnd(b, yint, fcmp(w, LLVMRealOLT, ay, fc(w, 0x1p53)), ""),
                                   LLVMBuildICmp(b, LLVMIntNE, low, ic(w, 0), ""), "");
  LLVMValueRef inf = fc(w, INFINITY), zero = fc(w, 0.0);
  LLVMValueRef yneg = fcmp(w, LLVMRealOLT, y, zero);
  LLVMValueRef yinf = fcmp(w, LLVMRealOEQ, ay, inf);
  LLVMValueRef grows = LLVMBuildICmp(b, LLVMIntEQ, fcmp(w, LLVMRealOLT, ax, fc(w, 1.0)), yneg, "");
  m = sel(w, yinf, sel(w, grows, inf, zero), m);
  m = sel(w, fcmp(w, LLVMRealOEQ, ax, zero), sel(w, yneg, inf, zero), m);
  m = sel(w, fcmp(w, LLVMRealOEQ, ax, inf), sel(w, yneg, zero, inf), m);
  m = sel(w, fcmp(w, LLVMRealOEQ, ax, fc(w, 1.0)), fc(w, 1.0), m);
  LLVMValueRef xneg_bit = LLVMBuildLShr(b, as_int(w, x), ic(w, 63), "");
  LLVMValueRef odd_neg = LLVMBuildAnd(b, LLVMBuildZExt(b, yodd, w->it, ""), xneg_bit, "");
  m = as_dbl(w, LLVMBuildOr(b, as_int(w, m), LLVMBuildShl(b, odd_neg, ic(w, 63), ""), ""));
  LLVMValueRef neg_finite = LLVMBuildAnd(b, fcmp(w, LLVMRealOLT, x, zero), fcmp(w, LLVMRealOGT, x, fc(w, -INFINITY)), "");
  LLVMValueRef nan = LLVMBuildOr(b, fcmp(w, LLVMRealUNO, x, y), LLVMBuildAnd(b, neg_finite, LLVMBuildNot(b, yint, ""), ""), "");
  m = sel(w, nan, fc(w, NAN), m);
  LLVMValueRef one = LLVMBuildOr(b, fcmp(w, LLVMRealOEQ, y, zero), fcmp(w, LLVMRealOEQ, x, fc(w, 1.0)), "");
  return sel(w, one, fc(w, 1.0), m);
}

/* Whether every lane is one that annex_f leaves as it is: x finite, above 0 and not 1,
   y finite and not 0 (NaNs fail every comparison), as one i1. */
static LLVMValueRef all_ordinary(Pw *w, LLVMValueRef x, LLVMValueRef y, LLVMValueRef ay) {
  LLVMBuilderRef b = w->b;
  LLVMValueRef ok = LLVMBuildAnd(b, fcmp(w, LLVMRealOGT, x, fc(w, 0.0)), fcmp(w, LLVMRealOLT, x, fc(w, INFINITY)), "");
  ok = LLVMBuildAnd(b, ok, fcmp(w, LLVMRealONE, x, fc(w, 1.0)), "");
  ok = LLVMBuildAnd(b, ok, fcmp(w, LLVMRealOLT, ay, fc(w, INFINITY)), "");
  ok = LLVMBuildAnd(b, ok, fcmp(w, LLVMRealONE, y, fc(w, 0.0)), "");
  if (w->lanes == 1) return ok;
  LLVMTypeRef bits = LLVMIntTypeInContext(w->ctx, w->lanes);
  return LLVMBuildICmp(b, LLVMIntEQ, LLVMBuildBitCast(b, ok, bits, ""), LLVMConstAllOnes(bits), "");
}

/* The body: pow(x, y) (vmath_pow.c pow_core), returned from the function being built.
   When every lane is ordinary (all_ordinary), exp(y log|x|) is the result and the
   special cases are skipped by a branch: the same bits with fewer operations. */
static void pow_body(Pw *w, LLVMValueRef x, LLVMValueRef y) {
  LLVMValueRef ax = fabs_(w, x), ay = fabs_(w, y);
  LLVMValueRef lhi, llo;
  log_dd(w, ax, &lhi, &llo);
  LLVMValueRef ehi = mul(w, y, lhi);
  LLVMValueRef elo = add(w, mul(w, y, llo), two_prod_err(w, y, lhi, ehi));
  LLVMValueRef m = exp_dd(w, ehi, elo);
  LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(w->b));
  LLVMBasicBlockRef plain = LLVMAppendBasicBlockInContext(w->ctx, fn, "ordinary");
  LLVMBasicBlockRef special = LLVMAppendBasicBlockInContext(w->ctx, fn, "special");
  LLVMBuildCondBr(w->b, all_ordinary(w, x, y, ay), plain, special);
  LLVMPositionBuilderAtEnd(w->b, plain);
  LLVMBuildRet(w->b, m);
  LLVMPositionBuilderAtEnd(w->b, special);
  LLVMBuildRet(w->b, annex_f(w, x, y, ax, ay, m));
}

static LLVMValueRef build_pow(LLVMModuleRef mod, const char *name, unsigned lanes, bool has_fma, bool avx512, bool avx2,
                              LLVMAttributeRef nounwind);

/* Compile fn for x86-64 with AVX2 and FMA, whatever the module's CPU. */
static void add_avx2_features(LLVMContextRef ctx, LLVMValueRef fn) {
  static const char key[] = "target-features", value[] = "+avx,+avx2,+fma";
  LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
                          LLVMCreateStringAttribute(ctx, key, sizeof key - 1, value, sizeof value - 1));
}

LLVMValueRef vmir_pow_function(LLVMModuleRef mod, unsigned lanes, bool has_fma, bool avx512, LLVMAttributeRef nounwind) {
  char name[48];
  snprintf(name, sizeof name, "missionc.pow.%u%s%s", lanes, has_fma ? ".fma" : "", avx512 && lanes == 8 ? ".avx512" : "");
  LLVMValueRef fn = LLVMGetNamedFunction(mod, name);
  if (fn) return fn;
  return build_pow(mod, name, lanes, has_fma, avx512, false, nounwind);
}

/* v's lanes as parts of 2 (or v itself on 1 lane), or the parts joined again. */
static void split2(LLVMBuilderRef b, LLVMContextRef ctx, LLVMValueRef v, unsigned lanes, LLVMValueRef *parts) {
  LLVMTypeRef i32 = LLVMInt32TypeInContext(ctx);
  if (lanes == 1) {
    parts[0] = v;
    return;
  }
  for (unsigned p = 0; p < lanes / 2; p++) {
    LLVMValueRef idx[2] = {LLVMConstInt(i32, 2 * p, 0), LLVMConstInt(i32, 2 * p + 1, 0)};
    parts[p] = LLVMBuildShuffleVector(b, v, LLVMGetUndef(LLVMTypeOf(v)), LLVMConstVector(idx, 2), "");
  }
}
static LLVMValueRef join2(LLVMBuilderRef b, LLVMContextRef ctx, LLVMValueRef *parts, unsigned lanes) {
  if (lanes == 1) return parts[0];
  LLVMTypeRef i32 = LLVMInt32TypeInContext(ctx);
  LLVMValueRef v = LLVMGetUndef(LLVMVectorType(LLVMDoubleTypeInContext(ctx), lanes));
  for (unsigned k = 0; k < lanes; k++)
    v = LLVMBuildInsertElement(b, v, LLVMBuildExtractElement(b, parts[k / 2], LLVMConstInt(i32, k % 2, 0), ""),
                               LLVMConstInt(i32, k, 0), "");
  return v;
}

LLVMTypeRef vmir_pow_runtime_type(LLVMContextRef ctx, unsigned lanes) {
  LLVMTypeRef f64 = LLVMDoubleTypeInContext(ctx);
  LLVMTypeRef part = lanes == 1 ? f64 : LLVMVectorType(f64, 2);
  unsigned n = lanes == 1 ? 1 : lanes / 2;
  LLVMTypeRef params[2 * VMIR_MAX_LANES], parts[VMIR_MAX_LANES];
  for (unsigned k = 0; k < 2 * n; k++) params[k] = part;
  for (unsigned k = 0; k < n; k++) parts[k] = part;
  return LLVMFunctionType(LLVMStructTypeInContext(ctx, parts, n, 0), params, 2 * n, 0);
}

LLVMValueRef vmir_pow_runtime_call(LLVMBuilderRef b, LLVMValueRef fn, unsigned lanes, LLVMValueRef x, LLVMValueRef y) {
  LLVMContextRef ctx = LLVMGetTypeContext(LLVMTypeOf(x));
  unsigned n = lanes == 1 ? 1 : lanes / 2;
  LLVMValueRef args[2 * VMIR_MAX_LANES], parts[VMIR_MAX_LANES];
  split2(b, ctx, x, lanes, args);
  split2(b, ctx, y, lanes, args + n);
  LLVMValueRef r = LLVMBuildCall2(b, vmir_pow_runtime_type(ctx, lanes), fn, args, 2 * n, "");
  for (unsigned k = 0; k < n; k++) parts[k] = LLVMBuildExtractValue(b, r, k, "");
  return join2(b, ctx, parts, lanes);
}

LLVMValueRef vmir_pow_runtime_function(LLVMModuleRef mod, unsigned lanes, bool avx2_fma, LLVMAttributeRef nounwind) {
  char name[48], inner[48];
  snprintf(name, sizeof name, "missionc.pow.%u%s.parts", lanes, avx2_fma ? ".avx2fma" : "");
  LLVMValueRef fn = LLVMGetNamedFunction(mod, name);
  if (fn) return fn;
  if (lanes == 0 || (lanes > 1 && lanes % 2) || lanes > VMIR_MAX_LANES) unreachable_bug("pow on an unexpected number of lanes");
  snprintf(inner, sizeof inner, "missionc.pow.%u%s", lanes, avx2_fma ? ".avx2fma" : "");
  LLVMValueRef body = LLVMGetNamedFunction(mod, inner);
  if (!body) body = build_pow(mod, inner, lanes, avx2_fma, false, avx2_fma, nounwind);
  LLVMContextRef ctx = LLVMGetModuleContext(mod);
  LLVMTypeRef dt = LLVMTypeOf(LLVMGetParam(body, 0));
  fn = LLVMAddFunction(mod, name, vmir_pow_runtime_type(ctx, lanes));
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  if (nounwind) LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, nounwind);
  if (avx2_fma) add_avx2_features(ctx, fn);
  LLVMBuilderRef b = LLVMCreateBuilderInContext(ctx);
  LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(ctx, fn, "entry"));
  unsigned n = lanes == 1 ? 1 : lanes / 2;
  LLVMValueRef xs[VMIR_MAX_LANES], ys[VMIR_MAX_LANES];
  for (unsigned k = 0; k < n; k++) xs[k] = LLVMGetParam(fn, k), ys[k] = LLVMGetParam(fn, n + k);
  LLVMValueRef args[2] = {join2(b, ctx, xs, lanes), join2(b, ctx, ys, lanes)};
  LLVMTypeRef bparams[2] = {dt, dt};
  LLVMValueRef r = LLVMBuildCall2(b, LLVMFunctionType(dt, bparams, 2, 0), body, args, 2, "");
  LLVMValueRef parts[VMIR_MAX_LANES];
  split2(b, ctx, r, lanes, parts);
  LLVMBuildAggregateRet(b, parts, n);
  LLVMDisposeBuilder(b);
  return fn;
}

/* The function name: pow on `lanes` lanes, fma or Dekker, permutes on AVX-512, compiled
 * for AVX2 and FMA whatever the module's CPU (avx2: a portable module's choice). */
static LLVMValueRef build_pow(LLVMModuleRef mod, const char *name, unsigned lanes, bool has_fma, bool avx512, bool avx2,
                              LLVMAttributeRef nounwind) {
  LLVMValueRef fn;
  if (lanes == 0 || lanes > VMIR_MAX_LANES) unreachable_bug("pow on an unexpected number of lanes");
  Pw w = {.ctx = LLVMGetModuleContext(mod), .mod = mod, .lanes = lanes, .fma = has_fma, .permute = avx512 && lanes == 8};
  w.f64 = LLVMDoubleTypeInContext(w.ctx);
  w.i64 = LLVMInt64TypeInContext(w.ctx);
  LLVMTypeRef i1 = LLVMInt1TypeInContext(w.ctx);
  w.dt = lanes == 1 ? w.f64 : LLVMVectorType(w.f64, lanes);
  w.it = lanes == 1 ? w.i64 : LLVMVectorType(w.i64, lanes);
  w.bt = lanes == 1 ? i1 : LLVMVectorType(i1, lanes);
  LLVMTypeRef params[2] = {w.dt, w.dt};
  fn = LLVMAddFunction(mod, name, LLVMFunctionType(w.dt, params, 2, 0));
  LLVMSetLinkage(fn, LLVMInternalLinkage);
  if (nounwind) LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, nounwind);
  if (avx2) add_avx2_features(w.ctx, fn);
  w.b = LLVMCreateBuilderInContext(w.ctx);
  LLVMPositionBuilderAtEnd(w.b, LLVMAppendBasicBlockInContext(w.ctx, fn, "entry"));
  pow_body(&w, LLVMGetParam(fn, 0), LLVMGetParam(fn, 1));
  LLVMDisposeBuilder(w.b);
  return fn;
}
