#!/usr/bin/env bash
# graph_embed.sh MISSIONC SOURCE_DIR BINARY_DIR - graph.h from a program of its own.
#
# A C program linked against the build's libmission, with the build's flags (under
# the sanitizer build it runs under ASan): it draws decorated views (GraphDecor) as
# SVG several times in one process (Graphviz 2.42 cannot open a second context after
# freeing the first: one context serves the process), checks what the decor added to
# the SVG and the Mermaid, that an empty decor changes nothing, and that after
# graph_shutdown() a render fails cleanly while DOT still works. Needs the Makefile
# generator's flags.make and link.txt; skipped (with a message) without them.
set -euo pipefail
src=$(cd "$2" && pwd)
bin=$(cd "$3" && pwd)
source "$src/tests/scripts/graph_env.bash"
dir=$bin/CMakeFiles/missionc_cli.dir
if [ ! -f "$dir/flags.make" ] || [ ! -f "$bin/CMakeFiles/missionc.dir/link.txt" ]; then
  source "$src/tests/scripts/skip.bash"
  skip_test "no $dir/flags.make or link.txt (not the Makefile generator)"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/embed.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front_end.h"
#include "graph.h"
#include "util.h"

static int failures;

static void expect(bool ok, const char *what) {
  if (!ok) {
    printf("FAIL: %s\n", what);
    failures++;
  }
}

/* A view drawn into memory (free it); its exit status in *st. */
static char *draw(const Model *m, GraphView v, GraphFormat f, const GraphDecor *d, int *st) {
  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&text, &len);
  GraphRequest r = {.view = v, .format = f, .depth = 1, .decor = d};
  *st = graph_emit(m, &r, mem);
  fclose(mem);
  return text;
}

/* Does view v drawn as f (status 0) hold `want`? */
static void expect_in(const Model *m, GraphView v, GraphFormat f, const GraphDecor *d, const char *want) {
  int st;
  char *text = draw(m, v, f, d, &st);
  char what[200];
  snprintf(what, sizeof what, "%s as %s: status %d, should hold '%s'", graph_view_names[v],
           graph_format_names[f], st, want);
  expect(st == 0 && strstr(text, want), what);
  free(text);
}

/* The same text with decor a and decor b. */
static void expect_same(const Model *m, GraphView v, GraphFormat f, const GraphDecor *a, const GraphDecor *b) {
  int sa, sb;
  char *x = draw(m, v, f, a, &sa), *y = draw(m, v, f, b, &sb);
  char what[200];
  snprintf(what, sizeof what, "%s as %s: an empty decor should change nothing", graph_view_names[v],
           graph_format_names[f]);
  expect(sa == 0 && sb == 0 && strcmp(x, y) == 0, what);
  free(x);
  free(y);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  Compiler *c = compiler_new();
  Model *m = compiler_front_end(c, argv[1], NULL, 0);
  if (!m || diag_error_count(c->diag) > 0) return 2;
  const Sym *goal = model_lookup(m, intern_cstr(c->names, "cities"));
  const Sym *milestone = model_lookup(m, intern_cstr(c->names, "roofs"));
  if (!goal || !milestone) return 2;
  size_t n = (size_t)m->syms.len;
  const char **fill = calloc(n, sizeof *fill), **line = calloc(n, sizeof *line),
             **note = calloc(n, sizeof *note), **tip = calloc(n, sizeof *tip), **cls = calloc(n, sizeof *cls);
  fill[goal->index] = "#b9e0a5";
  line[goal->index] = "#2e7d32";
  note[goal->index] = "● on-track";
  tip[goal->index] = "26 city of 50";
  cls[goal->index] = "on-track";
  fill[milestone->index] = "#f4a7a7";
  cls[milestone->index] = "missed";
  GraphDecor d = {fill, line, note, tip, cls, true, date_days(2025, 6, 30), "as of 2025-06-30"};
  GraphDecor empty = {0};

  for (int round = 0; round < 2; round++) {   /* several contexts would fail here under ASan */
    expect_in(m, GV_MAP, GF_SVG, &d, "class=\"node goal on&#45;track\"");
    expect_in(m, GV_MAP, GF_SVG, &d, "● on&#45;track");
    expect_in(m, GV_MAP, GF_SVG, &d, "xlink:title=\"26 city of 50\"");
    expect_in(m, GV_MAP, GF_SVG, &d, "fill=\"#b9e0a5\" stroke=\"#2e7d32\" stroke-width=\"2\"");
    expect_in(m, GV_TIMELINE, GF_SVG, &d, ">as of 2025&#45;06&#45;30</text>");
    expect_in(m, GV_TIMELINE, GF_SVG, &d, "class=\"node deadline on&#45;track\"");
    expect_in(m, GV_TIMELINE, GF_SVG, &d, "class=\"node milestone missed\"");
    expect_in(m, GV_TIMELINE, GF_SVG, &d, "stroke=\"#c62828\" stroke-width=\"2\"");
  }
  expect_in(m, GV_MAP, GF_MERMAID, &d, "fill:#b9e0a5,stroke:#2e7d32,stroke-width:2px\n");
  expect_in(m, GV_MAP, GF_MERMAID, &d, "<br>● on-track\"");
  for (int v = 0; v < GV_COUNT; v++) {
    expect_same(m, v, GF_DOT, NULL, &empty);
    expect_same(m, v, GF_MERMAID, NULL, &empty);
  }

  graph_shutdown();
  graph_shutdown();   /* once is enough; twice is harmless */
  int st;
  char *text = draw(m, GV_MAP, GF_SVG, NULL, &st);
  expect(st == MS_FAILED, "SVG after graph_shutdown() should fail with MS_FAILED");
  free(text);
  text = draw(m, GV_MAP, GF_DOT, &d, &st);
  expect(st == 0 && strstr(text, "tooltip=\"26 city of 50\""), "DOT after graph_shutdown() should still work");
  free(text);

  free(fill), free(line), free(note), free(tip), free(cls);
  compiler_free(c);
  printf("graph_embed: %s\n", failures ? "failed" : "ok");
  return failures ? 1 : 0;
}
C

# The build's own compile flags (the CLI's, which see every stage's header); linked
# against the build's libmission.so alone: embedding needs no LLVM.
flag() { sed -n "s|^$1 = ||p" "$dir/flags.make"; }
cc=$(awk '{print $1; exit}' "$bin/CMakeFiles/missionc.dir/link.txt")
eval "\"$cc\" $(flag C_DEFINES) $(flag C_INCLUDES) $(flag C_FLAGS) -Werror -c \"$work/embed.c\" -o \"$work/embed.o\""
eval "\"$cc\" $(flag C_FLAGS) \"$work/embed.o\" -o \"$work/embed\" -Wl,-rpath,\"$bin\" \"$bin/libmission.so\""
if grep -q libLLVM <<<"$(ldd "$work/embed")"; then echo "FAIL: an embedding program of libmission loads libLLVM"; exit 1; fi
status=0
"$work/embed" "$src/tests/golden/status/verdicts.mission" 2>"$work/embed.err" || status=$?
if [ "$status" -ne 0 ]; then
  cat "$work/embed.err"
  echo "FAIL: the embedding program exited $status"
  exit 1
fi
