/* test_parse.c - the lexer, the parser and the calendar helpers. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <string.h>

#include "ast.h"
#include "compiler.h"
#include "parse.h"

/* Parse text; the compiler stays alive for inspection. */
static Node *parse_text(Compiler **out, const char *text) {
  Compiler *c = compiler_new();
  uint32_t id = src_add(c->src, "t.mission", text, strlen(text));
  *out = c;
  return parse_file(c->arena, c->names, c->diag, c->src, id);
}

/* The number of errors parsing text gives. */
static int errors_of(const char *text) {
  Compiler *c;
  parse_text(&c, text);
  int n = c->diag->errors;
  compiler_free(c);
  return n;
}

Test(parse, empty_file_is_an_empty_library) {
  Compiler *c;
  Node *root = parse_text(&c, "");
  cr_assert(eq(int, root->kind, ND_FILE));
  cr_assert(eq(int, root->file.items.len, 0));
  cr_assert(eq(int, c->diag->errors, 0));
  compiler_free(c);
  cr_assert(eq(int, errors_of("\n\n// only a comment\n/* and another */\n"), 0));
}

Test(parse, declarations_and_spans) {
  Compiler *c;
  Node *root = parse_text(&c, "actor ec \"European Commission\" { sector public }\nunit city\n");
  cr_assert(eq(int, c->diag->errors, 0));
  cr_assert(eq(int, root->file.items.len, 2));
  Node *actor = root->file.items.items[0];
  cr_assert(eq(int, actor->decl.kind, DK_ACTOR));
  cr_assert(eq(str, (char *)actor->decl.name.str, "ec"));
  cr_assert(eq(str, (char *)actor->decl.title, "European Commission"));
  cr_assert(eq(u32, actor->span.start, 0));
  cr_assert(eq(u32, actor->span.end, 48));
  cr_assert(eq(u32, actor->decl.name.span.start, 6));
  Node *attr = actor->decl.attrs.items[0];
  cr_assert(eq(str, (char *)attr->attr.name, "sector"));
  Node *unit = root->file.items.items[1];
  cr_assert(eq(int, unit->decl.kind, DK_UNIT));
  compiler_free(c);
}

Test(parse, names_are_interned) {
  Compiler *c;
  Node *root = parse_text(&c, "score a = x + x\n");
  Node *sum = root->file.items.items[0]->decl.body;
  cr_assert(name_part(sum->binary.lhs, 0).str == name_part(sum->binary.rhs, 0).str);
  compiler_free(c);
}

Test(parse, go_rule_newlines) {
  /* continuation after an operator, a comma, then, else */
  cr_assert(eq(int, errors_of("score s = 1 +\n 2\nscore t = if true then\n 1 else\n 2\n"), 0));
  cr_assert(eq(int, errors_of("project p { partners a,\n b }\n"), 0));
  /* a newline after a complete operand ends the statement */
  cr_assert(eq(int, errors_of("score s = 1\n + 2\n"), 1));
  /* a block comment spanning lines is a newline */
  cr_assert(eq(int, errors_of("score s = 1 /*\n*/ score t = 2\n"), 0));
  /* the end of the file ends the last statement */
  cr_assert(eq(int, errors_of("score s = 1"), 0));
}

Test(parse, keywords_are_attribute_names_in_blocks) {
  cr_assert(eq(int, errors_of("indicator i { unit city }\ngoal g { indicator i; phase p; by x; if y }\n"), 0));
}

Test(parse, doc_comment_kept_on_next_declaration) {
  Compiler *c;
  Node *root = parse_text(&c, "/// first line\n/// second\nactor a { sector public }\nactor b { sector public }\n");
  cr_assert(eq(str, (char *)root->file.items.items[0]->decl.doc, "first line\nsecond"));
  cr_assert(root->file.items.items[1]->decl.doc == NULL);
  compiler_free(c);
}

Test(parse, dates_versus_subtraction) {
  Compiler *c;
  Node *root = parse_text(&c, "score a = 2030-12\nscore b = 2030 - 12\nscore c = 2030-123\n");
  cr_assert(eq(int, c->diag->errors, 0));
  cr_assert(eq(int, root->file.items.items[0]->decl.body->kind, ND_DATE));
  cr_assert(eq(int, root->file.items.items[1]->decl.body->kind, ND_BINARY));
  cr_assert(eq(int, root->file.items.items[2]->decl.body->kind, ND_BINARY));
  compiler_free(c);
}

Test(parse, invalid_dates_are_errors) {
  cr_assert(eq(int, errors_of("score a = 2030-02-30\n"), 1));
  cr_assert(eq(int, errors_of("score a = 2030-13\n"), 1));
  cr_assert(eq(int, errors_of("score a = 2024-02-29\n"), 0));
  cr_assert(eq(int, errors_of("score a = 2100-02-29\n"), 1));
}

Test(parse, quantities) {
  Compiler *c;
  Node *root = parse_text(&c, "score a = 3.5 MEUR + 42% + 42 % + 1_000_000 EUR\n");
  cr_assert(eq(int, c->diag->errors, 0));
  Node *n = root->file.items.items[0]->decl.body;
  cr_assert(eq(dbl, n->binary.rhs->quantity.value, 1e6));
  cr_assert(eq(str, (char *)n->binary.rhs->quantity.unit.str, "EUR"));
  compiler_free(c);
}

Test(parse, errors_on_several_lines_all_reported) {
  cr_assert(eq(int, errors_of("actor a { sector @ }\nscore s = (1 + ) * 2\nscore t = 1 +* 2\n"), 3));
  cr_assert(eq(int, errors_of("}\n"), 1));
  cr_assert(eq(int, errors_of("score s = \"open\n"), 1));
  cr_assert(eq(int, errors_of("/* open\n"), 1));
}

Test(parse, error_cap_stops_reporting) {
  Compiler *c = compiler_new();
  c->diag->max_errors = 3;
  const char *text = "@\n@\n@\n@\n@\n@\n";
  uint32_t id = src_add(c->src, "t.mission", text, strlen(text));
  parse_file(c->arena, c->names, c->diag, c->src, id);
  cr_assert(eq(int, c->diag->errors, 3));
  cr_assert(c->diag->capped);
  compiler_free(c);
}

Test(calendar, days_and_back) {
  cr_assert(eq(i64, date_days(1970, 1, 1), 0));
  cr_assert(eq(i64, date_days(2000, 3, 1), 11017));
  cr_assert(eq(i64, date_days(1969, 12, 31), -1));
  for (int64_t d = -800000; d < 800000; d += 37) {
    int y, m, day;
    date_from_days(d, &y, &m, &day);
    cr_assert(date_valid(y, m, day));
    cr_assert(eq(i64, date_days(y, m, day), d));
  }
  Date month = {2030, 2, 0, DATE_MONTH};
  cr_assert(eq(i64, date_last_day(month) - date_first_day(month), 27));
  Date year = {2024, 0, 0, DATE_YEAR};
  cr_assert(eq(i64, date_last_day(year) - date_first_day(year), 365));
}
