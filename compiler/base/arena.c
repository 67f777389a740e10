/* arena.c - bump allocator and string interning.
 *
 * Memory that the arena knows is dead is used again: the storage a growing vector
 * leaves behind goes on a list by capacity and is handed to the next vector that
 * grows to that capacity, and hash tables that double (the interner, name maps) have
 * blocks of their own that are freed when the table moves.
 *
 * Chunks come from calloc and memory is never reused before the arena is freed, so
 * every allocation is zero already: nothing is cleared twice. Large chunks are fresh
 * pages from the kernel (calloc does not clear them), so memory that is reserved but
 * never written costs neither time nor resident memory. Under AddressSanitizer the
 * unused part of a chunk is poisoned and each allocation is followed by a poisoned
 * gap, so reading past a node of the exact size of its kind is caught. */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define ARENA_REDZONE 16
#define ARENA_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define ARENA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define ARENA_REDZONE 0
#define ARENA_POISON(p, n) ((void)(p), (void)(n))
#define ARENA_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

enum { CHUNK_MIN = 64 * 1024 };

typedef struct Chunk {
  struct Chunk *next;
  size_t size, used;
  max_align_t data[];
} Chunk;

/* A table's block of its own, in a list so that the arena frees what is left. */
typedef struct Table {
  struct Table *prev, *next;
  max_align_t data[];
} Table;

enum { VEC_CLASSES = 32 };

struct Arena {
  Chunk *head;
  size_t total;
  Table *tables;
  void **spare[VEC_CLASSES];   /* dead vector storage of 1 << i items; [0] links the next */
};

/* Create an empty arena. */
Arena *arena_new(void) {
  Arena *a = xcalloc(1, sizeof *a);
  return a;
}

/* Free every chunk of the arena and the arena itself. */
void arena_free(Arena *a) {
  if (!a) return;
  for (Chunk *c = a->head, *next; c; c = next) {
    next = c->next;
    ARENA_UNPOISON(c->data, c->size);
    free(c);
  }
  for (Table *t = a->tables, *next; t; t = next) {
    next = t->next;
    free(t);
  }
  free(a);
}

/* A zeroed block of its own for a hash table, freed by arena_free_table or with the arena. */
void *arena_alloc_table(Arena *a, size_t size) {
  Table *t = xcalloc(1, sizeof *t + size);
  t->next = a->tables;
  if (a->tables) a->tables->prev = t;
  a->tables = t;
  return t->data;
}

/* Give back a block of arena_alloc_table (the table has moved to a larger one). */
void arena_free_table(Arena *a, void *p) {
  if (!p) return;
  Table *t = (Table *)((char *)p - offsetof(Table, data));
  if (t->prev) t->prev->next = t->next;
  else a->tables = t->next;
  if (t->next) t->next->prev = t->prev;
  free(t);
}

/* Allocate zeroed memory, 8-byte aligned (nothing in an arena needs more), that lives
 * as long as the arena (zeroed by calloc when its chunk was made: nothing is handed out
 * twice). */
void *arena_alloc(Arena *a, size_t size) {
  size_t want = size;
  size = (size + ARENA_REDZONE + 7) & ~(size_t)7;
  Chunk *c = a->head;
  if (!c || c->size - c->used < size) {
    size_t cap = size > CHUNK_MIN ? size : CHUNK_MIN;
    if (c && c->size * 2 > cap && c->size < 16 * 1024 * 1024) cap = c->size * 2;
    c = xcalloc(1, sizeof *c + cap);
    c->size = cap;
    c->used = 0;
    c->next = a->head;
    a->head = c;
    ARENA_POISON(c->data, cap);
  }
  void *p = (char *)c->data + c->used;
  c->used += size;
  a->total += size;
  ARENA_UNPOISON(p, want);
  return p;
}

/* Copy n bytes of s into the arena, NUL-terminated. */
char *arena_strndup(Arena *a, const char *s, size_t n) {
  char *p = arena_alloc(a, n + 1);
  if (n) memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *arena_strdup(Arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

/* printf into a string that lives in the arena. */
char *arena_vprintf(Arena *a, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) n = 0;
  char *p = arena_alloc(a, (size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  return p;
}

char *arena_printf(Arena *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *p = arena_vprintf(a, fmt, ap);
  va_end(ap);
  return p;
}

size_t arena_used(const Arena *a) { return a->total; }

/* The class of a vector capacity of 1 << i items, or -1 for any other capacity. */
static int vec_class(int cap) {
  if (cap < 1 || (cap & (cap - 1))) return -1;
  int i = __builtin_ctz((unsigned)cap);
  return i < VEC_CLASSES ? i : -1;
}

/* Storage for cap items: dead storage of that capacity if there is some. */
static void **vec_storage(Arena *a, int cap) {
  int i = vec_class(cap);
  void **items = i >= 0 ? a->spare[i] : NULL;
  if (!items) return arena_alloc(a, (size_t)cap * sizeof *items);
  ARENA_UNPOISON(items, (size_t)cap * sizeof *items);
  a->spare[i] = items[0];
  return items;
}

/* Keep the storage a vector has left, for the next one that grows to its capacity
 * (a vector's storage is never shared: copies of a PtrVec are dead once it grows). */
static void vec_retire(Arena *a, void **items, int cap) {
  int i = vec_class(cap);
  if (i < 0 || !items) return;
  items[0] = a->spare[i];
  a->spare[i] = items;
  if (cap > 1) ARENA_POISON(items + 1, (size_t)(cap - 1) * sizeof *items);
}

/* Append an item, doubling the storage when full. */
void vec_push(Arena *a, PtrVec *v, void *item) {
  if (v->len == v->cap) {
    int cap = v->cap ? v->cap * 2 : 1;   /* most lists hold one item; the rest grow through reused storage */
    void **items = vec_storage(a, cap);
    if (v->len) memcpy(items, v->items, (size_t)v->len * sizeof *items);
    vec_retire(a, v->items, v->cap);
    v->items = items;
    v->cap = cap;
  }
  v->items[v->len++] = item;
}

/* Exact room for n more items: one allocation instead of doublings (whose dead storage
 * no other vector may reach). */
void vec_reserve(Arena *a, PtrVec *v, int n) {
  if (n <= 0 || v->cap - v->len >= n) return;
  int cap = v->len + n;
  void **items = vec_storage(a, cap);
  if (v->len) memcpy(items, v->items, (size_t)v->len * sizeof *items);
  vec_retire(a, v->items, v->cap);
  v->items = items;
  v->cap = cap;
}

/* ------------------------------------------------------------------------ */
/* Interning: open addressing over name_hash                                 */
/* ------------------------------------------------------------------------ */

typedef struct Slot {   /* 16 bytes: names are shorter than 4 GB (files are under 2 GB) */
  const char *str;
  uint32_t len;
  uint32_t hash;         /* the low half of name_hash */
} Slot;

struct Interner {
  Arena *arena;
  Slot *slots;
  size_t cap, count;
};

/* A hash of n bytes, eight at a time (names are short: most take one or two rounds);
 * the final shifts mix the high bits into the low ones that pick the slot. */
static uint64_t name_hash(const char *s, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
  for (; n >= 8; s += 8, n -= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  uint64_t w = 0;
  for (size_t i = 0; i < n; i++) w |= (uint64_t)(unsigned char)s[i] << (8 * i);
  h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 29);
}

Interner *intern_new(Arena *a) {
  Interner *in = arena_alloc(a, sizeof *in);
  in->arena = a;
  in->cap = 1024;
  in->slots = arena_alloc_table(a, in->cap * sizeof *in->slots);
  return in;
}

/* Double the table, rehashing every name (the old table is freed). */
static void intern_grow(Interner *in) {
  size_t cap = in->cap * 2;
  Slot *slots = arena_alloc_table(in->arena, cap * sizeof *slots);
  for (size_t i = 0; i < in->cap; i++) {
    Slot s = in->slots[i];
    if (!s.str) continue;
    size_t j = s.hash & (cap - 1);   /* cap <= 2^32: the low half picks the slot */
    while (slots[j].str) j = (j + 1) & (cap - 1);
    slots[j] = s;
  }
  arena_free_table(in->arena, in->slots);
  in->slots = slots;
  in->cap = cap;
}

/* The unique copy of the n bytes at s. */
const char *intern(Interner *in, const char *s, size_t n) {
  uint32_t h = (uint32_t)name_hash(s, n);
  size_t i = h & (in->cap - 1);
  for (;;) {
    Slot *slot = &in->slots[i];
    if (!slot->str) break;
    if (slot->hash == h && slot->len == n && memcmp(slot->str, s, n) == 0) return slot->str;
    i = (i + 1) & (in->cap - 1);
  }
  if ((in->count + 1) * 2 > in->cap) {
    intern_grow(in);
    return intern(in, s, n);
  }
  Slot *slot = &in->slots[i];
  slot->str = arena_strndup(in->arena, s, n);
  slot->len = (uint32_t)n;
  slot->hash = h;
  in->count++;
  return slot->str;
}

const char *intern_cstr(Interner *in, const char *s) { return intern(in, s, strlen(s)); }
