/* resolve.h - imports, the namespace and references to declarations. */
#ifndef MISSION_RESOLVE_H
#define MISSION_RESOLVE_H

#include <stdbool.h>

#include "arena.h"
#include "ast.h"
#include "compiler.h"

typedef struct Checker Checker;
typedef struct Sym Sym;

/* A hash map from interned names to pointers (compare by pointer). */
typedef struct NameMap NameMap;
NameMap *namemap_new(Arena *a, int expected);
/* A map whose values are records that hold their key (an interned name) at key_offset,
 * such as Sym.name: it keeps only the values (8 bytes a slot, not 16). put's key must be
 * the value's. */
NameMap *namemap_new_keyed(Arena *a, int expected, size_t key_offset);
void *namemap_get(const NameMap *m, const char *interned);
/* Insert; false (and no change) when the name is already there. */
bool namemap_put(NameMap *m, const char *interned, void *value);

/* Load the imports of the checked file, recursively, each file once; fills
 * Checker.files in load order (imported files first, the checked file last). */
void resolve_imports(Checker *k, Node *root);
/* Enter every declaration of the loaded files: units in the unit table,
 * everything else in the namespace and the model. */
void resolve_declare(Checker *k);
/* The declaration an attribute value names, of one of the kinds in mask
 * (a mask of 1u << DeclKind); NULL after reporting. */
Sym *resolve_ref(Checker *k, Node *expr, unsigned mask, const char *attr);
/* The path of the file that `import "spec"` in source file `from` loads: next to it,
 * in the -I folders, in MISSION_PATH, in the standard library. False if none. */
bool resolve_find_import(Compiler *c, uint32_t from, const char *spec, char *out, size_t cap);
/* Whether the standard library's `module` (e.g. "std/units.mission") declares `unit name`:
 * for the hint "add import" when a unit is unknown. */
bool resolve_stdlib_declares_unit(const char *module, const char *name);
/* Offer the declarations of the kinds in mask to a did-you-mean (all kinds: ~0u). */
struct Suggest;
void resolve_suggest(Checker *k, struct Suggest *s, unsigned mask);

#endif
