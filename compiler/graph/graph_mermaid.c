/* graph_mermaid.c - Mermaid for Markdown reports, translated from the built graph.
 *
 * Every view becomes a flowchart (clusters as subgraphs, the node styles as
 * classDefs, edge colours as linkStyles); the timeline becomes a gantt chart with
 * one section per lane. Node ids are n1, n2 ... in creation order, so that names
 * such as `end` can never clash with Mermaid's keywords.
 */
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"
#include "util.h"

/* A label inside "...": entity codes for what Mermaid would read as syntax, <br> between lines. */
static void put_label(FILE *out, const char *s) {
  for (const char *p = s; *p; p++) {
    switch (*p) {
    case '"': fputs("#quot;", out); break;
    case '<': fputs("#lt;", out); break;
    case '>': fputs("#gt;", out); break;
    case '&': fputs("#amp;", out); break;
    case '#': fputs("#35;", out); break;
    case '`': fputs("#96;", out); break;
    case '\n': fputs("<br>", out); break;
    default:
      if ((unsigned char)*p < 0x20) fputc(' ', out);
      else fputc(*p, out);
    }
  }
}

/* A YAML double-quoted scalar. */
static void put_yaml(FILE *out, const char *s) {
  fputc('"', out);
  for (const char *p = s; *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(out, "\\%c", *p);
    else if ((unsigned char)*p < 0x20) fputc(' ', out);
    else fputc(*p, out);
  }
  fputc('"', out);
}

/* Gantt texts end at ':', '#' and ';': use their full-width forms. */
static void put_gantt_text(FILE *out, const char *s) {
  for (const char *p = s; *p; p++) {
    switch (*p) {
    case ':': fputs("\xEF\xBC\x9A", out); break;
    case '#': fputs("\xEF\xBC\x83", out); break;
    case ';': fputs("\xEF\xBC\x9B", out); break;
    default:
      if ((unsigned char)*p < 0x20) fputc(' ', out);
      else fputc(*p, out);
    }
  }
}

static void put_title(GB *b, FILE *out) {
  fputs("---\ntitle: ", out);
  put_yaml(out, arena_printf(b->a, "%s · %s", b->title, graph_view_names[b->view]));
  fputs("\n---\n", out);
}

/* ------------------------------------------------------------------------ */
/* Flowcharts                                                               */
/* ------------------------------------------------------------------------ */

typedef struct Ids {
  Agnode_t **nodes;      /* by id - 1 */
  int n;
  bool *written;
} Ids;

static int node_id(Agnode_t *n) { return gb_rec(n)->id; }

static void put_node(FILE *out, Agnode_t *n, const char *indent) {
  GRec *r = gb_rec(n);
  static const char *const open[] = {"[\"", "(\"", "([\"", "{{\"", "{\"", "[/\"", ">\"", "((\"", "[[\""};
  static const char *const close[] = {"\"]", "\")", "\"])", "\"}}", "\"}", "\"/]", "\"]", "\"))", "\"]]"};
  MermaidShape s = r->style ? r->style->mshape : MS_RECT;
  fprintf(out, "%sn%d%s", indent, node_id(n), open[s]);
  put_label(out, *r->text ? r->text : agnameof(n));
  fprintf(out, "%s\n", close[s]);
}

/* Clusters become subgraphs, with their nodes (recursively). */
static void put_clusters(GB *b, Agraph_t *g, FILE *out, Ids *ids, int depth, int *count) {
  for (Agraph_t *sub = agfstsubg(g); sub; sub = agnxtsubg(sub)) {
    if (strncmp(agnameof(sub), "cluster", 7) != 0) continue;
    int k = ++*count;
    const char *indent = arena_printf(b->a, "%*s", 2 * depth + 2, "");
    GRec *r = gb_rec(sub);
    fprintf(out, "%ssubgraph c%d [\"", arena_printf(b->a, "%*s", 2 * depth, ""), k);
    put_label(out, r && *r->text ? r->text : agnameof(sub));
    fputs("\"]\n", out);
    put_clusters(b, sub, out, ids, depth + 1, count);
    for (Agnode_t *n = agfstnode(sub); n; n = agnxtnode(sub, n)) {
      int id = node_id(n);
      if (id <= 0 || ids->written[id - 1]) continue;
      ids->written[id - 1] = true;
      put_node(out, n, indent);
    }
    fprintf(out, "%send\n", arena_printf(b->a, "%*s", 2 * depth, ""));
    const char *fill = agget(sub, "fillcolor"), *line = agget(sub, "color");
    if (fill && *fill && line && *line)
      fprintf(out, "%sstyle c%d fill:%s,stroke:%s\n", arena_printf(b->a, "%*s", 2 * depth, ""), k, fill, line);
  }
}

static const char *arrow(EdgeStyle es) {
  switch (es) {
  case ES_DASHED:
  case ES_DOTTED: return "-.->";
  case ES_LINE: return "---";
  case ES_DASHED_LINE: return "-.-";
  default: return "-->";
  }
}

void graph_write_flowchart(GB *b, FILE *out) {
  Agraph_t *g = b->g;
  put_title(b, out);
  const char *rankdir = agget(g, "rankdir");
  fprintf(out, "flowchart %s\n", rankdir && strcmp(rankdir, "LR") == 0 ? "LR" : "TB");
  Ids ids = {xcalloc((size_t)agnnodes(g) + 1, sizeof(Agnode_t *)), 0, xcalloc((size_t)agnnodes(g) + 1, 1)};
  /* ids in creation order */
  for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n)) {
    GRec *r = gb_rec(n);
    r->id = r->hidden ? 0 : ++ids.n;
    if (!r->hidden) ids.nodes[ids.n - 1] = n;
  }
  int clusters = 0;
  put_clusters(b, g, out, &ids, 1, &clusters);
  for (int i = 0; i < ids.n; i++)
    if (!ids.written[i]) put_node(out, ids.nodes[i], "  ");
  /* edges, in the order of their tails; colours gathered for linkStyle */
  int nedges = 0;
  PtrVec colours = {0};   /* const char* per edge index */
  for (int i = 0; i < ids.n; i++) {
    for (Agedge_t *e = agfstout(g, ids.nodes[i]); e; e = agnxtout(g, e)) {
      GRec *r = gb_rec(e);
      if (r->hidden || node_id(aghead(e)) <= 0) continue;
      int t = node_id(agtail(e)), h = node_id(aghead(e));
      if (r->back) {
        int x = t;
        t = h;
        h = x;
      }
      fprintf(out, "  n%d %s", t, arrow(r->estyle));
      if (*r->text) {
        fputs("|\"", out);
        put_label(out, r->text);
        fputs("\"|", out);
      }
      fprintf(out, " n%d\n", h);
      const char *colour = agget(e, "color");
      vec_push(b->a, &colours, (void *)(colour ? colour : ""));
      nedges++;
    }
  }
  /* one classDef per node style, in order of first use; prefixed, as `call` or
   * `end` would be Mermaid keywords */
  for (int i = 0; i < ids.n; i++) {
    const NodeStyle *st = gb_rec(ids.nodes[i])->style;
    bool first = true;
    for (int j = 0; j < i && first; j++) first = gb_rec(ids.nodes[j])->style != st;
    if (!first || !st || !st->fill) continue;
    fprintf(out, "  classDef mc_%s fill:%s,stroke:%s,color:#000000%s\n", st->cls, st->fill, st->line,
            st->style && strstr(st->style, "bold") ? ",stroke-width:2px" : "");
    fprintf(out, "  class ");
    for (int j = i, sep = 0; j < ids.n; j++)
      if (gb_rec(ids.nodes[j])->style == st) fprintf(out, "%sn%d", sep++ ? "," : "", j + 1);
    fprintf(out, " mc_%s\n", st->cls);
  }
  /* the colours a GraphDecor gave single nodes, over their classDef */
  for (int i = 0; i < ids.n; i++) {
    const GRec *r = gb_rec(ids.nodes[i]);
    if (!r->fill && !r->line) continue;
    fprintf(out, "  style n%d ", i + 1);
    if (r->fill) fprintf(out, "fill:%s%s", r->fill, r->line ? "," : "\n");
    if (r->line) fprintf(out, "stroke:%s,stroke-width:2px\n", r->line);
  }
  /* edge colours other than the default, grouped */
  for (int i = 0; i < nedges; i++) {
    const char *c = colours.items[i];
    bool first = *c && strcmp(c, "#666666") != 0;
    for (int j = 0; j < i && first; j++) first = strcmp(colours.items[j], c) != 0;
    if (!first) continue;
    fprintf(out, "  linkStyle ");
    for (int j = i, sep = 0; j < nedges; j++)
      if (strcmp(colours.items[j], c) == 0) fprintf(out, "%s%d", sep++ ? "," : "", j);
    fprintf(out, " stroke:%s\n", c);
  }
  free(ids.nodes);
  free(ids.written);
}

/* ------------------------------------------------------------------------ */
/* The timeline as a gantt chart                                            */
/* ------------------------------------------------------------------------ */

void graph_write_gantt(GB *b, FILE *out) {
  Agraph_t *g = b->g;
  put_title(b, out);
  fputs("gantt\n  dateFormat YYYY-MM-DD\n  inclusiveEndDates\n", out);
  int64_t lo = 0, hi = 0;
  int lanes = 0;
  bool any = false;
  for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n)) {
    GRec *r = gb_rec(n);
    if (r->style == &style_lane && r->lane + 1 > lanes) lanes = r->lane + 1;
    if (r->hidden || !r->sym) continue;
    if (!any || r->start < lo) lo = r->start;
    if (!any || r->end > hi) hi = r->end;
    any = true;
  }
  fprintf(out, "  axisFormat %s\n", hi - lo >= 3 * 365 ? "%Y" : "%Y-%m");
  int task = 0;
  for (int lane = 0; lane < lanes; lane++) {
    for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n)) {
      GRec *r = gb_rec(n);
      if (r->style != &style_lane || r->lane != lane) continue;
      fputs("  section ", out);
      put_gantt_text(out, r->text);
      fputc('\n', out);
    }
    for (Agnode_t *n = agfstnode(g); n; n = agnxtnode(g, n)) {
      GRec *r = gb_rec(n);
      if (r->hidden || !r->sym || r->lane != lane) continue;
      bool point = r->style == &style_milestone || r->style == &style_deadline || r->style == &style_review ||
                   r->style == &style_decision;
      fputs("  ", out);
      put_gantt_text(out, r->style == &style_deadline ? arena_printf(b->a, "Deadline of %s", r->text) : r->text);
      fprintf(out, " :%st%d, %s, ", point ? "milestone, " : "", ++task, fmt_day(b->a, r->start));
      if (point) fputs("0d\n", out);
      else fprintf(out, "%s\n", fmt_day(b->a, r->end));
    }
  }
}
