/* check.h - the checked model: what every later stage reads.
 *
 * check_program() loads the imports of a parsed file, resolves every name, checks
 * schema, units, dates, budgets and structure, and fills the model below. Later
 * stages (lint, export, graph, interp, codegen, eval, status) read the model and
 * never change it. Quantities are stored in base units; dates as days since
 * 1970-01-01 (int64 in the model, double inside formulas).
 */
#ifndef MISSION_CHECK_H
#define MISSION_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"
#include "compiler.h"
#include "units.h"

typedef struct Sym Sym;

/* ---- types of expressions ---------------------------------------------- */

typedef enum {
  TY_ERROR,    /* already reported; stay quiet */
  TY_NUM,      /* a number with a dimension (dimensionless included) */
  TY_BOOL,
  TY_DATE,     /* days since 1970-01-01 */
  TY_STRING,
  TY_RANGE,    /* attribute values only */
  TY_DECL,     /* a declaration used as a value (a goal passed to progress) */
} TypeKind;

typedef struct Type {
  TypeKind kind;
  Dim dim;                 /* TY_NUM */
  const Unit *unit;        /* TY_NUM: the unit it reads in, when one is known (else NULL) */
} Type;

/* Built-in functions. */
#define BUILTIN_LIST(X)                                                      \
  X(BI_NONE, "")  X(BI_MIN, "min") X(BI_MAX, "max") X(BI_CLAMP, "clamp")     \
  X(BI_ABS, "abs") X(BI_SQRT, "sqrt") X(BI_LOG, "log") X(BI_EXP, "exp")      \
  X(BI_POW, "pow") X(BI_ROUND, "round") X(BI_FLOOR, "floor")                 \
  X(BI_CEIL, "ceil") X(BI_PROGRESS, "progress") X(BI_EXPECTED, "expected")   \
  X(BI_ON_TRACK, "on_track") X(BI_PLANNED, "planned")                        \
  X(BI_IS_MISSING, "is_missing") X(BI_COALESCE, "coalesce")

typedef enum {
#define X(id, name) id,
  BUILTIN_LIST(X)
#undef X
  BI_COUNT
} Builtin;

extern const char *const builtin_names[BI_COUNT];

/* What an expression node is, once resolved. Stored in node->sem for every
 * expression inside a rule or fn body, and for attribute values. */
typedef enum {
  EX_CONST,        /* number, quantity, date, bool, string, goal.baseline ...: see value */
  EX_INDICATOR,    /* the row's value of indicator `ref` (an input column) */
  EX_DATE_INPUT,   /* the row's date (`date`) */
  EX_FIELD,        /* field `index` of the rule's record (an input column) */
  EX_PARAM,        /* parameter `index` of the enclosing fn */
  EX_RULE,         /* the value of score/condition `ref` on the same row */
  EX_GOAL,         /* goal `ref` as an argument of progress/expected/on_track */
  EX_DECL,         /* some other declaration named in an attribute (actor, phase ...) */
  EX_CALL_FN,      /* call of user fn `ref` with node->call.args */
  EX_BUILTIN,      /* call of `builtin` with node->call.args */
  EX_OP,           /* ND_UNARY, ND_BINARY or ND_IF: see the node */
} ExprForm;

typedef struct ExprSem {   /* one per checked expression node: 56 bytes, without holes */
  Type type;
  double value;        /* EX_CONST: in base units; dates in days; bools 0/1 */
  const char *str;     /* EX_CONST strings */
  Sym *ref;
  int index;
  uint8_t form;        /* ExprForm (a byte: there are 170,000 of these in a 100,000-line file) */
  uint8_t builtin;     /* Builtin */
  bool constant;       /* known when checking (value holds it, in base units), whatever the form */
  bool poly;           /* fn bodies: depends on a unit-polymorphic parameter (type is per call) */
} ExprSem;
_Static_assert(EX_OP < 256 && BI_COUNT <= 256, "ExprSem keeps form and builtin in a byte");

/* The ExprSem of an expression node (NULL before checking); NULL for other nodes. */
static inline ExprSem *expr_sem(const Node *n) { return node_is_expr(n) ? (ExprSem *)n->sem : NULL; }

/* ---- declarations -------------------------------------------------------- */

#define SECTOR_LIST(X) X(SECTOR_NONE, "") X(SECTOR_PUBLIC, "public") X(SECTOR_PRIVATE, "private") \
  X(SECTOR_THIRD, "third") X(SECTOR_ACADEMIA, "academia") X(SECTOR_CITIZENS, "citizens")
typedef enum {
#define X(id, name) id,
  SECTOR_LIST(X)
#undef X
  SECTOR_COUNT
} Sector;
extern const char *const sector_names[SECTOR_COUNT];

#define LEVEL_LIST(X) X(LEVEL_NONE, "") X(LEVEL_LOCAL, "local") X(LEVEL_REGIONAL, "regional") \
  X(LEVEL_NATIONAL, "national") X(LEVEL_SUPRANATIONAL, "supranational") X(LEVEL_GLOBAL, "global")
typedef enum {
#define X(id, name) id,
  LEVEL_LIST(X)
#undef X
  LEVEL_COUNT
} Level;
extern const char *const level_names[LEVEL_COUNT];

#define INSTR_KIND_LIST(X) X(IK_NONE, "") X(IK_GRANT, "grant") X(IK_LOAN, "loan")               \
  X(IK_GUARANTEE, "guarantee") X(IK_EQUITY, "equity") X(IK_PROCUREMENT, "procurement")           \
  X(IK_PRIZE, "prize") X(IK_REGULATION, "regulation") X(IK_TAX_CREDIT, "tax_credit")             \
  X(IK_VOUCHER, "voucher") X(IK_STANDARD, "standard")
typedef enum {
#define X(id, name) id,
  INSTR_KIND_LIST(X)
#undef X
  IK_COUNT
} InstrKind;
extern const char *const instr_kind_names[IK_COUNT];

typedef enum { PUSH_NONE, PUSH_SUPPLY, PUSH_DEMAND, PUSH_COUNT } Push;

/* A goal's place in the results chain (R4); none: no level-lint applies. */
#define GOAL_LEVEL_LIST(X) X(GL_NONE, "") X(GL_OUTPUT, "output") X(GL_OUTCOME, "outcome") \
  X(GL_IMPACT, "impact")
typedef enum {
#define X(id, name) id,
  GOAL_LEVEL_LIST(X)
#undef X
  GL_COUNT
} GoalLevel;
extern const char *const goal_level_names[GL_COUNT];

/* A milestone's kind (R5); none means an event. */
#define MILESTONE_KIND_LIST(X) X(MK_NONE, "") X(MK_EVENT, "event") X(MK_REVIEW, "review") \
  X(MK_DECISION, "decision")
typedef enum {
#define X(id, name) id,
  MILESTONE_KIND_LIST(X)
#undef X
  MK_COUNT
} MilestoneKind;
extern const char *const milestone_kind_names[MK_COUNT];
extern const char *const push_names[PUSH_COUNT];

/* A period (range of dates), first and last day inclusive. */
typedef struct Period {
  int64_t start, end;
  Span span;
  bool set;              /* last: 32 bytes, no hole */
} Period;

/* How a quantity bounds what it states: exactly, at least (`>= x`), at most
 * (`<= x`), or between (`lo .. hi`: a target range, an uncertain amount of money). */
typedef enum { QB_EXACT, QB_MIN, QB_MAX, QB_RANGE } QBound;

/* A money or other quantity written in an attribute. */
typedef struct Quantity {
  bool set;
  double value;          /* base units: the amount; a target's effective value; a money range's
                          * lower end; a rate's total over its period */
  const Unit *unit;      /* as written (a rate: its money unit) */
  Span span;
  QBound bound;          /* QB_EXACT unless written as a bound or a range */
  double lo, hi;         /* not QB_EXACT: the ends as written, base units (QB_MIN: hi = +inf,
                          * QB_MAX: lo = -inf); a money range that is a rate: the totals */
  const Unit *per;       /* a rate (money per time, `1.5 BGBP / year`): the time unit, else NULL */
  double rate_lo, rate_hi;   /* a rate: the ends per day, base units */
  double days;           /* a rate: the length of the period it is multiplied by (0: none) */
  const char *bare;      /* written as a plain number without a unit: its text, else NULL */
  Sym *source;           /* `per SOURCE`, or NULL */
} Quantity;

/* The lower and upper ends of a quantity (an exact one is value..value). */
static inline double quantity_lo(const Quantity *q) { return q->bound == QB_EXACT ? q->value : q->lo; }
static inline double quantity_hi(const Quantity *q) { return q->bound == QB_EXACT ? q->value : q->hi; }

/* `goal: value` pairs (contributes, expects), `instrument: money` (funded_by) and
 * `actor: money` (cofunded_by). */
typedef struct Link {   /* 56 bytes: there is one for every project's funding and contribution */
  Sym *target;
  double value;          /* base units (weights are dimensionless); 0 without a value */
  const Unit *unit;
  const char *bare;      /* the value written as a plain number without a unit: its text */
  Quantity *q;           /* the value in full when the fields here do not say it all (a bound,
                          * a range, a rate, `per SOURCE`, a value elsewhere than the argument)
                          * and always for `expects`; else NULL: read link_quantity,
                          * link_source and link_value_span */
  const Node *arg;       /* the whole argument (link_span) */
  uint32_t value_start;  /* the value's span, in the argument's file (without q) */
  uint32_t value_end : 31;   /* files are shorter than 2 GB */
  uint32_t has_value : 1;    /* false for `funded_by INSTRUMENT` without an amount */
} Link;

/* The span of the whole argument. */
static inline Span link_span(const Link *l) { return l->arg->span; }
/* The span of a link's value. */
static inline Span link_value_span(const Link *l) {
  return l->q ? l->q->span : (Span){l->arg->span.file, l->value_start, l->value_end};
}
/* `per SOURCE`, or NULL. */
static inline Sym *link_source(const Link *l) { return l->q ? l->q->source : NULL; }
/* Where link_source is held (a one-item list of it when not NULL). */
static inline Sym *const *link_source_at(const Link *l) {
  static Sym *const none = NULL;
  return l->q ? &l->q->source : &none;
}

/* The value of a link in full: its own Quantity, or the plain amount its fields say, made
 * in *tmp. */
static inline const Quantity *link_quantity(const Link *l, Quantity *tmp) {
  if (l->q) return l->q;
  *tmp = (Quantity){.set = l->has_value, .value = l->value, .unit = l->unit, .span = link_value_span(l),
                    .bare = l->bare};
  return tmp;
}

/* `roles ACTOR: ROLE`: an actor's part in a declaration. */
typedef struct Role {
  Sym *actor;
  const char *role;      /* interned, a free identifier */
  Span span;             /* the whole argument */
} Role;

typedef struct RoleList {
  Role *items;
  int len;
} RoleList;

/* `allow CODE: "reason"`: a warning acknowledged on a declaration. */
typedef struct Allow {
  const char *code;      /* "W0110" */
  const char *reason;
  Span span;             /* the whole argument */
  int used;              /* warnings it silenced */
} Allow;

typedef struct AllowList {
  Allow *items;
  int len;
} AllowList;

typedef struct LinkList {
  Link *items;
  int len;
} LinkList;

typedef struct SymList {
  Sym **items;
  int len;
} SymList;

/* Free strings or tags of a list attribute (assumes, options). */
typedef struct StrList {
  const char **items;
  int len;
} StrList;

typedef struct Field {
  const char *name;      /* interned */
  Type type;             /* TY_NUM (with unit), TY_BOOL or TY_DATE */
  Span span;
} Field;

/* One `given INPUT: VALUE` or `expect RULE: VALUE` of a test. */
typedef struct TestItem {
  Sym *sym;              /* given: the indicator (NULL for a field or date); expect: the rule */
  int field;             /* given on a record: the field index; else -1 */
  bool date;             /* given: the row's date */
  const char *name;      /* as written */
  Type type;             /* of the value */
  double value;          /* base units; dates in days; bools 0/1 */
  Span span;             /* the whole `NAME: VALUE` */
  Span value_span;
} TestItem;

/* What few declarations have, kept out of every Sym. */
typedef struct SymMore {
  RoleList roles;        /* `roles` (mission, goal, milestone, instrument, project) */
  AllowList allows;      /* `allow` (any declaration with a block) */
  SymList sources;       /* `sources SOURCE...`: the sources of all its figures */
} SymMore;
/* The SymMore of every declaration without roles, allows or sources: empty, never written. */
extern SymMore sym_no_more;

struct Sym {             /* 32 bytes before its kind's member (its file: sym_file) */
  const char *name;      /* interned */
  Node *decl;            /* ND_DECL */
  SymMore *more;         /* roles, allows, sources: never NULL (&sym_no_more when it has none) */
  int index;             /* position in Model.syms */
  uint8_t kind;          /* DeclKind */
  bool imported;         /* declared in an imported file, not the checked one */
  union {
    struct { Sym *owner; Period period; Quantity budget; const char *challenge, *statement; } mission;
    struct { Sector sector; Level level; Sym *parent; } actor;
    struct { const Unit *unit; const char *source; } indicator;
    struct {
      Sym *indicator; Sym *parent;
      Quantity baseline, target;       /* values in the indicator's base units */
      int64_t start;                   /* first day of `at` */
      int64_t deadline;                /* last day of `by` */
      Span baseline_date_span, target_date_span;
      double weight; bool has_weight;
      GoalLevel level; LinkList contributes; StrList assumes;   /* the results chain (R4) */
      /* planned(g, d): knots (day, value in base units) from the baseline through the
       * milestones' `expects` to the target, days strictly increasing; nplan >= 2 once checked */
      const double *plan_day, *plan_value; int nplan;
    } goal;
    struct { Period period; SymList after; } phase;
    struct {
      int64_t date; Span date_span; Sym *phase; SymList after; LinkList expects;
      MilestoneKind kind; Sym *by; SymList reviews; StrList options;   /* reviews and decisions (R5) */
      const char *decided; Span decided_span;
    } milestone;
    struct {
      InstrKind kind; Push push; Sym *by; Quantity budget; Period period; SymList requires;
      SymList by_all;        /* every actor of `by` (by is the first) */
      LinkList cofunded_by;  /* actor: money, not public money */
    } instrument;
    struct {
      Sym *lead; SymList partners; LinkList funded_by; LinkList contributes;
      const char **disciplines; int ndisciplines; Period period; StrList assumes;
      SymList supported_by;  /* instruments: non-monetary links */
      LinkList cofunded_by;  /* actor: money, not public money */
    } project;
    struct { double likelihood; LinkList affects; Sym *owner; SymList mitigated_by; } risk;
    struct {
      const char *url, *publisher;
      int64_t published, retrieved;   /* the last day of what was written: 2021-03 is 2021-03-31 */
      DatePrec published_prec, retrieved_prec;   /* as written: a year, a month or a day */
      bool has_published, has_retrieved;
    } source;
    struct { Field *fields; int nfields; } record;
    /* score, condition and fn */
    struct {
      Sym *on;               /* record, or NULL (rules over the indicators) */
      Node *body;            /* the formula */
      Type type;             /* result type */
      const Unit *unit;      /* declared `: unit` (score, fn), else NULL */
      Node **params;         /* fn: ND_PARAM nodes */
      Type *param_types;     /* fn: declared types (kind TY_ERROR = polymorphic) */
      int nparams;
      SymList indicators;    /* rules without `on`: indicators read, transitively, in first-use order */
      bool reads_date;       /* reads `date`, transitively */
      int *fields;           /* rules `on R`: indices of the fields read, transitively, ascending */
      int nfields_read;
    } rule;
    struct { const Unit *unit; } unit;
    struct {
      Sym *on;               /* the record, or NULL (inputs are indicators and date) */
      TestItem *given, *expect;
      int ngiven, nexpect;
      double within;         /* relative tolerance; 0: exact */
      bool ok;               /* checked without errors: can run */
    } test;
  };
};

/* The source index of the file that declares s. */
static inline uint32_t sym_file(const Sym *s) { return s->decl->span.file; }
/* A declaration's title and the text of its /// comment (NULL if none): its node's. */
static inline const char *sym_title_text(const Sym *s) { return s->decl ? s->decl->decl.title : NULL; }
static inline const char *sym_doc(const Sym *s) { return s->decl ? s->decl->decl.doc : NULL; }

typedef struct Model {
  Compiler *c;
  UnitTable *units;
  uint32_t main_file;        /* source index of the checked file */
  Sym *mission;              /* NULL for a library */
  PtrVec syms;               /* Sym*, every declaration (imports included), load order then source order */
  PtrVec by_kind[DK_COUNT];  /* Sym* per kind, same order */
  struct NameMap *names;     /* name -> Sym* (resolve.h), behind model_lookup */
} Model;

/* Load imports, resolve and check the parsed file `root`. Always returns a model;
 * errors go to c->diag (check diag_error_count). */
Model *check_program(Compiler *c, Node *root);
/* The declaration of that (interned) name, or NULL. */
Sym *model_lookup(const Model *m, const char *name);
/* The co-funding of an instrument or project (cofunded_by, lower ends), its public
 * funding (an instrument's budget, a project's funded_by amounts) and the leverage
 * co / public, all in base units; false when there is no co-funding, no public money
 * or they are in different currencies. */
bool model_leverage(const Sym *s, double *co, double *pub, double *ratio);
/* planned(g, d) from a goal's knots: the straight line through the segment d falls in
 * (the first before the baseline, the last after the target). The one definition every
 * engine follows (the LLVM code generator emits the same operations). */
double model_planned(const Sym *goal, double d);
/* Read a date-valued ND_DATE or year ND_NUMBER as a day number (first or last day). */
bool model_date(const Node *n, bool last, int64_t *out);

#endif
