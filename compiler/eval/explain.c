/* explain.c - one rule on one row, step by step (see explain.h).
 *
 *   explain_read_row     the rows file -> the header and the cells of one data row
 *   explain_row_inputs   those cells -> the rules' inputs (eval's parsing)
 *   explain_row          the interpreter's trace -> a tree of values (no evaluation here)
 *   explain_write        the tree as indented text or JSON
 *   explain_terms        the terms of a score: weights, contributions, shortfalls
 */
#include "explain.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "diag.h"
#include "fmt.h"
#include "rules.h"
#include "util.h"

const char *const explain_kind_names[XK_COUNT] = {
#define X(id, name) name,
    EXPLAIN_KIND_LIST(X)
#undef X
};

/* ------------------------------------------------------------------------
 * The rows file
 * ------------------------------------------------------------------------ */

/* The byte offset where 1-based `line` starts (the end of the text past the last). */
static size_t line_start(const SourceFile *f, long line) {
  size_t p = 0;
  for (long l = 1; l < line && p < f->len; p++)
    if (f->text[p] == '\n') l++;
  return p;
}

/* The spans of the first n cells of the record on `line`. */
static Span *record_cells(Arena *a, const SourceFile *f, uint32_t file, long line, size_t n) {
  size_t (*r)[2] = xmalloc((n + 1) * sizeof *r);
  csv_field_ranges(f->text, f->len, line_start(f, line), n, r);
  Span *out = arena_alloc(a, (n + 1) * sizeof *out);
  for (size_t i = 0; i < n; i++) out[i] = (Span){file, (uint32_t)r[i][0], (uint32_t)r[i][1]};
  free(r);
  return out;
}

/* The whole of `line`, without its line end. */
static Span line_span(const SourceFile *f, uint32_t file, long line) {
  size_t s = line_start(f, line), e = s;
  while (e < f->len && f->text[e] != '\n' && f->text[e] != '\r') e++;
  return (Span){file, (uint32_t)s, (uint32_t)e};
}

/* A field without the spaces and tabs around it. */
static const char *trim(const char *s, size_t *n) {
  while (*n && (*s == ' ' || *s == '\t')) s++, (*n)--;
  while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t')) (*n)--;
  return s;
}

/* Report the reader's error at its cell (or the file). */
static void reader_error(const Model *m, const ExplainRows *r, const SourceFile *f, const CsvError *e) {
  Span at = (Span){r->file, 0, 0};
  if (e->line > 0) {
    at = line_span(f, r->file, e->line);
    if (e->column > 0) at = record_cells(m->c->arena, f, r->file, e->line, (size_t)e->column)[e->column - 1];
  }
  diag_error(m->c->diag, at, E0801, "%s", e->message);
}

/* The header: trimmed names and their spans. */
static void take_header(Arena *a, const SourceFile *f, ExplainRows *r, const CsvRecord *rec) {
  r->ncols = rec->nfields;
  r->header = arena_alloc(a, (rec->nfields + 1) * sizeof *r->header);
  for (size_t i = 0; i < rec->nfields; i++) {
    size_t n = rec->fields[i].len;
    const char *s = trim(rec->fields[i].data, &n);
    r->header[i] = arena_strndup(a, s, n);
  }
  r->header_spans = record_cells(a, f, r->file, rec->line, rec->nfields);
  r->header_line = line_span(f, r->file, rec->line);
}

int explain_read_row(const Model *m, const char *path, long row, ExplainRows *out, char **err) {
  Arena *a = m->c->arena;
  char why[512];
  memset(out, 0, sizeof *out);
  out->path = path;
  out->row = row;
  int64_t id = csv_load_source(m->c->src, path, why, sizeof why);
  if (id < 0) {
    error_printf(err, "--input: %s", why);
    return MS_FAILED;
  }
  out->file = (uint32_t)id;
  const SourceFile *f = src_file(m->c->src, out->file);
  out->path = f->path;   /* "<stdin>" for "-" */
  if (f->len == 0) {
    diag_error(m->c->diag, (Span){out->file, 0, 0}, E0801, "the rows file is empty: it needs a header naming its columns");
    return MS_INPUT;
  }
  FILE *in = fmemopen(f->text, f->len, "r");
  CsvReader *cr = in ? csv_open_file(in, NULL) : NULL;
  if (!cr) {
    if (in) fclose(in);
    error_printf(err, "--input: out of memory reading '%s'", path);
    return MS_FAILED;
  }
  CsvRecord rec;
  int status = MS_INPUT, rc = csv_read_header(cr, &rec);
  long last_line = 0, rows = 0;
  if (rc == CSV_OK) {
    take_header(a, f, out, &rec);
    last_line = rec.line;
    while ((rc = csv_read_record(cr, &rec)) == CSV_OK) {
      rows++;
      last_line = rec.line;
      if (rows == row) break;
    }
  }
  if (rc == CSV_ERROR) {
    reader_error(m, out, f, csv_error(cr));
  } else if (rc == CSV_EOF) {
    Diagnostic *g = diag_error(m->c->diag, line_span(f, out->file, last_line), E0815,
                               "there is no row %ld: %s has %ld data row%s", row, path, rows,
                               rows == 1 ? "" : "s");
    diag_note(m->c->diag, g, NO_SPAN, "--row counts data rows from 1, the first row under the header "
              "(row N is line N+1 when no record spans lines)");
  } else {
    out->line = rec.line;
    out->cells = record_cells(a, f, out->file, rec.line, rec.nfields);
    out->texts = arena_alloc(a, (rec.nfields + 1) * sizeof *out->texts);
    out->lens = arena_alloc(a, (rec.nfields + 1) * sizeof *out->lens);
    for (size_t i = 0; i < rec.nfields; i++) {
      out->texts[i] = arena_strndup(a, rec.fields[i].data, rec.fields[i].len);
      out->lens[i] = rec.fields[i].len;
    }
    status = MS_OK;
  }
  csv_close(cr);
  fclose(in);
  return status;
}

/* What an input is, for messages: "a date, YYYY-MM-DD", "a boolean", "city". */
static const char *input_what(const RuleInput *in) {
  return in->kind == VAL_DATE ? "a date, YYYY-MM-DD"
         : in->kind == VAL_BOOL ? "a boolean"
         : in->unit ? in->unit->name : "a number";
}

/* The 0-based column named `name`, or -1 after a diagnostic (E0810 with the rules that
 * need it, or E0811). */
static int find_column(const Model *m, const ExplainRows *r, const RuleSig *const *sigs, int n, const RuleInput *in) {
  int col = -1;
  for (size_t c = 0; c < r->ncols; c++) {
    if (strcmp(r->header[c], in->name) != 0) continue;
    if (col < 0) {
      col = (int)c;
      continue;
    }
    Diagnostic *g = diag_error(m->c->diag, r->header_spans[c], E0811, "column '%s' appears twice (columns %d and %zu)",
                               in->name, col + 1, c + 1);
    diag_note(m->c->diag, g, r->header_spans[col], "the first one");
    return -1;
  }
  if (col >= 0) return col;
  const char *needed = "";
  for (int i = 0; i < n; i++)
    for (int k = 0; k < sigs[i]->ninputs; k++)
      if (strcmp(sigs[i]->inputs[k].name, in->name) == 0) {
        needed = arena_printf(m->c->arena, "%s%s%s", needed, *needed ? ", " : "", sigs[i]->rule->name);
        break;
      }
  diag_error(m->c->diag, r->header_line, E0810, "missing column '%s' (%s), needed by %s", in->name, input_what(in),
             needed);
  return -1;
}

/* Parse one cell as eval does; false after a diagnostic (E0812 empty, E0813 unreadable),
 * or with na_nan such a cell is a missing value (NaN), as `eval --na=nan` reads it. */
static bool parse_input(const Model *m, const ExplainRows *r, int col, const RuleInput *in, bool na_nan, double *v) {
  char msg[256];
  bool empty = false;
  if (eval_parse_cell(in->kind, in->name, r->texts[col], r->lens[col], false, v, msg, sizeof msg, &empty)) return true;
  if (na_nan) {
    *v = NAN;
    return true;
  }
  diag_error(m->c->diag, r->cells[col], empty ? E0812 : E0813, "%s", msg);
  return false;
}

/* An input column of the row, looked up and parsed once for all the rules. */
typedef struct Seen {
  const char *name;
  int col;       /* 0-based, or -1 after a problem */
  double v;
} Seen;

bool explain_row_inputs(const Model *m, const ExplainRows *r, const RuleSig *const *sigs, int n, bool na_nan,
                        double **vals, int **cols) {
  bool ok = true;
  PtrVec seen = {0};
  for (int i = 0; i < n; i++)
    for (int k = 0; k < sigs[i]->ninputs; k++) {
      const RuleInput *in = &sigs[i]->inputs[k];
      Seen *s = NULL;
      for (int j = 0; j < seen.len && !s; j++)
        if (strcmp(((Seen *)seen.items[j])->name, in->name) == 0) s = seen.items[j];
      if (!s) {
        s = arena_alloc(m->c->arena, sizeof *s);
        s->name = in->name;
        s->col = find_column(m, r, sigs, n, in);
        if (s->col >= 0 && !parse_input(m, r, s->col, in, na_nan, &s->v)) s->col = -1;
        vec_push(m->c->arena, &seen, s);
      }
      cols[i][k] = s->col + 1;
      vals[i][k] = s->v;
      if (s->col < 0) ok = false;
    }
  return ok;
}

/* ------------------------------------------------------------------------
 * The tree, from the interpreter's trace
 * ------------------------------------------------------------------------ */

/* A rule's tree, kept until a node that names the rule takes it. */
typedef struct RuleTree {
  const Sym *rule;
  ExplainNode *tree;
  bool attached;
} RuleTree;

typedef struct Builder {
  Arena *a;
  const Model *m;
  const RuleSig *sig;
  PtrVec open;       /* ExplainNode*: the nodes being evaluated, innermost last */
  PtrVec frames;     /* ExplainNode*: the fn calls whose bodies are running; NULL in a rule body */
  RuleTree *rules;
  int nrules, caprules;
  int *tree_of;      /* by Sym.index: 1 + the rule's place in rules, 0 before its body ran */
} Builder;

static ExplainNode *top(const PtrVec *v) { return v->len ? v->items[v->len - 1] : NULL; }

static void add_kid(Arena *a, ExplainNode *p, ExplainNode *k) {
  if (p->nkids == p->capkids) {
    int cap = p->capkids ? 2 * p->capkids : 4;
    ExplainNode **kids = arena_alloc(a, (size_t)cap * sizeof *kids);
    if (p->nkids) memcpy(kids, p->kids, (size_t)p->nkids * sizeof *kids);
    p->kids = kids;
    p->capkids = cap;
  }
  p->kids[p->nkids++] = k;
}

static ExplainNode *new_node(Builder *b, const Node *n) {
  ExplainNode *x = arena_alloc(b->a, sizeof *x);
  x->node = n;
  x->input = -1;
  x->reads = arena_alloc(b->a, (size_t)b->sig->ninputs + 1);
  return x;
}

/* The kind of a node from its checked form. */
static ExplainKind kind_of(const Node *n) {
  switch (expr_sem(n)->form) {
  case EX_CONST: return XK_CONSTANT;
  case EX_INDICATOR: case EX_DATE_INPUT: case EX_FIELD: return XK_INPUT;
  case EX_PARAM: return XK_PARAMETER;
  case EX_RULE: return XK_RULE;
  case EX_GOAL: case EX_DECL: return XK_GOAL;
  case EX_CALL_FN: return XK_CALL;
  case EX_BUILTIN: return XK_BUILTIN;
  case EX_OP: return n->kind == ND_IF ? XK_IF : XK_OPERATOR;
  }
  return XK_CONSTANT;
}

/* The tree node of argument `i` of a call node (NULL for a goal argument). */
static ExplainNode *arg_kid(const ExplainNode *call, int i) {
  const Node *arg = call->node->call.args.items[i];
  for (int k = 0; k < call->nkids; k++)
    if (call->kids[k]->node == arg) return call->kids[k];
  return NULL;
}

/* The goal named by argument node `arg` in frame f of the builder (resolving
 * parameters through the calls that passed them). */
static const Sym *goal_in_frame(const Builder *b, int f, const Node *arg) {
  for (;;) {
    const ExprSem *s = expr_sem(arg);
    if (s->form == EX_GOAL) return s->ref;
    if (s->form != EX_PARAM || f < 0 || !b->frames.items[f]) return NULL;
    const ExplainNode *call = b->frames.items[f];
    arg = call->node->call.args.items[s->index];
    f--;
  }
}

static const Sym *goal_arg(const Builder *b, const Node *arg) { return goal_in_frame(b, b->frames.len - 1, arg); }

static void or_reads(const Builder *b, ExplainNode *x, const bool *reads) {
  for (int i = 0; i < b->sig->ninputs; i++) x->reads[i] |= reads[i];
}

/* The kids of a call in argument order, goal arguments as goal leaves; the body last. */
static void order_call_kids(Builder *b, ExplainNode *x) {
  const NodeList *args = &x->node->call.args;
  ExplainNode *body = NULL;
  for (int k = 0; k < x->nkids; k++)
    if (x->kids[k]->body) body = x->kids[k];
  ExplainNode **kids = arena_alloc(b->a, (size_t)(args->len + 2) * sizeof *kids);
  int n = 0;
  for (int i = 0; i < args->len; i++) {
    ExplainNode *k = arg_kid(x, i);
    if (!k) {
      k = new_node(b, args->items[i]);
      k->kind = XK_GOAL;
      k->ref = goal_arg(b, args->items[i]);
      k->name = k->ref ? k->ref->name : NULL;
    }
    kids[n++] = k;
  }
  if (body) kids[n++] = body;
  x->kids = kids;
  x->nkids = x->capkids = n;
}

/* A numeric type of dimension d in base units. */
static Type num_type(Dim d) { return (Type){TY_NUM, d, NULL}; }

/* The type of a node whose checked type is per call (inside a unit-polymorphic fn):
 * read off its kids, which are typed already. Only for display. */
static Type poly_type(const Builder *b, const ExplainNode *x) {
  const Unit *one = units_dimensionless(b->m->units);
  Type plain = num_type(one->dim), none = {TY_ERROR, {NULL}, NULL};
  const ExplainNode *k0 = x->nkids > 0 ? x->kids[0] : NULL, *k1 = x->nkids > 1 ? x->kids[1] : NULL;
  switch (x->kind) {
  case XK_PARAMETER: {
    const ExplainNode *call = top(&b->frames);
    const ExplainNode *arg = call ? arg_kid(call, expr_sem(x->node)->index) : NULL;
    return arg ? arg->type : none;
  }
  case XK_CALL:
    for (int k = 0; k < x->nkids; k++)
      if (x->kids[k]->body) return x->kids[k]->type;
    return none;
  case XK_IF: return x->nkids > 1 ? x->kids[1]->type : none;
  case XK_OPERATOR:
    if (x->node->kind == ND_UNARY) return x->node->unary.op == OP_NOT ? (Type){TY_BOOL, {NULL}, NULL} : k0->type;
    switch (x->node->binary.op) {
    case OP_ADD: case OP_SUB: return k0->type.kind != TY_ERROR ? k0->type : k1->type;
    case OP_MUL: return num_type(dim_mul(&k0->type.dim, &k1->type.dim));
    case OP_DIV: return num_type(dim_div(&k0->type.dim, &k1->type.dim));
    case OP_POW: return plain;
    default: return (Type){TY_BOOL, {NULL}, NULL};
    }
  case XK_BUILTIN:
    switch (expr_sem(x->node)->builtin) {
    case BI_MIN: case BI_MAX: case BI_CLAMP: case BI_ABS: case BI_ROUND: case BI_FLOOR: case BI_CEIL:
      return k0 ? k0->type : none;
    case BI_SQRT: {
      Dim d;
      return k0 && dim_halve(&k0->type.dim, &d) ? num_type(d) : none;
    }
    default: return plain;
    }
  default: return none;
  }
}

/* The node's type: the checker's, or for a polymorphic fn's node, this call's. The
 * unit it is shown in follows the values: a ratio of one dimension is a plain number
 * (emission_cut / 10% = 0.65, not 65%); min, max, clamp ... and `if` show their
 * value in the unit of the argument or branch it came from. */
static Type type_of(const Builder *b, const ExplainNode *x) {
  const ExprSem *s = expr_sem(x->node);
  Type t = !s->poly && s->type.kind != TY_ERROR ? s->type : poly_type(b, x);
  if (t.kind != TY_NUM) return t;
  if (x->kind == XK_RULE) t.unit = x->ref->rule.unit;   /* as eval prints the rule: declared unit, else base */
  if (x->kind == XK_OPERATOR && x->node->kind == ND_BINARY && x->node->binary.op == OP_DIV && dim_is_none(&t.dim))
    t.unit = NULL;
  if (x->kind == XK_CALL && !x->ref->rule.unit && x->nkids > 0 && x->kids[x->nkids - 1]->body &&
      x->kids[x->nkids - 1]->type.kind == TY_NUM)
    t.unit = x->kids[x->nkids - 1]->type.unit;   /* no declared unit: the body's */
  if (x->kind == XK_IF && x->nkids == 3) {
    const ExplainNode *k = x->kids[0]->value != 0.0 ? x->kids[1] : x->kids[2];
    if (k->type.kind == TY_NUM) t.unit = k->type.unit;
  }
  if (x->kind == XK_BUILTIN && x->nkids > 0 && x->kids[0]->type.kind == TY_NUM) {
    Builtin bi = s->builtin;
    if (bi == BI_MIN || bi == BI_MAX || bi == BI_CLAMP || bi == BI_ABS)
      for (int k = 0; k < x->nkids; k++)
        if (x->kids[k]->value == x->value && x->kids[k]->type.kind == TY_NUM) {
          t.unit = x->kids[k]->type.unit;
          break;
        }
  }
  return t;
}

/* An input leaf: its slot, name and declared unit. */
static void finish_input(Builder *b, ExplainNode *x) {
  const ExprSem *s = expr_sem(x->node);
  int slot = s->form == EX_INDICATOR ? rule_sig_slot(b->sig, s->ref, -1, false)
             : s->form == EX_FIELD ? rule_sig_slot(b->sig, NULL, s->index, false)
                                   : rule_sig_slot(b->sig, NULL, -1, true);
  if (slot < 0) return;
  const RuleInput *in = &b->sig->inputs[slot];
  x->input = slot;
  x->name = in->name;
  x->reads[slot] = true;
  if (in->kind == VAL_NUM && in->unit) x->type = (Type){TY_NUM, in->unit->dim, in->unit};
}

/* A rule named in the formula: its tree the first time, a reference back after. */
static void finish_rule(Builder *b, ExplainNode *x) {
  x->ref = expr_sem(x->node)->ref;
  int i = b->tree_of[x->ref->index] - 1;   /* the interpreter ran each rule's body at most once */
  if (i < 0) return;
  RuleTree *t = &b->rules[i];
  or_reads(b, x, t->tree->reads);
  if (t->attached) x->repeat = true;
  else add_kid(b->a, x, t->tree);
  t->attached = true;
}

/* A built-in: goal arguments as leaves, and the goal's indicator as read. */
static void finish_builtin(Builder *b, ExplainNode *x) {
  Builtin bi = expr_sem(x->node)->builtin;
  if (bi != BI_PROGRESS && bi != BI_EXPECTED && bi != BI_ON_TRACK && bi != BI_PLANNED) return;
  x->ref = goal_arg(b, x->node->call.args.items[0]);
  order_call_kids(b, x);
  if (x->ref && (bi == BI_PROGRESS || bi == BI_ON_TRACK)) {
    int slot = rule_sig_slot(b->sig, x->ref->goal.indicator, -1, false);
    if (slot >= 0) x->reads[slot] = true;
  }
}

static void on_enter(void *ctx, const Node *n) {
  Builder *b = ctx;
  ExplainNode *x = new_node(b, n), *parent = top(&b->open);
  x->kind = kind_of(n);
  if (x->kind == XK_CALL) x->ref = expr_sem(n)->ref;
  if (parent && parent->kind == XK_CALL && parent->ref->rule.body == n) {
    x->body = true;
    vec_push(b->a, &b->frames, parent);
  }
  vec_push(b->a, &b->open, x);
}

static void on_leave(void *ctx, const Node *n, double v) {
  Builder *b = ctx;
  ExplainNode *x = top(&b->open);
  if (!x || x->node != n) unreachable_bug("explain: the trace left a node it did not enter");
  b->open.len--;
  x->has_value = true;
  x->value = v;
  switch (x->kind) {
  case XK_INPUT: finish_input(b, x); break;
  case XK_PARAMETER: {
    const ExplainNode *call = top(&b->frames);
    int i = expr_sem(n)->index;
    x->name = call ? call->ref->rule.params[i]->param.name.str : NULL;
    const ExplainNode *arg = call ? arg_kid(call, i) : NULL;
    if (arg) or_reads(b, x, arg->reads);
    break;
  }
  case XK_RULE: finish_rule(b, x); break;
  case XK_CALL: order_call_kids(b, x); break;
  case XK_BUILTIN: finish_builtin(b, x); break;
  default: break;
  }
  for (int k = 0; k < x->nkids; k++) or_reads(b, x, x->kids[k]->reads);
  if (x->kind != XK_INPUT || x->type.kind == TY_ERROR) x->type = type_of(b, x);
  if (x->body) b->frames.len--;
  ExplainNode *parent = top(&b->open);
  if (parent) add_kid(b->a, parent, x);
}

/* Another rule's body: its nodes collect under a holder until the rule is named. */
static void on_rule_begin(void *ctx, const Sym *rule) {
  Builder *b = ctx;
  ExplainNode *holder = arena_alloc(b->a, sizeof *holder);
  holder->ref = rule;
  vec_push(b->a, &b->open, holder);
  vec_push(b->a, &b->frames, NULL);
}

static void on_rule_end(void *ctx, const Sym *rule) {
  Builder *b = ctx;
  ExplainNode *holder = top(&b->open);
  b->open.len--;
  b->frames.len--;
  if (!holder || holder->node || holder->nkids != 1) unreachable_bug("explain: a rule body without one tree");
  if (b->nrules == b->caprules) {
    b->caprules = b->caprules ? 2 * b->caprules : 8;
    b->rules = xrealloc(b->rules, (size_t)b->caprules * sizeof *b->rules);
  }
  holder->kids[0]->body = true;
  b->rules[b->nrules++] = (RuleTree){rule, holder->kids[0], false};
  b->tree_of[rule->index] = b->nrules;
}

Explanation *explain_row(Arena *a, const Model *m, const RuleSig *sig, const double *row) {
  Builder b = {.a = a, .m = m, .sig = sig, .tree_of = xcalloc((size_t)m->syms.len + 1, sizeof(int))};
  ExplainNode holder = {0};
  vec_push(a, &b.open, &holder);
  InterpTrace trace = {&b, on_enter, on_leave, on_rule_begin, on_rule_end};
  Interp *ip = interp_new(sig);
  Explanation *e = arena_alloc(a, sizeof *e);
  e->m = m;
  e->sig = sig;
  double *copy = arena_alloc(a, (size_t)(sig->ninputs + 1) * sizeof *copy);
  if (sig->ninputs) memcpy(copy, row, (size_t)sig->ninputs * sizeof *copy);
  e->row = copy;
  e->result = interp_trace_row(ip, row, &trace);
  interp_free(ip);
  free(b.rules);
  free(b.tree_of);
  if (holder.nkids != 1) unreachable_bug("explain: the rule gave no tree");
  e->root = holder.kids[0];
  e->root->body = true;
  return e;
}

/* ------------------------------------------------------------------------
 * Values as text
 * ------------------------------------------------------------------------ */

/* The unit a value of type t is shown in: its own unit, else base units (name in *name). */
static double shown_scale(Arena *a, const Model *m, const Type *t, const char **name) {
  *name = NULL;
  if (t->kind != TY_NUM) return 1.0;
  if (t->unit && t->unit->scale > 0) {
    *name = t->unit->name;
    return t->unit->scale;
  }
  if (!dim_is_none(&t->dim)) *name = dim_format(m->units, a, &t->dim);
  return 1.0;
}

/* A value of type t (base units) as a reader wants it: "45 city", "42%", "true",
 * "2025-06-30"; exact: every digit eval would print. */
static const char *value_text(Arena *a, const Model *m, const Type *t, double v, bool exact) {
  char buf[48];
  if (t->kind == TY_BOOL) return isnan(v) ? "nan" : v != 0.0 ? "true" : "false";
  if (t->kind == TY_DATE) {
    eval_format_value(VAL_DATE, v, buf);
    return arena_strdup(a, buf);
  }
  const char *unit;
  double x = v / shown_scale(a, m, t, &unit);
  const char *num;
  if (exact || !isfinite(x)) {
    csv_format_double(x, buf);
    num = arena_strdup(a, buf);
  } else {
    num = fmt_num(a, x);
  }
  return fmt_with_unit(a, num, unit ? fmt_unit_name(unit) : NULL);
}

/* The source text of a node, with runs of white space as one space. */
static const char *node_text(Arena *a, const Model *m, const Node *n) {
  const SourceFile *f = src_file(m->c->src, n->span.file);
  if (!f) return "";
  size_t len = n->span.end - n->span.start, k = 0;
  char *out = arena_alloc(a, len + 1);
  bool space = false;
  for (size_t i = 0; i < len; i++) {
    char c = f->text[n->span.start + i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = k > 0;
      continue;
    }
    if (space) out[k++] = ' ';
    space = false;
    out[k++] = c;
  }
  out[k] = '\0';
  return out;
}

const char *explain_value_text(Arena *a, const Model *m, const Type *t, double v) {
  return value_text(a, m, t, v, false);
}

const char *explain_node_text(Arena *a, const Model *m, const Node *n) { return node_text(a, m, n); }

/* The text of a node for a line of the text tree: at most 72 characters. */
static const char *short_text(Arena *a, const Model *m, const Node *n) {
  const char *t = node_text(a, m, n);
  if (strlen(t) <= 72) return t;
  return arena_printf(a, "%.69s...", t);
}

/* The result of a rule as eval prints it, and as a reader reads it. */
static const char *result_text(Arena *a, const Explanation *e, bool eval_cell) {
  char buf[48];
  eval_format_value(e->sig->result, e->result, buf);
  if (eval_cell) return arena_strdup(a, buf);
  if (e->sig->result == VAL_BOOL) return isnan(e->result) ? "nan" : e->result != 0.0 ? "true" : "false";
  if (e->sig->result != VAL_NUM) return arena_strdup(a, buf);
  const char *unit = e->sig->result_unit ? e->sig->result_unit->name : NULL;
  if (!unit && !dim_is_none(&e->sig->rule->rule.type.dim))
    unit = dim_format(e->m->units, a, &e->sig->rule->rule.type.dim);
  return fmt_with_unit(a, arena_strdup(a, buf), unit ? fmt_unit_name(unit) : NULL);
}

/* The goal's facts for a note: "neutral = 45 city; baseline 0 city, target 100 city". */
static const char *goal_facts(Arena *a, const Explanation *e, const Sym *g) {
  const Sym *ind = g->goal.indicator;
  if (!ind) return arena_printf(a, "goal %s", g->name);
  Type t = {TY_NUM, ind->indicator.unit ? ind->indicator.unit->dim : (Dim){NULL}, ind->indicator.unit};
  const char *facts = arena_printf(a, "goal %s: baseline %s, target %s by %s", g->name,
                                   value_text(a, e->m, &t, g->goal.baseline.value, false),
                                   value_text(a, e->m, &t, g->goal.target.value, false),
                                   fmt_day(a, g->goal.deadline));
  return facts;
}

/* ------------------------------------------------------------------------
 * Text
 * ------------------------------------------------------------------------ */

/* What a line of the text tree says after the value. */
static const char *note_of(Arena *a, const Explanation *e, const ExplainItem *it, const ExplainNode *x) {
  switch (x->kind) {
  case XK_INPUT: return arena_printf(a, "input, column %d", it->cols ? it->cols[x->input] : 0);
  case XK_PARAMETER: return "parameter";
  case XK_RULE:
    return arena_printf(a, "%s %s%s", decl_kind_names[x->ref->kind], x->ref->name, x->repeat ? ", explained above" : "");
  case XK_GOAL: return x->ref ? goal_facts(a, e, x->ref) : "goal";
  case XK_CALL: return arena_printf(a, "fn %s", x->ref->name);
  case XK_BUILTIN:
    if (x->ref && x->ref->goal.indicator) {
      int slot = rule_sig_slot(e->sig, x->ref->goal.indicator, -1, false);
      if (slot >= 0 && expr_sem(x->node)->builtin != BI_EXPECTED && expr_sem(x->node)->builtin != BI_PLANNED) {
        const RuleInput *in = &e->sig->inputs[slot];
        Type t = {TY_NUM, in->unit ? in->unit->dim : (Dim){NULL}, in->unit};
        return arena_printf(a, "%s = %s", in->name, value_text(a, e->m, &t, e->row[slot] * in->scale, false));
      }
    }
    return NULL;
  default: return NULL;
  }
}

/* One node and its kids, indented by depth. */
static void text_node(FILE *out, Arena *a, const Explanation *e, const ExplainItem *it, const ExplainNode *x,
                      int depth) {
  const char *text = short_text(a, e->m, x->node);
  fprintf(out, "%*s", 2 * depth, "");
  if (x->body) fputs(x->kind == XK_RULE ? "" : "= ", out);
  fputs(text, out);
  if (x->has_value) {
    const char *v = value_text(a, e->m, &x->type, x->value, false);
    if (x->kind != XK_CONSTANT || strcmp(v, text) != 0) fprintf(out, " = %s", v);
  }
  const char *note = note_of(a, e, it, x);
  if (note) fprintf(out, "  (%s)", note);
  if (depth - 1 >= EXPLAIN_MAX_DEPTH && x->nkids) {   /* the root is at 1 */
    fputs("  [deeper steps not shown]\n", out);
    return;
  }
  fputc('\n', out);
  for (int k = 0; k < x->nkids; k++) text_node(out, a, e, it, x->kids[k], depth + 1);
}

static const char *const terms_kind_names[] = {"", "sum", "min", "max"};

/* The type a rule's value is shown in: its declared unit, else base units. */
static Type result_type(const Explanation *e) {
  return (Type){TY_NUM, e->sig->rule->rule.type.dim, e->sig->result_unit};
}

/* The terms of a score under its tree: which one pulled it down (explain_terms). */
static void text_terms(FILE *out, Arena *a, const Explanation *e) {
  ExplainTerms ts = explain_terms(a, e);
  if (ts.kind == TERMS_NONE) return;
  Type rt = result_type(e);
  fprintf(out, "\nterms of %s (%s%s):\n", e->sig->rule->name, terms_kind_names[ts.kind],
          ts.kind == TERMS_SUM ? "; shortfall = weight x (best value - value)" : "");
  for (int k = 0; k < ts.n; k++) {
    const ExplainTerm *t = &ts.items[k];
    fprintf(out, "  %s", short_text(a, e->m, t->node->node));
    if (t->goal) fprintf(out, "  goal %s", t->goal->name);
    fprintf(out, "  value %s", value_text(a, e->m, &t->node->type, t->node->value, false));
    if (ts.kind == TERMS_SUM)
      fprintf(out, "  weight %s  contribution %s", fmt_num(a, t->weight), value_text(a, e->m, &rt, t->contribution, false));
    if (t->has_shortfall) fprintf(out, "  shortfall %s", value_text(a, e->m, &rt, t->shortfall, false));
    if (k == ts.worst) fputs("  <- pulled it down most", out);
    else if (t->binding) fputs(ts.kind == TERMS_MAX ? "  <- sets the score (highest)" : "  <- sets the score (lowest)", out);
    fputc('\n', out);
  }
}

/* "file:line:col" of a span. */
static const char *where(Arena *a, const Model *m, Span s) {
  int line, col;
  src_linecol(m->c->src, s.file, s.start, &line, &col);
  return arena_printf(a, "%s:%d:%d", src_file(m->c->src, s.file)->path, line, col);
}

static void text_item(FILE *out, Arena *a, const ExplainRows *rows, const ExplainItem *it) {
  const Explanation *e = it->e;
  const Sym *r = e->sig->rule;
  fprintf(out, "%s %s", decl_kind_names[r->kind], r->name);
  if (sym_title_text(r)) fprintf(out, " \"%s\"", sym_title_text(r));
  fprintf(out, "  (%s)\n", where(a, e->m, r->decl->decl.name.span));
  fprintf(out, "row %ld of %s (line %ld)", rows->row, rows->path, rows->line);
  for (int k = 0; k < e->sig->ninputs; k++) {
    const RuleInput *in = &e->sig->inputs[k];
    Type t = {in->kind == VAL_BOOL ? TY_BOOL : in->kind == VAL_DATE ? TY_DATE : TY_NUM,
              in->unit ? in->unit->dim : (Dim){NULL}, in->unit};
    fprintf(out, "%s %s = %s", k ? "," : ":", in->name, value_text(a, e->m, &t, e->row[k] * in->scale, false));
  }
  fprintf(out, "\n\n%s = %s\n", r->name, result_text(a, e, false));
  text_node(out, a, e, it, e->root, 1);
  text_terms(out, a, e);
}

/* ------------------------------------------------------------------------
 * JSON
 * ------------------------------------------------------------------------ */

static void json_span(FILE *out, const Model *m, Span s) {
  int l0, c0, l1, c1;
  src_linecol(m->c->src, s.file, s.start, &l0, &c0);
  src_linecol(m->c->src, s.file, s.end, &l1, &c1);
  fputs("{\"file\": ", out);
  diag_json_string(out, src_file(m->c->src, s.file)->path);
  fprintf(out, ", \"line\": %d, \"column\": %d, \"end_line\": %d, \"end_column\": %d}", l0, c0, l1, c1);
}

/* A value as JSON: a number in its shown unit (null when not finite), true/false, or a date. */
static void json_value(FILE *out, Arena *a, const Model *m, const Type *t, double v) {
  char buf[48];
  if (isnan(v) || (t->kind != TY_BOOL && !isfinite(v))) {
    fputs("null", out);
  } else if (t->kind == TY_BOOL) {
    fputs(v != 0.0 ? "true" : "false", out);
  } else if (t->kind == TY_DATE) {
    eval_format_value(VAL_DATE, v, buf);
    diag_json_string(out, buf);
  } else {
    const char *unit;
    csv_format_double(v / shown_scale(a, m, t, &unit), buf);
    fputs(buf, out);
  }
}

/* The shown unit of a type as JSON: a name, "date", "bool", or null (a plain number). */
static void json_unit(FILE *out, Arena *a, const Model *m, const Type *t) {
  const char *unit = NULL;
  if (t->kind == TY_BOOL) unit = "bool";
  else if (t->kind == TY_DATE) unit = "date";
  else shown_scale(a, m, t, &unit);
  if (unit && t->kind == TY_NUM && !*fmt_unit_name(unit)) unit = NULL;
  if (unit) diag_json_string(out, unit);
  else fputs("null", out);
}

static void json_indent(FILE *out, int depth) { fprintf(out, "\n%*s", 2 * depth, ""); }

static void json_node(FILE *out, Arena *a, const Explanation *e, const ExplainNode *x, int depth) {
  const Model *m = e->m;
  fputc('{', out);
  json_indent(out, depth + 1);
  fprintf(out, "\"kind\": \"%s\",", explain_kind_names[x->kind]);
  json_indent(out, depth + 1);
  fputs("\"text\": ", out);
  diag_json_string(out, node_text(a, m, x->node));
  fputs(",", out);
  json_indent(out, depth + 1);
  fputs("\"span\": ", out);
  json_span(out, m, x->node->span);
  if (x->name || (x->ref && x->kind != XK_BUILTIN)) {
    fputs(",", out);
    json_indent(out, depth + 1);
    fputs("\"name\": ", out);
    diag_json_string(out, x->name ? x->name : x->ref->name);
  }
  if (x->kind == XK_OPERATOR) {
    fprintf(out, ",");
    json_indent(out, depth + 1);
    fputs("\"op\": ", out);
    diag_json_string(out, op_texts[x->node->kind == ND_UNARY ? x->node->unary.op : x->node->binary.op]);
  }
  if (x->kind == XK_BUILTIN) {
    fputs(",", out);
    json_indent(out, depth + 1);
    fprintf(out, "\"function\": \"%s\"", builtin_names[expr_sem(x->node)->builtin]);
  }
  if (x->ref && (x->kind == XK_GOAL || x->kind == XK_BUILTIN)) {
    fputs(",", out);
    json_indent(out, depth + 1);
    fputs("\"goal\": ", out);
    diag_json_string(out, x->ref->name);
  }
  if (x->input >= 0) {
    fputs(",", out);
    json_indent(out, depth + 1);
    fprintf(out, "\"input\": %d", x->input);
  }
  if (x->has_value) {
    fputs(",", out);
    json_indent(out, depth + 1);
    fputs("\"value\": ", out);
    json_value(out, a, m, &x->type, x->value);
    fputs(", \"value_text\": ", out);
    diag_json_string(out, value_text(a, m, &x->type, x->value, true));
    fputs(", \"unit\": ", out);
    json_unit(out, a, m, &x->type);
  }
  if (x->body) fputs(", \"body\": true", out);
  if (x->repeat) fputs(", \"repeat\": true", out);
  bool elided = (depth - 3) / 2 >= EXPLAIN_MAX_DEPTH && x->nkids;   /* the root is at 3, two per level */
  if (elided) fputs(", \"elided\": true", out);
  fputs(",", out);
  json_indent(out, depth + 1);
  fputs("\"reads\": [", out);
  for (int k = 0, n = 0; k < e->sig->ninputs; k++)
    if (x->reads[k]) {
      if (n++) fputs(", ", out);
      diag_json_string(out, e->sig->inputs[k].name);
    }
  fputs("],", out);
  json_indent(out, depth + 1);
  fputs("\"children\": [", out);
  for (int k = 0; k < (elided ? 0 : x->nkids); k++) {
    if (k) fputc(',', out);
    json_indent(out, depth + 2);
    json_node(out, a, e, x->kids[k], depth + 2);
  }
  if (x->nkids && !elided) json_indent(out, depth + 1);
  fputc(']', out);
  json_indent(out, depth);
  fputc('}', out);
}

/* The terms of a score, or null (explain_terms). */
static void json_terms(FILE *out, Arena *a, const Explanation *e) {
  ExplainTerms ts = explain_terms(a, e);
  fputs(",\n      \"terms\": ", out);
  if (ts.kind == TERMS_NONE) {
    fputs("null", out);
    return;
  }
  Type rt = result_type(e);
  fprintf(out, "{\"kind\": \"%s\", \"worst\": ", terms_kind_names[ts.kind]);
  if (ts.worst >= 0) fprintf(out, "%d", ts.worst);
  else fputs("null", out);
  fputs(", \"items\": [", out);
  for (int k = 0; k < ts.n; k++) {
    const ExplainTerm *t = &ts.items[k];
    fputs(k ? ",\n        {\"text\": " : "\n        {\"text\": ", out);
    diag_json_string(out, node_text(a, e->m, t->node->node));
    fputs(", \"span\": ", out);
    json_span(out, e->m, t->node->node->span);
    fputs(", \"goal\": ", out);
    if (t->goal) diag_json_string(out, t->goal->name);
    else fputs("null", out);
    fputs(", \"value\": ", out);
    json_value(out, a, e->m, &t->node->type, t->node->value);
    fputs(", \"unit\": ", out);
    json_unit(out, a, e->m, &t->node->type);
    fputs(", \"weight\": ", out);
    Type plain = {TY_NUM, {NULL}, NULL};
    if (ts.kind == TERMS_SUM) json_value(out, a, e->m, &plain, t->weight);
    else fputs("null", out);
    fputs(", \"contribution\": ", out);
    if (ts.kind == TERMS_SUM) json_value(out, a, e->m, &rt, t->contribution);
    else fputs("null", out);
    fputs(", \"shortfall\": ", out);
    if (t->has_shortfall) json_value(out, a, e->m, &rt, t->shortfall);
    else fputs("null", out);
    fprintf(out, ", \"binding\": %s}", t->binding ? "true" : "false");
  }
  fputs("\n      ]}", out);
}

static void json_item(FILE *out, Arena *a, const ExplainRows *rows, const ExplainItem *it) {
  const Explanation *e = it->e;
  const Model *m = e->m;
  const Sym *r = e->sig->rule;
  fputs("{\n      \"rule\": ", out);
  diag_json_string(out, r->name);
  fprintf(out, ",\n      \"kind\": \"%s\",\n      \"title\": ", decl_kind_names[r->kind]);
  if (sym_title_text(r)) diag_json_string(out, sym_title_text(r));
  else fputs("null", out);
  fputs(",\n      \"span\": ", out);
  json_span(out, m, r->decl->decl.name.span);
  fprintf(out, ",\n      \"type\": \"%s\",\n      \"unit\": ", val_kind_names[e->sig->result]);
  const char *unit = e->sig->result_unit ? e->sig->result_unit->name : NULL;
  if (!unit && e->sig->result == VAL_NUM && !dim_is_none(&r->rule.type.dim))
    unit = dim_format(m->units, a, &r->rule.type.dim);
  if (unit && *fmt_unit_name(unit)) diag_json_string(out, unit);
  else fputs("null", out);
  fputs(",\n      \"value\": ", out);
  Type rt = {e->sig->result == VAL_BOOL ? TY_BOOL : e->sig->result == VAL_DATE ? TY_DATE : TY_NUM, {NULL}, NULL};
  json_value(out, a, m, &rt, e->result);
  fputs(",\n      \"eval\": ", out);
  diag_json_string(out, result_text(a, e, true));
  fputs(",\n      \"inputs\": [", out);
  const SourceFile *f = src_file(m->c->src, rows->file);
  for (int k = 0; k < e->sig->ninputs; k++) {
    const RuleInput *in = &e->sig->inputs[k];
    int col = it->cols ? it->cols[k] : 0;
    fprintf(out, "%s\n        {\"name\": ", k ? "," : "");
    diag_json_string(out, in->name);
    fprintf(out, ", \"column\": %d, \"cell\": ", col);
    if (col > 0) {
      Span c = rows->cells[col - 1];
      diag_json_string_n(out, f->text + c.start, c.end - c.start);
    } else {
      fputs("null", out);
    }
    Type t = {in->kind == VAL_BOOL ? TY_BOOL : in->kind == VAL_DATE ? TY_DATE : TY_NUM,
              in->unit ? in->unit->dim : (Dim){NULL}, in->unit};
    fputs(", \"value\": ", out);
    json_value(out, a, m, &t, e->row[k] * in->scale);
    fputs(", \"unit\": ", out);
    json_unit(out, a, m, &t);
    fputc('}', out);
  }
  fputs(e->sig->ninputs ? "\n      ],\n      \"tree\": " : "],\n      \"tree\": ", out);
  json_node(out, a, e, e->root, 3);
  json_terms(out, a, e);
  fputs("\n    }", out);
}

void explain_write(FILE *out, ExplainFormat format, const ExplainRows *rows, const ExplainItem *items, int n) {
  if (n == 0) return;
  Arena *a = items[0].e->m->c->arena;
  if (format == EXPLAIN_TEXT) {
    for (int i = 0; i < n; i++) {
      if (i) fputc('\n', out);
      text_item(out, a, rows, &items[i]);
    }
    return;
  }
  const Model *m = items[0].e->m;
  fputs("{\n  \"version\": 1,\n  \"file\": ", out);
  diag_json_string(out, src_file(m->c->src, m->main_file)->path);
  fputs(",\n  \"rows\": {\"path\": ", out);
  diag_json_string(out, rows->path);
  fprintf(out, ", \"row\": %ld, \"line\": %ld},\n  \"rules\": [", rows->row, rows->line);
  for (int i = 0; i < n; i++) {
    fputs(i ? ",\n    " : "\n    ", out);
    json_item(out, a, rows, &items[i]);
  }
  fputs("\n  ]\n}\n", out);
}

/* ------------------------------------------------------------------------
 * Terms of a score
 * ------------------------------------------------------------------------ */

/* Whether a sub-expression reads no input: a weight, fixed for every row. */
static bool fixed(const Explanation *e, const ExplainNode *x) {
  for (int k = 0; k < e->sig->ninputs; k++)
    if (x->reads[k]) return false;
  return x->has_value && isfinite(x->value);
}

/* How deep the terms are looked for, and goals and bounds inside a term; a formula
 * of more terms than TERMS_MAX_COUNT is no breakdown a reader can use. */
enum { TERMS_MAX_DEPTH = 200, TERMS_MAX_COUNT = 64 };

/* The fn calls entered on the way down from the root (their bodies hold parameters). */
typedef struct Chain {
  const ExplainNode *calls[64];
} Chain;

/* The argument of the innermost call in c for parameter x, or NULL. */
static const ExplainNode *param_arg(const Chain *c, const ExplainNode *x, int *level) {
  if (*level <= 0) return NULL;
  const ExplainNode *call = c->calls[--*level];
  return arg_kid(call, expr_sem(x->node)->index);
}

/* Follow rule references, fn calls (into their bodies) and parameters (back to their
 * arguments) to the node that does the work. */
static const ExplainNode *unwrap(Chain *c, int *level, const ExplainNode *x) {
  for (int guard = 0; x && guard < 10000; guard++) {
    if (x->kind == XK_RULE && x->nkids == 1) {
      x = x->kids[0];
    } else if (x->kind == XK_CALL && x->nkids > 0 && x->kids[x->nkids - 1]->body && *level < 64) {
      c->calls[(*level)++] = x;
      x = x->kids[x->nkids - 1];
    } else if (x->kind == XK_PARAMETER) {
      const ExplainNode *arg = param_arg(c, x, level);
      if (!arg) return x;
      x = arg;
    } else {
      return x;
    }
  }
  return x;
}

/* Follow parameters back to the arguments they stand for (the term as written). */
static const ExplainNode *resolve_params(Chain *c, int *level, const ExplainNode *x) {
  while (x && x->kind == XK_PARAMETER) {
    const ExplainNode *arg = param_arg(c, x, level);
    if (!arg) return x;
    x = arg;
  }
  return x;
}

/* The highest value x can take, when its formula bounds it: progress, a condition,
 * clamp to a fixed bound, and what is built from them. */
static bool upper_bound(const Explanation *e, Chain c, int level, const ExplainNode *x, double *hi, int depth) {
  if (depth > TERMS_MAX_DEPTH) return false;
  x = unwrap(&c, &level, x);
  if (!x || !x->has_value) return false;
  if (x->type.kind == TY_BOOL) {
    *hi = 1;
    return true;
  }
  if (fixed(e, x)) {
    *hi = x->value;
    return true;
  }
  if (x->kind == XK_BUILTIN) {
    Builtin bi = expr_sem(x->node)->builtin;
    if (bi == BI_PROGRESS) {
      *hi = 1;
      return true;
    }
    if (bi == BI_CLAMP && x->nkids == 3) return upper_bound(e, c, level, x->kids[2], hi, depth + 1);
    if ((bi == BI_MIN || bi == BI_MAX) && x->nkids == 2) {
      double a, b;
      bool ka = upper_bound(e, c, level, x->kids[0], &a, depth + 1), kb = upper_bound(e, c, level, x->kids[1], &b, depth + 1);
      if (bi == BI_MAX) {
        if (ka && kb) *hi = a > b ? a : b;
        return ka && kb;
      }
      if (ka && kb) *hi = a < b ? a : b;
      else if (ka || kb) *hi = ka ? a : b;
      return ka || kb;
    }
    return false;
  }
  if (x->kind == XK_IF && x->nkids == 3) {
    double a, b;
    if (!upper_bound(e, c, level, x->kids[1], &a, depth + 1) || !upper_bound(e, c, level, x->kids[2], &b, depth + 1))
      return false;
    *hi = a > b ? a : b;
    return true;
  }
  if (x->kind == XK_OPERATOR && x->node->kind == ND_BINARY && x->node->binary.op == OP_MUL && x->nkids == 2) {
    for (int s = 0; s < 2; s++) {
      double k = x->kids[s]->value, b;
      if (fixed(e, x->kids[s]) && k >= 0 && upper_bound(e, c, level, x->kids[1 - s], &b, depth + 1)) {
        *hi = k * b;
        return true;
      }
    }
  }
  return false;
}

/* The one goal a term measures (goal built-ins and goal arguments inside it), or NULL
 * when it measures none or several. */
static void goals_in(Chain c, int level, const ExplainNode *x, const Sym **goal, bool *several, int depth) {
  if (depth > TERMS_MAX_DEPTH) {   /* too deep to tell: no goal rather than a wrong one */
    *several = true;
    return;
  }
  x = unwrap(&c, &level, x);
  if (!x) return;
  if ((x->kind == XK_BUILTIN || x->kind == XK_GOAL) && x->ref && x->ref->kind == DK_GOAL) {
    if (*goal && *goal != x->ref) *several = true;
    *goal = x->ref;
  }
  for (int k = 0; k < x->nkids; k++)
    if (!x->kids[k]->body || x->kind != XK_CALL) goals_in(c, level, x->kids[k], goal, several, depth + 1);
}

/* The goal whose indicator is the one input x reads, when exactly one goal measures it. */
static const Sym *goal_of_reads(const Explanation *e, const ExplainNode *x) {
  const Sym *ind = NULL;
  for (int k = 0; k < e->sig->ninputs; k++) {
    if (!x->reads[k]) continue;
    if (ind || !e->sig->inputs[k].indicator) return NULL;
    ind = e->sig->inputs[k].indicator;
  }
  const Sym *goal = NULL;
  for (int i = 0; ind && i < e->m->by_kind[DK_GOAL].len; i++) {
    const Sym *g = e->m->by_kind[DK_GOAL].items[i];
    if (g->goal.indicator != ind) continue;
    if (goal) return NULL;
    goal = g;
  }
  return goal;
}

typedef struct TermVec {
  ExplainTerm *items;
  int n, cap;
} TermVec;

static void push_term(Arena *a, TermVec *v, ExplainTerm t) {
  if (v->n == v->cap) {
    int cap = v->cap ? 2 * v->cap : 8;
    ExplainTerm *items = arena_alloc(a, (size_t)cap * sizeof *items);
    if (v->n) memcpy(items, v->items, (size_t)v->n * sizeof *items);
    v->items = items;
    v->cap = cap;
  }
  v->items[v->n++] = t;
}

/* One term: its goal, weight, contribution and shortfall. */
static ExplainTerm make_term(const Explanation *e, Chain c, int level, const ExplainNode *x, double w) {
  ExplainTerm t = {.node = x, .weight = w, .contribution = w * x->value};
  const Sym *goal = NULL;
  bool several = false;
  goals_in(c, level, x, &goal, &several, 0);
  if (!several) t.goal = goal;
  if (!goal) t.goal = goal_of_reads(e, x);
  double hi;
  if (w >= 0 && isfinite(x->value) && upper_bound(e, c, level, x, &hi, 0) && hi >= x->value) {
    t.has_shortfall = true;
    t.shortfall = w * (hi - x->value);
  }
  return t;
}

/* Split a sum (through fixed factors and divisors) into its terms. */
static void split_sum(Arena *a, const Explanation *e, TermVec *v, Chain c, int level, const ExplainNode *x, double w,
                      int depth) {
  x = resolve_params(&c, &level, x);   /* a parameter: the argument it stands for (progress(cut), not `a`) */
  Chain cy = c;
  int ly = level;
  const ExplainNode *y = unwrap(&cy, &ly, x);
  if (depth < TERMS_MAX_DEPTH && y->kind == XK_OPERATOR && y->nkids == 2 && y->node->kind == ND_BINARY) {
    const ExplainNode *l = y->kids[0], *r = y->kids[1];
    switch (y->node->binary.op) {
    case OP_ADD:
      split_sum(a, e, v, cy, ly, l, w, depth + 1);
      split_sum(a, e, v, cy, ly, r, w, depth + 1);
      return;
    case OP_SUB:
      split_sum(a, e, v, cy, ly, l, w, depth + 1);
      split_sum(a, e, v, cy, ly, r, -w, depth + 1);
      return;
    case OP_MUL:
      if (fixed(e, l) && !fixed(e, r)) {
        split_sum(a, e, v, cy, ly, r, w * l->value, depth + 1);
        return;
      }
      if (fixed(e, r) && !fixed(e, l)) {
        split_sum(a, e, v, cy, ly, l, w * r->value, depth + 1);
        return;
      }
      break;
    case OP_DIV:
      if (fixed(e, r) && !fixed(e, l) && r->value != 0) {
        split_sum(a, e, v, cy, ly, l, w / r->value, depth + 1);
        return;
      }
      break;
    default: break;
    }
  }
  if (depth < TERMS_MAX_DEPTH && y->kind == XK_OPERATOR && y->node->kind == ND_UNARY && y->node->unary.op == OP_NEG &&
      y->nkids == 1) {
    split_sum(a, e, v, cy, ly, y->kids[0], -w, depth + 1);
    return;
  }
  push_term(a, v, make_term(e, c, level, x, w));
}

/* The arguments of a min or max, nested ones of the same function flattened. */
static void split_extreme(Arena *a, const Explanation *e, TermVec *v, Chain c, int level, const ExplainNode *x,
                          Builtin bi, int depth) {
  for (int k = 0; k < x->nkids; k++) {
    Chain ca = c;
    int la = level;
    const ExplainNode *arg = resolve_params(&ca, &la, x->kids[k]);
    Chain cy = ca;
    int ly = la;
    const ExplainNode *y = unwrap(&cy, &ly, arg);
    if (depth < TERMS_MAX_DEPTH && y->kind == XK_BUILTIN && expr_sem(y->node)->builtin == bi) {
      split_extreme(a, e, v, cy, ly, y, bi, depth + 1);
      continue;
    }
    ExplainTerm t = make_term(e, ca, la, arg, 1);
    t.contribution = arg->value;
    push_term(a, v, t);
  }
}

ExplainTerms explain_terms(Arena *a, const Explanation *e) {
  ExplainTerms out = {TERMS_NONE, NULL, 0, -1};
  Chain c = {NULL};
  int level = 0;
  const ExplainNode *x = unwrap(&c, &level, e->root);
  double w = 1;
  /* fixed factors around the top (100 * wmean ...) */
  for (int guard = 0; guard < 100 && x->kind == XK_OPERATOR && x->node->kind == ND_BINARY && x->nkids == 2; guard++) {
    const ExplainNode *l = x->kids[0], *r = x->kids[1];
    Op op = x->node->binary.op;
    if (op == OP_MUL && fixed(e, l) && !fixed(e, r)) w *= l->value, x = unwrap(&c, &level, r);
    else if (op == OP_MUL && fixed(e, r) && !fixed(e, l)) w *= r->value, x = unwrap(&c, &level, l);
    else if (op == OP_DIV && fixed(e, r) && !fixed(e, l) && r->value != 0) w /= r->value, x = unwrap(&c, &level, l);
    else break;
  }
  TermVec v = {0};
  if (x->kind == XK_BUILTIN && (expr_sem(x->node)->builtin == BI_MIN || expr_sem(x->node)->builtin == BI_MAX)) {
    bool is_min = expr_sem(x->node)->builtin == BI_MIN;
    out.kind = is_min ? TERMS_MIN : TERMS_MAX;
    split_extreme(a, e, &v, c, level, x, expr_sem(x->node)->builtin, 0);
    int best = -1;
    for (int k = 0; k < v.n; k++)
      if (best < 0 || (is_min ? v.items[k].contribution < v.items[best].contribution
                              : v.items[k].contribution > v.items[best].contribution))
        best = k;
    if (best >= 0) v.items[best].binding = true;
    out.worst = is_min ? best : -1;
  } else if (x->kind == XK_OPERATOR && x->node->kind == ND_BINARY &&
             (x->node->binary.op == OP_ADD || x->node->binary.op == OP_SUB)) {
    out.kind = TERMS_SUM;
    split_sum(a, e, &v, c, level, x, w, 0);
    double worst = 0;
    for (int k = 0; k < v.n; k++)
      if (v.items[k].has_shortfall && v.items[k].shortfall > worst) worst = v.items[k].shortfall, out.worst = k;
  } else {
    return out;
  }
  out.items = v.items;
  out.n = v.n;
  for (int k = 0; k < v.n; k++)
    if (v.items[k].node->type.kind == TY_DATE) out.kind = TERMS_NONE;   /* date arithmetic, not a score of parts */
  if (out.n < 2 || out.n > TERMS_MAX_COUNT || e->sig->result != VAL_NUM) out.kind = TERMS_NONE;
  if (out.kind == TERMS_NONE) out.n = 0, out.worst = -1;
  return out;
}

ExplainTerms explain_row_terms(Arena *a, const Model *m, const RuleSig *sig, const double *row, double *result) {
  Arena *scratch = arena_new();
  const Explanation *e = explain_row(scratch, m, sig, row);
  *result = e->result;
  ExplainTerms t = explain_terms(scratch, e);
  ExplainTerms out = {t.kind, NULL, t.n, t.worst};
  if (t.n) out.items = arena_alloc(a, (size_t)t.n * sizeof *out.items);
  for (int k = 0; k < t.n; k++) {
    ExplainNode *copy = arena_alloc(a, sizeof *copy);
    *copy = *t.items[k].node;
    copy->kids = NULL;
    copy->nkids = copy->capkids = 0;
    copy->reads = NULL;
    copy->name = copy->name ? arena_strdup(a, copy->name) : NULL;
    out.items[k] = t.items[k];
    out.items[k].node = copy;
  }
  arena_free(scratch);
  return out;
}
