/* object.c - ahead-of-time output: object files and shared libraries. */
#include "object.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/TargetMachine.h>

#include "jit.h"
#include "outfile.h"
#include "util.h"

extern char **environ;

#define OBJ_MAX_OUTPUT 4096 /* bytes of the linker's messages kept */

static const char *const kind_names[] = {
#define OBJ_KIND_NAME(id, name) name,
    OBJ_KIND_LIST(OBJ_KIND_NAME)
#undef OBJ_KIND_NAME
};

const char *obj_kind_name(ObjKind kind) {
  return kind_names[kind];
}



/* Verifies the module and emits it as an object file in memory; NULL with *err. */
static LLVMMemoryBufferRef emit_object(LLVMModuleRef mod, LLVMTargetMachineRef tm, char **err) {
  char *msg = NULL;
  if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
    error_printf(err, "invalid module: %s", msg ? msg : "");
    LLVMDisposeMessage(msg);
    return NULL;
  }
  LLVMDisposeMessage(msg);
  msg = NULL;
  LLVMMemoryBufferRef buf = NULL;
  if (LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMObjectFile, &msg, &buf)) {
    error_printf(err, "cannot emit the object code: %s", msg ? msg : "?");
    buf = NULL;
  }
  LLVMDisposeMessage(msg);
  return buf;
}

/* Writes len bytes to a new file at path (in the private temporary folder). */
static int write_plain(const char *path, const char *data, size_t len, char **err) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  size_t done = 0;
  while (fd >= 0 && done < len) {
    ssize_t n = write(fd, data + done, len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += (size_t)n;
  }
  int e = errno;
  if (fd >= 0 && close(fd) != 0 && done == len) {
    e = errno;
    done = 0;
  }
  if (fd >= 0 && done == len) return 0;
  error_printf(err, "cannot write %s: %s", path, strerror(e));
  return -1;
}

/* Reads the whole file at path into a malloc'd buffer. */
static char *read_whole(const char *path, size_t *len, char **err) {
  FILE *f = fopen(path, "rb");
  char *data = NULL;
  size_t cap = 0;
  *len = 0;
  if (!f) {
    error_printf(err, "cannot read %s: %s", path, strerror(errno));
    return NULL;
  }
  for (;;) {
    if (*len == cap) data = xrealloc(data, cap = cap ? cap * 2 : 1 << 16);
    size_t n = fread(data + *len, 1, cap - *len, f);
    *len += n;
    if (n == 0) break;
  }
  if (ferror(f)) {
    error_printf(err, "cannot read %s: %s", path, strerror(errno));
    free(data);
    data = NULL;
  }
  fclose(f);
  return data;
}

/* Reads fd to its end, keeping the first max bytes in a malloc'd string. */
static char *read_output(int fd, size_t max) {
  char *out = malloc(max + 1);
  size_t len = 0;
  char chunk[512];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    size_t keep = len + (size_t)n <= max ? (size_t)n : max - len;
    if (out) memcpy(out + len, chunk, keep);
    len += keep;
  }
  if (out) out[len] = '\0';
  return out;
}

/* Runs argv without a shell, its stdout and stderr captured in *output;
   returns its wait status, or -1 (with *err) if it could not start. */
static int run_program(char *const argv[], char **output, char **err) {
  int fds[2];
  if (pipe(fds) != 0) {
    error_printf(err, "cannot create a pipe: %s", strerror(errno));
    return -1;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addclose(&fa, fds[1]);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    error_printf(err, "cannot run '%s': %s", argv[0], strerror(rc));
    return -1;
  }
  *output = read_output(fds[0], OBJ_MAX_OUTPUT);
  close(fds[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) {
      error_printf(err, "cannot wait for '%s': %s", argv[0], strerror(errno));
      return -1;
    }
  return status;
}

/* Links an object into a shared library with the system C compiler. */
static int link_shared(const char *object, const char *path, char **err) {
  const char *cc = getenv("MISSIONC_CC");
  if (!cc || !*cc) cc = "cc";
  char *argv[] = {(char *)cc, "-shared", "-o", (char *)path, (char *)object, "-lsleef", "-lm", NULL};
  char *output = NULL;
  int status = run_program(argv, &output, err);
  int rc = -1;
  if (status < 0)
    rc = -1;
  else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    rc = 0;
  else if (WIFEXITED(status))
    error_printf(err, "'%s -shared' failed with exit status %d:\n%s", cc, WEXITSTATUS(status),
              output ? output : "");
  else
    error_printf(err, "'%s -shared' was killed by signal %d", cc,
              WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  free(output);
  return rc;
}

/* Links the object into a shared library in a private temporary folder, then writes
 * the library to path through outfile (the linker never touches path itself). */
static int emit_shared(const char *obj, size_t len, const char *path, char **err) {
  const char *tmpdir = getenv("TMPDIR");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/missionc-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
  if (!mkdtemp(dir)) {
    error_printf(err, "cannot create a temporary folder in %s: %s",
                 tmpdir && *tmpdir ? tmpdir : "/tmp", strerror(errno));
    return -1;
  }
  char object[4200], library[4200];
  snprintf(object, sizeof object, "%s/rules.o", dir);
  snprintf(library, sizeof library, "%s/librules.so", dir);
  int rc = write_plain(object, obj, len, err);
  if (rc == 0) rc = link_shared(object, library, err);
  if (rc == 0) {
    size_t n = 0;
    char *data = read_whole(library, &n, err);
    rc = data ? outfile_write(path, data, n, OUTFILE_EXECUTABLE, err) : -1;
    free(data);
  }
  unlink(object);
  unlink(library);
  rmdir(dir);
  return rc;
}

int obj_emit_file(LLVMModuleRef mod, const char *cpu, const char *path, ObjKind kind, char **err) {
  LLVMTargetMachineRef tm =
      jit_target_machine(cpu, LLVMRelocPIC, LLVMCodeModelDefault, LLVMCodeGenLevelDefault, err);
  if (!tm) return -1;
  jit_target_module(mod, tm);
  LLVMMemoryBufferRef buf = emit_object(mod, tm, err);
  int rc = -1;
  if (buf) {
    const char *data = LLVMGetBufferStart(buf);
    size_t len = LLVMGetBufferSize(buf);
    rc = kind == OBJ_OBJECT ? outfile_write(path, data, len, 0, err) : emit_shared(data, len, path, err);
    LLVMDisposeMemoryBuffer(buf);
  }
  LLVMDisposeTargetMachine(tm);
  return rc;
}
