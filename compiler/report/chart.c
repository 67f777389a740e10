/* chart.c - one goal's trajectory as an SVG chart, for the status report.
 *
 * Written as SVG text directly rather than through a plotting library. Debian's
 * plplot (the candidate with an SVG driver) would add a dependency, and its API has
 * no way to give a point a <title> (the hover text that names an observation's
 * date and source); Graphviz lays out graphs, not axes. A chart is a few dozen
 * elements: writing them here keeps the output byte-for-byte deterministic, free of
 * JavaScript, and readable in a diff.
 *
 * What a chart draws (LANGUAGE.md 10.4): every observation of the goal's indicator
 * (the whole series, not only the latest), each with its date and value on hover;
 * the planned path from the baseline through the milestones' `expects` to the target (the
 * straight line when no milestone expects a value of the goal); the target; the as-of date;
 * and, with two or more observations, a projection at the current rate: the
 * least-squares line through the last CHART_FIT_POINTS observations up to the
 * as-of date, continued to the deadline. Colours are the Okabe-Ito palette, which
 * readers with any common colour-vision deficiency can tell apart; the kind of a
 * line is also told by its dash pattern, so the chart reads in grey too.
 */
#include "chart.h"

#include <math.h>
#include <string.h>

#include "fmt.h"
#include "util.h"

enum { CHART_W = 640, CHART_H = 260, PAD_L = 72, PAD_R = 20, PAD_T = 22, PAD_B = 40 };

/* Okabe-Ito: blue, vermillion, bluish green, orange, grey. */
#define C_OBS "#0072B2"
#define C_PLAN "#009E73"
#define C_PROJ "#D55E00"
#define C_TARGET "#E69F00"
#define C_AXIS "#57606a"

/* The scale of a chart: data to pixels. */
typedef struct Frame {
  double x0, x1;   /* days */
  double y0, y1;   /* values, in the indicator's unit */
} Frame;

static double px(const Frame *f, double day) {
  return PAD_L + (day - f->x0) / (f->x1 - f->x0) * (CHART_W - PAD_L - PAD_R);
}

static double py(const Frame *f, double v) {
  return CHART_H - PAD_B - (v - f->y0) / (f->y1 - f->y0) * (CHART_H - PAD_T - PAD_B);
}

bool chart_projection(const StatusReport *r, const GoalStatus *g, ChartProjection *p) {
  const Series *s = g->indicator ? actuals_series(r->actuals, g->indicator) : NULL;
  memset(p, 0, sizeof *p);
  if (!s) return false;
  int end = 0;
  while (end < s->len && s->obs[end].date <= r->as_of) end++;
  int begin = end > CHART_FIT_POINTS ? end - CHART_FIT_POINTS : 0;
  if (end - begin < 2) return false;
  /* Least squares of value on day, centred for precision. */
  double mx = 0, my = 0;
  for (int i = begin; i < end; i++) mx += (double)s->obs[i].date, my += s->obs[i].value;
  mx /= end - begin, my /= end - begin;
  double sxx = 0, sxy = 0;
  for (int i = begin; i < end; i++) {
    double dx = (double)s->obs[i].date - mx;
    sxx += dx * dx;
    sxy += dx * (s->obs[i].value - my);
  }
  if (sxx == 0) return false;
  p->slope = sxy / sxx;
  p->from_day = s->obs[begin].date;
  p->from = my + p->slope * ((double)p->from_day - mx);
  p->to_day = g->deadline > r->as_of ? g->deadline : r->as_of;
  p->at_deadline = my + p->slope * ((double)g->deadline - mx);
  p->points = end - begin;
  return isfinite(p->at_deadline);
}

/* The frame that holds the baseline, target, observations and projection. */
static Frame frame_of(const StatusReport *r, const GoalStatus *g, const Series *s, const ChartProjection *p,
                      bool projected) {
  Frame f = {(double)g->start, (double)g->deadline, g->baseline, g->baseline};
  double vals[] = {g->target, projected ? p->at_deadline : g->target, projected ? p->from : g->target};
  for (size_t i = 0; i < COUNT_OF(vals); i++) f.y0 = fmin(f.y0, vals[i]), f.y1 = fmax(f.y1, vals[i]);
  for (int i = 0; s && i < s->len; i++) {
    f.x0 = fmin(f.x0, (double)s->obs[i].date), f.x1 = fmax(f.x1, (double)s->obs[i].date);
    if (isfinite(s->obs[i].value)) f.y0 = fmin(f.y0, s->obs[i].value), f.y1 = fmax(f.y1, s->obs[i].value);
  }
  f.x0 = fmin(f.x0, (double)r->as_of), f.x1 = fmax(f.x1, (double)r->as_of);
  if (f.x1 - f.x0 < 30) f.x1 = f.x0 + 30;
  double span = f.y1 - f.y0;
  if (span <= 0) span = fabs(f.y1) > 0 ? fabs(f.y1) : 1;
  f.y0 -= span * 0.08, f.y1 += span * 0.08;
  if (f.y0 < 0 && fmin(g->baseline, g->target) >= 0) f.y0 = 0;   /* counts and shares start at 0 */
  return f;
}

/* A value with its unit, as every output writes it ("26 city", "18.5%"). */
static const char *qty(Arena *a, double v, int decimals, const Unit *unit) {
  return fmt_with_unit(a, fmt_fixed(a, v, decimals), unit ? unit->name : NULL);
}

/* A "nice" tick step (1, 2 or 5 times a power of ten) for about n ticks over span. */
static double nice_step(double span, int n) {
  double raw = span / n, mag = pow(10, floor(log10(raw)));
  double m = raw / mag;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * mag;
}

/* Decimals that show a step of this size. */
static int step_decimals(double step) {
  int d = (int)ceil(-log10(step) - 1e-9);
  return d < 0 ? 0 : d > 6 ? 6 : d;
}

/* The value axis: grid lines and labels, and the unit as its title. */
static void y_axis(FILE *out, Arena *a, const Frame *f, const Unit *unit) {
  double step = nice_step(f->y1 - f->y0, 5);
  int dec = step_decimals(step);
  for (double v = ceil(f->y0 / step) * step; v <= f->y1 + step * 1e-9; v += step) {
    double y = py(f, v);
    const char *buf = fmt_fixed(a, v, dec);
    fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eaeef2\"/>", PAD_L, y,
            CHART_W - PAD_R, y);
    fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"" C_AXIS "\">%s</text>\n", PAD_L - 6,
            y + 4, buf);
  }
  const char *u = fmt_unit_name(unit ? unit->name : NULL);
  if (*u) {
    fprintf(out, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\" fill=\"" C_AXIS
                 "\">", (CHART_H - PAD_B + PAD_T) / 2, (CHART_H - PAD_B + PAD_T) / 2);
    fmt_html(out, u);
    fputs("</text>\n", out);
  }
}

/* The time axis: a tick at the start of each year (every few years on long spans). */
static void x_axis(FILE *out, const Frame *f) {
  int y0, y1, m, d;
  date_from_days((int64_t)f->x0, &y0, &m, &d);
  date_from_days((int64_t)f->x1, &y1, &m, &d);
  int every = 1;
  while ((y1 - y0) / every > 8) every = every == 1 ? 2 : every == 2 ? 5 : every * 2;
  int base = PAD_T + (CHART_H - PAD_T - PAD_B);
  fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"" C_AXIS "\"/>\n", PAD_L, base,
          CHART_W - PAD_R, base);
  for (int y = y0 + 1; y <= y1; y++) {
    if (y % every) continue;
    double x = px(f, (double)date_days(y, 1, 1));
    fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"" C_AXIS "\"/>"
                 "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"" C_AXIS "\">%d</text>\n",
            x, base, x, base + 5, x, base + 18, y);
  }
}

/* A line between two data points, with a dash pattern and a hover title. */
static void data_line(FILE *out, const Frame *f, double d0, double v0, double d1, double v1, const char *colour,
                      const char *dash, const char *title) {
  fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"%s%s%s>",
          px(f, d0), py(f, v0), px(f, d1), py(f, v1), colour, dash ? " stroke-dasharray=\"" : "", dash ? dash : "",
          dash ? "\"" : "");
  fputs("<title>", out);
  fmt_html(out, title);
  fputs("</title></line>\n", out);
}

/* The observations: a polyline through them and a dot each, with its date and value
 * on hover; those after the as-of date are hollow. */
static void observations(FILE *out, Arena *a, const Frame *f, const Series *s, const GoalStatus *g, int dec,
                         int64_t as_of) {
  if (!s || s->len == 0) return;
  fputs("<polyline fill=\"none\" stroke=\"" C_OBS "\" stroke-width=\"1.5\" points=\"", out);
  for (int i = 0; i < s->len; i++)
    if (isfinite(s->obs[i].value))
      fprintf(out, "%s%.1f,%.1f", i ? " " : "", px(f, (double)s->obs[i].date), py(f, s->obs[i].value));
  fputs("\"/>\n", out);
  for (int i = 0; i < s->len; i++) {
    if (!isfinite(s->obs[i].value)) continue;
    bool later = s->obs[i].date > as_of;
    fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" stroke=\"" C_OBS "\"><title>%s: ",
            px(f, (double)s->obs[i].date), py(f, s->obs[i].value), later ? "#ffffff" : C_OBS,
            fmt_day(a, s->obs[i].date));
    fmt_html(out, qty(a, s->obs[i].value, dec, g->unit));
    if (later) fputs(" (after the as-of date)", out);
    fputs("</title></circle>\n", out);
  }
}

/* The legend, one entry per kind of mark, left to right under the title. */
static void legend(FILE *out, bool projected, bool planned) {
  static const struct { const char *colour, *dash, *text; } items[] = {
      {C_OBS, NULL, "observed"},
      {C_PLAN, "6 4", "baseline to target"},
      {C_TARGET, "1 3", "target"},
      {C_PROJ, "2 3", "at the current rate"},
  };
  int x = PAD_L;
  for (size_t i = 0; i < COUNT_OF(items); i++) {
    if (i == 3 && !projected) break;
    const char *text = i == 1 && planned ? "planned path" : items[i].text;
    fprintf(out, "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"10\" stroke=\"%s\" stroke-width=\"2\"%s%s%s/>"
                 "<text x=\"%d\" y=\"14\" fill=\"#1f2328\">%s</text>\n",
            x, x + 22, items[i].colour, items[i].dash ? " stroke-dasharray=\"" : "", items[i].dash ? items[i].dash : "",
            items[i].dash ? "\"" : "", x + 27, text);
    x += 40 + 7 * (int)strlen(text);
  }
}

void chart_goal_svg(FILE *out, const StatusReport *r, const GoalStatus *g) {
  const Series *s = g->indicator ? actuals_series(r->actuals, g->indicator) : NULL;
  ChartProjection p;
  bool projected = chart_projection(r, g, &p);
  Frame f = frame_of(r, g, s, &p, projected);
  Arena *a = r->m->c->arena;
  int dec = g->decimals;
  const char *b = fmt_fixed(a, g->baseline, dec), *t = fmt_fixed(a, g->target, dec);
  fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" "
               "height=\"%d\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\" aria-label=\"",
          CHART_W, CHART_H, CHART_W, CHART_H);
  fmt_html(out, g->goal->name);
  fputs(": observations against the line from baseline to target\">\n", out);
  legend(out, projected, g->planned);
  y_axis(out, a, &f, g->unit);
  x_axis(out, &f);
  /* The target: a band to the right edge from the deadline on, labelled. */
  double ty = py(&f, g->target);
  fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"" C_TARGET "\" stroke-width=\"2\" "
               "stroke-dasharray=\"1 3\"/>\n", PAD_L, ty, CHART_W - PAD_R, ty);
  const char *day = fmt_day(a, g->deadline);
  fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"none\" stroke=\"" C_TARGET "\" stroke-width=\"2\">"
               "<title>target ", px(&f, (double)g->deadline), ty);
  fmt_html(out, qty(a, g->target, dec, g->unit));
  fprintf(out, " by %s</title></circle>\n", day);
  char title[200];
  snprintf(title, sizeof title, "baseline %s to target %s", b, t);
  if (!g->planned) {
    data_line(out, &f, (double)g->start, g->baseline, (double)g->deadline, g->target, C_PLAN, "6 4", title);
  } else {   /* the planned path: one segment per pair of knots, in the indicator's unit */
    const Sym *y = g->goal;
    double scale = g->unit && g->unit->scale > 0 ? g->unit->scale : 1.0;
    snprintf(title, sizeof title, "planned path from baseline %s through the milestones' expects to target %s", b, t);
    for (int i = 0; i + 1 < y->goal.nplan; i++)
      data_line(out, &f, y->goal.plan_day[i], y->goal.plan_value[i] / scale, y->goal.plan_day[i + 1],
                y->goal.plan_value[i + 1] / scale, C_PLAN, "6 4", title);
  }
  if (projected) {
    const char *v = fmt_fixed(a, p.at_deadline, dec);
    snprintf(title, sizeof title, "at the current rate (least squares over the last %d observations): %s by %s",
             p.points, v, day);
    data_line(out, &f, (double)p.from_day, p.from, (double)g->deadline, p.at_deadline, C_PROJ, "2 3", title);
  }
  observations(out, a, &f, s, g, dec, r->as_of);
  /* The as-of date. */
  double ax = px(&f, (double)r->as_of);
  day = fmt_day(a, r->as_of);
  fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#1f2328\" stroke-dasharray=\"3 3\"/>"
               "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\" fill=\"#1f2328\">as of %s</text>\n",
          ax, PAD_T, ax, CHART_H - PAD_B, ax + (ax > CHART_W - 120 ? -4 : 4), PAD_T + 10,
          ax > CHART_W - 120 ? "end" : "start", day);
  fputs("</svg>\n", out);
}
