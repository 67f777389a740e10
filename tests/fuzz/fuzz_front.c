/* fuzz_front.c - libFuzzer entry point: any bytes through the parser and checker.
 * Nothing may crash, hang, leak or trip a sanitizer. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "compiler.h"
#include "lint.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static FILE *devnull;
  if (!devnull) devnull = fopen("/dev/null", "w");
  Compiler *c = compiler_new();
  c->diag->max_errors = 0;
  uint32_t id = src_add(c->src, "fuzz.mission", (const char *)data, size);
  Node *root = parse_file(c->arena, c->names, c->diag, c->src, id);
  Model *m = check_program(c, root);
  lint_run(m, NULL, 0);
  DiagRenderOptions opt = {DIAG_TEXT, false, "fuzz"};
  diag_render(c->diag, devnull, &opt);
  compiler_free(c);
  return 0;
}
