/* ast.h - the syntax tree. Every node carries its span; the checker annotates. */
#ifndef MISSION_AST_H
#define MISSION_AST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "fmt.h"
#include "keywords.h"
#include "source.h"

/* Declaration kinds: the DECL and FORM rows of the keyword list, in its order. DECL kinds
 * share the uniform `KIND name "title" ... { attrs } | = expr` form; unit and fn have
 * forms of their own. */
typedef enum {
#define X(word, T, C) KW_DECLKIND_##C(DK_##T,)
  KEYWORD_LIST(X)
#undef X
  DK_COUNT
} DeclKind;

/* One keyword: a row of KEYWORD_LIST. */
typedef struct Keyword {
  const char *word;
  KeywordClass cls;
  DeclKind kind;       /* DECL and FORM: the kind it declares; DK_COUNT otherwise */
} Keyword;

enum {
#define X(word, T, C) KWI_##T,
  KEYWORD_LIST(X)
#undef X
  KEYWORD_COUNT
};
extern const Keyword keyword_table[KEYWORD_COUNT];

/* The keyword spelt by the n bytes at s, or NULL when they spell none. */
const Keyword *keyword_find(const char *s, size_t n);

extern const char *const decl_kind_names[DK_COUNT];

#define NODE_KIND_LIST(X)                                              \
  X(ND_FILE, "file")           /* items */                             \
  X(ND_IMPORT, "import")       /* str: path */                         \
  X(ND_DECL, "decl")           /* unit, fn and every KIND */           \
  X(ND_PARAM, "param")         /* fn parameter: name [: unit] */       \
  X(ND_ATTR, "attr")           /* name args */                         \
  X(ND_ARG, "arg")             /* expr [: value] [at|by when]; see arg_expr */ \
  X(ND_NUMBER, "number")                                               \
  X(ND_QUANTITY, "quantity")   /* number + unit name (or %) */         \
  X(ND_PERCENT, "percent")     /* the unit % on its own */             \
  X(ND_DATE, "date")                                                   \
  X(ND_STRING, "string")                                               \
  X(ND_BOOL, "bool")                                                   \
  X(ND_NAME, "name")           /* a.b.c */                             \
  X(ND_CALL, "call")           /* a.b(args) */                         \
  X(ND_UNARY, "unary")                                                 \
  X(ND_BINARY, "binary")                                               \
  X(ND_IF, "if")                                                       \
  X(ND_RANGE, "range")                                                 \
  X(ND_BOUND, "bound")         /* >= x, <= x: unary.op, unary.operand */

typedef enum {
#define X(id, name) id,
  NODE_KIND_LIST(X)
#undef X
  ND_COUNT
} NodeKind;

extern const char *const node_kind_names[ND_COUNT];

#define OP_LIST(X)                                                   \
  X(OP_NEG, "-") X(OP_NOT, "not")                                    \
  X(OP_ADD, "+") X(OP_SUB, "-") X(OP_MUL, "*") X(OP_DIV, "/")        \
  X(OP_POW, "^") X(OP_EQ, "==") X(OP_NE, "!=") X(OP_LT, "<")         \
  X(OP_LE, "<=") X(OP_GT, ">") X(OP_GE, ">=") X(OP_AND, "and")       \
  X(OP_OR, "or")

typedef enum {
#define X(id, text) id,
  OP_LIST(X)
#undef X
  OP_COUNT
} Op;

extern const char *const op_texts[OP_COUNT];

/* Precision of a date literal: a year, a month or a day. */
typedef enum { DATE_YEAR, DATE_MONTH, DATE_DAY } DatePrec;

typedef struct Date {     /* 8 bytes: a date node is 32 */
  int32_t year;
  int8_t month, day;      /* 0 when not written (the lexer reads two digits of each) */
  uint8_t prec;           /* DatePrec */
} Date;

/* An identifier with its own span. str is interned (compare by pointer). */
typedef struct Ident {
  const char *str;
  Span span;
} Ident;

typedef struct NodeList {
  struct Node **items;
  int len, cap;
} NodeList;

typedef enum { QUAL_NONE, QUAL_AT, QUAL_BY } Qual;

/* A node is allocated with the size of its kind: the header and the one member of the
 * union that its kind uses (ast_node_size), so a node is read only through the member
 * of its kind (ND_BOUND: unary). The header is 16 bytes (kind, the one-part flag of a
 * name, span); only expression nodes (ND_NUMBER and after) carry the checker's
 * annotation, sem, right after it, so declarations, attributes and arguments do not.
 * The union's members are laid out without padding holes. Three kinds end earlier when
 * they lack their rarer last fields, which are then read only through accessors: a
 * declaration without `on`, `: unit` or parameters (ast_decl; decl_on, decl_unit,
 * decl_params), an argument without `at`/`by` or `per` (ast_arg; arg_when, arg_per) and
 * a name of one part (ast_name1; name_nparts, name_part). */
typedef struct Node Node;
struct Node {
  uint8_t kind;              /* NodeKind */
  bool name1;                /* ND_NAME: one part, no nparts and parts (ast_name1) */
  Span span;
  union {
    struct { NodeList items; const char *doc; PtrVec attr_docs; } file;   /* doc: the file's /// header;
                                                 * attr_docs: pairs of an ND_ATTR and the /// text
                                                 * before it (few have one), in source order */
    struct { const char *path; } import;
    struct {
      uint8_t kind;          /* DeclKind */
      bool has_block;
      bool has_header;       /* the three last fields are allocated (ast_decl): read them through
                              * decl_on, decl_unit and decl_params */
      Span title_span;
      Ident name;
      const char *title;     /* NULL when absent */
      union {                /* a declaration has a block or a body, never both (has_block) */
        NodeList attrs;      /* block form (a declaration without a block: none, len 0) */
        Node *body;          /* `= expr` form (unit: its definition), or NULL: read decl_body */
      };
      const char *doc;       /* text of the /// comment before it, or NULL */
      Ident on;              /* on.str NULL when absent */
      Node *unit;            /* `: unitexpr` (fn: return unit), or NULL */
      NodeList params;       /* fn parameters */
    } decl;
    struct { Ident name; Node *unit; } param;
    struct { const char *name; NodeList args; } attr;   /* name: interned, the first word of the span
                                                       * (attr_name_span); its doc: file.attr_docs */
    /* arg: see arg_expr; per: `per SOURCE`, a one-part ND_NAME, or NULL; more: when and per
     * are allocated (ast_arg) */
    struct { Node *expr; Node *value; Qual qual; bool more; Node *when; Node *per; } arg;
    struct {                 /* expression nodes: ND_NUMBER and after (node_is_expr) */
      void *sem;             /* checker annotation (see check.h: expr_sem) */
      union {
        struct { double value; const char *text; } number;
        struct { double value; const char *text; Ident unit; } quantity;   /* unit.str "%" for percent */
        struct { Date date; } date;
        struct { const char *value; } string;
        struct { bool value; } boolean;
        /* read nparts and parts through name_nparts and name_part: a one-part name (most,
         * name1) is str and the node's span, and its node ends before nparts */
        struct { const char *str; int nparts; Ident *parts; } name;
        struct { Node *callee; NodeList args; } call;                       /* callee is ND_NAME */
        struct { Op op; Node *operand; } unary;
        struct { Op op; Node *lhs, *rhs; } binary;
        struct { Node *cond, *then, *els; } ifx;
        struct { Node *lo, *hi; } range;
      };
    };
  };
};
_Static_assert(ND_COUNT <= 256 && DK_COUNT <= 256, "node and declaration kinds are kept in a byte");

/* Whether a node is an expression (and so carries sem). */
static inline bool node_is_expr(const Node *n) { return n->kind >= ND_NUMBER; }

/* An argument of an attribute (an item of attr.args) is an ND_ARG node only when it has
 * more than an expression (`: value`, `at`/`by`, `per`); a bare expression, the common
 * case (`lead a0_1`), is the item itself, with the same span. Read arguments through
 * these accessors: the parts a bare one lacks are NULL (QUAL_NONE). */
static inline Node *arg_expr(const Node *a) { return a->kind == ND_ARG ? a->arg.expr : (Node *)a; }
static inline Node *arg_value(const Node *a) { return a->kind == ND_ARG ? a->arg.value : NULL; }
static inline Node *arg_when(const Node *a) { return a->kind == ND_ARG && a->arg.more ? a->arg.when : NULL; }
static inline Node *arg_per(const Node *a) { return a->kind == ND_ARG && a->arg.more ? a->arg.per : NULL; }
static inline Qual arg_qual(const Node *a) { return a->kind == ND_ARG ? a->arg.qual : QUAL_NONE; }

/* The span of an attribute's name: the statement's first word, as long as the name. */
static inline Span attr_name_span(const Node *a) {
  return (Span){a->span.file, a->span.start, a->span.start + (uint32_t)strlen(a->attr.name)};
}
/* An attribute's name with its span. */
static inline Ident attr_ident(const Node *a) { return (Ident){a->attr.name, attr_name_span(a)}; }

/* A declaration's `on R` (str NULL when absent), `: unit` (or NULL) and fn parameters:
 * most declarations have none of them, and their nodes end before these fields. */
extern const NodeList ast_no_nodes;
/* A declaration's `= expr` (a unit's definition), or NULL (a block, or neither). */
static inline Node *decl_body(const Node *d) { return d->decl.has_block ? NULL : d->decl.body; }
static inline Ident decl_on(const Node *d) { return d->decl.has_header ? d->decl.on : (Ident){NULL, NO_SPAN}; }
static inline Node *decl_unit(const Node *d) { return d->decl.has_header ? d->decl.unit : NULL; }
static inline const NodeList *decl_params(const Node *d) { return d->decl.has_header ? &d->decl.params : &ast_no_nodes; }

/* Part i of a name node (a.b.c has three). A name of one part, the common case, is only
 * its text (name.str) and the node's span: its node ends before name.parts. */
static inline Ident name_part(const Node *n, int i) {
  return n->name1 ? (Ident){n->name.str, n->span} : n->name.parts[i];
}
/* How many parts a name node has. */
static inline int name_nparts(const Node *n) { return n->name1 ? 1 : n->name.nparts; }

/* Constructors: every node is allocated in the compilation's arena, zeroed. */
Node *ast_new(Arena *a, NodeKind kind, Span span);
/* A declaration node; with header, room for on, unit and params (has_header). */
Node *ast_decl(Arena *a, Span span, bool header);
/* An argument node (ND_ARG): without room for when and per unless more. */
Node *ast_arg(Arena *a, Span span, bool more);
/* A name node of one part: id, with id's span. */
Node *ast_name1(Arena *a, Ident id);
/* A name node of nparts (2 or more) parts (to fill), its parts allocated with it. */
Node *ast_name(Arena *a, Span span, int nparts);
/* Bytes of a node of this kind. */
size_t ast_node_size(NodeKind kind);
void ast_list_push(Arena *a, NodeList *list, Node *n);
Node *ast_binary(Arena *a, Span span, Op op, Node *lhs, Node *rhs);
Node *ast_unary(Arena *a, Span span, Op op, Node *operand);
/* The sub-expressions of an expression node in source order: a call's arguments, an
 * operator's or a bound's operand(s), an if's condition and branches, a range's ends.
 * ast_expr_kids gives how many (0 for a leaf), ast_expr_kid the i-th (may be NULL). */
int ast_expr_kids(const Node *n);
Node *ast_expr_kid(const Node *n, int i);

/* Print the tree deterministically (for `missionc parse --dump-ast`). */
void ast_dump(FILE *out, Sources *src, const Node *file);

/* First (start) or last (end) day of a date literal of any precision. */
int64_t date_first_day(Date d);
int64_t date_last_day(Date d);

#endif
