/* compiler.c - the compilation context shared by every stage. */
#include "compiler.h"

#include <stdio.h>
#include <stdlib.h>

#include "parse.h"
#include "util.h"

Compiler *compiler_new(void) {
  Arena *a = arena_new();
  Compiler *c = arena_alloc(a, sizeof *c);
  c->arena = a;
  c->names = intern_new(a);
  c->src = src_new();
  c->diag = diag_new(a, c->src);
  c->diag->max_errors = 50;
  return c;
}

void compiler_free(Compiler *c) {
  if (!c) return;
  src_free(c->src);
  arena_free(c->arena);
}

Node *compiler_file(Compiler *c, uint32_t id) {
  return (int)id < c->files.len ? c->files.items[id] : NULL;
}

/* Remember the tree of source id. */
static void set_file(Compiler *c, uint32_t id, Node *root) {
  while (c->files.len <= (int)id) vec_push(c->arena, &c->files, NULL);
  c->files.items[id] = root;
}

Node *compiler_parse_path(Compiler *c, const char *path) {
  char err[512];
  int64_t id = src_load(c->src, path, err, sizeof err);
  if (id < 0) {
    util_error("%s", err);
    return NULL;
  }
  Node *root = parse_file(c->arena, c->names, c->diag, c->src, (uint32_t)id);
  set_file(c, (uint32_t)id, root);
  if (c->release_text) src_release(c->src, (uint32_t)id);
  return root;
}

Node *compiler_parse_source(Compiler *c, uint32_t id) {
  Node *root = parse_file(c->arena, c->names, c->diag, c->src, id);
  set_file(c, id, root);
  return root;
}
