/* lsp.c - the language server: JSON-RPC framing, dispatch, documents, diagnostics.
 *
 *   read a message (Content-Length framing) -> parse it (json.c) -> dispatch by method
 *     -> didOpen/didChange/didSave: compile the document in a fresh Compiler, index
 *        its names, publish its diagnostics (and recompile open files importing it)
 *     -> requests: answer from the document's last compilation (lsp_query.c)
 *
 * Every malformed message gets a JSON-RPC error (or is dropped, for a notification);
 * nothing the client sends can stop the server but `exit` or the end of its input.
 */
#include "lsp.h"

#include <limits.h>
#include <poll.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "lint.h"
#include "lsp_int.h"
#include "resolve.h"
#include "util.h"

#ifndef MISSIONC_VERSION
#define MISSIONC_VERSION "0.0.0"
#endif

enum {
  MAX_HEADER_LINE = 8192,
  MAX_MESSAGE = 64 << 20,      /* bytes of one message body */
  MAX_DOCUMENT = 32 << 20,     /* bytes of one document */
  MAX_DOCS = 4096,
};

/* JSON-RPC and LSP error codes. */
enum {
  ERR_PARSE = -32700, ERR_INVALID_REQUEST = -32600, ERR_METHOD_NOT_FOUND = -32601,
  ERR_INVALID_PARAMS = -32602, ERR_INTERNAL = -32603, ERR_NOT_INITIALIZED = -32002,
  ERR_REQUEST_FAILED = -32803,
};

/* ------------------------------------------------------------------------ */
/* Output                                                                    */
/* ------------------------------------------------------------------------ */

void lsp_str(FILE *o, const char *s) { diag_json_string(o, s ? s : ""); }

/* Send one message body with its header. */
static void send_body(Server *s, const char *body, size_t len) {
  fprintf(s->out, "Content-Length: %zu\r\n\r\n", len);
  fwrite(body, 1, len, s->out);
  fflush(s->out);
  if (s->opt->log) fprintf(s->opt->log, "<- %.*s\n", len > 400 ? 400 : (int)len, body);
}

/* A memory stream for building one message. */
static FILE *msg_open(char **buf, size_t *len) {
  *buf = NULL;
  *len = 0;
  FILE *o = open_memstream(buf, len);
  if (!o) unreachable_bug("open_memstream failed");
  return o;
}

static void msg_send(Server *s, FILE *o, char **buf, size_t *len) {
  fclose(o);
  send_body(s, *buf, *len);
  free(*buf);
}

/* The id as given: a number, a string, or null. */
static void write_id(FILE *o, const Json *id) {
  if (id && id->kind == JSON_STRING) diag_json_string_n(o, id->str, id->len);
  else if (id && id->kind == JSON_NUMBER) fprintf(o, "%.17g", id->number);
  else fputs("null", o);
}

void lsp_result_begin(FILE *o, const Json *id) {
  fputs("{\"jsonrpc\":\"2.0\",\"id\":", o);
  write_id(o, id);
  fputs(",\"result\":", o);
}

void lsp_result_end(Server *s, FILE *o, char **buf, size_t *len) {
  fputc('}', o);
  msg_send(s, o, buf, len);
}

void lsp_error(Server *s, const Json *id, int code, const char *msg) {
  char *buf;
  size_t len;
  FILE *o = msg_open(&buf, &len);
  fputs("{\"jsonrpc\":\"2.0\",\"id\":", o);
  write_id(o, id);
  fprintf(o, ",\"error\":{\"code\":%d,\"message\":", code);
  lsp_str(o, msg);
  fputs("}}", o);
  msg_send(s, o, &buf, &len);
}

/* ------------------------------------------------------------------------ */
/* Positions: LSP counts UTF-16 code units (or bytes, when negotiated)        */
/* ------------------------------------------------------------------------ */

/* Code units of the UTF-8 text [p, end) in the negotiated encoding. */
static uint32_t units_between(Server *s, const char *p, const char *end) {
  if (s->utf8) return (uint32_t)(end - p);
  uint32_t n = 0;
  for (; p < end; p++) {
    unsigned char c = (unsigned char)*p;
    if ((c & 0xC0) == 0x80) continue;
    n += c >= 0xF0 ? 2 : 1;   /* a 4-byte sequence is a surrogate pair */
  }
  return n;
}

void lsp_write_pos(Server *s, FILE *o, Sources *src, uint32_t file, uint32_t offset) {
  const SourceFile *f = src_file(src, file);
  if (offset > f->len) offset = (uint32_t)f->len;
  int line, col;
  src_linecol(src, file, offset, &line, &col);
  size_t n;
  uint32_t start;
  src_line_text(src, file, offset, &n, &start);
  fprintf(o, "{\"line\":%d,\"character\":%u}", line - 1, units_between(s, f->text + start, f->text + offset));
}

void lsp_write_range(Server *s, FILE *o, Sources *src, Span span) {
  fputs("{\"start\":", o);
  lsp_write_pos(s, o, src, span.file, span.start);
  fputs(",\"end\":", o);
  lsp_write_pos(s, o, src, span.file, span.end < span.start ? span.start : span.end);
  fputc('}', o);
}

/* Percent-encode a path as a file: URI. */
char *lsp_file_uri(const char *path) {
  size_t n = strlen(path);
  char *out = xmalloc(n * 3 + 16), *o = out;
  o += sprintf(o, "file://");
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                 strchr("-._~/", *p);
    if (plain) *o++ = (char)*p;
    else o += sprintf(o, "%%%02X", *p);
  }
  *o = '\0';
  return out;
}

char *lsp_uri_of(Sources *src, uint32_t file) {
  const SourceFile *f = src_file(src, file);
  if (f->real) return lsp_file_uri(f->real);
  if (strstr(f->path, "://") || strncmp(f->path, "untitled:", 9) == 0) return xstrdup(f->path);
  char real[PATH_MAX];
  return lsp_file_uri(realpath(f->path, real) ? real : f->path);
}

void lsp_write_location(Server *s, FILE *o, Sources *src, Span span) {
  char *uri = lsp_uri_of(src, span.file);
  fputs("{\"uri\":", o);
  lsp_str(o, uri);
  fputs(",\"range\":", o);
  lsp_write_range(s, o, src, span);
  fputc('}', o);
  free(uri);
}

/* The path of a file: URI (percent-decoded), or NULL for other schemes. */
static char *uri_path(const char *uri) {
  if (strncmp(uri, "file://", 7) != 0) return NULL;
  const char *p = uri + 7;
  if (*p != '/') {   /* file://host/path: only an empty or local host */
    if (strncmp(p, "localhost/", 10) != 0) return NULL;
    p += 9;
  }
  char *out = xmalloc(strlen(p) + 1), *o = out;
  for (; *p; p++) {
    unsigned hi, lo;
    if (*p == '%' && p[1] && p[2] && sscanf(p + 1, "%1x%1x", &hi, &lo) == 2) {
      char c = (char)(hi * 16 + lo);
      if (c == '\0') { free(out); return NULL; }
      *o++ = c;
      p += 2;
    } else {
      *o++ = *p;
    }
  }
  *o = '\0';
  return out;
}

size_t lsp_offset(Server *s, const Doc *d, const Json *position) {
  long long line = 0, ch = 0;
  json_int(json_get(position, "line"), 0, INT32_MAX, &line);
  json_int(json_get(position, "character"), 0, INT32_MAX, &ch);
  if ((size_t)line >= d->nlines) return d->len;
  size_t off = d->lines[line];
  size_t end = (size_t)line + 1 < d->nlines ? d->lines[line + 1] - 1 : d->len;
  if (end > off && d->text[end - 1] == '\r') end--;
  long long units = 0;
  while (off < end && units < ch) {
    unsigned char c = (unsigned char)d->text[off];
    size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    units += s->utf8 ? (long long)k : c >= 0xF0 ? 2 : 1;
    off += k;
  }
  return off > end ? end : off;
}

/* ------------------------------------------------------------------------ */
/* Documents                                                                 */
/* ------------------------------------------------------------------------ */

/* Rebuild the line table after the text changed. */
static void doc_lines(Doc *d) {
  size_t n = 1;
  for (size_t i = 0; i < d->len; i++) n += d->text[i] == '\n';
  free(d->lines);
  d->lines = xmalloc(n * sizeof *d->lines);
  d->nlines = 0;
  d->lines[d->nlines++] = 0;
  for (size_t i = 0; i < d->len; i++)
    if (d->text[i] == '\n') d->lines[d->nlines++] = (uint32_t)(i + 1);
}

static void comp_free(Comp *cp) {
  if (!cp) return;
  compiler_free(cp->c);
  free(cp->refs);
  free(cp);
}

static void doc_free(Doc *d) {
  comp_free(d->comp);
  free(d->uri);
  free(d->path);
  free(d->real);
  free(d->text);
  free(d->lines);
  free(d);
}

static Doc *find_doc(Server *s, const char *uri) {
  for (int i = 0; i < s->ndocs; i++)
    if (strcmp(s->docs[i]->uri, uri) == 0) return s->docs[i];
  return NULL;
}

Doc *lsp_doc(Server *s, const Json *params) {
  const char *uri = json_str(json_path(params, "textDocument", "uri", NULL));
  return uri ? find_doc(s, uri) : NULL;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Compile a document in a fresh Compiler: its buffer, the buffers of the other
 * open files (so an import of one reads what the editor shows), the workspace
 * folders as import paths. */
static Comp *compile(Server *s, Doc *d) {
  double t0 = now_ms();
  Comp *cp = xcalloc(1, sizeof *cp);
  Compiler *c = cp->c = compiler_new();
  c->diag->max_errors = 500;
  c->diag->werror = s->opt->werror;
  for (int i = 0; i < s->opt->ninclude_dirs; i++) vec_push(c->arena, &c->include_dirs, (void *)s->opt->include_dirs[i]);
  for (int i = 0; i < s->nroots; i++) vec_push(c->arena, &c->include_dirs, s->roots[i]);
  cp->main = src_add_as(c->src, d->path, d->real, d->text, d->len);
  for (int i = 0; i < s->ndocs; i++)
    if (s->docs[i] != d && s->docs[i]->real)
      src_add_as(c->src, s->docs[i]->path, s->docs[i]->real, s->docs[i]->text, s->docs[i]->len);
  cp->root = compiler_parse_source(c, cp->main);
  cp->m = check_program(c, cp->root);
  lint_run(cp->m, s->opt->lint_flags, s->opt->nlint_flags);
  lsp_index(cp);
  cp->ms = now_ms() - t0;
  return cp;
}

/* ------------------------------------------------------------------------ */
/* Diagnostics                                                               */
/* ------------------------------------------------------------------------ */

/* GitHub's anchor of a heading: lower case, punctuation dropped, spaces to '-'. */
static char *heading_anchor(const char *h, size_t n) {
  char *out = xmalloc(n + 1), *o = out;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)h[i];
    if (c >= 'A' && c <= 'Z') *o++ = (char)(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c >= 0x80) *o++ = (char)c;
    else if (c == ' ') *o++ = '-';
  }
  *o = '\0';
  return out;
}

/* Whether a heading's text starts with a diagnostic code ("E0201 ...", "W0101 `...`"). */
static size_t heading_code(const char *h, size_t n) {
  if (n < 5 || (h[0] != 'E' && h[0] != 'W')) return 0;
  for (int i = 1; i < 5; i++)
    if (h[i] < '0' || h[i] > '9') return 0;
  return n == 5 || h[5] == ' ' ? 5 : 0;
}

/* The anchors of LANGUAGE.md's sections about codes, read once. */
static void index_anchors(Server *s, const char *md) {
  for (const char *p = md; *p;) {
    const char *eol = strchr(p, '\n');
    size_t len = eol ? (size_t)(eol - p) : strlen(p);
    const char *h = p;
    while (h < p + len && *h == '#') h++;
    if (h > p && h < p + len && *h == ' ') {
      size_t code = heading_code(h + 1, (size_t)(p + len - h - 1));
      if (code) {
        s->anchor_codes = xrealloc(s->anchor_codes, (size_t)(s->nanchors + 1) * sizeof *s->anchor_codes);
        s->anchors = xrealloc(s->anchors, (size_t)(s->nanchors + 1) * sizeof *s->anchors);
        char *c = xmalloc(code + 1);
        memcpy(c, h + 1, code);
        c[code] = '\0';
        s->anchor_codes[s->nanchors] = c;
        s->anchors[s->nanchors++] = heading_anchor(h + 1, (size_t)(p + len - h - 1));
      }
    }
    p = eol ? eol + 1 : p + len;
  }
}

/* The URL of the LANGUAGE.md section about a code (the document itself without one). */
static char *code_href(Server *s, const char *code) {
  if (!s->docs_base) return NULL;
  for (int i = 0; i < s->nanchors; i++)
    if (strcmp(s->anchor_codes[i], code) == 0) {
      char *url = xmalloc(strlen(s->docs_base) + strlen(s->anchors[i]) + 2);
      sprintf(url, "%s#%s", s->docs_base, s->anchors[i]);
      return url;
    }
  return xstrdup(s->docs_base);
}

/* The import statement of the document through which file `file` was loaded
 * (the first import, when it came in indirectly), for problems in imported files. */
static Span import_span_for(Comp *cp, uint32_t file) {
  Span first = {cp->main, 0, 0};
  bool have = false;
  for (int i = 0; i < cp->root->file.items.len; i++) {
    Node *n = cp->root->file.items.items[i];
    if (n->kind != ND_IMPORT) continue;
    if (!have) first = n->span, have = true;
    char path[PATH_MAX], real[PATH_MAX];
    if (resolve_find_import(cp->c, cp->main, n->import.path, path, sizeof path) && realpath(path, real)) {
      const SourceFile *f = src_file(cp->c->src, file);
      if (f && f->real && strcmp(f->real, real) == 0) return n->span;
    }
  }
  return first;
}

void lsp_write_diagnostic(Server *s, FILE *o, Comp *cp, const Diagnostic *g) {
  Sources *src = cp->c->src;
  bool here = g->span.file == cp->main;
  Span at = here ? g->span : import_span_for(cp, g->span.file);
  fputs("{\"range\":", o);
  lsp_write_range(s, o, src, at);
  Severity sev = g->sev == SEV_WARNING && cp->c->diag->werror ? SEV_ERROR : g->sev;
  fprintf(o, ",\"severity\":%d,\"code\":", sev == SEV_ERROR ? 1 : sev == SEV_WARNING ? 2 : 3);
  lsp_str(o, diag_code_text(g->code));
  char *href = code_href(s, diag_code_text(g->code));
  if (href) {
    fputs(",\"codeDescription\":{\"href\":", o);
    lsp_str(o, href);
    fputc('}', o);
    free(href);
  }
  fputs(",\"source\":\"missionc\",\"message\":", o);
  /* the message, the -W switch, and the notes that have no place of their own */
  char *msg;
  size_t mlen;
  FILE *m = msg_open(&msg, &mlen);
  if (!here && g->span.file != NO_FILE) {
    int line, col;
    src_linecol(src, g->span.file, g->span.start, &line, &col);
    fprintf(m, "in imported file %s:%d:%d: ", src_file(src, g->span.file)->path, line, col);
  }
  fputs(g->msg, m);
  if (g->option) fprintf(m, " [-W%s]", g->option);
  for (const DiagNote *nt = g->notes; nt; nt = nt->next)
    if (nt->span.file == NO_FILE) fprintf(m, "\nnote: %s", nt->msg);
  fclose(m);
  lsp_str(o, msg);
  free(msg);
  if (g->code == W0108) fputs(",\"tags\":[1]", o);   /* Unnecessary: shown faded */
  fputs(",\"relatedInformation\":[", o);
  bool first = true;
  if (!here && g->span.file != NO_FILE) {
    fputs("{\"location\":", o);
    lsp_write_location(s, o, src, g->span);
    fputs(",\"message\":", o);
    lsp_str(o, g->msg);
    fputc('}', o);
    first = false;
  }
  for (const DiagNote *nt = g->notes; nt; nt = nt->next) {
    if (nt->span.file == NO_FILE) continue;
    fputs(first ? "{\"location\":" : ",{\"location\":", o);
    first = false;
    lsp_write_location(s, o, src, nt->span);
    fputs(",\"message\":", o);
    lsp_str(o, nt->msg);
    fputc('}', o);
  }
  fputs("]}", o);
}

/* Order diagnostics by position, then emission. */
static int diag_order(const void *pa, const void *pb) {
  const Diagnostic *a = *(Diagnostic *const *)pa, *b = *(Diagnostic *const *)pb;
  if (a->span.file != b->span.file) return a->span.file < b->span.file ? -1 : 1;
  if (a->span.start != b->span.start) return a->span.start < b->span.start ? -1 : 1;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* textDocument/publishDiagnostics for a document (empty when it has no compilation). */
static void publish(Server *s, Doc *d) {
  char *buf;
  size_t len;
  FILE *o = msg_open(&buf, &len);
  fputs("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\",\"params\":{\"uri\":", o);
  lsp_str(o, d->uri);
  fprintf(o, ",\"version\":%lld,\"diagnostics\":[", d->version);
  if (d->comp) {
    PtrVec *list = &d->comp->c->diag->list;
    Diagnostic **sorted = xmalloc((size_t)(list->len + 1) * sizeof *sorted);
    for (int i = 0; i < list->len; i++) sorted[i] = list->items[i];
    qsort(sorted, (size_t)list->len, sizeof *sorted, diag_order);
    for (int i = 0; i < list->len; i++) {
      if (i) fputc(',', o);
      lsp_write_diagnostic(s, o, d->comp, sorted[i]);
    }
    free(sorted);
  }
  fputs("]}}", o);
  msg_send(s, o, &buf, &len);
}

/* Whether a compilation read the file with canonical path real. */
static bool comp_reads(const Comp *cp, const char *real) {
  for (size_t i = 0; i < cp->c->src->count; i++) {
    const SourceFile *f = src_file(cp->c->src, (uint32_t)i);
    if (f->real && strcmp(f->real, real) == 0 && compiler_file(cp->c, (uint32_t)i)) return true;
  }
  return false;
}

/* Compile a document and publish; then the open documents that import it. */
static void refresh(Server *s, Doc *d) {
  d->dirty = false;
  comp_free(d->comp);
  d->comp = compile(s, d);
  if (s->opt->log) fprintf(s->opt->log, "compiled %s in %.2f ms\n", d->uri, d->comp->ms);
  publish(s, d);
  if (!d->real) return;
  for (int i = 0; i < s->ndocs; i++) {
    Doc *e = s->docs[i];
    if (e == d || !e->comp || !comp_reads(e->comp, d->real)) continue;
    comp_free(e->comp);
    e->comp = compile(s, e);
    publish(s, e);
  }
}

/* ------------------------------------------------------------------------ */
/* Notifications about documents                                             */
/* ------------------------------------------------------------------------ */

/* The canonical path of a file, or of a new one in an existing folder (an
 * unsaved buffer still imports from its folder); NULL if neither exists. */
static char *canonical(const char *path) {
  char real[PATH_MAX], dir[PATH_MAX];
  if (realpath(path, real)) return xstrdup(real);
  const char *slash = strrchr(path, '/');
  if (!slash || (size_t)(slash - path) >= sizeof dir) return NULL;
  memcpy(dir, path, (size_t)(slash - path));
  dir[slash - path] = '\0';
  if (!realpath(dir[0] ? dir : "/", real) || strlen(real) + strlen(slash) >= sizeof real) return NULL;
  strcat(real, slash);
  return xstrdup(real);
}

static void did_open(Server *s, const Json *params) {
  const Json *td = json_get(params, "textDocument");
  const char *uri = json_str(json_get(td, "uri"));
  const Json *text = json_get(td, "text");
  long long version = 0;
  if (!uri || !text || text->kind != JSON_STRING || text->len > MAX_DOCUMENT) return;
  json_int(json_get(td, "version"), INT32_MIN, INT32_MAX, &version);
  Doc *d = find_doc(s, uri);
  if (!d) {
    if (s->ndocs >= MAX_DOCS) return;
    d = xcalloc(1, sizeof *d);
    d->uri = xstrdup(uri);
    d->path = uri_path(uri);
    if (d->path) {
      d->real = canonical(d->path);
    } else {
      d->path = xstrdup(uri);
    }
    if (s->ndocs == s->cap) {
      s->cap = s->cap ? s->cap * 2 : 8;
      s->docs = xrealloc(s->docs, (size_t)s->cap * sizeof *s->docs);
    }
    s->docs[s->ndocs++] = d;
  }
  free(d->text);
  d->text = xmalloc(text->len + 1);
  memcpy(d->text, text->str, text->len + 1);
  d->len = text->len;
  d->version = version;
  doc_lines(d);
  refresh(s, d);
}

/* Apply one change: the whole text, or a range replaced. False if invalid. */
static bool apply_change(Server *s, Doc *d, const Json *ch) {
  const Json *text = json_get(ch, "text");
  if (!text || text->kind != JSON_STRING) return false;
  const Json *range = json_get(ch, "range");
  size_t from = 0, to = d->len;
  if (range) {
    from = lsp_offset(s, d, json_get(range, "start"));
    to = lsp_offset(s, d, json_get(range, "end"));
    if (to < from) return false;
  }
  size_t len = d->len - (to - from) + text->len;
  if (len > MAX_DOCUMENT) return false;
  char *t = xmalloc(len + 1);
  memcpy(t, d->text, from);
  memcpy(t + from, text->str, text->len);
  memcpy(t + from + text->len, d->text + to, d->len - to);
  t[len] = '\0';
  free(d->text);
  d->text = t;
  d->len = len;
  doc_lines(d);
  return true;
}

static void did_change(Server *s, const Json *params) {
  Doc *d = lsp_doc(s, params);
  const Json *changes = json_get(params, "contentChanges");
  if (!d || !changes || changes->kind != JSON_ARRAY) return;
  for (int i = 0; i < changes->count; i++)
    if (!apply_change(s, d, changes->items[i])) break;
  long long version;
  if (json_int(json_path(params, "textDocument", "version", NULL), INT32_MIN, INT32_MAX, &version))
    d->version = version;
  d->dirty = true;   /* compiled once no more input is waiting (see catch_up) */
}

static void did_save(Server *s, const Json *params) {
  Doc *d = lsp_doc(s, params);
  if (d) refresh(s, d);
}

static void did_close(Server *s, const Json *params) {
  Doc *d = lsp_doc(s, params);
  if (!d) return;
  comp_free(d->comp);
  d->comp = NULL;
  publish(s, d);   /* clear its diagnostics */
  for (int i = 0; i < s->ndocs; i++)
    if (s->docs[i] == d) s->docs[i] = s->docs[--s->ndocs];
  doc_free(d);
}

/* ------------------------------------------------------------------------ */
/* initialize                                                                */
/* ------------------------------------------------------------------------ */

static void add_root(Server *s, const char *uri) {
  char *path = uri ? uri_path(uri) : NULL;
  if (!path) return;
  s->roots = xrealloc(s->roots, (size_t)(s->nroots + 1) * sizeof *s->roots);
  s->roots[s->nroots++] = path;
}

/* Whether the client offers position encoding enc. */
static bool offers_encoding(const Json *params, const char *enc) {
  const Json *list = json_path(params, "capabilities", "general", "positionEncodings", NULL);
  for (int i = 0; list && list->kind == JSON_ARRAY && i < list->count; i++)
    if (json_str(list->items[i]) && strcmp(list->items[i]->str, enc) == 0) return true;
  return false;
}

static void initialize(Server *s, const Json *id, const Json *params) {
  const Json *folders = json_get(params, "workspaceFolders");
  for (int i = 0; folders && folders->kind == JSON_ARRAY && i < folders->count && i < 64; i++)
    add_root(s, json_str(json_get(folders->items[i], "uri")));
  if (s->nroots == 0) add_root(s, json_str(json_get(params, "rootUri")));
  s->utf8 = offers_encoding(params, "utf-8");
  s->initialized = true;
  char *buf;
  size_t len;
  FILE *o = msg_open(&buf, &len);
  lsp_result_begin(o, id);
  fprintf(o, "{\"capabilities\":{\"positionEncoding\":\"%s\","
             "\"textDocumentSync\":{\"openClose\":true,\"change\":2,\"save\":{\"includeText\":false}},"
             "\"hoverProvider\":true,\"definitionProvider\":true,\"referencesProvider\":true,"
             "\"renameProvider\":{\"prepareProvider\":true},\"documentSymbolProvider\":true,"
             "\"completionProvider\":{\"triggerCharacters\":[\",\",\"(\",\":\"]},"
             "\"codeActionProvider\":{\"codeActionKinds\":[\"quickfix\"]},"
             "\"documentFormattingProvider\":true,"
             "\"semanticTokensProvider\":{\"legend\":{\"tokenTypes\":%s,\"tokenModifiers\":[\"declaration\"]},"
             "\"full\":true}},"
             "\"serverInfo\":{\"name\":\"missionc\",\"version\":\"%s\"}}",
          s->utf8 ? "utf-8" : "utf-16", lsp_token_legend, MISSIONC_VERSION);
  lsp_result_end(s, o, &buf, &len);
}

/* ------------------------------------------------------------------------ */
/* Dispatch                                                                  */
/* ------------------------------------------------------------------------ */

typedef const char *(*Query)(Server *, Doc *, const Json *, FILE *);

static const struct {
  const char *method;
  Query run;
} queries[] = {
    {"textDocument/hover", lsp_hover},
    {"textDocument/definition", lsp_definition},
    {"textDocument/references", lsp_references},
    {"textDocument/prepareRename", lsp_prepare_rename},
    {"textDocument/rename", lsp_rename},
    {"textDocument/documentSymbol", lsp_document_symbols},
    {"textDocument/completion", lsp_completion},
    {"textDocument/codeAction", lsp_code_action},
    {"textDocument/semanticTokens/full", lsp_semantic_tokens},
    {"textDocument/formatting", lsp_formatting},
};

/* A request about an open document: answer from its compilation. */
static void run_query(Server *s, const Json *id, const Json *params, Query q) {
  Doc *d = lsp_doc(s, params);
  if (!d) {
    lsp_error(s, id, ERR_INVALID_PARAMS, "the document is not open (send textDocument/didOpen first)");
    return;
  }
  if (d->dirty || !d->comp) refresh(s, d);
  char *buf;
  size_t len;
  FILE *o = msg_open(&buf, &len);
  lsp_result_begin(o, id);
  const char *err = q(s, d, params, o);
  if (err) {
    fclose(o);
    free(buf);
    lsp_error(s, id, strncmp(err, "invalid", 7) == 0 ? ERR_INVALID_PARAMS : ERR_REQUEST_FAILED, err);
    return;
  }
  lsp_result_end(s, o, &buf, &len);
}

static void reply_null(Server *s, const Json *id) {
  char *buf;
  size_t len;
  FILE *o = msg_open(&buf, &len);
  lsp_result_begin(o, id);
  fputs("null", o);
  lsp_result_end(s, o, &buf, &len);
}

/* Handle one parsed message. Returns true on `exit`. */
static bool handle(Server *s, const Json *msg) {
  if (!msg || msg->kind != JSON_OBJECT) {
    lsp_error(s, NULL, ERR_INVALID_REQUEST, "a message is a JSON object");
    return false;
  }
  const Json *id = json_get(msg, "id");
  const char *version = json_str(json_get(msg, "jsonrpc"));
  const Json *method_v = json_get(msg, "method");
  const char *method = json_str(method_v);
  const Json *params = json_get(msg, "params");
  bool bad_id = id && id->kind != JSON_NUMBER && id->kind != JSON_STRING && id->kind != JSON_NULL;
  if (!version || strcmp(version, "2.0") != 0 || bad_id || (method_v && !method) ||
      (params && params->kind != JSON_OBJECT && params->kind != JSON_ARRAY)) {
    lsp_error(s, bad_id ? NULL : id, ERR_INVALID_REQUEST, "not a JSON-RPC 2.0 request or notification");
    return false;
  }
  if (!method) return false;   /* a response to a request of ours: we send none */
  bool request = id != NULL;
  if (strcmp(method, "exit") == 0) return true;
  if (!s->initialized && strcmp(method, "initialize") != 0) {
    if (request) lsp_error(s, id, ERR_NOT_INITIALIZED, "the server is not initialized");
    return false;
  }
  if (s->shutdown && request) {
    lsp_error(s, id, ERR_INVALID_REQUEST, "the server is shut down");
    return false;
  }
  if (request && strcmp(method, "initialize") == 0) {
    if (s->initialized) lsp_error(s, id, ERR_INVALID_REQUEST, "initialize was already received");
    else initialize(s, id, params);
    return false;
  }
  if (request && strcmp(method, "shutdown") == 0) {
    s->shutdown = true;
    reply_null(s, id);
    return false;
  }
  if (request) {
    for (size_t i = 0; i < COUNT_OF(queries); i++)
      if (strcmp(method, queries[i].method) == 0) {
        run_query(s, id, params, queries[i].run);
        return false;
      }
    lsp_error(s, id, ERR_METHOD_NOT_FOUND, "unknown method");
    return false;
  }
  if (strcmp(method, "textDocument/didOpen") == 0) did_open(s, params);
  else if (strcmp(method, "textDocument/didChange") == 0) did_change(s, params);
  else if (strcmp(method, "textDocument/didSave") == 0) did_save(s, params);
  else if (strcmp(method, "textDocument/didClose") == 0) did_close(s, params);
  /* other notifications ($/cancelRequest, initialized, workspace/...) need nothing */
  return false;
}

/* ------------------------------------------------------------------------ */
/* Framing                                                                   */
/* ------------------------------------------------------------------------ */

typedef enum { READ_OK, READ_EOF, READ_BAD } ReadStatus;

/* One header line without its line end; false at the end of input. */
static bool read_line(FILE *in, char *buf, size_t cap, bool *too_long) {
  size_t n = 0;
  int c;
  *too_long = false;
  while ((c = getc(in)) != EOF && c != '\n') {
    if (n + 1 < cap) buf[n++] = (char)c;
    else *too_long = true;
  }
  if (c == EOF && n == 0) return false;
  if (n && buf[n - 1] == '\r') n--;
  buf[n] = '\0';
  return true;
}

/* Skip len bytes of input. */
static bool skip_bytes(FILE *in, size_t len) {
  char chunk[4096];
  while (len) {
    size_t k = fread(chunk, 1, len < sizeof chunk ? len : sizeof chunk, in);
    if (k == 0) return false;
    len -= k;
  }
  return true;
}

/* Read the headers and body of one message into *body (malloc'd). READ_BAD
 * after a header error (*why says which; the body, if its length was known, is
 * skipped), READ_EOF at the end of input. */
static ReadStatus read_message(FILE *in, char **body, size_t *len, const char **why) {
  char line[MAX_HEADER_LINE];
  long long length = -1;
  bool any = false, bad = false, too_long;
  *why = NULL;
  for (;;) {
    if (!read_line(in, line, sizeof line, &too_long)) return READ_EOF;
    if (!line[0] && !too_long) {
      if (any) break;
      continue;   /* blank lines between messages */
    }
    any = true;
    if (strncasecmp(line, "Content-Length:", 15) == 0) {
      const char *v = line + 15;
      while (*v == ' ' || *v == '\t') v++;
      char *end;
      long long n = strtoll(v, &end, 10);
      while (*end == ' ' || *end == '\t') end++;
      if (v[0] < '0' || v[0] > '9' || *end || n < 0) bad = true, *why = "invalid Content-Length";
      else length = n;
    } else if (too_long || !strchr(line, ':')) {
      bad = true;
      *why = "invalid header line";
    }
  }
  if (length < 0) {
    if (!*why || strcmp(*why, "invalid Content-Length") != 0) *why = "missing Content-Length header";
    return READ_BAD;
  }
  if (length > MAX_MESSAGE) {
    *why = "message too large";
    return skip_bytes(in, (size_t)length) ? READ_BAD : READ_EOF;
  }
  char *b = xmalloc((size_t)length + 1);
  if (fread(b, 1, (size_t)length, in) != (size_t)length) {
    free(b);
    return READ_EOF;
  }
  b[length] = '\0';
  if (bad) {
    free(b);
    return READ_BAD;
  }
  *body = b;
  *len = (size_t)length;
  return READ_OK;
}

/* LANGUAGE.md for codeDescription links: the installed copy, else the source tree's. */
static void find_docs(Server *s) {
  char exe[PATH_MAX], path[PATH_MAX + 64];
  const char *candidates[3] = {NULL, NULL, NULL};
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) *slash = '\0';
    snprintf(path, sizeof path, "%s/../share/doc/missionc/LANGUAGE.md", exe);
    candidates[0] = path;
  }
#ifdef MISSIONC_SOURCE_STDLIB
  candidates[1] = MISSIONC_SOURCE_STDLIB "/../LANGUAGE.md";
#endif
  for (int i = 0; i < 2 && !s->nanchors; i++) {
    char real[PATH_MAX];
    FILE *f = candidates[i] && realpath(candidates[i], real) ? fopen(real, "rb") : NULL;
    if (!f) continue;
    size_t cap = 1 << 18, len = 0, k;
    char *text = xmalloc(cap);
    while ((k = fread(text + len, 1, cap - len - 1, f)) > 0)
      if ((len += k) + 1 == cap) text = xrealloc(text, cap *= 2);
    text[len] = '\0';
    fclose(f);
    index_anchors(s, text);
    free(text);
    if (!s->opt->docs) s->docs_base = lsp_file_uri(real);
  }
  if (s->opt->docs) s->docs_base = xstrdup(s->opt->docs);
}

/* Whether more input is already waiting: then a burst of changes (fast typing, a
 * paste) is compiled once, after its last change. Streams without a descriptor
 * (the fuzzer's) never wait. stdin is unbuffered, so poll sees every byte. */
static bool input_waiting(FILE *in) {
  int fd = fileno(in);
  if (fd < 0) return false;
  struct pollfd p = {.fd = fd, .events = POLLIN};
  return poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

/* Compile and publish the documents changed since their last compilation. */
static void catch_up(Server *s) {
  for (int i = 0; i < s->ndocs; i++)
    if (s->docs[i]->dirty) refresh(s, s->docs[i]);
}

int lsp_serve(FILE *in, FILE *out, const LspOptions *opt) {
  Server s = {.in = in, .out = out, .opt = opt};
  find_docs(&s);
  int status = 1;
  for (;;) {
    char *body = NULL;
    size_t len = 0;
    const char *why;
    if (!input_waiting(in)) catch_up(&s);
    ReadStatus r = read_message(in, &body, &len, &why);
    if (r == READ_EOF) break;
    if (r == READ_BAD) {
      lsp_error(&s, NULL, ERR_PARSE, why);
      continue;
    }
    if (opt->log) fprintf(opt->log, "-> %.*s\n", len > 400 ? 400 : (int)len, body);
    Arena *a = arena_new();
    char err[160];
    Json *msg = json_parse(a, body, len, err, sizeof err);
    bool exit_now = false;
    if (!msg) lsp_error(&s, NULL, ERR_PARSE, err);
    else if (msg->kind == JSON_ARRAY) lsp_error(&s, NULL, ERR_INVALID_REQUEST, "batches are not supported by LSP");
    else exit_now = handle(&s, msg);
    arena_free(a);
    free(body);
    if (exit_now) {
      status = s.shutdown ? 0 : 1;
      break;
    }
  }
  for (int i = 0; i < s.ndocs; i++) doc_free(s.docs[i]);
  free(s.docs);
  for (int i = 0; i < s.nroots; i++) free(s.roots[i]);
  free(s.roots);
  for (int i = 0; i < s.nanchors; i++) free(s.anchor_codes[i]), free(s.anchors[i]);
  free(s.anchor_codes);
  free(s.anchors);
  free((char *)s.docs_base);
  return status;
}
