/* test_json.c - the strict JSON reader (json.c) that missionc lsp reads messages with. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "json.h"

static Arena *arena;
static char err[160];

static void setup(void) { arena = arena_new(); }
static void teardown(void) { arena_free(arena); }

static Json *parse(const char *text) { return json_parse(arena, text, strlen(text), err, sizeof err); }

TestSuite(json, .init = setup, .fini = teardown);

Test(json, lsp_message) {
  Json *v = parse(" {\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"textDocument/hover\","
                  "\"params\":{\"textDocument\":{\"uri\":\"file:///a.mission\"},"
                  "\"position\":{\"line\":3,\"character\":12}},\"x\":[true,false,null,-0.5e2]}\n");
  cr_assert(v != NULL, "%s", err);
  long long n;
  cr_assert(json_int(json_get(v, "id"), 0, 100, &n) && n == 7);
  cr_assert(eq(str, (char *)json_str(json_path(v, "params", "textDocument", "uri", NULL)), "file:///a.mission"));
  cr_assert(json_int(json_path(v, "params", "position", "character", NULL), 0, 100, &n) && n == 12);
  const Json *x = json_get(v, "x");
  cr_assert(x->kind == JSON_ARRAY && x->count == 4);
  cr_assert(json_true(x->items[0]) && x->items[1]->kind == JSON_FALSE && x->items[2]->kind == JSON_NULL);
  cr_assert(eq(dbl, x->items[3]->number, -50.0));
  cr_assert(json_get(v, "missing") == NULL && json_get(x, "id") == NULL);
}

Test(json, escapes_and_unicode) {
  Json *v = parse("\"a\\\"b\\\\c\\/d\\n\\t\\u00e4\\u20ac\\ud83d\\ude00\\u0000z\"");
  cr_assert(v != NULL, "%s", err);
  const char expect[] = "a\"b\\c/d\n\t\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80\0z";
  cr_assert(eq(sz, v->len, sizeof expect - 1));
  cr_assert(memcmp(v->str, expect, v->len) == 0);
  cr_assert(parse("\"Malm\xc3\xb6\"") != NULL);
}

Test(json, numbers) {
  long long n;
  cr_assert(json_int(parse("0"), 0, 0, &n) && n == 0);
  cr_assert(json_int(parse("-12"), -100, 100, &n) && n == -12);
  cr_assert(json_int(parse("1.5"), 0, 10, &n) == false);
  cr_assert(json_int(parse("11"), 0, 10, &n) == false);
  cr_assert(eq(dbl, parse("1E+2")->number, 100.0));
}

/* Every malformed input is an error with a message, never a value. */
Test(json, rejects) {
  static const char *const bad[] = {
      "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "-", "1.", ".5", "1e", "+1",
      "0x10", "tru", "nul", "NaN", "Infinity", "1e400", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"",
      "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"tab\there\"", "\"\xff\"", "\"\xc3\"", "\"\xed\xa0\x80\"",
      "\"\xc0\xaf\"", "1 2", "{} x", "// c\n1", "[1]]",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    err[0] = '\0';
    cr_assert(parse(bad[i]) == NULL, "accepted: %s", bad[i]);
    cr_assert(err[0] != '\0', "no message for: %s", bad[i]);
  }
}

Test(json, depth_is_limited) {
  size_t n = 100000;
  char *deep = malloc(n + 1);
  memset(deep, '[', n);
  deep[n] = '\0';
  cr_assert(parse(deep) == NULL);
  cr_assert(strstr(err, "nested too deeply") != NULL);
  char ok[2 * JSON_MAX_DEPTH + 1];
  memset(ok, '[', JSON_MAX_DEPTH);
  memset(ok + JSON_MAX_DEPTH, ']', JSON_MAX_DEPTH);
  ok[2 * JSON_MAX_DEPTH] = '\0';
  cr_assert(parse(ok) != NULL, "%s", err);
  free(deep);
}

Test(json, duplicate_keys_first_wins) {
  Json *v = parse("{\"a\":1,\"a\":2}");
  long long n;
  cr_assert(json_int(json_get(v, "a"), 0, 9, &n) && n == 1);
}
