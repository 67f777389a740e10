/* gen_grammar.c - splice the keyword list into the grammar at build time.
 *
 *   gen_grammar TEMPLATE OUTPUT
 *
 * Copies TEMPLATE (grammar/lexer.l or grammar/parser.y) to OUTPUT, replacing each
 * line that holds only a marker `/\*@ NAME @*\/` with the lines that NAME stands for,
 * generated from KEYWORD_LIST (compiler/syntax/keywords.h). Flex and Bison cannot
 * read C macros, so this is how the one list reaches their input:
 *
 *   keyword-rules   lexer.l   one flex rule per keyword (the DFA matches them, no lookup)
 *   keyword-tokens  parser.y  %token <tok> NAME "word"
 *   decl-keywords   parser.y  the alternatives of decl_kw, each with its DeclKind
 *   attr-keywords   parser.y  the keyword alternatives of attr_name
 *
 * An unknown marker is an error, so a typo cannot silently drop a list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keywords.h"

typedef struct Row {
  const char *word, *token;
  KeywordClass cls;
} Row;

static const Row rows[] = {
#define X(word, T, C) {word, #T, KW_##C},
    KEYWORD_LIST(X)
#undef X
};
enum { NROWS = sizeof rows / sizeof *rows };

/* The flex rules: a keyword is matched by the DFA and handed to keyword(). */
static void emit_rules(FILE *o) {
  static const char *const cls_names[] = {
      [KW_DECL] = "KW_DECL", [KW_FORM] = "KW_FORM", [KW_ITEM] = "KW_ITEM",
      [KW_LITERAL] = "KW_LITERAL", [KW_WORD] = "KW_WORD"};
  for (int i = 0; i < NROWS; i++) {
    int pad = 22 - (int)strlen(rows[i].word);
    fprintf(o, "\"%s\"%*s{ return keyword(P, yylval, %s, %s); }\n", rows[i].word, pad > 1 ? pad : 1, "",
            rows[i].token, cls_names[rows[i].cls]);
  }
}

/* The token declarations, with the word as the token's alias in messages. */
static void emit_tokens(FILE *o) {
  for (int i = 0; i < NROWS; i++) fprintf(o, "%%token <tok> %s \"%s\"\n", rows[i].token, rows[i].word);
}

/* decl_kw: each keyword of the uniform declaration form, with its kind as the value. */
static void emit_decl_keywords(FILE *o) {
  int n = 0;
  for (int i = 0; i < NROWS; i++) {
    if (rows[i].cls != KW_DECL) continue;
    int pad = 11 - (int)strlen(rows[i].token);
    fprintf(o, "  %c %s%*s{ $$ = (DeclKw){DK_%s, $1.doc}; }\n", n++ ? '|' : ':', rows[i].token,
            pad > 1 ? pad : 1, "", rows[i].token);
  }
}

/* attr_name: inside a block, every keyword is also an attribute name. */
static void emit_attr_keywords(FILE *o) {
  for (int i = 0; i < NROWS; i++) fprintf(o, "  | %s\n", rows[i].token);
}

/* The marker name on a line `  /\*@ NAME @*\/`, or NULL. */
static const char *marker(char *line) {
  char *s = line + strspn(line, " \t");
  if (strncmp(s, "/*@ ", 4) != 0) return NULL;
  char *e = strstr(s, " @*/");
  if (!e || e[4 + strspn(e + 4, " \t\r\n")] != '\0') return NULL;
  *e = '\0';
  return s + 4;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: gen_grammar TEMPLATE OUTPUT\n");
    return 2;
  }
  FILE *in = fopen(argv[1], "r");
  if (!in) {
    perror(argv[1]);
    return 1;
  }
  FILE *o = fopen(argv[2], "w");
  if (!o) {
    perror(argv[2]);
    return 1;
  }
  char line[4096];
  int lineno = 0, status = 0;
  while (fgets(line, sizeof line, in)) {
    lineno++;
    const char *m = marker(line);
    if (!m) fputs(line, o);
    else if (strcmp(m, "keyword-rules") == 0) emit_rules(o);
    else if (strcmp(m, "keyword-tokens") == 0) emit_tokens(o);
    else if (strcmp(m, "decl-keywords") == 0) emit_decl_keywords(o);
    else if (strcmp(m, "attr-keywords") == 0) emit_attr_keywords(o);
    else {
      fprintf(stderr, "%s:%d: unknown marker '%s'\n", argv[1], lineno, m);
      status = 1;
    }
  }
  if (ferror(in) || fclose(o) != 0) {
    fprintf(stderr, "gen_grammar: cannot write %s\n", argv[2]);
    status = 1;
  }
  fclose(in);
  if (status) remove(argv[2]);
  return status;
}
