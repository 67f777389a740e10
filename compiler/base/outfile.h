/* outfile.h - the one writer of every command's output (-o), after git's lockfile.c.
 *
 *   outfile_open(&o, path)   "-" or NULL: standard output, written directly;
 *                            a character device or a FIFO: opened and written directly;
 *                            a regular file, or no file yet: a temporary file beside it
 *                            (mkstemp, same folder, same mode and owner as the old file);
 *                            a symlink: the same, for the file it points to (the link stays);
 *                            anything else (a folder, a block device, a socket): refused
 *   write to o.fp            (the only stream the caller writes to)
 *   outfile_commit(&o)       flush, check every error (ENOSPC included), fsync, rename the
 *                            temporary over the target
 *   outfile_abort(&o)        remove the temporary; the old file is left as it was
 *
 * A failure at any step leaves the old file byte for byte as it was and removes the
 * temporary; a signal (INT, TERM, HUP, PIPE) that ends the run removes it too.
 * The user's file itself is never removed.
 */
#ifndef MISSION_OUTFILE_H
#define MISSION_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum {
  OUTFILE_EXECUTABLE = 1u << 0,   /* a new file gets mode 0777 & ~umask (a shared library) */
};

typedef struct OutFile {
  FILE *fp;            /* write here */
  const char *name;    /* for messages: the path as given, or "standard output" */
  char *target;        /* the file replaced: the path with its symlinks resolved */
  char *temp;          /* the temporary file beside it; NULL when written directly */
  bool direct;         /* standard output, a character device or a FIFO */
  bool is_stdout;
} OutFile;

/* Open path for writing; 0, or -1 with a malloc'd message in *err and nothing created. */
int outfile_open(OutFile *o, const char *path, unsigned flags, char **err);
/* Finish: flush and check every error, fsync, rename into place. 0, or -1 with *err
 * (then, as after outfile_abort, the old file is untouched and the temporary gone). */
int outfile_commit(OutFile *o, char **err);
/* Give up: close and remove the temporary; the target is left untouched. */
void outfile_abort(OutFile *o);
/* Write len bytes to path in one go (open, write, commit); 0 or -1 with *err. */
int outfile_write(const char *path, const void *data, size_t len, unsigned flags, char **err);
/* Whether path and other name the same existing file (device and inode, symlinks
 * followed); "-" and files that do not exist name nothing. */
bool outfile_same_file(const char *path, const char *other);

#endif
