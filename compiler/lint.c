/* lint.c - mission criteria lints (placeholder until issue 4 lands: runs no lint). */
#include "lint.h"

void lint_run(Model *m, const char *const *flags, int nflags) {
  (void)m;
  (void)flags;
  (void)nflags;
}
