/* check_budget.c - money: what projects take from each instrument stays within
 * its budget, and the instruments' budgets within the mission's. Rates (money
 * per time) are first multiplied by their period. Sums are intervals (a single
 * amount is a..a): with L and U the sums of the parts' lower and upper ends and
 * lo..hi the container, L > hi is an error and U > lo a warning (W0114). Sums are in
 * base units and compared with a relative tolerance of 1e-9; messages give
 * them in the unit of the limit.
 */
#include <math.h>
#include <stdlib.h>

#include "check_int.h"
#include "util.h"

enum { MAX_SHOWN = 4 };   /* contributions listed under an exceeded budget */

/* Whether sum exceeds limit beyond the tolerance. */
static bool exceeds(double sum, double limit) { return sum - limit > 1e-9 * fabs(limit); }

/* Same currency: "cannot add USD to EUR" for money. */
static bool same_currency(const Quantity *a, const Quantity *b) { return dim_eq(&a->unit->dim, &b->unit->dim); }

/* E0504: a and b are different currencies (what and limit name them). */
static void currency_error(Checker *k, const Quantity *a, const Quantity *b, Span at, const char *what,
                           const char *limit) {
  Type ta = ck_type_num(a->unit->dim, a->unit), tb = ck_type_num(b->unit->dim, b->unit);
  Diagnostic *g = ck_error(k, at, E0504, "%s is %s, but %s is %s", what, ck_type_in(k, &ta),
                           limit, ck_type_in(k, &tb));
  ck_note(k, g, b->span, "%s is set here", limit);
  ck_note(k, g, NO_SPAN, "currencies are separate dimensions; declare a rate such as 'unit SEK = 0.087 EUR'");
}

/* ------------------------------------------------------------------------ */
/* Rates: money per time, times the length of a period                       */
/* ------------------------------------------------------------------------ */

/* The period of an instrument: its own, else the mission's (NULL if none). */
static const Period *instrument_period(Checker *k, const Sym *ins) {
  if (ins->instrument.period.set) return &ins->instrument.period;
  return k->m->mission && k->m->mission->mission.period.set ? &k->m->mission->mission.period : NULL;
}

/* The length of a period in days. A period of whole calendar months counts each
 * month as a twelfth of a year (365.25 / 12 days), so that 2024-01 .. 2030-06 is
 * exactly 6.5 years; any other period counts its days, both ends included. */
static double period_length(const Period *p) {
  int y1, m1, d1, y2, m2, d2;
  date_from_days(p->start, &y1, &m1, &d1);
  date_from_days(p->end + 1, &y2, &m2, &d2);
  if (d1 == 1 && d2 == 1) return (double)((y2 * 12 + m2) - (y1 * 12 + m1)) * 365.25 / 12;
  return (double)(p->end - p->start + 1);
}

/* A rate becomes its total over period p (E0503 when there is none). */
static void rate_total(Checker *k, Quantity *q, const Period *p, const char *whose) {
  if (!q->set || !q->per) return;
  if (!p || !p->set) {
    Diagnostic *g = ck_error(k, q->span, E0503, "%s is a rate (money per %s), but there is no period "
                             "to multiply it by", whose, q->per->name);
    ck_note(k, g, NO_SPAN, "give the declaration (or the mission) a 'period', or write the total amount");
    q->set = false;
    return;
  }
  q->days = period_length(p);
  q->value = q->rate_lo * q->days;
  if (q->bound == QB_RANGE) {
    q->lo = q->value;
    q->hi = q->rate_hi * q->days;
  }
}

/* The links of a list that are rates, over period p. */
static void rate_links(Checker *k, LinkList *list, const Period *p, const char *whose) {
  for (int i = 0; i < list->len; i++) {
    Link *l = &list->items[i];
    if (!l->has_value || !l->q || !l->q->per) continue;
    rate_total(k, l->q, p, arena_printf(k->a, "%s '%s'", whose, l->target ? l->target->name : "?"));
    l->value = l->q->value;
    l->has_value = l->q->set;
  }
}

/* Every rate of the model: budgets over the declaration's period (an instrument's
 * own, else the mission's), funding over the project's own, else the instrument's. */
static void rates(Checker *k) {
  Sym *m = k->m->mission;
  if (m) rate_total(k, &m->mission.budget, &m->mission.period, "the mission budget");
  PtrVec *instruments = &k->m->by_kind[DK_INSTRUMENT];
  for (int i = 0; i < instruments->len; i++) {
    Sym *ins = instruments->items[i];
    const Period *p = instrument_period(k, ins);
    rate_total(k, &ins->instrument.budget, p, arena_printf(k->a, "the budget of '%s'", ins->name));
    rate_links(k, &ins->instrument.cofunded_by, p, "the co-funding by");
  }
  PtrVec *projects = &k->m->by_kind[DK_PROJECT];
  for (int i = 0; i < projects->len; i++) {
    Sym *p = projects->items[i];
    LinkList *f = &p->project.funded_by;
    for (int j = 0; j < f->len; j++) {
      Link *l = &f->items[j];
      if (!l->has_value || !l->q || !l->q->per) continue;
      const Period *per = p->project.period.set ? &p->project.period
                          : l->target ? instrument_period(k, l->target) : NULL;
      if (!per || !per->set)
        rate_total(k, l->q, per, arena_printf(k->a, "the funding of '%s' by '%s'", p->name,
                                               l->target ? l->target->name : "?"));
      else
        rate_total(k, l->q, per, NULL);   /* the text names it only in an error */
      l->value = l->q->value;
      l->has_value = l->q->set;
    }
    const Period *own = p->project.period.set ? &p->project.period
                        : m && m->mission.period.set ? &m->mission.period : NULL;
    rate_links(k, &p->project.cofunded_by, own, "the co-funding by");
  }
}

/* ------------------------------------------------------------------------ */
/* Sums of intervals                                                         */
/* ------------------------------------------------------------------------ */

/* One amount in a sum: its text is made only when a diagnostic lists it. */
typedef struct Part {
  const Quantity *q;       /* NULL: the quantity of link */
  const Link *link;
  Span span;
  const char *name;        /* the project (takes) or the instrument (has) */
  bool has;
} Part;

typedef struct Funding {
  double lo, hi;           /* sums of the parts' lower and upper ends */
  bool ranged;             /* some part is a range */
  PtrVec parts;            /* Part* */
} Funding;

/* "5 MEUR" or "5 MEUR .. 10 MEUR" in unit u. */
static const char *interval_text(Checker *k, double lo, double hi, const Unit *u) {
  if (lo == hi) return ck_quantity(k, lo, u);
  return arena_printf(k->a, "%s .. %s", ck_quantity(k, lo, u), ck_quantity(k, hi, u));
}

/* " (1.5 BGBP/year over 6.5 years)" after the total of a rate, else "". */
static const char *rate_text(Checker *k, const Quantity *q) {
  if (!q->per || !q->unit) return "";
  double per = q->per->scale, sc = q->unit->scale;
  const char *rate = ck_number(k, q->rate_lo * per / sc);
  if (q->bound == QB_RANGE) rate = arena_printf(k->a, "%s .. %s", rate, ck_number(k, q->rate_hi * per / sc));
  return arena_printf(k->a, " (%s %s/%s over %s %ss)", rate, q->unit->name, q->per->name,
                      ck_number(k, q->days / per), q->per->name);
}

/* Add q (written at span, by name) to the sum f. */
/* A part's quantity (in *tmp when it is a link's plain amount). */
static const Quantity *part_quantity(const Part *p, Quantity *tmp) {
  return p->q ? p->q : link_quantity(p->link, tmp);
}

/* Add a part to f: a quantity q, or (q NULL) the quantity of link. */
static void add_part(Checker *k, Funding *f, const Quantity *q, const Link *link, Span span, const char *name,
                     bool has) {
  Part *part = arena_alloc(k->a, sizeof *part);
  *part = (Part){q, link, span, name, has};
  Quantity tmp;
  if (!q) q = link_quantity(link, &tmp);
  f->lo += quantity_lo(q);
  f->hi += quantity_hi(q);
  f->ranged |= q->bound == QB_RANGE;
  vec_push(k->a, &f->parts, part);
}

/* List the first contributions under g, amounts in unit u. */
static void note_parts(Checker *k, Diagnostic *g, const PtrVec *parts, const Unit *u) {
  for (int i = 0; i < parts->len && i < MAX_SHOWN; i++) {
    const Part *p = parts->items[i];
    Quantity tmp;
    const Quantity *q = part_quantity(p, &tmp);
    ck_note(k, g, p->span, "'%s' %s %s%s", p->name, p->has ? "has" : "takes",
            interval_text(k, quantity_lo(q), quantity_hi(q), u), rate_text(k, q));
  }
  if (parts->len > MAX_SHOWN) ck_note(k, g, NO_SPAN, "and %d more", parts->len - MAX_SHOWN);
}

/* What each project takes from each instrument, summed per instrument. */
/* Whether a project's funding link l counts toward its instrument's budget; a link in
 * another currency does not (reported when report is set). */
static bool link_counts(Checker *k, const Sym *p, const Link *l, bool report) {
  const Sym *ins = l->target;
  const Quantity *budget = &ins->instrument.budget;
  if (!budget->set || !l->has_value) return false;
  Quantity tmp;
  const Quantity *q = link_quantity(l, &tmp);
  if (same_currency(q, budget)) return true;
  if (report)
    currency_error(k, q, budget, link_span(l), arena_printf(k->a, "the funding of '%s' by '%s'", p->name, ins->name),
                   arena_printf(k->a, "the budget of '%s'", ins->name));
  return false;
}

/* Add what the projects take from each instrument to its sum, by_instrument[ordinal of
 * the instrument in by_kind] (the parts themselves are listed only for a message:
 * instrument_parts). */
static void sum_funding(Checker *k, Funding *by_instrument, const int *ordinal) {
  PtrVec *projects = &k->m->by_kind[DK_PROJECT];
  for (int i = 0; i < projects->len; i++) {
    Sym *p = projects->items[i];
    for (int j = 0; j < p->project.funded_by.len; j++) {
      Link *l = &p->project.funded_by.items[j];
      if (!link_counts(k, p, l, true)) continue;
      Funding *f = &by_instrument[ordinal[l->target->index]];
      Quantity tmp;
      const Quantity *q = link_quantity(l, &tmp);
      f->lo += quantity_lo(q);
      f->hi += quantity_hi(q);
      f->ranged |= q->bound == QB_RANGE;
    }
  }
}

/* The parts of instrument ins's sum, in the order sum_funding added them, into f->parts. */
static void instrument_parts(Checker *k, const Sym *ins, Funding *f) {
  PtrVec *projects = &k->m->by_kind[DK_PROJECT];
  for (int i = 0; i < projects->len; i++) {
    Sym *p = projects->items[i];
    for (int j = 0; j < p->project.funded_by.len; j++) {
      Link *l = &p->project.funded_by.items[j];
      if (l->target != ins || !link_counts(k, p, l, false)) continue;
      Part *part = arena_alloc(k->a, sizeof *part);
      *part = (Part){NULL, l, link_span(l), p->name, false};
      vec_push(k->a, &f->parts, part);
    }
  }
}

/* Parts that sum to lo..hi against a container b: E0501/E0502 when they surely
 * exceed it (lo > its upper end), W0114 when they may (hi > its lower end). The
 * messages are formats of the sum and the limit; ins names the instrument for
 * formats that name it first (NULL: the mission). */
static void check_sum(Checker *k, Funding *f, const Quantity *b, DiagCode code, const Sym *of,
                      const char *sure, const char *may) {
  const char *ins = of ? of->name : NULL;
  double blo = quantity_lo(b), bhi = quantity_hi(b);
  bool surely = exceeds(f->lo, bhi);
  if (!surely && !exceeds(f->hi, blo)) return;
  const char *sum = interval_text(k, f->lo, f->hi, b->unit), *limit = interval_text(k, blo, bhi, b->unit);
  if (ins) {
    sure = arena_printf(k->a, sure, ins);
    may = arena_printf(k->a, may, ins);
  }
  Diagnostic *g;
  if (surely) {
    g = ck_error(k, b->span, code, sure, sum, limit);
    if (f->ranged || b->bound == QB_RANGE)
      ck_note(k, g, NO_SPAN, "even the lower ends add up to %s, more than the upper end %s",
              ck_quantity(k, f->lo, b->unit), ck_quantity(k, bhi, b->unit));
  } else {
    g = ck_warning(k, b->span, W0114, "budget-may-exceed", may, sum, limit);
    ck_note(k, g, NO_SPAN, "the upper ends add up to %s, more than the lower end %s", ck_quantity(k, f->hi, b->unit),
            ck_quantity(k, blo, b->unit));
  }
  if (of) instrument_parts(k, of, f);
  note_parts(k, g, &f->parts, b->unit);
}

/* Each instrument's budget covers what its projects take. */
static void check_instruments(Checker *k, Funding *by_instrument) {   /* [i]: by_kind's i-th */
  PtrVec *instruments = &k->m->by_kind[DK_INSTRUMENT];
  for (int i = 0; i < instruments->len; i++) {
    Sym *ins = instruments->items[i];
    Quantity *b = &ins->instrument.budget;
    if (!b->set) continue;
    check_sum(k, &by_instrument[i], b, E0501, ins,
              "projects funded by '%s' take %%s in total, more than its budget of %%s",
              "projects funded by '%s' take %%s in total, which may exceed its budget of %%s");
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
    if (!same_currency(b, limit)) {
      currency_error(k, b, limit, b->span, arena_printf(k->a, "the budget of '%s'", ins->name),
                     "the mission budget");
      continue;
    }
    add_part(k, &f, b, NULL, b->span, ins->name, true);
  }
  check_sum(k, &f, limit, E0502, NULL, "the instruments' budgets add up to %s, more than the mission budget of %s",
            "the instruments' budgets add up to %s, which may exceed the mission budget of %s");
}

void ck_budgets(Checker *k) {
  rates(k);
  /* scratch: each instrument's sum, found through its ordinal in by_kind; freed here */
  const PtrVec *instruments = &k->m->by_kind[DK_INSTRUMENT];
  int *ordinal = xcalloc((size_t)k->m->syms.len + 1, sizeof *ordinal);
  for (int i = 0; i < instruments->len; i++) ordinal[((Sym *)instruments->items[i])->index] = i;
  Funding *by_instrument = xcalloc((size_t)instruments->len + 1, sizeof(Funding));
  sum_funding(k, by_instrument, ordinal);
  check_instruments(k, by_instrument);
  free(ordinal);
  free(by_instrument);
  check_mission(k);
}
