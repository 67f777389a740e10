/* chart.h - a goal's trajectory as an SVG chart, for the status report. */
#ifndef MISSION_CHART_H
#define MISSION_CHART_H

#include <stdbool.h>
#include <stdio.h>

#include "status.h"

/* The projection at the current rate fits this many observations at most. */
#define CHART_FIT_POINTS 5

/* The least-squares line through the last observations up to the as-of date. */
typedef struct ChartProjection {
  double slope;          /* per day, in the indicator's unit */
  int64_t from_day;      /* the first observation fitted */
  double from;           /* the line's value there */
  int64_t to_day;
  double at_deadline;    /* the line's value on the goal's deadline */
  int points;            /* observations fitted (2 .. CHART_FIT_POINTS) */
} ChartProjection;

/* The projection of goal g; false when fewer than two observations (on different
 * days) precede the as-of date. */
bool chart_projection(const StatusReport *r, const GoalStatus *g, ChartProjection *p);

/* Write goal g's chart as one <svg> element: every observation (date and value on
 * hover), the baseline-to-target line, the target, the as-of date and the
 * projection at the current rate. Deterministic; no script. */
void chart_goal_svg(FILE *out, const StatusReport *r, const GoalStatus *g);

#endif
