/* outfile.c - the one writer of every command's output; see outfile.h.
 *
 * Modelled on git's lockfile.c and SQLite's journal: the new contents go to a temporary
 * file in the target's folder (so that the rename cannot cross file systems), created
 * with mkstemp (O_EXCL: a symlink planted at a guessed name is never followed), given the
 * old file's mode and owner, fsync'ed, and renamed over the target only once every write
 * succeeded. Devices and FIFOs cannot be replaced, so they are written directly.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define OUTFILE_MAX_LINKS 40    /* symlinks followed before ELOOP, as the kernel does */
#define OUTFILE_MAX_LIVE 8      /* temporaries open at once (build: the code, the header) */

/* ------------------------------------------------------------------------
 * Temporaries removed when a signal ends the run
 * ------------------------------------------------------------------------ */

static char *volatile live[OUTFILE_MAX_LIVE];

/* What: the signal handler; removes the live temporaries, then dies of the signal. */
static void remove_live_and_die(int sig) {
  for (int i = 0; i < OUTFILE_MAX_LIVE; i++)
    if (live[i]) unlink(live[i]);
  signal(sig, SIG_DFL);
  raise(sig);
}

/* What: installs the handler once, for the signals that end a run. */
static void catch_signals(void) {
  static bool done;
  if (done) return;
  done = true;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = remove_live_and_die;
  sigemptyset(&sa.sa_mask);
  int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
  for (size_t i = 0; i < COUNT_OF(sigs); i++) {
    struct sigaction old;
    /* a signal ignored by the caller (nohup) stays ignored */
    if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    sigaction(sigs[i], &sa, NULL);
  }
}

/* What: records a temporary for the signal handler (no-op when the table is full). */
static void live_add(char *path) {
  catch_signals();
  for (int i = 0; i < OUTFILE_MAX_LIVE; i++)
    if (!live[i]) {
      live[i] = path;
      return;
    }
}

/* What: forgets a temporary once it is renamed or removed. */
static void live_remove(const char *path) {
  for (int i = 0; i < OUTFILE_MAX_LIVE; i++)
    if (live[i] == path) live[i] = NULL;
}

/* ------------------------------------------------------------------------
 * Paths
 * ------------------------------------------------------------------------ */

/* What: the folder part of path ("." when it has none), malloc'd. */
static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return xstrdup(".");
  if (slash == path) return xstrdup("/");
  size_t n = (size_t)(slash - path);
  char *d = xmalloc(n + 1);
  memcpy(d, path, n);
  d[n] = '\0';
  return d;
}

/* What: path with every symlink of its last component followed (a dangling link gives
 * the file it would create), malloc'd; NULL with errno (ELOOP, EACCES ...) on failure. */
static char *resolve_links(const char *path) {
  char *p = xstrdup(path);
  for (int hops = 0;; hops++) {
    struct stat st;
    if (lstat(p, &st) != 0) {
      if (errno == ENOENT) return p;
      int e = errno;
      free(p);
      errno = e;
      return NULL;
    }
    if (!S_ISLNK(st.st_mode)) return p;
    if (hops == OUTFILE_MAX_LINKS) {
      free(p);
      errno = ELOOP;
      return NULL;
    }
    char link[PATH_MAX];
    ssize_t n = readlink(p, link, sizeof link - 1);
    if (n < 0) {
      int e = errno;
      free(p);
      errno = e;
      return NULL;
    }
    link[n] = '\0';
    char *next;
    if (link[0] == '/' || !strchr(p, '/')) {
      next = xstrdup(link);
    } else {
      char *dir = dir_of(p);
      size_t len = strlen(dir) + 1 + (size_t)n + 1;
      next = xmalloc(len);
      snprintf(next, len, "%s/%s", dir, link);
      free(dir);
    }
    free(p);
    p = next;
  }
}

/* What: the temporary's template, DIR/.BASE.XXXXXX (BASE cut to stay within NAME_MAX). */
static char *temp_template(const char *target) {
  char *dir = dir_of(target);
  const char *slash = strrchr(target, '/');
  const char *base = slash ? slash + 1 : target;
  size_t len = strlen(dir) + strlen(base) + 16;
  char *t = xmalloc(len);
  snprintf(t, len, "%s/.%.200s.XXXXXX", dir, base);
  free(dir);
  return t;
}

/* What: the permission bits a new file gets from the umask. */
static mode_t new_file_mode(unsigned flags) {
  mode_t mask = umask(0);
  umask(mask);
  return ((flags & OUTFILE_EXECUTABLE) ? 0777 : 0666) & ~mask;
}

/* ------------------------------------------------------------------------
 * Opening
 * ------------------------------------------------------------------------ */

/* What: opens a device or FIFO for writing in place (no truncation, no rename). */
static int open_direct(OutFile *o, char **err) {
  int fd = open(o->target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0 || !(o->fp = fdopen(fd, "w"))) {
    error_printf(err, "cannot write '%s': %s", o->name, strerror(errno));
    if (fd >= 0) close(fd);
    return -1;
  }
  o->direct = true;
  return 0;
}

/* What: creates the temporary beside the target, with the old file's mode and owner
 * (old is NULL for a new file). */
static int open_temp(OutFile *o, const struct stat *old, unsigned flags, char **err) {
  o->temp = temp_template(o->target);
  int fd = mkstemp(o->temp);
  if (fd < 0) {
    char *dir = dir_of(o->target);
    error_printf(err, "cannot write '%s': cannot create a temporary file in '%s': %s", o->name,
                 dir, strerror(errno));
    free(dir);
    free(o->temp);
    o->temp = NULL;
    outfile_abort(o);   /* frees the target's path */
    return -1;
  }
  live_add(o->temp);
  if (old) {
    /* the owner first: chown clears the set-id bits that fchmod then restores;
       an unprivileged user cannot give the file away, and keeps it then */
    if (old->st_uid != geteuid() || old->st_gid != getegid())
      (void)!fchown(fd, old->st_uid, old->st_gid);
    fchmod(fd, old->st_mode & 07777);
  } else {
    fchmod(fd, new_file_mode(flags));
  }
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  if (!(o->fp = fdopen(fd, "w"))) {
    error_printf(err, "cannot write '%s': %s", o->name, strerror(errno));
    close(fd);
    outfile_abort(o);
    return -1;
  }
  return 0;
}

int outfile_open(OutFile *o, const char *path, unsigned flags, char **err) {
  memset(o, 0, sizeof *o);
  if (!path || strcmp(path, "-") == 0) {
    o->fp = stdout;
    o->name = "standard output";
    o->direct = o->is_stdout = true;
    return 0;
  }
  o->name = path;
  if (!*path) {
    error_printf(err, "cannot write to an empty file name");
    return -1;
  }
  if (!(o->target = resolve_links(path))) {
    error_printf(err, "cannot write '%s': %s", path, strerror(errno));
    return -1;
  }
  struct stat st;
  if (stat(o->target, &st) != 0) {
    if (errno != ENOENT) {
      error_printf(err, "cannot write '%s': %s", path, strerror(errno));
      outfile_abort(o);
      return -1;
    }
    return open_temp(o, NULL, flags, err);
  }
  if (S_ISREG(st.st_mode)) return open_temp(o, &st, flags, err);
  int rc = -1;
  if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
    rc = open_direct(o, err);
  else if (S_ISDIR(st.st_mode))
    error_printf(err, "cannot write '%s': it is a folder", path);
  else
    error_printf(err, "cannot write '%s': not a regular file, a character device or a FIFO", path);
  if (rc != 0) outfile_abort(o);
  return rc;
}

/* ------------------------------------------------------------------------
 * Finishing
 * ------------------------------------------------------------------------ */

/* What: flushes o->fp and reports the first error a write, the flush, fsync or fclose met. */
static int flush_and_close(OutFile *o, char **err) {
  int e = 0;
  if (fflush(o->fp) != 0) e = errno ? errno : EIO;
  bool failed = e != 0 || ferror(o->fp);
  if (!failed && o->temp && fsync(fileno(o->fp)) != 0) {
    e = errno;
    failed = true;
  }
  if (o->is_stdout) {
    clearerr(o->fp);
  } else {
    if (fclose(o->fp) != 0 && !failed) {
      e = errno;
      failed = true;
    }
  }
  o->fp = NULL;
  if (failed)
    error_printf(err, "cannot write '%s': %s", o->name, e ? strerror(e) : "a write failed");
  return failed ? -1 : 0;
}

/* What: makes the rename durable: fsync of the folder (best effort). */
static void sync_dir(const char *target) {
  char *dir = dir_of(target);
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
  free(dir);
}

/* What: frees what the OutFile owns and forgets its temporary. */
static void release(OutFile *o) {
  if (o->temp) live_remove(o->temp);
  free(o->temp);
  free(o->target);
  o->temp = o->target = NULL;
}

int outfile_commit(OutFile *o, char **err) {
  if (flush_and_close(o, err) != 0) {
    outfile_abort(o);
    return -1;
  }
  if (o->temp && rename(o->temp, o->target) != 0) {
    error_printf(err, "cannot write '%s': %s", o->name, strerror(errno));
    outfile_abort(o);
    return -1;
  }
  if (o->temp) sync_dir(o->target);
  release(o);
  return 0;
}

void outfile_abort(OutFile *o) {
  if (o->fp && !o->is_stdout) fclose(o->fp);
  o->fp = NULL;
  if (o->temp) unlink(o->temp);
  release(o);
}

int outfile_write(const char *path, const void *data, size_t len, unsigned flags, char **err) {
  OutFile o;
  if (outfile_open(&o, path, flags, err) != 0) return -1;
  if (len && fwrite(data, 1, len, o.fp) != len) {
    error_printf(err, "cannot write '%s': %s", o.name, strerror(errno));
    outfile_abort(&o);
    return -1;
  }
  return outfile_commit(&o, err);
}

bool outfile_same_file(const char *path, const char *other) {
  if (!path || !other || strcmp(path, "-") == 0 || strcmp(other, "-") == 0) return false;
  struct stat a, b;
  return stat(path, &a) == 0 && stat(other, &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}
