/* eval_rows.h - what `missionc eval` says about its rows: data errors as diagnostics,
 * and --carry-forward.
 *
 * Data errors (LANGUAGE.md 10.3, codes E08xx) go through the diagnostics engine like
 * errors in a mission file, so that --diagnostics-format json|sarif covers them. The
 * rows are streamed, never held whole, so a diagnostic's source line is an excerpt
 * (source.h): the header as read; a row rebuilt from its fields; or, for a cell found
 * bad on a worker thread, the line read back from the file when it is a regular,
 * uncompressed one (else the location alone, without the line).
 *
 * Carry-forward: per key (the --by columns), in the order of the --order column, an
 * empty cell of a column a rule reads takes the last value of that column of the same
 * key at or before the row: status's "latest observation at or before the date".
 */
#ifndef MISSION_EVAL_ROWS_H
#define MISSION_EVAL_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "diag.h"
#include "interp.h"

/* Where the rows come from, for diagnostics. */
typedef struct RowsDiag {
  Diag *d;
  const char *path;      /* as messages name it ("<stdin>" for standard input) */
  int fd;                /* the input, read back for a line (pread, never moved) */
  bool have_header;
  uint32_t hdr_file;     /* the header's excerpt */
  uint32_t *hdr_start;   /* per header field: its offset in the excerpt */
  size_t nhdr;
  uint32_t hdr_len;
} RowsDiag;

void rows_diag_init(RowsDiag *rd, Diag *d, const char *path, int fd);
void rows_diag_free(RowsDiag *rd);
/* Keep the header for the spans below. */
void rows_diag_header(RowsDiag *rd, const CsvRecord *hdr);
/* The span of header field f, or of the end of the header line (f < 0). */
Span rows_diag_header_span(const RowsDiag *rd, long f);
/* The span of field f of a record at hand (the record rebuilt as its line). */
Span rows_diag_record_span(RowsDiag *rd, const CsvRecord *rec, size_t f);
/* The span of a cell of the record that starts on line `line`, `at` bytes after its
 * start, with its text: in the line of the file that holds it, read back (a record may
 * span lines: quoted line feeds), or a location without the line. */
Span rows_diag_cell_span(RowsDiag *rd, long line, uint32_t at, const char *text, size_t len);
/* The span of a CSV syntax error of the reader (line 0: the start of the file). */
Span rows_diag_csv_span(RowsDiag *rd, const CsvError *e);

/* Carry-forward state: one entry per key. */
typedef struct CarryForward CarryForward;

/* The columns a run reads, in the order of its cells. */
typedef struct CarryColumn {
  const char *name;
  ValKind kind;
  int field;             /* in the CSV header */
} CarryColumn;

/* Set up for --carry-forward: by (comma-separated key columns, or NULL) and order
 * (the ordering column, or NULL: input order) are found in the header; a missing one
 * is reported (E0810) and NULL returned. */
CarryForward *carry_new(RowsDiag *rd, const CsvRecord *hdr, const char *by, const char *order,
                        const CarryColumn *cols, int ncols, bool na_nan);
void carry_free(CarryForward *cf);
/* Fill the missing cells of a record: subst[k] (for column k of cols) is set to the
 * carried text, or {NULL, 0} to keep the record's own. False after reporting an error
 * (E0806, E0812, E0813, E0814): the run stops. */
bool carry_row(CarryForward *cf, const CsvRecord *rec, CsvField *subst);

#endif
