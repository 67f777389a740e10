/* manifest.c - NAME.so.json: what a built library holds, for the programs that load it.
 *
 * The JSON is printed field by field in a fixed order, two-space indented, numbers
 * with %.17g (they read back to the same double), so the same build gives the same
 * bytes. Paths other than the source's are base names: the manifest sits next to
 * the library and the header.
 */
#include "manifest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "sha256.h"
#include "util.h"

#ifndef MISSIONC_VERSION
#define MISSIONC_VERSION "0.0.0"
#endif
#ifndef MISSIONC_LLVM_VERSION
#define MISSIONC_LLVM_VERSION "?"
#endif

/* The last component of a path. */
static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* A JSON string, or null. */
static void string_or_null(FILE *out, const char *s) {
  if (s) diag_json_string(out, s);
  else fputs("null", out);
}

/* "kind": "number", "unit": "MEUR", "scale": 1000000 - what a column or result holds. */
static void value_fields(FILE *out, ValKind kind, const Unit *unit, double scale) {
  fprintf(out, "\"kind\": \"%s\", \"unit\": ", val_kind_names[kind]);
  string_or_null(out, kind == VAL_NUM && unit ? unit->name : NULL);
  if (kind == VAL_NUM) fprintf(out, ", \"scale\": %.17g", scale);
}

/* One input column: {"name": ..., "kind": ..., "unit": ..., "scale": ...}. */
static void input_object(FILE *out, const RuleInput *in) {
  fputs("{\"name\": ", out);
  diag_json_string(out, in->name);
  fputs(", ", out);
  value_fields(out, in->kind, in->unit, in->scale);
  fputc('}', out);
}

/* A list of input columns, one per line at the given indent. */
static void input_list(FILE *out, const RuleInput *const *ins, int n, const char *indent) {
  if (n == 0) {
    fputs("[]", out);
    return;
  }
  fputs("[\n", out);
  for (int k = 0; k < n; k++) {
    fprintf(out, "%s  ", indent);
    input_object(out, ins[k]);
    fputs(k + 1 < n ? ",\n" : "\n", out);
  }
  fprintf(out, "%s]", indent);
}

/* One rule: what it is, reads and returns, and its symbols. */
static void rule_object(FILE *out, const RuleSig *sig, const CgOptions *o) {
  const Sym *rule = sig->rule;
  char sym[1024];
  fputs("    {\n      \"name\": ", out);
  diag_json_string(out, rule->name);
  fprintf(out, ",\n      \"kind\": \"%s\",\n      \"title\": ", decl_kind_names[rule->kind]);
  string_or_null(out, sym_title_text(rule));
  fputs(",\n      \"on\": ", out);
  string_or_null(out, rule->rule.on ? rule->rule.on->name : NULL);
  fputs(",\n      \"result\": {", out);
  value_fields(out, sig->result, sig->result_unit, sig->result_scale);
  fputs("},\n      \"inputs\": ", out);
  const RuleInput **ins = xmalloc(sizeof *ins * ((size_t)sig->ninputs + 1));
  for (int k = 0; k < sig->ninputs; k++) ins[k] = &sig->inputs[k];
  input_list(out, ins, sig->ninputs, "      ");
  free(ins);
  fputs(",\n      \"symbols\": {\"row\": ", out);
  diag_json_string(out, cg_symbol_name(o, rule, "", sym, sizeof sym));
  fputs(", \"batch\": ", out);
  diag_json_string(out, cg_symbol_name(o, rule, "batch", sym, sizeof sym));
  fputs(", \"inputs\": ", out);
  diag_json_string(out, cg_symbol_name(o, rule, "inputs", sym, sizeof sym));
  fputs("}\n    }", out);
}

/* The fused function: its symbols, columns and outputs (null without one). */
static void fused_object(FILE *out, const ManifestInfo *mi) {
  const CgOptions *o = mi->o;
  if (!o->fused || mi->n == 0) {
    fputs("null", out);
    return;
  }
  char sym[1024];
  fputs("{\n    \"symbols\": {\"batch\": ", out);
  diag_json_string(out, cg_fused_name(o, "batch", sym, sizeof sym));
  fputs(", \"inputs\": ", out);
  diag_json_string(out, cg_fused_name(o, "inputs", sym, sizeof sym));
  fputs(", \"outputs\": ", out);
  diag_json_string(out, cg_fused_name(o, "outputs", sym, sizeof sym));
  fputs("},\n    \"inputs\": ", out);
  input_list(out, o->fused->cols, o->fused->ncols, "    ");
  fputs(",\n    \"outputs\": [", out);
  for (int r = 0; r < mi->n; r++) {
    if (r) fputs(", ", out);
    diag_json_string(out, mi->sigs[r]->rule->name);
  }
  fputs("]\n  }", out);
}

void manifest_write(FILE *out, const ManifestInfo *mi) {
  Sha256 c;
  uint8_t digest[32];
  char hex[65];
  sha256_init(&c);
  sha256_update(&c, mi->source_text, mi->source_len);
  sha256_final(&c, digest);
  sha256_hex(digest, hex);
  fprintf(out, "{\n  \"format\": \"missionc-build-manifest\",\n  \"format_version\": %d,\n",
          MANIFEST_FORMAT);
  fputs("  \"missionc_version\": ", out);
  diag_json_string(out, MISSIONC_VERSION);
  fputs(",\n  \"llvm_version\": ", out);
  diag_json_string(out, MISSIONC_LLVM_VERSION);
  fputs(",\n  \"source\": {\"file\": ", out);
  diag_json_string(out, mi->source_path);
  fprintf(out, ", \"sha256\": \"%s\"},\n  \"library\": {\"file\": ", hex);
  diag_json_string(out, base_name(mi->library_path));
  fprintf(out, ", \"kind\": \"%s\", \"sha256\": ", mi->library_kind);
  string_or_null(out, mi->library_sha256);
  fputs("},\n  \"header\": ", out);
  string_or_null(out, mi->header_path ? base_name(mi->header_path) : NULL);
  fputs(",\n  \"cpu\": ", out);
  string_or_null(out, mi->cpu);
  fputs(",\n  \"opt\": ", out);
  string_or_null(out, mi->opt);
  fprintf(out, ",\n  \"vmath\": \"%s\"", cg_vmath_name(mi->o->vmath));   /* exp, log, pow */
  fputs(",\n  \"prefix\": ", out);
  diag_json_string(out, mi->o->prefix);
  fputs(",\n  \"rules\": [\n", out);
  for (int r = 0; r < mi->n; r++) {
    rule_object(out, mi->sigs[r], mi->o);
    fputs(r + 1 < mi->n ? ",\n" : "\n", out);
  }
  fputs("  ],\n  \"all\": ", out);
  fused_object(out, mi);
  fputs("\n}\n", out);
}

int manifest_file_sha256(const char *path, char hex[65]) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  Sha256 c;
  sha256_init(&c);
  char buf[65536];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, f)) > 0) sha256_update(&c, buf, got);
  int bad = ferror(f);
  int saved = errno;
  fclose(f);
  if (bad) {
    errno = saved ? saved : EIO;
    return -1;
  }
  uint8_t digest[32];
  sha256_final(&c, digest);
  sha256_hex(digest, hex);
  return 0;
}
