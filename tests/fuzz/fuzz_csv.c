/* fuzz_csv.c - libFuzzer entry point: any bytes as the rows file of `missionc eval`.
 *
 * The first byte chooses the options (engine, threads, --na=nan, --carry-forward with a
 * key and an order); the rest is the CSV, read from a memory file descriptor by
 * eval_csv, the whole batch pipeline: splitting into pieces, the vector scan, the
 * number, boolean and date parsers, the rules, the formatter, data errors (E08xx) with
 * carets. Then the value parsers are checked against their references on every field
 * of the input: csv_parse_double against strtod (the same bits), the padded parser
 * against the plain one, and csv_format_double's text read back to the same double.
 * Nothing may crash, hang, leak, trip a sanitizer or parse a number differently.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "compiler.h"
#include "csv.h"
#include "eval.h"
#include "parse.h"
#include "rules.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The rules the rows go through: numbers with units, a boolean, a date, the built-ins
 * that see missing values. */
static const char mission_text[] =
    "indicator x { unit 1 }\n"
    "indicator y { unit % }\n"
    "indicator ok { unit 1 }\n"
    "score s = x + y * 2 + ok\n"
    "score m = coalesce(x, 0) / (1 + abs(y))\n"
    "condition c = x > 1 and y < 50% or is_missing(ok)\n"
    "score t : day = date - 2020-01-01\n";

typedef struct Fixture {
  Compiler *c;
  const RuleSig **sigs;
  int n;
  RuleSet *interp, *jit;
} Fixture;

/* Compile the rules once, for both engines. */
static Fixture *fixture(void) {
  static Fixture f;
  if (f.c) return &f;
  f.c = compiler_new();
  uint32_t id = src_add(f.c->src, "fuzz.mission", mission_text, sizeof mission_text - 1);
  Node *root = parse_file(f.c->arena, f.c->names, f.c->diag, f.c->src, id);
  Model *m = check_program(f.c, root);
  char *err = NULL;
  if (diag_error_count(f.c->diag) || eval_select_rules(m, NULL, NULL, false, &f.sigs, &f.n, &err) != MS_OK) {
    fprintf(stderr, "fuzz_csv: the fixture mission does not compile: %s\n", err ? err : "");
    abort();
  }
  EvalOptions o;
  eval_options_init(&o);
  o.engine = ENGINE_INTERP;
  f.interp = ruleset_new(f.sigs, f.n, &o, &err);
  o.engine = ENGINE_JIT;
  f.jit = ruleset_new(f.sigs, f.n, &o, &err);
  if (!f.interp || !f.jit) {
    fprintf(stderr, "fuzz_csv: %s\n", err ? err : "no rule set");
    abort();
  }
  return &f;
}

/* eval_csv over the bytes, with options from the first byte. */
static void run_eval(Fixture *f, uint8_t opts, const uint8_t *csv, size_t n) {
  int fd = memfd_create("rows.csv", 0);
  if (fd < 0) return;
  if (n && write(fd, csv, n) != (ssize_t)n) {
    close(fd);
    return;
  }
  lseek(fd, 0, SEEK_SET);
  EvalOptions o;
  eval_options_init(&o);
  o.engine = opts & 1 ? ENGINE_JIT : ENGINE_INTERP;
  o.threads = opts & 2 ? 2 : 1;
  o.na_nan = opts & 4;
  o.carry_forward = opts & 8;
  if (o.carry_forward && (opts & 16)) o.by = "id";
  if (o.carry_forward && (opts & 32)) o.order = "date";
  if (opts & 64) o.keep = "*";
  Compiler *rows = compiler_new();   /* the rows file's source and diagnostics, per input */
  o.diag = rows->diag;
  char *out = NULL;
  size_t outlen = 0;
  FILE *fp = open_memstream(&out, &outlen);
  if (fp) {
    (void)eval_csv(o.engine == ENGINE_JIT ? f->jit : f->interp, fd, "rows.csv", fp, "out.csv", &o);
    fclose(fp);
  }
  free(out);
  close(fd);
  compiler_free(rows);
}

/* One field: csv_parse_double against strtod, the padded parser against the plain one,
 * and the formatter's text read back. */
static void check_number(const char *s, size_t n) {
  char pad[96 + 16];
  if (n > 96) return;
  memcpy(pad, s, n);
  memset(pad + n, 0, 16);
  double v, w;
  int rc = csv_parse_double(pad, n, &v);
  if (csv_parse_double_padded(pad, n, &w) != rc || (rc == 0 && memcmp(&v, &w, sizeof v) != 0 && !(isnan(v) && isnan(w)))) {
    fprintf(stderr, "fuzz_csv: padded parser differs on '%.*s'\n", (int)n, s);
    abort();
  }
  if (rc != 0) return;
  const char *b = pad, *e = pad + n;   /* strtod on the trimmed text */
  while (b < e && (*b == ' ' || *b == '\t')) b++;
  while (e > b && (e[-1] == ' ' || e[-1] == '\t')) e--;
  char text[97];
  memcpy(text, b, (size_t)(e - b));
  text[e - b] = '\0';
  char *end;
  double ref = strtod(text, &end);
  if (*end || (!(isnan(v) && isnan(ref)) && memcmp(&v, &ref, sizeof v) != 0)) {
    fprintf(stderr, "fuzz_csv: csv_parse_double('%s') = %a, strtod = %a\n", text, v, ref);
    abort();
  }
  if (!isfinite(v)) return;
  char buf[32];
  size_t len = csv_format_double(v, buf);
  if (csv_parse_double(buf, len, &w) != 0 || memcmp(&v, &w, sizeof v) != 0) {
    fprintf(stderr, "fuzz_csv: %a printed as '%s' does not read back\n", v, buf);
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  Fixture *f = fixture();
  run_eval(f, data[0], data + 1, size - 1);
  const char *s = (const char *)data + 1;
  size_t n = size - 1, start = 0;
  for (size_t i = 0; i <= n; i++)
    if (i == n || s[i] == ',' || s[i] == '\n' || s[i] == '\r') {
      check_number(s + start, i - start);
      start = i + 1;
    }
  return 0;
}
