/* status.c - the status report: actuals in, verdicts out.
 *
 *   status_read_actuals   ACTUALS.csv -> one sorted series of observations per indicator
 *   status_compute        goals against their trajectories, milestone `expects`, scores
 *   status_write          an aligned text table, Markdown, or one self-contained HTML page
 *
 * The CSV is loaded as a source file so that its problems are ordinary diagnostics
 * with the offending cell underlined. Every definition used here (which observation
 * counts, the verdict thresholds) is written down in LANGUAGE.md section 10.4.
 */
#include "status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "csv.h"
#include "graph.h"
#include "schema.h"
#include "util.h"

#ifndef MISSIONC_VERSION
#define MISSIONC_VERSION "0.0.0"
#endif

const char *const verdict_names[VERDICT_COUNT] = {
#define X(id, name) name,
    VERDICT_LIST(X)
#undef X
};

const char *const expect_result_names[EXPECT_COUNT] = {
#define X(id, name) name,
    EXPECT_RESULT_LIST(X)
#undef X
};

const char *const status_format_names[SF_COUNT] = {
#define X(id, name) name,
    STATUS_FORMAT_LIST(X)
#undef X
};

/* ------------------------------------------------------------------------ */
/* Reading the actuals                                                      */
/* ------------------------------------------------------------------------ */

typedef struct Reader {
  const Model *m;
  Diag *d;
  Arena *arena;
  Actuals *a;
  const SourceFile *f;
  uint32_t *lines;       /* byte offset of each line start */
  size_t nlines;
  const char **columns;  /* header names, trimmed, by column (0 is date) */
  size_t source_col;     /* the `source` column, or 0 when there is none */
  Span *spans;           /* the cells of the current record (every record has the header's count) */
} Reader;

static void index_lines(Reader *r) {
  size_t n = 1;
  for (size_t i = 0; i < r->f->len; i++) n += r->f->text[i] == '\n';
  r->lines = arena_alloc(r->arena, n * sizeof *r->lines);
  r->nlines = 0;
  r->lines[r->nlines++] = 0;
  for (size_t i = 0; i < r->f->len; i++)
    if (r->f->text[i] == '\n') r->lines[r->nlines++] = (uint32_t)(i + 1);
}

/* The spans of the first n fields of the record that starts on `line` (1-based),
 * found by scanning the text the way the CSV reader does. */
static void record_spans(const Reader *r, long line, size_t n, Span *out) {
  size_t p = line >= 1 && (size_t)line <= r->nlines ? r->lines[line - 1] : r->f->len;
  size_t (*ranges)[2] = xmalloc((n + 1) * sizeof *ranges);
  csv_field_ranges(r->f->text, r->f->len, p, n, ranges);
  for (size_t i = 0; i < n; i++) out[i] = (Span){r->a->file, (uint32_t)ranges[i][0], (uint32_t)ranges[i][1]};
  free(ranges);
}

/* The span of field `column` (1-based) of the record on `line`; column 0: the line. */
static Span cell_span(const Reader *r, long line, long column) {
  if (column <= 0) {
    Span s;
    record_spans(r, line, 1, &s);
    while (s.end < r->f->len && r->f->text[s.end] != '\n' && r->f->text[s.end] != '\r') s.end++;
    return s;
  }
  Span *spans = xmalloc((size_t)column * sizeof *spans);
  record_spans(r, line, (size_t)column, spans);
  Span s = spans[column - 1];
  free(spans);
  return s;
}

/* A field without the spaces and tabs around it. */
static const char *trimmed(const CsvField *f, size_t *n) {
  const char *s = f->data;
  size_t len = f->len;
  while (len && (*s == ' ' || *s == '\t')) s++, len--;
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
  *n = len;
  return s;
}

/* The closest indicator name, for "did you mean". */
static const Sym *suggest_indicator(const Model *m, const char *name) {
  int limit = (int)strlen(name) / 3;
  if (limit < 1) limit = 1;
  if (limit > 3) limit = 3;
  const Sym *best = NULL;
  int best_d = limit + 1;
  for (int i = 0; i < m->by_kind[DK_INDICATOR].len; i++) {
    const Sym *s = m->by_kind[DK_INDICATOR].items[i];
    int d = edit_distance(name, s->name, limit);
    if (d < best_d) best = s, best_d = d;
  }
  return best;
}

/* Header: `date`, then one indicator per column. */
static bool read_header(Reader *r, const CsvRecord *rec) {
  Span *spans = r->spans = arena_alloc(r->arena, rec->nfields * sizeof *spans);
  record_spans(r, rec->line, rec->nfields, spans);
  size_t n;
  const char *s = trimmed(&rec->fields[0], &n);
  if (n != 4 || memcmp(s, "date", 4) != 0) {
    Diagnostic *g = diag_error(r->d, spans[0], E0801, "the first column of the actuals must be 'date', not '%.*s'",
                               (int)n, s);
    diag_note(r->d, g, NO_SPAN, "the header is `date,<indicator>,<indicator>...`");
    return false;
  }
  r->columns = arena_alloc(r->arena, rec->nfields * sizeof *r->columns);
  for (size_t i = 0; i < rec->nfields; i++) {
    const char *c = trimmed(&rec->fields[i], &n);
    r->columns[i] = arena_strndup(r->arena, c, n);
  }
  r->a->nseries = (int)rec->nfields - 1;
  r->a->series = arena_alloc(r->arena, (size_t)(r->a->nseries + 1) * sizeof *r->a->series);
  for (size_t i = 1; i < rec->nfields; i++) {
    s = trimmed(&rec->fields[i], &n);
    if (n == 0) {
      diag_error(r->d, spans[i], E0802, "column %zu of the actuals has no name", i + 1);
      continue;
    }
    const char *name = intern(r->m->c->names, s, n);
    if (strcmp(name, "source") == 0) {   /* a keyword: no indicator has that name */
      if (r->source_col) {
        Diagnostic *g = diag_error(r->d, spans[i], E0803, "the actuals have two 'source' columns");
        diag_note(r->d, g, spans[r->source_col], "the first one");
      } else {
        r->source_col = i;
      }
      continue;
    }
    const Sym *sym = model_lookup(r->m, name);
    if (!sym) {
      Diagnostic *g = diag_error(r->d, spans[i], E0802, "unknown indicator '%s' in the actuals", name);
      const Sym *near = suggest_indicator(r->m, name);
      if (near) diag_note(r->d, g, near->decl->decl.name.span, "did you mean '%s'?", near->name);
      continue;
    }
    if (sym->kind != DK_INDICATOR) {
      Diagnostic *g = diag_error(r->d, spans[i], E0802, "'%s' is a %s, not an indicator", name,
                                 decl_kind_names[sym->kind]);
      if (sym->kind == DK_GOAL && sym->goal.indicator)
        diag_note(r->d, g, sym->decl->decl.name.span, "goal '%s' is measured by indicator '%s': name that column '%s'",
                  name, sym->goal.indicator->name, sym->goal.indicator->name);
      else
        diag_note(r->d, g, sym->decl->decl.name.span, "'%s' declared here", name);
      continue;
    }
    for (size_t j = 1; j < i; j++) {
      if (r->a->series[j - 1].indicator == sym) {
        Diagnostic *g = diag_error(r->d, spans[i], E0803, "indicator '%s' has two columns in the actuals", name);
        diag_note(r->d, g, spans[j], "its first column");
        sym = NULL;
        break;
      }
    }
    r->a->series[i - 1].indicator = sym;
  }
  return true;
}

static void series_push(Arena *a, Series *s, Observation o) {
  if (s->len == s->cap) {
    int cap = s->cap ? 2 * s->cap : 16;
    Observation *obs = arena_alloc(a, (size_t)cap * sizeof *obs);
    if (s->len) memcpy(obs, s->obs, (size_t)s->len * sizeof *obs);
    s->obs = obs;
    s->cap = cap;
  }
  s->obs[s->len++] = o;
}

/* The row's `source` cell: a source declaration's name or a URL (any text with "://"). */
static bool row_source(Reader *r, const CsvRecord *rec, const Sym **sym, const char **url) {
  *sym = NULL;
  *url = NULL;
  if (!r->source_col) return true;
  size_t n;
  const char *s = trimmed(&rec->fields[r->source_col], &n);
  if (n == 0) return true;
  const char *text = arena_strndup(r->arena, s, n);
  if (strstr(text, "://")) {
    *url = text;
    return true;
  }
  const Sym *y = model_lookup(r->m, intern(r->m->c->names, s, n));
  if (y && y->kind == DK_SOURCE) {
    *sym = y;
    return true;
  }
  Span at = r->spans[r->source_col];
  Diagnostic *g = y ? diag_error(r->d, at, E0808, "'%s' is %s, but the 'source' column names a source",
                                 text, schema_kind_text(y->kind))
                    : diag_error(r->d, at, E0808, "unknown source '%s' in the actuals", text);
  const char *best = NULL;
  int best_d = 3;
  for (int i = 0; i < r->m->by_kind[DK_SOURCE].len; i++) {
    const Sym *c = r->m->by_kind[DK_SOURCE].items[i];
    int d = edit_distance(text, c->name, 2);
    if (d < best_d) best_d = d, best = c->name;
  }
  if (best) diag_note(r->d, g, NO_SPAN, "did you mean '%s'?", best);
  diag_note(r->d, g, NO_SPAN, "the 'source' column holds the name of a source declaration or a URL");
  return false;
}

/* One data row: a date, then a value or nothing per indicator. */
static void read_row(Reader *r, const CsvRecord *rec) {
  Span *spans = r->spans;
  record_spans(r, rec->line, rec->nfields, spans);
  size_t n;
  const char *s = trimmed(&rec->fields[0], &n);
  int32_t day;
  if (n == 0) {
    diag_error(r->d, spans[0], E0804, "row without a date");
    return;
  }
  if (csv_parse_date(s, n, &day) != 0) {
    diag_error(r->d, spans[0], E0804, "invalid date '%.*s' (expected a date YYYY-MM-DD)", (int)n, s);
    return;
  }
  const Sym *src;
  const char *url;
  if (!row_source(r, rec, &src, &url)) return;
  Actuals *a = r->a;
  if (a->nrows == 0 || day < a->first) a->first = day;
  if (a->nrows == 0 || day > a->last) a->last = day;
  a->nrows++;
  for (size_t i = 1; i < rec->nfields; i++) {
    if (i == r->source_col) continue;
    s = trimmed(&rec->fields[i], &n);
    if (n == 0) continue;
    Series *ser = &a->series[i - 1];
    double v;
    if (csv_parse_double(s, n, &v) != 0) {
      diag_error(r->d, spans[i], E0805, "invalid number '%.*s' in column '%s'", (int)n, s, r->columns[i]);
      continue;
    }
    if (!isfinite(v)) {
      diag_error(r->d, spans[i], E0805, "'%.*s' in column '%s' is not a finite number", (int)n, s, r->columns[i]);
      continue;
    }
    if (ser->indicator) series_push(r->arena, ser, (Observation){day, v, spans[i], src, url});
  }
}

static int obs_cmp(const void *pa, const void *pb) {
  const Observation *a = pa, *b = pb;
  if (a->date != b->date) return a->date < b->date ? -1 : 1;
  return a->span.start < b->span.start ? -1 : a->span.start > b->span.start;
}

/* Sort each series by date; two observations of one indicator on one day are an error. */
static void sort_series(Reader *r) {
  for (int k = 0; k < r->a->nseries; k++) {
    Series *s = &r->a->series[k];
    if (s->len > 1) qsort(s->obs, (size_t)s->len, sizeof *s->obs, obs_cmp);
    int out = 0;
    for (int i = 0; i < s->len; i++) {
      if (out > 0 && s->obs[out - 1].date == s->obs[i].date) {
        char day[16];
        csv_format_date((int32_t)s->obs[i].date, day);
        Diagnostic *g = diag_error(r->d, s->obs[i].span, E0806, "second observation of '%s' on %s",
                                   s->indicator->name, day);
        diag_note(r->d, g, s->obs[out - 1].span, "the first one");
        continue;
      }
      s->obs[out++] = s->obs[i];
    }
    s->len = out;
  }
}

/* Report a problem of the CSV reader; false when the reader cannot go on. */
static bool reader_failure(Reader *r, CsvReader *cr, CsvError *last) {
  const CsvError *e = csv_error(cr);
  if (last->message[0] && last->line == e->line && last->column == e->column &&
      strcmp(last->message, e->message) == 0)
    return false;   /* the same error again: the reader has stopped */
  *last = *e;
  Span at = e->line > 0 ? cell_span(r, e->line, e->column) : (Span){r->a->file, 0, 0};
  diag_error(r->d, at, E0801, "%s", e->message);
  return true;
}

Actuals *status_read_actuals(const Model *m, const char *path) {
  char err[512];
  int64_t id = csv_load_source(m->c->src, path, err, sizeof err);
  if (id < 0) {
    util_error("--input: %s", err);
    return NULL;
  }
  Arena *arena = m->c->arena;
  Actuals *a = arena_alloc(arena, sizeof *a);
  a->path = arena_strdup(arena, path);
  a->file = (uint32_t)id;
  Reader r = {m, m->c->diag, arena, a, src_file(m->c->src, a->file), NULL, 0, NULL, 0, NULL};
  index_lines(&r);
  if (r.f->len == 0) {
    diag_error(r.d, (Span){a->file, 0, 0}, E0801, "the actuals file is empty: it needs the header `date,<indicator>...`");
    return a;
  }
  FILE *in = fmemopen(r.f->text, r.f->len, "r");
  CsvReader *cr = in ? csv_open_file(in, NULL) : NULL;
  if (!cr) {
    if (in) fclose(in);
    util_error("--input: out of memory reading '%s'", path);
    return NULL;
  }
  CsvRecord rec;
  CsvError last = {0};
  if (csv_read_header(cr, &rec) != CSV_OK) reader_failure(&r, cr, &last);
  else if (read_header(&r, &rec)) {
    for (;;) {
      int rc = csv_read_record(cr, &rec);
      if (rc == CSV_EOF) break;
      if (rc == CSV_ERROR) {
        if (!reader_failure(&r, cr, &last) || diag_capped(r.d)) break;
        continue;
      }
      read_row(&r, &rec);
    }
    sort_series(&r);
  }
  csv_close(cr);
  fclose(in);
  return a;
}

const Series *actuals_series(const Actuals *a, const Sym *indicator) {
  for (int i = 0; i < a->nseries; i++)
    if (a->series[i].indicator == indicator) return &a->series[i];
  return NULL;
}

const Observation *series_at(const Series *s, int64_t day) {
  if (!s) return NULL;
  int lo = 0, hi = s->len;   /* the first observation after day is at lo */
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (s->obs[mid].date <= day) lo = mid + 1; else hi = mid;
  }
  return lo > 0 ? &s->obs[lo - 1] : NULL;
}

/* ------------------------------------------------------------------------ */
/* Computing the report                                                     */
/* ------------------------------------------------------------------------ */

static double unit_scale(const Unit *u) { return u && u->scale > 0 ? u->scale : 1.0; }

/* Decimals that show v exactly to 10 significant digits, at most 4. */
static int decimals_of(double v) {
  for (int k = 0; k < 4; k++) {
    double x = v * pow(10, k);
    if (fabs(x - round(x)) <= 1e-9 * fmax(1.0, fabs(x))) return k;
  }
  return 4;
}

/* Where goal g stands on day as_of (the brief's progress and planned, in base units). */
static void goal_status(const StatusReport *r, const Sym *g, GoalStatus *gs) {
  const Sym *ind = g->goal.indicator;
  double scale = unit_scale(ind->indicator.unit);
  double b = g->goal.baseline.value, t = g->goal.target.value;
  gs->goal = g;
  gs->indicator = ind;
  gs->unit = ind->indicator.unit;
  gs->baseline = b / scale;
  gs->target = t / scale;
  gs->start = g->goal.start;
  gs->deadline = g->goal.deadline;
  gs->days_left = g->goal.deadline - r->as_of;
  gs->trajectory_day = r->as_of < g->goal.start ? g->goal.start
                       : r->as_of > g->goal.deadline ? g->goal.deadline : r->as_of;
  double expected = model_planned(g, (double)gs->trajectory_day);
  gs->planned = g->goal.nplan > 2;
  gs->expected = expected / scale;
  gs->obs = series_at(actuals_series(r->actuals, ind), r->as_of);
  gs->decimals = decimals_of(gs->baseline);
  int d = decimals_of(gs->target);
  if (d > gs->decimals) gs->decimals = d;
  gs->verdict = VERDICT_NO_DATA;
  if (!gs->obs) return;
  d = decimals_of(gs->obs->value);
  if (d > gs->decimals) gs->decimals = d;
  double x = gs->obs->value * scale;
  gs->progress = sem_clamp((x - b) / (t - b), 0.0, 1.0);
  double ahead = t > b ? x - expected : expected - x;
  gs->gap = ahead / scale;
  if (ahead >= 0) gs->verdict = VERDICT_ON_TRACK;
  else if (-ahead < STATUS_AT_RISK_SHARE * fabs(t - b)) gs->verdict = VERDICT_AT_RISK;
  else gs->verdict = VERDICT_OFF_TRACK;
}

static bool in_report(const Sym *s) { return !s->imported; }

/* The goals of the checked file, then imported goals that a milestone expects. */
static void compute_goals(StatusReport *r) {
  const Model *m = r->m;
  PtrVec goals = {0};
  for (int i = 0; i < m->by_kind[DK_GOAL].len; i++) {
    Sym *g = m->by_kind[DK_GOAL].items[i];
    if (in_report(g) && g->goal.indicator) vec_push(m->c->arena, &goals, g);
  }
  for (int i = 0; i < m->by_kind[DK_MILESTONE].len; i++) {
    const Sym *ms = m->by_kind[DK_MILESTONE].items[i];
    if (!in_report(ms)) continue;
    for (int k = 0; k < ms->milestone.expects.len; k++) {
      Sym *g = ms->milestone.expects.items[k].target;
      bool have = !g || g->kind != DK_GOAL || !g->goal.indicator;
      for (int j = 0; j < goals.len && !have; j++) have = goals.items[j] == g;
      if (!have) vec_push(m->c->arena, &goals, g);
    }
  }
  r->ngoals = goals.len;
  r->goals = arena_alloc(m->c->arena, (size_t)(goals.len + 1) * sizeof *r->goals);
  for (int i = 0; i < goals.len; i++) {
    goal_status(r, goals.items[i], &r->goals[i]);
    r->verdicts[r->goals[i].verdict]++;
  }
}

static const GoalStatus *find_goal(const StatusReport *r, const Sym *g) {
  for (int i = 0; i < r->ngoals; i++)
    if (r->goals[i].goal == g) return &r->goals[i];
  return NULL;
}

static int milestone_cmp(const void *pa, const void *pb) {
  const MilestoneStatus *a = pa, *b = pb;
  int64_t da = a->milestone->milestone.date, db = b->milestone->milestone.date;
  if (da != db) return da < db ? -1 : 1;
  return a->milestone->index - b->milestone->index;
}

/* Each `expects g: q` of a due milestone: met when the latest observation at or
 * before the milestone's date has reached q in the direction of g's target. */
static void compute_milestones(StatusReport *r) {
  const Model *m = r->m;
  const PtrVec *all = &m->by_kind[DK_MILESTONE];
  r->milestones = arena_alloc(m->c->arena, (size_t)(all->len + 1) * sizeof *r->milestones);
  for (int i = 0; i < all->len; i++) {
    const Sym *ms = all->items[i];
    if (!in_report(ms)) continue;
    MilestoneStatus *st = &r->milestones[r->nmilestones++];
    st->milestone = ms;
    st->due = ms->milestone.date <= r->as_of;
    st->expects = arena_alloc(m->c->arena, (size_t)(ms->milestone.expects.len + 1) * sizeof *st->expects);
    for (int k = 0; k < ms->milestone.expects.len; k++) {
      const Link *l = &ms->milestone.expects.items[k];
      const GoalStatus *gs = find_goal(r, l->target);
      if (!gs) continue;
      ExpectStatus *e = &st->expects[st->nexpects++];
      e->link = l;
      e->goal = gs;
      e->value = l->value / unit_scale(gs->unit);
      int64_t when = st->due ? ms->milestone.date : r->as_of;
      e->obs = series_at(actuals_series(r->actuals, gs->indicator), when);
      if (!st->due) e->result = EXPECT_PENDING;
      else if (!e->obs) e->result = EXPECT_NO_DATA;
      else {
        double x = e->obs->value * unit_scale(gs->unit);
        bool up = l->target->goal.target.value > l->target->goal.baseline.value;
        bool met = up ? x >= l->value : x <= l->value;
        if (l->q && l->q->bound != QB_EXACT) met = x >= quantity_lo(l->q) && x <= quantity_hi(l->q);   /* as written */
        e->result = met ? EXPECT_MET : EXPECT_MISSED;
      }
    }
  }
  if (r->nmilestones > 1) qsort(r->milestones, (size_t)r->nmilestones, sizeof *r->milestones, milestone_cmp);
}

/* Scores without `on`: the reference interpreter on one row made of the latest
 * observation of each indicator they read and `date` = the as-of date. */
static void compute_scores(StatusReport *r) {
  const Model *m = r->m;
  Arena *a = m->c->arena;
  const PtrVec *all = &m->by_kind[DK_SCORE];
  r->scores = arena_alloc(a, (size_t)(all->len + 1) * sizeof *r->scores);
  for (int i = 0; i < all->len; i++) {
    const Sym *s = all->items[i];
    if (!in_report(s) || s->rule.on) continue;
    ScoreStatus *st = &r->scores[r->nscores++];
    st->score = s;
    const char *why = NULL;
    if (!rule_sig(a, s, &st->sig, &why)) {
      st->why_not = arena_printf(a, "cannot be evaluated: it %s", why);
      continue;
    }
    int n = st->sig.ninputs;
    st->inputs = arena_alloc(a, (size_t)(n + 1) * sizeof *st->inputs);
    double *row = arena_alloc(a, (size_t)(n + 1) * sizeof *row);
    const char *missing = NULL;
    for (int k = 0; k < n; k++) {
      const RuleInput *in = &st->sig.inputs[k];
      st->inputs[k].input = in;
      if (!in->indicator) {
        row[k] = (double)r->as_of;
        continue;
      }
      st->inputs[k].obs = series_at(actuals_series(r->actuals, in->indicator), r->as_of);
      if (st->inputs[k].obs) {
        row[k] = st->inputs[k].obs->value;
      } else {   /* a missing value (LANGUAGE.md 7.5): coalesce and is_missing may handle it */
        row[k] = NAN;
        missing = missing ? arena_printf(a, "%s, %s", missing, in->name) : in->name;
      }
    }
    st->terms = explain_row_terms(a, m, &st->sig, row, &st->value);   /* the interpreter, traced */
    if (missing && isnan(st->value)) st->why_not = arena_printf(a, "no observation of %s", missing);
  }
}

/* ---- reviews, risks and sources (R5) ------------------------------------- */

static int gate_cmp(const void *pa, const void *pb) {
  const Sym *a = *(const Sym *const *)pa, *b = *(const Sym *const *)pb;
  if (a->milestone.date != b->milestone.date) return a->milestone.date < b->milestone.date ? -1 : 1;
  return a->index - b->index;
}

static int risk_cmp(const void *pa, const void *pb) {
  const Sym *a = *(const Sym *const *)pa, *b = *(const Sym *const *)pb;
  if (a->risk.likelihood != b->risk.likelihood) return a->risk.likelihood > b->risk.likelihood ? -1 : 1;
  return a->index - b->index;
}

/* The review and decision milestones by date, and the risk register. */
static void compute_gates_and_risks(StatusReport *r) {
  const Model *m = r->m;
  Arena *a = m->c->arena;
  const PtrVec *ms = &m->by_kind[DK_MILESTONE], *rs = &m->by_kind[DK_RISK];
  r->gates = arena_alloc(a, (size_t)(ms->len + 1) * sizeof *r->gates);
  for (int i = 0; i < ms->len; i++) {
    const Sym *x = ms->items[i];
    if (in_report(x) && (x->milestone.kind == MK_REVIEW || x->milestone.kind == MK_DECISION))
      r->gates[r->ngates++] = x;
  }
  if (r->ngates > 1) qsort(r->gates, (size_t)r->ngates, sizeof *r->gates, gate_cmp);
  r->risks = arena_alloc(a, (size_t)(rs->len + 1) * sizeof *r->risks);
  for (int i = 0; i < rs->len; i++)
    if (in_report(rs->items[i])) r->risks[r->nrisks++] = rs->items[i];
  if (r->nrisks > 1) qsort(r->risks, (size_t)r->nrisks, sizeof *r->risks, risk_cmp);
}

/* The footnote number of a source (a declaration or a URL), citing it on first use. */
static int cite(StatusReport *r, const Sym *src, const char *url) {
  for (int i = 0; i < r->ncites; i++)
    if (src ? r->cites[i].source == src : (!r->cites[i].source && url && strcmp(r->cites[i].url, url) == 0))
      return i + 1;
  if (r->ncites == r->capcites) {
    int cap = r->capcites ? 2 * r->capcites : 8;
    Citation *c = arena_alloc(r->m->c->arena, (size_t)cap * sizeof *c);
    if (r->ncites) memcpy(c, r->cites, (size_t)r->ncites * sizeof *c);
    r->cites = c;
    r->capcites = cap;
  }
  r->cites[r->ncites++] = (Citation){src, url};
  return r->ncites;
}

/* The number of an already cited source, or 0. */
static int cite_number(const StatusReport *r, const Sym *src, const char *url) {
  for (int i = 0; i < r->ncites; i++)
    if (src ? r->cites[i].source == src : (url && !r->cites[i].source && strcmp(r->cites[i].url, url) == 0))
      return i + 1;
  return 0;
}

/* The sources of a figure of declaration d: its `per`, else d's `sources`, else the mission's. */
static SymList figure_sources(const StatusReport *r, const Sym *d, Sym *const *per) {
  if (*per) return (SymList){(Sym **)per, 1};
  if (d->more->sources.len) return d->more->sources;
  if (r->m->mission) return r->m->mission->more->sources;
  return (SymList){0};
}

static void cite_all(StatusReport *r, SymList l) {
  for (int i = 0; i < l.len; i++) cite(r, l.items[i], NULL);
}

/* Number the sources of every figure the report shows, in the order it shows them. */
static void compute_citations(StatusReport *r) {
  for (int i = 0; i < r->ngoals; i++) {
    const GoalStatus *g = &r->goals[i];
    cite_all(r, figure_sources(r, g->goal, &g->goal->goal.baseline.source));
    cite_all(r, figure_sources(r, g->goal, &g->goal->goal.target.source));
    if (g->obs && (g->obs->source || g->obs->source_url)) cite(r, g->obs->source, g->obs->source_url);
  }
  for (int i = 0; i < r->nmilestones; i++) {
    const MilestoneStatus *ms = &r->milestones[i];
    for (int k = 0; k < ms->nexpects; k++) {
      const ExpectStatus *e = &ms->expects[k];
      cite_all(r, figure_sources(r, ms->milestone, link_source_at(e->link)));
      if (e->obs && (e->obs->source || e->obs->source_url)) cite(r, e->obs->source, e->obs->source_url);
    }
  }
  for (int i = 0; i < r->nrisks; i++) {
    const Sym *k = r->risks[i];
    for (int j = 0; j < k->risk.affects.len; j++)
      cite_all(r, figure_sources(r, k, link_source_at(&k->risk.affects.items[j])));
  }
}

StatusReport *status_compute(const Model *m, const Actuals *a, int64_t as_of, bool as_of_given) {
  StatusReport *r = arena_alloc(m->c->arena, sizeof *r);
  r->m = m;
  r->actuals = a;
  r->as_of = as_of;
  r->as_of_given = as_of_given;
  compute_goals(r);
  compute_milestones(r);
  compute_scores(r);
  compute_gates_and_risks(r);
  compute_citations(r);
  return r;
}

/* ------------------------------------------------------------------------ */
/* Formatting values                                                        */
/* ------------------------------------------------------------------------ */

/* The unit as written after a number ("" for the dimensionless 1). */
static const char *unit_name(const Unit *u) { return fmt_unit_name(u ? u->name : NULL); }

static const char *with_unit(Arena *a, const char *num, const Unit *u) {
  return fmt_with_unit(a, num, u ? u->name : NULL);
}

/* Decimals of computed values (expected, gap): one more than the data's when the
 * whole way from baseline to target is under 1000 units, so that a tenth shows. */
static int expected_decimals(const GoalStatus *g) {
  int d = g->decimals + (fabs(g->target - g->baseline) < 1000 ? 1 : 0);
  return d < 4 ? d : 4;
}

/* The cells of a goal's row, shared by the three formats. */
typedef struct GoalCells {
  const char *unit, *baseline, *target, *deadline, *observed, *observed_on, *progress, *expected,
      *gap, *days_left, *verdict;
} GoalCells;

/* A bound or range as written, in the unit's numbers: "≥ 95", "≤ 50", "43–50"; a
 * plain value as is. The effective target follows a range in parentheses. */
static const char *bound_text(Arena *a, const Quantity *q, const Unit *u, double value, int d) {
  double sc = unit_scale(u);
  switch (q->bound) {
  case QB_MIN: return arena_printf(a, "≥ %s", fmt_fixed(a, q->lo / sc, d));
  case QB_MAX: return arena_printf(a, "≤ %s", fmt_fixed(a, q->hi / sc, d));
  case QB_RANGE:
    return arena_printf(a, "%s–%s", fmt_fixed(a, q->lo / sc, decimals_of(q->lo / sc) > d ? decimals_of(q->lo / sc) : d),
                        fmt_fixed(a, q->hi / sc, decimals_of(q->hi / sc) > d ? decimals_of(q->hi / sc) : d));
  default: return fmt_fixed(a, value, d);
  }
}

static GoalCells goal_cells(Arena *a, const GoalStatus *g) {
  GoalCells c;
  int d = g->decimals, de = expected_decimals(g);
  c.unit = *unit_name(g->unit) ? unit_name(g->unit) : "1";
  c.baseline = fmt_fixed(a, g->baseline, d);
  c.target = bound_text(a, &g->goal->goal.target, g->unit, g->target, d);
  if (g->goal->goal.target.bound == QB_RANGE)
    c.target = arena_printf(a, "%s (%s)", c.target, fmt_fixed(a, g->target, d));
  c.deadline = fmt_day(a, g->deadline);
  c.expected = fmt_fixed(a, g->expected, de);
  c.days_left = arena_printf(a, "%lld", (long long)g->days_left);
  c.verdict = verdict_names[g->verdict];
  if (g->obs) {
    c.observed = fmt_fixed(a, g->obs->value, d);
    c.observed_on = fmt_day(a, g->obs->date);
    c.progress = arena_printf(a, "%s %%", fmt_fixed(a, g->progress * 100, 1));
    c.gap = fmt_signed(a, g->gap, de);
  } else {
    c.observed = c.observed_on = c.progress = c.gap = "-";
  }
  return c;
}

/* "hundred: 10 city", "cap: ≥ 35 GW" */
static const char *expect_value(Arena *a, const ExpectStatus *e) {
  Quantity tmp;
  return with_unit(a, bound_text(a, link_quantity(e->link, &tmp), e->goal->unit, e->value, e->goal->decimals),
                   e->goal->unit);
}

static const char *expect_text(Arena *a, const ExpectStatus *e) {
  return arena_printf(a, "%s: %s", e->link->target->name, expect_value(a, e));
}

/* "12 city on 2024-05-31", or "" */
static const char *obs_text(Arena *a, const Observation *o, const GoalStatus *g) {
  if (!o) return "";
  return arena_printf(a, "%s on %s", with_unit(a, fmt_fixed(a, o->value, g->decimals), g->unit),
                      fmt_day(a, o->date));
}

/* A date-valued result: YYYY-MM-DD within the years 0000-9999, else the number of
 * days (as eval prints it), never a wrapped-around date. */
static const char *fmt_date_value(Arena *a, double v) {
  double d = floor(v);
  char buf[32];
  if (isfinite(v) && d >= CSV_DAY_MIN && d <= CSV_DAY_MAX) return fmt_day(a, (int64_t)d);
  csv_format_double(v, buf);
  return arena_strdup(a, buf);
}

/* A score's value in its unit: true/false, a date, or a number. */
static const char *score_value(Arena *a, const Model *m, const ScoreStatus *s) {
  if (s->why_not) return "-";
  switch (s->sig.result) {
  case VAL_BOOL: return isnan(s->value) ? "unknown" : s->value != 0 ? "true" : "false";
  case VAL_DATE: return fmt_date_value(a, s->value);
  case VAL_NUM: break;
  }
  const char *num = fmt_plain(a, s->value);
  if (s->sig.result_unit) return with_unit(a, num, s->sig.result_unit);
  const Dim *dim = &s->score->rule.type.dim;
  if (dim_is_none(dim)) return num;
  return arena_printf(a, "%s %s", num, dim_format(m->units, a, dim));
}

static const char *md_cell(Arena *a, const char *s, bool code);

/* "neutral = 12 city (2025-03-31), date = 2025-06-30"; in Markdown the names are code spans. */
static const char *score_inputs(Arena *a, const StatusReport *r, const ScoreStatus *s, bool markdown) {
  if (s->why_not) return markdown ? md_cell(a, s->why_not, false) : s->why_not;
  const char *out = "";
  for (int k = 0; k < s->sig.ninputs; k++) {
    const ScoreInput *in = &s->inputs[k];
    const char *v = in->obs ? arena_printf(a, "%s (%s)", with_unit(a, fmt_plain(a, in->obs->value), in->input->unit),
                                           fmt_day(a, in->obs->date))
                    : in->input->indicator ? "missing"
                                           : fmt_day(a, r->as_of);
    const char *name = markdown ? arena_printf(a, "`%s`", in->input->name) : in->input->name;
    out = arena_printf(a, "%s%s%s = %s", out, k ? ", " : "", name, v);
  }
  return out;
}

static const char *file_name(const StatusReport *r, uint32_t file) {
  const SourceFile *f = src_file(r->m->c->src, file);
  return f ? f->path : "";
}

static const char *as_of_text(Arena *a, const StatusReport *r) {
  return r->as_of_given ? fmt_day(a, r->as_of)
                        : arena_printf(a, "%s (the latest date in the actuals)", fmt_day(a, r->as_of));
}

static const char *rows_text(Arena *a, const StatusReport *r) {
  const Actuals *ac = r->actuals;
  if (ac->nrows == 0) return "no rows";
  return arena_printf(a, "%d row%s from %s to %s", ac->nrows, ac->nrows == 1 ? "" : "s", fmt_day(a, ac->first),
                      fmt_day(a, ac->last));
}

static const char *verdict_summary(Arena *a, const StatusReport *r) {
  return arena_printf(a, "%d goal%s: %d on-track, %d at-risk, %d off-track, %d no data", r->ngoals,
                      r->ngoals == 1 ? "" : "s", r->verdicts[VERDICT_ON_TRACK], r->verdicts[VERDICT_AT_RISK],
                      r->verdicts[VERDICT_OFF_TRACK], r->verdicts[VERDICT_NO_DATA]);
}

static const char *const verdict_rule =
    "on-track: at or beyond the planned path on the as-of date (path 'planned': from the baseline "
    "through the milestones' expects to the target; 'line': the straight line from baseline to target); "
    "at-risk: behind it by less than 10% of |target - baseline|; off-track: behind by more; "
    "no data: no observation at or before the as-of date.";

/* ---- footnotes: the sources of figures ------------------------------------ */

typedef enum { MARK_TEXT, MARK_MD, MARK_HTML } MarkStyle;

/* One footnote mark: "[1]" (text), "[^1]" (Markdown), a linked <sup> (HTML). */
static const char *mark(Arena *a, int n, MarkStyle style) {
  switch (style) {
  case MARK_TEXT: return arena_printf(a, "[%d]", n);
  case MARK_MD: return arena_printf(a, "[^%d]", n);
  case MARK_HTML: return arena_printf(a, "<sup class=\"cite\"><a href=\"#source-%d\">[%d]</a></sup>", n, n);
  }
  return "";
}

/* The marks of a list of sources and of an observation's source, or "". */
static const char *marks(Arena *a, const StatusReport *r, SymList l, const Observation *o, MarkStyle style) {
  const char *out = "";
  for (int i = 0; i < l.len; i++) {
    int n = cite_number(r, l.items[i], NULL);
    if (n) out = arena_printf(a, "%s%s", out, mark(a, n, style));
  }
  if (o && (o->source || o->source_url)) {
    int n = cite_number(r, o->source, o->source_url);
    if (n) out = arena_printf(a, "%s%s", out, mark(a, n, style));
  }
  return out;
}

/* A cell's text with the marks of its sources: "0 [1]" in text, escaped plus "[^1]" in Markdown. */
static const char *cited(Arena *a, const StatusReport *r, const char *text, SymList l, const Observation *o,
                         bool markdown) {
  const char *m = marks(a, r, l, o, markdown ? MARK_MD : MARK_TEXT);
  const char *t = markdown ? md_cell(a, text, false) : text;
  return *m ? arena_printf(a, "%s %s", t, m) : t;
}

/* A source's date as precise as it was written: 2021, 2021-03 or 2021-03-24. */
static const char *source_date(Arena *a, int64_t days, DatePrec prec) {
  const char *d = fmt_day(a, days);
  return prec == DATE_DAY ? d : arena_printf(a, "%.*s", prec == DATE_YEAR ? 4 : 7, d);
}

/* What a source is, for the list of sources: "Title. Publisher, published D, retrieved D." */
static const char *source_text(Arena *a, const Citation *c) {
  if (!c->source) return c->url;
  const Sym *s = c->source;
  const char *out = sym_title_text(s) ? arena_printf(a, "%s.", sym_title_text(s)) : arena_printf(a, "%s.", s->name);
  if (s->source.publisher) out = arena_printf(a, "%s %s", out, s->source.publisher);
  if (s->source.has_published)
    out = arena_printf(a, "%s%s published %s", out, s->source.publisher ? "," : "", source_date(a, s->source.published, s->source.published_prec));
  if (s->source.has_retrieved)
    out = arena_printf(a, "%s%s retrieved %s", out, s->source.publisher || s->source.has_published ? "," : "",
                       source_date(a, s->source.retrieved, s->source.retrieved_prec));
  if (s->source.publisher || s->source.has_published || s->source.has_retrieved) out = arena_printf(a, "%s.", out);
  return out;
}

/* ---- reviews and decisions, risks ----------------------------------------- */

/* Where a review or decision stands on the as-of date. */
static const char *gate_state(Arena *a, const StatusReport *r, const Sym *m) {
  const StrList *o = &m->milestone.options;
  const char *opts = "";
  for (int i = 0; i < o->len; i++) opts = arena_printf(a, "%s%s%s", opts, i ? ", " : "", o->items[i]);
  if (m->milestone.decided) return arena_printf(a, "decided: %s", m->milestone.decided);
  if (m->milestone.date > r->as_of)
    return o->len ? arena_printf(a, "ahead, in %lld days (options: %s)", (long long)(m->milestone.date - r->as_of), opts)
                  : arena_printf(a, "ahead, in %lld days", (long long)(m->milestone.date - r->as_of));
  if (m->milestone.kind == MK_DECISION)
    return o->len ? arena_printf(a, "due: no decision recorded (options: %s)", opts) : "due: no decision recorded";
  return "held";
}

static const char *sym_names(Arena *a, SymList l) {
  const char *out = "";
  for (int i = 0; i < l.len; i++) out = arena_printf(a, "%s%s%s", out, i ? ", " : "", l.items[i]->name);
  return *out ? out : "-";
}

/* "hundred: -20 city" for each goal a risk affects, with the marks of their sources. */
static const char *risk_affects(Arena *a, const StatusReport *r, const Sym *k, MarkStyle style) {
  const char *out = "";
  for (int i = 0; i < k->risk.affects.len; i++) {
    const Link *l = &k->risk.affects.items[i];
    const Unit *u = l->unit;
    double v = u && u->scale > 0 ? l->value / u->scale : l->value;
    const char *text = arena_printf(a, "%s: %s", l->target->name, with_unit(a, fmt_plain(a, v), u));
    if (style == MARK_MD) text = md_cell(a, text, false);
    const char *m = marks(a, r, figure_sources(r, k, link_source_at(l)), NULL, style);
    out = arena_printf(a, "%s%s%s%s%s", out, i ? ", " : "", text, *m ? " " : "", m);
  }
  return *out ? out : "-";
}

/* ------------------------------------------------------------------------ */
/* Tables for text and Markdown                                             */
/* ------------------------------------------------------------------------ */

typedef struct Table {
  Arena *a;
  int ncols;
  const char *const *head;
  const char *align;      /* per column: 'l' left, 'r' right, 'c' left in a Markdown code span,
                             'm' left and already Markdown, 'R' right and already Markdown */
  PtrVec cells;           /* const char*, row by row */
} Table;

static const char *one_line(Arena *a, const char *s);

/* Add a row (each cell on one line). */
static void table_row(Table *t, const char *const *cells) {
  for (int i = 0; i < t->ncols; i++) vec_push(t->a, &t->cells, (void *)one_line(t->a, cells[i] ? cells[i] : ""));
}

static int text_width(const char *s) {
  int n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

static void pad(FILE *out, int n) {
  for (; n > 0; n--) fputc(' ', out);
}

/* s on one line: line ends and tabs (a title may hold "\n") become spaces. */
static const char *one_line(Arena *a, const char *s) {
  if (!strpbrk(s, "\n\r\t")) return s;
  char *copy = arena_strdup(a, s);
  for (char *p = copy; (p = strpbrk(p, "\n\r\t")); p++) *p = ' ';
  return copy;
}

/* A CommonMark code span holding s literally, whatever backticks it holds: fenced by
 * one backtick more than its longest run, padded by a space when s starts or ends
 * with one (a file name with a backtick cannot close the span early). */
static const char *md_code(Arena *a, const char *s) {
  s = one_line(a, s);
  if (!*s) return "";
  int longest = 0, run = 0;
  for (const char *p = s; *p; p++) {
    run = *p == '`' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  char *fence = arena_alloc(a, (size_t)longest + 2);
  memset(fence, '`', (size_t)longest + 1);
  fence[longest + 1] = '\0';
  size_t n = strlen(s);
  const char *pad = s[0] == '`' || s[n - 1] == '`' ? " " : "";
  return arena_printf(a, "%s%s%s%s%s", fence, pad, s, pad, fence);
}

/* Markdown for a cell: a code span, or text with the punctuation escaped. */
static const char *md_cell(Arena *a, const char *s, bool code) {
  s = one_line(a, s);
  if (code) return md_code(a, s);
  size_t n = 0;
  for (const char *p = s; *p; p++) n += strchr("\\`*_[]<>|#~&", *p) && *p ? 2 : 1;
  char *out = arena_alloc(a, n + 1), *q = out;
  for (const char *p = s; *p; p++) {
    if (strchr("\\`*_[]<>|#~&", *p)) *q++ = '\\';
    *q++ = *p;
  }
  return out;
}

/* Columns separated by two spaces (text) or Markdown pipes, padded to the widest cell. */
static void table_write(const Table *t, FILE *out, bool markdown) {
  int rows = t->cells.len / t->ncols;
  const char **cell = arena_alloc(t->a, (size_t)(t->cells.len + 1) * sizeof *cell);
  int *w = arena_alloc(t->a, (size_t)t->ncols * sizeof *w);
  for (int i = 0; i < t->cells.len; i++) {
    const char *s = t->cells.items[i];
    char kind = t->align[i % t->ncols];
    cell[i] = markdown && kind != 'm' && kind != 'R' ? md_cell(t->a, s, kind == 'c') : s;
  }
  for (int c = 0; c < t->ncols; c++) {
    w[c] = markdown && text_width(t->head[c]) < 3 ? 3 : text_width(t->head[c]);
    for (int r = 0; r < rows; r++)
      if (text_width(cell[r * t->ncols + c]) > w[c]) w[c] = text_width(cell[r * t->ncols + c]);
  }
  for (int r = -1; r < rows; r++) {
    char *line = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&line, &len);
    if (!o) unreachable_bug("out of memory");
    if (markdown) fputs("|", o);
    for (int c = 0; c < t->ncols; c++) {
      const char *s = r < 0 ? t->head[c] : cell[r * t->ncols + c];
      int gap = w[c] - text_width(s);
      bool right = (t->align[c] == 'r' || t->align[c] == 'R') && r >= 0;
      if (markdown) fputc(' ', o);
      else if (c) fputs("  ", o);
      if (right) pad(o, gap);
      fputs(s, o);
      if (!right) pad(o, gap);
      if (markdown) fputs(" |", o);
    }
    fclose(o);
    while (len && line[len - 1] == ' ') len--;   /* text: no trailing spaces */
    fwrite(line, 1, len, out);
    fputc('\n', out);
    free(line);
    if (r < 0 && markdown) {
      fputs("|", out);
      for (int c = 0; c < t->ncols; c++) {
        fputc(' ', out);
        for (int k = 0; k < w[c] - 1; k++) fputc('-', out);
        fputc(t->align[c] == 'r' || t->align[c] == 'R' ? ':' : '-', out);
        fputs(" |", out);
      }
      fputc('\n', out);
    }
  }
}

/* ------------------------------------------------------------------------ */
/* The three sections, as tables                                            */
/* ------------------------------------------------------------------------ */

static const char *const goal_head[] = {"goal", "unit", "baseline", "target", "deadline", "observed", "on",
                                        "progress", "expected", "path", "gap", "days left", "verdict", "title"};
static const char *const goal_head_md[] = {"Goal", "Unit", "Baseline", "Target", "Deadline", "Observed", "On",
                                           "Progress", "Expected", "Path", "Gap", "Days left", "Verdict", "Title"};

/* "planned" when the expected value follows milestone points, else "line" (the straight line). */
static const char *path_name(const GoalStatus *g) { return g->planned ? "planned" : "line"; }

static Table goal_table(Arena *a, const StatusReport *r, bool markdown) {
  Table t = {a, 14, markdown ? goal_head_md : goal_head, "clRRlRlrrlrrll", {0}};
  for (int i = 0; i < r->ngoals; i++) {
    const GoalStatus *g = &r->goals[i];
    const Sym *y = g->goal;
    GoalCells c = goal_cells(a, g);
    const char *base = cited(a, r, c.baseline, figure_sources(r, y, &y->goal.baseline.source), NULL, markdown);
    const char *target = cited(a, r, c.target, figure_sources(r, y, &y->goal.target.source), NULL, markdown);
    const char *observed = cited(a, r, c.observed, (SymList){0}, g->obs, markdown);
    const char *row[] = {y->name, c.unit, base, target, c.deadline, observed, c.observed_on,
                         c.progress, c.expected, path_name(g), c.gap, c.days_left, c.verdict, sym_title_text(y)};
    table_row(&t, row);
  }
  return t;
}

static const char *const ms_head[] = {"date", "milestone", "expects", "result", "observed", "title"};
static const char *const ms_head_md[] = {"Date", "Milestone", "Expects", "Result", "Observed", "Title"};

static Table milestone_table(Arena *a, const StatusReport *r, bool markdown) {
  Table t = {a, 6, markdown ? ms_head_md : ms_head, "lcmlml", {0}};
  for (int i = 0; i < r->nmilestones; i++) {
    const MilestoneStatus *ms = &r->milestones[i];
    const char *day = fmt_day(a, ms->milestone->milestone.date);
    if (ms->nexpects == 0) {
      const char *row[] = {day, ms->milestone->name, "-", ms->due ? "-" : "pending", "",
                           sym_title_text(ms->milestone)};
      table_row(&t, row);
    }
    for (int k = 0; k < ms->nexpects; k++) {
      const ExpectStatus *e = &ms->expects[k];
      const char *row[] = {k ? "" : day, k ? "" : ms->milestone->name,
                           cited(a, r, expect_text(a, e), figure_sources(r, ms->milestone, link_source_at(e->link)), NULL,
                                 markdown),
                           expect_result_names[e->result], cited(a, r, obs_text(a, e->obs, e->goal), (SymList){0},
                                                                 e->obs, markdown),
                           k ? "" : sym_title_text(ms->milestone)};
      table_row(&t, row);
    }
  }
  return t;
}

static const char *const gate_head[] = {"date", "milestone", "kind", "by", "reviews", "state", "title"};
static const char *const gate_head_md[] = {"Date", "Milestone", "Kind", "By", "Reviews", "State", "Title"};

/* Reviews and decision gates: ahead, held, decided or due. */
static Table gate_table(Arena *a, const StatusReport *r, bool markdown) {
  Table t = {a, 7, markdown ? gate_head_md : gate_head, "lclllll", {0}};
  for (int i = 0; i < r->ngates; i++) {
    const Sym *m = r->gates[i];
    const char *row[] = {fmt_day(a, m->milestone.date), m->name, milestone_kind_names[m->milestone.kind],
                         m->milestone.by ? m->milestone.by->name : "-", sym_names(a, m->milestone.reviews),
                         gate_state(a, r, m), sym_title_text(m)};
    table_row(&t, row);
  }
  return t;
}

static const char *const risk_head[] = {"risk", "likelihood", "affects", "owner", "mitigated by", "title"};
static const char *const risk_head_md[] = {"Risk", "Likelihood", "Affects", "Owner", "Mitigated by", "Title"};

/* The risk register, the most likely first. */
static Table risk_table(Arena *a, const StatusReport *r, bool markdown) {
  Table t = {a, 6, markdown ? risk_head_md : risk_head, "crmlll", {0}};
  for (int i = 0; i < r->nrisks; i++) {
    const Sym *k = r->risks[i];
    const char *row[] = {k->name, arena_printf(a, "%s %%", fmt_plain(a, k->risk.likelihood * 100)),
                         risk_affects(a, r, k, markdown ? MARK_MD : MARK_TEXT),
                         k->risk.owner ? k->risk.owner->name : "-",
                         k->risk.mitigated_by.len ? sym_names(a, k->risk.mitigated_by) : "nothing", sym_title_text(k)};
    table_row(&t, row);
  }
  return t;
}

static const char *const term_head[] = {"score", "term", "goal", "value", "weight", "contribution", "shortfall", ""};
static const char *const term_head_md[] = {"Score", "Term", "Goal", "Value", "Weight", "Contribution", "Shortfall", ""};

/* What the last column says of a term: the one that pulled the score down most, or
 * (min, max) the one that gives the score its value. */
static const char *term_mark(const ExplainTerms *ts, int k, bool markdown) {
  if (k == ts->worst) return markdown ? "**pulled it down most**" : "<- pulled it down most";
  if (ts->items[k].binding) return ts->kind == TERMS_MAX ? "sets the score (highest)" : "sets the score (lowest)";
  return "";
}

/* Each score's terms (explain.h): a sum's terms with their weights, contributions and
 * shortfalls (weight x (best - value)); a min's or max's arguments. */
static Table term_table(Arena *a, const StatusReport *r, bool markdown) {
  Table t = {a, 8, markdown ? term_head_md : term_head, "cccrrrrm", {0}};
  for (int i = 0; i < r->nscores; i++) {
    const ScoreStatus *s = &r->scores[i];
    if (s->why_not || s->terms.kind == TERMS_NONE) continue;
    Type result = {TY_NUM, s->score->rule.type.dim, s->sig.result_unit};   /* as the score is shown */
    const Type *score_type = &result;
    for (int k = 0; k < s->terms.n; k++) {
      const ExplainTerm *x = &s->terms.items[k];
      bool sum = s->terms.kind == TERMS_SUM;
      const char *row[] = {
          k ? "" : s->score->name,
          explain_node_text(a, r->m, x->node->node),
          x->goal ? x->goal->name : "",
          explain_value_text(a, r->m, &x->node->type, x->node->value),
          sum ? fmt_num(a, x->weight) : "-",
          sum ? explain_value_text(a, r->m, score_type, x->contribution) : "-",
          x->has_shortfall ? explain_value_text(a, r->m, score_type, x->shortfall) : "-",
          term_mark(&s->terms, k, markdown),
      };
      table_row(&t, row);
    }
  }
  return t;
}

static const char *const score_head[] = {"score", "value", "title", "inputs"};
static const char *const score_head_md[] = {"Score", "Value", "Title", "Inputs"};

static Table score_table(Arena *a, const StatusReport *r, bool markdown) {
  Table t = {a, 4, markdown ? score_head_md : score_head, "crlm", {0}};
  for (int i = 0; i < r->nscores; i++) {
    const ScoreStatus *s = &r->scores[i];
    const char *row[] = {s->score->name, score_value(a, r->m, s), sym_title_text(s->score), score_inputs(a, r, s, markdown)};
    table_row(&t, row);
  }
  return t;
}

/* A money amount in base units, in unit u: "2 BGBP". */
static const char *money_text(Arena *a, double base, const Unit *u) {
  return with_unit(a, fmt_plain(a, base / unit_scale(u)), u);
}

/* Whether a declaration of the report has co-funding. */
static bool has_cofunding(const Sym *s) {
  return (s->kind == DK_INSTRUMENT && s->instrument.cofunded_by.len) ||
         (s->kind == DK_PROJECT && s->project.cofunded_by.len);
}

static const char *const cof_head[] = {"declaration", "co-funded by", "co-funding", "public", "leverage"};
static const char *const cof_head_md[] = {"Declaration", "Co-funded by", "Co-funding", "Public", "Leverage"};

/* Instruments and projects with `cofunded_by`: the co-funding, the public money and
 * the leverage (co-funding / public funding). */
static Table cofunding_table(Arena *a, const StatusReport *r, bool markdown) {
  Table t = {a, 5, markdown ? cof_head_md : cof_head, "clrrr", {0}};
  for (int i = 0; i < r->m->syms.len; i++) {
    const Sym *s = r->m->syms.items[i];
    if (!in_report(s) || !has_cofunding(s)) continue;
    const LinkList *l = s->kind == DK_INSTRUMENT ? &s->instrument.cofunded_by : &s->project.cofunded_by;
    const char *who = "";
    for (int k = 0; k < l->len; k++)
      who = arena_printf(a, "%s%s%s", who, k ? ", " : "", l->items[k].target ? l->items[k].target->name : "?");
    double co, pub, ratio;
    bool lev = model_leverage(s, &co, &pub, &ratio);
    const Unit *u = l->items[0].unit;
    const char *row[] = {s->name, who, lev ? money_text(a, co, u) : "-", lev ? money_text(a, pub, u) : "-",
                         lev ? arena_printf(a, "%s", fmt_fixed(a, ratio, 2)) : "-"};
    table_row(&t, row);
  }
  return t;
}

static const char *const allow_head[] = {"code", "declaration", "silenced", "reason"};
static const char *const allow_head_md[] = {"Code", "Declaration", "Silenced", "Reason"};

/* The acknowledged warnings: each `allow` of the checked file with its reason. */
static Table allow_table(Arena *a, const StatusReport *r, bool markdown) {
  Table t = {a, 4, markdown ? allow_head_md : allow_head, "ccrl", {0}};
  for (int i = 0; i < r->m->syms.len; i++) {
    const Sym *s = r->m->syms.items[i];
    for (int k = 0; in_report(s) && k < s->more->allows.len; k++) {
      const Allow *al = &s->more->allows.items[k];
      const char *row[] = {al->code, s->name, arena_printf(a, "%d", al->used), al->reason};
      table_row(&t, row);
    }
  }
  return t;
}

/* Upper-case the headings of a text table. */
static const char *const *upper(Arena *a, const char *const *head, int n) {
  const char **out = arena_alloc(a, (size_t)n * sizeof *out);
  for (int i = 0; i < n; i++) {
    char *s = arena_strdup(a, head[i]);
    for (char *p = s; *p; p++)
      if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
    out[i] = s;
  }
  return out;
}

/* ------------------------------------------------------------------------ */
/* Text                                                                     */
/* ------------------------------------------------------------------------ */

static const char *mission_heading(Arena *a, const StatusReport *r) {
  const Sym *ms = r->m->mission;
  if (!ms) return arena_printf(a, "Library %s", file_name(r, r->m->main_file));
  return sym_title_text(ms) ? arena_printf(a, "Mission %s: %s", ms->name, one_line(a, sym_title_text(ms)))
                   : arena_printf(a, "Mission %s", ms->name);
}

/* Where goal g is heading at the current rate: "71 city by 2030-12-31 (target 100
 * city; least squares over the last 3 observations)", or NULL without two
 * observations to fit. */
static const char *projection_text(Arena *a, const StatusReport *r, const GoalStatus *g) {
  ChartProjection p;
  if (!chart_projection(r, g, &p)) return NULL;
  return arena_printf(a, "%s by %s (target %s; least squares over the last %d observations)",
                      with_unit(a, fmt_fixed(a, p.at_deadline, g->decimals), g->unit), fmt_day(a, g->deadline),
                      with_unit(a, fmt_fixed(a, g->target, g->decimals), g->unit), p.points);
}

/* Whether any goal has a projection. */
static bool any_projection(Arena *a, const StatusReport *r) {
  for (int i = 0; i < r->ngoals; i++)
    if (projection_text(a, r, &r->goals[i])) return true;
  return false;
}

static void write_text(const StatusReport *r, FILE *out) {
  Arena *a = r->m->c->arena;
  fprintf(out, "%s\n", mission_heading(a, r));
  fprintf(out, "Status on %s\n", as_of_text(a, r));
  fprintf(out, "Actuals: %s, %s\n", file_name(r, r->actuals->file), rows_text(a, r));
  fprintf(out, "%s\n", verdict_summary(a, r));
  if (r->ngoals) {
    fputs("\nGOALS\n", out);
    Table t = goal_table(a, r, false);
    t.head = upper(a, t.head, t.ncols);
    table_write(&t, out, false);
  }
  if (any_projection(a, r)) {
    fputs("\nAT THE CURRENT RATE\n", out);
    for (int i = 0; i < r->ngoals; i++) {
      const char *p = projection_text(a, r, &r->goals[i]);
      if (p) fprintf(out, "  %s: %s\n", r->goals[i].goal->name, p);
    }
  }
  if (r->nmilestones) {
    fputs("\nMILESTONES\n", out);
    Table t = milestone_table(a, r, false);
    t.head = upper(a, t.head, t.ncols);
    table_write(&t, out, false);
  }
  if (r->ngates) {
    fputs("\nREVIEWS AND DECISIONS\n", out);
    Table t = gate_table(a, r, false);
    t.head = upper(a, t.head, t.ncols);
    table_write(&t, out, false);
  }
  if (r->nrisks) {
    fputs("\nRISKS\n", out);
    Table t = risk_table(a, r, false);
    t.head = upper(a, t.head, t.ncols);
    table_write(&t, out, false);
  }
  if (r->nscores) {
    fprintf(out, "\nSCORES (latest observations, date = %s)\n", fmt_day(a, r->as_of));
    Table t = score_table(a, r, false);
    t.head = upper(a, t.head, t.ncols);
    table_write(&t, out, false);
    Table terms = term_table(a, r, false);
    if (terms.cells.len) {
      fputs("\nSCORE TERMS (shortfall: weight x (best value - value), what the term keeps from the score)\n", out);
      terms.head = upper(a, terms.head, terms.ncols);
      table_write(&terms, out, false);
    }
  }
  Table cof = cofunding_table(a, r, false);
  if (cof.cells.len) {
    fputs("\nCO-FUNDING (leverage = co-funding / public funding)\n", out);
    cof.head = upper(a, cof.head, cof.ncols);
    table_write(&cof, out, false);
  }
  Table al = allow_table(a, r, false);
  if (al.cells.len) {
    fputs("\nACKNOWLEDGED WARNINGS\n", out);
    al.head = upper(a, al.head, al.ncols);
    table_write(&al, out, false);
  }
  if (r->ncites) {
    fputs("\nSOURCES\n", out);
    for (int i = 0; i < r->ncites; i++) {
      const Citation *c = &r->cites[i];
      fprintf(out, "[%d] %s%s%s", i + 1, c->source ? c->source->name : "", c->source ? ": " : "",
              one_line(a, source_text(a, c)));
      if (c->source && c->source->source.url) fprintf(out, " %s", c->source->source.url);
      fputc('\n', out);
    }
  }
  fprintf(out, "\n%s\n", verdict_rule);
}

/* ------------------------------------------------------------------------ */
/* Markdown                                                                 */
/* ------------------------------------------------------------------------ */

/* The last component of a path. */
static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* Each goal's chart (when the caller wrote them next to the report) and where it
 * is heading at the current rate. */
static void markdown_trajectories(const StatusReport *r, FILE *out) {
  Arena *a = r->m->c->arena;
  if (!r->chart_base && !any_projection(a, r)) return;
  fputs("\n## Trajectories\n", out);
  for (int i = 0; i < r->ngoals; i++) {
    const GoalStatus *g = &r->goals[i];
    const char *p = projection_text(a, r, g);
    if (!r->chart_base && !p) continue;
    fprintf(out, "\n### `%s`\n\n", g->goal->name);
    if (r->chart_base)
      fprintf(out, "![%s: observations against the line from baseline to target](%s)\n\n",
              md_cell(a, g->goal->name, false), status_chart_path(a, base_name(r->chart_base), g));
    fprintf(out, "%s\n", p ? md_cell(a, arena_printf(a, "At the current rate: %s.", p), false)
                            : "Fewer than two observations: no rate yet.");
  }
}

const char *status_chart_path(Arena *a, const char *base, const GoalStatus *g) {
  return arena_printf(a, "%s.%s.svg", base, g->goal->name);
}

static void write_markdown(const StatusReport *r, FILE *out) {
  Arena *a = r->m->c->arena;
  const Sym *ms = r->m->mission;
  if (ms)
    fprintf(out, "# Status of mission `%s`%s%s\n\n", ms->name, sym_title_text(ms) ? ": " : "",
            sym_title_text(ms) ? md_cell(a, sym_title_text(ms), false) : "");
  else
    fprintf(out, "# Status of %s\n\n", md_code(a, file_name(r, r->m->main_file)));
  fprintf(out, "As of **%s**%s. Actuals: %s, %s.\n\n", fmt_day(a, r->as_of),
          r->as_of_given ? "" : " (the latest date in the actuals)", md_code(a, file_name(r, r->actuals->file)),
          rows_text(a, r));
  fprintf(out, "%s.\n", verdict_summary(a, r));
  if (r->ngoals) {
    fputs("\n## Goals\n\n", out);
    Table t = goal_table(a, r, true);
    table_write(&t, out, true);
    fprintf(out, "\n%s\n", md_cell(a, verdict_rule, false));
    markdown_trajectories(r, out);
  }
  if (r->nmilestones) {
    fputs("\n## Milestones\n\n", out);
    for (int i = 0; i < r->nmilestones; i++) {
      const MilestoneStatus *m = &r->milestones[i];
      fprintf(out, "- **%s** `%s`", fmt_day(a, m->milestone->milestone.date), m->milestone->name);
      if (sym_title_text(m->milestone)) fprintf(out, " %s", md_cell(a, sym_title_text(m->milestone), false));
      if (m->nexpects == 0 && !m->due) fputs(" (pending)", out);
      fputc('\n', out);
      for (int k = 0; k < m->nexpects; k++) {
        const ExpectStatus *e = &m->expects[k];
        fprintf(out, "  - expects `%s`: %s — **%s**", e->link->target->name,
                cited(a, r, expect_value(a, e), figure_sources(r, m->milestone, link_source_at(e->link)), NULL, true),
                expect_result_names[e->result]);
        if (e->obs)
          fprintf(out, " (%s %s)", e->result == EXPECT_PENDING ? "latest" : "observed",
                  cited(a, r, obs_text(a, e->obs, e->goal), (SymList){0}, e->obs, true));
        fputc('\n', out);
      }
    }
  }
  if (r->nscores) {
    fprintf(out, "\n## Scores\n\nEvaluated on the latest observation of each indicator at or before %s, "
                 "with `date` = %s.\n\n", fmt_day(a, r->as_of), fmt_day(a, r->as_of));
    Table t = score_table(a, r, true);
    table_write(&t, out, true);
    Table terms = term_table(a, r, true);
    if (terms.cells.len) {
      fputs("\n### Score terms\n\nEach score's terms, as the interpreter computed them: weight, contribution to the "
            "score, and shortfall = weight × (best value − value), what the term keeps from the score. "
            "`missionc explain` shows every step.\n\n", out);
      table_write(&terms, out, true);
    }
  }
  Table cof = cofunding_table(a, r, true);
  if (cof.cells.len) {
    fputs("\n## Co-funding\n\nLeverage: co-funding / public funding.\n\n", out);
    table_write(&cof, out, true);
  }
  Table al = allow_table(a, r, true);
  if (al.cells.len) {
    fputs("\n## Acknowledged warnings\n\n", out);
    table_write(&al, out, true);
  }
  if (r->ngates) {
    fputs("\n## Reviews and decisions\n\n", out);
    Table t = gate_table(a, r, true);
    table_write(&t, out, true);
  }
  if (r->nrisks) {
    fputs("\n## Risks\n\n", out);
    Table t = risk_table(a, r, true);
    table_write(&t, out, true);
  }
  if (r->ncites) {
    fputs("\n## Sources\n\n", out);
    for (int i = 0; i < r->ncites; i++) {
      const Citation *c = &r->cites[i];
      const char *url = c->source ? c->source->source.url : c->url;
      fprintf(out, "[^%d]: ", i + 1);
      if (c->source) fprintf(out, "`%s`: %s", c->source->name, md_cell(a, source_text(a, c), false));
      if (url) fprintf(out, "%s<%s>", c->source ? " " : "", url);
      fputc('\n', out);
    }
  }
}

/* ------------------------------------------------------------------------ */
/* HTML                                                                     */
/* ------------------------------------------------------------------------ */

/* Verdict colours: fill and line, shared by the page and the map. */
static const char *const verdict_fill[VERDICT_COUNT] = {"#e0e0e0", "#b9e0a5", "#ffd591", "#f4a7a7"};
static const char *const verdict_line[VERDICT_COUNT] = {"#757575", "#2e7d32", "#b26a00", "#c62828"};
static const char *const verdict_class[VERDICT_COUNT] = {"no-data", "on-track", "at-risk", "off-track"};
static const char *const expect_class[EXPECT_COUNT] = {"pending", "met", "missed", "no-data"};

static const char *const page_css =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2328;"
    "margin:0 auto;max-width:90rem;padding:1.5rem;line-height:1.45;background:#fff}\n"
    "h1{font-size:1.6rem;margin:0 0 .3rem}h2{font-size:1.2rem;margin:2rem 0 .6rem;border-bottom:1px solid #d0d7de;"
    "padding-bottom:.2rem}\n"
    ".sub{color:#57606a;margin:.2rem 0}\n"
    "table{border-collapse:collapse;font-size:.9rem;margin:.4rem 0}\n"
    "th,td{border:1px solid #d0d7de;padding:.3rem .55rem;text-align:left;vertical-align:top}\n"
    "th{background:#f6f8fa;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}\n"
    "code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em}\n"
    "table.terms tr.worst td{background:#ffd591;font-weight:600}\n"
    ".badge{display:inline-block;padding:.05rem .5rem;border-radius:1rem;font-weight:600;white-space:nowrap;"
    "border:1px solid}\n"
    ".on-track .badge,.badge.on-track{background:#b9e0a5;border-color:#2e7d32;color:#1b4d1e}\n"
    ".at-risk .badge,.badge.at-risk{background:#ffd591;border-color:#b26a00;color:#5c3700}\n"
    ".off-track .badge,.badge.off-track{background:#f4a7a7;border-color:#c62828;color:#6b1111}\n"
    ".no-data .badge,.badge.no-data{background:#e0e0e0;border-color:#757575;color:#333}\n"
    ".met .badge{background:#b9e0a5;border-color:#2e7d32;color:#1b4d1e}\n"
    ".missed .badge{background:#f4a7a7;border-color:#c62828;color:#6b1111}\n"
    ".pending .badge{background:#fff;border-color:#8c959f;color:#57606a}\n"
    ".bar{display:inline-block;width:5rem;height:.55rem;background:#eaeef2;border-radius:.3rem;"
    "margin-right:.4rem;vertical-align:middle;overflow:hidden}\n"
    ".bar span{display:block;height:100%;background:#4e79a7}\n"
    ".summary{list-style:none;padding:0;margin:.6rem 0;display:flex;gap:.5rem;flex-wrap:wrap}\n"
    ".note{color:#57606a;font-size:.85rem}\n"
    ".diagram{overflow-x:auto;border:1px solid #d0d7de;border-radius:.4rem;padding:.5rem;background:#fff}\n"
    ".diagram svg{width:100%;max-width:100%;height:auto;display:block}\n"
    "input.zoom{position:absolute;opacity:0}label.zoom{font-size:.8rem;color:#0969da;cursor:pointer;"
    "text-decoration:underline}\n"
    "input.zoom:focus-visible+label{outline:2px solid #0969da}\n"
    "input.zoom:checked+label+.diagram svg{width:auto;max-width:none}\n"
    "@media print{@page{size:A4 landscape;margin:12mm}body{max-width:none;padding:0}label.zoom{display:none}"
    ".diagram{border:0;padding:0;overflow:visible}.diagram svg,input.zoom:checked+label+.diagram svg{width:100%;"
    "max-width:100%}section,figure,tr{break-inside:avoid}h2{break-after:avoid}}\n"
    "td.date{white-space:nowrap}\n"
    ".charts{display:flex;flex-wrap:wrap;gap:1rem}\n"
    "figure.chart{margin:0;flex:1 1 30rem;max-width:40rem}figure.chart:only-child{max-width:56rem}\n"
    "figure.chart svg{width:100%;height:auto;display:block}\n"
    "figcaption{font-size:.85rem;color:#1f2328;margin-top:.3rem}\n"
    "footer{margin-top:2rem;color:#8c959f;font-size:.8rem}\n";

static void html_badge(FILE *out, const char *cls, const char *text) {
  fprintf(out, "<span class=\"badge %s\">", cls);
  fmt_html(out, text);
  fputs("</span>", out);
}

static void html_goal_rows(const StatusReport *r, FILE *out) {
  Arena *a = r->m->c->arena;
  fputs("<table class=\"goals\">\n<thead><tr><th>Goal</th><th>Indicator</th><th>Baseline</th><th>Target</th>"
        "<th>Deadline</th><th>Observed</th><th>Progress</th><th>Expected</th><th>Gap</th><th>Days left</th>"
        "<th>Verdict</th></tr></thead>\n<tbody>\n", out);
  for (int i = 0; i < r->ngoals; i++) {
    const GoalStatus *g = &r->goals[i];
    GoalCells c = goal_cells(a, g);
    const char *u = unit_name(g->unit);
    fprintf(out, "<tr id=\"goal-%s\" class=\"goal %s\"><td><code>", g->goal->name, verdict_class[g->verdict]);
    fmt_html(out, g->goal->name);
    fputs("</code>", out);
    if (sym_title_text(g->goal)) {
      fputs("<br>", out);
      fmt_html(out, sym_title_text(g->goal));
    }
    fputs("</td><td><code>", out);
    fmt_html(out, g->indicator->name);
    fputs("</code>", out);
    if (*u) {
      fputs(" (", out);
      fmt_html(out, u);
      fputs(")", out);
    }
    fputs("</td>", out);
    const char *nums[] = {c.baseline, c.target};
    const Sym *y = g->goal;
    SymList srcs[] = {figure_sources(r, y, &y->goal.baseline.source), figure_sources(r, y, &y->goal.target.source)};
    for (int k = 0; k < 2; k++) {
      fputs("<td class=\"num\">", out);
      fmt_html(out, with_unit(a, nums[k], g->unit));
      fputs(marks(a, r, srcs[k], NULL, MARK_HTML), out);
      fputs("</td>", out);
    }
    fprintf(out, "<td class=\"date\">%s</td><td class=\"num\">", c.deadline);
    if (g->obs) {
      fmt_html(out, with_unit(a, c.observed, g->unit));
      fputs(marks(a, r, (SymList){0}, g->obs, MARK_HTML), out);
      fprintf(out, "<br><small>%s</small></td><td class=\"num\"><span class=\"bar\"><span style=\"width:%s%%\">"
                   "</span></span>%s</td>",
              c.observed_on, fmt_fixed(a, g->progress * 100, 1), c.progress);
    } else {
      fputs("-</td><td class=\"num\">-</td>", out);
    }
    fputs("<td class=\"num\">", out);
    fmt_html(out, with_unit(a, c.expected, g->unit));
    fprintf(out, "<br><small>%s, on %s</small></td><td class=\"num\">", g->planned ? "planned" : "line",
            fmt_day(a, g->trajectory_day));
    fmt_html(out, g->obs ? with_unit(a, c.gap, g->unit) : "-");
    fprintf(out, "</td><td class=\"num\">%s</td><td class=\"verdict\">", c.days_left);
    html_badge(out, verdict_class[g->verdict], c.verdict);
    fputs("</td></tr>\n", out);
  }
  fputs("</tbody>\n</table>\n", out);
}

static void html_milestones(const StatusReport *r, FILE *out) {
  Arena *a = r->m->c->arena;
  fputs("<table class=\"milestones\">\n<thead><tr><th>Date</th><th>Milestone</th><th>Expects</th><th>Result</th>"
        "<th>Observed</th></tr></thead>\n<tbody>\n", out);
  for (int i = 0; i < r->nmilestones; i++) {
    const MilestoneStatus *m = &r->milestones[i];
    int rows = m->nexpects ? m->nexpects : 1;
    for (int k = 0; k < rows; k++) {
      const ExpectStatus *e = m->nexpects ? &m->expects[k] : NULL;
      fprintf(out, "<tr class=\"%s\">", e ? expect_class[e->result] : m->due ? "past" : "pending");
      if (k == 0) {
        fprintf(out, "<td class=\"date\" rowspan=\"%d\">%s</td><td rowspan=\"%d\"><code>", rows,
                fmt_day(a, m->milestone->milestone.date), rows);
        fmt_html(out, m->milestone->name);
        fputs("</code>", out);
        if (sym_title_text(m->milestone)) {
          fputs("<br>", out);
          fmt_html(out, sym_title_text(m->milestone));
        }
        fputs("</td>", out);
      }
      if (!e) {
        fputs("<td>-</td><td>", out);
        if (!m->due) html_badge(out, "pending", "pending");
        else fputs("-", out);
        fputs("</td><td></td></tr>\n", out);
        continue;
      }
      fputs("<td>", out);
      fmt_html(out, expect_text(a, e));
      fputs(marks(a, r, figure_sources(r, m->milestone, link_source_at(e->link)), NULL, MARK_HTML), out);
      fputs("</td><td>", out);
      html_badge(out, expect_class[e->result], expect_result_names[e->result]);
      fputs("</td><td>", out);
      fmt_html(out, obs_text(a, e->obs, e->goal));
      fputs(marks(a, r, (SymList){0}, e->obs, MARK_HTML), out);
      fputs("</td></tr>\n", out);
    }
  }
  fputs("</tbody>\n</table>\n", out);
}

static void html_scores(const StatusReport *r, FILE *out) {
  Arena *a = r->m->c->arena;
  fprintf(out, "<p class=\"note\">Evaluated by the reference interpreter on the latest observation of each "
               "indicator at or before %s, with <code>date</code> = %s.</p>\n",
          fmt_day(a, r->as_of), fmt_day(a, r->as_of));
  fputs("<table class=\"scores\">\n<thead><tr><th>Score</th><th>Value</th><th>Inputs</th></tr></thead>\n<tbody>\n",
        out);
  for (int i = 0; i < r->nscores; i++) {
    const ScoreStatus *s = &r->scores[i];
    fputs("<tr><td><code>", out);
    fmt_html(out, s->score->name);
    fputs("</code>", out);
    if (sym_title_text(s->score)) {
      fputs("<br>", out);
      fmt_html(out, sym_title_text(s->score));
    }
    fputs("</td><td class=\"num\">", out);
    fmt_html(out, score_value(a, r->m, s));
    fputs("</td><td>", out);
    fmt_html(out, score_inputs(a, r, s, false));
    fputs("</td></tr>\n", out);
  }
  fputs("</tbody>\n</table>\n", out);
}

/* Each score's terms; the one that pulled its score down most is marked. */
static void html_terms(const StatusReport *r, FILE *out) {
  Arena *a = r->m->c->arena;
  Table t = term_table(a, r, false);
  if (!t.cells.len) return;
  fputs("<h3>Score terms</h3>\n<p class=\"note\">Each score's terms as the interpreter computed them: weight, "
        "contribution to the score, and shortfall = weight &times; (best value &minus; value), what the term "
        "keeps from the score. <code>missionc explain</code> shows every step.</p>\n"
        "<table class=\"terms\">\n<thead><tr>", out);
  for (int c = 0; c < t.ncols; c++) {
    fputs("<th>", out);
    fmt_html(out, c == t.ncols - 1 ? "" : term_head_md[c]);
    fputs("</th>", out);
  }
  fputs("</tr></thead>\n<tbody>\n", out);
  for (int i = 0; i < t.cells.len; i += t.ncols) {
    const char *mark = t.cells.items[i + t.ncols - 1];
    fputs(strstr(mark, "most") ? "<tr class=\"worst\">" : "<tr>", out);
    for (int c = 0; c < t.ncols; c++) {
      bool code = c <= 1 && *(const char *)t.cells.items[i + c];   /* names and formulas */
      fputs(t.align[c] == 'r' ? "<td class=\"num\">" : "<td>", out);
      if (code) fputs("<code>", out);
      fmt_html(out, c == t.ncols - 1 && strstr(mark, "most") ? "pulled it down most" : t.cells.items[i + c]);
      fputs(code ? "</code></td>" : "</td>", out);
    }
    fputs("</tr>\n", out);
  }
  fputs("</tbody>\n</table>\n", out);
}

/* Reviews and decision gates, the risk register and the list of sources. */
static void html_gates(const StatusReport *r, FILE *out) {
  Arena *a = r->m->c->arena;
  fputs("<table class=\"gates\">\n<thead><tr><th>Date</th><th>Milestone</th><th>Kind</th><th>By</th>"
        "<th>Reviews</th><th>State</th></tr></thead>\n<tbody>\n", out);
  for (int i = 0; i < r->ngates; i++) {
    const Sym *m = r->gates[i];
    fprintf(out, "<tr class=\"%s\"><td class=\"date\">%s</td><td><code>", m->milestone.date > r->as_of ? "pending" : "past",
            fmt_day(a, m->milestone.date));
    fmt_html(out, m->name);
    fputs("</code>", out);
    if (sym_title_text(m)) {
      fputs("<br>", out);
      fmt_html(out, sym_title_text(m));
    }
    fprintf(out, "</td><td>%s</td><td>", milestone_kind_names[m->milestone.kind]);
    fmt_html(out, m->milestone.by ? m->milestone.by->name : "-");
    fputs("</td><td>", out);
    fmt_html(out, sym_names(a, m->milestone.reviews));
    fputs("</td><td>", out);
    fmt_html(out, gate_state(a, r, m));
    fputs("</td></tr>\n", out);
  }
  fputs("</tbody>\n</table>\n", out);
}

static void html_risks(const StatusReport *r, FILE *out) {
  Arena *a = r->m->c->arena;
  fputs("<table class=\"risks\">\n<thead><tr><th>Risk</th><th>Likelihood</th><th>Affects</th><th>Owner</th>"
        "<th>Mitigated by</th></tr></thead>\n<tbody>\n", out);
  for (int i = 0; i < r->nrisks; i++) {
    const Sym *k = r->risks[i];
    fprintf(out, "<tr class=\"%s\"><td><code>", k->risk.mitigated_by.len ? "mitigated" : "unmitigated");
    fmt_html(out, k->name);
    fputs("</code>", out);
    if (sym_title_text(k)) {
      fputs("<br>", out);
      fmt_html(out, sym_title_text(k));
    }
    fprintf(out, "</td><td class=\"num\">%s %%</td><td>", fmt_plain(a, k->risk.likelihood * 100));
    for (int j = 0; j < k->risk.affects.len; j++) {
      const Link *l = &k->risk.affects.items[j];
      double v = l->unit && l->unit->scale > 0 ? l->value / l->unit->scale : l->value;
      if (j) fputs(", ", out);
      fmt_html(out, arena_printf(a, "%s: %s", l->target->name, with_unit(a, fmt_plain(a, v), l->unit)));
      fputs(marks(a, r, figure_sources(r, k, link_source_at(l)), NULL, MARK_HTML), out);
    }
    if (!k->risk.affects.len) fputs("-", out);
    fputs("</td><td>", out);
    fmt_html(out, k->risk.owner ? k->risk.owner->name : "-");
    fputs("</td><td>", out);
    fmt_html(out, k->risk.mitigated_by.len ? sym_names(a, k->risk.mitigated_by) : "nothing");
    fputs("</td></tr>\n", out);
  }
  fputs("</tbody>\n</table>\n", out);
}

static void html_sources(const StatusReport *r, FILE *out) {
  Arena *a = r->m->c->arena;
  fputs("<ol class=\"sources\">\n", out);
  for (int i = 0; i < r->ncites; i++) {
    const Citation *c = &r->cites[i];
    const char *url = c->source ? c->source->source.url : c->url;
    fprintf(out, "<li id=\"source-%d\">", i + 1);
    if (c->source) {
      fputs("<code>", out);
      fmt_html(out, c->source->name);
      fputs("</code>: ", out);
      fmt_html(out, source_text(a, c));
    }
    if (url) {
      fputs(c->source ? " <a href=\"" : "<a href=\"", out);
      fmt_html(out, url);
      fputs("\">", out);
      fmt_html(out, url);
      fputs("</a>", out);
    }
    fputs("</li>\n", out);
  }
  fputs("</ol>\n", out);
}

/* ---- diagrams ------------------------------------------------------------ */

/* The worst result of a milestone's expects: missed, no data, pending, met
 * (pending when it expects nothing). */
static ExpectResult worst_expect(const MilestoneStatus *ms) {
  static const int rank[EXPECT_COUNT] = {[EXPECT_MET] = 0, [EXPECT_PENDING] = 1, [EXPECT_NO_DATA] = 2,
                                         [EXPECT_MISSED] = 3};
  ExpectResult worst = ms->nexpects ? EXPECT_MET : EXPECT_PENDING;
  for (int k = 0; k < ms->nexpects; k++)
    if (rank[ms->expects[k].result] > rank[worst]) worst = ms->expects[k].result;
  return worst;
}

/* "at-risk: 7.9 MtCO2e on 2025-03-31, 7.50 MtCO2e expected on 2025-06-30" */
static const char *goal_tooltip(Arena *a, const GoalStatus *g) {
  if (!g->obs) return "no data";
  return arena_printf(a, "%s: %s, %s expected on %s", verdict_names[g->verdict], obs_text(a, g->obs, g),
                      with_unit(a, fmt_fixed(a, g->expected, expected_decimals(g)), g->unit),
                      fmt_day(a, g->trajectory_day));
}

/* The arrays of the page's GraphDecor, writable while they are filled. */
typedef struct Paint {
  const char **fill, **line, **note, **tip, **cls;
} Paint;

/* Each goal in its verdict's colours, saying it, with the numbers as a tooltip. */
static void paint_goals(const StatusReport *r, Paint *p) {
  Arena *a = r->m->c->arena;
  for (int i = 0; i < r->ngoals; i++) {
    const GoalStatus *g = &r->goals[i];
    int k = g->goal->index;
    p->fill[k] = verdict_fill[g->verdict];
    p->line[k] = verdict_line[g->verdict];
    p->note[k] = arena_printf(a, "● %s", verdict_names[g->verdict]);
    p->tip[k] = goal_tooltip(a, g);
    p->cls[k] = verdict_class[g->verdict];
  }
}

/* Each milestone with a due expects in the colours of its worst result. */
static void paint_milestones(const StatusReport *r, Paint *p) {
  static const Verdict as_verdict[EXPECT_COUNT] = {
      [EXPECT_MET] = VERDICT_ON_TRACK, [EXPECT_MISSED] = VERDICT_OFF_TRACK, [EXPECT_NO_DATA] = VERDICT_NO_DATA};
  for (int i = 0; i < r->nmilestones; i++) {
    ExpectResult worst = worst_expect(&r->milestones[i]);
    if (worst == EXPECT_PENDING) continue;
    int k = r->milestones[i].milestone->index;
    p->fill[k] = verdict_fill[as_verdict[worst]];
    p->line[k] = verdict_line[as_verdict[worst]];
    p->tip[k] = expect_result_names[worst];
    p->cls[k] = expect_class[worst];
  }
}

/* What the page asks of graph.c's views: goals and milestones painted (a goal's
 * deadline marker on the timeline too), the as-of date marked on the timeline. */
static GraphDecor page_decor(const StatusReport *r) {
  Arena *a = r->m->c->arena;
  size_t n = ((size_t)r->m->syms.len + 1) * sizeof(char *);
  Paint p = {arena_alloc(a, n), arena_alloc(a, n), arena_alloc(a, n), arena_alloc(a, n), arena_alloc(a, n)};
  paint_goals(r, &p);
  paint_milestones(r, &p);
  return (GraphDecor){.fill = p.fill, .line = p.line, .note = p.note, .tooltip = p.tip, .cls = p.cls,
                      .mark = true, .mark_day = r->as_of,
                      .mark_label = arena_printf(a, "as of %s", fmt_day(a, r->as_of))};
}

/* A view drawn by graph.c with the page's decor, as SVG in memory (NULL on failure). */
static char *graph_svg(const Model *m, GraphView view, const GraphDecor *decor) {
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  if (!mem) return NULL;
  GraphRequest req = {.view = view, .format = GF_SVG, .decor = decor};
  int st = graph_emit(m, &req, mem);
  if (fclose(mem) != 0 || st != MS_OK) {
    free(buf);
    return NULL;
  }
  return buf;
}

/* Write an SVG inline: from its <svg> tag on, with ids prefixed so that two
 * diagrams on one page do not clash. */
static void write_inline_svg(FILE *out, const char *svg, const char *prefix) {
  const char *p = strstr(svg, "<svg");
  if (!p) return;
  static const char *const refs[] = {" id=\"", "url(#", "href=\"#"};
  while (*p) {
    int hit = -1;
    for (int k = 0; k < 3 && hit < 0; k++)
      if (strncmp(p, refs[k], strlen(refs[k])) == 0) hit = k;
    if (hit >= 0) {
      fputs(refs[hit], out);
      fputs(prefix, out);
      p += strlen(refs[hit]);
      continue;
    }
    fputc(*p++, out);
  }
}

/* One diagram of the page: the map or the timeline, decorated. */
static int html_diagram(const StatusReport *r, const GraphDecor *decor, FILE *out, GraphView view) {
  char *svg = graph_svg(r->m, view, decor);
  if (!svg) {
    util_error("could not draw the %s", graph_view_names[view]);
    return MS_FAILED;
  }
  /* Fitted to the page's width (nothing is cut off, on screen or in print); the
   * checkbox, with CSS alone, shows it at full size in a scrolling box to read the
   * small print of a large mission. */
  const char *name = graph_view_names[view];
  fprintf(out, "<input type=\"checkbox\" class=\"zoom\" id=\"zoom-%s\"><label for=\"zoom-%s\" "
               "class=\"zoom\">full size</label>\n<div class=\"diagram %s\">\n", name, name, name);
  write_inline_svg(out, svg, view == GV_MAP ? "map-" : "timeline-");
  fputs("</div>\n", out);
  free(svg);
  return MS_OK;
}

/* One chart per goal with an indicator, captioned with where it is heading. */
static void html_trajectories(const StatusReport *r, FILE *out) {
  Arena *a = r->m->c->arena;
  fputs("<section id=\"trajectories\">\n<h2>Trajectories</h2>\n<div class=\"charts\">\n", out);
  for (int i = 0; i < r->ngoals; i++) {
    const GoalStatus *g = &r->goals[i];
    if (!g->indicator) continue;
    fprintf(out, "<figure class=\"chart %s\" id=\"chart-%s\">\n", verdict_class[g->verdict], g->goal->name);
    chart_goal_svg(out, r, g);
    fputs("<figcaption><code>", out);
    fmt_html(out, g->goal->name);
    fputs("</code> ", out);
    html_badge(out, verdict_class[g->verdict], verdict_names[g->verdict]);
    const char *p = projection_text(a, r, g);
    fputs(" ", out);
    fmt_html(out, p ? arena_printf(a, "At the current rate: %s.", p) : "Fewer than two observations: no rate yet.");
    fputs("</figcaption>\n</figure>\n", out);
  }
  fputs("</div>\n</section>\n", out);
}

/* A plain table as an HTML section (nothing when it has no row). */
static void html_table_section(FILE *out, const char *id, const char *title, Table t) {
  if (!t.cells.len) return;
  fprintf(out, "<section id=\"%s\">\n<h2>", id);
  fmt_html(out, title);
  fputs("</h2>\n<table>\n<thead><tr>", out);
  for (int c = 0; c < t.ncols; c++) {
    fputs("<th>", out);
    fmt_html(out, t.head[c]);
    fputs("</th>", out);
  }
  fputs("</tr></thead>\n<tbody>\n", out);
  for (int i = 0; i < t.cells.len; i += t.ncols) {
    fputs("<tr>", out);
    for (int c = 0; c < t.ncols; c++) {
      fputs(t.align[c] == 'r' ? "<td class=\"num\">" : "<td>", out);
      fmt_html(out, t.cells.items[i + c]);
      fputs("</td>", out);
    }
    fputs("</tr>\n", out);
  }
  fputs("</tbody>\n</table>\n</section>\n", out);
}

static int write_html(const StatusReport *r, FILE *out) {
  Arena *a = r->m->c->arena;
  const Sym *ms = r->m->mission;
  const char *heading = mission_heading(a, r);
  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", out);
  fmt_html(out, heading);
  fprintf(out, " - status on %s</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", fmt_day(a, r->as_of),
          page_css);
  fmt_html(out, ms && sym_title_text(ms) ? sym_title_text(ms) : heading);
  fputs("</h1>\n<p class=\"sub\">", out);
  if (ms) {
    fputs("Mission <code>", out);
    fmt_html(out, ms->name);
    fputs("</code> &middot; ", out);
  }
  fprintf(out, "status on <time datetime=\"%s\">%s</time>%s &middot; actuals <code>", fmt_day(a, r->as_of),
          fmt_day(a, r->as_of), r->as_of_given ? "" : " (the latest date in the actuals)");
  fmt_html(out, file_name(r, r->actuals->file));
  fprintf(out, "</code>, %s</p>\n<ul class=\"summary\">\n", rows_text(a, r));
  static const Verdict order[] = {VERDICT_ON_TRACK, VERDICT_AT_RISK, VERDICT_OFF_TRACK, VERDICT_NO_DATA};
  for (int i = 0; i < 4; i++) {
    fputs("<li>", out);
    html_badge(out, verdict_class[order[i]],
               arena_printf(a, "%d %s", r->verdicts[order[i]], verdict_names[order[i]]));
    fputs("</li>\n", out);
  }
  fputs("</ul>\n</header>\n", out);
  if (r->ngoals) {
    fputs("<section id=\"goals\">\n<h2>Goals</h2>\n", out);
    html_goal_rows(r, out);
    fputs("<p class=\"note\">", out);
    fmt_html(out, verdict_rule);
    fputs(" Expected: the planned path from the baseline (at its start) to the target (by its deadline), "
          "through the values the milestones expect on their dates (path 'planned'), or the straight "
          "line when no milestone expects a value of the goal (path 'line'); held at the baseline before "
          "the start and at the target after the deadline. "
          "Gap: ahead (+) or behind (-) that path, towards the target.</p>\n</section>\n", out);
  }
  if (r->ngoals) html_trajectories(r, out);
  if (r->nmilestones) {
    fputs("<section id=\"milestones\">\n<h2>Milestones</h2>\n", out);
    html_milestones(r, out);
    fputs("</section>\n", out);
  }
  if (r->ngates) {
    fputs("<section id=\"reviews\">\n<h2>Reviews and decisions</h2>\n", out);
    html_gates(r, out);
    fputs("</section>\n", out);
  }
  if (r->nrisks) {
    fputs("<section id=\"risks\">\n<h2>Risks</h2>\n", out);
    html_risks(r, out);
    fputs("</section>\n", out);
  }
  if (r->nscores) {
    fputs("<section id=\"scores\">\n<h2>Scores</h2>\n", out);
    html_scores(r, out);
    html_terms(r, out);
    fputs("</section>\n", out);
  }
  html_table_section(out, "cofunding", "Co-funding (leverage = co-funding / public funding)", cofunding_table(a, r, true));
  html_table_section(out, "allowed", "Acknowledged warnings", allow_table(a, r, true));
  if (r->ncites) {
    fputs("<section id=\"sources\">\n<h2>Sources</h2>\n", out);
    html_sources(r, out);
    fputs("</section>\n", out);
  }
  fputs("<section id=\"map\">\n<h2>Mission map</h2>\n<p class=\"note\">Goals coloured by verdict: ", out);
  static const Verdict legend[] = {VERDICT_ON_TRACK, VERDICT_AT_RISK, VERDICT_OFF_TRACK, VERDICT_NO_DATA};
  for (int i = 0; i < 4; i++) {
    if (i) fputs(" ", out);
    html_badge(out, verdict_class[legend[i]], verdict_names[legend[i]]);
  }
  fputs("</p>\n", out);
  GraphDecor decor = page_decor(r);
  int st = html_diagram(r, &decor, out, GV_MAP);
  fputs("</section>\n", out);
  if (st == MS_OK) {
    fprintf(out, "<section id=\"timeline\">\n<h2>Timeline</h2>\n<p class=\"note\">As of %s.</p>\n",
            fmt_day(a, r->as_of));
    st = html_diagram(r, &decor, out, GV_TIMELINE);
    fputs("</section>\n", out);
  }
  if (st != MS_OK) return st;
  fputs("<footer>Made by missionc " MISSIONC_VERSION " from <code>", out);
  fmt_html(out, file_name(r, r->m->main_file));
  fputs("</code> and <code>", out);
  fmt_html(out, file_name(r, r->actuals->file));
  fputs("</code>.</footer>\n</body>\n</html>\n", out);
  return MS_OK;
}

/* Write text or Markdown through a buffer, so that what reaches a terminal carries no
 * control character (ESC, BEL ...) and no invalid UTF-8 from the mission's strings,
 * the actuals' cells or the file names: each such byte is printed as '?'. */
static void write_for_terminal(const StatusReport *r, FILE *out,
                               void (*write)(const StatusReport *, FILE *)) {
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  if (!mem) unreachable_bug("out of memory");
  write(r, mem);
  if (fclose(mem) != 0) unreachable_bug("out of memory");
  char *clean = xmalloc(len + 1);
  fwrite(util_terminal_text(clean, buf, len, true), 1, len, out);
  free(clean);
  free(buf);
}

int status_write(const StatusReport *r, StatusFormat f, FILE *out) {
  switch (f) {
  case SF_TEXT: write_for_terminal(r, out, write_text); return MS_OK;
  case SF_MARKDOWN: write_for_terminal(r, out, write_markdown); return MS_OK;
  case SF_HTML: return write_html(r, out);
  default: unreachable_bug("unknown status format");
  }
}
