/* fuzz_csv_scan.c - libFuzzer entry point: eval's vector paths for CSV against the code
 * they stand in for. The first byte picks the field count (1-8), the rest is CSV:
 * csv_scan_simple, on every instruction set the CPU has, must take exactly the
 * records the reader (csv_open_mem) reads as plain, with the same fields; every field
 * of them must read alike by csv_parse_doubles (every instruction set) and by
 * csv_parse_double; csv_parse_records must read the scan's records, with those numbers,
 * or stop earlier (with half the fields as columns and cells, and with every field a
 * column and no cells), as many by SSE4.1 (the field walk) as by AVX-512 (the record
 * step). A difference aborts; nothing may crash, hang, leak or trip a sanitizer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every field of the plain record at text[start..] (its field ends at seps) reads
 * alike by csv_parse_doubles and csv_parse_double. */
static void check_numbers(const char *text, size_t start, const uint32_t *seps, size_t nfields) {
  static const char *const isas[] = {"swar", "sse4.1"};
  for (size_t f = 0; f < nfields; f++) {
    size_t from = f ? seps[f - 1] + 1 : 0;
    CsvCell cell = {start + from, seps[f] - from};
    double want, got;
    size_t ok = csv_parse_double(text + cell.off, cell.len, &want) == 0;
    for (size_t k = 0; k < 2; k++) {
      if (!csv_parse_use(isas[k])) continue;
      if (csv_parse_doubles(text, &cell, 1, 1, &got) != ok || (ok && memcmp(&got, &want, sizeof got) != 0)) abort();
    }
  }
}

/* csv_parse_records (isa) from a record boundary the scan reaches, the records it reads
 * the scan's and their needed fields csv_parse_double's bits: with cells, every other
 * field needed and every field's cell noted (the scan's field); without, every field
 * needed (its all-numbers walk). The records read, or -1 if this CPU has not isa. */
static long check_walk(const char *isa, const char *text, size_t len, size_t pos, size_t nfields, bool with_cells) {
  enum { MAX = 7 };
  int col[8], cell[8];
  double vals[8][MAX], *out[8];
  CsvCell cells[MAX * 8];
  for (size_t f = 0; f < nfields; f++)
    col[f] = with_cells && f % 2 ? -1 : (int)f, out[f] = vals[f], cell[f] = (int)f;
  if (!csv_parse_use(isa)) return -1;
  size_t at = pos, scanned = pos;
  size_t n = with_cells ? csv_parse_records(text, len, &at, nfields, col, MAX, out, cell, cells, nfields)
                        : csv_parse_records(text, len, &at, nfields, col, MAX, out, NULL, NULL, 0);
  uint32_t seps[MAX * 8];
  size_t starts[MAX];
  if (n > MAX || (n && csv_scan_simple(text, len, &scanned, nfields, n, seps, starts) != n) || at != (n ? scanned : pos))
    abort();
  for (size_t j = 0; j < n; j++)
    for (size_t f = 0; f < nfields; f++) {
      size_t from = starts[j] + (f ? seps[j * nfields + f - 1] + 1 : 0), to = starts[j] + seps[j * nfields + f];
      if (with_cells && (cells[j * nfields + f].off != from || cells[j * nfields + f].len != to - from)) abort();
      if (col[f] < 0) continue;
      double want;
      if (csv_parse_double(text + from, to - from, &want) != 0 || memcmp(&want, &vals[f][j], sizeof want) != 0)
        abort();
    }
  return (long)n;
}

/* check_walk by the field walk (SSE4.1) and the record step (AVX-512): the same records. */
static void check_walks(const char *text, size_t len, size_t pos, size_t nfields, bool with_cells) {
  long fields = check_walk("sse4.1", text, len, pos, nfields, with_cells);
  long records = check_walk("avx512", text, len, pos, nfields, with_cells);
  if (fields >= 0 && records >= 0 && fields != records) abort();
}

/* The whole text by csv_scan_simple (one ISA) and by the reader, side by side. */
static void check_scan(const char *text, size_t len, size_t nfields) {
  enum { MAX = 7 };
  uint32_t seps[MAX * 8];
  size_t starts[MAX];
  char *copy = malloc(len + 64);
  memcpy(copy, text, len + 64);
  CsvReader *r = csv_open_mem(copy, len, nfields);
  size_t pos = 0;
  while (pos < len) {
    check_walks(text, len, pos, nfields, true);
    check_walks(text, len, pos, nfields, false);
    size_t n = csv_scan_simple(text, len, &pos, nfields, MAX, seps, starts);
    for (size_t j = 0; j < n; j++) {
      CsvRecord rec;
      if (csv_read_record(r, &rec) != CSV_OK || rec.nfields != nfields) abort();
      for (size_t f = 0; f < nfields; f++) {
        size_t from = f ? seps[j * nfields + f - 1] + 1 : 0;
        if (rec.fields[f].data != copy + starts[j] + from || rec.fields[f].len != seps[j * nfields + f] - from)
          abort();
      }
      check_numbers(text, starts[j], seps + j * nfields, nfields);
    }
    if (n == MAX) continue;
    csv_mem_skip(r, pos, 0);
    CsvRecord rec;
    int rc = csv_read_record(r, &rec);   /* what is not plain: the reader's */
    if (rc == CSV_EOF || (rc == CSV_ERROR && strncmp(csv_error(r)->message, "record has", 10) != 0)) break;
    if (csv_mem_offset(r) <= pos) abort();
    pos = csv_mem_offset(r);
  }
  csv_close(r);
  free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const isas[] = {"scalar", "sse2", "avx2"};
  if (size < 1) return 0;
  size_t nfields = 1 + data[0] % 8, len = size - 1;
  char *text = malloc(len + 64);
  if (len) memcpy(text, data + 1, len);
  memset(text + len, '\n', 64);   /* the pad, as eval's pieces have it */
  for (size_t i = 0; i < 3; i++)
    if (csv_scan_use(isas[i])) check_scan(text, len, nfields);
  free(text);
  return 0;
}
