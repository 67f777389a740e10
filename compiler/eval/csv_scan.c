/* csv_scan.c - csv_scan_simple: the field boundaries of plain CSV records, found 64
 * bytes at a time by vector compares (AVX2 or SSE2, chosen at run time; a byte loop
 * elsewhere), for eval's pieces (compiler/native/eval.c).
 *
 * A block of 64 bytes becomes three bit masks: ',' , '\n', and the bytes that make a
 * record other than plain ('"', '\r', NUL).  The set bits are then walked in order:
 * a comma ends a field, a line feed ends a field and the record.  The scan stops
 * before the first record that is not plain (a quote, a carriage return, a NUL, a
 * blank line, a field count other than the header's, no line feed before the end),
 * so that the general reader (csv.c) reads exactly that record, with its errors and
 * messages; every path gives the same masks, so the same records.
 */
#include "csv.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CSV_SCAN_X86 1
#endif

/* The masks of one block of 64 bytes: bit i for byte i. */
typedef struct {
  uint64_t comma, lf, odd;
} Masks;

/* Masks by a byte loop (any machine; the reference for the vector ones). */
static Masks masks_scalar(const char *p) {
  Masks m = {0, 0, 0};
  for (int i = 0; i < 64; i++) {
    char c = p[i];
    uint64_t bit = (uint64_t)1 << i;
    m.comma |= c == ',' ? bit : 0;
    m.lf |= c == '\n' ? bit : 0;
    m.odd |= c == '"' || c == '\r' || c == '\0' ? bit : 0;
  }
  return m;
}

#ifdef CSV_SCAN_X86
/* The masks of 16 bytes, by SSE2 (every x86-64). */
static inline void masks16(const char *p, int shift, Masks *m) {
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
  uint64_t comma = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(',')));
  uint64_t lf = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));
  __m128i odd = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))),
                             _mm_cmpeq_epi8(x, _mm_setzero_si128()));
  m->comma |= comma << shift;
  m->lf |= lf << shift;
  m->odd |= (uint64_t)(uint32_t)_mm_movemask_epi8(odd) << shift;
}

static Masks masks_sse2(const char *p) {
  Masks m = {0, 0, 0};
  masks16(p, 0, &m);
  masks16(p + 16, 16, &m);
  masks16(p + 32, 32, &m);
  masks16(p + 48, 48, &m);
  return m;
}

/* The masks of 32 bytes, by AVX2. */
__attribute__((target("avx2"))) static inline void masks32(const char *p, int shift, Masks *m) {
  __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)p);
  uint64_t comma = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, _mm256_set1_epi8(',')));
  uint64_t lf = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('\n')));
  __m256i odd = _mm256_or_si256(
      _mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('"')), _mm256_cmpeq_epi8(x, _mm256_set1_epi8('\r'))),
      _mm256_cmpeq_epi8(x, _mm256_setzero_si256()));
  m->comma |= comma << shift;
  m->lf |= lf << shift;
  m->odd |= (uint64_t)(uint32_t)_mm256_movemask_epi8(odd) << shift;
}

__attribute__((target("avx2"))) static Masks masks_avx2(const char *p) {
  Masks m = {0, 0, 0};
  masks32(p, 0, &m);
  masks32(p + 32, 32, &m);
  return m;
}
#endif

typedef Masks (*MaskFn)(const char *p);

/* The scan, over the masks that fn gives. */
static inline size_t scan_with(MaskFn fn, const char *text, size_t len, size_t *pos, size_t nfields,
                               size_t max, uint32_t *seps, size_t *starts) {
  size_t rec = *pos, n = 0, f = 0;
  uint32_t *sep = seps;
  for (size_t base = rec; base < len && n < max; base += 64) {
    Masks m = fn(text + base);
    uint64_t valid = len - base >= 64 ? UINT64_MAX : ((uint64_t)1 << (len - base)) - 1;
    uint64_t odd = m.odd & valid;
    if (odd) valid = (odd - 1) & ~odd;   /* the bytes before the first odd one */
    uint64_t bits = (m.comma | m.lf) & valid;
    while (bits) {
      int i = __builtin_ctzll(bits);
      bits &= bits - 1;
      uint64_t bit = (uint64_t)1 << i;
      size_t at = base + (size_t)i;
      if (f == nfields) goto stop;   /* too many fields */
      sep[f++] = (uint32_t)(at - rec);
      if (!(m.lf & bit)) continue;
      if (f != nfields || at == rec) goto stop;        /* too few fields, or a blank line */
      starts[n++] = rec;
      rec = at + 1;
      sep += nfields;
      f = 0;
      if (n == max) goto stop;
    }
    if (odd) break;   /* the record at rec holds an odd byte */
  }
stop:
  *pos = rec;
  return n;
}

static size_t scan_scalar(const char *text, size_t len, size_t *pos, size_t nfields, size_t max,
                          uint32_t *seps, size_t *starts) {
  return scan_with(masks_scalar, text, len, pos, nfields, max, seps, starts);
}

#ifdef CSV_SCAN_X86
static size_t scan_sse2(const char *text, size_t len, size_t *pos, size_t nfields, size_t max,
                        uint32_t *seps, size_t *starts) {
  return scan_with(masks_sse2, text, len, pos, nfields, max, seps, starts);
}

__attribute__((target("avx2"))) static size_t scan_avx2(const char *text, size_t len, size_t *pos,
                                                         size_t nfields, size_t max, uint32_t *seps,
                                                         size_t *starts) {
  return scan_with(masks_avx2, text, len, pos, nfields, max, seps, starts);
}
#endif

typedef size_t (*ScanFn)(const char *, size_t, size_t *, size_t, size_t, uint32_t *, size_t *);

/* The fastest scan this CPU runs. */
static ScanFn best_scan(void) {
#ifdef CSV_SCAN_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) return scan_avx2;
  return scan_sse2;
#else
  return scan_scalar;
#endif
}

static _Atomic(ScanFn) chosen;

const char *csv_scan_use(const char *isa) {
  ScanFn fn = NULL;
  if (!isa) fn = best_scan();
  else if (strcmp(isa, "scalar") == 0) fn = scan_scalar;
#ifdef CSV_SCAN_X86
  else if (strcmp(isa, "sse2") == 0) fn = scan_sse2;
  else if (strcmp(isa, "avx2") == 0 && (__builtin_cpu_init(), __builtin_cpu_supports("avx2"))) fn = scan_avx2;
#endif
  if (!fn) return NULL;
  chosen = fn;
#ifdef CSV_SCAN_X86
  if (fn == scan_avx2) return "avx2";
  if (fn == scan_sse2) return "sse2";
#endif
  return "scalar";
}

size_t csv_scan_simple(const char *text, size_t len, size_t *pos, size_t nfields, size_t max, uint32_t *seps,
                       size_t *starts) {
  ScanFn fn = chosen;
  if (!fn) chosen = fn = best_scan();
  if (nfields == 0 || max == 0) return 0;
  return fn(text, len, pos, nfields, max, seps, starts);
}
