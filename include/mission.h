/* mission.h - the public interface of libmission, for programs that embed the compiler.
 *
 * Installed as <missionc/mission.h> with the module headers beside it. The pipeline:
 *
 *   Compiler *c = compiler_new();
 *   Model *m = compiler_front_end(c, "city.mission", NULL, 0);  // parse, check, lint;
 *                                                           // NULL: unreadable file
 *   diag_render(c->diag, stderr, &(DiagRenderOptions){DIAG_TEXT, false, NULL});
 *   ... read the model (check.h), evaluate rules (interp.h), draw (graph.h) ...
 *   compiler_free(c);
 */
#ifndef MISSION_H
#define MISSION_H

#include "check.h"
#include "compiler.h"
#include "diag.h"
#include "front_end.h"
#include "lint.h"

#endif
