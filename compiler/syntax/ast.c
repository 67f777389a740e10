/* ast.c - node constructors, calendar arithmetic and the AST dump. */
#include "ast.h"

#include <inttypes.h>
#include <stddef.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *const decl_kind_names[DK_COUNT] = {
#define X(word, T, C) KW_DECLKIND_##C([DK_##T] = word,)
  KEYWORD_LIST(X)
#undef X
};

const Keyword keyword_table[KEYWORD_COUNT] = {
#define X(word, T, C) {word, KW_##C, KW_IF_DECLKIND_##C(DK_##T, DK_COUNT)},
  KEYWORD_LIST(X)
#undef X
};

/* The keyword spelt by the n bytes at s (not on a hot path: the lexer's DFA matches
 * keywords itself). */
const Keyword *keyword_find(const char *s, size_t n) {
  for (int i = 0; i < KEYWORD_COUNT; i++)
    if (strlen(keyword_table[i].word) == n && memcmp(keyword_table[i].word, s, n) == 0) return &keyword_table[i];
  return NULL;
}

const char *const node_kind_names[ND_COUNT] = {
#define X(id, name) name,
  NODE_KIND_LIST(X)
#undef X
};

const char *const op_texts[OP_COUNT] = {
#define X(id, text) text,
  OP_LIST(X)
#undef X
};

#define NODE_MEMBER_SIZE(member) (offsetof(Node, member) + sizeof(((Node *)0)->member))
static const uint8_t node_sizes[ND_COUNT] = {
  [ND_FILE] = NODE_MEMBER_SIZE(file),         [ND_IMPORT] = NODE_MEMBER_SIZE(import),
  [ND_DECL] = NODE_MEMBER_SIZE(decl),         [ND_PARAM] = NODE_MEMBER_SIZE(param),
  [ND_ATTR] = NODE_MEMBER_SIZE(attr),         [ND_ARG] = NODE_MEMBER_SIZE(arg),
  [ND_NUMBER] = NODE_MEMBER_SIZE(number),     [ND_QUANTITY] = NODE_MEMBER_SIZE(quantity),
  [ND_PERCENT] = NODE_MEMBER_SIZE(sem),        [ND_DATE] = NODE_MEMBER_SIZE(date),
  [ND_STRING] = NODE_MEMBER_SIZE(string),     [ND_BOOL] = NODE_MEMBER_SIZE(boolean),
  [ND_NAME] = NODE_MEMBER_SIZE(name),         [ND_CALL] = NODE_MEMBER_SIZE(call),
  [ND_UNARY] = NODE_MEMBER_SIZE(unary),       [ND_BINARY] = NODE_MEMBER_SIZE(binary),
  [ND_IF] = NODE_MEMBER_SIZE(ifx),            [ND_RANGE] = NODE_MEMBER_SIZE(range),
  [ND_BOUND] = NODE_MEMBER_SIZE(unary),
};

size_t ast_node_size(NodeKind kind) { return node_sizes[kind]; }

/* A zeroed node of the size of its kind (the header and its member of the union). */
Node *ast_new(Arena *a, NodeKind kind, Span span) {
  Node *n = arena_alloc(a, node_sizes[kind]);
  n->kind = kind;
  n->span = span;
  return n;
}

const NodeList ast_no_nodes;

/* A declaration node: without on, unit and params unless header (most have none). */
Node *ast_decl(Arena *a, Span span, bool header) {
  Node *n = arena_alloc(a, header ? node_sizes[ND_DECL] : offsetof(Node, decl.on));
  n->kind = ND_DECL;
  n->span = span;
  n->decl.has_header = header;
  return n;
}

/* An argument node: `NAME: value` (most) ends before when and per. */
Node *ast_arg(Arena *a, Span span, bool more) {
  Node *n = arena_alloc(a, more ? node_sizes[ND_ARG] : offsetof(Node, arg.when));
  n->kind = ND_ARG;
  n->span = span;
  n->arg.more = more;
  return n;
}

/* A name node of one part: its text and span, no parts array (see name_part). */
Node *ast_name1(Arena *a, Ident id) {
  Node *n = arena_alloc(a, offsetof(Node, name.nparts));
  n->kind = ND_NAME;
  n->name1 = true;
  n->span = id.span;
  n->name.str = id.str;
  return n;
}

/* A name node with room for nparts parts right after it (one allocation). */
Node *ast_name(Arena *a, Span span, int nparts) {
  size_t head = (node_sizes[ND_NAME] + _Alignof(Ident) - 1) & ~(_Alignof(Ident) - 1);
  Node *n = arena_alloc(a, head + sizeof(Ident) * (size_t)nparts);
  n->kind = ND_NAME;
  n->span = span;
  n->name.parts = (Ident *)((char *)n + head);
  n->name.nparts = nparts;
  n->name.str = NULL;
  return n;
}

void ast_list_push(Arena *a, NodeList *list, Node *n) {
  vec_push(a, (PtrVec *)list, n);
}

Node *ast_binary(Arena *a, Span span, Op op, Node *lhs, Node *rhs) {
  Node *n = ast_new(a, ND_BINARY, span);
  n->binary.op = op;
  n->binary.lhs = lhs;
  n->binary.rhs = rhs;
  return n;
}

Node *ast_unary(Arena *a, Span span, Op op, Node *operand) {
  Node *n = ast_new(a, ND_UNARY, span);
  n->unary.op = op;
  n->unary.operand = operand;
  return n;
}

int ast_expr_kids(const Node *n) {
  switch (n->kind) {
  case ND_CALL: return n->call.args.len;
  case ND_UNARY:
  case ND_BOUND: return 1;
  case ND_BINARY:
  case ND_RANGE: return 2;
  case ND_IF: return 3;
  default: return 0;
  }
}

Node *ast_expr_kid(const Node *n, int i) {
  switch (n->kind) {
  case ND_CALL: return n->call.args.items[i];
  case ND_UNARY:
  case ND_BOUND: return n->unary.operand;
  case ND_BINARY: return i == 0 ? n->binary.lhs : n->binary.rhs;
  case ND_RANGE: return i == 0 ? n->range.lo : n->range.hi;
  case ND_IF: return i == 0 ? n->ifx.cond : i == 1 ? n->ifx.then : n->ifx.els;
  default: return NULL;
  }
}

int64_t date_first_day(Date d) {
  return date_days(d.year, d.prec >= DATE_MONTH ? d.month : 1, d.prec == DATE_DAY ? d.day : 1);
}

int64_t date_last_day(Date d) {
  if (d.prec == DATE_DAY) return date_days(d.year, d.month, d.day);
  int m = d.prec == DATE_MONTH ? d.month : 12;
  return date_days(d.year, m, date_month_days(d.year, m));
}

/* ------------------------------------------------------------------------ */
/* Dump                                                                      */
/* ------------------------------------------------------------------------ */

typedef struct Dumper {
  FILE *out;
  Sources *src;
  const PtrVec *attr_docs;   /* the file's (pairs: attribute, doc), or NULL */
  int next_doc;              /* the next pair to show: attributes are shown in source order */
} Dumper;

static void dump_node(Dumper *d, const Node *n, int depth);

/* A JSON-style quoted string, so every byte shows unambiguously. */
static void dump_quoted(FILE *out, const char *s) {
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(out, "\\%c", *p);
    else if (*p == '\n') fputs("\\n", out);
    else if (*p == '\t') fputs("\\t", out);
    else if (*p < 0x20) fprintf(out, "\\x%02x", *p);
    else fputc(*p, out);
  }
  fputc('"', out);
}

/* " @line:col-line:col" for a span. */
static void dump_span(Dumper *d, Span s) {
  if (s.file == NO_FILE) return;
  int l1, c1, l2, c2;
  src_linecol(d->src, s.file, s.start, &l1, &c1);
  src_linecol(d->src, s.file, s.end, &l2, &c2);
  fprintf(d->out, " @%d:%d-%d:%d", l1, c1, l2, c2);
}

static void dump_indent(Dumper *d, int depth) {
  for (int i = 0; i < depth; i++) fputs("  ", d->out);
}

/* A double printed so that it reads back to the same value. */
static void dump_double(FILE *out, double v) {
  char buf[40];
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) break;
  }
  fputs(buf, out);
}

static void dump_list(Dumper *d, const char *label, const NodeList *l, int depth) {
  if (!l->len) return;
  dump_indent(d, depth);
  fprintf(d->out, "%s:\n", label);
  for (int i = 0; i < l->len; i++) dump_node(d, l->items[i], depth + 1);
}

static void dump_child(Dumper *d, const char *label, const Node *n, int depth) {
  if (!n) return;
  dump_indent(d, depth);
  fprintf(d->out, "%s:\n", label);
  dump_node(d, n, depth + 1);
}

static void dump_decl(Dumper *d, const Node *n, int depth) {
  fprintf(d->out, " %s %s", decl_kind_names[n->decl.kind], n->decl.name.str);
  if (n->decl.title) {
    fputc(' ', d->out);
    dump_quoted(d->out, n->decl.title);
  }
  if (decl_on(n).str) fprintf(d->out, " on %s", decl_on(n).str);
  dump_span(d, n->span);
  fputc('\n', d->out);
  if (n->decl.doc) {
    dump_indent(d, depth + 1);
    fputs("doc ", d->out);
    dump_quoted(d->out, n->decl.doc);
    fputc('\n', d->out);
  }
  dump_list(d, "params", decl_params(n), depth + 1);
  dump_child(d, "unit", decl_unit(n), depth + 1);
  if (n->decl.has_block) {
    dump_indent(d, depth + 1);
    fprintf(d->out, "block (%d attributes)\n", n->decl.attrs.len);
    for (int i = 0; i < n->decl.attrs.len; i++) dump_node(d, n->decl.attrs.items[i], depth + 2);
  }
  dump_child(d, "body", decl_body(n), depth + 1);
}

enum { DUMP_MAX_DEPTH = 200 };   /* deeper levels are elided: the output stays linear */

/* The /// text before attribute n, or NULL (the pairs of attributes that error recovery
 * dropped are skipped). */
static const char *dump_attr_doc(Dumper *d, const Node *n) {
  const PtrVec *v = d->attr_docs;
  if (!v) return NULL;
  while (d->next_doc + 1 < v->len && ((const Node *)v->items[d->next_doc])->span.start < n->span.start)
    d->next_doc += 2;
  if (d->next_doc + 1 >= v->len || v->items[d->next_doc] != n) return NULL;
  d->next_doc += 2;
  return v->items[d->next_doc - 1];
}

/* An attribute's argument: a bare expression is shown as the arg it stands for. */
static void dump_arg(Dumper *d, const Node *n, int depth) {
  if (n->kind == ND_ARG || depth > DUMP_MAX_DEPTH) {
    dump_node(d, n, depth);
    return;
  }
  dump_indent(d, depth);
  fputs(node_kind_names[ND_ARG], d->out);
  dump_span(d, n->span);
  fputc('\n', d->out);
  dump_node(d, n, depth + 1);
}

/* One node and its children, indented two spaces a level. */
static void dump_node(Dumper *d, const Node *n, int depth) {
  if (depth > DUMP_MAX_DEPTH) {
    if (depth == DUMP_MAX_DEPTH + 1) {
      dump_indent(d, DUMP_MAX_DEPTH);
      fprintf(d->out, "... (deeper than %d levels: not shown)\n", DUMP_MAX_DEPTH);
    }
    return;
  }
  dump_indent(d, depth);
  fputs(node_kind_names[n->kind], d->out);
  switch (n->kind) {
  case ND_FILE:
    dump_span(d, n->span);
    fputc('\n', d->out);
    if (n->file.doc) {
      dump_indent(d, depth + 1);
      fputs("doc ", d->out);
      dump_quoted(d->out, n->file.doc);
      fputc('\n', d->out);
    }
    for (int i = 0; i < n->file.items.len; i++) dump_node(d, n->file.items.items[i], depth + 1);
    return;
  case ND_IMPORT:
    fputc(' ', d->out);
    dump_quoted(d->out, n->import.path);
    break;
  case ND_DECL:
    dump_decl(d, n, depth);
    return;
  case ND_PARAM:
    fprintf(d->out, " %s", n->param.name.str);
    dump_span(d, n->span);
    fputc('\n', d->out);
    dump_child(d, "unit", n->param.unit, depth + 1);
    return;
  case ND_ATTR:
    fprintf(d->out, " %s", n->attr.name);
    dump_span(d, n->span);
    fputc('\n', d->out);
    const char *doc = dump_attr_doc(d, n);
    if (doc) {
      dump_indent(d, depth + 1);
      fputs("doc ", d->out);
      dump_quoted(d->out, doc);
      fputc('\n', d->out);
    }
    for (int i = 0; i < n->attr.args.len; i++) dump_arg(d, n->attr.args.items[i], depth + 1);
    return;
  case ND_ARG:
    if (n->arg.qual != QUAL_NONE) fprintf(d->out, " %s", n->arg.qual == QUAL_AT ? "at" : "by");
    if (arg_per(n)) fprintf(d->out, " per %s", name_part(arg_per(n), 0).str);
    dump_span(d, n->span);
    fputc('\n', d->out);
    dump_node(d, n->arg.expr, depth + 1);
    dump_child(d, "value", n->arg.value, depth + 1);
    dump_child(d, n->arg.qual == QUAL_AT ? "at" : "by", arg_when(n), depth + 1);
    return;
  case ND_NUMBER:
    fputc(' ', d->out);
    dump_double(d->out, n->number.value);
    break;
  case ND_QUANTITY:
    fputc(' ', d->out);
    dump_double(d->out, n->quantity.value);
    fprintf(d->out, " %s", n->quantity.unit.str);
    break;
  case ND_PERCENT:
    break;
  case ND_DATE: {
    Date t = n->date.date;
    if (t.prec == DATE_YEAR) fprintf(d->out, " %04d", t.year);
    else if (t.prec == DATE_MONTH) fprintf(d->out, " %04d-%02d", t.year, t.month);
    else fprintf(d->out, " %04d-%02d-%02d", t.year, t.month, t.day);
    break;
  }
  case ND_STRING:
    fputc(' ', d->out);
    dump_quoted(d->out, n->string.value);
    break;
  case ND_BOOL:
    fputs(n->boolean.value ? " true" : " false", d->out);
    break;
  case ND_NAME:
    fputc(' ', d->out);
    for (int i = 0; i < name_nparts(n); i++)
      fprintf(d->out, "%s%s", i ? "." : "", name_part(n, i).str);
    break;
  case ND_CALL:
    dump_span(d, n->span);
    fputc('\n', d->out);
    dump_node(d, n->call.callee, depth + 1);
    for (int i = 0; i < n->call.args.len; i++) dump_node(d, n->call.args.items[i], depth + 1);
    return;
  case ND_UNARY:
  case ND_BOUND:
    fprintf(d->out, " %s", op_texts[n->unary.op]);
    dump_span(d, n->span);
    fputc('\n', d->out);
    dump_node(d, n->unary.operand, depth + 1);
    return;
  case ND_BINARY:
    fprintf(d->out, " %s", op_texts[n->binary.op]);
    dump_span(d, n->span);
    fputc('\n', d->out);
    dump_node(d, n->binary.lhs, depth + 1);
    dump_node(d, n->binary.rhs, depth + 1);
    return;
  case ND_IF:
    dump_span(d, n->span);
    fputc('\n', d->out);
    dump_node(d, n->ifx.cond, depth + 1);
    dump_node(d, n->ifx.then, depth + 1);
    dump_node(d, n->ifx.els, depth + 1);
    return;
  case ND_RANGE:
    dump_span(d, n->span);
    fputc('\n', d->out);
    dump_node(d, n->range.lo, depth + 1);
    dump_node(d, n->range.hi, depth + 1);
    return;
  case ND_COUNT:
    unreachable_bug("bad node kind");
  }
  dump_span(d, n->span);
  fputc('\n', d->out);
}

void ast_dump(FILE *out, Sources *src, const Node *file) {
  Dumper d = {out, src, file->kind == ND_FILE ? &file->file.attr_docs : NULL, 0};
  dump_node(&d, file, 0);
}
