/* schema.c - the attribute table of every declaration kind (see SCHEMA_LIST). */
#include "schema.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "util.h"

/* Choice lists: index 0 is the "none" entry of the matching enum, so a choice's
 * index is its enum value (Sector, Level, InstrKind, Push). */
const char *const schema_sectors[] = {
#define X(id, name) name,
  SECTOR_LIST(X)
#undef X
  NULL};
const char *const schema_levels[] = {
#define X(id, name) name,
  LEVEL_LIST(X)
#undef X
  NULL};
const char *const schema_instr_kinds[] = {
#define X(id, name) name,
  INSTR_KIND_LIST(X)
#undef X
  NULL};
const char *const schema_pushes[] = {"", "supply", "demand", NULL};
const char *const schema_goal_levels[] = {
#define X(id, name) name,
  GOAL_LEVEL_LIST(X)
#undef X
  NULL};
const char *const schema_milestone_kinds[] = {
#define X(id, name) name,
  MILESTONE_KIND_LIST(X)
#undef X
  NULL};

static const AttrSpec rows[A_COUNT] = {
#define X(k, n, value, refs, choices, required, many) \
  {A_##k##_##n, DK_##k, #n, value, refs, choices, required, many},
  SCHEMA_LIST(X)
#undef X
};

static const char *const value_texts[V_COUNT] = {
#define X(id, text, usage) text,
  VALUE_KIND_LIST(X)
#undef X
};

static const char *const value_usages[V_COUNT] = {
#define X(id, text, usage) usage,
  VALUE_KIND_LIST(X)
#undef X
};

static const char *const kind_texts[DK_COUNT] = {
  "a mission", "an actor", "an indicator", "a goal", "a phase", "a milestone", "an instrument",
  "a condition", "a project", "a record", "a score", "a test", "a unit", "a function", "a risk", "a source",
};

const char *schema_kind_text(DeclKind kind) {
  return kind < DK_COUNT ? kind_texts[kind] : "a declaration";
}

/* The rows of each kind, which SCHEMA_LIST keeps together: first row and count,
 * counted once (every attribute of every declaration looks its kind up). */
static struct { int first, count; } kind_rows[DK_COUNT];
static pthread_once_t kind_rows_once = PTHREAD_ONCE_INIT;

static void kind_rows_init(void) {
  for (int k = 0; k < DK_COUNT; k++) kind_rows[k].first = -1;
  for (int i = 0; i < A_COUNT; i++) {
    if (kind_rows[rows[i].kind].first < 0) kind_rows[rows[i].kind].first = i;
    kind_rows[rows[i].kind].count++;
  }
}

const AttrSpec *schema_rows(DeclKind kind, int *count) {
  pthread_once(&kind_rows_once, kind_rows_init);
  if ((unsigned)kind >= DK_COUNT || kind_rows[kind].first < 0) {
    *count = 0;
    return NULL;
  }
  *count = kind_rows[kind].count;
  return &rows[kind_rows[kind].first];
}

const AttrSpec *schema_find(DeclKind kind, const char *name) {
  int n;
  const AttrSpec *r = schema_rows(kind, &n);
  for (int i = 0; i < n; i++)   /* the first byte rules out most rows without a call */
    if (r[i].name[0] == name[0] && strcmp(r[i].name, name) == 0) return &r[i];
  return NULL;
}

const char *schema_suggest(DeclKind kind, const char *name) {
  int n, limit = strlen(name) <= 3 ? 1 : strlen(name) <= 6 ? 2 : 3;
  const AttrSpec *r = schema_rows(kind, &n);
  const char *best = NULL;
  int best_d = limit + 1;
  for (int i = 0; i < n; i++) {
    int d = strcasecmp(name, r[i].name) == 0 ? 0 : edit_distance(name, r[i].name, limit);
    if (d < best_d) {
      best_d = d;
      best = r[i].name;
    }
  }
  return best;
}

DeclForm schema_form(DeclKind kind) {
  switch (kind) {
  case DK_CONDITION: case DK_SCORE: case DK_FN: case DK_UNIT: return FORM_FORMULA;
  case DK_RECORD: return FORM_FIELDS;
  default: return FORM_BLOCK;
  }
}

const char *schema_value_text(ValueKind v) { return v < V_COUNT ? value_texts[v] : "a value"; }

const char *schema_usage(const AttrSpec *spec, char *buf, int size) {
  const char *u = value_usages[spec->value];
  if (spec->value == V_CHOICE) u = spec->choices[1];
  snprintf(buf, (size_t)size, "%s %s%s", spec->name, u, spec->many ? ", ..." : "");
  return buf;
}

const char *schema_choices_text(const AttrSpec *spec, char *buf, int size) {
  buf[0] = '\0';
  int n = 0;
  while (spec->choices[n + 1]) n++;
  for (int i = 1; i <= n; i++) {
    size_t len = strlen(buf);
    snprintf(buf + len, (size_t)size - len, "%s%s", i == 1 ? "" : i == n ? " or " : ", ",
             spec->choices[i]);
  }
  return buf;
}

int schema_choice_index(const AttrSpec *spec, const char *name) {
  for (int i = 1; spec->choices && spec->choices[i]; i++)
    if (strcmp(spec->choices[i], name) == 0) return i;
  return -1;
}

const char *schema_refs_text(unsigned refs, char *buf, int size) {
  buf[0] = '\0';
  int n = 0, total = 0;
  for (int k = 0; k < DK_COUNT; k++) total += (refs >> k) & 1;
  for (int k = 0; k < DK_COUNT; k++) {
    if (!((refs >> k) & 1)) continue;
    size_t len = strlen(buf);
    snprintf(buf + len, (size_t)size - len, "%s%s", n == 0 ? "" : n == total - 1 ? " or " : ", ",
             kind_texts[k]);
    n++;
  }
  return buf;
}
