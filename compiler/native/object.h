/* object.h - ahead-of-time output: an object file or a shared library.
 *
 * The module is emitted as it is (optimise it first with jit_run_passes
 * and a target machine from jit_target_machine, or with jit_optimize);
 * its target triple and data layout are set to the host's.  Code is
 * position independent.  The same module gives a byte-identical object.
 * A shared library is the object linked by `cc -shared ... -lm` (the
 * compiler is $MISSIONC_CC if set, a program name or path run without a
 * shell); cc's own messages come back in the error text.
 */
#ifndef MISSIONC_OBJECT_H
#define MISSIONC_OBJECT_H

#include <llvm-c/Core.h>

#define OBJ_KIND_LIST(X)                                                                           \
  X(OBJ_OBJECT, "object") /* relocatable object file (.o) */                                       \
  X(OBJ_SHARED, "shared") /* shared library (.so) */

typedef enum {
#define OBJ_KIND_ENUM(id, name) id,
  OBJ_KIND_LIST(OBJ_KIND_ENUM)
#undef OBJ_KIND_ENUM
} ObjKind;

const char *obj_kind_name(ObjKind kind);

/* Writes mod to path as an object or a shared library for cpu (as for
   jit_new: NULL or "native" = the host CPU, "generic", or a CPU name).
   The module stays the caller's.  Returns 0, or -1 with a malloc'd
   message in *err (if err is not NULL). */
int obj_emit_file(LLVMModuleRef mod, const char *cpu, const char *path, ObjKind kind, char **err);

#endif
