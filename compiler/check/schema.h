/* schema.h - the one table of which attributes each declaration kind takes.
 *
 * A new attribute is one row of SCHEMA_LIST; the checker validates every
 * attribute value against its row and stores it through the row's AttrId.
 */
#ifndef MISSION_SCHEMA_H
#define MISSION_SCHEMA_H

#include <stdbool.h>

#include "ast.h"

/* What an attribute's values look like. */
#define VALUE_KIND_LIST(X)                                                   \
  X(V_STRING, "a string", "\"TEXT\"")                                        \
  X(V_PERIOD, "a range of dates", "START .. END")                            \
  X(V_DATE, "a date", "DATE")                                                \
  X(V_REF, "a name", "NAME")                                                 \
  X(V_CHOICE, "a name", "NAME")                                              \
  X(V_MONEY, "an amount of money", "AMOUNT CURRENCY")                        \
  X(V_BASELINE, "a quantity at a date", "QUANTITY at DATE")                  \
  X(V_TARGET, "a quantity by a date", "QUANTITY by DATE")                    \
  X(V_WEIGHT, "a number between 0 and 1", "NUMBER")                          \
  X(V_UNIT, "a unit", "UNIT")                                                \
  X(V_TAG, "a tag", "TAG")                                                   \
  X(V_REF_MONEY, "pairs 'name: amount'", "NAME: AMOUNT CURRENCY")            \
  X(V_REF_WEIGHT, "pairs 'name: weight'", "NAME: WEIGHT")                    \
  X(V_REF_QUANTITY, "pairs 'name: quantity'", "NAME: QUANTITY")                          \
  X(V_REF_FUNDING, "instruments, each with an optional amount", "NAME[: AMOUNT CURRENCY]")\
  X(V_REF_ROLE, "pairs 'actor: role'", "ACTOR: ROLE")                                    \
  X(V_ALLOW, "pairs 'code: \"reason\"'", "W0110: \"REASON\"")                            \
  X(V_LIKELIHOOD, "a percentage from 0% to 100%", "PERCENT")

typedef enum {
#define X(id, text, usage) id,
  VALUE_KIND_LIST(X)
#undef X
  V_COUNT
} ValueKind;

/* Masks of declaration kinds a reference may name. */
#define REFS(k) (1u << DK_##k)
#define NOREFS 0u

/* Choice lists (NULL-terminated), defined in schema.c. */
extern const char *const schema_sectors[];
extern const char *const schema_levels[];
extern const char *const schema_instr_kinds[];
extern const char *const schema_pushes[];
extern const char *const schema_goal_levels[];
extern const char *const schema_milestone_kinds[];

/* kind, attribute, value kind, kinds it refers to, choices, required, several values */
#define SCHEMA_LIST(X)                                                                   \
  X(MISSION, period, V_PERIOD, NOREFS, NULL, true, false)                                \
  X(MISSION, challenge, V_STRING, NOREFS, NULL, false, false)                            \
  X(MISSION, statement, V_STRING, NOREFS, NULL, false, false)                            \
  X(MISSION, owner, V_REF, REFS(ACTOR), NULL, false, false)                              \
  X(MISSION, budget, V_MONEY, NOREFS, NULL, false, false)                                \
  X(MISSION, roles, V_REF_ROLE, REFS(ACTOR), NULL, false, true)                          \
  X(MISSION, allow, V_ALLOW, NOREFS, NULL, false, true)                                  \
  X(MISSION, sources, V_REF, REFS(SOURCE), NULL, false, true)                            \
  X(ACTOR, sector, V_CHOICE, NOREFS, schema_sectors, true, false)                        \
  X(ACTOR, level, V_CHOICE, NOREFS, schema_levels, false, false)                         \
  X(ACTOR, parent, V_REF, REFS(ACTOR), NULL, false, false)                               \
  X(ACTOR, allow, V_ALLOW, NOREFS, NULL, false, true)                                    \
  X(ACTOR, sources, V_REF, REFS(SOURCE), NULL, false, true)                              \
  X(INDICATOR, unit, V_UNIT, NOREFS, NULL, true, false)                                  \
  X(INDICATOR, source, V_STRING, NOREFS, NULL, false, false)                             \
  X(INDICATOR, allow, V_ALLOW, NOREFS, NULL, false, true)                                \
  X(INDICATOR, sources, V_REF, REFS(SOURCE), NULL, false, true)                          \
  X(GOAL, indicator, V_REF, REFS(INDICATOR), NULL, true, false)                          \
  X(GOAL, baseline, V_BASELINE, NOREFS, NULL, true, false)                               \
  X(GOAL, target, V_TARGET, NOREFS, NULL, true, false)                                   \
  X(GOAL, weight, V_WEIGHT, NOREFS, NULL, false, false)                                  \
  X(GOAL, parent, V_REF, REFS(GOAL), NULL, false, false)                                 \
  X(GOAL, roles, V_REF_ROLE, REFS(ACTOR), NULL, false, true)                             \
  X(GOAL, allow, V_ALLOW, NOREFS, NULL, false, true)                                     \
  X(GOAL, level, V_CHOICE, NOREFS, schema_goal_levels, false, false)                     \
  X(GOAL, contributes, V_REF_WEIGHT, REFS(GOAL), NULL, false, true)                      \
  X(GOAL, assumes, V_STRING, NOREFS, NULL, false, true)                                  \
  X(GOAL, sources, V_REF, REFS(SOURCE), NULL, false, true)                               \
  X(PHASE, period, V_PERIOD, NOREFS, NULL, true, false)                                  \
  X(PHASE, after, V_REF, REFS(PHASE), NULL, false, true)                                 \
  X(PHASE, allow, V_ALLOW, NOREFS, NULL, false, true)                                    \
  X(PHASE, sources, V_REF, REFS(SOURCE), NULL, false, true)                              \
  X(MILESTONE, date, V_DATE, NOREFS, NULL, true, false)                                  \
  X(MILESTONE, phase, V_REF, REFS(PHASE), NULL, false, false)                            \
  X(MILESTONE, after, V_REF, REFS(MILESTONE) | REFS(PHASE), NULL, false, true)           \
  X(MILESTONE, expects, V_REF_QUANTITY, REFS(GOAL), NULL, false, true)                   \
  X(MILESTONE, roles, V_REF_ROLE, REFS(ACTOR), NULL, false, true)                        \
  X(MILESTONE, allow, V_ALLOW, NOREFS, NULL, false, true)                                \
  X(MILESTONE, kind, V_CHOICE, NOREFS, schema_milestone_kinds, false, false)             \
  X(MILESTONE, by, V_REF, REFS(ACTOR), NULL, false, false)                               \
  X(MILESTONE, reviews, V_REF, REFS(GOAL) | REFS(INSTRUMENT), NULL, false, true)         \
  X(MILESTONE, options, V_TAG, NOREFS, NULL, false, true)                                \
  X(MILESTONE, decided, V_TAG, NOREFS, NULL, false, false)                               \
  X(MILESTONE, sources, V_REF, REFS(SOURCE), NULL, false, true)                          \
  X(INSTRUMENT, kind, V_CHOICE, NOREFS, schema_instr_kinds, true, false)                 \
  X(INSTRUMENT, by, V_REF, REFS(ACTOR), NULL, true, true)                                \
  X(INSTRUMENT, push, V_CHOICE, NOREFS, schema_pushes, false, false)                     \
  X(INSTRUMENT, budget, V_MONEY, NOREFS, NULL, false, false)                             \
  X(INSTRUMENT, period, V_PERIOD, NOREFS, NULL, false, false)                            \
  X(INSTRUMENT, requires, V_REF, REFS(CONDITION), NULL, false, true)                     \
  X(INSTRUMENT, cofunded_by, V_REF_MONEY, REFS(ACTOR), NULL, false, true)                \
  X(INSTRUMENT, roles, V_REF_ROLE, REFS(ACTOR), NULL, false, true)                       \
  X(INSTRUMENT, allow, V_ALLOW, NOREFS, NULL, false, true)                               \
  X(INSTRUMENT, sources, V_REF, REFS(SOURCE), NULL, false, true)                         \
  X(PROJECT, lead, V_REF, REFS(ACTOR), NULL, true, false)                                \
  X(PROJECT, partners, V_REF, REFS(ACTOR), NULL, false, true)                            \
  X(PROJECT, funded_by, V_REF_FUNDING, REFS(INSTRUMENT), NULL, false, true)              \
  X(PROJECT, disciplines, V_TAG, NOREFS, NULL, false, true)                              \
  X(PROJECT, period, V_PERIOD, NOREFS, NULL, false, false)                               \
  X(PROJECT, contributes, V_REF_WEIGHT, REFS(GOAL), NULL, false, true)                   \
  X(PROJECT, supported_by, V_REF, REFS(INSTRUMENT), NULL, false, true)                   \
  X(PROJECT, cofunded_by, V_REF_MONEY, REFS(ACTOR), NULL, false, true)                   \
  X(PROJECT, roles, V_REF_ROLE, REFS(ACTOR), NULL, false, true)                          \
  X(PROJECT, allow, V_ALLOW, NOREFS, NULL, false, true)                                  \
  X(PROJECT, assumes, V_STRING, NOREFS, NULL, false, true)                               \
  X(PROJECT, sources, V_REF, REFS(SOURCE), NULL, false, true)                            \
  X(RISK, likelihood, V_LIKELIHOOD, NOREFS, NULL, true, false)                           \
  X(RISK, affects, V_REF_QUANTITY, REFS(GOAL), NULL, false, true)                        \
  X(RISK, owner, V_REF, REFS(ACTOR), NULL, false, false)                                 \
  X(RISK, mitigated_by, V_REF, REFS(INSTRUMENT) | REFS(PROJECT), NULL, false, true)      \
  X(RISK, sources, V_REF, REFS(SOURCE), NULL, false, true)                               \
  X(RISK, allow, V_ALLOW, NOREFS, NULL, false, true)                                     \
  X(SOURCE, url, V_STRING, NOREFS, NULL, false, false)                                   \
  X(SOURCE, publisher, V_STRING, NOREFS, NULL, false, false)                             \
  X(SOURCE, published, V_DATE, NOREFS, NULL, false, false)                               \
  X(SOURCE, retrieved, V_DATE, NOREFS, NULL, false, false)                               \
  X(SOURCE, allow, V_ALLOW, NOREFS, NULL, false, true)

typedef enum {
#define X(kind, name, value, refs, choices, required, many) A_##kind##_##name,
  SCHEMA_LIST(X)
#undef X
  A_COUNT
} AttrId;

typedef struct AttrSpec {
  AttrId id;
  DeclKind kind;
  const char *name;
  ValueKind value;
  unsigned refs;                /* V_REF and V_REF_*: mask of DeclKinds */
  const char *const *choices;   /* V_CHOICE: NULL-terminated */
  bool required;
  bool many;                    /* a list of values */
} AttrSpec;

/* How a declaration kind is written. */
typedef enum { FORM_BLOCK, FORM_FORMULA, FORM_FIELDS } DeclForm;

/* The row of attribute `name` of `kind`, or NULL. */
const AttrSpec *schema_find(DeclKind kind, const char *name);
/* The rows of one kind, in table order. */
const AttrSpec *schema_rows(DeclKind kind, int *count);
/* The closest attribute name of `kind` to name, or NULL. */
const char *schema_suggest(DeclKind kind, const char *name);
/* Block of attributes, formula, or block of record fields. */
DeclForm schema_form(DeclKind kind);
/* "a range of dates", and the written form "period START .. END". */
const char *schema_value_text(ValueKind v);
const char *schema_usage(const AttrSpec *spec, char *buf, int size);
/* "public, private, third, academia or citizens". */
const char *schema_choices_text(const AttrSpec *spec, char *buf, int size);
/* The index of a choice (0-based in the choice list), or -1. */
int schema_choice_index(const AttrSpec *spec, const char *name);
/* "an actor", "a phase or a milestone" for a reference mask. */
const char *schema_refs_text(unsigned refs, char *buf, int size);
/* "an actor" ... for one kind. */
const char *schema_kind_text(DeclKind kind);

#endif
