/* units.h - dimensions and scales.
 *
 * A dimension is a product of base units with integer exponents; every unit has a
 * scale to its base (1 MEUR = 1e6 EUR). Values are evaluated in base units.
 *
 * Dimensions are interned: a Dim is one pointer to the only copy of its exponent
 * vector (NULL for the dimensionless one, so a zeroed Dim is dimensionless), equal
 * dimensions are equal pointers, and a type or a checked expression carries 8 bytes
 * of dimension, not 64. A program has a handful of distinct dimensions; their vectors
 * are kept for the life of the process (a process-wide table, like interned atoms).
 */
#ifndef MISSION_UNITS_H
#define MISSION_UNITS_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"

#define MAX_BASE_UNITS 64

typedef struct Dim {
  const int8_t *e;            /* interned exponents, one per base unit, by base index;
                               * NULL when dimensionless (use dim_exp) */
} Dim;

typedef struct Unit {
  const char *name;           /* interned: "MEUR", "%", "1", "day" */
  Dim dim;
  double scale;               /* 1 of this unit in base units */
  int base;                   /* index if this is a base unit, else -1 */
  Node *decl;                 /* the `unit` declaration; NULL for built-ins */
  bool imported;              /* declared in an imported file */
} Unit;

typedef struct UnitTable UnitTable;

UnitTable *units_new(Arena *a, Interner *names);
/* Built-ins: 1, %, day, date (date is a pseudo-unit for the date type). */
const Unit *units_dimensionless(const UnitTable *t);
const Unit *units_percent(const UnitTable *t);
const Unit *units_day(const UnitTable *t);
/* The pseudo-unit `date` (the date type: a record field `signed date`, `: date`). */
const Unit *units_date(const UnitTable *t);
const Unit *units_lookup(const UnitTable *t, const char *interned);
/* Declare a base unit (a new dimension). NULL when the table is full. */
Unit *units_add_base(UnitTable *t, const char *name, Node *decl);
/* Declare a derived unit with a dimension and a scale. */
Unit *units_add_derived(UnitTable *t, const char *name, Dim dim, double scale, Node *decl);
int units_count(const UnitTable *t);
const Unit *units_at(const UnitTable *t, int i);   /* declaration order, built-ins first (decl NULL) */
const Unit *units_base(const UnitTable *t, int base_index);

/* The exponent of base unit i in d. */
static inline int dim_exp(const Dim *d, int i) { return d->e ? d->e[i] : 0; }
/* The interned dimension of these MAX_BASE_UNITS exponents. */
Dim dim_intern(const int8_t *e);
bool dim_eq(const Dim *a, const Dim *b);
bool dim_is_none(const Dim *a);                 /* dimensionless */
Dim dim_mul(const Dim *a, const Dim *b);
Dim dim_div(const Dim *a, const Dim *b);
Dim dim_pow(const Dim *a, int k);
bool dim_halve(const Dim *a, Dim *out);         /* for sqrt: false if an exponent is odd */
/* Checked forms: false when an exponent would leave the range of int8_t. */
bool dim_mul_ok(const Dim *a, const Dim *b, Dim *out);
bool dim_div_ok(const Dim *a, const Dim *b, Dim *out);
bool dim_pow_ok(const Dim *a, long k, Dim *out);
/* The dimension of one base unit. */
Dim dim_base(int base_index);
/* A readable name for a dimension: a declared unit of scale 1 with that dimension
 * if there is one, else a product of base units ("EUR/person", "m^2"). */
const char *dim_format(const UnitTable *t, Arena *a, const Dim *d);
/* Did-you-mean among unit names (NULL if nothing close). */
const char *units_suggest(const UnitTable *t, const char *name);

#endif
