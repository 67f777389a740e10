/* front_end.h - the front end of a compilation: parse, check, lint. */
#ifndef MISSION_FRONT_END_H
#define MISSION_FRONT_END_H

#include "check.h"

/* Parse the file at path ("-" is standard input), load its imports, check it and
 * lint it with the -W/-Wno- flags given (as "-Wname" / "-Wno-name"). Diagnostics
 * collect in c->diag. NULL, with a message on stderr, when the file cannot be read. */
Model *compiler_front_end(Compiler *c, const char *path, const char *const *lint_flags, int nflags);

#endif
