/* diag.c - the one place that renders diagnostics: text with carets, JSON, SARIF. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

Diag *diag_new(Arena *a, Sources *src) {
  Diag *d = arena_alloc(a, sizeof *d);
  d->arena = a;
  d->src = src;
  return d;
}

bool diag_capped(const Diag *d) { return d->capped; }

int diag_error_count(const Diag *d) { return d->errors + (d->werror ? d->warnings : 0); }

/* Record one diagnostic unless the error cap is reached. */
static Diagnostic *diag_add(Diag *d, Severity sev, Span span, const char *code,
                            const char *option, const char *fmt, va_list ap) {
  if (d->capped) return NULL;
  Diagnostic *g = arena_alloc(d->arena, sizeof *g);
  g->sev = sev;
  g->code = code;
  g->option = option;
  g->span = span;
  g->msg = arena_vprintf(d->arena, fmt, ap);
  g->seq = (size_t)d->list.len;
  vec_push(d->arena, &d->list, g);
  if (sev == SEV_ERROR) d->errors++;
  else if (sev == SEV_WARNING) d->warnings++;
  if (d->max_errors > 0 && diag_error_count(d) >= d->max_errors) d->capped = true;
  return g;
}

Diagnostic *diag_error(Diag *d, Span span, const char *code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  Diagnostic *g = diag_add(d, SEV_ERROR, span, code, NULL, fmt, ap);
  va_end(ap);
  return g;
}

Diagnostic *diag_warning(Diag *d, Span span, const char *code, const char *option,
                         const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  Diagnostic *g = diag_add(d, SEV_WARNING, span, code, option, fmt, ap);
  va_end(ap);
  return g;
}

void diag_note(Diag *d, Diagnostic *on, Span span, const char *fmt, ...) {
  if (!on) return;
  DiagNote *n = arena_alloc(d->arena, sizeof *n);
  va_list ap;
  va_start(ap, fmt);
  n->msg = arena_vprintf(d->arena, fmt, ap);
  va_end(ap);
  n->span = span;
  if (on->last_note) on->last_note->next = n; else on->notes = n;
  on->last_note = n;
}

/* Order: by file, then position, then emission order. */
static int diag_cmp(const void *pa, const void *pb) {
  const Diagnostic *a = *(Diagnostic *const *)pa, *b = *(Diagnostic *const *)pb;
  if (a->span.file != b->span.file) return a->span.file < b->span.file ? -1 : 1;
  if (a->span.start != b->span.start) return a->span.start < b->span.start ? -1 : 1;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* ------------------------------------------------------------------------ */
/* Text                                                                      */
/* ------------------------------------------------------------------------ */

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_MAGENTA "\033[1;35m"
#define C_CYAN "\033[1;36m"
#define C_GREEN "\033[1;32m"

static const char *sev_name(Severity s) {
  return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "note";
}

static const char *sev_color(Severity s) {
  return s == SEV_ERROR ? C_RED : s == SEV_WARNING ? C_MAGENTA : C_CYAN;
}

/* The source line of span and a ^~~~ underline of the whole span (first line only). */
static void render_excerpt(Diag *d, FILE *out, Span span, bool color) {
  size_t len;
  uint32_t line_start;
  const char *line = src_line_text(d->src, span.file, span.start, &len, &line_start);
  fprintf(out, "  %.*s\n  ", (int)len, line);
  uint32_t start = span.start - line_start;
  uint32_t end = span.end > span.start ? span.end - line_start : start + 1;
  if (end > len) end = start < len ? (uint32_t)len : start + 1;
  for (uint32_t i = 0; i < start; i++) {
    unsigned char c = (unsigned char)line[i];
    if ((c & 0xC0) == 0x80) continue;
    fputc(c == '\t' ? '\t' : ' ', out);
  }
  if (color) fputs(C_GREEN, out);
  fputc('^', out);
  for (uint32_t i = start + 1; i < end; i++)
    if (i >= len || ((unsigned char)line[i] & 0xC0) != 0x80) fputc('~', out);
  if (color) fputs(C_RESET, out);
  fputc('\n', out);
}

/* "file:line:col: " or the tool name for diagnostics without a location. */
static void render_location(Diag *d, FILE *out, Span span, bool color) {
  if (color) fputs(C_BOLD, out);
  if (span.file == NO_FILE) {
    fputs("missionc: ", out);
  } else {
    int line, col;
    src_linecol(d->src, span.file, span.start, &line, &col);
    fprintf(out, "%s:%d:%d: ", src_file(d->src, span.file)->path, line, col);
  }
  if (color) fputs(C_RESET, out);
}

static void render_text_one(Diag *d, FILE *out, const Diagnostic *g, bool color) {
  Severity sev = g->sev == SEV_WARNING && d->werror && !g->allowed ? SEV_ERROR : g->sev;
  render_location(d, out, g->span, color);
  if (color) fputs(sev_color(sev), out);
  fprintf(out, "%s[%s]", sev_name(sev), g->code);
  if (color) fputs(C_RESET C_BOLD, out);
  fprintf(out, ": %s", g->msg);
  if (g->option) fprintf(out, " [-W%s]", g->option);
  if (color) fputs(C_RESET, out);
  fputc('\n', out);
  if (g->span.file != NO_FILE) render_excerpt(d, out, g->span, color);
  for (const DiagNote *n = g->notes; n; n = n->next) {
    if (n->span.file != NO_FILE) render_location(d, out, n->span, color);
    if (color) fputs(C_CYAN, out);
    fputs("note", out);
    if (color) fputs(C_RESET, out);
    fprintf(out, ": %s\n", n->msg);
    if (n->span.file != NO_FILE) render_excerpt(d, out, n->span, color);
  }
  if (g->allowed) {
    if (color) fputs(C_CYAN, out);
    fputs("note", out);
    if (color) fputs(C_RESET, out);
    fprintf(out, ": allowed: \"%s\"\n", g->allowed);
  }
}

static void render_text(Diag *d, FILE *out, Diagnostic **sorted, int n, bool color) {
  for (int i = 0; i < n; i++) render_text_one(d, out, sorted[i], color);
  if (d->capped)
    fprintf(out, "missionc: too many errors (%d); stopping (use --max-errors to change the limit)\n",
            d->max_errors);
  int errors = diag_error_count(d), warnings = d->werror ? 0 : d->warnings;
  if (errors && warnings)
    fprintf(out, "%d error%s and %d warning%s generated.\n", errors, errors == 1 ? "" : "s", warnings,
            warnings == 1 ? "" : "s");
  else if (errors)
    fprintf(out, "%d error%s generated.\n", errors, errors == 1 ? "" : "s");
  else if (warnings)
    fprintf(out, "%d warning%s generated.\n", warnings, warnings == 1 ? "" : "s");
  if (d->show_allowed && d->allowed.len)
    fprintf(out, "%d warning%s allowed.\n", d->allowed.len, d->allowed.len == 1 ? "" : "s");
}

/* ------------------------------------------------------------------------ */
/* JSON and SARIF                                                            */
/* ------------------------------------------------------------------------ */

void diag_json_string(FILE *out, const char *s) { diag_json_string_n(out, s, strlen(s)); }

void diag_json_string_n(FILE *out, const char *s, size_t n) {
  fputc('"', out);
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    switch (ch) {
    case '"': fputs("\\\"", out); break;
    case '\\': fputs("\\\\", out); break;
    case '\n': fputs("\\n", out); break;
    case '\r': fputs("\\r", out); break;
    case '\t': fputs("\\t", out); break;
    default:
      if (ch < 0x20 || ch == 0x7f) fprintf(out, "\\u%04x", ch);
      else fputc(ch, out);
    }
  }
  fputc('"', out);
}

/* {"file":..,"line":..,"column":..,"endLine":..,"endColumn":..} or null. */
static void json_location(Diag *d, FILE *out, Span span) {
  if (span.file == NO_FILE) {
    fputs("null", out);
    return;
  }
  int l1, c1, l2, c2;
  src_linecol(d->src, span.file, span.start, &l1, &c1);
  src_linecol(d->src, span.file, span.end, &l2, &c2);
  fputs("{\"file\":", out);
  diag_json_string(out, src_file(d->src, span.file)->path);
  fprintf(out, ",\"line\":%d,\"column\":%d,\"endLine\":%d,\"endColumn\":%d,"
               "\"startByte\":%u,\"endByte\":%u}",
          l1, c1, l2, c2, span.start, span.end);
}

/* The severity a diagnostic is shown with (-Werror makes warnings errors). */
static Severity shown_sev(const Diag *d, const Diagnostic *g) {
  return g->sev == SEV_WARNING && d->werror && !g->allowed ? SEV_ERROR : g->sev;
}

/* One JSON document: the tool, every diagnostic with its notes, the counts. */
static void render_json(Diag *d, FILE *out, Diagnostic **sorted, int n, const char *version) {
  fputs("{\"tool\":{\"name\":\"missionc\",\"version\":", out);
  diag_json_string(out, version ? version : "0");
  fputs("},\"diagnostics\":[", out);
  for (int i = 0; i < n; i++) {
    const Diagnostic *g = sorted[i];
    fprintf(out, "%s\n{\"severity\":\"%s\",\"code\":", i ? "," : "", sev_name(shown_sev(d, g)));
    diag_json_string(out, g->code);
    fputs(",\"option\":", out);
    if (g->option) diag_json_string(out, g->option); else fputs("null", out);
    fputs(",\"message\":", out);
    diag_json_string(out, g->msg);
    fputs(",\"location\":", out);
    json_location(d, out, g->span);
    if (g->allowed) {
      fputs(",\"allowed\":", out);
      diag_json_string(out, g->allowed);
    }
    fputs(",\"notes\":[", out);
    for (const DiagNote *nt = g->notes; nt; nt = nt->next) {
      fprintf(out, "%s{\"message\":", nt == g->notes ? "" : ",");
      diag_json_string(out, nt->msg);
      fputs(",\"location\":", out);
      json_location(d, out, nt->span);
      fputc('}', out);
    }
    fputs("]}", out);
  }
  fprintf(out, "\n],\"errors\":%d,\"warnings\":%d,\"truncated\":%s}\n", diag_error_count(d),
          d->werror ? 0 : d->warnings, d->capped ? "true" : "false");
}

/* ------------------------------------------------------------------------ */
/* The catalogue of codes (SARIF rules)                                      */
/* ------------------------------------------------------------------------ */

/* code, rule name, short description, full description (what it means and what
 * satisfies it: SARIF viewers show it instead of a help page). */
#define DIAG_CODE_LIST(X)                                                                        \
  X("E0001", "UnknownWarningOption", "unknown warning option",                                   \
    "A -W or -Wno- option names no warning that missionc knows. The mission-criteria lints "     \
    "are mission-washing, cross-actor, cross-disciplinary, bottom-up, demand-side, "             \
    "conditionality, citizens, unused, orphan-goal, idle-instrument, idle-project and weights; "  \
    "the checker's are shadow, bare-percent and budget-may-exceed, and unused-allow.") \
  X("E0101", "UnexpectedCharacter", "unexpected character",                                      \
    "A character or byte that cannot start a token outside a string. The logical operators "     \
    "are written 'and', 'or' and 'not', not '&&', '||' and '!'.")                                \
  X("E0102", "SyntaxError", "syntax error",                                                      \
    "A token the grammar does not allow at this place; the message names what was expected. "    \
    "Parsing resumes at the next statement, so later errors are reported too.")                  \
  X("E0103", "UnterminatedString", "unterminated string",                                        \
    "A string must be closed with a double quote on the line where it starts.")                  \
  X("E0104", "UnterminatedComment", "unterminated comment",                                      \
    "A /* comment must be closed with */ before the end of the file.")                           \
  X("E0105", "InvalidDate", "invalid date",                                                      \
    "A date literal names a month or a day that does not exist, such as month 13 or "            \
    "2030-02-30.")                                                                               \
  X("E0106", "UnknownEscape", "unknown escape sequence in a string",                             \
    "Strings accept the escapes \\\" \\\\ \\n and \\t only.")                                    \
  X("E0107", "InvalidNumber", "invalid number literal",                                          \
    "A number literal that is too long or cannot be represented as a double.")                   \
  X("E0108", "InvalidUtf8", "string is not valid UTF-8",                                         \
    "Mission files are UTF-8: a string holds bytes that are not valid UTF-8.")                   \
  X("E0109", "NestingTooDeep", "nesting too deep",                                               \
    "The parser ran out of stack: an expression or a block is nested too deeply.")               \
  X("E0201", "UnknownName", "unknown name", \
    "A name (a declaration, a record, a goal, a function) that is declared nowhere, neither in the file nor in its imports; the message suggests a close name when there is one.") \
  X("E0202", "WrongKindOfDeclaration", "name of the wrong kind of declaration", \
    "A name refers to a declaration of another kind than the place takes: 'on' takes a record, 'owner' an actor, a goal is not a value in a formula (use progress(goal) or goal.target).") \
  X("E0203", "DeclaredTwice", "declared twice", \
    "Every declaration, field and parameter name is declared once: all declarations share one namespace, imported ones included.") \
  X("E0204", "ImportNotFound", "cannot find imported file", \
    "An import is looked up next to the importing file, in the -I folders, in MISSION_PATH and in the standard library, with '.mission' implied.") \
  X("E0205", "ImportCycle", "import cycle", \
    "Files import each other in a cycle; imports must form a tree.") \
  X("E0206", "ReservedName", "reserved name", \
    "'date' is reserved in formulas and cannot name a declaration, a field or a parameter; 'bool' is a type, not a unit.") \
  X("E0207", "BuiltinRedefined", "function with a built-in's name", \
    "A fn cannot take the name of a built-in function (min, max, clamp, abs, sqrt, log, exp, pow, round, floor, ceil, progress, expected, on_track).") \
  X("E0208", "UnknownFunction", "unknown function", \
    "A call names no user fn and no built-in function.") \
  X("E0209", "MissionImported", "imported file declares a mission", \
    "An imported file is a library: it cannot declare a mission.") \
  X("E0301", "UnknownUnit", "unknown unit", \
    "A unit name that is neither built in (1, %, day) nor declared with 'unit', here or in an import.") \
  X("E0302", "DimensionMismatch", "mixed dimensions", \
    "Addition, subtraction, comparison, min, max, clamp and the branches of 'if' need operands of the same dimension; scales convert (1 MEUR + 5 EUR), dimensions do not.") \
  X("E0303", "WrongUnit", "value of the wrong unit", \
    "A quantity does not have the dimension the place takes: a weight is a plain number; a goal's baseline, target and expected values are in its indicator's dimension.") \
  X("E0304", "NeedsPlainNumber", "needs a plain number", \
    "log, exp, round, floor, ceil and the exponent of '^' take dimensionless values.") \
  X("E0305", "OddSquareRoot", "square root without a unit", \
    "The square root of a value whose dimension has an odd exponent has no unit.") \
  X("E0306", "PowerOfDimension", "power of a dimension", \
    "A value with a dimension can be raised only to a constant, whole power, so that the result has a unit.") \
  X("E0307", "InvalidUnitDefinition", "invalid unit definition", \
    "A unit is defined by numbers and units with whole exponents, as in 'unit MEUR = 1e6 EUR' or 'unit tpy = t / year'.") \
  X("E0308", "TooManyBaseUnits", "too many base units", \
    "There is room for a fixed number of base units (dimensions); derive the others from them.") \
  X("E0311", "TypeNotUnit", "type used as a unit", \
    "'bool' and 'date' are types: they declare record fields but are not units of quantities.") \
  X("E0312", "UnitExponentTooLarge", "unit exponent too large", \
    "The exponents of a unit's dimension grow beyond what missionc represents.") \
  X("E0401", "PartialDateInFormula", "partial date in a formula", \
    "Formulas take whole dates (YYYY-MM-DD) only; a month or a year is allowed in attributes.") \
  X("E0402", "ReversedPeriod", "period ends before it starts", \
    "A period 'start .. end' must not end before it starts.") \
  X("E0403", "OutsideMissionPeriod", "outside the mission period", \
    "Phases, milestones, goal deadlines, instrument and project periods lie within the mission's period (bounds included).") \
  X("E0404", "MilestoneOutsidePhase", "milestone outside its phase", \
    "A milestone's date lies within the period of its phase.") \
  X("E0405", "AfterViolated", "'after' violated", \
    "'X after Y' means that X starts (or falls) no earlier than Y ends (or falls); equal dates are allowed.") \
  X("E0406", "AfterCycle", "cycle of 'after'", \
    "Phases and milestones ordered by 'after' must not form a cycle.") \
  X("E0407", "ExpectsOutsideRange", "interim value outside baseline and target", \
    "A milestone's 'expects' value for a goal lies between the goal's baseline and target, inclusive.") \
  X("E0408", "DeadlineBeforeBaseline", "deadline before the baseline date", \
    "A goal's target date ('by') comes after its baseline date ('at').") \
  X("E0409", "TargetMetAtBaseline", "target equals baseline", \
    "A goal whose target equals its baseline, or whose baseline already meets its bound (>= t needs a baseline below t, <= t one above t) or lies in its range, measures no progress.") \
  X("E0501", "InstrumentOverBudget", "projects exceed an instrument's budget", \
    "The sum of the 'funded_by' amounts drawn on an instrument stays within its budget (to the cent); with ranges, the sum of the lower ends stays within the budget's upper end.") \
  X("E0502", "MissionOverBudget", "instruments exceed the mission budget", \
    "The sum of the instruments' budgets stays within the mission's budget (to the cent); with ranges, the sum of the lower ends stays within the mission budget's upper end.") \
  X("E0503", "NotMoney", "not an amount of money", \
    "Budgets and funding are money: a currency (a base unit named by its ISO 4217 code, such as EUR, or documented '/// currency') or a unit derived from one, or a rate of money per time (1.5 BGBP / year) with a period to multiply it by.") \
  X("E0504", "CurrencyMismatch", "money in different currencies", \
    "Amounts compared with a budget must be in the same currency; declare an exchange rate (unit SEK = 0.087 EUR) to mix them.") \
  X("E0505", "NegativeMoney", "negative amount of money", \
    "Budgets and funding amounts are not negative.") \
  X("E0601", "ConditionNotBool", "condition is not a bool", \
    "A condition's formula gives a bool (a comparison, and, or, not).") \
  X("E0602", "WeightOutOfRange", "weight outside [0, 1]", \
    "Contribution weights and goal weights lie in [0, 1].") \
  X("E0603", "ParentCycle", "cycle of parents", \
    "Actors and goals ordered by 'parent' must not form a cycle.") \
  X("E0604", "Recursion", "recursion", \
    "Scores, conditions and functions must not use themselves, directly or through others.") \
  X("E0605", "MixedInputs", "rules over different inputs", \
    "A rule may use other rules over the same input only: both 'on' the same record, or both over the indicators.") \
  X("E0606", "SecondMission", "second mission in a file", \
    "A file holds at most one mission.") \
  X("E0608", "WrongType", "value of the wrong type", \
    "An operator or a function gets a value of the wrong type (a number where a bool is needed, a date where a number is).") \
  X("E0609", "WrongArgumentCount", "wrong number of arguments", \
    "A function is called with another number of arguments than it takes.") \
  X("E0612", "ReadsData", "reads data where a constant is needed", \
    "Attribute values are constants, and fn bodies read only their parameters: neither can read indicators, fields or date.") \
  X("E0613", "NoDateField", "'date' on a record without a date", \
    "A rule 'on' a record reads 'date' only when the record has a field of type date.") \
  X("E0614", "FormulaTooDeep", "formula nested too deeply", \
    "A formula is nested more deeply than the checker walks.") \
  X("E0701", "UnknownAttribute", "unknown attribute or column", \
    "An attribute that the declaration's kind does not take (the message suggests a close one), or an actuals column that is not expected.") \
  X("E0702", "GivenTwice", "given twice", \
    "An attribute, or an actuals column, is given more than once.") \
  X("E0703", "MissingAttribute", "required attribute or column missing", \
    "A required attribute is missing (a mission's period, an actor's sector, a goal's indicator, baseline and target ...), or an actuals column is.") \
  X("E0704", "WrongAttributeValue", "attribute value of the wrong form", \
    "An attribute's value is not of the form its schema takes (a name, a date, a string, a quantity).") \
  X("E0705", "WrongValueCount", "wrong number of attribute values", \
    "An attribute needs a value, or takes only one.") \
  X("E0706", "UnknownValue", "unknown value", \
    "A value outside the attribute's list (a sector, a kind of instrument, the warning code of an 'allow' ...), or a second observation of an indicator on one day in the actuals.") \
  X("E0707", "NotOnRecord", "declaration form not allowed", \
    "Only scores and conditions can be 'on' a record, and only scores and functions take a result unit.") \
  X("E0901", "UnknownFocus", "--focus names no declaration", \
    "graph --focus names a declaration that does not exist.") \
  X("E0902", "FocusNotInView", "--focus not drawn by the view", \
    "graph --focus names a declaration that the chosen view does not draw.") \
  X("W0601", "FieldShadows", "field hides a declaration", \
    "A record field with the name of a declaration hides it in the rules on that record (-Wshadow).") \
  X("W0602", "ParameterShadows", "parameter hides a declaration", \
    "A fn parameter with the name of a declaration hides it in the function's body (-Wshadow).") \
  X("W0101", "MissionWashing", "no measurable, time-bound goal (mission washing)",               \
    "Mazzucato's criterion: a mission is targeted, measurable and time-bound. A mission with "   \
    "no goal that has an indicator, a baseline and a target with a deadline is mission "         \
    "washing. Add a goal with 'indicator', 'baseline VALUE at DATE' and 'target VALUE by "       \
    "DEADLINE'.")                                                                                \
  X("W0102", "CrossActor", "actors from fewer than three sectors (cross-actor)",                 \
    "Mazzucato's criterion: a mission is cross-actor, and the OECD and the EU Missions ask for "  \
    "the quadruple helix of public, private, third-sector, academic and citizen actors. The "    \
    "mission's actors come from fewer than 3 of the 5 sectors. Involve actors of the missing "   \
    "sectors.")                                                                                  \
  X("W0103", "CrossDisciplinary", "project spans fewer than two disciplines",                    \
    "Mazzucato's criterion: research and innovation for a mission is cross-disciplinary. A "     \
    "project lists fewer than 2 'disciplines'. List the disciplines the project brings "         \
    "together.")                                                                                 \
  X("W0104", "BottomUp", "goal with fewer than two contributing projects",                       \
    "Mazzucato's criterion: a mission is pursued through multiple, bottom-up solutions, a "      \
    "portfolio of projects rather than one. A goal has a single contributing project. Add "      \
    "projects that contribute to it.")                                                           \
  X("W0105", "DemandSide", "no demand-side instrument",                                          \
    "The OECD's and Mazzucato's advice: a mission articulates supply-push and demand-pull "      \
    "instruments. No instrument has 'push demand' (public procurement counts when 'push' is "    \
    "omitted). Add a demand-side instrument such as procurement, a prize or a standard.")        \
  X("W0106", "Conditionality", "public money to private actors without conditions",              \
    "Mazzucato's advice: public money to business comes with conditionalities (reinvestment, "   \
    "emission cuts, no tax havens). A grant, loan, guarantee or equity instrument funds a "      \
    "project with a private actor and requires no condition. Add 'requires CONDITION'.")         \
  X("W0107", "Citizens", "no citizens among the actors",                                         \
    "Mazzucato's criterion and the EU Missions' implementation: a mission engages citizens. "    \
    "No actor has 'sector citizens'. Add one and involve it in a project.")                      \
  X("W0108", "Unused", "declaration never used",                                                 \
    "A unit, fn, actor, indicator, record, condition or phase declared in the checked file is "  \
    "referenced nowhere (a use inside a unit declaration counts). Use it or remove it.")         \
  X("W0109", "OrphanGoal", "goal that no project contributes to",                                \
    "A goal that no project (nor any project of one of its sub-goals) contributes to: nothing "  \
    "in the portfolio works toward it. Add 'contributes GOAL: WEIGHT' to the projects that "     \
    "pursue it.")                                                                                \
  X("W0110", "IdleInstrument", "instrument that funds no project",                               \
    "An instrument (other than a regulation or a standard) that no project names in "            \
    "'funded_by'. Link the projects it funds or remove it.")                                     \
  X("W0111", "IdleProject", "project that contributes to no goal",                               \
    "A project without 'contributes': it serves none of the mission's goals. Add "               \
    "'contributes GOAL: WEIGHT'.")                                                               \
  X("W0112", "Weights", "contribution weights into a goal do not sum to 1",                      \
    "The weights of the projects contributing to a goal are their shares of it; they should "    \
    "add up to 1 (within 1e-9). Adjust them.")                                                   \
  X("W0113", "BarePercent", "bare number against a percent",                                     \
    "A non-zero plain number meets a name in a dimensionless unit with a scale (%, ppm) through " \
    "+ - comparisons min max clamp or the branches of 'if': 4.2 there is 420%. Write 4.2% "      \
    "(-Wbare-percent).")                                                                         \
  X("W0114", "BudgetMayExceed", "budget may be exceeded",                                        \
    "Amounts given as ranges may exceed a budget: the sum of their upper ends is more than the " \
    "budget's lower end, though the sum of their lower ends fits (-Wbudget-may-exceed).")        \
  X("W0119", "UnusedAllow", "allow that silences nothing",                                       \
    "An 'allow CODE: \"reason\"' on a declaration where no warning CODE is reported: remove it " \
    "or move it to the declaration the warning points at (-Wunused-allow).")

typedef struct CodeInfo {
  const char *code, *name, *brief, *full;
} CodeInfo;

static const CodeInfo code_list[] = {
#define X(code, name, brief, full) {code, name, brief, full},
    DIAG_CODE_LIST(X)
#undef X
};

bool diag_code_known(const char *code) {
  for (size_t i = 0; i < sizeof code_list / sizeof *code_list; i++)
    if (strcmp(code_list[i].code, code) == 0) return true;
  return false;
}

const char *diag_code_at(int i) {
  return i >= 0 && (size_t)i < sizeof code_list / sizeof *code_list ? code_list[i].code : NULL;
}

/* Families, by the first three characters of a code: the entry for a code the
 * catalogue does not list. The tag goes into the rule's properties. */
static const struct {
  const char *prefix, *tag;
  CodeInfo info;
} code_families[] = {
    {"E00", "command-line", {NULL, NULL, "command-line error", "An error in the command line."}},
    {"E01", "syntax", {NULL, NULL, "syntax error", "The file does not follow the grammar."}},
    {"E02", "names", {NULL, NULL, "name or import error",
                      "A name that does not resolve, is declared twice or names the wrong kind of "
                      "declaration, or an import that cannot be loaded."}},
    {"E03", "units", {NULL, NULL, "units and dimensions", "Units or dimensions do not agree."}},
    {"E04", "dates", {NULL, NULL, "dates and timeline",
                      "Dates, periods, milestones or 'after' do not agree."}},
    {"E05", "budgets", {NULL, NULL, "budgets", "Money does not add up within the budgets."}},
    {"E06", "rules", {NULL, NULL, "rules and structure",
                      "A formula, a weight or the structure of the mission is inconsistent."}},
    {"E07", "schema", {NULL, NULL, "attribute error",
                       "An attribute is unknown, missing, repeated or of the wrong form."}},
    {"E09", "command-line", {NULL, NULL, "option error", "An option names something that does not exist."}},
    {"W06", "shadow", {NULL, NULL, "shadowing", "A local name hides a declaration."}},
    {"W01", "mission-criteria", {NULL, NULL, "mission criteria", "A mission criterion is not met."}},
};

/* What the catalogue says about code; a family's entry (with no name) for a
 * code it does not list, and NULL descriptions for an unknown family. */
static CodeInfo code_info(const char *code, const char **tag) {
  CodeInfo info = {code, NULL, NULL, NULL};
  *tag = NULL;
  for (size_t i = 0; i < sizeof code_families / sizeof *code_families; i++)
    if (strncmp(code, code_families[i].prefix, 3) == 0) {
      *tag = code_families[i].tag;
      info = code_families[i].info;
      info.code = code;
    }
  for (size_t i = 0; i < sizeof code_list / sizeof *code_list; i++)
    if (strcmp(code_list[i].code, code) == 0) return code_list[i];
  return info;
}

/* ------------------------------------------------------------------------ */
/* SARIF 2.1.0                                                               */
/* ------------------------------------------------------------------------ */

/* path as a URI reference: relative paths stay relative, absolute ones become
 * file:// URIs; every byte outside A-Z a-z 0-9 - . _ ~ / is percent-encoded. */
static void sarif_uri(FILE *out, const char *path) {
  fputc('"', out);
  if (path[0] == '/') fputs("file://", out);
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    bool plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                 strchr("-._~/", *p);
    if (plain) fputc(*p, out);
    else fprintf(out, "%%%02X", *p);
  }
  fputc('"', out);
}

/* text as a sentence: first letter capitalised, a final period added. */
static const char *sentence(Diag *d, const char *text) {
  size_t n = strlen(text);
  bool stop = n > 0 && strchr(".?!", text[n - 1]);
  char *s = arena_printf(d->arena, "%s%s", text, stop ? "" : ".");
  if (s[0] >= 'a' && s[0] <= 'z') s[0] = (char)(s[0] - 'a' + 'A');
  return s;
}

/* {"text":..}: the message, then each note without a location on a line of its own. */
static void sarif_message(Diag *d, FILE *out, const char *msg, const DiagNote *notes) {
  const char *text = sentence(d, msg);
  for (const DiagNote *nt = notes; nt; nt = nt->next)
    if (nt->span.file == NO_FILE) text = arena_printf(d->arena, "%s\n%s", text, sentence(d, nt->msg));
  fputs("{\"text\":", out);
  diag_json_string(out, text);
  fputc('}', out);
}

/* "physicalLocation":{artifactLocation, region with its snippet}. Artifacts are
 * listed by source index, so the index is the span's file. */
static void sarif_physical(Diag *d, FILE *out, Span span) {
  const SourceFile *f = src_file(d->src, span.file);
  int l1, c1, l2, c2;
  src_linecol(d->src, span.file, span.start, &l1, &c1);
  src_linecol(d->src, span.file, span.end, &l2, &c2);
  if (l2 < l1 || (l2 == l1 && c2 <= c1)) l2 = l1, c2 = c1 + 1;   /* show empty spans as one character */
  fputs("\"physicalLocation\":{\"artifactLocation\":{\"uri\":", out);
  sarif_uri(out, f->path);
  fprintf(out, ",\"index\":%u},\"region\":{\"startLine\":%d,\"startColumn\":%d,\"endLine\":%d,"
               "\"endColumn\":%d",
          span.file, l1, c1, l2, c2);
  if (span.end > span.start && span.end <= f->len && span.end - span.start <= 4096) {
    fputs(",\"snippet\":{\"text\":", out);
    diag_json_string(out, arena_strndup(d->arena, f->text + span.start, span.end - span.start));
    fputc('}', out);
  }
  fputs("}}", out);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct codes of the diagnostics, sorted: the rules of the run. */
static int sarif_codes(Diag *d, Diagnostic **sorted, int n, const char ***codes) {
  const char **list = arena_alloc(d->arena, (size_t)(n ? n : 1) * sizeof *list);
  int len = 0;
  for (int i = 0; i < n; i++) list[len++] = sorted[i]->code;
  qsort(list, (size_t)len, sizeof *list, cmp_str);
  int kept = 0;
  for (int i = 0; i < len; i++)
    if (kept == 0 || strcmp(list[kept - 1], list[i]) != 0) list[kept++] = list[i];
  *codes = list;
  return kept;
}

/* One reportingDescriptor: id, name, descriptions, default level, tags. */
static void sarif_rule(Diag *d, FILE *out, const char *code) {
  const char *tag;
  CodeInfo info = code_info(code, &tag);
  bool warning = code[0] == 'W';
  fputs("{\"id\":", out);
  diag_json_string(out, code);
  if (info.name) {
    fputs(",\"name\":", out);
    diag_json_string(out, info.name);
  }
  const char *brief = info.brief ? info.brief : arena_printf(d->arena, "missionc %s %s",
                                                             warning ? "warning" : "error", code);
  fputs(",\"shortDescription\":{\"text\":", out);
  diag_json_string(out, sentence(d, brief));
  fputs("},\"fullDescription\":{\"text\":", out);
  diag_json_string(out, sentence(d, info.full ? info.full : brief));
  fprintf(out, "},\"defaultConfiguration\":{\"level\":\"%s\"}", warning ? "warning" : "error");
  if (tag) fprintf(out, ",\"properties\":{\"tags\":[\"%s\"]}", tag);
  fputc('}', out);
}

/* One result: rule, level, message, location and the notes as related locations. */
static void sarif_result(Diag *d, FILE *out, const Diagnostic *g, int rule) {
  Severity sev = shown_sev(d, g);
  fputs("{\"ruleId\":", out);
  diag_json_string(out, g->code);
  fprintf(out, ",\"ruleIndex\":%d,\"level\":\"%s\",\"message\":", rule,
          sev == SEV_ERROR ? "error" : sev == SEV_WARNING ? "warning" : "note");
  sarif_message(d, out, g->msg, g->notes);
  if (g->span.file != NO_FILE) {
    fputs(",\"locations\":[{", out);
    sarif_physical(d, out, g->span);
    fputs("}]", out);
  }
  int id = 0;
  for (const DiagNote *nt = g->notes; nt; nt = nt->next) {
    if (nt->span.file == NO_FILE) continue;
    fprintf(out, "%s{\"id\":%d,", id ? "," : ",\"relatedLocations\":[", id);
    id++;
    sarif_physical(d, out, nt->span);
    fputs(",\"message\":", out);
    sarif_message(d, out, nt->msg, NULL);
    fputc('}', out);
  }
  if (id) fputc(']', out);
  if (g->allowed) {
    fputs(",\"suppressions\":[{\"kind\":\"inSource\",\"justification\":", out);
    diag_json_string(out, g->allowed);
    fputs("}]", out);
  }
  fputc('}', out);
}

/* A SARIF 2.1.0 log with one run: the tool and its rules, the invocation, every
 * source file as an artifact, and one result per diagnostic. */
static void render_sarif(Diag *d, FILE *out, Diagnostic **sorted, int n, const char *version) {
  const char **codes;
  int ncodes = sarif_codes(d, sorted, n, &codes);
  fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
        "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"missionc\",\"version\":", out);
  diag_json_string(out, version ? version : "0");
  fputs(",\"semanticVersion\":", out);
  diag_json_string(out, version ? version : "0.0.0");
  fputs(",\"rules\":[", out);
  for (int i = 0; i < ncodes; i++) {
    fputs(i ? ",\n" : "\n", out);
    sarif_rule(d, out, codes[i]);
  }
  fputs("]}},\n\"invocations\":[{\"executionSuccessful\":true", out);
  if (d->capped)
    fprintf(out, ",\"toolExecutionNotifications\":[{\"level\":\"error\",\"message\":{\"text\":"
                 "\"Too many errors (%d); stopping (use --max-errors to change the limit).\"}}]",
            d->max_errors);
  fputs("}],\n\"artifacts\":[", out);
  for (size_t i = 0; i < d->src->count; i++) {
    const SourceFile *f = src_file(d->src, (uint32_t)i);
    fputs(i ? ",\n" : "\n", out);
    fputs("{\"location\":{\"uri\":", out);
    sarif_uri(out, f->path);
    fprintf(out, "},\"length\":%zu,\"sourceLanguage\":\"mission\"}", f->len);
  }
  fputs("],\n\"columnKind\":\"unicodeCodePoints\",\n\"results\":[", out);
  for (int i = 0; i < n; i++) {
    int rule = 0;
    while (strcmp(codes[rule], sorted[i]->code) != 0) rule++;
    fputs(i ? ",\n" : "\n", out);
    sarif_result(d, out, sorted[i], rule);
  }
  fputs("\n]}]}\n", out);
}

void diag_render(Diag *d, FILE *out, const DiagRenderOptions *opt) {
  int n = d->list.len + (d->show_allowed ? d->allowed.len : 0);
  Diagnostic **sorted = arena_alloc(d->arena, (size_t)(n ? n : 1) * sizeof *sorted);
  for (int i = 0; i < d->list.len; i++) sorted[i] = d->list.items[i];
  for (int i = d->list.len; i < n; i++) sorted[i] = d->allowed.items[i - d->list.len];
  qsort(sorted, (size_t)n, sizeof *sorted, diag_cmp);
  /* Render into memory and write once: stderr is unbuffered, and a write per
   * character made thousands of diagnostics take longer than the checking. */
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  FILE *to = mem ? mem : out;
  switch (opt->format) {
  case DIAG_TEXT: render_text(d, to, sorted, n, opt->color); break;
  case DIAG_JSON: render_json(d, to, sorted, n, opt->tool_version); break;
  case DIAG_SARIF: render_sarif(d, to, sorted, n, opt->tool_version); break;
  }
  if (mem) {
    fclose(mem);
    fwrite(buf, 1, len, out);
    free(buf);
  }
  fflush(out);
}
