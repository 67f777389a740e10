/* fuzz_status.c - libFuzzer entry point: any bytes as the actuals file of `missionc status`.
 *
 * A fixed mission (goals with a baseline, a bound and a range, milestones that expect
 * values, scores and a condition over progress and on_track, sources) is compiled for
 * each input; the bytes after the first are its actuals CSV, read from a memory file
 * descriptor by status_read_actuals; the first byte chooses the as-of date (the latest
 * row, or one of several fixed dates) and the format (text, Markdown, HTML). The report
 * is computed and written to memory. Nothing may crash, hang, leak or trip a sanitizer.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "compiler.h"
#include "parse.h"
#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char mission_text[] =
    "mission m \"Fuzzed status\" { period 2021-01-01 .. 2030-12-31; owner ec }\n"
    "actor ec \"Commission\" { sector public }\n"
    "source web \"A page\" { url \"https://example.org/\" }\n"
    "indicator share \"Share\" { unit % }\n"
    "indicator cap \"Capacity\" { unit 1 }\n"
    "indicator ci \"Intensity\" { unit 1 }\n"
    "goal clean \"Clean\" { indicator share; baseline 60% at 2021; target >= 95% by 2030 }\n"
    "goal wind \"Wind\" { indicator cap; baseline 10 at 2021; target 40 .. 50 by 2030 }\n"
    "goal low \"Low\" { indicator ci; baseline 140 at 2021; target <= 50 by 2028-06-30 }\n"
    "milestone half \"Half way\" { date 2025-12; expects wind: >= 20, clean: 75% }\n"
    "score total = 0.5 * progress(clean) + 0.3 * progress(wind) + 0.2 * progress(low)\n"
    "score weakest = min(progress(clean), min(progress(wind), progress(low)))\n"
    "score planned_gap = planned(clean, date) - progress(clean)\n"
    "condition on_path = on_track(clean, date) and not is_missing(cap)\n";

/* The HTML report draws with Graphviz, which leaks in its own code: gvContext's
 * configuration, and the Pango plugin's fontconfig and GLib caches, which become
 * unreachable when gvFreeContext unloads the plugin (valgrind shows the same from
 * `missionc status --format html`). Leaks allocated inside those libraries are not
 * ours to find; cgraph (which builds the graphs we own) is not suppressed. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) {
  return "leak:libgvc.so\nleak:libgvplugin_\nleak:libfontconfig.so\nleak:libpango\nleak:libglib-2.0.so\n"
         "leak:libgobject-2.0.so\nleak:libcairo.so\nleak:libharfbuzz.so\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const int64_t as_of[] = {0, 18628 /* 2021-01-01 */, 20088 /* 2024-12-31 */, 22279 /* 2030-12-31 */};
  if (size == 0) return 0;
  int fd = memfd_create("actuals.csv", 0);
  if (fd < 0) return 0;
  if (size > 1 && write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) {
    close(fd);
    return 0;
  }
  lseek(fd, 0, SEEK_SET);
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  Compiler *c = compiler_new();
  c->diag->max_errors = 0;
  uint32_t id = src_add(c->src, "fuzz.mission", mission_text, sizeof mission_text - 1);
  Model *m = check_program(c, parse_file(c->arena, c->names, c->diag, c->src, id));
  if (diag_error_count(c->diag)) {
    fprintf(stderr, "fuzz_status: the fixture mission does not compile\n");
    abort();
  }
  Actuals *a = status_read_actuals(m, path);
  if (a && diag_error_count(c->diag) == 0) {
    int pick = data[0] & 3;
    int64_t day = pick ? as_of[pick] : a->last;   /* without --as-of: the latest row */
    StatusReport *r = pick || a->nrows ? status_compute(m, a, day, pick != 0) : NULL;
    char *out = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&out, &len);
    if (r && fp) status_write(r, (StatusFormat)((data[0] >> 2) % SF_COUNT), fp);
    if (fp) fclose(fp);
    free(out);
  }
  close(fd);
  compiler_free(c);
  return 0;
}
