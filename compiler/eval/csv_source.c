/* csv_source.c - CSV files as sources: loaded (and decoded) into the compiler's
 * sources so that their problems are diagnostics with the cell underlined (status,
 * explain), and the byte ranges of a record's cells. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "source.h"

int64_t csv_load_source(struct Sources *src, const char *path, char *err, size_t errlen) {
  int64_t id = src_load(src, path, err, errlen);
  if (id < 0) return -1;
  const SourceFile *raw = src_file(src, (uint32_t)id);
  if (!csv_is_compressed(raw->text, raw->len)) return id;
  char *text, why[256];
  size_t len;
  if (!csv_decompress(raw->text, raw->len, &text, &len, why, sizeof why)) {
    snprintf(err, errlen, "cannot decompress '%s': %s", path, why);
    return -1;
  }
  id = src_add(src, path, text, len);
  free(text);
  return id;
}

void csv_field_ranges(const char *t, size_t len, size_t p, size_t n, size_t (*out)[2]) {
  if (p == 0 && len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0) p = 3;
  for (size_t i = 0; i < n; i++) {
    size_t start = p;
    if (p < len && t[p] == '"') {
      for (p++; p < len; p++) {
        if (t[p] != '"') continue;
        if (p + 1 < len && t[p + 1] == '"') p++;
        else { p++; break; }
      }
    }
    while (p < len && t[p] != ',' && t[p] != '\n' && t[p] != '\r') p++;
    out[i][0] = start;
    out[i][1] = p;
    if (p < len && t[p] == ',') p++;
  }
}
