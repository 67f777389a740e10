/* resolve.c - imports, the one namespace of declarations, and references.
 *
 * Imports are looked up next to the importing file, then in the -I folders,
 * then in the folders of MISSION_PATH, then in the installed standard library;
 * ".mission" is implied and each file is loaded once (by its real path).
 */
#include "resolve.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_int.h"
#include "parse.h"
#include "util.h"

/* ------------------------------------------------------------------------ */
/* NameMap: open addressing on the interned name pointer                     */
/* ------------------------------------------------------------------------ */

typedef struct NameSlot {
  const char *key;
  void *value;
} NameSlot;

/* A map of records that hold their own key (namemap_new_keyed) keeps only the values:
 * vals, 8 bytes a slot, the key read at key_off in the record. Others: slots. */
struct NameMap {
  Arena *arena;
  NameSlot *slots;
  void **vals;
  size_t cap, count;
  size_t key_off;
  bool keyed;
};

static size_t name_hash(const char *key, size_t cap) {
  uint64_t h = (uint64_t)(uintptr_t)key * 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 29) & (cap - 1);
}

/* The key of a keyed map's value. */
static const char *value_key(const NameMap *m, const void *value) {
  const char *key;
  memcpy(&key, (const char *)value + m->key_off, sizeof key);
  return key;
}

/* An empty table of cap slots of the map's kind. */
static void namemap_alloc(NameMap *m, size_t cap) {
  if (m->keyed) m->vals = arena_alloc_table(m->arena, cap * sizeof *m->vals);
  else m->slots = arena_alloc_table(m->arena, cap * sizeof *m->slots);
  m->cap = cap;
}

static NameMap *namemap_make(Arena *a, int expected, bool keyed, size_t key_offset) {
  NameMap *m = arena_alloc(a, sizeof *m);
  m->arena = a;
  m->keyed = keyed;
  m->key_off = key_offset;
  size_t cap = 16;
  while (cap < (size_t)expected * 2) cap *= 2;
  namemap_alloc(m, cap);
  return m;
}

NameMap *namemap_new(Arena *a, int expected) { return namemap_make(a, expected, false, 0); }

NameMap *namemap_new_keyed(Arena *a, int expected, size_t key_offset) {
  return namemap_make(a, expected, true, key_offset);
}

void *namemap_get(const NameMap *m, const char *key) {
  size_t i = name_hash(key, m->cap);
  if (m->keyed) {
    for (; m->vals[i]; i = (i + 1) & (m->cap - 1))
      if (value_key(m, m->vals[i]) == key) return m->vals[i];
    return NULL;
  }
  while (m->slots[i].key) {
    if (m->slots[i].key == key) return m->slots[i].value;
    i = (i + 1) & (m->cap - 1);
  }
  return NULL;
}

/* Double the table and re-insert every entry. */
static void namemap_grow(NameMap *m) {
  NameMap old = *m;
  namemap_alloc(m, old.cap * 2);
  for (size_t i = 0; i < old.cap; i++) {
    const char *key = old.keyed ? (old.vals[i] ? value_key(&old, old.vals[i]) : NULL) : old.slots[i].key;
    if (!key) continue;
    size_t j = name_hash(key, m->cap);
    if (m->keyed) {
      while (m->vals[j]) j = (j + 1) & (m->cap - 1);
      m->vals[j] = old.vals[i];
    } else {
      while (m->slots[j].key) j = (j + 1) & (m->cap - 1);
      m->slots[j] = old.slots[i];
    }
  }
  arena_free_table(m->arena, old.keyed ? (void *)old.vals : (void *)old.slots);
}

bool namemap_put(NameMap *m, const char *key, void *value) {
  if ((m->count + 1) * 2 > m->cap) namemap_grow(m);
  size_t i = name_hash(key, m->cap);
  if (m->keyed) {
    for (; m->vals[i]; i = (i + 1) & (m->cap - 1))
      if (value_key(m, m->vals[i]) == key) return false;
    m->vals[i] = value;
  } else {
    for (; m->slots[i].key; i = (i + 1) & (m->cap - 1))
      if (m->slots[i].key == key) return false;
    m->slots[i] = (NameSlot){key, value};
  }
  m->count++;
  return true;
}

/* ------------------------------------------------------------------------ */
/* Finding an imported file                                                  */
/* ------------------------------------------------------------------------ */

static bool is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* dir/name into out (just name when dir is empty); true if it is a file. */
static bool try_in(const char *dir, size_t dirlen, const char *name, char *out, size_t cap) {
  int n = dirlen ? snprintf(out, cap, "%.*s/%s", (int)dirlen, dir, name) : snprintf(out, cap, "%s", name);
  return n > 0 && (size_t)n < cap && is_file(out);
}

/* Try each folder of a colon-separated list. */
static bool try_path_list(const char *list, const char *name, char *out, size_t cap) {
  while (list && *list) {
    const char *colon = strchr(list, ':');
    size_t len = colon ? (size_t)(colon - list) : strlen(list);
    if (len && try_in(list, len, name, out, cap)) return true;
    list = colon ? colon + 1 : NULL;
  }
  return false;
}

/* The installed standard library: next to the executable, then where CMake put it. */
static bool try_stdlib(const char *name, char *out, size_t cap) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) {
      *slash = '\0';
      char dir[PATH_MAX + 32];
      snprintf(dir, sizeof dir, "%s/../share/missionc/stdlib", exe);
      if (try_in(dir, strlen(dir), name, out, cap)) return true;
    }
  }
#ifdef MISSIONC_INSTALL_STDLIB
  if (try_in(MISSIONC_INSTALL_STDLIB, strlen(MISSIONC_INSTALL_STDLIB), name, out, cap)) return true;
#endif
#ifdef MISSIONC_SOURCE_STDLIB
  if (try_in(MISSIONC_SOURCE_STDLIB, strlen(MISSIONC_SOURCE_STDLIB), name, out, cap)) return true;
#endif
  return false;
}

/* Whether line starts with `unit NAME` (then a space, `=` or the end). */
static bool line_declares_unit(const char *line, const char *name) {
  size_t n = strlen(name);
  while (*line == ' ' || *line == '\t') line++;
  if (strncmp(line, "unit", 4) != 0 || (line[4] != ' ' && line[4] != '\t')) return false;
  line += 4;
  while (*line == ' ' || *line == '\t') line++;
  return strncmp(line, name, n) == 0 && strchr(" \t=\r\n", line[n]) && line[n] != '\0';
}

bool resolve_stdlib_declares_unit(const char *module, const char *name) {
  char path[PATH_MAX];
  if (!try_stdlib(module, path, sizeof path)) return false;
  FILE *f = fopen(path, "r");
  if (!f) return false;
  char line[512];
  bool found = false;
  while (!found && fgets(line, sizeof line, f)) found = line_declares_unit(line, name);
  fclose(f);
  return found;
}

bool resolve_find_import(Compiler *c, uint32_t from, const char *spec, char *out, size_t cap) {
  char name[PATH_MAX];
  size_t len = strlen(spec);
  bool has_ext = len >= 8 && strcmp(spec + len - 8, ".mission") == 0;
  if (len == 0 || len + 9 > sizeof name) return false;
  snprintf(name, sizeof name, "%s%s", spec, has_ext ? "" : ".mission");
  if (name[0] == '/') return try_in("", 0, name, out, cap);
  const SourceFile *f = src_file(c->src, from);
  const char *slash = f && f->real ? strrchr(f->path, '/') : NULL;
  if (try_in(f->path, slash ? (size_t)(slash - f->path) : 0, name, out, cap)) return true;
  for (int i = 0; i < c->include_dirs.len; i++) {
    const char *dir = c->include_dirs.items[i];
    if (try_in(dir, strlen(dir), name, out, cap)) return true;
  }
  if (try_path_list(getenv("MISSION_PATH"), name, out, cap)) return true;
  return try_stdlib(name, out, cap);
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                   */
/* ------------------------------------------------------------------------ */

/* Imports nest at most this deep (the root file is depth 0); LANGUAGE.md E0210. */
#define MAX_IMPORT_DEPTH 1000

/* One file being loaded: its next item to look at, and the import that led to it. */
typedef struct LoadFrame {
  Node *file;          /* ND_FILE */
  Node *via;           /* ND_IMPORT that led here; NULL for the root */
  int next;            /* index of the next item of file to look at */
} LoadFrame;

/* The files being loaded, as an explicit stack: loading never recurses on the C
 * stack, however long the chain of imports. */
typedef struct Loader {
  Checker *k;
  LoadFrame *frames;
  int len, cap;
} Loader;

static State file_state(Checker *k, uint32_t id) {
  return (int)id < k->nfile_state ? (State)k->file_state[id] : ST_NEW;
}

/* Record the loading state of a source file, growing the table. */
static void set_file_state(Checker *k, uint32_t id, State st) {
  if ((int)id >= k->nfile_state) {
    int cap = (int)id * 2 + 8;
    unsigned char *s = arena_alloc(k->a, (size_t)cap);
    if (k->nfile_state) memcpy(s, k->file_state, (size_t)k->nfile_state);
    k->file_state = s;
    k->nfile_state = cap;
  }
  k->file_state[id] = (unsigned char)st;
}

static const char *file_path(Checker *k, uint32_t id) { return src_file(k->c->src, id)->path; }

/* The path of the file of stacked frame i. */
static const char *frame_path(Loader *l, int i) { return file_path(l->k, l->frames[i].file->span.file); }

/* "a -> b -> ... -> target": the files of frames from.. on the stack, then target; a
 * chain of more than 8 names its first and last three files and counts the others. */
static char *chain_text(Loader *l, int from, uint32_t target) {
  Checker *k = l->k;
  char *chain = arena_strdup(k->a, frame_path(l, from));
  for (int i = from + 1; i < l->len; i++) {
    if (i == from + 3 && l->len - from > 8) {
      chain = arena_printf(k->a, "%s -> ... (%d more) ...", chain, l->len - from - 6);
      i = l->len - 3;
    }
    chain = arena_printf(k->a, "%s -> %s", chain, frame_path(l, i));
  }
  return arena_printf(k->a, "%s -> %s", chain, file_path(k, target));
}

/* Report an import that closes a cycle: the chain of files, and a note at each import
 * of it (at most 20, then a count). */
static void report_cycle(Loader *l, Node *import, uint32_t target) {
  Checker *k = l->k;
  int from = l->len - 1;
  while (from > 0 && l->frames[from].file->span.file != target) from--;
  Diagnostic *g = ck_error(k, import->span, E0205, "import cycle: %s", chain_text(l, from, target));
  for (int i = from + 1; i < l->len; i++) {
    if (i - from > 20) {
      ck_note(k, g, NO_SPAN, "... and %d more imports in the cycle", l->len - i);
      break;
    }
    Node *via = l->frames[i].via;
    ck_note(k, g, via->span, "'%s' imports '%s' here", file_path(k, via->span.file), frame_path(l, i));
  }
}

/* Report an import one level deeper than MAX_IMPORT_DEPTH, with the chain. */
static void report_too_deep(Loader *l, Node *import, Node *target) {
  Checker *k = l->k;
  Diagnostic *g = ck_error(k, import->span, E0210, "imports nested more than %d deep: %s",
                           MAX_IMPORT_DEPTH, chain_text(l, 0, target->span.file));
  ck_note(k, g, NO_SPAN, "a chain of imports holds at most %d files after the first; "
          "import the libraries side by side from one file instead", MAX_IMPORT_DEPTH);
}

/* An imported file may not hold a mission. */
static void check_library(Checker *k, Node *import, Node *file) {
  for (int i = 0; i < file->file.items.len; i++) {
    Node *d = file->file.items.items[i];
    if (d->kind != ND_DECL || d->decl.kind != DK_MISSION) continue;
    Diagnostic *g = ck_error(k, import->span, E0209,
                             "cannot import '%s': it declares mission '%s'",
                             file_path(k, file->span.file), d->decl.name.str);
    ck_note(k, g, d->decl.name.span, "mission '%s' declared here", d->decl.name.str);
    ck_note(k, g, NO_SPAN, "only a file without a mission (a library) can be imported");
    return;
  }
}

/* Start loading file: mark it busy and push its frame. */
static void push_file(Loader *l, Node *file, Node *via) {
  if (l->len == l->cap) {
    int cap = l->cap ? l->cap * 2 : 16;
    LoadFrame *f = arena_alloc(l->k->a, (size_t)cap * sizeof *f);
    if (l->len) memcpy(f, l->frames, (size_t)l->len * sizeof *f);
    l->frames = f;
    l->cap = cap;
  }
  l->frames[l->len++] = (LoadFrame){file, via, 0};
  set_file_state(l->k, file->span.file, ST_BUSY);
}

/* Finish the top file: its imports are loaded, so it joins the load order. */
static void pop_file(Loader *l) {
  Checker *k = l->k;
  LoadFrame top = l->frames[--l->len];
  set_file_state(k, top.file->span.file, ST_DONE);
  vec_push(k->a, &k->files, top.file);
  if (top.via) check_library(k, top.via, top.file);
}

/* The parsed file an import statement names, or NULL (reported) when there is none. */
static Node *imported_file(Loader *l, Node *file, Node *import) {
  Checker *k = l->k;
  char path[PATH_MAX], real[PATH_MAX];
  if (!resolve_find_import(k->c, file->span.file, import->import.path, path, sizeof path)) {
    Diagnostic *g = ck_error(k, import->span, E0204, "cannot find imported file '%s'",
                             import->import.path);
    ck_note(k, g, NO_SPAN, "looked next to '%s', in the -I folders, in MISSION_PATH and in the "
            "standard library", file_path(k, file->span.file));
    return NULL;
  }
  int64_t id = realpath(path, real) ? src_find_real(k->c->src, real) : -1;
  Node *root = id >= 0 ? compiler_file(k->c, (uint32_t)id) : NULL;
  if (id >= 0 && file_state(k, (uint32_t)id) == ST_BUSY) {
    report_cycle(l, import, (uint32_t)id);
    return NULL;
  }
  if (id >= 0 && !root) {
    root = parse_file(k->c->arena, k->c->names, k->c->diag, k->c->src, (uint32_t)id);
    while (k->c->files.len <= id) vec_push(k->a, &k->c->files, NULL);
    k->c->files.items[id] = root;
  }
  if (!root) root = compiler_parse_path(k->c, path);
  return root;
}

/* Resolve one import statement of the top file: push what it names when it is new,
 * else (loaded before) check it is a library now. */
static void load_import(Loader *l, Node *file, Node *import) {
  Node *root = imported_file(l, file, import);
  if (!root) return;
  if (file_state(l->k, root->span.file) != ST_NEW) {
    check_library(l->k, import, root);
  } else if (l->len > MAX_IMPORT_DEPTH) {
    report_too_deep(l, import, root);
  } else {
    push_file(l, root, import);
  }
}

/* Load the imports of root depth first, each file after the files it imports, with an
 * explicit stack of frames rather than recursion. */
void resolve_imports(Checker *k, Node *root) {
  Loader l = {.k = k};
  push_file(&l, root, NULL);
  while (l.len > 0) {
    LoadFrame *top = &l.frames[l.len - 1];
    if (top->next == top->file->file.items.len) {
      pop_file(&l);
      continue;
    }
    Node *item = top->file->file.items.items[top->next++];
    if (item->kind == ND_IMPORT) load_import(&l, top->file, item);
  }
}

/* ------------------------------------------------------------------------ */
/* Declarations                                                              */
/* ------------------------------------------------------------------------ */

static bool is_builtin_name(Checker *k, const char *name) {
  for (int i = 1; i < BI_COUNT; i++)
    if (k->builtins[i] == name) return true;
  return false;
}

/* Names a declaration cannot take. */
static void check_decl_name(Checker *k, Node *d) {
  const char *name = d->decl.name.str;
  if (name == k->s_date) {
    Diagnostic *g = ck_error(k, d->decl.name.span, E0206, "'date' is reserved and cannot name %s",
                             schema_kind_text(d->decl.kind));
    ck_note(k, g, NO_SPAN, "in formulas, 'date' is the date of the row being evaluated");
  } else if (d->decl.kind == DK_FN && is_builtin_name(k, name)) {
    Diagnostic *g = ck_error(k, d->decl.name.span, E0207,
                             "function '%s' has the name of a built-in function", name);
    ck_note(k, g, NO_SPAN, "built-in functions cannot be redefined; choose another name");
  }
}

/* A second declaration of a name: error at it, note at the first. */
static void report_duplicate(Checker *k, Node *d, Sym *first) {
  Diagnostic *g = ck_error(k, d->decl.name.span, E0203, "'%s' is declared twice", d->decl.name.str);
  ck_note(k, g, first->decl->decl.name.span, "first declared here, as %s",
          schema_kind_text(first->kind));
  if (first->kind != d->decl.kind)
    ck_note(k, g, NO_SPAN, "all declarations share one namespace, whatever their kind");
}

/* Bytes of a CkSym whose Sym is of this kind: up to the end of its member of the union. */
static size_t ck_sym_size(DeclKind kind) {
#define SYM_SIZE(member) (offsetof(CkSym, sym.member) + sizeof(((Sym *)0)->member))
  static const size_t sizes[DK_COUNT] = {
    [DK_MISSION] = SYM_SIZE(mission),       [DK_ACTOR] = SYM_SIZE(actor),
    [DK_INDICATOR] = SYM_SIZE(indicator),   [DK_GOAL] = SYM_SIZE(goal),
    [DK_PHASE] = SYM_SIZE(phase),           [DK_MILESTONE] = SYM_SIZE(milestone),
    [DK_INSTRUMENT] = SYM_SIZE(instrument), [DK_CONDITION] = SYM_SIZE(rule),
    [DK_PROJECT] = SYM_SIZE(project),       [DK_RECORD] = SYM_SIZE(record),
    [DK_SCORE] = SYM_SIZE(rule),            [DK_TEST] = SYM_SIZE(test),
    [DK_UNIT] = SYM_SIZE(unit),             [DK_FN] = SYM_SIZE(rule),
    [DK_RISK] = SYM_SIZE(risk),             [DK_SOURCE] = SYM_SIZE(source),
  };
#undef SYM_SIZE
  return kind < DK_COUNT && sizes[kind] ? sizes[kind] : sizeof(CkSym);
}

/* Make the Sym of a declaration (not a unit), as long as its kind needs. */
static CkSym *new_sym(Checker *k, Node *d) {
  CkSym *s = arena_alloc(k->a, ck_sym_size(d->decl.kind));
  Sym *y = &s->sym;
  y->kind = d->decl.kind;
  y->name = d->decl.name.str;
  y->decl = d;
  y->imported = d->span.file != k->m->main_file;
  y->more = &sym_no_more;
  y->index = -1;
  if (y->kind == DK_SCORE || y->kind == DK_CONDITION || y->kind == DK_FN) s->rs = arena_alloc(k->a, sizeof *s->rs);
  vec_push(k->a, &k->all[y->kind], s);
  return s;
}

/* Enter a declaration in the namespace and the model, unless its name is taken. */
static void declare(Checker *k, Node *d) {
  check_decl_name(k, d);
  CkSym *s = new_sym(k, d);
  Sym *first = namemap_get(k->names, s->sym.name);
  if (first) {
    report_duplicate(k, d, first);
    return;
  }
  namemap_put(k->names, s->sym.name, &s->sym);
  s->registered = true;
  s->sym.index = k->m->syms.len;
  vec_push(k->a, &k->m->syms, &s->sym);
  vec_push(k->a, &k->m->by_kind[s->sym.kind], &s->sym);
}

/* The checked file's mission; a second mission in one file is an error. */
static void note_mission(Checker *k, Node *d, Node **first_in_file) {
  if (*first_in_file) {
    Diagnostic *g = ck_error(k, d->decl.name.span, E0606,
                             "a file holds at most one mission, and '%s' is a second one", d->decl.name.str);
    ck_note(k, g, (*first_in_file)->decl.name.span, "mission '%s' declared here",
            (*first_in_file)->decl.name.str);
    return;
  }
  *first_in_file = d;
}

/* Room in the lists of declarations for every declaration of the loaded files: each
 * list is allocated once, at its length. */
static void reserve_lists(Checker *k) {
  int per_kind[DK_COUNT] = {0}, total = 0;
  for (int f = 0; f < k->files.len; f++) {
    Node *file = k->files.items[f];
    for (int i = 0; i < file->file.items.len; i++) {
      Node *d = file->file.items.items[i];
      if (d->kind != ND_DECL || d->decl.kind == DK_UNIT) continue;
      per_kind[d->decl.kind]++;
      total++;
    }
  }
  vec_reserve(k->a, &k->m->syms, total);
  for (int kind = 0; kind < DK_COUNT; kind++) {
    vec_reserve(k->a, &k->all[kind], per_kind[kind]);
    vec_reserve(k->a, &k->m->by_kind[kind], per_kind[kind]);
  }
}

void resolve_declare(Checker *k) {
  reserve_lists(k);
  for (int f = 0; f < k->files.len; f++) {
    Node *file = k->files.items[f];
    Node *mission = NULL;
    for (int i = 0; i < file->file.items.len; i++) {
      Node *d = file->file.items.items[i];
      if (d->kind != ND_DECL) continue;
      if (d->decl.kind == DK_UNIT) {
        ck_declare_unit(k, d);
        continue;
      }
      if (d->decl.kind == DK_MISSION) note_mission(k, d, &mission);
      declare(k, d);
    }
    if (mission && file->span.file == k->m->main_file) {
      Sym *s = namemap_get(k->names, mission->decl.name.str);
      if (s && s->decl == mission) k->m->mission = s;
    }
  }
}

/* ------------------------------------------------------------------------ */
/* References                                                                */
/* ------------------------------------------------------------------------ */

void resolve_suggest(Checker *k, struct Suggest *s, unsigned mask) {
  for (int kind = 0; kind < DK_COUNT; kind++) {
    if (!((mask >> kind) & 1)) continue;
    for (int i = 0; i < k->all[kind].len; i++) {
      CkSym *c = k->all[kind].items[i];
      if (c->registered) ck_suggest_add(s, c->sym.name, c->sym.decl->decl.name.span);
    }
  }
}

/* "actor", "phase or milestone": the kinds of a mask without articles. */
static const char *kinds_bare(Checker *k, unsigned mask) {
  const char *out = "";
  int total = 0, n = 0;
  for (int kind = 0; kind < DK_COUNT; kind++) total += (mask >> kind) & 1;
  for (int kind = 0; kind < DK_COUNT; kind++) {
    if (!((mask >> kind) & 1)) continue;
    out = arena_printf(k->a, "%s%s%s", out, n == 0 ? "" : n == total - 1 ? " or " : ", ",
                       decl_kind_names[kind]);
    n++;
  }
  return out;
}

/* "unknown actor 'x'" with a did-you-mean among the declarations of the wanted kinds. */
static void report_unknown(Checker *k, Ident id, unsigned mask) {
  Diagnostic *g = ck_error(k, id.span, E0201, "unknown %s '%s'", kinds_bare(k, mask), id.str);
  Suggest s;
  ck_suggest_init(&s, id.str);
  resolve_suggest(k, &s, mask);
  ck_note_suggest(k, g, &s);
}

Sym *resolve_ref(Checker *k, Node *expr, unsigned mask, const char *attr) {
  char kinds[160];
  if (expr->kind != ND_NAME || name_nparts(expr) != 1) {
    ck_error(k, expr->span, E0704, "'%s' takes the name of %s, not %s", attr,
             schema_refs_text(mask, kinds, sizeof kinds), ck_node_text(expr));
    return NULL;
  }
  Ident id = name_part(expr, 0);
  Sym *s = namemap_get(k->names, id.str);
  if (!s) {
    report_unknown(k, id, mask);
    return NULL;
  }
  if (!((mask >> s->kind) & 1)) {
    Diagnostic *g = ck_error(k, id.span, E0202, "'%s' is %s, but '%s' takes %s", id.str,
                             schema_kind_text(s->kind), attr, schema_refs_text(mask, kinds, sizeof kinds));
    ck_note_decl(k, g, s);
    return NULL;
  }
  CkSym *c = cksym(s);
  if (!c->ref_sem) {   /* one record for every attribute that names s */
    ExprSem *e = arena_alloc(k->a, sizeof *e);
    e->form = EX_DECL;
    e->type = ck_type_of(TY_DECL);
    e->ref = s;
    c->ref_sem = e;
  }
  expr->sem = c->ref_sem;
  return s;
}
