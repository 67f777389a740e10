/* export.h - the checked model as JSON, for dashboards and notebooks.
 *
 * One document: every declaration with its kind, name, title, doc comment and
 * attributes, references by name, quantities with their unit and their value in
 * base units, dates in ISO form and source spans. Keys come in a fixed order and
 * nothing depends on the run, so the output is byte-identical across runs. The
 * schema is LANGUAGE.md section 10.1.
 */
#ifndef MISSION_EXPORT_H
#define MISSION_EXPORT_H

#include <stdio.h>

#include "check.h"

/* Version of the export schema; bumped when a key changes meaning or goes away. */
#define EXPORT_FORMAT_VERSION 1

/* Write the model (checked without errors) as one JSON document. */
void export_json(FILE *out, const Model *m);


#endif
