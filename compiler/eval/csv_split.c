/* csv_split.c - where to cut CSV text into pieces of whole records, so that the
 * pieces can be parsed in parallel (compiler/native/eval.c).
 *
 * A piece starts at a record boundary, outside quotes.  From there, a line feed
 * ends a record exactly when an even number of '"' precede it: an RFC 4180 quote
 * opens a field, closes it, or comes as a pair "" inside it, so the parity of the
 * count says whether the scan is inside a quoted field.  (Text with a stray quote
 * inside an unquoted field is an error the piece's parser reports at that quote,
 * which lies before any cut made past it.)
 */
#define _GNU_SOURCE
#include "csv.h"

#include <string.h>

/* The offset just after the last line feed of text[0..len), or 0. */
static size_t after_last_lf(const char *text, size_t len) {
  const char *lf = memrchr(text, '\n', len);
  return lf ? (size_t)(lf - text) + 1 : 0;
}

size_t csv_split_point(const char *text, size_t len) {
  const char *q = memchr(text, '"', len);
  if (!q) return after_last_lf(text, len);
  size_t cut = after_last_lf(text, (size_t)(q - text));
  bool inside = false;
  for (size_t i = (size_t)(q - text); i < len; i++) {
    char c = text[i];
    if (c == '"') inside = !inside;
    else if (c == '\n' && !inside) cut = i + 1;
  }
  return cut;
}
