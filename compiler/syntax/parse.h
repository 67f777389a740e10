/* parse.h - the parser's entry point and the state shared by lexer and parser. */
#ifndef MISSION_PARSE_H
#define MISSION_PARSE_H

#include <stdbool.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "source.h"

/* Byte offsets of a token or a rule's match in the current file. */
typedef struct Loc {
  uint32_t start, end;
} Loc;

/* A token's value: the parser's stack copies it at every step, so it is small. */
typedef struct Tok {
  const char *str;     /* identifier (interned), keyword text, string contents, number text */
  union {
    double num;        /* NUMBER */
    Date date;         /* DATE */
    const char *doc;   /* names and keywords: the /// comment before it */
  };
} Tok;

/* Everything the reentrant lexer and the pure parser share. */
typedef struct Parser {
  Arena *arena;
  Interner *names;
  Diag *diag;
  Sources *src;
  uint32_t file;
  void *scanner;
  Node *root;
  NodeList items;        /* top-level items, in order (kept through error recovery) */
  PtrVec attr_docs;      /* pairs: an attribute, its doc comment (ND_FILE's attr_docs) */
  /* lexer state */
  const char *text;
  size_t len;
  size_t scan_pos;       /* bytes handed to flex so far */
  uint32_t offset;       /* byte offset of the next token */
  bool can_end;          /* the last token can end a statement (the Go rule) */
  bool eof_term_sent;
  bool any_token;
  uint32_t comment_start;
  bool comment_newline;
  char *doc;             /* pending /// text (arena) */
  char *file_doc;        /* the /// text that documents the whole file */
  bool line_content;     /* the current line holds a token or a comment */
  uint32_t braces[64];   /* offsets of the innermost open '{' */
  int brace_depth;
  uint32_t noted_brace;  /* 1 + offset of the '{' already reported as unclosed */
  bool lex_error;        /* a lexical error was reported on the line below */
  uint32_t lex_error_start, lex_error_end;
  const char *keywords[KEYWORD_COUNT];   /* interned spelling of each keyword token, on first use */
  bool fast;             /* the parse without LAC (parser_fast.c): gives up at an error */
  bool fast_failed;      /* ... and it did */
} Parser;

/* Parse one loaded file. Always returns a file node (possibly partial after errors). */
Node *parse_file(Arena *a, Interner *names, Diag *diag, Sources *src, uint32_t file);

/* One token as the lexer returned it, for tools that print source (the formatter). */
typedef struct LexToken {
  uint32_t start, end;   /* byte offsets */
  bool term;             /* a statement end: newline (Go rule), ';' or the end of the file */
  bool ident;            /* an identifier (not a keyword) */
  bool can_end;          /* a newline after it would end the statement */
} LexToken;

/* Lex one loaded file into its tokens, statement ends included; lexical diagnostics go to
 * diag. Returns the number of tokens; *out is allocated in the arena. */
int parse_tokens(Arena *a, Interner *names, Diag *diag, Sources *src, uint32_t file, LexToken **out);

#endif
