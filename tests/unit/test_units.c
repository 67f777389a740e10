/* test_units.c - dimensions, scales and the unit table (units.c). */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <string.h>

#include "arena.h"
#include "units.h"

static Arena *arena;
static Interner *names;
static UnitTable *t;

static void setup(void) {
  arena = arena_new();
  names = intern_new(arena);
  t = units_new(arena, names);
}

static void teardown(void) { arena_free(arena); }

static const char *name_of(const char *s) { return intern_cstr(names, s); }

TestSuite(units, .init = setup, .fini = teardown);

Test(units, builtins) {
  cr_assert(eq(str, (char *)units_dimensionless(t)->name, "1"));
  cr_assert(eq(dbl, units_percent(t)->scale, 0.01));
  cr_assert(dim_is_none(&units_percent(t)->dim));
  cr_assert(eq(int, units_day(t)->base, 0));
  cr_assert(units_lookup(t, name_of("day")) == units_day(t));
  cr_assert(units_lookup(t, name_of("%")) == units_percent(t));
  cr_assert(units_lookup(t, name_of("date")) == units_date(t));
  cr_assert(units_lookup(t, name_of("EUR")) == NULL);
  cr_assert(units_at(t, 0) == units_day(t));
  cr_assert(units_at(t, 0)->decl == NULL);
}

Test(units, base_and_derived) {
  Unit *eur = units_add_base(t, "EUR", NULL);
  cr_assert(eur != NULL);
  cr_assert(eq(int, eur->base, 1));
  Unit *meur = units_add_derived(t, "MEUR", eur->dim, 1e6, NULL);
  cr_assert(dim_eq(&meur->dim, &eur->dim));
  cr_assert(eq(dbl, meur->scale, 1e6));
  cr_assert(units_lookup(t, name_of("MEUR")) == meur);
  cr_assert(units_base(t, 1) == eur);
  cr_assert(units_base(t, 2) == NULL);
  cr_assert(eq(int, units_count(t), 6));   /* day 1 % date EUR MEUR */
  cr_assert(units_at(t, 5) == meur);
}

Test(units, first_declaration_wins_lookup) {
  Unit *a = units_add_base(t, "x", NULL);
  units_add_base(t, "x", NULL);
  cr_assert(units_lookup(t, name_of("x")) == a);
}

Test(units, dimension_algebra) {
  Dim eur = units_add_base(t, "EUR", NULL)->dim;
  Dim person = units_add_base(t, "person", NULL)->dim;
  Dim per = dim_div(&eur, &person);
  cr_assert(eq(i8, per.e[1], 1));
  cr_assert(eq(i8, per.e[2], -1));
  Dim back = dim_mul(&per, &person);
  cr_assert(dim_eq(&back, &eur));
  Dim sq = dim_pow(&eur, 2);
  cr_assert(eq(i8, sq.e[1], 2));
  Dim half;
  cr_assert(dim_halve(&sq, &half));
  cr_assert(dim_eq(&half, &eur));
  cr_assert(not(dim_halve(&eur, &half)));
  Dim none = dim_div(&eur, &eur);
  cr_assert(dim_is_none(&none));
}

Test(units, overflow_is_detected) {
  Dim m = units_add_base(t, "m", NULL)->dim, out;
  cr_assert(dim_pow_ok(&m, 127, &out));
  cr_assert(not(dim_pow_ok(&m, 128, &out)));
  Dim big;
  dim_pow_ok(&m, 100, &big);
  cr_assert(not(dim_mul_ok(&big, &big, &out)));
  cr_assert(dim_div_ok(&big, &big, &out));
  cr_assert(dim_is_none(&out));
  Dim none = {NULL};
  cr_assert(dim_pow_ok(&none, 1000000, &out));
}

Test(units, format) {
  Unit *eur = units_add_base(t, "EUR", NULL);
  Unit *person = units_add_base(t, "person", NULL);
  Unit *m = units_add_base(t, "m", NULL);
  units_add_derived(t, "kEUR", eur->dim, 1e3, NULL);
  Dim none = {NULL};
  cr_assert(eq(str, (char *)dim_format(t, arena, &none), "1"));
  cr_assert(eq(str, (char *)dim_format(t, arena, &eur->dim), "EUR"));
  Dim per = dim_div(&eur->dim, &person->dim);
  cr_assert(eq(str, (char *)dim_format(t, arena, &per), "EUR/person"));
  Dim m2 = dim_pow(&m->dim, 2);
  cr_assert(eq(str, (char *)dim_format(t, arena, &m2), "m^2"));
  units_add_derived(t, "m2", m2, 1.0, NULL);
  cr_assert(eq(str, (char *)dim_format(t, arena, &m2), "m2"));
  Dim inv = dim_div(&none, &units_day(t)->dim);
  cr_assert(eq(str, (char *)dim_format(t, arena, &inv), "1/day"));
  Dim two = dim_mul(&person->dim, &m->dim);
  Dim mixed = dim_div(&eur->dim, &two);
  cr_assert(eq(str, (char *)dim_format(t, arena, &mixed), "EUR/(person*m)"));
}

Test(units, suggest) {
  units_add_base(t, "EUR", NULL);
  units_add_derived(t, "MEUR", units_lookup(t, name_of("EUR"))->dim, 1e6, NULL);
  cr_assert(eq(str, (char *)units_suggest(t, "MEURO"), "MEUR"));
  cr_assert(eq(str, (char *)units_suggest(t, "meur"), "MEUR"));
  cr_assert(units_suggest(t, "household") == NULL);
}

Test(units, table_full) {
  char name[16];
  int added = 1;   /* day */
  for (int i = 0; i < 100; i++) {
    snprintf(name, sizeof name, "b%d", i);
    if (!units_add_base(t, name, NULL)) break;
    added++;
  }
  cr_assert(eq(int, added, MAX_BASE_UNITS));
  cr_assert(units_add_base(t, "one_more", NULL) == NULL);
  /* the table keeps working past its first hash size */
  for (int i = 0; i < 300; i++) {
    snprintf(name, sizeof name, "d%d", i);
    units_add_derived(t, name, dim_base(1), 2.0, NULL);
  }
  cr_assert(units_lookup(t, name_of("d299")) != NULL);
  cr_assert(units_lookup(t, name_of("b0")) != NULL);
}
