/* mission.h - the public interface of libmission, for programs that embed the compiler.
 *
 * Installed as <missionc/mission.h> with the module headers beside it. The pipeline:
 *
 *   Compiler *c = compiler_new();
 *   Node *root = compiler_parse_path(c, "city.mission");    // NULL: unreadable file
 *   Model *m = check_program(c, root);                      // imports, names, units, ...
 *   lint_run(m, NULL, 0);                                   // mission criteria warnings
 *   diag_render(c->diag, stderr, &(DiagRenderOptions){DIAG_TEXT, false, NULL});
 *   ... read the model (check.h), evaluate rules (interp.h), draw (graph.h) ...
 *   compiler_free(c);
 */
#ifndef MISSION_H
#define MISSION_H

#include "check.h"
#include "compiler.h"
#include "diag.h"
#include "lint.h"

#endif
