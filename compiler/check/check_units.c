/* check_units.c - unit declarations and unit expressions.
 *
 * `unit EUR` declares a base unit (a new dimension); `unit MEUR = 1e6 EUR` a
 * derived unit: a product of numbers and units, read in any declaration order.
 * A base unit whose `///` documentation has a line starting with the word
 * "currency" is a currency: money is one currency to the power 1.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_int.h"
#include "resolve.h"

typedef struct UnitDef {
  Unit *unit;
  Node *decl;
  State state;
} UnitDef;

/* A dimension and scale while reading a definition. */
typedef struct UnitVal {
  Dim dim;
  double scale;
} UnitVal;

/* ------------------------------------------------------------------------ */
/* Declarations                                                              */
/* ------------------------------------------------------------------------ */

/* Whether a doc comment marks a currency: a line "currency ..." or "currency: ...". */
static bool doc_says_currency(const char *doc) {
  for (const char *line = doc; line && *line;) {
    while (*line == ' ') line++;
    if (strncmp(line, "currency", 8) == 0 && strchr(" :.\n", line[8])) return true;
    line = strchr(line, '\n');
    if (line) line++;
  }
  return false;
}

/* ISO 4217 currency codes, sorted: a base unit with one of these names is money. */
static const char *const iso_currencies[] = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL",
};

static int compare_code(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether a base unit is a currency: its doc says so, or its name is an ISO 4217 code. */
static bool is_currency(const char *name, const char *doc) {
  if (doc_says_currency(doc)) return true;
  return bsearch(&name, iso_currencies, sizeof iso_currencies / sizeof *iso_currencies,
                 sizeof *iso_currencies, compare_code) != NULL;
}

/* A unit name that is taken: built in, declared before, or the type bool. */
static bool unit_name_taken(Checker *k, Node *decl) {
  Ident id = decl->decl.name;
  if (id.str == k->s_bool) {
    Diagnostic *g = ck_error(k, id.span, E0206, "'bool' is a type and cannot be declared as a unit");
    ck_note(k, g, NO_SPAN, "bool values are true and false; a record field takes it as 'NAME bool'");
    return true;
  }
  const Unit *old = units_lookup(k->units, id.str);
  if (!old) return false;
  if (!old->decl) {
    ck_error(k, id.span, E0203, "'%s' is a built-in unit and cannot be declared again", id.str);
    return true;
  }
  Diagnostic *g = ck_error(k, id.span, E0203, "unit '%s' is declared twice", id.str);
  ck_note(k, g, old->decl->decl.name.span, "first declared here");
  return true;
}

void ck_declare_unit(Checker *k, Node *decl) {
  if (!k->unit_def_map) k->unit_def_map = namemap_new(k->a, 128);
  if (unit_name_taken(k, decl)) return;
  const char *name = decl->decl.name.str;
  if (!decl_body(decl)) {
    Unit *u = units_add_base(k->units, name, decl);
    if (!u) {
      Diagnostic *g = ck_error(k, decl->decl.name.span, E0308, "too many base units: '%s' would be number %d",
                               name, MAX_BASE_UNITS + 1);
      ck_note(k, g, NO_SPAN, "at most %d base units (dimensions), 'day' included; derive the others "
              "(unit X = ...)", MAX_BASE_UNITS);
      return;
    }
    u->imported = decl->span.file != k->m->main_file;
    k->currency[u->base] = is_currency(name, decl->decl.doc);
    return;
  }
  Dim none = {NULL};
  UnitDef *def = arena_alloc(k->a, sizeof *def);
  def->unit = units_add_derived(k->units, name, none, NAN, decl);
  def->unit->imported = decl->span.file != k->m->main_file;
  def->decl = decl;
  if (ck_damaged(k, decl)) def->state = ST_DONE;   /* stays undefined (NaN), quietly */
  vec_push(k->a, &k->unit_defs, def);
  namemap_put(k->unit_def_map, def->unit->name, def);
}

/* ------------------------------------------------------------------------ */
/* Definitions                                                               */
/* ------------------------------------------------------------------------ */

static bool define_unit(Checker *k, UnitDef *def, Node *use);

/* "unknown unit 'x'" with a did-you-mean among the units. */
static void report_unknown_unit(Checker *k, Ident id) {
  Diagnostic *g = ck_error(k, id.span, E0301, "unknown unit '%s'", id.str);
  Suggest s;
  ck_suggest_init(&s, id.str);
  const char *best = units_suggest(k->units, id.str);
  const Unit *b = best ? units_lookup(k->units, best) : NULL;
  if (b) ck_suggest_add(&s, b->name, b->decl ? b->decl->decl.name.span : NO_SPAN);
  ck_note_suggest(k, g, &s);
  if (!b && resolve_stdlib_declares_unit("std/units.mission", id.str)) {
    ck_note(k, g, NO_SPAN, "'%s' is declared in the standard library: add `import \"std/units\"`", id.str);
    if (g && !k->inst)
      diag_fix(k->d, g, (Span){id.span.file, 0, 0}, "import \"std/units\"\n", "add import \"std/units\"");
  }
}

/* The unit a name stands for, defining it first if needed; NULL after reporting. */
static const Unit *defined_unit(Checker *k, Ident id, Node *use) {
  if (id.str[0] == '%' && !id.str[1]) return units_percent(k->units);
  if (id.str == k->s_bool || id.str == k->s_date) {
    ck_error(k, id.span, E0309, "'%s' is a type, not a unit", id.str);
    return NULL;
  }
  const Unit *u = units_lookup(k->units, id.str);
  if (!u) {
    report_unknown_unit(k, id);
    return NULL;
  }
  UnitDef *def = k->unit_def_map ? namemap_get(k->unit_def_map, id.str) : NULL;
  if (def && def->unit == u && !define_unit(k, def, use)) return NULL;
  return u;
}

/* An integer exponent written in a unit definition (`m^2`), or false. */
static bool unit_exponent(const Node *n, long *k) {
  bool neg = false;
  while (n->kind == ND_UNARY && n->unary.op == OP_NEG) {
    neg = !neg;
    n = n->unary.operand;
  }
  if (n->kind != ND_NUMBER || n->number.value != floor(n->number.value) || fabs(n->number.value) > 1000)
    return false;
  *k = (long)(neg ? -n->number.value : n->number.value);
  return true;
}

/* Combine two factors of a definition; false (reported) on exponent overflow. */
static bool unit_combine(Checker *k, Node *n, UnitVal a, UnitVal b, bool divide, UnitVal *out) {
  bool ok = divide ? dim_div_ok(&a.dim, &b.dim, &out->dim) : dim_mul_ok(&a.dim, &b.dim, &out->dim);
  if (!ok) {
    ck_error(k, n->span, E0310, "the exponents of this unit are too large");
    return false;
  }
  out->scale = divide ? a.scale / b.scale : a.scale * b.scale;
  return true;
}

static bool unit_value(Checker *k, Node *n, UnitVal *out);

/* `unit ^ k` with a whole constant k. */
static bool unit_power(Checker *k, Node *n, UnitVal *out) {
  UnitVal a;
  long e;
  if (!unit_exponent(n->binary.rhs, &e)) {
    ck_error(k, n->binary.rhs->span, E0307, "the exponent of a unit must be a whole number");
    return false;
  }
  if (!unit_value(k, n->binary.lhs, &a)) return false;
  if (!dim_pow_ok(&a.dim, e, &out->dim)) {
    ck_error(k, n->span, E0310, "the exponents of this unit are too large");
    return false;
  }
  out->scale = pow(a.scale, (double)e);
  return true;
}

static bool unit_value_at(Checker *k, Node *n, UnitVal *out, const Unit **named);

/* node->sem of a part of a unit expression: a constant (its scale, in its dimension). */
static void unit_sem(Checker *k, Node *n, Type t, double scale) {
  ExprSem *e = ck_sem(k, n);
  e->form = n->kind == ND_BINARY ? EX_OP : EX_CONST;
  e->type = t;
  e->constant = true;
  e->value = scale;
}

/* The dimension and scale of a definition's expression (depth-limited). */
static bool unit_value(Checker *k, Node *n, UnitVal *out) {
  if (k->depth == 0) k->too_deep = false;
  if (k->depth >= MAX_DEPTH) {
    if (!k->too_deep) ck_error(k, n->span, E0611, "this unit is nested too deeply (more than %d levels)", MAX_DEPTH);
    k->too_deep = true;
    return false;
  }
  k->depth++;
  const Unit *named = NULL;
  bool ok = unit_value_at(k, n, out, &named);
  k->depth--;
  if (ok) unit_sem(k, n, ck_type_num(out->dim, named), out->scale);
  return ok;
}

/* unit_value for one node; *named is the unit a name or quantity names. */
static bool unit_value_at(Checker *k, Node *n, UnitVal *out, const Unit **named) {
  Dim none = {NULL};
  const Unit *u;
  UnitVal a, b;
  switch (n->kind) {
  case ND_NUMBER:
    *out = (UnitVal){none, n->number.value};
    return true;
  case ND_PERCENT:
    *out = (UnitVal){none, 0.01};
    return true;
  case ND_QUANTITY:
    if (!(u = defined_unit(k, n->quantity.unit, n))) return false;
    *out = (UnitVal){u->dim, n->quantity.value * u->scale};
    *named = u;
    return true;
  case ND_NAME:
    if (name_nparts(n) != 1) break;
    if (!(u = defined_unit(k, name_part(n, 0), n))) return false;
    *out = (UnitVal){u->dim, u->scale};
    *named = u;
    return true;
  case ND_BINARY:
    if (n->binary.op == OP_MUL || n->binary.op == OP_DIV)
      return unit_value(k, n->binary.lhs, &a) && unit_value(k, n->binary.rhs, &b) &&
             unit_combine(k, n, a, b, n->binary.op == OP_DIV, out);
    if (n->binary.op == OP_POW) return unit_power(k, n, out);
    break;
  default:
    break;
  }
  Diagnostic *g = ck_error(k, n->span, E0307, "a unit is defined by numbers and units, not by %s",
                           ck_node_text(n));
  ck_note(k, g, NO_SPAN, "write it as 'unit MEUR = 1e6 EUR' or 'unit tpy = t / year'");
  return false;
}

/* Read one definition (once); false if it is wrong or part of a cycle. */
static bool define_unit(Checker *k, UnitDef *def, Node *use) {
  if (def->state == ST_DONE) return !isnan(def->unit->scale);
  if (def->state == ST_BUSY) {
    Diagnostic *g = ck_error(k, use ? use->span : def->decl->decl.name.span, E0307,
                             "unit '%s' is defined in terms of itself", def->unit->name);
    ck_note(k, g, def->decl->decl.name.span, "'%s' declared here", def->unit->name);
    return false;
  }
  def->state = ST_BUSY;
  UnitVal v;
  bool ok = unit_value(k, decl_body(def->decl), &v);
  if (ok && !(isfinite(v.scale) && v.scale > 0)) {
    ck_error(k, decl_body(def->decl)->span, E0307, "unit '%s' must be a positive multiple, not %s",
             def->unit->name, ck_number(k, v.scale));
    ok = false;
  }
  if (ok) {
    def->unit->dim = v.dim;
    def->unit->scale = v.scale;
  }
  def->state = ST_DONE;
  return ok;
}

void ck_define_units(Checker *k) {
  for (int i = 0; i < k->unit_defs.len; i++) define_unit(k, k->unit_defs.items[i], NULL);
}

bool ck_is_money(Checker *k, const Dim *dim) {
  int base = -1;
  if (!dim->e) return false;
  for (int w = 0; w < MAX_BASE_UNITS; w += 8) {   /* eight exponents at a time: most are 0 */
    uint64_t word;
    memcpy(&word, dim->e + w, sizeof word);
    for (int i = w; word && i < w + 8; i++) {
      if (!dim->e[i]) continue;
      if (dim->e[i] != 1 || base >= 0) return false;
      base = i;
    }
  }
  return base >= 0 && k->currency[base];
}

/* ------------------------------------------------------------------------ */
/* Unit expressions in declarations: indicator units, fields, params, `: unit` */
/* ------------------------------------------------------------------------ */

/* The unit a name stands for after the definitions pass; NULL after reporting
 * (or silently for a unit whose own definition was reported). */
static const Unit *named_unit(Checker *k, Ident id) {
  const Unit *u = defined_unit(k, id, NULL);
  return u && !isnan(u->scale) ? u : NULL;
}

const Unit *ck_quantity_unit(Checker *k, Node *n) {
  return named_unit(k, n->quantity.unit);
}

/* A unit for a compound unit expression, named after its source text. */
static const Unit *anonymous_unit(Checker *k, Node *n, UnitVal v) {
  Unit *u = arena_alloc(k->a, sizeof *u);
  u->name = src_slice(k->c->src, n->span, k->a);
  u->dim = v.dim;
  u->scale = v.scale;
  u->base = -1;
  return u;
}

static Type unit_expr(Checker *k, Node *n, bool allow_types);

Type ck_unit_expr(Checker *k, Node *n, bool allow_types) {
  Type t = unit_expr(k, n, allow_types);
  if (t.kind != TY_ERROR) unit_sem(k, n, t, t.unit ? t.unit->scale : 1.0);
  return t;
}

/* The type a unit expression names (see ck_unit_expr). */
static Type unit_expr(Checker *k, Node *n, bool allow_types) {
  if (n->kind == ND_NAME && name_nparts(n) == 1) {
    Ident id = name_part(n, 0);
    if (id.str == k->s_bool && allow_types) return ck_type_of(TY_BOOL);
    if (id.str == k->s_date && allow_types) {
      Type t = ck_type_of(TY_DATE);
      t.unit = units_date(k->units);
      return t;
    }
    if (id.str == k->s_bool || id.str == k->s_date) {
      ck_error(k, id.span, E0309, "'%s' is a type, not a unit", id.str);
      return ck_type_of(TY_ERROR);
    }
    const Unit *u = named_unit(k, id);
    return u ? ck_type_num(u->dim, u) : ck_type_of(TY_ERROR);
  }
  if (n->kind == ND_PERCENT) return ck_type_num(units_percent(k->units)->dim, units_percent(k->units));
  if (n->kind == ND_NUMBER && n->number.value == 1)
    return ck_type_num(units_dimensionless(k->units)->dim, units_dimensionless(k->units));
  UnitVal v;
  if (!unit_value(k, n, &v)) return ck_type_of(TY_ERROR);
  if (!(isfinite(v.scale) && v.scale > 0)) {
    ck_error(k, n->span, E0307, "a unit must be a positive multiple, not %s", ck_number(k, v.scale));
    return ck_type_of(TY_ERROR);
  }
  return ck_type_num(v.dim, anonymous_unit(k, n, v));
}
