/* fmt.h - text for the outputs: numbers, quantities, dates and escaping, one
 * formatter each for every back end; and the calendar of day numbers. */
#ifndef MISSION_FMT_H
#define MISSION_FMT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"

/* ---- the calendar (proleptic Gregorian) ---- */

/* Days since 1970-01-01 of a valid civil date. */
int64_t date_days(int year, int month, int day);
/* Whether y-m-d is a real calendar date. */
bool date_valid(int year, int month, int day);
int date_month_days(int year, int month);
/* The civil date of a day number. */
void date_from_days(int64_t days, int *year, int *month, int *day);

/* ---- numbers and quantities ---- */

/* strtod(s, NULL), the same bits: a plain decimal of up to 15 significant digits and up
 * to 22 decimals (the literals of a mission, almost all) is one exact integer divided by
 * an exact power of ten, correctly rounded as strtod rounds; anything else is strtod's. */
double fmt_strtod(const char *s);

/* Up to 10 significant digits, no exponent below 1e15 ("32", "0.125"). */
const char *fmt_num(Arena *a, double v);
/* With `decimals` decimals; never "-0". */
const char *fmt_fixed(Arena *a, double v, int decimals);
/* The same with a "+" on positive values. */
const char *fmt_signed(Arena *a, double v, int decimals);
/* Without a known precision: up to 4 decimals, trailing zeros dropped. */
const char *fmt_plain(Arena *a, double v);
/* A unit's name as written after a number: "" for the dimensionless "1" (or NULL). */
const char *fmt_unit_name(const char *unit);
/* A number and its unit as the language writes them: "32 MEUR", "4.2%", "0.5". */
const char *fmt_with_unit(Arena *a, const char *num, const char *unit);

/* ---- dates ---- */

/* YYYY-MM-DD. */
const char *fmt_day(Arena *a, int64_t days);
/* A whole year or month when the day is the first (start) or last (end) of one. */
const char *fmt_date(Arena *a, int64_t days, bool end);

/* ---- escaping ---- */

/* For a plain DOT label: backslash, & and newline; control characters become spaces. */
const char *esc_dot(Arena *a, const char *s);
/* For HTML and XML text and attributes (& < > "); control characters become spaces. */
const char *esc_html(Arena *a, const char *s);
/* Write s escaped for HTML/XML text or a quoted attribute (& < > " '). */
void fmt_html(FILE *out, const char *s);

#endif
