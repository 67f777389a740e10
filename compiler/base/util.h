/* util.h - small helpers shared by every module. */
#ifndef MISSION_UTIL_H
#define MISSION_UTIL_H

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

/* Edit distance between two strings, capped at limit+1 (for "did you mean"). */
int edit_distance(const char *a, const char *b, int limit);

#endif
