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



/* Verifies and emits the module as an object file at path. */
static int emit_object(LLVMModuleRef mod, LLVMTargetMachineRef tm, const char *path, char **err) {
  char *msg = NULL;
  if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
    error_printf(err, "invalid module: %s", msg ? msg : "");
    LLVMDisposeMessage(msg);
    return -1;
  }
  LLVMDisposeMessage(msg);
  msg = NULL;
  char *file = strdup(path); /* the C API wants a mutable string */
  int failed = !file || LLVMTargetMachineEmitToFile(tm, mod, file, LLVMObjectFile, &msg);
  if (failed) error_printf(err, "cannot write %s: %s", path, msg ? msg : "out of memory");
  LLVMDisposeMessage(msg);
  free(file);
  return failed ? -1 : 0;
}

/* Creates an empty temporary "....o" file; its path goes in buf. */
static int temp_object(char *buf, size_t size, char **err) {
  const char *dir = getenv("TMPDIR");
  snprintf(buf, size, "%s/missionc-XXXXXX.o", dir && *dir ? dir : "/tmp");
  int fd = mkstemps(buf, 2);
  if (fd < 0) {
    error_printf(err, "cannot create a temporary file in %s: %s", dir && *dir ? dir : "/tmp",
              strerror(errno));
    return -1;
  }
  close(fd);
  return 0;
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
  char *argv[] = {(char *)cc, "-shared", "-o", (char *)path, (char *)object, "-lm", NULL};
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

int obj_emit_file(LLVMModuleRef mod, const char *cpu, const char *path, ObjKind kind, char **err) {
  LLVMTargetMachineRef tm =
      jit_target_machine(cpu, LLVMRelocPIC, LLVMCodeModelDefault, LLVMCodeGenLevelDefault, err);
  if (!tm) return -1;
  jit_target_module(mod, tm);
  int rc;
  if (kind == OBJ_OBJECT) {
    rc = emit_object(mod, tm, path, err);
  } else {
    char tmp[4096];
    rc = temp_object(tmp, sizeof tmp, err);
    if (rc == 0) {
      rc = emit_object(mod, tm, tmp, err);
      if (rc == 0) rc = link_shared(tmp, path, err);
      unlink(tmp);
    }
  }
  LLVMDisposeTargetMachine(tm);
  return rc;
}
