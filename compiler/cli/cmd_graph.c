/* cmd_graph.c - `missionc graph FILE --view VIEW [-T FORMAT] [-o OUT] [--focus NAME [--depth N]]` */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "driver.h"
#include "graph.h"

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

/* -T svg, -Tsvg; -o OUT, -oOUT */
static const char *short_option(int argc, char **argv, int *i, char letter, bool *missing) {
  const char *arg = argv[*i];
  *missing = false;
  if (arg[0] != '-' || arg[1] != letter) return NULL;
  if (arg[2]) return arg + 2;
  if (*i + 1 < argc) return argv[++*i];
  *missing = true;
  return NULL;
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
  if (status == EXIT_OK) {
    FILE *out = path ? fopen(path, "wb") : stdout;
    if (!out) {
      fprintf(stderr, "missionc: error: cannot write '%s': %s\n", path, strerror(errno));
      status = EXIT_USAGE;
    } else {
      bool ok = fwrite(data, 1, len, out) == len;
      ok = (path ? fclose(out) : fflush(out)) == 0 && ok;
      if (!ok) {
        fprintf(stderr, "missionc: error: cannot write '%s'\n", path ? path : "standard output");
        status = EXIT_USAGE;
      }
    }
  }
  free(data);
  return status;
}

int cmd_graph(Compiler *c, int argc, char **argv) {
  CommonOptions o;
  driver_options_init(&o);
  GraphRequest r = {.view = GV_MAP, .format = GF_DOT, .depth = 1};
  const char *file = NULL, *out = NULL;
  bool depth_set = false, only_files = false;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i], *v;
    bool missing = false;
    int k;
    if (only_files || arg[0] != '-' || strcmp(arg, "-") == 0) {
      if (file) return driver_usage_error("graph: one input file only ('%s' and '%s')", file, arg);
      file = arg;
    } else if (strcmp(arg, "--") == 0) {
      only_files = true;
    } else if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      graph_help();
      return EXIT_OK;
    } else if ((v = driver_option_value(argc, argv, &i, "--view", &missing)) || missing) {
      if (!v) return driver_usage_error("option '%s' needs a value", arg);
      if ((k = lookup(graph_view_names, GV_COUNT, v)) < 0)
        return driver_usage_error("--view takes %s, not '%s'", list(graph_view_names, GV_COUNT), v);
      r.view = (GraphView)k;
    } else if ((v = short_option(argc, argv, &i, 'T', &missing)) || missing) {
      if (!v) return driver_usage_error("option '%s' needs a value", arg);
      if ((k = lookup(graph_format_names, GF_COUNT, v)) < 0)
        return driver_usage_error("-T takes %s, not '%s'", list(graph_format_names, GF_COUNT), v);
      r.format = (GraphFormat)k;
    } else if ((v = short_option(argc, argv, &i, 'o', &missing)) || missing) {
      if (!v) return driver_usage_error("option '%s' needs a value", arg);
      out = v;
    } else if ((v = driver_option_value(argc, argv, &i, "--focus", &missing)) || missing) {
      if (!v) return driver_usage_error("option '%s' needs a value", arg);
      r.focus = v;
    } else if ((v = driver_option_value(argc, argv, &i, "--depth", &missing)) || missing) {
      if (!v) return driver_usage_error("option '%s' needs a value", arg);
      char *end;
      long n = strtol(v, &end, 10);
      if (!*v || *end || n < 0 || n > 1000)
        return driver_usage_error("--depth takes a whole number from 0 to 1000, not '%s'", v);
      r.depth = (int)n;
      depth_set = true;
    } else if ((k = driver_common_option(c, &o, argc, argv, &i)) != 0) {
      if (k > 1) return EXIT_USAGE;
    } else {
      return driver_usage_error("graph: unknown option '%s'", arg);
    }
  }
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
  return driver_finish(c, &o, emit(m, &r, out));
}
