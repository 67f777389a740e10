/* lint.h - mission criteria lints (warnings W01xx), run after a clean check.
 *
 * Each lint has a stable code and a -W<name> / -Wno-<name> switch; all are on by
 * default. LANGUAGE.md section 9 describes every lint: its criterion, its source, an
 * example that triggers it and the fix.
 */
#ifndef MISSION_LINT_H
#define MISSION_LINT_H

#include <stdbool.h>

#include "check.h"

/* Check the -W / -Wno- options (as given, e.g. "-Wno-citizens"): MS_OK when every
 * name is known, else MS_FAILED with the problem and a did-you-mean in *err.
 * Commands call it once their options are parsed. */
int lint_check_flags(const char *const *flags, int nflags, char **err);

/* Whether `name` (without -W / -Wno-) is a warning option some stage honours. */
bool lint_option_known(const char *name);

/* Run every enabled lint on the model. flags are the -W / -Wno- options in order
 * (the last one about a name wins). An unknown -W name is reported as an error
 * without a location (commands that called lint_check_flags never get there).
 * Lints run only on a mission (a library is linted through the missions that
 * import it) and only when no error was reported in the files the model reads.
 * -Wno-NAME also drops the warnings that the checker emitted under NAME. */
void lint_run(Model *m, const char *const *flags, int nflags);

#endif
