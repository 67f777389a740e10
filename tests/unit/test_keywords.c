/* test_keywords.c - the keyword list (compiler/syntax/keywords.h) and every consumer agree:
 * the lexer, the grammar (decl_kw, attr_name, starts_decl, line_starts_decl), DeclKind,
 * keyword_find, LANGUAGE.md section 2.4, the VS Code TextMate grammar and the fuzzing
 * dictionary. A keyword added to the list and missed anywhere fails here. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "compiler.h"
#include "json.h"
#include "parse.h"

/* Parse text; the compiler stays alive for inspection. */
static Node *parse_text(Compiler **out, const char *text) {
  Compiler *c = compiler_new();
  uint32_t id = src_add(c->src, "t.mission", text, strlen(text));
  *out = c;
  return parse_file(c->arena, c->names, c->diag, c->src, id);
}

/* The whole of a file of the source tree, NUL-terminated (malloc). */
static char *read_source(const char *rel, size_t *len) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", MISSIONC_SOURCE_DIR, rel);
  FILE *f = fopen(path, "rb");
  cr_assert(f != NULL, "cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  cr_assert(fread(s, 1, (size_t)n, f) == (size_t)n);
  s[n] = '\0';
  fclose(f);
  if (len) *len = (size_t)n;
  return s;
}

/* The rendered diagnostics of a compilation, as one string (malloc). */
static char *messages(Compiler *c) {
  char *buf = NULL;
  size_t len = 0;
  FILE *o = open_memstream(&buf, &len);
  DiagRenderOptions opt = {0};
  diag_render(c->diag, o, &opt);
  fclose(o);
  return buf;
}

/* A set of words, as one bit per keyword; a word that is no keyword sets `stray`. */
typedef struct WordSet {
  unsigned long long bits;
  char stray[64];
} WordSet;

static void set_add(WordSet *ws, const char *w, size_t n) {
  const Keyword *k = keyword_find(w, n);
  if (k) ws->bits |= 1ull << (k - keyword_table);
  else if (!ws->stray[0]) snprintf(ws->stray, sizeof ws->stray, "%.*s", (int)n, w);
}

/* The keywords of the classes in mask (1 << KW_DECL | ...). */
static unsigned long long of_classes(unsigned mask) {
  unsigned long long bits = 0;
  for (int i = 0; i < KEYWORD_COUNT; i++)
    if (mask & (1u << keyword_table[i].cls)) bits |= 1ull << i;
  return bits;
}

static const unsigned ALL = 1u << KW_DECL | 1u << KW_FORM | 1u << KW_ITEM | 1u << KW_LITERAL | 1u << KW_WORD;

Test(keywords, the_list_is_well_formed) {
  cr_assert(KEYWORD_COUNT < 64, "the word sets of this test hold 64 keywords");
  int kinds = 0;
  for (int i = 0; i < KEYWORD_COUNT; i++) {
    const Keyword *k = &keyword_table[i];
    for (int j = 0; j < i; j++) cr_assert(strcmp(keyword_table[j].word, k->word) != 0, "'%s' twice", k->word);
    for (const char *p = k->word; *p; p++) cr_assert(p[0] >= 'a' && p[0] <= 'z', "'%s' is no lowercase word", k->word);
    bool is_kind = k->cls == KW_DECL || k->cls == KW_FORM;
    if (is_kind) {
      cr_assert(eq(int, k->kind, kinds), "'%s' is not in the order of DeclKind", k->word);
      cr_assert(eq(str, (char *)decl_kind_names[k->kind], (char *)k->word));
      kinds++;
    } else {
      cr_assert(eq(int, k->kind, DK_COUNT), "'%s' is no declaration but has a kind", k->word);
    }
    cr_assert(keyword_find(k->word, strlen(k->word)) == k);
  }
  cr_assert(eq(int, kinds, DK_COUNT), "every DeclKind has its keyword");
  cr_assert(keyword_find("Mission", 7) == NULL);
  cr_assert(keyword_find("missions", 8) == NULL);
  cr_assert(keyword_find("mission", 6) == NULL);
  cr_assert(keyword_find("", 0) == NULL);
}

/* The lexer's generated rules: each keyword is one token that is no name; a longer
 * word or another case is a name; only true and false end a statement. */
Test(keywords, the_lexer_knows_every_keyword) {
  for (int i = 0; i < KEYWORD_COUNT; i++) {
    const char *w = keyword_table[i].word;
    char text[64];
    snprintf(text, sizeof text, "%s %sx %c%s\n", w, w, w[0] - 'a' + 'A', w + 1);
    Compiler *c = compiler_new();
    uint32_t id = src_add(c->src, "t.mission", text, strlen(text));
    LexToken *t;
    int n = parse_tokens(c->arena, c->names, c->diag, c->src, id, &t);
    cr_assert(n >= 3, "%s", text);
    cr_assert(t[0].ident == false && t[0].end - t[0].start == strlen(w), "'%s' lexes as a keyword", w);
    cr_assert(eq(int, t[0].can_end, keyword_table[i].cls == KW_LITERAL), "'%s': a newline after it", w);
    cr_assert(t[1].ident && t[2].ident, "'%sx' and its capitalised form are names", w);
    compiler_free(c);
  }
}

/* decl_kw: every DECL keyword starts a declaration of its own kind, with its doc comment. */
Test(keywords, every_decl_keyword_declares_its_kind) {
  for (int i = 0; i < KEYWORD_COUNT; i++) {
    if (keyword_table[i].cls != KW_DECL) continue;
    char text[128];
    snprintf(text, sizeof text, "/// the doc\n%s x \"title\" {\n}\n%s y = 1\n", keyword_table[i].word, keyword_table[i].word);
    Compiler *c;
    Node *root = parse_text(&c, text);
    cr_assert(eq(int, c->diag->errors, 0), "%s", text);
    cr_assert(eq(int, root->file.items.len, 2));
    Node *a = root->file.items.items[0], *b = root->file.items.items[1];
    cr_assert(eq(int, a->decl.kind, keyword_table[i].kind));
    cr_assert(eq(int, b->decl.kind, keyword_table[i].kind));
    cr_assert(a->decl.has_block && !a->decl.body && b->decl.body && !b->decl.has_block);
    cr_assert(eq(str, (char *)a->decl.doc, "the doc"));
    compiler_free(c);
  }
}

/* attr_name: inside a block, every keyword is an attribute name. */
Test(keywords, every_keyword_is_an_attribute_name) {
  for (int i = 0; i < KEYWORD_COUNT; i++) {
    char text[128];
    snprintf(text, sizeof text, "mission m {\n  %s 1\n  %s\n}\n", keyword_table[i].word, keyword_table[i].word);
    Compiler *c;
    Node *root = parse_text(&c, text);
    cr_assert(eq(int, c->diag->errors, 0), "%s", text);
    NodeList *attrs = &root->file.items.items[0]->decl.attrs;
    cr_assert(eq(int, attrs->len, 2));
    cr_assert(eq(str, (char *)attrs->items[0]->attr.name, (char *)keyword_table[i].word));
    cr_assert(eq(str, (char *)attrs->items[1]->attr.name, (char *)keyword_table[i].word));
    compiler_free(c);
  }
}

/* starts_decl: the keywords that start an item fold into "a declaration", all of them
 * (one missing would be listed on its own). */
Test(keywords, the_item_keywords_fold_into_a_declaration) {
  Compiler *c;
  parse_text(&c, "mission m {\n}\n}\n");
  char *m = messages(c);
  cr_assert(strstr(m, "error[E0102]: syntax error: unexpected '}', expected end of file, end of line or a "
                      "declaration\n") != NULL, "%s", m);
  free(m);
  compiler_free(c);
}

/* line_starts_decl: an error on a line that starts with an item keyword, inside an open
 * block, notes the '{' that is probably not closed; other keywords do not. */
Test(keywords, a_line_that_starts_an_item_notes_the_open_brace) {
  for (int i = 0; i < KEYWORD_COUNT; i++) {
    char text[128];
    snprintf(text, sizeof text, "mission m {\n  owner a\n%s x y\n", keyword_table[i].word);
    Compiler *c;
    parse_text(&c, text);
    char *m = messages(c);
    bool noted = strstr(m, "is a '}' missing before this line?") != NULL;
    cr_assert(eq(int, noted, KW_STARTS_ITEM(keyword_table[i].cls)), "%s\n%s", text, m);
    free(m);
    compiler_free(c);
  }
}

/* The words of the block after `after` in LANGUAGE.md, up to the closing fence. */
static WordSet doc_words(const char *doc, const char *after, const char *end) {
  WordSet ws = {0};
  const char *p = strstr(doc, after);
  cr_assert(p != NULL, "LANGUAGE.md has no '%s'", after);
  p += strlen(after);
  const char *e = strstr(p, end);
  cr_assert(e != NULL);
  while (p < e) {
    if ((*p >= 'a' && *p <= 'z')) {
      const char *w = p;
      while (p < e && *p >= 'a' && *p <= 'z') p++;
      set_add(&ws, w, (size_t)(p - w));
    } else {
      p++;
    }
  }
  return ws;
}

/* The words of the first column of the table after `after` in LANGUAGE.md. */
static WordSet doc_first_column(const char *doc, const char *after) {
  WordSet ws = {0};
  const char *p = strstr(doc, after);
  cr_assert(p != NULL, "LANGUAGE.md has no '%s'", after);
  for (p += strlen(after); p[0] == '|'; p = strchr(p, '\n') + 1) {
    const char *e = strchr(p + 1, '|');
    cr_assert(e != NULL);
    for (const char *q = p + 1; q < e;) {
      if (q[0] >= 'a' && q[0] <= 'z') {
        const char *w = q;
        while (q < e && q[0] >= 'a' && q[0] <= 'z') q++;
        set_add(&ws, w, (size_t)(q - w));
      } else {
        q++;
      }
    }
  }
  return ws;
}

/* LANGUAGE.md 2.4 lists every keyword, with their number; the KIND rule of its grammar
 * the DECL ones; the table of 4.1 every kind of declaration. */
Test(keywords, language_md_lists_them) {
  char *doc = read_source("LANGUAGE.md", NULL);
  char count[64];
  snprintf(count, sizeof count, "These %d words are **keywords**", KEYWORD_COUNT);
  cr_assert(strstr(doc, count) != NULL, "LANGUAGE.md 2.4 should say '%s'", count);
  WordSet all = doc_words(doc, "are **keywords**, reserved everywhere except as attribute names (below):\n\n```text\n",
                          "```");
  cr_assert(all.stray[0] == '\0', "LANGUAGE.md 2.4 lists '%s', which is no keyword", all.stray);
  cr_assert(eq(u64, all.bits, of_classes(ALL)), "LANGUAGE.md 2.4 misses a keyword");
  WordSet kinds = doc_words(doc, "KIND      = ", ";");
  cr_assert(kinds.stray[0] == '\0', "the KIND rule lists '%s'", kinds.stray);
  cr_assert(eq(u64, kinds.bits, of_classes(1u << KW_DECL)), "the KIND rule of LANGUAGE.md 3 is not the DECL keywords");
  WordSet table = doc_first_column(doc, "| kind | form | section |\n| --- | --- | --- |\n");
  cr_assert(table.stray[0] == '\0', "the table of LANGUAGE.md 4.1 has '%s'", table.stray);
  cr_assert(eq(u64, table.bits, of_classes(1u << KW_DECL | 1u << KW_FORM)),
            "the table of LANGUAGE.md 4.1 is not every kind of declaration");
  free(doc);
}

/* The words of the groups `\b(a|b|c)` in a TextMate regular expression. */
static void regex_words(WordSet *ws, const char *re) {
  for (const char *p = re; (p = strstr(p, "(")) != NULL;) {
    p++;
    if (!(*p >= 'a' && *p <= 'z')) continue;
    for (;;) {
      const char *w = p;
      while (*p >= 'a' && *p <= 'z') p++;
      set_add(ws, w, (size_t)(p - w));
      if (*p != '|') break;
      p++;
    }
  }
}

/* The TextMate grammar (editors/vscode) highlights exactly the keywords: the DECL and
 * FORM ones as declarations, import on its own, the others in expressions. */
Test(keywords, the_textmate_grammar_highlights_them) {
  size_t len;
  char *text = read_source("editors/vscode/syntaxes/mission.tmLanguage.json", &len);
  Arena *a = arena_new();
  char err[256];
  Json *g = json_parse(a, text, len, err, sizeof err);
  cr_assert(g != NULL, "%s", err);
  const Json *repo = json_get(g, "repository");
  WordSet decls = {0}, import = {0}, words = {0};
  regex_words(&decls, json_str(json_path(repo, "declaration", "match", NULL)));
  regex_words(&import, json_str(json_path(repo, "import", "match", NULL)));
  const Json *pats = json_path(repo, "expression", "patterns", NULL);
  cr_assert(pats && pats->kind == JSON_ARRAY);
  for (int i = 0; i < pats->count; i++) {
    const char *name = json_str(json_get(pats->items[i], "name"));
    if (name && (strncmp(name, "keyword.", 8) == 0 || strncmp(name, "constant.language.", 18) == 0))
      regex_words(&words, json_str(json_get(pats->items[i], "match")));
  }
  cr_assert(decls.stray[0] == 0 && import.stray[0] == 0 && words.stray[0] == 0, "the grammar highlights '%s%s%s' as a keyword",
            decls.stray, import.stray, words.stray);
  cr_assert(eq(u64, decls.bits, of_classes(1u << KW_DECL | 1u << KW_FORM)), "declaration keywords");
  cr_assert(eq(u64, import.bits, of_classes(1u << KW_ITEM)), "the import keyword");
  cr_assert(eq(u64, words.bits, of_classes(1u << KW_LITERAL | 1u << KW_WORD)), "the keywords of expressions");
  arena_free(a);
  free(text);
}

/* The fuzzing dictionary offers every keyword. */
Test(keywords, the_fuzzing_dictionary_has_them) {
  char *dict = read_source("tests/fuzz/mission.dict", NULL);
  for (int i = 0; i < KEYWORD_COUNT; i++) {
    char line[64];
    snprintf(line, sizeof line, "\n\"%s\"\n", keyword_table[i].word);
    cr_assert(strstr(dict, line) != NULL || strncmp(dict, line + 1, strlen(line + 1)) == 0,
              "tests/fuzz/mission.dict lacks \"%s\"", keyword_table[i].word);
  }
  free(dict);
}
