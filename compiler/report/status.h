/* status.h - the status report: a checked mission against observed actuals.
 *
 * `missionc status FILE --input ACTUALS.csv [--as-of DATE]` reads the observations
 * of the mission's indicators, then tells for each goal where it stands against the
 * planned path from its baseline through its milestones' `expects` to its target
 * (the brief's progress() and planned()), checks the `expects` of the milestones that are due, and evaluates
 * the scores without `on` with the reference interpreter. Three renderings: an
 * aligned text table, Markdown and one self-contained HTML page with the mission map
 * coloured by verdict and the timeline. The definitions (verdict thresholds, which
 * observation counts) are in LANGUAGE.md section 10.4. Reads the model, never changes it.
 */
#ifndef MISSION_STATUS_H
#define MISSION_STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "check.h"
#include "compiler.h"
#include "explain.h"
#include "interp.h"

/* ---- actuals ------------------------------------------------------------------ */

/* One observation of an indicator. */
typedef struct Observation {
  int64_t date;          /* days since 1970-01-01 */
  double value;          /* in the indicator's declared unit, as written */
  Span span;             /* the cell in the CSV file */
  const Sym *source;     /* the row's `source` column: a source declaration ... */
  const char *source_url;/* ... or a URL (both NULL when the row names none) */
} Observation;

/* The observations of one indicator, sorted by date (no two on the same day). */
typedef struct Series {
  const Sym *indicator;
  Observation *obs;
  int len, cap;
} Series;

typedef struct Actuals {
  const char *path;      /* as given */
  uint32_t file;         /* source index of the CSV (diagnostics point into it) */
  int nrows;             /* data rows read */
  int64_t first, last;   /* earliest and latest row date (valid when nrows > 0) */
  Series *series;        /* one per column after `date`, in column order */
  int nseries;
} Actuals;

/* Read ACTUALS.csv: a header `date,<indicator names...>`, then one row per date.
 * NULL when the file cannot be read (message on stderr; exit status 2). Problems in
 * its content are diagnostics in m->c->diag, pointing into the file. */
Actuals *status_read_actuals(const Model *m, const char *path);
/* The series of an indicator, or NULL if the CSV has no column for it. */
const Series *actuals_series(const Actuals *a, const Sym *indicator);
/* The latest observation dated at or before `day`, or NULL. */
const Observation *series_at(const Series *s, int64_t day);

/* ---- the report ----------------------------------------------------------------- */

/* A goal behind its trajectory by less than this share of |target - baseline| is
 * at risk; by this share or more, off track. */
#define STATUS_AT_RISK_SHARE 0.10

#define VERDICT_LIST(X)                                                   \
  X(VERDICT_NO_DATA, "no data") X(VERDICT_ON_TRACK, "on-track")           \
  X(VERDICT_AT_RISK, "at-risk") X(VERDICT_OFF_TRACK, "off-track")

typedef enum {
#define X(id, name) id,
  VERDICT_LIST(X)
#undef X
  VERDICT_COUNT
} Verdict;
extern const char *const verdict_names[VERDICT_COUNT];

#define EXPECT_RESULT_LIST(X)                                             \
  X(EXPECT_PENDING, "pending") X(EXPECT_MET, "met")                       \
  X(EXPECT_MISSED, "missed") X(EXPECT_NO_DATA, "no data")

typedef enum {
#define X(id, name) id,
  EXPECT_RESULT_LIST(X)
#undef X
  EXPECT_COUNT
} ExpectResult;
extern const char *const expect_result_names[EXPECT_COUNT];

/* Where one goal stands on the as-of date. Values in the indicator's declared unit. */
typedef struct GoalStatus {
  const Sym *goal;
  const Sym *indicator;
  const Unit *unit;           /* the indicator's unit */
  double baseline, target;
  int64_t start, deadline;
  const Observation *obs;     /* the latest at or before the as-of date; NULL: no data */
  double progress;            /* progress(g) in [0, 1] */
  int64_t trajectory_day;     /* the as-of date held within [start, deadline] */
  double expected;            /* planned(g, trajectory_day): expected() bent through milestone `expects` */
  bool planned;               /* the path has milestone points (else it is expected()'s straight line) */
  double gap;                 /* ahead (+) or behind (-) the trajectory, towards the target */
  int64_t days_left;          /* deadline - as-of (negative once the deadline has passed) */
  Verdict verdict;
  int decimals;               /* of baseline, target and the observed value */
} GoalStatus;

/* One `expects goal: value` of a milestone. */
typedef struct ExpectStatus {
  const Link *link;
  const GoalStatus *goal;     /* NULL: the goal is not in the report (imported) */
  double value;               /* expected value, in the indicator's unit */
  const Observation *obs;     /* the latest at or before the milestone's date */
  ExpectResult result;
} ExpectStatus;

/* A source cited by the report: a declaration, or a URL from the actuals. Footnote
 * number = position + 1, in order of first citation. */
typedef struct Citation {
  const Sym *source;
  const char *url;
} Citation;

typedef struct MilestoneStatus {
  const Sym *milestone;
  bool due;                   /* its date is at or before the as-of date */
  ExpectStatus *expects;
  int nexpects;
} MilestoneStatus;

/* One input of an evaluated score, as it was fed to the interpreter. */
typedef struct ScoreInput {
  const RuleInput *input;
  const Observation *obs;     /* indicators; NULL for `date` or when missing */
} ScoreInput;

typedef struct ScoreStatus {
  const Sym *score;
  RuleSig sig;
  const char *why_not;        /* non-NULL: not evaluated, and why */
  ScoreInput *inputs;
  double value;               /* in the declared unit (base units without one) */
  ExplainTerms terms;         /* its terms: which one pulled the score down */
} ScoreStatus;

typedef struct StatusReport {
  const Model *m;
  const Actuals *actuals;
  int64_t as_of;
  bool as_of_given;           /* --as-of, else the latest date in the CSV */
  GoalStatus *goals;          /* goals of the checked file, declaration order */
  int ngoals;
  MilestoneStatus *milestones;/* milestones of the checked file, by date */
  int nmilestones;
  ScoreStatus *scores;        /* scores without `on` of the checked file */
  int nscores;
  int verdicts[VERDICT_COUNT];
  const char *chart_base;     /* Markdown: the caller wrote each goal's chart at
                                 status_chart_path(chart_base, goal); NULL: none */
  const Sym **gates;          /* review and decision milestones of the checked file, by date */
  int ngates;
  const Sym **risks;          /* risks of the checked file, by likelihood, highest first */
  int nrisks;
  Citation *cites;            /* the sources of the figures shown, in order of first citation */
  int ncites, capcites;
} StatusReport;

/* Where the Markdown report links goal g's chart: "BASE.GOAL.svg". */
const char *status_chart_path(Arena *a, const char *base, const GoalStatus *g);

/* Compute the report on day as_of (the model must have no errors). */
StatusReport *status_compute(const Model *m, const Actuals *a, int64_t as_of, bool as_of_given);

#define STATUS_FORMAT_LIST(X) X(SF_TEXT, "text") X(SF_MARKDOWN, "markdown") X(SF_HTML, "html")

typedef enum {
#define X(id, name) id,
  STATUS_FORMAT_LIST(X)
#undef X
  SF_COUNT
} StatusFormat;
extern const char *const status_format_names[SF_COUNT];

/* Write the report. EXIT_OK, or EXIT_USAGE when drawing the diagrams failed
 * (a message on stderr). */
int status_write(const StatusReport *r, StatusFormat f, FILE *out);


#endif
