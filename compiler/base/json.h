/* json.h - a small, strict JSON reader (RFC 8259) into an arena.
 *
 * Writing JSON goes through diag_json_string (diag.h) for strings and plain
 * fprintf for the rest; this module only reads. The reader accepts exactly one
 * value with optional surrounding whitespace, rejects trailing commas, comments,
 * leading zeros, invalid escapes, lone surrogates and invalid UTF-8, and nests at
 * most JSON_MAX_DEPTH deep, so any input gives a value or an error, never a crash.
 */
#ifndef MISSION_JSON_H
#define MISSION_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

enum { JSON_MAX_DEPTH = 200 };

typedef enum { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } JsonKind;

typedef struct Json Json;
struct Json {
  JsonKind kind;
  double number;            /* JSON_NUMBER */
  const char *str;          /* JSON_STRING: UTF-8, NUL-terminated (may hold NULs: see len) */
  size_t len;
  int count;                /* JSON_ARRAY, JSON_OBJECT: number of members */
  Json **items;             /* values, in order */
  const char **keys;        /* JSON_OBJECT: the key of each value (NUL-terminated) */
};

/* Parse text[0..len). NULL with a message in err (with the byte offset) on any error. */
Json *json_parse(Arena *a, const char *text, size_t len, char *err, size_t errlen);
/* The member `key` of an object (the first, if repeated); NULL if v is no object or lacks it. */
const Json *json_get(const Json *v, const char *key);
/* A path of keys: json_path(v, "textDocument", "uri", NULL). */
const Json *json_path(const Json *v, ...);
/* The string of v, or NULL when v is not a string. */
const char *json_str(const Json *v);
/* v as a whole number in [min, max]; false if it is none. */
bool json_int(const Json *v, long long min, long long max, long long *out);
/* Whether v is true (false for anything else). */
bool json_true(const Json *v);

#endif
