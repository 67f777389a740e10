/* front_end.c - the front end in one place: parse, check, lint.
 *
 *   text --(grammar/, syntax/)--> syntax tree --(check/: imports, names, schema,
 *   units, dates, budgets, rules)--> Model --(lint.c: mission criteria)--> Model
 *
 * Every command and every embedding program starts here; the back ends (graph/,
 * report/, eval/, native/) read the Model it returns and never change it.
 */
#include "front_end.h"

#include "lint.h"

Model *compiler_front_end(Compiler *c, const char *path, const char *const *lint_flags, int nflags) {
  Node *root = compiler_parse_path(c, path);
  if (!root) return NULL;
  Model *m = check_program(c, root);
  lint_run(m, lint_flags, nflags);
  return m;
}
