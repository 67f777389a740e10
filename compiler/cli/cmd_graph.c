/* cmd_graph.c - `missionc graph FILE --view VIEW [-T FORMAT] [-o OUT] [--focus NAME [--depth N]]` */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "driver.h"
#include "options.h"
#include "graph.h"
#include "outfile.h"
#include "util.h"

static void graph_help(void) {
  printf("usage: missionc graph [options] FILE\n\n"
         "Draw a diagram of a mission through Graphviz.\n\n"
         "  --view VIEW                   what to draw (default: map):\n");
#define X(id, name, what) printf("      %-10s                %s\n", name, what);
  GRAPH_VIEW_LIST(X)
#undef X
  printf("  -T FORMAT                     dot (default), svg, png, pdf, or mermaid (Markdown:\n"
         "                                the timeline as a gantt chart, the others as flowcharts)\n"
         "  -o FILE                       write to FILE (default and '-': standard output; png and pdf\n"
         "                                go to standard output only when it is not a terminal)\n"
         "  --focus NAME                  draw only the neighbourhood of declaration NAME\n"
         "  --depth N                     with --focus: how many edges away from NAME (default 1)\n\n%s",
         driver_common_help);
}

/* The index of name in names[0..n), or -1. */
static int lookup(const char *const *names, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (strcmp(names[i], name) == 0) return i;
  return -1;
}

static const char *list(const char *const *names, int n) {
  static char buf[256];
  buf[0] = '\0';
  for (int i = 0; i < n; i++) {
    strncat(buf, names[i], sizeof buf - strlen(buf) - 1);
    strncat(buf, i + 2 < n ? ", " : i + 1 < n ? " or " : "", sizeof buf - strlen(buf) - 1);
  }
  return buf;
}

/* Write the graph to a memory buffer first: nothing reaches OUT unless it all worked. */
static int emit(const Model *m, const GraphRequest *r, const char *path) {
  char *data = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&data, &len);
  if (!mem) {
    perror("missionc: error");
    return EXIT_USAGE;
  }
  int status = graph_emit(m, r, mem);
  if (fclose(mem) != 0 && status == EXIT_OK) status = EXIT_USAGE;
  if (status == EXIT_OK && !driver_write_file(path, data, len)) status = EXIT_USAGE;
  free(data);
  return status;
}

/* What the command line asks of graph. */
typedef struct GraphArgs {
  const char *file, *out;
  GraphRequest r;
  bool depth_set;
} GraphArgs;

static int take_file(void *args, const char *arg) {
  return cli_one_file("graph", &((GraphArgs *)args)->file, arg);
}

/* --view map|timeline|... */
static int take_view(void *args, const char *v) {
  int k = lookup(graph_view_names, GV_COUNT, v);
  if (k < 0) return driver_usage_error("--view takes %s, not '%s'", list(graph_view_names, GV_COUNT), v);
  ((GraphArgs *)args)->r.view = (GraphView)k;
  return EXIT_OK;
}

/* -T dot|svg|... */
static int take_format(void *args, const char *v) {
  int k = lookup(graph_format_names, GF_COUNT, v);
  if (k < 0) return driver_usage_error("-T takes %s, not '%s'", list(graph_format_names, GF_COUNT), v);
  ((GraphArgs *)args)->r.format = (GraphFormat)k;
  return EXIT_OK;
}

/* --focus NAME */
static int take_focus(void *args, const char *v) {
  ((GraphArgs *)args)->r.focus = v;
  return EXIT_OK;
}

/* --depth N */
static int take_depth(void *args, const char *v) {
  char *end;
  long n = strtol(v, &end, 10);
  if (!*v || *end || n < 0 || n > 1000)
    return driver_usage_error("--depth takes a whole number from 0 to 1000, not '%s'", v);
  ((GraphArgs *)args)->r.depth = (int)n;
  ((GraphArgs *)args)->depth_set = true;
  return EXIT_OK;
}

static const CliOption graph_options[] = {
    {"--view", NULL, "a value", CLI_CALL, 0, take_view},
    {"-T", NULL, "a value", CLI_CALL, 0, take_format},
    {"-o", NULL, "a value", CLI_STRING, offsetof(GraphArgs, out), NULL},
    {"--focus", NULL, "a value", CLI_CALL, 0, take_focus},
    {"--depth", NULL, "a value", CLI_CALL, 0, take_depth},
};
static const CliCommand graph_command = {"graph", NULL, graph_help, graph_options, COUNT_OF(graph_options),
                                         take_file};

int cmd_graph(Compiler *c, int argc, char **argv) {
  CommonOptions o;
  driver_options_init(&o);
  o.brief_warnings = true;
  GraphArgs a = {.r = {.view = GV_MAP, .format = GF_DOT, .depth = 1}};
  int st = cli_parse(c, &o, &graph_command, &a, argc, argv);
  if (st >= 0) return st;
  const char *file = a.file, *out = a.out;
  GraphRequest r = a.r;
  bool depth_set = a.depth_set;
  if (!file) return driver_usage_error("graph: no input file");
  if (out && strcmp(out, "-") == 0) out = NULL;
  if (depth_set && !r.focus) return driver_usage_error("--depth needs --focus NAME");
  if (graph_format_binary[r.format] && !out && isatty(STDOUT_FILENO))
    return driver_usage_error("-T %s writes binary data: give -o FILE or redirect standard output",
                              graph_format_names[r.format]);
  driver_options_apply(c, &o);
  Model *m = driver_front_end(c, file, &o);
  if (!m) return driver_finish(c, &o, EXIT_USAGE);
  if (diag_error_count(c->diag) > 0) return driver_finish(c, &o, EXIT_INPUT);
  int status = driver_check_output(c, out, NULL, 0);
  if (status == EXIT_OK) status = emit(m, &r, out);
  return driver_finish(c, &o, status);
}
