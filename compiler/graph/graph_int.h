/* graph_int.h - what the graph_*.c files share: the builder, styles and text helpers.
 *
 * Every view is built by a `graph_build_<view>(GB *)` function through the gb_*
 * primitives below, which create cgraph objects in a deterministic order, bind a
 * GRec to each (the declaration drawn, a plain-text label, a Mermaid shape), and
 * skip whatever a --focus leaves out. Nothing here is used outside graph*.c.
 */
#ifndef MISSION_GRAPH_INT_H
#define MISSION_GRAPH_INT_H

#include "gv_load.h"   /* Graphviz, loaded on first use */
#include <stdbool.h>
#include <stdint.h>

#include "graph.h"

/* ---- styles --------------------------------------------------------------- */

/* How Mermaid draws a node (the DOT shape is in NodeStyle). */
typedef enum { MS_RECT, MS_ROUND, MS_STADIUM, MS_HEXAGON, MS_RHOMBUS, MS_PARALLELOGRAM,
               MS_FLAG, MS_CIRCLE, MS_SUBROUTINE } MermaidShape;

/* The look of one kind of node, in DOT and in Mermaid (cls is the classDef name). */
typedef struct NodeStyle {
  const char *cls;
  const char *shape, *style, *fill, *line;
  MermaidShape mshape;
} NodeStyle;

/* The colours of a sector: the same in every view. */
typedef struct SectorStyle {
  const char *label;      /* "Public sector" */
  const char *line;       /* strong colour: borders, edges */
  const char *fill;       /* light colour: node and cluster fill */
  NodeStyle node;         /* an actor of this sector */
} SectorStyle;

const SectorStyle *graph_sector_style(Sector s);

extern const NodeStyle style_challenge, style_mission, style_goal, style_project,
    style_instrument_supply, style_instrument_demand, style_indicator,
    style_field, style_input, style_call, style_fn, style_score, style_condition,
    style_goal_const, style_phase, style_milestone, style_deadline, style_text, style_table,
    style_point, style_lane, style_risk, style_review, style_decision;

/* How an edge is drawn: solid, dashed or dotted, with or without an arrow head. */
typedef enum { ES_ARROW, ES_DASHED, ES_DOTTED, ES_LINE, ES_DASHED_LINE, ES_INVISIBLE } EdgeStyle;

/* ---- the builder ------------------------------------------------------------ */

/* What a node or an edge carries besides its DOT attributes. */
typedef struct GRec {
  Agrec_t h;
  const Sym *sym;            /* the declaration drawn, or NULL */
  const Sym *about;          /* a declaration this node is a use of (a call of a fn): --focus seeds */
  const char *text;          /* plain label, lines separated by '\n' ("" for none) */
  const NodeStyle *style;    /* nodes */
  EdgeStyle estyle;          /* edges */
  bool back;                 /* edges drawn head to tail (dir=back): Mermaid reverses them */
  bool hidden;               /* scaffolding: not written to Mermaid */
  bool anchor;               /* an invisible edge that only places ranks: no neighbourhood */
  int64_t start, end;        /* timeline: dates (days since 1970), end == start for a point */
  int lane;                  /* timeline: lane (0 = the mission) */
  int dist;                  /* focus: edges from the focus, -1 unreached */
  int id;                    /* Mermaid: n<id>, 0 for hidden nodes */
  const char *note;          /* GraphDecor: a last line for the node's label, or NULL */
  const char *fill, *line;   /* GraphDecor: colours given to this node, or NULL (Mermaid) */
} GRec;

#define GREC_NAME "missionc"

/* What a --focus keeps: found by a first, full build. */
typedef struct Keep {
  bool *syms;                /* by Sym.index */
  Agraph_t *full;            /* the first build: kept nodes have dist >= 0 */
} Keep;

typedef struct GB {
  const Model *m;
  Arena *a;                  /* the compilation's arena: label strings live there */
  GraphView view;
  bool flow;                 /* portfolio: the instruments -> goals flowchart, not the table */
  Agraph_t *g;
  const Keep *keep;          /* NULL: draw everything */
  const char *title;         /* the mission's title, or the file name of a library */
  bool *incl;                /* by Sym.index: the mission's declarations and what they use */
  bool detailed;             /* one node per project, however many (the --focus search) */
  const GraphDecor *decor;   /* the caller's additions, or NULL */
  bool refused;              /* too large to draw: reported (E0903), nothing to write */
} GB;

/* Open the root graph with the house defaults; engine is "dot" or "neato". */
void gb_open(GB *b, const char *engine, const char *rankdir);
/* Set the graph's title: the (wrapped) mission title over a subtitle line. */
void gb_title(GB *b, const char *subtitle);
/* A cluster (sub is where it goes: NULL for the root). */
Agraph_t *gb_cluster(GB *b, Agraph_t *sub, const char *name, const char *label, const char *line,
                     const char *fill);
/* A node, or NULL when the focus leaves it out. sub NULL is the root. The node named
 * after sym gets what b->decor asks for it. */
Agnode_t *gb_node(GB *b, Agraph_t *sub, const char *name, const Sym *sym, const NodeStyle *st);
/* The node drawn for a declaration (NULL when it is not drawn). */
Agnode_t *gb_find(GB *b, const Sym *s);
/* A node drawn whatever the focus keeps (a lane's bar, a table of kept rows). */
Agnode_t *gb_node_always(GB *b, Agraph_t *sub, const char *name, const Sym *sym, const NodeStyle *st);
/* A fixture (axis ticks, grid points, lane headers): always drawn, never in Mermaid. */
Agnode_t *gb_fixture(GB *b, const char *name, const NodeStyle *st);
/* An edge t -> h with a plain label (NULL for none), or NULL if an end is missing. */
Agedge_t *gb_edge(GB *b, Agnode_t *t, Agnode_t *h, const char *label, EdgeStyle es);
/* An invisible edge t -> h that keeps h at least minlen ranks after t (no-op on NULL);
 * --focus does not follow it. */
void gb_anchor(GB *b, Agnode_t *t, Agnode_t *h, int minlen);
/* Set an attribute (no-op on NULL objects). */
void gb_set(void *obj, const char *attr, const char *value);
void gb_setf(void *obj, const char *attr, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
GRec *gb_rec(void *obj);
/* Above this many projects, the map and the actor network draw the projects as the
 * rows of a few table nodes, with edges that add them up: 300 project nodes and
 * their thousand edges are not legible, 300 rows are. */
enum { GB_MAX_PROJECT_NODES = 40 };
bool gb_project_tables(GB *b);

/* A table node: a bold title, a header row, then nrows rows of ncols cells
 * (plain text; '\n' breaks a line). Its Mermaid text is the title and `summary`. */
Agnode_t *gb_table(GB *b, const char *name, const char *title, const char *summary,
                   const char *const *headers, int ncols, const char **cells, int nrows,
                   const char *fill);

/* A project's funding, one line per instrument: "AMOUNT · instrument" (the amount
 * only where one is given), for the cells of the project tables. */
const char *gb_funded_text(GB *b, const Sym *p);

/* Whether the focus keeps sym (always true without a focus). */
bool gb_kept(const GB *b, const Sym *sym);

/* Declarations of a kind that the graph draws: declared in the checked file, or
 * imported and referenced by one that is. Declaration order. */
bool gb_included(const GB *b, const Sym *s);
int gb_count(const GB *b, DeclKind k);
Sym *gb_sym(const GB *b, DeclKind k, int i);
#define GB_EACH(b, kind, s)                                                      \
  for (int s##_i = 0; s##_i < gb_count(b, kind); s##_i++)                        \
    for (Sym *s = gb_sym(b, kind, s##_i); s; s = NULL)                           \
      if (gb_included(b, s))

/* ---- labels ----------------------------------------------------------------- */

/* A node label built twice at once: HTML-like for DOT, plain text for Mermaid. */
typedef struct Label {
  Arena *a;
  int lines;                 /* lines added so far (title or detail) */
  char *html, *text;
  size_t hlen, hcap, tlen, tcap;
} Label;

/* An empty label whose strings live in the builder's arena. */
Label label_new(const struct GB *b);
/* A title, wrapped at `width` characters, in bold. */
void label_title(Label *l, const char *s, int width);
/* A smaller detail line (printf-style), wrapped at width (0: never). */
void label_line(Label *l, int width, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Set it on a node or a graph and free it (with the node's decor note last). */
void label_set(GB *b, void *obj, Label *l);
void label_free(Label *l);

/* Raw HTML for table labels. */
void label_html(Label *l, const char *html);
void label_html_escaped(Label *l, const char *s);
void label_text(Label *l, const char *s);

/* ---- text ------------------------------------------------------------------- */

/* Numbers, dates and escaping: base/fmt.h. */

/* A weight, to 4 significant digits ("0.02273"). */
const char *fmt_weight(Arena *a, double v);
/* A value in base units shown in `unit` ("32 MEUR", "4.2%", "0.5"). */
const char *fmt_qty(Arena *a, double base_value, const Unit *unit);
/* A quantity as written: bounds, ranges and rates included. */
const char *fmt_quantity(Arena *a, const Quantity *q);
const char *fmt_period(Arena *a, const Period *p);
/* The unit of a type as shown on a dataflow edge: "city", "bool", "date", "1". */
const char *fmt_type(const Model *m, const Type *t);
/* Characters (UTF-8 code points) in s. */
int utf8_len(const char *s);
/* Greedy word wrap: lines separated by '\n' (width 0: no wrapping). */
const char *wrap_text(Arena *a, const char *s, int width);
/* A declaration's title, else its name. */
const char *sym_title(const Sym *s);

/* ---- views and writers ------------------------------------------------------ */

void graph_build_map(GB *b);
void graph_build_timeline(GB *b);
void graph_build_actors(GB *b);
void graph_build_rules(GB *b);
void graph_build_portfolio(GB *b);

/* Mermaid: a flowchart of any built graph; a gantt chart of a built timeline. */
void graph_write_flowchart(GB *b, FILE *out);
void graph_write_gantt(GB *b, FILE *out);

#endif
