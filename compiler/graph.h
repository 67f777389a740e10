/* graph.h - diagrams of a checked mission through Graphviz (cgraph + gvc).
 *
 * Five views of the same model, each built as a cgraph graph (never printed as
 * strings): the mission map, the timeline, the actor network, the dataflow of the
 * rules and the portfolio matrix. A graph is written as DOT, rendered in-process to
 * SVG, PNG or PDF, or translated to Mermaid. Reads the model, never changes it.
 */
#ifndef MISSION_GRAPH_H
#define MISSION_GRAPH_H

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

typedef struct GraphRequest {
  GraphView view;
  GraphFormat format;
  const char *focus;     /* NULL: the whole view; else a declaration name */
  int depth;             /* with focus: edges away from it (0 = the declaration alone) */
} GraphRequest;

/* Draw view r->view of a checked model (no errors) in r->format on out.
 * Returns EXIT_OK, EXIT_INPUT (unknown or undrawn focus: a diagnostic in
 * m->c->diag) or EXIT_USAGE (rendering or writing failed: a message on stderr). */
int graph_emit(const Model *m, const GraphRequest *r, FILE *out);

/* `missionc graph`: options, the front end, then graph_emit (cmd_graph.c). */
int cmd_graph(Compiler *c, int argc, char **argv);

#endif
