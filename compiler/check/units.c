/* units.c - dimensions, scales and the table of declared units.
 *
 * A Dim is an interned vector of small integer exponents, one per base unit. The table
 * maps interned unit names to units through an open-addressing hash on the
 * name pointer (names are interned, so pointer equality is name equality).
 */
#include "units.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

struct UnitTable {
  Arena *arena;
  Interner *names;
  PtrVec list;                    /* Unit*, declaration order, built-ins first */
  Unit *bases[MAX_BASE_UNITS];
  int nbases;
  Unit **slots;                   /* hash of the name pointer -> Unit* */
  size_t cap, count;
  Unit *one, *percent, *day, *date;
};

/* ------------------------------------------------------------------------ */
/* Dimensions                                                                */
/* ------------------------------------------------------------------------ */

/* The process-wide set of exponent vectors (open addressing on a hash of the bytes),
 * guarded by a mutex: dimensions are made while checking, which any thread may do. */
static struct {
  pthread_mutex_t lock;
  const int8_t **slots;
  size_t cap, count;
} dims = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* A hash of one exponent vector. */
static uint64_t dim_hash(const int8_t *e) {
  uint64_t h = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < MAX_BASE_UNITS; i += 8) {
    uint64_t w;
    memcpy(&w, e + i, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 29;
  }
  return h;
}

/* Enter a vector known to be new into a table with room (lock held). */
static void dims_put(const int8_t **slots, size_t cap, const int8_t *e) {
  size_t j = dim_hash(e) & (cap - 1);
  while (slots[j]) j = (j + 1) & (cap - 1);
  slots[j] = e;
}

Dim dim_intern(const int8_t *e) {
  static const int8_t zero[MAX_BASE_UNITS];
  if (memcmp(e, zero, MAX_BASE_UNITS) == 0) return (Dim){NULL};
  pthread_mutex_lock(&dims.lock);
  const int8_t *found = NULL;
  if (dims.cap) {
    size_t j = dim_hash(e) & (dims.cap - 1);
    for (; dims.slots[j]; j = (j + 1) & (dims.cap - 1))
      if (memcmp(dims.slots[j], e, MAX_BASE_UNITS) == 0) {
        found = dims.slots[j];
        break;
      }
  }
  if (!found) {
    if ((dims.count + 1) * 2 > dims.cap) {
      size_t cap = dims.cap ? dims.cap * 2 : 64;
      const int8_t **slots = xcalloc(cap, sizeof *slots);
      for (size_t i = 0; i < dims.cap; i++)
        if (dims.slots[i]) dims_put(slots, cap, dims.slots[i]);
      free(dims.slots);
      dims.slots = slots;
      dims.cap = cap;
    }
    int8_t *copy = xmalloc(MAX_BASE_UNITS);
    memcpy(copy, e, MAX_BASE_UNITS);
    dims_put(dims.slots, dims.cap, copy);
    dims.count++;
    found = copy;
  }
  pthread_mutex_unlock(&dims.lock);
  return (Dim){found};
}

bool dim_eq(const Dim *a, const Dim *b) { return a->e == b->e; }

bool dim_is_none(const Dim *a) { return a->e == NULL; }

Dim dim_base(int base_index) {
  int8_t e[MAX_BASE_UNITS] = {0};
  if (base_index >= 0 && base_index < MAX_BASE_UNITS) e[base_index] = 1;
  return dim_intern(e);
}

/* Store v in an exponent slot; false if it does not fit. */
static bool put_exp(int8_t *slot, long v) {
  if (v < INT8_MIN || v > INT8_MAX) return false;
  *slot = (int8_t)v;
  return true;
}

bool dim_mul_ok(const Dim *a, const Dim *b, Dim *out) {
  if (!a->e || !b->e) {
    *out = a->e ? *a : *b;
    return true;
  }
  int8_t r[MAX_BASE_UNITS];
  for (int i = 0; i < MAX_BASE_UNITS; i++)
    if (!put_exp(&r[i], (long)a->e[i] + b->e[i])) return false;
  *out = dim_intern(r);
  return true;
}

bool dim_div_ok(const Dim *a, const Dim *b, Dim *out) {
  if (!b->e) {
    *out = *a;
    return true;
  }
  int8_t r[MAX_BASE_UNITS];
  for (int i = 0; i < MAX_BASE_UNITS; i++)
    if (!put_exp(&r[i], (long)dim_exp(a, i) - b->e[i])) return false;
  *out = dim_intern(r);
  return true;
}

bool dim_pow_ok(const Dim *a, long k, Dim *out) {
  if (!a->e || k == 1) {
    *out = *a;
    return true;
  }
  if (k > 1000 || k < -1000) return false;
  int8_t r[MAX_BASE_UNITS];
  for (int i = 0; i < MAX_BASE_UNITS; i++)
    if (!put_exp(&r[i], (long)a->e[i] * k)) return false;
  *out = dim_intern(r);
  return true;
}

/* The unchecked forms keep the first operand when the result would overflow;
 * the checker uses the _ok forms and reports the overflow. */
Dim dim_mul(const Dim *a, const Dim *b) {
  Dim r = *a;
  dim_mul_ok(a, b, &r);
  return r;
}

Dim dim_div(const Dim *a, const Dim *b) {
  Dim r = *a;
  dim_div_ok(a, b, &r);
  return r;
}

Dim dim_pow(const Dim *a, int k) {
  Dim r = *a;
  dim_pow_ok(a, k, &r);
  return r;
}

bool dim_halve(const Dim *a, Dim *out) {
  if (!a->e) {
    *out = *a;
    return true;
  }
  int8_t r[MAX_BASE_UNITS];
  for (int i = 0; i < MAX_BASE_UNITS; i++) {
    if (a->e[i] % 2) return false;
    r[i] = (int8_t)(a->e[i] / 2);
  }
  *out = dim_intern(r);
  return true;
}

/* ------------------------------------------------------------------------ */
/* The table                                                                 */
/* ------------------------------------------------------------------------ */

static size_t slot_of(const char *name, size_t cap) {
  uint64_t h = (uint64_t)(uintptr_t)name * 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 32) & (cap - 1);
}

/* Double the hash and re-insert every unit. */
static void table_grow(UnitTable *t) {
  size_t cap = t->cap ? t->cap * 2 : 128;
  Unit **slots = arena_alloc(t->arena, cap * sizeof *slots);
  for (size_t i = 0; i < t->cap; i++) {
    Unit *u = t->slots[i];
    if (!u) continue;
    size_t j = slot_of(u->name, cap);
    while (slots[j]) j = (j + 1) & (cap - 1);
    slots[j] = u;
  }
  t->slots = slots;
  t->cap = cap;
}

/* Enter u in the hash unless its name is taken (the first declaration wins). */
static void table_put(UnitTable *t, Unit *u) {
  if ((t->count + 1) * 2 > t->cap) table_grow(t);
  size_t j = slot_of(u->name, t->cap);
  while (t->slots[j]) {
    if (t->slots[j]->name == u->name) return;
    j = (j + 1) & (t->cap - 1);
  }
  t->slots[j] = u;
  t->count++;
}

const Unit *units_lookup(const UnitTable *t, const char *interned) {
  if (!interned || !t->cap) return NULL;
  size_t j = slot_of(interned, t->cap);
  while (t->slots[j]) {
    if (t->slots[j]->name == interned) return t->slots[j];
    j = (j + 1) & (t->cap - 1);
  }
  return NULL;
}

/* A new unit in declaration order. */
static Unit *unit_new(UnitTable *t, const char *name, Dim dim, double scale, int base, Node *decl) {
  Unit *u = arena_alloc(t->arena, sizeof *u);
  u->name = intern_cstr(t->names, name);
  u->dim = dim;
  u->scale = scale;
  u->base = base;
  u->decl = decl;
  vec_push(t->arena, &t->list, u);
  table_put(t, u);
  return u;
}

Unit *units_add_base(UnitTable *t, const char *name, Node *decl) {
  if (t->nbases == MAX_BASE_UNITS) return NULL;
  int b = t->nbases++;
  Unit *u = unit_new(t, name, dim_base(b), 1.0, b, decl);
  t->bases[b] = u;
  return u;
}

Unit *units_add_derived(UnitTable *t, const char *name, Dim dim, double scale, Node *decl) {
  return unit_new(t, name, dim, scale, -1, decl);
}

UnitTable *units_new(Arena *a, Interner *names) {
  UnitTable *t = arena_alloc(a, sizeof *t);
  t->arena = a;
  t->names = names;
  table_grow(t);
  Dim none = {NULL};
  t->day = units_add_base(t, "day", NULL);
  t->one = units_add_derived(t, "1", none, 1.0, NULL);
  t->percent = units_add_derived(t, "%", none, 0.01, NULL);
  t->date = units_add_derived(t, "date", none, 1.0, NULL);
  return t;
}

const Unit *units_dimensionless(const UnitTable *t) { return t->one; }
const Unit *units_percent(const UnitTable *t) { return t->percent; }
const Unit *units_day(const UnitTable *t) { return t->day; }
const Unit *units_date(const UnitTable *t) { return t->date; }
int units_count(const UnitTable *t) { return t->list.len; }

const Unit *units_at(const UnitTable *t, int i) {
  return i >= 0 && i < t->list.len ? t->list.items[i] : NULL;
}

const Unit *units_base(const UnitTable *t, int base_index) {
  return base_index >= 0 && base_index < t->nbases ? t->bases[base_index] : NULL;
}

/* ------------------------------------------------------------------------ */
/* Names of dimensions and suggestions                                      */
/* ------------------------------------------------------------------------ */

/* Append "name" or "name^k" for one base unit to buf. */
static void append_factor(char *buf, size_t cap, const char *name, int k, bool sep) {
  size_t n = strlen(buf);
  if (n >= cap - 1) return;
  if (k == 1) snprintf(buf + n, cap - n, "%s%s", sep ? "*" : "", name);
  else snprintf(buf + n, cap - n, "%s%s^%d", sep ? "*" : "", name, k);
}

/* The factors of d with exponents of one sign, as "a*b^2"; returns how many. */
static int format_factors(const UnitTable *t, const Dim *d, int sign, char *buf, size_t cap) {
  int count = 0;
  buf[0] = '\0';
  for (int i = 0; i < t->nbases; i++) {
    int e = dim_exp(d, i) * sign;
    if (e <= 0) continue;
    append_factor(buf, cap, t->bases[i]->name, e, count > 0);
    count++;
  }
  return count;
}

const char *dim_format(const UnitTable *t, Arena *a, const Dim *d) {
  if (dim_is_none(d)) return "1";
  for (int i = 0; i < t->list.len; i++) {
    const Unit *u = t->list.items[i];
    if (u->scale == 1.0 && u != t->date && dim_eq(&u->dim, d)) return u->name;
  }
  char num[256], den[256];
  int nn = format_factors(t, d, 1, num, sizeof num);
  int nd = format_factors(t, d, -1, den, sizeof den);
  if (nd == 0) return arena_strdup(a, num);
  return arena_printf(a, "%s/%s%s%s", nn ? num : "1", nd > 1 ? "(" : "", den, nd > 1 ? ")" : "");
}

const char *units_suggest(const UnitTable *t, const char *name) {
  int limit = strlen(name) <= 3 ? 1 : strlen(name) <= 6 ? 2 : 3;
  const char *best = NULL;
  int best_d = limit + 1;
  for (int i = 0; i < t->list.len; i++) {
    const Unit *u = t->list.items[i];
    if (strcasecmp(name, u->name) == 0) return u->name;
    int dist = edit_distance(name, u->name, limit);
    if (dist < best_d) {
      best_d = dist;
      best = u->name;
    }
  }
  return best;
}
