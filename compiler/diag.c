/* diag.c - the one place that renders diagnostics: text with carets, JSON, SARIF. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

Diag *diag_new(Arena *a, Sources *src) {
  Diag *d = arena_alloc(a, sizeof *d);
  d->arena = a;
  d->src = src;
  return d;
}

bool diag_capped(const Diag *d) { return d->capped; }

int diag_error_count(const Diag *d) { return d->errors + (d->werror ? d->warnings : 0); }

/* Record one diagnostic unless the error cap is reached. */
static Diagnostic *diag_add(Diag *d, Severity sev, Span span, const char *code,
                            const char *option, const char *fmt, va_list ap) {
  if (d->capped) return NULL;
  Diagnostic *g = arena_alloc(d->arena, sizeof *g);
  g->sev = sev;
  g->code = code;
  g->option = option;
  g->span = span;
  g->msg = arena_vprintf(d->arena, fmt, ap);
  g->seq = (size_t)d->list.len;
  vec_push(d->arena, &d->list, g);
  if (sev == SEV_ERROR) d->errors++;
  else if (sev == SEV_WARNING) d->warnings++;
  if (d->max_errors > 0 && diag_error_count(d) >= d->max_errors) d->capped = true;
  return g;
}

Diagnostic *diag_error(Diag *d, Span span, const char *code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  Diagnostic *g = diag_add(d, SEV_ERROR, span, code, NULL, fmt, ap);
  va_end(ap);
  return g;
}

Diagnostic *diag_warning(Diag *d, Span span, const char *code, const char *option,
                         const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  Diagnostic *g = diag_add(d, SEV_WARNING, span, code, option, fmt, ap);
  va_end(ap);
  return g;
}

void diag_note(Diag *d, Diagnostic *on, Span span, const char *fmt, ...) {
  if (!on) return;
  DiagNote *n = arena_alloc(d->arena, sizeof *n);
  va_list ap;
  va_start(ap, fmt);
  n->msg = arena_vprintf(d->arena, fmt, ap);
  va_end(ap);
  n->span = span;
  if (on->last_note) on->last_note->next = n; else on->notes = n;
  on->last_note = n;
}

/* Order: by file, then position, then emission order. */
static int diag_cmp(const void *pa, const void *pb) {
  const Diagnostic *a = *(Diagnostic *const *)pa, *b = *(Diagnostic *const *)pb;
  if (a->span.file != b->span.file) return a->span.file < b->span.file ? -1 : 1;
  if (a->span.start != b->span.start) return a->span.start < b->span.start ? -1 : 1;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* ------------------------------------------------------------------------ */
/* Text                                                                      */
/* ------------------------------------------------------------------------ */

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_MAGENTA "\033[1;35m"
#define C_CYAN "\033[1;36m"
#define C_GREEN "\033[1;32m"

static const char *sev_name(Severity s) {
  return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "note";
}

static const char *sev_color(Severity s) {
  return s == SEV_ERROR ? C_RED : s == SEV_WARNING ? C_MAGENTA : C_CYAN;
}

/* The source line of span and a ^~~~ underline of the whole span (first line only). */
static void render_excerpt(Diag *d, FILE *out, Span span, bool color) {
  size_t len;
  uint32_t line_start;
  const char *line = src_line_text(d->src, span.file, span.start, &len, &line_start);
  fprintf(out, "  %.*s\n  ", (int)len, line);
  uint32_t start = span.start - line_start;
  uint32_t end = span.end > span.start ? span.end - line_start : start + 1;
  if (end > len) end = start < len ? (uint32_t)len : start + 1;
  for (uint32_t i = 0; i < start; i++) {
    unsigned char c = (unsigned char)line[i];
    if ((c & 0xC0) == 0x80) continue;
    fputc(c == '\t' ? '\t' : ' ', out);
  }
  if (color) fputs(C_GREEN, out);
  fputc('^', out);
  for (uint32_t i = start + 1; i < end; i++)
    if (i >= len || ((unsigned char)line[i] & 0xC0) != 0x80) fputc('~', out);
  if (color) fputs(C_RESET, out);
  fputc('\n', out);
}

/* "file:line:col: " or the tool name for diagnostics without a location. */
static void render_location(Diag *d, FILE *out, Span span, bool color) {
  if (color) fputs(C_BOLD, out);
  if (span.file == NO_FILE) {
    fputs("missionc: ", out);
  } else {
    int line, col;
    src_linecol(d->src, span.file, span.start, &line, &col);
    fprintf(out, "%s:%d:%d: ", src_file(d->src, span.file)->path, line, col);
  }
  if (color) fputs(C_RESET, out);
}

static void render_text_one(Diag *d, FILE *out, const Diagnostic *g, bool color) {
  Severity sev = g->sev == SEV_WARNING && d->werror ? SEV_ERROR : g->sev;
  render_location(d, out, g->span, color);
  if (color) fputs(sev_color(sev), out);
  fprintf(out, "%s[%s]", sev_name(sev), g->code);
  if (color) fputs(C_RESET C_BOLD, out);
  fprintf(out, ": %s", g->msg);
  if (g->option) fprintf(out, " [-W%s]", g->option);
  if (color) fputs(C_RESET, out);
  fputc('\n', out);
  if (g->span.file != NO_FILE) render_excerpt(d, out, g->span, color);
  for (const DiagNote *n = g->notes; n; n = n->next) {
    if (n->span.file != NO_FILE) render_location(d, out, n->span, color);
    if (color) fputs(C_CYAN, out);
    fputs("note", out);
    if (color) fputs(C_RESET, out);
    fprintf(out, ": %s\n", n->msg);
    if (n->span.file != NO_FILE) render_excerpt(d, out, n->span, color);
  }
}

static void render_text(Diag *d, FILE *out, Diagnostic **sorted, int n, bool color) {
  for (int i = 0; i < n; i++) render_text_one(d, out, sorted[i], color);
  if (d->capped)
    fprintf(out, "missionc: too many errors (%d); stopping (use --max-errors to change the limit)\n",
            d->max_errors);
  int errors = diag_error_count(d), warnings = d->werror ? 0 : d->warnings;
  if (errors || warnings) {
    fprintf(out, "%d error%s", errors, errors == 1 ? "" : "s");
    if (warnings) fprintf(out, ", %d warning%s", warnings, warnings == 1 ? "" : "s");
    fputs(" generated.\n", out);
  }
}

/* ------------------------------------------------------------------------ */
/* JSON and SARIF                                                            */
/* ------------------------------------------------------------------------ */

/* Write s as a JSON string literal (UTF-8 kept, control characters escaped). */
void diag_json_string(FILE *out, const char *s);
void diag_json_string(FILE *out, const char *s) {
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"': fputs("\\\"", out); break;
    case '\\': fputs("\\\\", out); break;
    case '\n': fputs("\\n", out); break;
    case '\r': fputs("\\r", out); break;
    case '\t': fputs("\\t", out); break;
    default:
      if (*p < 0x20) fprintf(out, "\\u%04x", *p);
      else fputc(*p, out);
    }
  }
  fputc('"', out);
}

/* {"file":..,"line":..,"column":..,"endLine":..,"endColumn":..} or null. */
static void json_location(Diag *d, FILE *out, Span span) {
  if (span.file == NO_FILE) {
    fputs("null", out);
    return;
  }
  int l1, c1, l2, c2;
  src_linecol(d->src, span.file, span.start, &l1, &c1);
  src_linecol(d->src, span.file, span.end, &l2, &c2);
  fputs("{\"file\":", out);
  diag_json_string(out, src_file(d->src, span.file)->path);
  fprintf(out, ",\"line\":%d,\"column\":%d,\"endLine\":%d,\"endColumn\":%d,"
               "\"startByte\":%u,\"endByte\":%u}",
          l1, c1, l2, c2, span.start, span.end);
}

static void render_json(Diag *d, FILE *out, Diagnostic **sorted, int n) {
  fputs("{\"diagnostics\":[", out);
  for (int i = 0; i < n; i++) {
    const Diagnostic *g = sorted[i];
    Severity sev = g->sev == SEV_WARNING && d->werror ? SEV_ERROR : g->sev;
    fprintf(out, "%s\n{\"severity\":\"%s\",\"code\":\"%s\",", i ? "," : "", sev_name(sev), g->code);
    fputs("\"option\":", out);
    if (g->option) diag_json_string(out, g->option); else fputs("null", out);
    fputs(",\"message\":", out);
    diag_json_string(out, g->msg);
    fputs(",\"location\":", out);
    json_location(d, out, g->span);
    fputs(",\"notes\":[", out);
    for (const DiagNote *nt = g->notes; nt; nt = nt->next) {
      fprintf(out, "%s{\"message\":", nt == g->notes ? "" : ",");
      diag_json_string(out, nt->msg);
      fputs(",\"location\":", out);
      json_location(d, out, nt->span);
      fputc('}', out);
    }
    fputs("]}", out);
  }
  fprintf(out, "\n],\"errors\":%d,\"warnings\":%d}\n", diag_error_count(d),
          d->werror ? 0 : d->warnings);
}

/* A SARIF physicalLocation for span. */
static void sarif_location(Diag *d, FILE *out, Span span) {
  int l1, c1, l2, c2;
  src_linecol(d->src, span.file, span.start, &l1, &c1);
  src_linecol(d->src, span.file, span.end, &l2, &c2);
  fputs("{\"physicalLocation\":{\"artifactLocation\":{\"uri\":", out);
  diag_json_string(out, src_file(d->src, span.file)->path);
  fprintf(out, "},\"region\":{\"startLine\":%d,\"startColumn\":%d,\"endLine\":%d,\"endColumn\":%d}}}",
          l1, c1, l2, c2 > c1 || l2 > l1 ? c2 : c1 + 1);
}

static void render_sarif(Diag *d, FILE *out, Diagnostic **sorted, int n, const char *version) {
  fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
        "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"missionc\",\"version\":", out);
  diag_json_string(out, version ? version : "0");
  fputs(",\"informationUri\":\"https://example.invalid/missionc\",\"rules\":[", out);
  /* one rule per distinct code, in order of first appearance */
  PtrVec codes = {0};
  for (int i = 0; i < n; i++) {
    bool seen = false;
    for (int j = 0; j < codes.len && !seen; j++) seen = strcmp(codes.items[j], sorted[i]->code) == 0;
    if (!seen) {
      vec_push(d->arena, &codes, (void *)sorted[i]->code);
      fprintf(out, "%s{\"id\":\"%s\"", codes.len > 1 ? "," : "", sorted[i]->code);
      if (sorted[i]->option) {
        fputs(",\"name\":", out);
        diag_json_string(out, sorted[i]->option);
      }
      fputc('}', out);
    }
  }
  fputs("]}},\"results\":[", out);
  for (int i = 0; i < n; i++) {
    const Diagnostic *g = sorted[i];
    Severity sev = g->sev == SEV_WARNING && d->werror ? SEV_ERROR : g->sev;
    int rule = 0;
    while (strcmp(codes.items[rule], g->code) != 0) rule++;
    fprintf(out, "%s\n{\"ruleId\":\"%s\",\"ruleIndex\":%d,\"level\":\"%s\",\"message\":{\"text\":",
            i ? "," : "", g->code, rule, sev == SEV_ERROR ? "error" : sev == SEV_WARNING ? "warning" : "note");
    diag_json_string(out, g->msg);
    fputc('}', out);
    if (g->span.file != NO_FILE) {
      fputs(",\"locations\":[", out);
      sarif_location(d, out, g->span);
      fputc(']', out);
    }
    bool any = false;
    for (const DiagNote *nt = g->notes; nt; nt = nt->next) {
      if (nt->span.file == NO_FILE) continue;
      fputs(any ? "," : ",\"relatedLocations\":[", out);
      any = true;
      /* a relatedLocation is a location with a message */
      int l1, c1, l2, c2;
      src_linecol(d->src, nt->span.file, nt->span.start, &l1, &c1);
      src_linecol(d->src, nt->span.file, nt->span.end, &l2, &c2);
      fputs("{\"physicalLocation\":{\"artifactLocation\":{\"uri\":", out);
      diag_json_string(out, src_file(d->src, nt->span.file)->path);
      fprintf(out, "},\"region\":{\"startLine\":%d,\"startColumn\":%d,\"endLine\":%d,\"endColumn\":%d}},"
                   "\"message\":{\"text\":",
              l1, c1, l2, c2 > c1 || l2 > l1 ? c2 : c1 + 1);
      diag_json_string(out, nt->msg);
      fputs("}}", out);
    }
    if (any) fputc(']', out);
    fputc('}', out);
  }
  fputs("\n]}]}\n", out);
}

void diag_render(Diag *d, FILE *out, const DiagRenderOptions *opt) {
  int n = d->list.len;
  Diagnostic **sorted = arena_alloc(d->arena, (size_t)(n ? n : 1) * sizeof *sorted);
  for (int i = 0; i < n; i++) sorted[i] = d->list.items[i];
  qsort(sorted, (size_t)n, sizeof *sorted, diag_cmp);
  switch (opt->format) {
  case DIAG_TEXT: render_text(d, out, sorted, n, opt->color); break;
  case DIAG_JSON: render_json(d, out, sorted, n); break;
  case DIAG_SARIF: render_sarif(d, out, sorted, n, opt->tool_version); break;
  }
  fflush(out);
}
