/* graph.h - diagrams of a checked mission through Graphviz (cgraph + gvc).
 *
 * Five views of the same model, each built as a cgraph graph (never printed as
 * strings): the mission map, the timeline, the actor network, the dataflow of the
 * rules and the portfolio matrix. A graph is written as DOT, rendered in-process to
 * SVG, PNG or PDF, or translated to Mermaid. A caller may decorate a view (colours,
 * notes, tooltips by declaration; a marked day on the timeline). Reads the model,
 * never changes it.
 */
#ifndef MISSION_GRAPH_H
#define MISSION_GRAPH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "compiler.h"

#define GRAPH_VIEW_LIST(X)                                                        \
  X(GV_MAP, "map", "challenge, mission, goals, projects, instruments, actors")    \
  X(GV_TIMELINE, "timeline", "mission period, phases, milestones, deadlines")     \
  X(GV_ACTORS, "actors", "the quadruple-helix network of actors by sector")       \
  X(GV_RULES, "rules", "dataflow of scores and conditions, with units")           \
  X(GV_PORTFOLIO, "portfolio", "instruments x goals, with amounts")

typedef enum {
#define X(id, name, what) id,
  GRAPH_VIEW_LIST(X)
#undef X
  GV_COUNT
} GraphView;

extern const char *const graph_view_names[GV_COUNT];

#define GRAPH_FORMAT_LIST(X)                                  \
  X(GF_DOT, "dot", false) X(GF_SVG, "svg", false)             \
  X(GF_PNG, "png", true) X(GF_PDF, "pdf", true)               \
  X(GF_MERMAID, "mermaid", false)

typedef enum {
#define X(id, name, binary) id,
  GRAPH_FORMAT_LIST(X)
#undef X
  GF_COUNT
} GraphFormat;

extern const char *const graph_format_names[GF_COUNT];
extern const bool graph_format_binary[GF_COUNT];

/* What a caller adds to a view (`missionc status` colours the goals by verdict and
 * marks the as-of date). Each array is indexed by Sym.index with m->syms.len
 * entries, or is NULL; a NULL entry keeps the view's default. An entry decorates the
 * node drawn for the declaration itself (the one named after it: a goal's box on
 * the map, its deadline marker on the timeline), in whichever view draws it. */
typedef struct GraphDecor {
  const char *const *fill;     /* fill colour ("#b9e0a5") */
  const char *const *line;     /* border colour, drawn 2 points wide */
  const char *const *note;     /* a bold last line of the node's label ("● on-track");
                                  the timeline's bars and markers have no room for it */
  const char *const *tooltip;  /* SVG tooltip */
  const char *const *cls;      /* SVG class after the node's kind: "on-track" gives
                                  class="node goal on-track" */
  bool mark;                   /* timeline: a vertical line across the lanes */
  int64_t mark_day;            /* at this day (days since 1970-01-01) */
  const char *mark_label;      /* above it ("as of 2025-06-30") */
} GraphDecor;

typedef struct GraphRequest {
  GraphView view;
  GraphFormat format;
  const char *focus;     /* NULL: the whole view; else a declaration name */
  int depth;             /* with focus: edges away from it (0 = the declaration alone) */
  const GraphDecor *decor;  /* NULL: none. Mermaid flowcharts show fill, line and note;
                               the gantt chart none of it */
} GraphRequest;

/* Draw view r->view of a checked model (no errors) in r->format on out.
 * Returns EXIT_OK, EXIT_INPUT (unknown or undrawn focus: a diagnostic in
 * m->c->diag) or EXIT_USAGE (rendering or writing failed: a message on stderr).
 * Not thread-safe (Graphviz is not). */
int graph_emit(const Model *m, const GraphRequest *r, FILE *out);

/* Free the Graphviz context that SVG, PNG and PDF share. There is one per process,
 * created by the first render: Graphviz 2.42's text layout plugin keeps a pointer
 * into the first context, so a second one, opened after the first is freed, reads
 * freed memory. Runs at exit by itself; a program may call it sooner, once, when it
 * renders no more (renders after it fail). */
void graph_shutdown(void);


#endif
