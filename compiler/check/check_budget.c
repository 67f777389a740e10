/* check_budget.c - money: what projects take from each instrument stays within
 * its budget, and the instruments' budgets within the mission's. Sums are in
 * base units and compared with a relative tolerance of 1e-9; messages give
 * them in the unit of the limit.
 */
#include <math.h>

#include "check_int.h"

enum { MAX_SHOWN = 4 };   /* contributions listed under an exceeded budget */

/* Whether sum exceeds limit beyond the tolerance. */
static bool exceeds(double sum, double limit) { return sum - limit > 1e-9 * fabs(limit); }

/* Same currency: "cannot add USD to EUR" for money. */
static bool same_currency(Checker *k, const Quantity *a, const Quantity *b, Span at, const char *what,
                          const char *limit) {
  if (dim_eq(&a->unit->dim, &b->unit->dim)) return true;
  Type ta = ck_type_num(a->unit->dim, a->unit), tb = ck_type_num(b->unit->dim, b->unit);
  Diagnostic *g = ck_error(k, at, E0504, "%s is %s, but %s is %s", what, ck_type_in(k, &ta),
                           limit, ck_type_in(k, &tb));
  ck_note(k, g, b->span, "%s is set here", limit);
  ck_note(k, g, NO_SPAN, "currencies are separate dimensions; declare a rate such as 'unit SEK = 0.087 EUR'");
  return false;
}

/* List the first contributions under g. */
static void note_parts(Checker *k, Diagnostic *g, PtrVec *spans, PtrVec *texts) {
  for (int i = 0; i < spans->len && i < MAX_SHOWN; i++)
    ck_note(k, g, *(Span *)spans->items[i], "%s", (const char *)texts->items[i]);
  if (spans->len > MAX_SHOWN) ck_note(k, g, NO_SPAN, "and %d more", spans->len - MAX_SHOWN);
}

typedef struct Funding {
  double sum;
  PtrVec spans, texts;
} Funding;

static void add_part(Checker *k, Funding *f, double v, Span span, const char *text) {
  Span *s = arena_alloc(k->a, sizeof *s);
  *s = span;
  f->sum += v;
  vec_push(k->a, &f->spans, s);
  vec_push(k->a, &f->texts, (void *)text);
}

/* What each project takes from each instrument, summed per instrument. */
static void sum_funding(Checker *k, Funding *by_instrument) {
  PtrVec *projects = &k->m->by_kind[DK_PROJECT];
  for (int i = 0; i < projects->len; i++) {
    Sym *p = projects->items[i];
    for (int j = 0; j < p->project.funded_by.len; j++) {
      Link *l = &p->project.funded_by.items[j];
      Sym *ins = l->target;
      Quantity *budget = &ins->instrument.budget;
      if (!budget->set) continue;
      Quantity q = {true, l->value, l->unit, l->span};
      const char *what = arena_printf(k->a, "the funding of '%s' by '%s'", p->name, ins->name);
      const char *limit = arena_printf(k->a, "the budget of '%s'", ins->name);
      if (!same_currency(k, &q, budget, l->span, what, limit)) continue;
      add_part(k, &by_instrument[ins->index], l->value, l->span,
               arena_printf(k->a, "'%s' takes %s", p->name, ck_quantity(k, l->value, budget->unit)));
    }
  }
}

/* Each instrument's budget covers what its projects take. */
static void check_instruments(Checker *k, Funding *by_instrument) {
  PtrVec *instruments = &k->m->by_kind[DK_INSTRUMENT];
  for (int i = 0; i < instruments->len; i++) {
    Sym *ins = instruments->items[i];
    Funding *f = &by_instrument[ins->index];
    Quantity *b = &ins->instrument.budget;
    if (!b->set || !exceeds(f->sum, b->value)) continue;
    Diagnostic *g = ck_error(k, b->span, E0501,
                             "projects funded by '%s' take %s in total, more than its budget of %s", ins->name,
                             ck_quantity(k, f->sum, b->unit), ck_quantity(k, b->value, b->unit));
    note_parts(k, g, &f->spans, &f->texts);
  }
}

/* The instruments' budgets fit in the mission budget. */
static void check_mission(Checker *k) {
  Sym *m = k->m->mission;
  if (!m || !m->mission.budget.set) return;
  Quantity *limit = &m->mission.budget;
  Funding f = {0};
  PtrVec *instruments = &k->m->by_kind[DK_INSTRUMENT];
  for (int i = 0; i < instruments->len; i++) {
    Sym *ins = instruments->items[i];
    Quantity *b = &ins->instrument.budget;
    if (ins->imported || !b->set) continue;
    const char *what = arena_printf(k->a, "the budget of '%s'", ins->name);
    if (!same_currency(k, b, limit, b->span, what, "the mission budget")) continue;
    add_part(k, &f, b->value, b->span,
             arena_printf(k->a, "'%s' has %s", ins->name, ck_quantity(k, b->value, limit->unit)));
  }
  if (!exceeds(f.sum, limit->value)) return;
  Diagnostic *g = ck_error(k, limit->span, E0502,
                           "the instruments' budgets add up to %s, more than the mission budget of %s",
                           ck_quantity(k, f.sum, limit->unit), ck_quantity(k, limit->value, limit->unit));
  note_parts(k, g, &f.spans, &f.texts);
}

void ck_budgets(Checker *k) {
  Funding *by_instrument = arena_alloc(k->a, sizeof(Funding) * (size_t)(k->m->syms.len + 1));
  sum_funding(k, by_instrument);
  check_instruments(k, by_instrument);
  check_mission(k);
}
