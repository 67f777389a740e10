/* fuzz_codegen.c - libFuzzer entry point: any bytes that check clean go through the
 * code generator (IR for every score and condition, verified by LLVM) and the
 * reference interpreter (one row of inputs taken from the tail of the bytes).
 * Nothing may crash, trip a sanitizer or produce IR that LLVM rejects. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>

#include "check.h"
#include "codegen.h"
#include "compiler.h"
#include "interp.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The signatures of every rule of the checked file that can be evaluated. */
static int collect_rules(Model *m, Arena *a, RuleSig *out) {
  int n = 0;
  for (int i = 0; i < m->syms.len; i++) {
    Sym *s = m->syms.items[i];
    if ((s->kind != DK_SCORE && s->kind != DK_CONDITION) || s->imported) continue;
    const char *why;
    if (rule_sig(a, s, &out[n], &why)) n++;
  }
  return n;
}

/* Run the interpreter on one row made of the input's bytes (a byte 0xff is a
 * missing value, NaN). */
static void interpret(const RuleSig *sig, const uint8_t *data, size_t size) {
  double row[64] = {0};
  for (int i = 0; i < sig->ninputs && i < 64; i++) {
    uint8_t b = size ? data[(size_t)i % size] : 0;
    row[i] = b == 0xff ? NAN : (double)b - 100.0;
  }
  Interp *ip = interp_new(sig);
  if (!ip) return;
  (void)interp_eval_row(ip, row);
  interp_free(ip);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Compiler *c = compiler_new();
  c->diag->max_errors = 0;
  uint32_t id = src_add(c->src, "fuzz.mission", (const char *)data, size);
  Node *root = parse_file(c->arena, c->names, c->diag, c->src, id);
  Model *m = check_program(c, root);
  if (diag_error_count(c->diag) == 0 && m->syms.len < 4096) {
    RuleSig *sigs = arena_alloc(c->arena, sizeof *sigs * (size_t)(m->syms.len + 1));
    int n = collect_rules(m, c->arena, sigs);
    const RuleSig **ptrs = arena_alloc(c->arena, sizeof *ptrs * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
      ptrs[i] = &sigs[i];
      if (sigs[i].ninputs <= 64) interpret(&sigs[i], data, size);
    }
    if (n > 0) {
      LLVMContextRef ctx = LLVMContextCreate();
      CgOptions o = {.prefix = "f", .row = true, .batch = true, .inputs = true};
      LLVMModuleRef mod = cg_module(ctx, "fuzz", ptrs, n, &o);
      char *msg = NULL;
      if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
        fprintf(stderr, "invalid IR: %s\n", msg);
        abort();
      }
      LLVMDisposeMessage(msg);
      LLVMDisposeModule(mod);
      LLVMContextDispose(ctx);
    }
  }
  compiler_free(c);
  return 0;
}
