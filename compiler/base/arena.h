/* arena.h - one arena per compilation, freed once; interned names. */
#ifndef MISSION_ARENA_H
#define MISSION_ARENA_H

#include <stddef.h>
#include <stdarg.h>

typedef struct Arena Arena;

Arena *arena_new(void);
void arena_free(Arena *a);
void *arena_alloc(Arena *a, size_t size);           /* zeroed, 8-byte aligned */
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(Arena *a, const char *fmt, va_list ap);
size_t arena_used(const Arena *a);
/* A zeroed block of its own (a hash table that doubles): freed by arena_free_table
 * when the table moves, or with the arena. */
void *arena_alloc_table(Arena *a, size_t size);
void arena_free_table(Arena *a, void *p);

/* Growable array of pointers living in an arena. The storage it leaves when it grows
 * is reused by the next vector of the arena that grows to that size, so a copy of a
 * PtrVec (or NodeList) must not be read once the vector has grown. */
typedef struct PtrVec {
  void **items;
  int len, cap;
} PtrVec;
void vec_push(Arena *a, PtrVec *v, void *item);
/* Room for n more items without growing (exactly: for a vector whose length is known). */
void vec_reserve(Arena *a, PtrVec *v, int n);

/* Interned strings: equal names are the same pointer. */
typedef struct Interner Interner;
Interner *intern_new(Arena *a);
const char *intern(Interner *in, const char *s, size_t n);
const char *intern_cstr(Interner *in, const char *s);

#endif
