/* fmt.c - text for the outputs: numbers, quantities, dates, and escaping.
 *
 * One formatter per kind of value, shared by the diagrams (graph/), the status report
 * and its charts (report/), so that a number, a quantity or a date reads the same in
 * every output. The calendar lives here too: every date in the compiler is a day
 * number, and this is where it becomes text.
 */
#include "fmt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ------------------------------------------------------------------------ */
/* Calendar (proleptic Gregorian; Howard Hinnant's days_from_civil)          */
/* ------------------------------------------------------------------------ */

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int date_month_days(int year, int month) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

bool date_valid(int year, int month, int day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= date_month_days(year, month);
}

int64_t date_days(int year, int month, int day) {
  int64_t y = year - (month <= 2);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void date_from_days(int64_t z, int *year, int *month, int *day) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = (int)(doy - (153 * mp + 2) / 5 + 1);
  int m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *year = (int)(y + (m <= 2));
  *month = m;
  *day = d;
}

/* ------------------------------------------------------------------------ */
/* Numbers and quantities                                                   */
/* ------------------------------------------------------------------------ */

const char *fmt_num(Arena *a, double v) {
  if (v == 0 || !isfinite(v)) return v == 0 ? "0" : isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
  return arena_printf(a, "%.10g", v);
}

const char *fmt_fixed(Arena *a, double v, int decimals) {
  char *s = arena_printf(a, "%.*f", decimals, v);
  if (s[0] == '-' && strspn(s + 1, "0.") == strlen(s + 1)) s++;
  return s;
}

const char *fmt_signed(Arena *a, double v, int decimals) {
  const char *s = fmt_fixed(a, v, decimals);
  return s[0] == '-' || strspn(s, "0.") == strlen(s) ? s : arena_printf(a, "+%s", s);
}

const char *fmt_plain(Arena *a, double v) {
  if (!isfinite(v)) return isnan(v) ? "nan" : v > 0 ? "inf" : "-inf";
  if (v != 0 && fabs(v) < 1e-3) return arena_printf(a, "%.4g", v);
  if (fabs(v) >= 1e15) return arena_printf(a, "%.6g", v);
  char *s = arena_printf(a, "%.4f", v);
  char *dot = strchr(s, '.');
  if (dot) {
    char *end = s + strlen(s);
    while (end > dot + 1 && end[-1] == '0') *--end = '\0';
    if (end == dot + 1) *dot = '\0';
  }
  if (strcmp(s, "-0") == 0) s++;
  return s;
}

const char *fmt_unit_name(const char *unit) {
  return !unit || strcmp(unit, "1") == 0 ? "" : unit;
}

const char *fmt_with_unit(Arena *a, const char *num, const char *unit) {
  unit = fmt_unit_name(unit);
  if (!*unit) return num;
  if (strcmp(unit, "%") == 0) return arena_printf(a, "%s%%", num);
  return arena_printf(a, "%s %s", num, unit);
}

/* ------------------------------------------------------------------------ */
/* Dates                                                                    */
/* ------------------------------------------------------------------------ */

const char *fmt_day(Arena *a, int64_t days) {
  int y, mo, d;
  date_from_days(days, &y, &mo, &d);
  return arena_printf(a, "%04d-%02d-%02d", y, mo, d);
}

const char *fmt_date(Arena *a, int64_t days, bool end) {
  int y, mo, d;
  date_from_days(days, &y, &mo, &d);
  if (end ? (mo == 12 && d == 31) : (mo == 1 && d == 1)) return arena_printf(a, "%04d", y);
  if (end ? d == date_month_days(y, mo) : d == 1) return arena_printf(a, "%04d-%02d", y, mo);
  return arena_printf(a, "%04d-%02d-%02d", y, mo, d);
}

/* ------------------------------------------------------------------------ */
/* Escaping                                                                 */
/* ------------------------------------------------------------------------ */

/* Append n bytes to a growable string. */
static void buf_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n) {
  if (*len + n + 1 > *cap) {
    *cap = (*len + n + 1) * 2 + 64;
    *buf = xrealloc(*buf, *cap);
  }
  memcpy(*buf + *len, s, n);
  *len += n;
  (*buf)[*len] = '\0';
}

/* Copy s into the arena with each byte in `from` replaced by its string in `to`,
 * and other control characters by a space. */
static const char *replace_bytes(Arena *a, const char *s, const char *from, const char *const *to) {
  char *out = NULL;
  size_t len = 0, cap = 0;
  buf_add(&out, &len, &cap, "", 0);
  for (const char *p = s; *p; p++) {
    const char *hit = strchr(from, *p);
    unsigned char ch = (unsigned char)*p;
    if (hit && *p) buf_add(&out, &len, &cap, to[hit - from], strlen(to[hit - from]));
    else if (ch < 0x20 || ch == 0x7f) buf_add(&out, &len, &cap, " ", 1);
    else buf_add(&out, &len, &cap, p, 1);
  }
  const char *r = arena_strndup(a, out, len);
  free(out);
  return r;
}

const char *esc_dot(Arena *a, const char *s) {
  static const char *const to[] = {"\\\\", "&amp;", "\\n"};
  return replace_bytes(a, s, "\\&\n", to);
}

const char *esc_html(Arena *a, const char *s) {
  static const char *const to[] = {"&amp;", "&lt;", "&gt;", "&quot;"};
  return replace_bytes(a, s, "&<>\"", to);
}

void fmt_html(FILE *out, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    case '\'': fputs("&#39;", out); break;
    default: fputc(*s, out);
    }
  }
}

/* Powers of ten that a double holds exactly. */
static const double exact_tens[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                    1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                    1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

double fmt_strtod(const char *s) {
  uint64_t m = 0;
  int digits = 0, decimals = 0;
  const char *c = s;
  while (*c == '0') c++;   /* leading zeros are not significant */
  for (; *c >= '0' && *c <= '9'; c++, digits++) m = m * 10 + (uint64_t)(*c - '0');
  if (*c == '.') {
    for (c++; *c >= '0' && *c <= '9'; c++, decimals++) {
      if (digits == 0 && *c == '0' && m == 0) continue;   /* 0.000x: zeros before the first digit */
      m = m * 10 + (uint64_t)(*c - '0');
      digits++;
    }
  }
  if (*c != '\0' || c == s || digits > 15 || decimals > 22 || (c == s + 1 && *s == '.'))
    return strtod(s, NULL);
  return (double)m / exact_tens[decimals];
}
