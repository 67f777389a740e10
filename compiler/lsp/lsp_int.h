/* lsp_int.h - the language server's state, shared by lsp.c (protocol, documents,
 * diagnostics) and lsp_query.c (hover, navigation, completion, symbols, actions). */
#ifndef MISSION_LSP_INT_H
#define MISSION_LSP_INT_H

#include <stdbool.h>
#include <stdio.h>

#include "check.h"
#include "compiler.h"
#include "json.h"
#include "lsp.h"

/* What a name in the source stands for. */
typedef enum { REF_SYM, REF_UNIT, REF_FIELD, REF_PARAM } RefKind;

/* One occurrence of a name: a declaration or a use. */
typedef struct Ref {
  RefKind kind;
  Span span;                 /* the identifier */
  Sym *sym;                  /* REF_SYM; REF_FIELD: the record; REF_PARAM: the fn */
  const Unit *unit;          /* REF_UNIT */
  int index;                 /* REF_FIELD, REF_PARAM */
  bool is_decl;              /* the name in its declaration */
} Ref;

/* One compilation of a document, in its own arena (Compiler), freed on change. */
typedef struct Comp {
  Compiler *c;
  Model *m;
  Node *root;
  uint32_t main;             /* source index of the document */
  Ref *refs;                 /* every name in every loaded file, by file then position */
  int nrefs;
  double ms;                 /* time to compile, for the log */
} Comp;

typedef struct Doc {
  char *uri;
  char *path;                /* the file path of a file: URI, else the URI itself */
  char *real;                /* canonical path, or NULL */
  char *text;
  size_t len;
  long long version;
  uint32_t *lines;           /* byte offset of each line start */
  size_t nlines;
  Comp *comp;
  bool dirty;                /* changed since comp: compile before the next answer */
} Doc;

typedef struct Server {
  FILE *in, *out;
  const LspOptions *opt;
  Doc **docs;
  int ndocs, cap;
  char **roots;              /* workspace folders (paths) */
  int nroots;
  bool initialized, shutdown;
  bool utf8;                 /* positions count bytes (negotiated), else UTF-16 units */
  char **anchor_codes;       /* codes with a LANGUAGE.md section ("E0201") ... */
  char **anchors;            /* ... and that section's anchor ("e0201-unknown-name") */
  int nanchors;
  const char *docs_base;
} Server;

/* ---- lsp.c: shared helpers --------------------------------------------- */

/* Byte offset of an LSP position in a document (clamped to the text). */
size_t lsp_offset(Server *s, const Doc *d, const Json *position);
/* Write {"line":..,"character":..} of a byte offset in a source of a compilation. */
void lsp_write_pos(Server *s, FILE *o, Sources *src, uint32_t file, uint32_t offset);
/* Write {"start":..,"end":..} of a span. */
void lsp_write_range(Server *s, FILE *o, Sources *src, Span span);
/* Write {"uri":..,"range":..} of a span. */
void lsp_write_location(Server *s, FILE *o, Sources *src, Span span);
/* The file: URI of a source file of a compilation (malloc'd). */
char *lsp_uri_of(Sources *src, uint32_t file);
/* The file: URI of a path (malloc'd). */
char *lsp_file_uri(const char *path);
/* Write a JSON string. */
void lsp_str(FILE *o, const char *s);
/* Start and finish a response to request id (the result is written in between). */
void lsp_result_begin(FILE *o, const Json *id);
void lsp_result_end(Server *s, FILE *o, char **buf, size_t *len);
/* Send an error response. */
void lsp_error(Server *s, const Json *id, int code, const char *msg);
/* The open document of params.textDocument.uri, or NULL. */
Doc *lsp_doc(Server *s, const Json *params);
/* The diagnostic as an LSP Diagnostic object. */
void lsp_write_diagnostic(Server *s, FILE *o, Comp *cp, const Diagnostic *g);

/* ---- lsp_query.c --------------------------------------------------------- */

/* Index every name of a compilation (fills cp->refs). */
void lsp_index(Comp *cp);
/* Requests: each writes its result (a JSON value) to o, or returns an error
 * message (and writes nothing) for an invalid request. */
const char *lsp_hover(Server *s, Doc *d, const Json *params, FILE *o);
const char *lsp_definition(Server *s, Doc *d, const Json *params, FILE *o);
const char *lsp_references(Server *s, Doc *d, const Json *params, FILE *o);
const char *lsp_prepare_rename(Server *s, Doc *d, const Json *params, FILE *o);
const char *lsp_rename(Server *s, Doc *d, const Json *params, FILE *o);
const char *lsp_document_symbols(Server *s, Doc *d, const Json *params, FILE *o);
const char *lsp_completion(Server *s, Doc *d, const Json *params, FILE *o);
const char *lsp_code_action(Server *s, Doc *d, const Json *params, FILE *o);
const char *lsp_semantic_tokens(Server *s, Doc *d, const Json *params, FILE *o);
const char *lsp_formatting(Server *s, Doc *d, const Json *params, FILE *o);
/* The legend of semantic token types, as a JSON array. */
extern const char *const lsp_token_legend;

#endif
