/* srcfmt.c - the formatter: one canonical layout, printed from the token stream.
 *
 * The lexer gives every token with its span and the statement ends of the Go rule
 * (TERM); comments and blank lines are the text between two tokens. Statements come
 * from the TERMs, blocks from the braces, attribute names are the first word of a
 * statement in a block: nothing here knows a kind, an attribute or an operator
 * precedence, so syntax added to the grammar is formatted without a change here.
 * Token texts are copied from the source, so numbers, dates and strings keep their
 * spelling. The layout (LANGUAGE.md, "Canonical layout"):
 *   - one statement per line; top-level statements at column 0, blocks indented by 2;
 *   - blank lines kept (several become one), none at the start or end of a block;
 *   - the '=' of a run of one-line top-level definitions (`unit g  = 0.001 kg`) aligned;
 *   - attribute names padded to the longest name of their block;
 *   - a block of at most two statements written on one line stays on one line
 *     (`{ kind grant; push supply }`); any other block is one statement per line;
 *   - a line broken inside a statement (after a comma or an operator) stays broken; the
 *     next line is indented to the attribute's value, or by 4 at the top level;
 *   - one space between tokens, none inside parentheses, before ',' and ':' and around
 *     '.', none after a unary '-' or between a number and '%'; ' : ' before the unit
 *     of a declaration header; trailing comments of consecutive lines aligned, three
 *     spaces after the longest line.
 * The result is lexed again and compared with the input, token by token and comment
 * by comment, before anyone writes it.
 */
#include "srcfmt.h"

#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "util.h"

enum { INDENT = 2, CONT_INDENT = 4, COMMENT_GAP = 3 };
#define MARK '\x01'   /* where a trailing comment goes; replaced by the alignment pass */

/* A comment between two tokens. */
typedef struct Comment {
  uint32_t start, end;
  bool own_line;       /* nothing but blanks before it on its line */
  bool blank_before;   /* a blank line before it */
  bool block;          /* a block comment */
  bool multiline;      /* a block comment that spans lines */
} Comment;

/* A token (statement ends folded into term_before) and the trivia before it. */
typedef struct FTok {
  uint32_t start, end;
  bool ident, can_end;
  bool term_before;    /* a statement end lies between the previous token and this one */
  bool nl_before;      /* the source breaks the line before it (after its comments) */
  bool blank_before;   /* a blank line right before it */
  int c_first, c_count;
  int match;           /* '{': index of its '}' */
} FTok;

typedef struct Buf {
  char *s;
  size_t len, cap;
} Buf;

typedef struct Fmt {
  const char *text;
  size_t len;
  FTok *t;             /* n tokens, then the end of the file */
  int n;
  Comment *cm;
  int ncm;
  Buf out;
  bool force_nl;       /* a comment that spans lines was printed: the next token starts a line */
} Fmt;

/* ---------------------------------------------------------------------------------------
 * Output buffer
 * ------------------------------------------------------------------------------------- */

static void put(Fmt *f, const char *s, size_t n) {
  if (f->out.len + n + 1 > f->out.cap) {
    f->out.cap = (f->out.len + n + 1) * 2;
    f->out.s = xrealloc(f->out.s, f->out.cap);
  }
  memcpy(f->out.s + f->out.len, s, n);
  f->out.len += n;
  f->out.s[f->out.len] = '\0';
}

static void puts_(Fmt *f, const char *s) { put(f, s, strlen(s)); }

static void spaces(Fmt *f, int n) {
  for (int i = 0; i < n; i++) put(f, " ", 1);
}

/* Whether the output is at the start of a line. */
static bool at_bol(const Fmt *f) { return f->out.len == 0 || f->out.s[f->out.len - 1] == '\n'; }

/* End the current line (trailing blanks dropped). */
static void newline(Fmt *f) {
  while (f->out.len && f->out.s[f->out.len - 1] == ' ') f->out.len--;
  put(f, "\n", 1);
}

/* Start a fresh line at column ind, after a blank line when blank (never at the top). */
static void fresh_line(Fmt *f, int ind, bool blank) {
  if (!at_bol(f)) newline(f);
  if (blank && f->out.len > 0 && !(f->out.len >= 2 && f->out.s[f->out.len - 2] == '\n')) newline(f);
  spaces(f, ind);
}

/* ---------------------------------------------------------------------------------------
 * Tokens and trivia
 * ------------------------------------------------------------------------------------- */

static size_t tok_len(const FTok *t) { return t->end - t->start; }

/* Whether token i is exactly the text s. */
static bool is(const Fmt *f, int i, const char *s) {
  if (i < 0 || i >= f->n) return false;
  size_t n = strlen(s);
  return tok_len(&f->t[i]) == n && memcmp(f->text + f->t[i].start, s, n) == 0;
}

/* Scan the text between two tokens: its comments, line breaks and blank lines. */
static void scan_gap(Fmt *f, FTok *t, uint32_t from, uint32_t to, bool first, Arena *a, int *cap) {
  int nl = 0;
  t->c_first = f->ncm;
  for (uint32_t p = from; p < to;) {
    char ch = f->text[p];
    if (ch == '\n') {
      nl++, p++;
      continue;
    }
    bool line = ch == '/' && p + 1 < to && f->text[p + 1] == '/';
    bool block = ch == '/' && p + 1 < to && f->text[p + 1] == '*';
    if (!line && !block) {
      p++;
      continue;
    }
    Comment c = {.start = p, .own_line = nl > 0 || first, .blank_before = nl >= 2, .block = block};
    if (line) {
      while (p < to && f->text[p] != '\n') p++;
    } else {
      p += 2;
      while (p + 1 < to && !(f->text[p] == '*' && f->text[p + 1] == '/')) c.multiline |= f->text[p++] == '\n';
      p = p + 1 < to ? p + 2 : to;
    }
    c.end = p;
    if (f->ncm == *cap) {
      Comment *grown = arena_alloc(a, sizeof *grown * (size_t)*cap * 2);
      memcpy(grown, f->cm, sizeof *grown * (size_t)f->ncm);
      f->cm = grown, *cap *= 2;
    }
    f->cm[f->ncm++] = c;
    nl = 0;
    first = false;
  }
  t->c_count = f->ncm - t->c_first;
  t->nl_before = nl > 0;
  t->blank_before = nl >= 2;
}

/* Fold the lexer's tokens into f->t with their trivia; match the braces. */
static bool load_tokens(Fmt *f, Arena *a, const LexToken *lt, int nlt) {
  f->t = arena_alloc(a, sizeof *f->t * (size_t)(nlt + 1));
  int cap = 64;
  f->cm = arena_alloc(a, sizeof *f->cm * (size_t)cap);
  bool term = false;
  uint32_t prev_end = 0;
  int stack[256], depth = 0;
  for (int k = 0; k <= nlt; k++) {
    if (k < nlt && lt[k].term) {
      term = true;
      continue;
    }
    FTok *t = &f->t[f->n];
    *t = (FTok){.match = -1};
    if (k < nlt) {
      t->start = lt[k].start, t->end = lt[k].end;
      t->ident = lt[k].ident, t->can_end = lt[k].can_end;
    } else {
      t->start = t->end = (uint32_t)f->len;
    }
    t->term_before = term;
    term = false;
    scan_gap(f, t, prev_end, t->start, f->n == 0, a, &cap);
    prev_end = t->end;
    if (k == nlt) break;
    int idx = f->n++;
    if (is(f, idx, "{")) {
      if (depth == (int)COUNT_OF(stack)) return false;
      stack[depth++] = idx;
    } else if (is(f, idx, "}")) {
      if (depth == 0) return false;
      f->t[stack[--depth]].match = idx;
    }
  }
  return depth == 0;
}

/* ---------------------------------------------------------------------------------------
 * Printing
 * ------------------------------------------------------------------------------------- */

/* Print one comment's text (line comments without trailing blanks). */
static void put_comment(Fmt *f, const Comment *c) {
  uint32_t end = c->end;
  if (!c->block)
    while (end > c->start && (f->text[end - 1] == ' ' || f->text[end - 1] == '\t' || f->text[end - 1] == '\r')) end--;
  put(f, f->text + c->start, end - c->start);
  if (c->multiline) f->force_nl = true;
}

/* Print the comments before token i and place the output where token i goes: on a
 * fresh line at column ind when new_line (a statement start) or when the source breaks
 * the line there; own-line comments go at column cind. allow_blank keeps a blank line
 * before the first of them. Returns whether token i starts a line. */
static bool gap(Fmt *f, int i, bool new_line, bool allow_blank, int cind, int ind) {
  const FTok *t = &f->t[i];
  for (int k = 0; k < t->c_count; k++) {
    const Comment *c = &f->cm[t->c_first + k];
    if (!c->own_line && !f->force_nl) {
      bool last_on_line = !c->block || c->multiline ||
                          (k + 1 < t->c_count ? f->cm[t->c_first + k + 1].own_line : t->nl_before || new_line);
      if (last_on_line) put(f, (char[]){MARK}, 1);
      else spaces(f, 1);
      put_comment(f, c);
      if (!c->block) f->force_nl = true;
      continue;
    }
    fresh_line(f, cind, c->blank_before && allow_blank);
    f->force_nl = false;
    allow_blank = true;
    put_comment(f, c);
    newline(f);
  }
  if (new_line || t->nl_before || f->force_nl || at_bol(f)) {
    fresh_line(f, ind, t->blank_before && allow_blank && new_line);
    f->force_nl = false;
    return true;
  }
  return false;
}

/* Whether token i is a unary minus: a '-' where an operand is expected. */
static bool unary_minus(const Fmt *f, int i, int first, bool top) {
  if (!is(f, i, "-")) return false;
  if (i == first) return true;
  if (i - 1 == first && !top) return true;   /* right after an attribute name */
  return !f->t[i - 1].can_end;
}

/* The spaces between tokens i-1 and i on one line. in_header: a top-level statement
 * before its '=' or '{'; paren: the parenthesis depth. */
static int space_before(const Fmt *f, int i, int first, bool top, bool in_header, int paren) {
  if (is(f, i - 1, "(") || is(f, i, ")") || is(f, i, ",") || is(f, i, ";")) return 0;
  if (is(f, i, ":")) return top && in_header && paren == 0 ? 1 : 0;
  if (is(f, i - 1, ".") || is(f, i, ".")) return 0;
  if (is(f, i, "(")) return f->t[i - 1].ident && !(i - 1 == first && !top) ? 0 : 1;
  if (is(f, i, "%")) return f->text[f->t[i - 1].start] >= '0' && f->text[f->t[i - 1].start] <= '9' ? 0 : 1;
  if (unary_minus(f, i - 1, first, top)) return 0;
  return 1;
}

static void print_block(Fmt *f, int open, int ind);

/* Print the statement of tokens [a, b) at column ind. In a block, the attribute name is
 * padded to name_w; at the top level (top), the name before a third token '=' is padded
 * to name_w (the '=' of a run of one-line definitions lines up). */
static void print_stmt(Fmt *f, int a, int b, int ind, int name_w, bool top) {
  int cont = top || name_w == 0 ? ind + CONT_INDENT : ind + name_w + 1;
  if (top) name_w = name_w > 0 && b - a > 2 && is(f, a + 2, "=") ? name_w : 0;
  bool in_header = top;
  int paren = 0;
  for (int i = a; i < b; i++) {
    if (i > a && !gap(f, i, false, false, cont, cont)) {
      int sp = space_before(f, i, a, top, in_header, paren);
      if (i == a + 1 && !top && name_w > 0 && f->t[i].c_count == 0) sp = name_w - (int)tok_len(&f->t[a]) + 1;
      if (i == a + 2 && top && name_w > 0 && f->t[i].c_count == 0) sp = name_w - (int)tok_len(&f->t[a + 1]) + 1;
      spaces(f, sp);
    }
    if (is(f, i, "(")) paren++;
    if (is(f, i, ")") && paren > 0) paren--;
    if (paren == 0 && (is(f, i, "=") || is(f, i, "{"))) in_header = false;
    if (is(f, i, "{") && f->t[i].match > i && f->t[i].match < b) {
      print_block(f, i, ind);
      i = f->t[i].match;
      continue;
    }
    put(f, f->text + f->t[i].start, tok_len(&f->t[i]));
  }
}

/* Split tokens [a, b) into statements at the statement ends outside nested blocks;
 * starts[] receives the first token of each. Returns their number. */
static int split_stmts(const Fmt *f, int a, int b, int *starts, int max) {
  int n = 0;
  for (int i = a; i < b; i++) {
    if ((i == a || f->t[i].term_before) && n < max) starts[n++] = i;
    if (f->t[i].match > i) i = f->t[i].match;
  }
  return n;
}

/* Whether the block from '{' at open may stay on one line: at most two statements,
 * written on one line, with no comment and no nested block. */
static bool one_line_block(const Fmt *f, int open, int nstmts) {
  if (nstmts > 2) return false;
  for (int i = open + 1; i <= f->t[open].match; i++) {
    if (f->t[i].nl_before || f->t[i].c_count) return false;
    if (i < f->t[open].match && is(f, i, "{")) return false;
  }
  return true;
}

/* Print the block whose '{' is token open, through its '}', for a statement at ind. */
static void print_block(Fmt *f, int open, int ind) {
  int close = f->t[open].match;
  int n = 0;
  for (int i = open + 1; i < close; i++) {
    if (i == open + 1 || f->t[i].term_before) n++;
    if (f->t[i].match > i) i = f->t[i].match;
  }
  int *starts = xmalloc(sizeof *starts * (size_t)(n + 1));
  n = split_stmts(f, open + 1, close, starts, n);
  starts[n] = close;
  put(f, "{", 1);
  if (n == 0 && f->t[close].c_count == 0) {   /* an empty block is {} */
    put(f, "}", 1);
  } else if (one_line_block(f, open, n)) {
    for (int s = 0; s < n; s++) {
      puts_(f, s ? "; " : " ");
      print_stmt(f, starts[s], starts[s + 1], ind, 0, false);
    }
    puts_(f, " }");
  } else {
    int name_w = 0;
    for (int s = 0; s < n; s++)
      if (starts[s + 1] - starts[s] > 1 && (int)tok_len(&f->t[starts[s]]) > name_w)
        name_w = (int)tok_len(&f->t[starts[s]]);
    for (int s = 0; s < n; s++) {
      gap(f, starts[s], true, s > 0, ind + INDENT, ind + INDENT);
      print_stmt(f, starts[s], starts[s + 1], ind + INDENT, name_w, false);
    }
    gap(f, close, true, false, ind + INDENT, ind);
    put(f, "}", 1);
  }
  free(starts);
}

/* Whether top-level statement [a, b) is a one-line definition `KW NAME = ...`. */
static bool one_line_definition(const Fmt *f, int a, int b) {
  if (b - a < 3 || !is(f, a + 2, "=")) return false;
  for (int i = a + 1; i < b; i++)
    if (f->t[i].nl_before || f->t[i].c_count || is(f, i, "{")) return false;
  return true;
}

/* The width to pad the name of top-level statement s to: the longest name of the run of
 * one-line definitions it belongs to (no comment or blank line between them); 0 if none. */
static int definition_width(const Fmt *f, const int *starts, int n, int s) {
  if (!one_line_definition(f, starts[s], starts[s + 1])) return 0;
  int first = s, last = s;
  while (first > 0 && !f->t[starts[first]].c_count && !f->t[starts[first]].blank_before &&
         one_line_definition(f, starts[first - 1], starts[first]))
    first--;
  while (last + 1 < n && !f->t[starts[last + 1]].c_count && !f->t[starts[last + 1]].blank_before &&
         one_line_definition(f, starts[last + 1], starts[last + 2]))
    last++;
  if (first == last) return 0;
  int w = 0;
  for (int k = first; k <= last; k++)
    if ((int)tok_len(&f->t[starts[k] + 1]) > w) w = (int)tok_len(&f->t[starts[k] + 1]);
  return w;
}

/* Print the whole file. */
static void print_file(Fmt *f) {
  int *starts = xmalloc(sizeof *starts * (size_t)(f->n + 2));
  int n = split_stmts(f, 0, f->n, starts, f->n);
  starts[n] = starts[n + 1] = f->n;
  for (int s = 0; s < n; s++) {
    gap(f, starts[s], true, s > 0, 0, 0);
    print_stmt(f, starts[s], starts[s + 1], 0, definition_width(f, starts, n, s), true);
  }
  gap(f, f->n, true, n > 0, 0, 0);   /* comments at the end of the file */
  while (f->out.len && (f->out.s[f->out.len - 1] == ' ' || f->out.s[f->out.len - 1] == '\n')) f->out.len--;
  if (f->out.len) newline(f);
  free(starts);
}

/* Display width of n bytes of UTF-8 (one column per code point). */
static int width(const char *s, size_t n) {
  int w = 0;
  for (size_t i = 0; i < n; i++) w += ((unsigned char)s[i] & 0xC0) != 0x80;
  return w;
}

/* Replace the trailing-comment marks: consecutive lines that have one align their
 * comments three spaces after the longest of them. */
static char *align_comments(const Buf *in, Arena *a, size_t *len) {
  Buf out = {0};
  const char *s = in->s ? in->s : "";
  size_t i = 0;
  while (i < in->len) {
    size_t j = i;
    int col = 0;
    for (; j < in->len;) {   /* the run of marked lines from i to j */
      const char *eol = memchr(s + j, '\n', in->len - j);
      size_t e = eol ? (size_t)(eol - s) : in->len;
      const char *m = memchr(s + j, MARK, e - j);
      if (!m) break;
      int w = width(s + j, (size_t)(m - (s + j)));
      if (w > col) col = w;
      j = e + (eol != NULL);
    }
    if (j == i) {   /* an unmarked line: copy it */
      const char *eol = memchr(s + i, '\n', in->len - i);
      j = eol ? (size_t)(eol - s) + 1 : in->len;
    }
    for (size_t k = i; k < j; k++) {
      if (out.len + 64 + (size_t)col >= out.cap) {
        out.cap = (out.len + 64 + (size_t)col) * 2;
        out.s = xrealloc(out.s, out.cap);
      }
      if (s[k] != MARK) {
        out.s[out.len++] = s[k];
        continue;
      }
      size_t ls = k;
      while (ls > 0 && s[ls - 1] != '\n') ls--;
      int pad = col + COMMENT_GAP - width(s + ls, k - ls);
      for (int p = 0; p < pad; p++) out.s[out.len++] = ' ';
    }
    i = j;
  }
  char *r = arena_strndup(a, out.s ? out.s : "", out.len);
  *len = out.len;
  free(out.s);
  return r;
}

/* ---------------------------------------------------------------------------------------
 * The self-check: the result lexes to the same tokens and comments
 * ------------------------------------------------------------------------------------- */

/* Whether two loaded texts have the same tokens, statement ends (apart from those
 * before a '}' and at the top, which mean nothing) and comments. */
static bool same_tokens(const Fmt *x, const Fmt *y) {
  if (x->n != y->n || x->ncm != y->ncm) return false;
  for (int i = 0; i < x->n; i++) {
    const FTok *p = &x->t[i], *q = &y->t[i];
    if (tok_len(p) != tok_len(q) || memcmp(x->text + p->start, y->text + q->start, tok_len(p)) != 0) return false;
    if (i > 0 && !is(x, i, "}") && p->term_before != q->term_before) return false;
  }
  for (int i = 0; i < x->ncm; i++) {
    const Comment *p = &x->cm[i], *q = &y->cm[i];
    size_t pl = p->end - p->start, ql = q->end - q->start;
    while (!p->block && pl && strchr(" \t\r", x->text[p->start + pl - 1])) pl--;
    while (!q->block && ql && strchr(" \t\r", y->text[q->start + ql - 1])) ql--;
    if (pl != ql || memcmp(x->text + p->start, y->text + q->start, pl) != 0) return false;
  }
  return true;
}

/* Lex loaded file id into f. */
static bool fmt_load(Compiler *c, Diag *d, uint32_t id, Fmt *f) {
  const SourceFile *sf = src_file(c->src, id);
  memset(f, 0, sizeof *f);
  f->text = sf->text;
  f->len = sf->len;
  LexToken *lt;
  int n = parse_tokens(c->arena, c->names, d, c->src, id, &lt);
  return d->errors == 0 && load_tokens(f, c->arena, lt, n);
}

char *srcfmt_source(Compiler *c, uint32_t file, size_t *len, const char **err) {
  Diag *scratch = diag_new(c->arena, c->src);
  Fmt f;
  *err = NULL;
  if (!fmt_load(c, scratch, file, &f)) {
    *err = "the file does not lex cleanly";
    return NULL;
  }
  print_file(&f);
  char *text = align_comments(&f.out, c->arena, len);
  free(f.out.s);
  uint32_t again = src_add(c->src, arena_printf(c->arena, "%s (formatted)", src_file(c->src, file)->path), text, *len);
  Fmt g;
  if (!fmt_load(c, scratch, again, &g) || !same_tokens(&f, &g)) {
    free(g.out.s);
    *err = "internal error: the formatted text would not mean the same; the file is left as it is";
    return NULL;
  }
  return text;
}

/* ---------------------------------------------------------------------------------------
 * Unified diff
 * ------------------------------------------------------------------------------------- */

typedef struct Lines {
  const char **s;
  size_t *n;
  int count;
} Lines;

/* Split a text into lines (without their newlines). */
static Lines split_lines(const char *t, size_t len) {
  Lines l = {0};
  int cap = 0;
  for (size_t i = 0; i < len;) {
    const char *eol = memchr(t + i, '\n', len - i);
    size_t e = eol ? (size_t)(eol - t) : len;
    if (l.count == cap) {
      cap = cap ? cap * 2 : 64;
      l.s = xrealloc(l.s, sizeof *l.s * (size_t)cap);
      l.n = xrealloc(l.n, sizeof *l.n * (size_t)cap);
    }
    l.s[l.count] = t + i;
    l.n[l.count++] = e - i;
    i = e + 1;
  }
  return l;
}

static bool line_eq(const Lines *a, int i, const Lines *b, int j) {
  return a->n[i] == b->n[j] && memcmp(a->s[i], b->s[j], a->n[i]) == 0;
}

/* One edit-script entry: ' ' same, '-' only in a, '+' only in b. */
typedef struct Edit {
  char op;
  int i, j;
} Edit;

/* The edit script from a to b: common prefix and suffix, and a longest common
 * subsequence of the middle (the whole middle replaced when it is too large). */
static Edit *edit_script(const Lines *a, const Lines *b, int *count) {
  int pre = 0, suf = 0;
  while (pre < a->count && pre < b->count && line_eq(a, pre, b, pre)) pre++;
  while (suf < a->count - pre && suf < b->count - pre && line_eq(a, a->count - 1 - suf, b, b->count - 1 - suf)) suf++;
  int n = a->count - pre - suf, m = b->count - pre - suf;
  Edit *e = xmalloc(sizeof *e * (size_t)(a->count + b->count + 1));
  int k = 0;
  for (int i = 0; i < pre; i++) e[k++] = (Edit){' ', i, i};
  if ((size_t)(n + 1) * (size_t)(m + 1) <= 40u * 1000 * 1000) {
    unsigned *L = xcalloc((size_t)(n + 1) * (size_t)(m + 1), sizeof *L);
#define AT(i, j) L[(size_t)(i) * (size_t)(m + 1) + (size_t)(j)]
    for (int i = n - 1; i >= 0; i--)
      for (int j = m - 1; j >= 0; j--)
        AT(i, j) = line_eq(a, pre + i, b, pre + j) ? AT(i + 1, j + 1) + 1
                   : AT(i + 1, j) >= AT(i, j + 1) ? AT(i + 1, j) : AT(i, j + 1);
    int i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && line_eq(a, pre + i, b, pre + j)) e[k++] = (Edit){' ', pre + i++, pre + j++};
      else if (j < m && (i == n || AT(i, j + 1) > AT(i + 1, j))) e[k++] = (Edit){'+', pre + i, pre + j++};
      else e[k++] = (Edit){'-', pre + i++, pre + j};
    }
#undef AT
    free(L);
  } else {
    for (int i = 0; i < n; i++) e[k++] = (Edit){'-', pre + i, pre};
    for (int j = 0; j < m; j++) e[k++] = (Edit){'+', pre + n, pre + j};
  }
  for (int i = 0; i < suf; i++) e[k++] = (Edit){' ', pre + n + i, pre + m + i};
  *count = k;
  return e;
}

bool srcfmt_unified_diff(FILE *out, const char *old_label, const char *a, size_t alen,
                      const char *new_label, const char *b, size_t blen) {
  if (alen == blen && memcmp(a, b, alen) == 0) return false;
  Lines la = split_lines(a, alen), lb = split_lines(b, blen);
  int ne;
  Edit *e = edit_script(&la, &lb, &ne);
  fprintf(out, "--- %s\n+++ %s\n", old_label, new_label);
  enum { CTX = 3 };
  int done = 0;   /* entries before this are printed or skipped */
  for (int k = 0; k < ne;) {
    if (e[k].op == ' ') {
      k++;
      continue;
    }
    int from = k - CTX > done ? k - CTX : done;
    int last = k;   /* the last change of the hunk: changes closer than 2*CTX join it */
    for (int q = k + 1; q < ne && q - last <= 2 * CTX; q++)
      if (e[q].op != ' ') last = q;
    int to = last + 1 + CTX < ne ? last + 1 + CTX : ne;
    int na = 0, nb = 0;
    for (int q = from; q < to; q++) {
      na += e[q].op != '+';
      nb += e[q].op != '-';
    }
    fprintf(out, "@@ -%d,%d +%d,%d @@\n", e[from].i + (na ? 1 : 0), na, e[from].j + (nb ? 1 : 0), nb);
    for (int q = from; q < to; q++) {
      const char *s = e[q].op == '+' ? lb.s[e[q].j] : la.s[e[q].i];
      size_t n = e[q].op == '+' ? lb.n[e[q].j] : la.n[e[q].i];
      fprintf(out, "%c%.*s\n", e[q].op, (int)n, s);
    }
    k = done = to;
  }
  free(e);
  free(la.s), free(la.n), free(lb.s), free(lb.n);
  return true;
}
