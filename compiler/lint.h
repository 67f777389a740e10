/* lint.h - mission criteria lints (warnings), run after a clean check. */
#ifndef MISSION_LINT_H
#define MISSION_LINT_H

#include "check.h"

/* Run every enabled lint on the model. flags are the -W / -Wno- options in order.
 * Unknown -W names are reported as errors without a location. */
void lint_run(Model *m, const char *const *flags, int nflags);

#endif
