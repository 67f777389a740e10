/* json.c - the strict JSON reader (see json.h). */
#include "json.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct JsonReader {
  Arena *a;
  const char *p, *start, *end;
  char *err;
  size_t errlen;
  bool failed;
} JsonReader;

static Json *read_value(JsonReader *r, int depth);

/* Record the first error with its byte offset. */
static Json *fail(JsonReader *r, const char *what) {
  if (!r->failed && r->err && r->errlen)
    snprintf(r->err, r->errlen, "%s at byte %zu", what, (size_t)(r->p - r->start));
  r->failed = true;
  return NULL;
}

static void skip_ws(JsonReader *r) {
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')) r->p++;
}

static Json *new_value(JsonReader *r, JsonKind kind) {
  Json *v = arena_alloc(r->a, sizeof *v);
  v->kind = kind;
  return v;
}

/* true, false, null. */
static Json *read_word(JsonReader *r, const char *word, JsonKind kind) {
  size_t n = strlen(word);
  if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0) return fail(r, "invalid literal");
  r->p += n;
  return new_value(r, kind);
}

/* number = [ "-" ] int [ frac ] [ exp ], int without leading zeros. */
static Json *read_number(JsonReader *r) {
  const char *s = r->p;
  if (r->p < r->end && *r->p == '-') r->p++;
  if (r->p >= r->end || *r->p < '0' || *r->p > '9') return fail(r, "invalid number");
  if (*r->p == '0') r->p++;
  else while (r->p < r->end && *r->p >= '0' && *r->p <= '9') r->p++;
  if (r->p < r->end && *r->p == '.') {
    r->p++;
    if (r->p >= r->end || *r->p < '0' || *r->p > '9') return fail(r, "invalid number");
    while (r->p < r->end && *r->p >= '0' && *r->p <= '9') r->p++;
  }
  if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
    r->p++;
    if (r->p < r->end && (*r->p == '+' || *r->p == '-')) r->p++;
    if (r->p >= r->end || *r->p < '0' || *r->p > '9') return fail(r, "invalid number");
    while (r->p < r->end && *r->p >= '0' && *r->p <= '9') r->p++;
  }
  if (r->p - s > 400) return fail(r, "number too long");
  char buf[512];
  memcpy(buf, s, (size_t)(r->p - s));
  buf[r->p - s] = '\0';
  Json *v = new_value(r, JSON_NUMBER);
  v->number = strtod(buf, NULL);
  if (!isfinite(v->number)) return fail(r, "number out of range");
  return v;
}

/* Four hex digits of a \u escape. */
static bool read_hex4(JsonReader *r, unsigned *out) {
  if (r->end - r->p < 4) return false;
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = r->p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return false;
  }
  r->p += 4;
  *out = v;
  return true;
}

/* Append code point cp as UTF-8. */
static size_t put_utf8(char *o, unsigned cp) {
  if (cp < 0x80) { o[0] = (char)cp; return 1; }
  if (cp < 0x800) { o[0] = (char)(0xC0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | cp >> 12); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | cp >> 18); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* The length of the valid UTF-8 sequence at p (0 if invalid). */
static size_t utf8_len(const unsigned char *p, const unsigned char *end) {
  unsigned c = p[0];
  size_t n;
  unsigned min;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) n = 2, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, min = 0x10000;
  else return 0;
  if ((size_t)(end - p) < n) return 0;
  unsigned cp = c & (0x7F >> n);
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (p[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

/* A \u escape (with its low surrogate when it is a high one). */
static bool read_unicode(JsonReader *r, char *o, size_t *n) {
  unsigned cp, lo;
  if (!read_hex4(r, &cp)) return false;
  if (cp >= 0xDC00 && cp <= 0xDFFF) return false;
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u') return false;
    r->p += 2;
    if (!read_hex4(r, &lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
  }
  *n = put_utf8(o, cp);
  return true;
}

/* A string: the decoded bytes are never longer than the source. */
static bool read_string_raw(JsonReader *r, const char **out, size_t *outlen) {
  r->p++;   /* opening quote */
  const char *s = r->p;
  while (r->p < r->end && *r->p != '"') r->p += *r->p == '\\' && r->p + 1 < r->end ? 2 : 1;
  if (r->p >= r->end) return fail(r, "unterminated string"), false;
  size_t cap = (size_t)(r->p - s);
  char *o = arena_alloc(r->a, cap + 1);
  size_t n = 0;
  r->p = s;
  while (*r->p != '"') {
    unsigned char c = (unsigned char)*r->p;
    if (c < 0x20) return fail(r, "control character in string"), false;
    if (c != '\\') {
      size_t k = utf8_len((const unsigned char *)r->p, (const unsigned char *)r->end);
      if (!k) return fail(r, "invalid UTF-8 in string"), false;
      memcpy(o + n, r->p, k);
      n += k;
      r->p += k;
      continue;
    }
    r->p++;
    char e = *r->p++;
    size_t k = 1;
    switch (e) {
    case '"': o[n] = '"'; break;
    case '\\': o[n] = '\\'; break;
    case '/': o[n] = '/'; break;
    case 'b': o[n] = '\b'; break;
    case 'f': o[n] = '\f'; break;
    case 'n': o[n] = '\n'; break;
    case 'r': o[n] = '\r'; break;
    case 't': o[n] = '\t'; break;
    case 'u':
      if (!read_unicode(r, o + n, &k)) return fail(r, "invalid \\u escape"), false;
      break;
    default: return fail(r, "invalid escape in string"), false;
    }
    n += k;
  }
  r->p++;   /* closing quote */
  o[n] = '\0';
  *out = o;
  *outlen = n;
  return true;
}

static Json *read_string(JsonReader *r) {
  Json *v = new_value(r, JSON_STRING);
  return read_string_raw(r, &v->str, &v->len) ? v : NULL;
}

/* Append to a growing array of pointers (arena; old storage abandoned). */
static void push_member(JsonReader *r, Json *v, int *cap, Json *item, const char *key) {
  if (v->count == *cap) {
    int ncap = *cap ? *cap * 2 : 4;
    Json **items = arena_alloc(r->a, (size_t)ncap * sizeof *items);
    if (v->count) memcpy(items, v->items, (size_t)v->count * sizeof *items);
    v->items = items;
    if (v->kind == JSON_OBJECT) {
      const char **keys = arena_alloc(r->a, (size_t)ncap * sizeof *keys);
      if (v->count) memcpy(keys, v->keys, (size_t)v->count * sizeof *keys);
      v->keys = keys;
    }
    *cap = ncap;
  }
  if (v->kind == JSON_OBJECT) v->keys[v->count] = key;
  v->items[v->count++] = item;
}

/* [ value { , value } ] */
static Json *read_array(JsonReader *r, int depth) {
  Json *v = new_value(r, JSON_ARRAY);
  int cap = 0;
  r->p++;
  skip_ws(r);
  if (r->p < r->end && *r->p == ']') return r->p++, v;
  for (;;) {
    Json *item = read_value(r, depth + 1);
    if (!item) return NULL;
    push_member(r, v, &cap, item, NULL);
    skip_ws(r);
    if (r->p < r->end && *r->p == ',') { r->p++; continue; }
    if (r->p < r->end && *r->p == ']') return r->p++, v;
    return fail(r, "expected ',' or ']'");
  }
}

/* { string : value { , string : value } } */
static Json *read_object(JsonReader *r, int depth) {
  Json *v = new_value(r, JSON_OBJECT);
  int cap = 0;
  r->p++;
  skip_ws(r);
  if (r->p < r->end && *r->p == '}') return r->p++, v;
  for (;;) {
    skip_ws(r);
    if (r->p >= r->end || *r->p != '"') return fail(r, "expected a string key");
    const char *key;
    size_t keylen;
    if (!read_string_raw(r, &key, &keylen)) return NULL;
    skip_ws(r);
    if (r->p >= r->end || *r->p != ':') return fail(r, "expected ':'");
    r->p++;
    Json *item = read_value(r, depth + 1);
    if (!item) return NULL;
    push_member(r, v, &cap, item, key);
    skip_ws(r);
    if (r->p < r->end && *r->p == ',') { r->p++; continue; }
    if (r->p < r->end && *r->p == '}') return r->p++, v;
    return fail(r, "expected ',' or '}'");
  }
}

static Json *read_value(JsonReader *r, int depth) {
  if (depth > JSON_MAX_DEPTH) return fail(r, "nested too deeply");
  skip_ws(r);
  if (r->p >= r->end) return fail(r, "unexpected end of input");
  switch (*r->p) {
  case '{': return read_object(r, depth);
  case '[': return read_array(r, depth);
  case '"': return read_string(r);
  case 't': return read_word(r, "true", JSON_TRUE);
  case 'f': return read_word(r, "false", JSON_FALSE);
  case 'n': return read_word(r, "null", JSON_NULL);
  default:
    if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9')) return read_number(r);
    return fail(r, "unexpected character");
  }
}

Json *json_parse(Arena *a, const char *text, size_t len, char *err, size_t errlen) {
  JsonReader r = {a, text, text, text + len, err, errlen, false};
  if (err && errlen) err[0] = '\0';
  Json *v = read_value(&r, 0);
  if (!v) return NULL;
  skip_ws(&r);
  if (r.p != r.end) return fail(&r, "trailing characters after the value");
  return v;
}

const Json *json_get(const Json *v, const char *key) {
  if (!v || v->kind != JSON_OBJECT) return NULL;
  for (int i = 0; i < v->count; i++)
    if (strcmp(v->keys[i], key) == 0) return v->items[i];
  return NULL;
}

const Json *json_path(const Json *v, ...) {
  va_list ap;
  va_start(ap, v);
  const char *key;
  while (v && (key = va_arg(ap, const char *))) v = json_get(v, key);
  va_end(ap);
  return v;
}

const char *json_str(const Json *v) { return v && v->kind == JSON_STRING ? v->str : NULL; }

bool json_int(const Json *v, long long min, long long max, long long *out) {
  if (!v || v->kind != JSON_NUMBER || v->number != floor(v->number)) return false;
  if (v->number < (double)min || v->number > (double)max) return false;
  *out = (long long)v->number;
  return true;
}

bool json_true(const Json *v) { return v && v->kind == JSON_TRUE; }
