/* cmd_diff.c - `missionc diff OLD NEW`: what changed in the mission. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "driver.h"
#include "options.h"
#include "util.h"
#include "semdiff.h"

static const char diff_help[] =
    "usage: missionc diff [--format text|markdown|json] [options] OLD NEW\n"
    "       missionc diff --facts FILE\n"
    "\n"
    "Compare two versions of a mission by meaning: declarations are matched by\n"
    "kind and name (a rename is a removal and an addition), and each change of a\n"
    "title, an attribute, a keyed value, a list item or a formula is one line,\n"
    "grouped: targets, deadlines, budgets, conditions and rules, declarations,\n"
    "other changes. Layout and comments never count. Each side is checked with\n"
    "its own imports.\n"
    "\n"
    "OLD and NEW are files, or git:REV:PATH for PATH (relative to the current\n"
    "folder) at revision REV of the git repository here, imports from the same\n"
    "revision: missionc diff git:HEAD~1:m.mission m.mission\n"
    "\n"
    "  --format text|markdown|json   text (default), Markdown for a pull-request\n"
    "                                comment, or JSON\n"
    "  --facts FILE                  print FILE's facts one per line (for git's\n"
    "                                textconv)\n"
    "\n"
    "Called by git as an external diff driver (7 arguments: PATH OLD-FILE OLD-HEX\n"
    "OLD-MODE NEW-FILE NEW-HEX NEW-MODE) it prints the changes under a header line\n"
    "and exits 0. README.md shows the .gitattributes and git config lines.\n"
    "\n"
    "Exit status: 0 the missions are the same, 1 they differ, 2 usage or I/O\n"
    "problems or errors in either version.\n";

/* One side of the comparison. */
typedef struct Side {
  const char *spec;    /* as given */
  const char *path;    /* the file to read */
  char *tmpdir;        /* git:REV:PATH: the revision's files, removed at the end */
  Compiler *c;
  FactSet facts;
} Side;

/* text quoted for the shell (malloc'd). */
static char *shell_quote(const char *s) {
  size_t n = 3;
  for (const char *p = s; *p; p++) n += *p == '\'' ? 4 : 1;
  char *q = malloc(n), *o = q;
  if (!q) return NULL;
  *o++ = '\'';
  for (const char *p = s; *p; p++) {
    if (*p == '\'') {
      memcpy(o, "'\\''", 4);
      o += 4;
    } else {
      *o++ = *p;
    }
  }
  *o++ = '\'';
  *o = '\0';
  return q;
}

/* The first line printed by a shell command (malloc'd), or NULL if it failed. */
static char *command_line(const char *cmd) {
  FILE *p = popen(cmd, "r");
  if (!p) return NULL;
  char buf[4096];
  char *line = fgets(buf, sizeof buf, p) ? strdup(buf) : strdup("");
  int st = pclose(p);
  if (st != 0 || !line) {
    free(line);
    return NULL;
  }
  line[strcspn(line, "\n")] = '\0';
  return line;
}

/* Extract revision rev of the repository here into a temporary folder and point the
 * side at path in it. */
static bool git_side(Side *s, const char *rev, const char *path) {
  char *top = command_line("git rev-parse --show-toplevel 2>/dev/null");
  char *prefix = command_line("git rev-parse --show-prefix 2>/dev/null");
  if (!top || !prefix) {
    fprintf(stderr, "missionc: error: %s: not inside a git repository\n", s->spec);
    free(top), free(prefix);
    return false;
  }
  const char *tmp = getenv("TMPDIR");
  char templ[4096];
  snprintf(templ, sizeof templ, "%s/missionc-diff-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  bool ok = mkdtemp(templ) != NULL;
  if (ok) {
    s->tmpdir = strdup(templ);
    char *qt = shell_quote(top), *qr = shell_quote(rev), *qd = shell_quote(templ);
    size_t n = strlen(qt) + strlen(qr) + strlen(qd) + 128;
    char *cmd = malloc(n);
    snprintf(cmd, n, "git -C %s archive --format=tar %s 2>/dev/null | tar -x -C %s 2>/dev/null", qt, qr, qd);
    ok = system(cmd) == 0;
    free(cmd), free(qt), free(qr), free(qd);
    if (!ok) fprintf(stderr, "missionc: error: %s: cannot read revision '%s' of the git repository\n", s->spec, rev);
  }
  if (ok) {
    const char *p = path;
    while (strncmp(p, "./", 2) == 0) p += 2;
    char *full = arena_printf(s->c->arena, "%s/%s%s", templ, p[0] == '/' ? "" : prefix, p);
    if (access(full, R_OK) != 0) {
      fprintf(stderr, "missionc: error: %s: no file '%s%s' at revision '%s'\n", s->spec, prefix, p, rev);
      ok = false;
    }
    s->path = full;
  }
  free(top), free(prefix);
  return ok;
}

/* Remove a side's temporary folder. */
static void side_cleanup(Side *s) {
  if (s->tmpdir) {
    char *q = shell_quote(s->tmpdir);
    size_t n = strlen(q) + 16;
    char *cmd = malloc(n);
    snprintf(cmd, n, "rm -rf %s", q);
    if (system(cmd) != 0) fprintf(stderr, "missionc: warning: cannot remove '%s'\n", s->tmpdir);
    free(cmd), free(q), free(s->tmpdir);
  }
  compiler_free(s->c);
}

/* Load, check and read the facts of one side. Returns 0, or EXIT_USAGE. */
static int load_side(Side *s, const PtrVec *incs, const char *extra_inc, const CommonOptions *o) {
  s->c = compiler_new();
  for (int i = 0; i < incs->len; i++) vec_push(s->c->arena, &s->c->include_dirs, incs->items[i]);
  if (extra_inc) vec_push(s->c->arena, &s->c->include_dirs, arena_strdup(s->c->arena, extra_inc));
  s->path = s->spec;
  if (strcmp(s->spec, "/dev/null") == 0) return EXIT_OK;   /* git: an added or deleted file */
  if (strncmp(s->spec, "git:", 4) == 0) {
    const char *rest = s->spec + 4, *colon = strchr(rest, ':');
    if (!colon || colon == rest || !colon[1]) {
      fprintf(stderr, "missionc: error: '%s': write git:REV:PATH\n", s->spec);
      return EXIT_USAGE;
    }
    char *rev = arena_strndup(s->c->arena, rest, (size_t)(colon - rest));
    if (!git_side(s, rev, colon + 1)) return EXIT_USAGE;
  }
  Node *root = compiler_parse_path(s->c, s->path);
  if (!root) return EXIT_USAGE;
  Model *m = check_program(s->c, root);
  s->c->diag->max_errors = o->max_errors;
  if (diag_error_count(s->c->diag) > 0) {
    DiagRenderOptions r = o->render;
    diag_render(s->c->diag, stderr, &r);
    fprintf(stderr, "missionc: error: %s has errors: no comparison\n", s->spec);
    return EXIT_USAGE;
  }
  s->facts = semdiff_facts(m);
  return EXIT_OK;
}

/* Whether argv holds git's seven external-diff arguments. */
static bool git_driver_args(int n, char **pos) {
  if (n != 7) return false;
  for (int k = 3; k <= 6; k += 3)
    if (strspn(pos[k], "01234567") != strlen(pos[k]) || !*pos[k]) return false;
  return true;
}

/* What the command line asks of diff. */
typedef struct DiffArgs {
  const char *facts;   /* --facts FILE: textconv */
  SemDiffFormat format;
  char **pos;          /* the files (or git's seven driver arguments) */
  int npos;
} DiffArgs;

static int take_file(void *args, const char *arg) {
  DiffArgs *a = args;
  a->pos[a->npos++] = (char *)arg;
  return EXIT_OK;
}

/* --format text|markdown|json */
static int take_format(void *args, const char *v) {
  DiffArgs *a = args;
  if (strcmp(v, "text") == 0) a->format = SD_TEXT;
  else if (strcmp(v, "markdown") == 0 || strcmp(v, "md") == 0) a->format = SD_MARKDOWN;
  else if (strcmp(v, "json") == 0) a->format = SD_JSON;
  else return driver_usage_error("--format takes text, markdown or json, not '%s'", v);
  return EXIT_OK;
}

static const CliOption diff_options[] = {
    {"--format", NULL, "a value", CLI_CALL, 0, take_format},
    {"--facts", NULL, "a file", CLI_STRING, offsetof(DiffArgs, facts), NULL},
};
static const CliCommand diff_command = {"diff", diff_help, NULL, diff_options, COUNT_OF(diff_options),
                                        take_file};

int cmd_diff(Compiler *c, int argc, char **argv) {
  CommonOptions o;
  driver_options_init(&o);
  DiffArgs args = {.format = SD_TEXT, .pos = calloc((size_t)argc + 1, sizeof(char *))};
  int st = cli_parse(c, &o, &diff_command, &args, argc, argv);
  if (st >= 0) {
    free(args.pos);
    return st;
  }
  SemDiffFormat format = args.format;
  const char *facts_file = args.facts;
  char **pos = args.pos;
  int npos = args.npos;
  driver_options_apply(c, &o);
  int status;
  if (facts_file) {   /* textconv: one side, its facts */
    Side s = {.spec = facts_file};
    status = load_side(&s, &c->include_dirs, NULL, &o);
    if (status == EXIT_OK) semdiff_print_facts(stdout, &s.facts);
    side_cleanup(&s);
    free(pos);
    return status;
  }
  bool git = git_driver_args(npos, pos);
  if (!git && npos != 2) {
    free(pos);
    return driver_usage_error("diff: give two versions, OLD and NEW (files or git:REV:PATH)");
  }
  Side a = {.spec = git ? pos[1] : pos[0]}, b = {.spec = git ? pos[4] : pos[1]};
  char *dir = NULL;
  if (git) {   /* git hands over temporary copies: imports come from the file's folder */
    dir = strdup(pos[0]);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    else strcpy(dir, ".");
  }
  status = load_side(&a, &c->include_dirs, dir, &o);
  if (status == EXIT_OK) status = load_side(&b, &c->include_dirs, dir, &o);
  if (status == EXIT_OK) {
    if (git) {
      printf("missionc diff %s\n", pos[0]);
      if (semdiff_print(stdout, SD_TEXT, pos[0], &a.facts, pos[0], &b.facts) == 0)
        printf("(no change in the mission)\n");
    } else {
      status = semdiff_print(stdout, format, a.spec, &a.facts, b.spec, &b.facts) ? EXIT_INPUT : EXIT_OK;
    }
  }
  if (fflush(stdout) != 0) status = EXIT_USAGE;
  side_cleanup(&a);
  side_cleanup(&b);
  free(dir);
  free(pos);
  return git && status == EXIT_INPUT ? EXIT_OK : status;
}
