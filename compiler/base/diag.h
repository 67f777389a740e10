/* diag.h - diagnostics: collected, then rendered as text, JSON or SARIF. */
#ifndef MISSION_DIAG_H
#define MISSION_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "arena.h"
#include "diag_codes.h"
#include "source.h"

typedef enum { SEV_ERROR, SEV_WARNING, SEV_NOTE } Severity;
typedef enum { DIAG_TEXT, DIAG_JSON, DIAG_SARIF } DiagFormat;

typedef struct DiagNote {
  Span span;            /* NO_SPAN for a note without location */
  const char *msg;
  struct DiagNote *next;
} DiagNote;

/* A fix-it: replace the text of span with text (an empty span inserts). Editors
 * offer it as a quick fix (missionc lsp's code actions). */
typedef struct DiagFix {
  Span span;
  const char *text;
  const char *title;    /* "replace with 'x'", "add import \"std/units\"" */
  struct DiagFix *next;
} DiagFix;

typedef struct Diagnostic {
  Severity sev;
  DiagCode code;        /* stable code: E0101, W0601 ... (diag_codes.h) */
  const char *option;   /* warnings: the -W name that controls it, else NULL */
  Span span;
  const char *msg;
  DiagNote *notes, *last_note;
  DiagFix *fixes;       /* fix-its, in the order given */
  size_t seq;           /* emission order, to keep sorting stable */
  const char *allowed;  /* silenced by an `allow`: its reason, else NULL */
  int located_notes;    /* notes with a location given so far (see diag_note) */
  DiagNote *more_note;  /* "and N more like them", past DIAG_MAX_LOCATED_NOTES */
  char *more_text;
} Diagnostic;

/* Notes with a location listed under one diagnostic; diag_note counts the rest. */
#define DIAG_MAX_LOCATED_NOTES 20

typedef struct Diag {
  Arena *arena;
  Sources *src;
  PtrVec list;          /* Diagnostic* */
  int errors, warnings;
  int max_errors;       /* 0: no cap */
  bool capped;          /* the cap was reached: stop reporting */
  bool werror;          /* warnings count as errors */
  PtrVec allowed;       /* Diagnostic*: warnings silenced by an `allow` (not counted) */
  bool show_allowed;    /* --show-allowed: print them too, with their reasons */
} Diag;

Diag *diag_new(Arena *a, Sources *src);
/* An error at span. Returns the diagnostic to attach notes to (NULL past the cap). */
Diagnostic *diag_error(Diag *d, Span span, DiagCode code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A warning controlled by -W<option>. */
Diagnostic *diag_warning(Diag *d, Span span, DiagCode code, const char *option,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A note under a diagnostic (no-op on NULL); past DIAG_MAX_LOCATED_NOTES notes with a
 * location, one "and N more like them" note counts the others without formatting them. */
void diag_note(Diag *d, Diagnostic *on, Span span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The code as text ("E0201"), and its title as LANGUAGE.md heads it ("unknown name"). */
const char *diag_code_text(DiagCode code);
const char *diag_code_title(DiagCode code);
/* A fix-it under a diagnostic (no-op on NULL): replace span with text. */
void diag_fix(Diag *d, Diagnostic *on, Span span, const char *text, const char *title);
/* True once --max-errors errors were reported. */
bool diag_capped(const Diag *d);
/* Forget the diagnostics reported so far (once they are rendered), so that a later
 * render shows only the new ones. */
void diag_clear(Diag *d);
/* Number of errors, counting warnings under -Werror. */
int diag_error_count(const Diag *d);

typedef struct DiagRenderOptions {
  DiagFormat format;
  bool color;
  const char *tool_version;
} DiagRenderOptions;

/* Write a string as a JSON string literal (UTF-8 kept; control characters and DEL escaped). */
void diag_json_string(FILE *out, const char *s);
void diag_json_string_n(FILE *out, const char *s, size_t n);

/* Whether the catalogue lists code ("W0110"); its i-th code, NULL past the end. */
bool diag_code_known(const char *code);
const char *diag_code_at(int i);

/* Print every diagnostic, sorted by file and position, in the chosen format. */
void diag_render(Diag *d, FILE *out, const DiagRenderOptions *opt);

#endif
