/* manifest.h - the machine-readable description of what `missionc build` made.
 *
 * Written next to the library (NAME.so.json by default) as one JSON object, the same
 * bytes for the same inputs: the format and missionc version, a SHA-256 of the
 * mission source and of the library file, the symbol prefix, and per rule its kind,
 * title, inputs (name, kind, unit, scale), result and symbol names; then the fused
 * all-rules function with its columns and outputs. Programs that load the library
 * (python/missionc) check it before they call anything. LANGUAGE.md, `build`,
 * documents every field.
 */
#ifndef MISSION_MANIFEST_H
#define MISSION_MANIFEST_H

#include <stdio.h>

#include "codegen.h"

#define MANIFEST_FORMAT 1   /* bumped when a field changes meaning or goes away */

typedef struct ManifestInfo {
  const char *source_path;    /* the mission file as given on the command line */
  const char *source_text;    /* its bytes, hashed */
  size_t source_len;
  const char *library_path;   /* the output (.so or .o) */
  const char *library_kind;   /* "shared" or "object" */
  const char *library_sha256; /* the output's SHA-256 in hex */
  const char *header_path;    /* NULL without --header */
  const char *cpu, *opt;
  const RuleSig *const *sigs;
  int n;
  const CgOptions *o;         /* prefix, and the fused set's columns */
} ManifestInfo;

/* Write the manifest as JSON (with a final newline). */
void manifest_write(FILE *out, const ManifestInfo *mi);
/* The SHA-256 of a file in hex (65 bytes); 0, or -1 with errno set. */
int manifest_file_sha256(const char *path, char hex[65]);

#endif
