/* diag.c - the one place that renders diagnostics: text with carets, JSON, SARIF. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

Diag *diag_new(Arena *a, Sources *src) {
  Diag *d = arena_alloc(a, sizeof *d);
  d->arena = a;
  d->src = src;
  return d;
}

bool diag_capped(const Diag *d) { return d->capped; }

void diag_clear(Diag *d) {
  d->list.len = 0;
  d->allowed.len = 0;
  d->errors = d->warnings = 0;
  d->capped = false;
}

int diag_error_count(const Diag *d) { return d->errors + (d->werror ? d->warnings : 0); }

/* Messages quote the input (a cell, a name): at most this many bytes of a message are
 * kept, cut at a character boundary, with "..." after the cut. */
#define DIAG_MAX_MESSAGE 1000

/* The message, cut to DIAG_MAX_MESSAGE bytes (in the arena). */
static char *cap_message(Arena *a, char *msg) {
  size_t n = strlen(msg);
  if (n <= DIAG_MAX_MESSAGE) return msg;
  size_t cut = DIAG_MAX_MESSAGE;
  while (cut > 0 && ((unsigned char)msg[cut] & 0xC0) == 0x80) cut--;
  return arena_printf(a, "%.*s... (%zu more bytes)", (int)cut, msg, n - cut);
}

/* Record one diagnostic unless the error cap is reached. */
static Diagnostic *diag_add(Diag *d, Severity sev, Span span, DiagCode code,
                            const char *option, const char *fmt, va_list ap) {
  if (d->capped) return NULL;
  Diagnostic *g = arena_alloc(d->arena, sizeof *g);
  g->sev = sev;
  g->code = code;
  g->option = option;
  g->span = span;
  g->msg = cap_message(d->arena, arena_vprintf(d->arena, fmt, ap));
  g->seq = (size_t)d->list.len;
  vec_push(d->arena, &d->list, g);
  if (sev == SEV_ERROR) d->errors++;
  else if (sev == SEV_WARNING) d->warnings++;
  if (d->max_errors > 0 && diag_error_count(d) >= d->max_errors) d->capped = true;
  return g;
}

Diagnostic *diag_error(Diag *d, Span span, DiagCode code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  Diagnostic *g = diag_add(d, SEV_ERROR, span, code, NULL, fmt, ap);
  va_end(ap);
  return g;
}

Diagnostic *diag_warning(Diag *d, Span span, DiagCode code, const char *option,
                         const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  Diagnostic *g = diag_add(d, SEV_WARNING, span, code, option, fmt, ap);
  va_end(ap);
  return g;
}

/* Past DIAG_MAX_LOCATED_NOTES notes with a location under one diagnostic, the rest are
 * counted, not formatted, and one note "and N more" stands for them where the first
 * would have been; notes without a location (hints) are always kept. */
void diag_note(Diag *d, Diagnostic *on, Span span, const char *fmt, ...) {
  if (!on) return;
  if (span.file != NO_FILE && on->located_notes++ >= DIAG_MAX_LOCATED_NOTES) {
    int more = on->located_notes - DIAG_MAX_LOCATED_NOTES;
    if (!on->more_note) {
      on->more_note = arena_alloc(d->arena, sizeof *on->more_note);
      on->more_note->span = NO_SPAN;
      on->more_note->msg = on->more_text = arena_alloc(d->arena, 48);
      if (on->last_note) on->last_note->next = on->more_note; else on->notes = on->more_note;
      on->last_note = on->more_note;
    }
    snprintf(on->more_text, 48, "and %d more like %s", more, more == 1 ? "it" : "them");
    return;
  }
  DiagNote *n = arena_alloc(d->arena, sizeof *n);
  va_list ap;
  va_start(ap, fmt);
  n->msg = cap_message(d->arena, arena_vprintf(d->arena, fmt, ap));
  va_end(ap);
  n->span = span;
  if (on->last_note) on->last_note->next = n; else on->notes = n;
  on->last_note = n;
}

void diag_fix(Diag *d, Diagnostic *on, Span span, const char *text, const char *title) {
  if (!on || span.file == NO_FILE) return;
  DiagFix *f = arena_alloc(d->arena, sizeof *f);
  f->span = span;
  f->text = arena_strdup(d->arena, text);
  f->title = arena_strdup(d->arena, title);
  DiagFix **tail = &on->fixes;
  while (*tail) tail = &(*tail)->next;
  *tail = f;
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

/* Source lines are quoted whole up to this many bytes; a longer line is shown as a
 * window of this size around the start of the span, with "..." where it is cut. */
#define DIAG_MAX_EXCERPT 240

/* Print text for a terminal: control characters and invalid UTF-8 as '?'. */
static void put_terminal_text(Diag *d, FILE *out, const char *s, size_t n) {
  char *buf = arena_alloc(d->arena, n + 1);
  fputs(util_terminal_text(buf, s, n, false), out);
}

/* The first byte of the character that holds byte i of line. */
static size_t char_start(const char *line, size_t i) {
  while (i > 0 && ((unsigned char)line[i] & 0xC0) == 0x80) i--;
  return i;
}

/* The source line of span and a ^~~~ underline of the whole span (first line only);
 * a long line is cut to a window around the span, and what a terminal would take as
 * a command (ESC, BEL ...) is printed as '?'. */
static void render_excerpt(Diag *d, FILE *out, Span span, bool color) {
  size_t full;
  uint32_t line_start;
  const char *raw = src_line_text(d->src, span.file, span.start, &full, &line_start);
  size_t start = span.start - line_start;
  size_t end = span.end > span.start ? span.end - line_start : start + 1;
  size_t from = 0, to = full;
  if (full > DIAG_MAX_EXCERPT) {
    from = char_start(raw, start > DIAG_MAX_EXCERPT / 3 ? start - DIAG_MAX_EXCERPT / 3 : 0);
    to = from + DIAG_MAX_EXCERPT < full ? char_start(raw, from + DIAG_MAX_EXCERPT) : full;
  }
  size_t len = to - from;
  char *line = util_terminal_text(arena_alloc(d->arena, len + 1), raw + from, len, false);
  start -= from;
  end = end > from ? end - from : start + 1;
  if (end > len) end = start < len ? len : start + 1;
  const char *lead = from > 0 ? "..." : "";
  fprintf(out, "  %s%s%s\n  %s", lead, line, to < full ? "..." : "", from > 0 ? "   " : "");
  for (size_t i = 0; i < start; i++) {
    unsigned char c = (unsigned char)line[i];
    if ((c & 0xC0) == 0x80) continue;
    fputc(c == '\t' ? '\t' : ' ', out);
  }
  if (color) fputs(C_GREEN, out);
  fputc('^', out);
  for (size_t i = start + 1; i < end; i++)
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
    const char *path = src_file(d->src, span.file)->path;
    put_terminal_text(d, out, path, strlen(path));
    fprintf(out, ":%d:%d: ", line, col);
  }
  if (color) fputs(C_RESET, out);
}

/* Whether the source line of span is known (a hidden excerpt of a data file gives
 * the location only). */
static bool shows_line(Diag *d, Span span) {
  if (span.file == NO_FILE) return false;
  const SourceFile *f = src_file(d->src, span.file);
  return !f->hidden && !f->changed;   /* a file changed on disk since it was read: no line to show */
}

static void render_text_one(Diag *d, FILE *out, const Diagnostic *g, bool color) {
  Severity sev = g->sev == SEV_WARNING && d->werror && !g->allowed ? SEV_ERROR : g->sev;
  render_location(d, out, g->span, color);
  if (color) fputs(sev_color(sev), out);
  fprintf(out, "%s[%s]", sev_name(sev), diag_code_text(g->code));
  if (color) fputs(C_RESET C_BOLD, out);
  fputs(": ", out);
  put_terminal_text(d, out, g->msg, strlen(g->msg));
  if (g->option) fprintf(out, " [-W%s]", g->option);
  if (color) fputs(C_RESET, out);
  fputc('\n', out);
  if (shows_line(d, g->span)) render_excerpt(d, out, g->span, color);
  for (const DiagNote *n = g->notes; n; n = n->next) {
    if (n->span.file != NO_FILE) render_location(d, out, n->span, color);
    if (color) fputs(C_CYAN, out);
    fputs("note", out);
    if (color) fputs(C_RESET, out);
    fputs(": ", out);
    put_terminal_text(d, out, n->msg, strlen(n->msg));
    fputc('\n', out);
    if (shows_line(d, n->span)) render_excerpt(d, out, n->span, color);
  }
  if (g->allowed) {
    if (color) fputs(C_CYAN, out);
    fputs("note", out);
    if (color) fputs(C_RESET, out);
    fprintf(out, ": allowed: \"%s\"\n", g->allowed);
  }
}

static void render_text(Diag *d, FILE *out, Diagnostic **sorted, int n, bool color) {
  for (int i = 0; i < n; i++) render_text_one(d, out, sorted[i], color);
  if (d->capped)
    fprintf(out, "missionc: too many errors (%d); stopping (use --max-errors to change the limit)\n",
            d->max_errors);
  int errors = diag_error_count(d), warnings = d->werror ? 0 : d->warnings;
  if (errors && warnings)
    fprintf(out, "%d error%s and %d warning%s generated.\n", errors, errors == 1 ? "" : "s", warnings,
            warnings == 1 ? "" : "s");
  else if (errors)
    fprintf(out, "%d error%s generated.\n", errors, errors == 1 ? "" : "s");
  else if (warnings)
    fprintf(out, "%d warning%s generated.\n", warnings, warnings == 1 ? "" : "s");
  if (d->show_allowed && d->allowed.len)
    fprintf(out, "%d warning%s allowed.\n", d->allowed.len, d->allowed.len == 1 ? "" : "s");
}

/* ------------------------------------------------------------------------ */
/* JSON and SARIF                                                            */
/* ------------------------------------------------------------------------ */

void diag_json_string(FILE *out, const char *s) { diag_json_string_n(out, s, strlen(s)); }

void diag_json_string_n(FILE *out, const char *s, size_t n) {
  fputc('"', out);
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    switch (ch) {
    case '"': fputs("\\\"", out); break;
    case '\\': fputs("\\\\", out); break;
    case '\n': fputs("\\n", out); break;
    case '\r': fputs("\\r", out); break;
    case '\t': fputs("\\t", out); break;
    default:
      if (ch < 0x20 || ch == 0x7f) {
        fprintf(out, "\\u%04x", ch);
      } else if (ch >= 0x80) {   /* valid UTF-8 as it is; each invalid byte is U+FFFD */
        size_t k = utf8_sequence(s + i, n - i);
        if (k == 0) {
          fputs("\\ufffd", out);
        } else {
          fwrite(s + i, 1, k, out);
          i += k - 1;
        }
      } else {
        fputc(ch, out);
      }
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
  fprintf(out, ",\"line\":%d,\"column\":%d,\"endLine\":%d,\"endColumn\":%d,", l1, c1, l2, c2);
  if (src_file(d->src, span.file)->excerpt)   /* a streamed data file: byte offsets not kept */
    fputs("\"startByte\":null,\"endByte\":null}", out);
  else
    fprintf(out, "\"startByte\":%u,\"endByte\":%u}", span.start, span.end);
}

/* The severity a diagnostic is shown with (-Werror makes warnings errors). */
static Severity shown_sev(const Diag *d, const Diagnostic *g) {
  return g->sev == SEV_WARNING && d->werror && !g->allowed ? SEV_ERROR : g->sev;
}

/* One JSON document: the tool, every diagnostic with its notes, the counts. */
static void render_json(Diag *d, FILE *out, Diagnostic **sorted, int n, const char *version) {
  fputs("{\"tool\":{\"name\":\"missionc\",\"version\":", out);
  diag_json_string(out, version ? version : "0");
  fputs("},\"diagnostics\":[", out);
  for (int i = 0; i < n; i++) {
    const Diagnostic *g = sorted[i];
    fprintf(out, "%s\n{\"severity\":\"%s\",\"code\":", i ? "," : "", sev_name(shown_sev(d, g)));
    diag_json_string(out, diag_code_text(g->code));
    fputs(",\"option\":", out);
    if (g->option) diag_json_string(out, g->option); else fputs("null", out);
    fputs(",\"message\":", out);
    diag_json_string(out, g->msg);
    fputs(",\"location\":", out);
    json_location(d, out, g->span);
    if (g->allowed) {
      fputs(",\"allowed\":", out);
      diag_json_string(out, g->allowed);
    }
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
  fprintf(out, "\n],\"errors\":%d,\"warnings\":%d,\"truncated\":%s}\n", diag_error_count(d),
          d->werror ? 0 : d->warnings, d->capped ? "true" : "false");
}

/* ------------------------------------------------------------------------ */
/* The catalogue of codes (SARIF rules)                                      */
/* ------------------------------------------------------------------------ */

typedef struct CodeInfo {
  const char *code, *name, *title, *help;
} CodeInfo;

/* The catalogue, indexed by DiagCode. */
static const CodeInfo code_list[DIAG_CODE_COUNT] = {
#define X(code, name, title, help) [code] = {#code, name, title, help},
    DIAG_CODES(X)
#undef X
};

bool diag_code_known(const char *code) {
  for (int i = 0; i < DIAG_CODE_COUNT; i++)
    if (code_list[i].code && strcmp(code_list[i].code, code) == 0) return true;
  return false;
}

const char *diag_code_at(int i) {
  return i >= 0 && i < DIAG_CODE_COUNT ? code_list[i].code : NULL;
}

/* The SARIF tag of each range of codes, by the first three characters of a code. */
static const struct {
  const char *prefix, *tag;
} code_families[] = {
    {"E00", "command-line"}, {"E01", "syntax"}, {"E02", "names"},   {"E03", "units"},
    {"E04", "dates"},        {"E05", "budgets"}, {"E06", "rules"},  {"E07", "schema"},
    {"E08", "data"},         {"E09", "command-line"}, {"W01", "mission-criteria"},
    {"W06", "shadow"},
};

/* What the catalogue says about code (a code outside the enum reads as an empty entry). */
static CodeInfo code_info(DiagCode code) {
  if ((unsigned)code >= DIAG_CODE_COUNT) return (CodeInfo){"E????", NULL, "unknown code", "unknown code"};
  return code_list[code];
}

const char *diag_code_text(DiagCode code) { return code_info(code).code; }

const char *diag_code_title(DiagCode code) { return code_info(code).title; }

/* The tag of code's range, or NULL. */
static const char *code_tag(DiagCode code) {
  const char *text = diag_code_text(code);
  for (size_t i = 0; i < sizeof code_families / sizeof *code_families; i++)
    if (strncmp(text, code_families[i].prefix, 3) == 0) return code_families[i].tag;
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* SARIF 2.1.0                                                               */
/* ------------------------------------------------------------------------ */

/* path as a URI reference: relative paths stay relative, absolute ones become
 * file:// URIs; every byte outside A-Z a-z 0-9 - . _ ~ / is percent-encoded. */
static void sarif_uri(FILE *out, const char *path) {
  fputc('"', out);
  if (path[0] == '/') fputs("file://", out);
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                 strchr("-._~/", *p);
    if (plain) fputc(*p, out);
    else fprintf(out, "%%%02X", *p);
  }
  fputc('"', out);
}

/* text as a sentence: first letter capitalised, a final period added. */
static const char *sentence(Diag *d, const char *text) {
  size_t n = strlen(text);
  bool stop = n > 0 && strchr(".?!", text[n - 1]);
  char *s = arena_printf(d->arena, "%s%s", text, stop ? "" : ".");
  if (s[0] >= 'a' && s[0] <= 'z') s[0] = (char)(s[0] - 'a' + 'A');
  return s;
}

/* {"text":..}: the message, then each note without a location on a line of its own. */
static void sarif_message(Diag *d, FILE *out, const char *msg, const DiagNote *notes) {
  const char *text = sentence(d, msg);
  for (const DiagNote *nt = notes; nt; nt = nt->next)
    if (nt->span.file == NO_FILE) text = arena_printf(d->arena, "%s\n%s", text, sentence(d, nt->msg));
  fputs("{\"text\":", out);
  diag_json_string(out, text);
  fputc('}', out);
}

/* The artifact of each source file: its index, except that the excerpts of one data
 * file (a header, a row) are one artifact, that of the first. */
static int *sarif_artifacts(Diag *d) {
  size_t n = d->src->count;
  int *art = arena_alloc(d->arena, (n ? n : 1) * sizeof *art);
  int next = 0;
  for (size_t i = 0; i < n; i++) {
    const SourceFile *f = src_file(d->src, (uint32_t)i);
    art[i] = -1;
    for (size_t j = 0; j < i && f->excerpt && art[i] < 0; j++) {
      const SourceFile *e = src_file(d->src, (uint32_t)j);
      if (e->excerpt && strcmp(e->path, f->path) == 0) art[i] = art[j];
    }
    if (art[i] < 0) art[i] = next++;
  }
  return art;
}

/* "physicalLocation":{artifactLocation (art: the artifact of each file), region with its
 * snippet}. */
static void sarif_physical(Diag *d, FILE *out, Span span, const int *art) {
  const SourceFile *f = src_file(d->src, span.file);
  int l1, c1, l2, c2;
  src_linecol(d->src, span.file, span.start, &l1, &c1);
  src_linecol(d->src, span.file, span.end, &l2, &c2);
  if (l2 < l1 || (l2 == l1 && c2 <= c1)) l2 = l1, c2 = c1 + 1;   /* show empty spans as one character */
  fputs("\"physicalLocation\":{\"artifactLocation\":{\"uri\":", out);
  sarif_uri(out, f->path);
  fprintf(out, ",\"index\":%d},\"region\":{\"startLine\":%d,\"startColumn\":%d,\"endLine\":%d,"
               "\"endColumn\":%d",
          art[span.file], l1, c1, l2, c2);
  if (span.end > span.start && span.end <= f->len && span.end - span.start <= 4096) {
    fputs(",\"snippet\":{\"text\":", out);
    diag_json_string(out, src_slice(d->src, span, d->arena));
    fputc('}', out);
  }
  fputs("}}", out);
}

/* The distinct codes of the diagnostics, in catalogue (code) order: the rules of the run. */
static int sarif_codes(Diag *d, Diagnostic **sorted, int n, DiagCode **codes) {
  bool used[DIAG_CODE_COUNT] = {false};
  for (int i = 0; i < n; i++)
    if ((unsigned)sorted[i]->code < DIAG_CODE_COUNT) used[sorted[i]->code] = true;
  DiagCode *list = arena_alloc(d->arena, (size_t)(n ? n : 1) * sizeof *list);
  int len = 0;
  for (int c = 0; c < DIAG_CODE_COUNT; c++)
    if (used[c]) list[len++] = (DiagCode)c;
  *codes = list;
  return len;
}

/* One reportingDescriptor: id, name, the title as LANGUAGE.md heads it, the help,
 * default level, tags. */
static void sarif_rule(Diag *d, FILE *out, DiagCode code) {
  CodeInfo info = code_info(code);
  const char *tag = code_tag(code);
  bool warning = info.code[0] == 'W';
  fputs("{\"id\":", out);
  diag_json_string(out, info.code);
  if (info.name) {
    fputs(",\"name\":", out);
    diag_json_string(out, info.name);
  }
  fputs(",\"shortDescription\":{\"text\":", out);
  diag_json_string(out, info.title);
  fputs("},\"fullDescription\":{\"text\":", out);
  diag_json_string(out, sentence(d, info.help));
  fprintf(out, "},\"defaultConfiguration\":{\"level\":\"%s\"}", warning ? "warning" : "error");
  if (tag) fprintf(out, ",\"properties\":{\"tags\":[\"%s\"]}", tag);
  fputc('}', out);
}

/* One result: rule, level, message, location and the notes as related locations. */
static void sarif_result(Diag *d, FILE *out, const Diagnostic *g, int rule, const int *art) {
  Severity sev = shown_sev(d, g);
  fputs("{\"ruleId\":", out);
  diag_json_string(out, diag_code_text(g->code));
  fprintf(out, ",\"ruleIndex\":%d,\"level\":\"%s\",\"message\":", rule,
          sev == SEV_ERROR ? "error" : sev == SEV_WARNING ? "warning" : "note");
  sarif_message(d, out, g->msg, g->notes);
  if (g->span.file != NO_FILE) {
    fputs(",\"locations\":[{", out);
    sarif_physical(d, out, g->span, art);
    fputs("}]", out);
  }
  int id = 0;
  for (const DiagNote *nt = g->notes; nt; nt = nt->next) {
    if (nt->span.file == NO_FILE) continue;
    fprintf(out, "%s{\"id\":%d,", id ? "," : ",\"relatedLocations\":[", id);
    id++;
    sarif_physical(d, out, nt->span, art);
    fputs(",\"message\":", out);
    sarif_message(d, out, nt->msg, NULL);
    fputc('}', out);
  }
  if (id) fputc(']', out);
  if (g->allowed) {
    fputs(",\"suppressions\":[{\"kind\":\"inSource\",\"justification\":", out);
    diag_json_string(out, g->allowed);
    fputs("}]", out);
  }
  fputc('}', out);
}

/* A SARIF 2.1.0 log with one run: the tool and its rules, the invocation, every
 * source file as an artifact, and one result per diagnostic. */
static void render_sarif(Diag *d, FILE *out, Diagnostic **sorted, int n, const char *version) {
  DiagCode *codes;
  int ncodes = sarif_codes(d, sorted, n, &codes);
  fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
        "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"missionc\",\"version\":", out);
  diag_json_string(out, version ? version : "0");
  fputs(",\"semanticVersion\":", out);
  diag_json_string(out, version ? version : "0.0.0");
  fputs(",\"rules\":[", out);
  for (int i = 0; i < ncodes; i++) {
    fputs(i ? ",\n" : "\n", out);
    sarif_rule(d, out, codes[i]);
  }
  fputs("]}},\n\"invocations\":[{\"executionSuccessful\":true", out);
  if (d->capped)
    fprintf(out, ",\"toolExecutionNotifications\":[{\"level\":\"error\",\"message\":{\"text\":"
                 "\"Too many errors (%d); stopping (use --max-errors to change the limit).\"}}]",
            d->max_errors);
  fputs("}],\n\"artifacts\":[", out);
  int *art = sarif_artifacts(d);
  for (size_t i = 0, listed = 0; i < d->src->count; i++) {
    const SourceFile *f = src_file(d->src, (uint32_t)i);
    if ((size_t)art[i] < listed) continue;   /* another excerpt of a data file listed already */
    fputs(listed++ ? ",\n" : "\n", out);
    fputs("{\"location\":{\"uri\":", out);
    sarif_uri(out, f->path);
    if (f->excerpt)   /* a data file read as a stream: its length is not known */
      fputs("},\"sourceLanguage\":\"csv\"}", out);
    else
      fprintf(out, "},\"length\":%zu,\"sourceLanguage\":\"mission\"}", f->len);
  }
  fputs("],\n\"columnKind\":\"unicodeCodePoints\",\n\"results\":[", out);
  for (int i = 0; i < n; i++) {
    int rule = 0;
    while (rule < ncodes - 1 && codes[rule] != sorted[i]->code) rule++;
    fputs(i ? ",\n" : "\n", out);
    sarif_result(d, out, sorted[i], rule, art);
  }
  fputs("\n]}]}\n", out);
}

void diag_render(Diag *d, FILE *out, const DiagRenderOptions *opt) {
  int n = d->list.len + (d->show_allowed ? d->allowed.len : 0);
  Diagnostic **sorted = arena_alloc(d->arena, (size_t)(n ? n : 1) * sizeof *sorted);
  for (int i = 0; i < d->list.len; i++) sorted[i] = d->list.items[i];
  for (int i = d->list.len; i < n; i++) sorted[i] = d->allowed.items[i - d->list.len];
  qsort(sorted, (size_t)n, sizeof *sorted, diag_cmp);
  /* Render into memory and write once: stderr is unbuffered, and a write per
   * character made thousands of diagnostics take longer than the checking. */
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  FILE *to = mem ? mem : out;
  switch (opt->format) {
  case DIAG_TEXT: render_text(d, to, sorted, n, opt->color); break;
  case DIAG_JSON: render_json(d, to, sorted, n, opt->tool_version); break;
  case DIAG_SARIF: render_sarif(d, to, sorted, n, opt->tool_version); break;
  }
  if (mem) {
    fclose(mem);
    fwrite(buf, 1, len, out);
    free(buf);
  }
  fflush(out);
}
