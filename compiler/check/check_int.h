/* check_int.h - state shared by the checker's passes (check*.c, resolve.c).
 *
 * Not part of the model's interface: later stages include check.h only.
 *
 *   check.c         driver: the list of passes, messages, formatting helpers
 *   resolve.c       imports, the namespace, declarations, references
 *   check_units.c   unit declarations and unit expressions
 *   check_attr.c    attribute values against the schema (schema.c)
 *   check_expr.c    formulas: names, types, dimensions, constants
 *   check_rules.c   rules and functions: dependencies, recursion, calls, inputs
 *   check_dates.c   periods, milestones, `after`, goals' dates
 *   check_budget.c  money: sums of funding and budgets
 *   check_results.c the results chain, planned paths, reviews, risks, sources
 */
#ifndef MISSION_CHECK_INT_H
#define MISSION_CHECK_INT_H

#include "check.h"
#include "resolve.h"
#include "schema.h"

enum { MAX_DEPTH = 4000 };          /* deepest formula the checker walks */
/* Most operations one rule may expand to once its fn calls are inlined (E0620). */
#define MAX_EXPANSION 100000.0

typedef enum { ST_NEW, ST_BUSY, ST_DONE } State;

/* A call of a unit-polymorphic fn being checked with its argument types:
 * diagnostics inside its body go to the outermost call. */
typedef struct Inst Inst;
struct Inst {
  Inst *parent;
  Node *call;
  Sym *fn;
  const Type *args;
  bool reported;
};

/* One checked result of a polymorphic fn for some argument types. */
typedef struct InstMemo {
  Type *args;
  Type result;
} InstMemo;

/* The checker's state of a score, condition or fn (its formula and dependencies). */
typedef struct CkRule {
  PtrVec deps;             /* CkSym* named in the body */
  PtrVec dep_nodes;        /* Node* where each dependency is named */
  Type declared;           /* scores and fns: the declared `: unit` (TY_ERROR if none) */
  InstMemo *memo;          /* fns: cached call types */
  int nmemo;
  int order;               /* DFS state for the dependency graph */
  int nest;                /* nesting depth once fn calls are inlined (capped) */
  double expand;           /* operations once fn calls are inlined (capped) */
} CkRule;

/* A declaration with the checker's private state. The model's Sym comes last, so that
 * a CkSym is allocated with only the member of Sym's union that its kind uses
 * (ck_sym_size): a Sym* of the model is &CkSym.sym, and cksym() goes back. */
typedef struct CkSym {
  bool registered;         /* in the namespace and the model (a duplicate is not) */
  bool recursive;          /* member of a reported cycle */
  bool bad_on;             /* rules: `on R` names no record (reported); its fields are unknown */
  bool form_ok;            /* written in the form its kind takes (and free of syntax errors) */
  bool inputs_done;
  uint8_t fill;            /* State: attributes (or header of a rule) */
  uint8_t body;            /* State: rule and fn bodies */
  union {                  /* by kind: read fields through ck_record_fields */
    NameMap *fields;       /* records: field name -> index + 1 */
    CkRule *rs;            /* scores, conditions and fns (allocated with them) */
  };
  ExprSem *ref_sem;        /* what an attribute that names it means (resolve_ref): shared */
  Sym sym;                 /* last, and only as long as its kind needs */
} CkSym;

static inline CkSym *cksym(Sym *s) { return (CkSym *)((char *)s - offsetof(CkSym, sym)); }

/* The fields of a record by name, or NULL (not a record, or not filled yet). */
static inline NameMap *ck_record_fields(const CkSym *s) { return s->sym.kind == DK_RECORD ? s->fields : NULL; }

/* What names mean inside one formula. */
typedef struct Scope {
  CkSym *owner;            /* rule or fn whose body this is; NULL in attribute values */
  Sym *record;             /* rules `on R` */
  bool fn;                 /* a fn body: only its parameters are inputs */
  bool attr;               /* an attribute value: constants only */
  const char *attr_name;   /* for messages */
} Scope;

typedef struct Checker {
  Compiler *c;
  Model *m;
  Arena *a;
  Diag *d;
  UnitTable *units;
  NameMap *names;              /* the one namespace: name -> Sym* */
  PtrVec files;                /* ND_FILE nodes in load order, the checked file last */
  uint32_t quiet_below;        /* files loaded before this check: already diagnosed */
  unsigned char *file_state;   /* per source index: State of loading */
  int nfile_state;
  PtrVec all[DK_COUNT];        /* CkSym* per kind, duplicates included */
  PtrVec unit_defs;            /* UnitDef* of every `unit X = ...`, declaration order */
  NameMap *unit_def_map;       /* unit name -> UnitDef* */
  bool currency[MAX_BASE_UNITS];   /* base units documented as currencies */
  Inst *inst;                  /* innermost polymorphic call being checked */
  int depth;                   /* recursion depth of the formula walker */
  bool too_deep;               /* reported for the formula being walked */
  int inst_errors;             /* errors inside polymorphic calls (memo only clean ones) */
  int *mark;                   /* per Sym index: stamp for de-duplicating inputs */
  int stamp;
  Span *syntax_errors;         /* spans of lexer and parser errors, sorted */
  int nsyntax_errors;
  const char *s_date, *s_bool, *s_baseline, *s_target, *s_start, *s_deadline;
  const char *builtins[BI_COUNT];   /* interned names */
  /* Attribute values share their ExprSem records: one per distinct meaning (ck_share_sems). */
  ExprSem **sem_slots;         /* open addressing, sem_cap a power of two */
  size_t sem_cap, sem_count;
  ExprSem *sem_free;           /* records given back by sharing, reused by ck_sem (linked by str) */
} Checker;

/* ---- check.c: messages and formatting -------------------------------- */

Diagnostic *ck_error(Checker *k, Span span, DiagCode code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
Diagnostic *ck_warning(Checker *k, Span span, DiagCode code, const char *option,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void ck_note(Checker *k, Diagnostic *g, Span span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* "goal", "score", "function": a kind as a word in messages. */
const char *ck_kind_word(DeclKind kind);
/* "'cut' declared here" under g, at the declaration's name. */
void ck_note_decl(Checker *k, Diagnostic *g, const Sym *s);
/* "MEUR", "a plain number", "a bool", "a date", "EUR/person". */
const char *ck_type_text(Checker *k, const Type *t);
/* The same after "is": "in MEUR", "a plain number", "a bool". */
const char *ck_type_in(Checker *k, const Type *t);
/* A number as a person writes it: 110, 0.4, 1.5e+12. */
const char *ck_number(Checker *k, double v);
/* A base-unit value in a unit: "110 MEUR". */
const char *ck_quantity(Checker *k, double base_value, const Unit *u);
/* "2024-01-01". */
const char *ck_date(Checker *k, int64_t days);
/* What a syntax node is, for "found ...": "a string", "a date". */
const char *ck_node_text(const Node *n);
/* The ExprSem of n, allocated on first use. */
ExprSem *ck_sem(Checker *k, Node *n);
/* Once an attribute value or a score's or condition's body is checked: its nodes' records
 * are replaced by shared ones of the same contents (lead a0_1 in a thousand projects: one
 * record), and the replaced ones are reused. Nothing writes an ExprSem after its node is
 * checked (a fn body's are read again for each call, never written). */
void ck_share_sems(Checker *k, Node *n);
/* Did-you-mean: feed candidates, keep the closest within a small edit distance. */
typedef struct Suggest {
  const char *name;
  int limit, best_d;
  const char *best;
  Span best_span;          /* where the best candidate is declared, or NO_SPAN */
} Suggest;
void ck_suggest_init(Suggest *s, const char *name);
void ck_suggest_add(Suggest *s, const char *candidate, Span declared);
/* Add "did you mean 'x'?" under g when there is a suggestion. */
void ck_note_suggest(Checker *k, Diagnostic *g, const Suggest *s);
Type ck_type_num(Dim dim, const Unit *unit);
Type ck_type_of(TypeKind kind);

/* Whether a declaration holds a syntax error: its body and attributes are then
 * not checked (the name is declared), so a typo costs one message, not several. */
bool ck_damaged(Checker *k, const Node *decl);

/* ---- check_units.c ----------------------------------------------------- */

/* Enter a `unit` declaration in the table (definitions are read later). */
void ck_declare_unit(Checker *k, Node *decl);
/* Read every unit definition (dimension and scale), in any order. */
void ck_define_units(Checker *k);
/* The type a unit expression names (`MEUR`, `t / year`, `%`, `1`; with
 * allow_types also `bool` and `date`). Reports and returns TY_ERROR if wrong. */
Type ck_unit_expr(Checker *k, Node *n, bool allow_types);
/* The unit a quantity literal names, or NULL (reported). */
const Unit *ck_quantity_unit(Checker *k, Node *n);
/* Whether dim is money: one currency base unit to the power 1. */
bool ck_is_money(Checker *k, const Dim *dim);

/* ---- check_attr.c ------------------------------------------------------ */

/* Check and store the attributes of a declaration (once; safe to call early). */
void ck_fill(Checker *k, CkSym *s);
/* A quantity as written, bound or range included: ">= 95%", "43 GW .. 50 GW". */
const char *ck_bound_text(Checker *k, const Quantity *q);

/* ---- check_expr.c ------------------------------------------------------ */

/* Type a formula (filling node->sem); with k->inst, re-type for that call. */
Type ck_formula(Checker *k, Node *n, const Scope *s);
/* A constant attribute value: its type and value in base units. */
bool ck_constant(Checker *k, Node *n, const char *attr_name, Type *t, double *value);

/* ---- check_rules.c ----------------------------------------------------- */

/* Check every rule and fn body, recursion and the inputs of each rule. */
void ck_rules(Checker *k);
/* Type a call of user fn with argument types (instantiating polymorphic ones). */
Type ck_call_fn(Checker *k, Node *call, CkSym *fn, const Type *args);

/* ---- check_test.c ------------------------------------------------------ */
/* Check every test: its inputs, the rules it expects and their values. */
void ck_tests(Checker *k);

/* ---- check_dates.c, check_budget.c ---------------------------------------- */

void ck_dates(Checker *k);
void ck_budgets(Checker *k);
/* Parent cycles of actors and goals. */
void ck_parents(Checker *k);

/* ---- check_results.c ---------------------------------------------------- */

/* The results chain, reviews, risks and sources (R4, R5): `contributes` cycles
 * between goals, review and decision milestones, sources; the planned path of
 * every goal. */
void ck_results(Checker *k);

#endif
