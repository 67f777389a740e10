/* util.h - small helpers shared by every module. */
#ifndef MISSION_UTIL_H
#define MISSION_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
noreturn void fatal_bug(const char *file, int line, const char *what);

/* An internal bug: never a user diagnostic. */
#define unreachable_bug(what) fatal_bug(__FILE__, __LINE__, what)
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* What a library call reports; the command line turns it into an exit status.
 * MS_INPUT: the input has errors (diagnostics or *err say which); MS_FAILED: the
 * request cannot be carried out (a bad name or value, an I/O failure). */
typedef enum { MS_OK = 0, MS_INPUT = 1, MS_FAILED = 2 } MsStatus;

/* Store a formatted, malloc'd message in *err (nothing when err is NULL). */
void error_printf(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The length (1 to 4) of the valid UTF-8 sequence at s[0..n), or 0 when the bytes
 * there are not valid UTF-8 (overlong, surrogate, beyond U+10FFFF, cut short). */
size_t utf8_sequence(const char *s, size_t n);
/* Copy s[0..n) to buf (n + 1 bytes) for a terminal: every control character (C0 but
 * tab, DEL, C1) and every byte that is not valid UTF-8 becomes one '?', so that
 * offsets are unchanged; keep_newlines keeps '\n'. Returns buf. */
char *util_terminal_text(char *buf, const char *s, size_t n, bool keep_newlines);

/* Print "missionc: error: MESSAGE" on standard error, the message (which quotes the
 * user's names and paths) cut to 1000 bytes and without control characters. */
void util_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Edit distance between two strings, capped at limit+1 (for "did you mean"). */
int edit_distance(const char *a, const char *b, int limit);

#endif
