/* parser.y - the grammar of the mission language.
 *
 * A pure, LALR(1) parser with no conflicts. Actions only build nodes. Error
 * productions at the statement level (top-level items and block attributes)
 * resynchronise at the next statement end, so independent errors on different
 * lines are all reported in one run.
 *
 * The keywords come from one list, KEYWORD_LIST (compiler/syntax/keywords.h): the C
 * code below expands it, and the build replaces each marker comment "@ NAME @" (alone
 * on its line) with the %token lines and the keyword alternatives of decl_kw and
 * attr_name (grammar/gen_grammar.c writes the grammar that bison reads).
 *
 * The build compiles this grammar twice: parser.c with LAC (exact lists of expected
 * tokens in syntax errors) and parser_fast.c without it (bison -Fparse.lac=none,
 * MISSION_FAST_PARSER, yyparse_fast). parse_file runs the fast one first; at its
 * first syntax error (or any diagnostic) it gives up and the file is parsed again
 * with LAC, so the messages are the same and a valid file pays for no LAC.
 */
%define api.pure full
%define parse.error custom
%define parse.lac full
%define api.location.type {Loc}
%locations
%expect 0
%param {void *scanner}
%parse-param {Parser *p}

%code requires {
#include "parse.h"

/* The values of decl_kw and body, so that no reduction leaves state in the parser. */
typedef struct DeclKw {
  DeclKind kind;
  const char *doc;       /* the /// comment above the keyword */
} DeclKw;
typedef struct DeclBody {
  Node *expr;            /* `= expr`, or NULL for a block */
  NodeList attrs;        /* the block's attributes */
} DeclBody;

#define YYLLOC_DEFAULT(Cur, Rhs, N)                          \
  do {                                                       \
    if (N) {                                                 \
      (Cur).start = YYRHSLOC(Rhs, 1).start;                  \
      (Cur).end = YYRHSLOC(Rhs, N).end;                      \
    } else {                                                 \
      (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;        \
    }                                                        \
  } while (0)
}

%code {
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"

static void yyerror(YYLTYPE *loc, void *scanner, Parser *p, const char *msg);
static Span S(Parser *p, Loc l) { return (Span){p->file, l.start, l.end}; }
static Ident ID(Parser *p, Tok t, Loc l) { return (Ident){t.str, S(p, l)}; }
static Node *decl(Parser *p, Loc l, DeclKind k, const char *doc, Ident name, bool header);
static Node *name_node(Parser *p, Loc l, Ident id);
static Node *name_extend(Parser *p, Loc l, Node *path, Ident id);
static Node *name_pair(Parser *p, Loc l, Ident a, Ident b);
static Node *quantity(Parser *p, Loc l, Tok num, Ident unit);
static Node *arg(Parser *p, Loc l, Node *e, Node *value, Qual q, Node *when, Node *per);
static Node *bound(Parser *p, Loc l, Op op, Node *value);
static Node *bare_arg(Parser *p, Loc l, Node *e);
static Node *attr_node(Parser *p, Loc l, Tok name, NodeList args);
static Node *per_name(Parser *p, Tok name, Loc l);
#define A p->arena
}

%union {
  Node *node;
  NodeList list;
  Tok tok;
  DeclKw kw;
  DeclBody body;
  Op op;
  struct { Qual q; Node *when; } when;
}

%token <tok> IDENT "name" NUMBER "number" STRING "string" DATE "date"
%token TERM "end of line"
/*@ keyword-tokens @*/
%token EQ "==" NE "!=" LE "<=" GE ">=" DOTDOT ".."

%nonassoc DOTDOT
%left OR
%left AND
%precedence NOT
%nonassoc EQ NE '<' LE '>' GE
%left '+' '-'
%left '*' '/'
%precedence NEG
%precedence '^'            /* the base of a power is an atom; 2^3^2 is 2^(3^2) */

%type <node> item import unitdecl fndecl decl param attr arg
%type <node> unitexpr unitatom expr op atom path
%type <node> arg_rest value opt_unit opt_def bound
%type <list> params opt_params attrs args exprs opt_exprs block
%type <kw> decl_kw
%type <body> body
%type <tok> attr_name opt_title
%type <tok> opt_on opt_per
%type <when> opt_when when

%%

/* The items go to p->items as they are reduced, not up the stack: error recovery
 * may pop a reduced `items` (a stray word after a statement end is seen in the state
 * before `terms` is reduced), and the declarations before the error must survive. */
file
  : opt_terms                      { p->root = ast_new(A, ND_FILE, S(p, @$)); }
  | opt_terms items opt_terms      { p->root = ast_new(A, ND_FILE, S(p, @$)); }
  ;

items
  : item                           { if ($1) ast_list_push(A, &p->items, $1); }
  | items terms item               { if ($3) ast_list_push(A, &p->items, $3); }
  ;

terms: TERM | terms TERM ;
opt_terms: %empty | terms ;

item
  : import
  | unitdecl
  | fndecl
  | decl
  | error                          { $$ = NULL; }
  ;

/* import "std/units" */
import
  : IMPORT STRING                  { $$ = ast_new(A, ND_IMPORT, S(p, @$)); $$->import.path = $2.str; }
  ;

/* unit MEUR = 1e6 EUR */
unitdecl
  : UNIT IDENT opt_def             { $$ = decl(p, @$, DK_UNIT, $1.doc, ID(p, $2, @2), false); $$->decl.body = $3; }
  ;

opt_def: %empty { $$ = NULL; } | '=' expr { $$ = $2; } ;

/* fn name(param, param: unit): unit = expr */
fndecl
  : FN IDENT '(' opt_params ')' opt_unit '=' expr
                                   { $$ = decl(p, @$, DK_FN, $1.doc, ID(p, $2, @2), true);
                                     $$->decl.params = $4; $$->decl.unit = $6; $$->decl.body = $8; }
  ;

opt_params: %empty { $$ = (NodeList){0}; } | params ;
params
  : param                          { $$ = (NodeList){0}; ast_list_push(A, &$$, $1); }
  | params ',' param               { $$ = $1; ast_list_push(A, &$$, $3); }
  ;
param
  : IDENT opt_unit                 { $$ = ast_new(A, ND_PARAM, S(p, @$)); $$->param.name = ID(p, $1, @1);
                                     $$->param.unit = $2; }
  ;

/* KIND name "title" on record : unit { attrs } | = expr */
decl
  : decl_kw IDENT opt_title opt_on opt_unit body
                                   { $$ = decl(p, @$, $1.kind, $1.doc, ID(p, $2, @2), $4.str || $5);
                                     if ($3.str) { $$->decl.title = $3.str; $$->decl.title_span = S(p, @3); }
                                     if ($4.str) $$->decl.on = ID(p, $4, @4);
                                     if ($5) $$->decl.unit = $5;
                                     if ($6.expr) $$->decl.body = $6.expr;
                                     else { $$->decl.has_block = true; $$->decl.attrs = $6.attrs; } }
  ;

/* The keywords of class DECL (keywords.h), each with its kind. */
decl_kw
  /*@ decl-keywords @*/
  ;

opt_title: %empty { $$ = (Tok){0}; } | STRING ;
opt_on: %empty { $$ = (Tok){0}; } | ON IDENT { $$ = $2; } ;
opt_unit: %empty { $$ = NULL; } | ':' unitexpr { $$ = $2; } ;

body
  : block                          { $$ = (DeclBody){NULL, $1}; }
  | '=' expr                       { $$ = (DeclBody){$2, {0}}; }
  ;

block
  : '{' opt_terms '}'              { $$ = (NodeList){0}; }
  | '{' opt_terms attrs opt_terms '}' { $$ = $3; }
  ;

attrs
  : attr                           { $$ = (NodeList){0}; if ($1) ast_list_push(A, &$$, $1); }
  | attrs terms attr               { $$ = $1; if ($3) ast_list_push(A, &$$, $3); }
  ;

/* name arg, arg, ...  (the first word of a statement in a block is always a name) */
attr
  : attr_name                      { $$ = attr_node(p, @$, $1, (NodeList){0}); }
  | attr_name args                 { $$ = attr_node(p, @$, $1, $2); }
  | error                          { $$ = NULL; }
  ;

/* A name or any keyword */
attr_name
  : IDENT
  /*@ attr-keywords @*/
  ;

args
  : arg                            { $$ = (NodeList){0}; ast_list_push(A, &$$, $1); }
  | args ',' arg                   { $$ = $1; ast_list_push(A, &$$, $3); }
  ;

/* expr [: value] [at|by when] [per SOURCE]; a value may be a bound (target >= 95% by 2030).
 * A bare expression, the common case, is an arg at once (no empty reductions for the
 * parts it lacks) and needs no ND_ARG node (see arg_expr in ast.h); arg_rest builds the
 * node when there is more, and arg fills in the expression. */
arg
  : expr                           { $$ = bare_arg(p, @$, $1); }
  | bound                          { $$ = bare_arg(p, @$, $1); }
  | expr arg_rest                  { $$ = $2; $$->arg.expr = $1; $$->span = S(p, @$); }
  | bound arg_rest                 { $$ = $2; $$->arg.expr = $1; $$->span = S(p, @$); }
  ;
arg_rest
  : ':' value opt_when opt_per     { $$ = arg(p, @$, NULL, $2, $3.q, $3.when,
                                               $4.str ? per_name(p, $4, @4) : NULL); }
  | when opt_per                   { $$ = arg(p, @$, NULL, NULL, $1.q, $1.when,
                                               $2.str ? per_name(p, $2, @2) : NULL); }
  | PER IDENT                      { $$ = arg(p, @$, NULL, NULL, QUAL_NONE, NULL, per_name(p, $2, @$)); }
  ;
opt_per: %empty { $$ = (Tok){0}; } | PER IDENT { $$ = $2; } ;
value: expr | bound ;
bound
  : GE op                          { $$ = bound(p, @$, OP_GE, $2); }
  | LE op                          { $$ = bound(p, @$, OP_LE, $2); }
  ;
opt_when: %empty { $$.q = QUAL_NONE; $$.when = NULL; } | when ;
when
  : AT expr                        { $$.q = QUAL_AT; $$.when = $2; }
  | BY expr                        { $$.q = QUAL_BY; $$.when = $2; }
  ;

/* unitexpr = unitatom { ("*" | "/") unitatom } */
unitexpr
  : unitatom
  | unitexpr '*' unitatom          { $$ = ast_binary(A, S(p, @$), OP_MUL, $1, $3); }
  | unitexpr '/' unitatom          { $$ = ast_binary(A, S(p, @$), OP_DIV, $1, $3); }
  ;
unitatom
  : IDENT                          { $$ = name_node(p, @$, ID(p, $1, @1)); }
  | '%'                            { $$ = ast_new(A, ND_PERCENT, S(p, @$)); }
  | NUMBER                         { $$ = ast_new(A, ND_NUMBER, S(p, @$)); $$->number.value = $1.num;
                                     $$->number.text = $1.str; }
  | '(' unitexpr ')'               { $$ = $2; }
  ;

/* Expressions. `if` stands only at the top of a formula (or in parentheses); below it,
 * the operators by precedence, loosest first: .. or and not comparisons + - * / unary-minus ^.
 * One rule per operator keeps the parse to a single reduction per operand. */
expr
  : IF expr THEN expr ELSE expr    { $$ = ast_new(A, ND_IF, S(p, @$));
                                     $$->ifx.cond = $2; $$->ifx.then = $4; $$->ifx.els = $6; }
  | op
  ;
op
  : atom
  | op DOTDOT op                   { $$ = ast_new(A, ND_RANGE, S(p, @$)); $$->range.lo = $1; $$->range.hi = $3; }
  | op OR op                       { $$ = ast_binary(A, S(p, @$), OP_OR, $1, $3); }
  | op AND op                      { $$ = ast_binary(A, S(p, @$), OP_AND, $1, $3); }
  | NOT op                         { $$ = ast_unary(A, S(p, @$), OP_NOT, $2); }
  | op EQ op                       { $$ = ast_binary(A, S(p, @$), OP_EQ, $1, $3); }
  | op NE op                       { $$ = ast_binary(A, S(p, @$), OP_NE, $1, $3); }
  | op '<' op                      { $$ = ast_binary(A, S(p, @$), OP_LT, $1, $3); }
  | op LE op                       { $$ = ast_binary(A, S(p, @$), OP_LE, $1, $3); }
  | op '>' op                      { $$ = ast_binary(A, S(p, @$), OP_GT, $1, $3); }
  | op GE op                       { $$ = ast_binary(A, S(p, @$), OP_GE, $1, $3); }
  | op '+' op                      { $$ = ast_binary(A, S(p, @$), OP_ADD, $1, $3); }
  | op '-' op                      { $$ = ast_binary(A, S(p, @$), OP_SUB, $1, $3); }
  | op '*' op                      { $$ = ast_binary(A, S(p, @$), OP_MUL, $1, $3); }
  | op '/' op                      { $$ = ast_binary(A, S(p, @$), OP_DIV, $1, $3); }
  | '-' op %prec NEG               { $$ = ast_unary(A, S(p, @$), OP_NEG, $2); }
  | atom '^' op                    { $$ = ast_binary(A, S(p, @$), OP_POW, $1, $3); }
  ;
atom
  : NUMBER                         { $$ = ast_new(A, ND_NUMBER, S(p, @$)); $$->number.value = $1.num;
                                     $$->number.text = $1.str; }
  | NUMBER IDENT                   { $$ = quantity(p, @$, $1, ID(p, $2, @2)); }
  | NUMBER '%'                     { $$ = quantity(p, @$, $1, (Ident){"%", S(p, @2)}); }
  | '%'                            { $$ = ast_new(A, ND_PERCENT, S(p, @$)); }
  | DATE                           { $$ = ast_new(A, ND_DATE, S(p, @$)); $$->date.date = $1.date; }
  | STRING                         { $$ = ast_new(A, ND_STRING, S(p, @$)); $$->string.value = $1.str; }
  | TRUE                           { $$ = ast_new(A, ND_BOOL, S(p, @$)); $$->boolean.value = true; }
  | FALSE                          { $$ = ast_new(A, ND_BOOL, S(p, @$)); $$->boolean.value = false; }
  | IDENT                          { $$ = name_node(p, @$, ID(p, $1, @1)); }
  | path
  | IDENT '(' opt_exprs ')'        { $$ = ast_new(A, ND_CALL, S(p, @$));
                                     $$->call.callee = name_node(p, @1, ID(p, $1, @1)); $$->call.args = $3; }
  | path '(' opt_exprs ')'         { $$ = ast_new(A, ND_CALL, S(p, @$)); $$->call.callee = $1; $$->call.args = $3; }
  | '(' expr ')'                   { $$ = $2; }
  ;
/* A dotted name (a plain one is an atom at once: one reduction less per name). */
path
  : IDENT '.' IDENT                { $$ = name_pair(p, @$, ID(p, $1, @1), ID(p, $3, @3)); }
  | path '.' IDENT                 { $$ = name_extend(p, @$, $1, ID(p, $3, @3)); }
  ;
opt_exprs: %empty { $$ = (NodeList){0}; } | exprs ;
exprs
  : expr                           { $$ = (NodeList){0}; ast_list_push(A, &$$, $1); }
  | exprs ',' expr                 { $$ = $1; ast_list_push(A, &$$, $3); }
  ;

%%

/* An attribute; the doc comment its name carried goes to the file's attr_docs. */
static Node *attr_node(Parser *p, Loc l, Tok name, NodeList args) {
  Node *n = ast_new(A, ND_ATTR, S(p, l));
  n->attr.name = name.str;
  n->attr.args = args;
  if (name.doc) {
    vec_push(A, &p->attr_docs, n);
    vec_push(A, &p->attr_docs, (void *)name.doc);
  }
  return n;
}

/* A declaration node of any kind, with the doc comment its keyword carried; header: it
 * has `on`, `: unit` or parameters (ast_decl). */
static Node *decl(Parser *p, Loc l, DeclKind k, const char *doc, Ident name, bool header) {
  Node *n = ast_decl(A, S(p, l), header);
  n->decl.kind = k;
  n->decl.name = name;
  n->decl.doc = doc;
  return n;
}

static Node *name_node(Parser *p, Loc l, Ident id) {
  (void)l;   /* the name's span is its identifier's */
  return ast_name1(A, id);
}

/* a.b: a name of two parts. */
static Node *name_pair(Parser *p, Loc l, Ident a, Ident b) {
  Node *n = ast_name(A, S(p, l), 2);
  n->name.parts[0] = a;
  n->name.parts[1] = b;
  return n;
}

/* path.IDENT: a copy of the path with one more part. */
static Node *name_extend(Parser *p, Loc l, Node *path, Ident id) {
  Node *n = ast_name(A, S(p, l), name_nparts(path) + 1);
  for (int i = 0; i < name_nparts(path); i++) n->name.parts[i] = name_part(path, i);
  n->name.parts[name_nparts(path)] = id;
  return n;
}

static Node *quantity(Parser *p, Loc l, Tok num, Ident unit) {
  Node *n = ast_new(A, ND_QUANTITY, S(p, l));
  n->quantity.value = num.num;
  n->quantity.text = num.str;
  n->quantity.unit = unit;
  return n;
}

/* An argument with more than an expression: `: value`, `at`/`by when`, `per SOURCE`. */
static Node *arg(Parser *p, Loc l, Node *e, Node *value, Qual q, Node *when, Node *per) {
  Node *n = ast_arg(A, S(p, l), when || per);
  n->arg.expr = e;
  n->arg.value = value;
  n->arg.qual = q;
  if (when || per) {
    n->arg.when = when;
    n->arg.per = per;
  }
  return n;
}

/* An argument that is an expression alone: the expression itself, unless its span is not
 * the argument's (`(x)`: the parentheses belong to the argument). */
static Node *bare_arg(Parser *p, Loc l, Node *e) {
  if (e->span.start == l.start && e->span.end == l.end) return e;
  return arg(p, l, e, NULL, QUAL_NONE, NULL, NULL);
}

/* `>= x` or `<= x` at the start of an attribute value. */
static Node *bound(Parser *p, Loc l, Op op, Node *value) {
  Node *n = ast_unary(A, S(p, l), op, value);
  n->kind = ND_BOUND;
  return n;
}

/* The source name of `per NAME`: a name node with the span of NAME alone (l covers
 * both words). */
static Node *per_name(Parser *p, Tok name, Loc l) {
  size_t n = strlen(name.str);
  if (l.end - l.start > n) l.start = l.end - (uint32_t)n;
  return name_node(p, l, ID(p, name, l));
}

/* ------------------------------------------------------------------------ */
/* Syntax errors: "unexpected X, expected Y or Z" through diag               */
/* ------------------------------------------------------------------------ */

/* How a token kind reads in a message: keywords and punctuation quoted. */
static const char *symbol_text(Parser *p, yysymbol_kind_t k) {
  const char *name = yysymbol_name(k);
  switch (k) {
  case YYSYMBOL_IDENT: return "a name";
  case YYSYMBOL_NUMBER: return "a number";
  case YYSYMBOL_STRING: return "a string";
  case YYSYMBOL_DATE: return "a date";
  case YYSYMBOL_TERM: return "end of line";
  case YYSYMBOL_YYEOF: return "end of file";
  default: return name[0] == '\'' ? name : arena_printf(A, "'%s'", name);
  }
}

static bool symbol_is(yysymbol_kind_t k, const char *name) { return strcmp(yysymbol_name(k), name) == 0; }

/* True for the tokens that can start an expression. */
static bool starts_expr(yysymbol_kind_t k) {
  switch (k) {
  case YYSYMBOL_IDENT: case YYSYMBOL_NUMBER: case YYSYMBOL_STRING: case YYSYMBOL_DATE:
  case YYSYMBOL_TRUE: case YYSYMBOL_FALSE: case YYSYMBOL_IF: case YYSYMBOL_NOT:
    return true;
  default:
    return symbol_is(k, "'('") || symbol_is(k, "'-'") || symbol_is(k, "'%'");
  }
}

/* True for the keywords that start a top-level declaration (or an import). */
static bool starts_decl(yysymbol_kind_t k) {
  switch (k) {
#define X(word, T, C) case YYSYMBOL_##T: return KW_STARTS_ITEM(KW_##C);
  KEYWORD_LIST(X)
#undef X
  default:
    return false;
  }
}

/* True for binary operators (they follow a complete operand). */
static bool is_operator(yysymbol_kind_t k) {
  switch (k) {
  case YYSYMBOL_EQ: case YYSYMBOL_NE: case YYSYMBOL_LE: case YYSYMBOL_GE: case YYSYMBOL_AND:
  case YYSYMBOL_OR: case YYSYMBOL_DOTDOT:
    return true;
  default:
    return symbol_is(k, "'+'") || symbol_is(k, "'-'") || symbol_is(k, "'*'") || symbol_is(k, "'/'") ||
           symbol_is(k, "'^'") || symbol_is(k, "'<'") || symbol_is(k, "'>'");
  }
}

/* The lookahead as the user wrote it. */
static const char *lookahead_text(Parser *p, yysymbol_kind_t k, const Loc *loc) {
  if (k == YYSYMBOL_YYEOF || (k == YYSYMBOL_TERM && loc->start >= p->len)) return "end of file";
  if (k == YYSYMBOL_TERM && p->text[loc->start] == '\n') return "end of line";
  if (k == YYSYMBOL_TERM && p->text[loc->start] == '/') return "end of line";
  size_t n = loc->end - loc->start;
  if (n > 24) return arena_printf(A, "'%.21s...'", p->text + loc->start);
  return arena_printf(A, "'%.*s'", (int)n, p->text + loc->start);
}

/* Whether the line holding offset starts with a declaration keyword, after the line of
 * the brace at `open`: then that block was probably left open. */
static bool line_starts_decl(Parser *p, uint32_t offset, uint32_t open) {
  uint32_t i = offset;
  while (i > 0 && p->text[i - 1] != '\n') i--;
  if (open >= i) return false;
  while (i < p->len && (p->text[i] == ' ' || p->text[i] == '\t')) i++;
  size_t n = 0;
  while (i + n < p->len && p->text[i + n] != ' ' && p->text[i + n] != '\t' && p->text[i + n] != '\n') n++;
  const Keyword *kw = keyword_find(p->text + i, n);
  return kw && KW_STARTS_ITEM(kw->cls) && i + n < p->len && p->text[i + n] != '\n';
}

static int yyreport_syntax_error(const yypcontext_t *ctx, void *scanner, Parser *p) {
  (void)scanner;
  if (p->fast) {   /* the parse without LAC gives up: parse_file parses again with it */
    p->fast_failed = true;
    return 2;
  }
  enum { MAX = 64 };
  yysymbol_kind_t expected[MAX];
  int n = yypcontext_expected_tokens(ctx, expected, MAX);
  if (n < 0) n = 0;
  yysymbol_kind_t look = yypcontext_token(ctx);
  const Loc *loc = yypcontext_location(ctx);
  Span at = S(p, *loc);
  if (at.start >= p->len && p->len > 0) at.start = at.end = (uint32_t)p->len;
  if (p->lex_error && loc->start >= p->lex_error_start && loc->start < p->lex_error_end)
    return 0;   /* a consequence of the lexical error on this line */
  const char *what = lookahead_text(p, look, loc);
  /* Fold expression starters, declarations and operators into one phrase each. */
  bool expr = false, decls = false, ops = false;
  int shown = 0;
  const char *list[MAX + 3];
  bool operand_done = false;   /* a number may not come next: we are after an operand */
  for (int i = 0; i < n; i++) operand_done |= is_operator(expected[i]);
  for (int i = 0; i < n; i++) operand_done &= expected[i] != YYSYMBOL_NUMBER;
  for (int i = 0; i < n; i++) {
    if (operand_done && (expected[i] == YYSYMBOL_IDENT || symbol_is(expected[i], "'%'") ||
                         symbol_is(expected[i], "'('")))
      continue;   /* a unit or a call's '(' could follow, but an operator is what was meant */
    if (n > 4 && symbol_is(expected[i], "'-'")) *(operand_done ? &ops : &expr) = true;
    else if (n > 4 && starts_expr(expected[i])) expr = true;
    else if (n > 4 && starts_decl(expected[i])) decls = true;
    else if (n > 4 && is_operator(expected[i])) ops = true;
    else list[shown++] = symbol_text(p, expected[i]);
  }
  if (decls) list[shown++] = "a declaration";
  if (expr) list[shown++] = "an expression";
  if (ops) list[shown++] = "an operator";
  Diagnostic *g;
  if (shown == 0 || shown > 5) {
    g = diag_error(p->diag, at, E0102, "syntax error: unexpected %s", what);
  } else {
    char buf[512] = "";
    for (int i = 0; i < shown; i++) {
      if (i) strncat(buf, i == shown - 1 ? " or " : ", ", sizeof buf - strlen(buf) - 1);
      strncat(buf, list[i], sizeof buf - strlen(buf) - 1);
    }
    g = diag_error(p->diag, at, E0102, "syntax error: unexpected %s, expected %s", what, buf);
  }
  if (symbol_is(look, "'}'") && decls)
    diag_note(p->diag, g, NO_SPAN, "this '}' closes no open block");
  if (look == YYSYMBOL_IF && expr)
    diag_note(p->diag, g, NO_SPAN, "an 'if' inside a formula needs parentheses: (if C then A else B)");
  bool at_eof = look == YYSYMBOL_YYEOF || loc->start >= p->len;
  if (p->brace_depth > 0 && p->brace_depth <= 64 &&
      (at_eof || line_starts_decl(p, loc->start, p->braces[p->brace_depth - 1])) &&
      p->noted_brace != p->braces[p->brace_depth - 1] + 1) {
    uint32_t open = p->braces[p->brace_depth - 1];
    p->noted_brace = open + 1;   /* say it once */
    diag_note(p->diag, g, S(p, (Loc){open, open + 1}),
              at_eof ? "this '{' is never closed" : "this '{' is not closed: is a '}' missing before this line?");
  }
  return 0;
}

static void yyerror(YYLTYPE *loc, void *scanner, Parser *p, const char *msg) {
  (void)scanner;
  if (p->fast) {
    p->fast_failed = true;
    return;
  }
  diag_error(p->diag, S(p, *loc), E0109, "%s (nesting too deep?)", msg);
}

#ifndef MISSION_FAST_PARSER
int yyparse_fast(void *scanner, Parser *p);
static Node *parse_pass(Arena *a, Interner *names, Diag *diag, Sources *src, uint32_t file, bool fast);

/* Parse one loaded file into a syntax tree: without LAC first, into diagnostics of its
 * own; on any diagnostic, again with LAC into diag (see the top of this file). */
Node *parse_file(Arena *a, Interner *names, Diag *diag, Sources *src, uint32_t file) {
  if (!diag_capped(diag)) {   /* capped: the lexer stops at once, as it always did */
    Diag *scratch = diag_new(a, src);
    scratch->max_errors = diag->max_errors;
    Node *root = parse_pass(a, names, scratch, src, file, true);
    if (root) return root;
  }
  return parse_pass(a, names, diag, src, file, false);
}

/* One parse of a file; NULL when the fast parse (without LAC) met a diagnostic. */
static Node *parse_pass(Arena *a, Interner *names, Diag *diag, Sources *src, uint32_t file, bool fast) {
  const SourceFile *f = src_file(src, file);
  Parser p = {0};
  p.fast = fast;
  p.arena = a;
  p.names = names;
  p.diag = diag;
  p.src = src;
  p.file = file;
  p.text = f->text;
  p.len = f->len;
  yyscan_t scanner;
  yylex_init_extra(&p, &scanner);
  p.scanner = scanner;
  /* The whole text as flex's one buffer: a token as long as the file (an 8 MB comment)
   * is then matched once; fed in chunks through YY_INPUT, flex rescanned the token
   * after each chunk, which was quadratic in the length of a line.
   * The copy ends in the two NULs flex wants (memcpy: yy_scan_bytes copied byte by byte). */
  char *copy = NULL;
  YY_BUFFER_STATE whole = NULL;
  if (p.len <= INT_MAX - 2 && (copy = malloc(p.len + 2))) {
    memcpy(copy, p.text, p.len);
    copy[p.len] = copy[p.len + 1] = '\0';
    whole = yy_scan_buffer(copy, p.len + 2, scanner);
  }
  if (fast) yyparse_fast(scanner, &p);
  else yyparse(scanner, &p);
  if (whole) yy_delete_buffer(whole, scanner);
  free(copy);
  yylex_destroy(scanner);
  if (fast && (p.fast_failed || diag->list.len > 0)) return NULL;
  if (!p.root) p.root = ast_new(a, ND_FILE, (Span){file, 0, (uint32_t)f->len});
  p.root->span = (Span){file, 0, (uint32_t)f->len};
  p.root->file.doc = p.file_doc;
  p.root->file.attr_docs = p.attr_docs;
  p.root->file.items = p.items;
  return p.root;
}

/* Lex one loaded file into its tokens (no parsing), for the formatter. */
int parse_tokens(Arena *a, Interner *names, Diag *diag, Sources *src, uint32_t file, LexToken **out) {
  const SourceFile *f = src_file(src, file);
  Parser p = {0};
  p.arena = a;
  p.names = names;
  p.diag = diag;
  p.src = src;
  p.file = file;
  p.text = f->text;
  p.len = f->len;
  yyscan_t scanner;
  yylex_init_extra(&p, &scanner);
  p.scanner = scanner;
  int n = 0, cap = 256;
  LexToken *toks = arena_alloc(a, sizeof *toks * (size_t)cap);
  YYSTYPE val;
  YYLTYPE loc;
  for (int k; (k = yylex(&val, &loc, scanner)) != YYEOF;) {
    if (n == cap) {
      LexToken *grown = arena_alloc(a, sizeof *toks * (size_t)cap * 2);
      memcpy(grown, toks, sizeof *toks * (size_t)n);
      toks = grown, cap *= 2;
    }
    toks[n++] = (LexToken){loc.start, loc.end, k == TERM, k == IDENT, p.can_end};
  }
  yylex_destroy(scanner);
  *out = toks;
  return n;
}
#endif
