/* test_outfile.c - the one writer of outputs (outfile.c): what is replaced, what is
 * written directly, what is refused, and that a failure keeps the old file.
 *
 * Device nodes are mknod copies in a temporary folder (c 1 7 is /dev/full, c 1 3 is
 * /dev/null), never the real /dev; the tests that need root (mknod, chown, a read-only
 * folder that root could still write) drop or skip what they cannot do. */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outfile.h"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static char dir[256];

/* A fresh temporary folder for each test, made readable to everyone (for the tests
 * that drop root) and removed afterwards. */
static void setup(void) {
  snprintf(dir, sizeof dir, "%s/outfile-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  cr_assert(mkdtemp(dir) != NULL);
  chmod(dir, 0777);
}

static void teardown(void) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", dir, dir);
  (void)!system(cmd);
}

TestSuite(outfile, .init = setup, .fini = teardown);

/* dir/name, in a static buffer (one of four, so that a call can take two). */
static const char *at(const char *name) {
  static char buf[4][512];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
  return buf[k];
}

/* Create dir/name holding text with the given mode. */
static void put(const char *name, const char *text, mode_t mode) {
  FILE *f = fopen(at(name), "w");
  cr_assert(f != NULL);
  fputs(text, f);
  cr_assert(eq(int, fclose(f), 0));
  cr_assert(eq(int, chmod(at(name), mode), 0));
}

/* The contents of dir/name (malloc'd), or NULL. */
static char *get(const char *name) {
  FILE *f = fopen(at(name), "r");
  if (!f) return NULL;
  char *buf = calloc(1, 65536);
  size_t n = fread(buf, 1, 65535, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* Whether dir/name holds exactly text. */
static bool holds(const char *name, const char *text) {
  char *got = get(name);
  bool same = got && strcmp(got, text) == 0;
  free(got);
  return same;
}

/* The number of entries in the folder (a temporary left behind adds one). */
static int entries(void) {
  DIR *d = opendir(dir);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) n++;
  closedir(d);
  return n;
}

static mode_t mode_of(const char *name) {
  struct stat st;
  cr_assert(eq(int, lstat(at(name), &st), 0));
  return st.st_mode;
}

/* Whether a mode is of the file type (S_IFLNK ...). */
static bool is_kind(mode_t type, mode_t mode) { return (mode & S_IFMT) == type; }

/* Whether a wait status is a normal exit with status 0. */
static bool exited_ok(int status) { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

/* Make a character device like /dev/full (minor 7) or /dev/null (3) in the folder;
 * false when not allowed (not root). */
static bool make_device(const char *name, unsigned minor) {
  return mknod(at(name), S_IFCHR | 0666, makedev(1, minor)) == 0;
}

/* ------------------------------------------------------------------------
 * Regular files
 * ------------------------------------------------------------------------ */

Test(outfile, new_file_gets_the_umask_mode) {
  mode_t mask = umask(022);
  char *err = NULL;
  cr_assert(eq(int, outfile_write(at("new.txt"), "hello\n", 6, 0, &err), 0));
  cr_assert(holds("new.txt", "hello\n"));
  cr_assert(eq(u32, mode_of("new.txt") & 07777, 0644));
  cr_assert(eq(int, outfile_write(at("lib.so"), "x", 1, OUTFILE_EXECUTABLE, &err), 0));
  cr_assert(eq(u32, mode_of("lib.so") & 07777, 0755));
  cr_assert(eq(int, entries(), 2));
  umask(mask);
}

Test(outfile, existing_file_keeps_its_mode) {
  put("secret.csv", "old\n", 0600);
  put("group.csv", "old\n", 0640);
  char *err = NULL;
  cr_assert(eq(int, outfile_write(at("secret.csv"), "new\n", 4, 0, &err), 0));
  cr_assert(eq(int, outfile_write(at("group.csv"), "new\n", 4, 0, &err), 0));
  cr_assert(holds("secret.csv", "new\n"));
  cr_assert(eq(u32, mode_of("secret.csv") & 07777, 0600));
  cr_assert(eq(u32, mode_of("group.csv") & 07777, 0640));
  cr_assert(eq(int, entries(), 2));
}

Test(outfile, existing_file_keeps_its_owner) {
  if (geteuid() != 0) cr_skip_test("needs root to give a file to another user");
  put("theirs.csv", "old\n", 0600);
  cr_assert(eq(int, chown(at("theirs.csv"), 65534, 65534), 0));
  char *err = NULL;
  cr_assert(eq(int, outfile_write(at("theirs.csv"), "new\n", 4, 0, &err), 0));
  struct stat st;
  cr_assert(eq(int, stat(at("theirs.csv"), &st), 0));
  cr_assert(eq(u32, st.st_uid, 65534));
  cr_assert(eq(u32, st.st_gid, 65534));
  cr_assert(eq(u32, st.st_mode & 07777, 0600));
  cr_assert(holds("theirs.csv", "new\n"));
}

Test(outfile, nothing_reaches_the_file_before_commit_and_abort_keeps_it) {
  put("out.csv", "old\n", 0644);
  OutFile o;
  char *err = NULL;
  cr_assert(eq(int, outfile_open(&o, at("out.csv"), 0, &err), 0));
  cr_assert(not(o.direct));
  fputs("half of the new contents", o.fp);
  fflush(o.fp);
  cr_assert(holds("out.csv", "old\n"));
  cr_assert(eq(int, entries(), 2));   /* the file and the temporary */
  outfile_abort(&o);
  cr_assert(holds("out.csv", "old\n"));
  cr_assert(eq(int, entries(), 1));
}

Test(outfile, abort_of_a_new_file_leaves_nothing) {
  OutFile o;
  char *err = NULL;
  cr_assert(eq(int, outfile_open(&o, at("never.csv"), 0, &err), 0));
  fputs("x", o.fp);
  outfile_abort(&o);
  cr_assert(eq(int, access(at("never.csv"), F_OK), -1));
  cr_assert(eq(int, entries(), 0));
}

Test(outfile, a_planted_symlink_at_a_guessable_name_is_not_followed) {
  put("victim", "precious\n", 0644);
  cr_assert(eq(int, symlink(at("victim"), at("out.h.tmp")), 0));
  char *err = NULL;
  cr_assert(eq(int, outfile_write(at("out.h"), "header\n", 7, 0, &err), 0));
  cr_assert(holds("victim", "precious\n"));
  cr_assert(holds("out.h", "header\n"));
}

/* ------------------------------------------------------------------------
 * Symlinks, folders, refused targets
 * ------------------------------------------------------------------------ */

Test(outfile, symlink_is_written_through_and_kept) {
  cr_assert(eq(int, mkdir(at("real"), 0755), 0));
  put("real/data.csv", "old\n", 0600);
  cr_assert(eq(int, symlink("real/data.csv", at("link.csv")), 0));        /* relative */
  cr_assert(eq(int, symlink(at("link.csv"), at("link2.csv")), 0));       /* to a link */
  char *err = NULL;
  cr_assert(eq(int, outfile_write(at("link2.csv"), "new\n", 4, 0, &err), 0));
  cr_assert(is_kind(S_IFLNK, mode_of("link.csv")));
  cr_assert(is_kind(S_IFLNK, mode_of("link2.csv")));
  cr_assert(holds("real/data.csv", "new\n"));
  cr_assert(eq(u32, mode_of("real/data.csv") & 07777, 0600));
}

Test(outfile, dangling_symlink_creates_its_target) {
  cr_assert(eq(int, symlink("made.csv", at("dangling.csv")), 0));
  char *err = NULL;
  cr_assert(eq(int, outfile_write(at("dangling.csv"), "x\n", 2, 0, &err), 0));
  cr_assert(is_kind(S_IFLNK, mode_of("dangling.csv")));
  cr_assert(holds("made.csv", "x\n"));
}

Test(outfile, symlink_loop_is_an_error) {
  cr_assert(eq(int, symlink("b", at("a")), 0));
  cr_assert(eq(int, symlink("a", at("b")), 0));
  char *err = NULL;
  cr_assert(eq(int, outfile_write(at("a"), "x", 1, 0, &err), -1));
  cr_assert(err && strstr(err, strerror(ELOOP)), "%s", err ? err : "(none)");
  free(err);
}

Test(outfile, folder_and_missing_folder_are_refused) {
  cr_assert(eq(int, mkdir(at("sub"), 0755), 0));
  char *err = NULL;
  cr_assert(eq(int, outfile_write(at("sub"), "x", 1, 0, &err), -1));
  cr_assert(err && strstr(err, "it is a folder"), "%s", err ? err : "(none)");
  free(err);
  err = NULL;
  cr_assert(eq(int, outfile_write(at("nowhere/x.csv"), "x", 1, 0, &err), -1));
  cr_assert(err != NULL);
  free(err);
  cr_assert(eq(int, entries(), 1));
}

Test(outfile, read_only_folder_keeps_the_old_file) {
  cr_assert(eq(int, mkdir(at("ro"), 0777), 0));
  put("ro/out.csv", "old\n", 0666);
  cr_assert(eq(int, chmod(at("ro"), 0555), 0));
  pid_t pid = fork();
  if (pid == 0) {   /* root writes anywhere: drop to nobody first */
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(3);
    char *err = NULL;
    int rc = outfile_write(at("ro/out.csv"), "new\n", 4, 0, &err);
    _exit(rc == -1 && err && strstr(err, "cannot create a temporary file") ? 0 : 1);
  }
  int status;
  cr_assert(eq(int, waitpid(pid, &status, 0), pid));
  cr_assert(exited_ok(status), "status %d", status);
  cr_assert(holds("ro/out.csv", "old\n"));
}

/* ------------------------------------------------------------------------
 * Devices, FIFOs, standard output
 * ------------------------------------------------------------------------ */

Test(outfile, full_device_reports_enospc_and_stays_a_device) {
  if (!make_device("full", 7)) cr_skip_test("mknod not allowed");
  char big[8192];
  memset(big, 'x', sizeof big);
  char *err = NULL;
  cr_assert(eq(int, outfile_write(at("full"), "x", 1, 0, &err), -1));
  cr_assert(err && strstr(err, strerror(ENOSPC)), "%s", err ? err : "(none)");
  free(err);
  err = NULL;
  cr_assert(eq(int, outfile_write(at("full"), big, sizeof big, 0, &err), -1));
  free(err);
  cr_assert(is_kind(S_IFCHR, mode_of("full")));
  cr_assert(eq(int, entries(), 1));
}

Test(outfile, null_device_is_written_directly) {
  if (!make_device("null", 3)) cr_skip_test("mknod not allowed");
  OutFile o;
  char *err = NULL;
  cr_assert(eq(int, outfile_open(&o, at("null"), 0, &err), 0));
  cr_assert(o.direct);
  cr_assert(eq(ptr, o.temp, NULL));
  fputs("discarded", o.fp);
  cr_assert(eq(int, outfile_commit(&o, &err), 0));
  cr_assert(is_kind(S_IFCHR, mode_of("null")));
  cr_assert(eq(int, entries(), 1));
}

Test(outfile, fifo_is_written_directly) {
  cr_assert(eq(int, mkfifo(at("pipe"), 0600), 0));
  int fds[2];
  cr_assert(eq(int, pipe(fds), 0));
  pid_t pid = fork();
  if (pid == 0) {   /* the reader: copies the FIFO into the pipe */
    close(fds[0]);
    int in = open(at("pipe"), O_RDONLY);
    char buf[256];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0) (void)!write(fds[1], buf, (size_t)n);
    _exit(0);
  }
  close(fds[1]);
  char *err = NULL;
  cr_assert(eq(int, outfile_write(at("pipe"), "through the fifo\n", 17, 0, &err), 0));
  char got[64] = {0};
  ssize_t n = read(fds[0], got, sizeof got - 1);
  cr_assert(eq(sz, (size_t)n, 17));
  cr_assert(eq(str, got, "through the fifo\n"));
  close(fds[0]);
  waitpid(pid, NULL, 0);
  cr_assert(is_kind(S_IFIFO, mode_of("pipe")));
  cr_assert(eq(int, entries(), 1));
}

Test(outfile, dash_and_null_are_standard_output) {
  OutFile o;
  char *err = NULL;
  cr_assert(eq(int, outfile_open(&o, "-", 0, &err), 0));
  cr_assert(o.is_stdout && o.direct);
  cr_assert(eq(ptr, o.fp, stdout));
  cr_assert(eq(int, outfile_commit(&o, &err), 0));
  cr_assert(eq(int, outfile_open(&o, NULL, 0, &err), 0));
  cr_assert(eq(str, (char *)o.name, "standard output"));
  outfile_abort(&o);
  cr_assert(eq(int, fputs("", stdout) >= 0, 1));   /* still open */
}

Test(outfile, standard_output_on_a_full_device_is_an_error) {
  if (!make_device("full", 7)) cr_skip_test("mknod not allowed");
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(at("full"), "w", stdout)) _exit(3);
    OutFile o;
    char *err = NULL;
    if (outfile_open(&o, "-", 0, &err) != 0) _exit(4);
    fputs("lost", o.fp);
    int rc = outfile_commit(&o, &err);
    _exit(rc == -1 && err && strstr(err, strerror(ENOSPC)) ? 0 : 1);
  }
  int status;
  cr_assert(eq(int, waitpid(pid, &status, 0), pid));
  cr_assert(exited_ok(status), "status %d", status);
}

/* ------------------------------------------------------------------------
 * Same file
 * ------------------------------------------------------------------------ */

Test(outfile, same_file_compares_device_and_inode) {
  put("a.csv", "a\n", 0644);
  put("b.csv", "a\n", 0644);
  cr_assert(eq(int, link(at("a.csv"), at("hard.csv")), 0));
  cr_assert(eq(int, symlink("a.csv", at("soft.csv")), 0));
  cr_assert(outfile_same_file(at("a.csv"), at("hard.csv")));
  cr_assert(outfile_same_file(at("soft.csv"), at("a.csv")));
  cr_assert(not(outfile_same_file(at("a.csv"), at("b.csv"))));
  cr_assert(not(outfile_same_file(at("missing.csv"), at("a.csv"))));
  cr_assert(not(outfile_same_file("-", "-")));
  char rel[600];
  snprintf(rel, sizeof rel, "%s/./a.csv", dir);
  cr_assert(outfile_same_file(rel, at("a.csv")));
}
