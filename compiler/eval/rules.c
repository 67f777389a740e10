/* rules.c - choosing the rules a command works on, and their values as CSV text.
 *
 * Shared by eval, build and test (missionc-native) and explain (missionc): none of
 * it needs LLVM.
 */
#include "rules.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "util.h"

/* Cell text for a message: at most 40 bytes, control characters shown as '?'. */
static void cell_excerpt(const char *s, size_t n, char *buf, size_t size) {
  size_t k = 0;
  for (size_t i = 0; i < n && k + 4 < size && i < 40; i++)
    buf[k++] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
  if (n > 40 && k + 4 < size) {
    memcpy(buf + k, "...", 3);
    k += 3;
  }
  buf[k] = '\0';
}

bool eval_cell_message(ValKind kind, const char *column, const char *s, size_t n, char *msg, size_t size) {
  bool blank = true;
  for (size_t i = 0; i < n && blank; i++) blank = s[i] == ' ' || s[i] == '\t';
  char text[64];
  cell_excerpt(s, n, text, sizeof text);
  if (blank)
    snprintf(msg, size, "empty cell in column '%s'", column);
  else if (kind == VAL_NUM)
    snprintf(msg, size, "bad number '%s' in column '%s'", text, column);
  else if (kind == VAL_BOOL)
    snprintf(msg, size, "bad boolean '%s' in column '%s' (expected true, false, 1 or 0)", text,
             column);
  else
    snprintf(msg, size, "bad date '%s' in column '%s' (expected YYYY-MM-DD)", text, column);
  return blank;
}

bool eval_parse_cell(ValKind kind, const char *column, const char *s, size_t n, bool padded, double *v,
                     char *msg, size_t size, bool *empty) {
  int rc;
  if (kind == VAL_NUM) {
    rc = padded ? csv_parse_double_padded(s, n, v) : csv_parse_double(s, n, v);
  } else if (kind == VAL_BOOL) {
    int b = 0;
    rc = csv_parse_bool(s, n, &b);
    *v = b;
  } else {
    int32_t d = 0;
    rc = csv_parse_date(s, n, &d);
    *v = d;
  }
  if (rc == 0) return true;
  *empty = eval_cell_message(kind, column, s, n, msg, size);
  return false;
}

size_t eval_format_value(ValKind kind, double v, char *buf) {
  if (kind == VAL_BOOL && !isnan(v)) {
    buf[0] = v != 0.0 ? '1' : '0';
    buf[1] = '\0';
    return 1;
  }
  if (kind == VAL_BOOL && isnan(v)) return csv_format_double(v, buf);   /* not available */
  /* Dates are whole days; a fraction of a day is dropped (floor). Days outside the
   * years 0000-9999 print as numbers. */
  if (kind == VAL_DATE && isfinite(v)) {
    double d = floor(v);
    if (d >= CSV_DAY_MIN && d <= CSV_DAY_MAX) return csv_format_date((int32_t)d, buf);
  }
  return csv_format_double(v, buf);
}

/* ------------------------------------------------------------------------
 * Choosing the rules
 * ------------------------------------------------------------------------ */

bool rules_is_rule(const Sym *s) { return s->kind == DK_SCORE || s->kind == DK_CONDITION; }

/* "the indicators" or "record R": what a rule reads, for messages. */
static const char *input_text(Arena *a, const Sym *rule) {
  return rule->rule.on ? arena_printf(a, "record '%s'", rule->rule.on->name) : "the indicators";
}

const char *rules_suggest(const Model *m, const char *name) {
  const char *best = NULL;
  int best_d = 3;
  for (int i = 0; i < m->syms.len; i++) {
    const Sym *s = m->syms.items[i];
    if (!rules_is_rule(s)) continue;
    int d = edit_distance(name, s->name, best_d - 1);
    if (d < best_d) best = s->name, best_d = d;
  }
  return best;
}

/* The rules named in a comma-separated list; *status is set after printing a problem. */
static PtrVec rules_by_name(Model *m, const char *names, int *status, char **err) {
  Arena *a = m->c->arena;
  PtrVec out = {0};
  for (const char *p = names; *status == 0;) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    const char *name = intern(m->c->names, p, len);
    Sym *s = len ? model_lookup(m, name) : NULL;
    if (!len) {
      error_printf(err, "--rules: empty rule name in '%s'", names);
      *status = MS_FAILED;
    } else if (!s || !rules_is_rule(s)) {
      const char *hint = rules_suggest(m, name);
      error_printf(err, "--rules: '%s' is not a score or condition%s%s", name,
                   !s ? "" : arena_printf(a, " (it is a %s)", decl_kind_names[s->kind]),
                   hint ? arena_printf(a, "; did you mean '%s'?", hint) : "");
      *status = MS_FAILED;
    } else {
      for (int i = 0; i < out.len; i++)
        if (out.items[i] == s) {
          error_printf(err, "--rules: '%s' is named twice", name);
          *status = MS_FAILED;
        }
      vec_push(a, &out, s);
    }
    if (!end) break;
    p = end + 1;
  }
  return out;
}

int eval_select_rules(Model *m, const char *names, const char *on, bool any_input,
                      const RuleSig ***sigs, int *n, char **err) {
  Arena *a = m->c->arena;
  int status = 0;
  PtrVec rules = {0};
  const Sym *rec = NULL;
  if (on) {
    rec = model_lookup(m, intern_cstr(m->c->names, on));
    if (!rec || rec->kind != DK_RECORD) {
      error_printf(err, "--on: '%s' is not a record%s", on,
                   rec ? arena_printf(a, " (it is a %s)", decl_kind_names[rec->kind]) : "");
      return MS_FAILED;
    }
  }
  if (names) {
    rules = rules_by_name(m, names, &status, err);
    if (status) return status;
  } else {
    for (int i = 0; i < m->syms.len; i++) {
      Sym *s = m->syms.items[i];
      if (rules_is_rule(s) && (rec ? s->rule.on == rec : any_input || !s->rule.on)) vec_push(a, &rules, s);
    }
  }
  if (rules.len == 0) {
    error_printf(err, "no %s to evaluate%s",
                 rec ? "rules on that record"
                     : any_input ? "scores or conditions" : "scores or conditions over the indicators",
                 rec || any_input ? "" : " (use --on RECORD for rules on a record)");
    return MS_INPUT;
  }
  const RuleSig **out = arena_alloc(a, sizeof *out * (size_t)rules.len);
  for (int i = 0; i < rules.len; i++) {
    const Sym *s = rules.items[i];
    const Sym *first = rules.items[0];
    if (!any_input && s->rule.on != first->rule.on) {
      error_printf(err, "rules '%s' and '%s' read different inputs (%s, %s): evaluate them separately",
                   first->name, s->name, input_text(a, first), input_text(a, s));
      return MS_FAILED;
    }
    RuleSig *sig = arena_alloc(a, sizeof *sig);
    const char *why;
    if (!rule_sig(a, s, sig, &why)) {
      error_printf(err, "%s '%s' cannot be evaluated: it %s", decl_kind_names[s->kind], s->name, why);
      return MS_INPUT;
    }
    out[i] = sig;
  }
  *sigs = out;
  *n = rules.len;
  return 0;
}
