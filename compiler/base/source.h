/* source.h - source files, spans, and line maps (line:col only when printing). */
#ifndef MISSION_SOURCE_H
#define MISSION_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* A byte range [start, end) in one source file. */
typedef struct Span {
  uint32_t file;   /* index into Sources; NO_FILE for "no location" */
  uint32_t start, end;
} Span;

#define NO_FILE UINT32_MAX
#define NO_SPAN ((Span){NO_FILE, 0, 0})

typedef struct SourceFile {
  const char *path;     /* as given by the user (or "<stdin>") */
  const char *real;     /* canonical path, to load each file once; NULL for stdin/memory */
  char *text;           /* NUL-terminated contents */
  size_t len;
  uint32_t *lines;      /* byte offset of each line start, built on first use (released: of
                         * every 64th line only, see source.c) */
  size_t nlines;
  /* An excerpt of a data file (a CSV that is streamed, never held whole): text holds
   * only some of its lines, the first of which is line line_base + 1 of the file. */
  bool excerpt;
  bool hidden;          /* an excerpt whose lines are not known: locations only, no source line */
  uint32_t line_base;
  /* A file read from disk whose text was given back once parsed (src_release): text is
   * NULL and src_line_text, src_linecol and src_slice read what they need from fd again
   * (lines are built before). changed: the file is no longer what was parsed (its
   * size or modification time differ): what is read from it then is blanks. */
  bool from_disk;       /* read by src_load from a regular file, whole; the identity below is set */
  bool released;
  bool changed;
  int fd;               /* released: the file, open for reading; else -1 */
  uint64_t dev, ino, mtime_ns;
  struct SrcLines *reread;   /* released: the lines read again, by line index */
} SourceFile;

typedef struct Sources {
  SourceFile **files;
  size_t count, cap;
} Sources;

Sources *src_new(void);
void src_free(Sources *s);
/* Add a file from memory (the text is copied). Returns its index. */
uint32_t src_add(Sources *s, const char *path, const char *text, size_t len);
/* The same for the unsaved text of a file on disk (an editor's buffer): real is its
 * canonical path, so that imports resolve next to it and an import of it finds it. */
uint32_t src_add_as(Sources *s, const char *path, const char *real, const char *text, size_t len);
/* An excerpt of a data file: text is its lines from line line_base + 1 on (copied);
 * hidden when the text only places a value at its column (the line itself is not
 * known: standard input, a compressed file). Returns its index. */
uint32_t src_add_excerpt(Sources *s, const char *path, const char *text, size_t len, uint32_t line_base,
                         bool hidden);
/* Read a file ("-" is stdin). Returns its index, or -1 with errno-based message in *err. */
int64_t src_load(Sources *s, const char *path, char *err, size_t errlen);
/* Give back the text of a file read from disk once it is parsed (the tree holds copies
 * of what it needs), keeping the file open: the lines a diagnostic shows are read from it
 * again, one by one. False (and nothing changes) for other sources, or when the file on
 * disk is no longer the one read. Only for commands that read the text through the
 * functions below (`check`); f->text is NULL afterwards. */
bool src_release(Sources *s, uint32_t id);
/* The bytes of span (one file) as a NUL-terminated copy in the arena: from the text, or
 * read again from a released file (blanks if it has changed). */
struct Arena;
char *src_slice(Sources *s, Span span, struct Arena *a);
/* Whether a released file has changed on disk since it was read (checked now). */
bool src_changed(Sources *s, uint32_t id);
/* The index of an already loaded file with this canonical path, or -1. */
int64_t src_find_real(const Sources *s, const char *real);
const SourceFile *src_file(const Sources *s, uint32_t id);
/* 1-based line and column (in characters) of a byte offset. */
void src_linecol(Sources *s, uint32_t file, uint32_t offset, int *line, int *col);
/* The text of the line holding offset, without its newline. */
const char *src_line_text(Sources *s, uint32_t file, uint32_t offset, size_t *len, uint32_t *line_start);
Span span_join(Span a, Span b);

#endif
