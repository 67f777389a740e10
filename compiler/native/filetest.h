/* filetest.h - running the tests of a mission file (`missionc test`). */
#ifndef MISSION_FILETEST_H
#define MISSION_FILETEST_H

#include <stdbool.h>

#include "check.h"
#include "compiler.h"

/* The outcome of one test. */
typedef struct TestResult {
  const Sym *test;
  bool passed;
  const char *failure;   /* failed: one line per wrong value, with its location (arena) */
} TestResult;

typedef struct TestReport {
  TestResult *items;
  int len;
} TestReport;

/* Run every test declared in the checked file of m on the interpreter and on the JIT;
 * a test passes when every engine gives each expected value (within its tolerance).
 * Returns 0, or -1 with a malloc'd message in *err when the JIT cannot start. */
int filetest_run(Model *m, TestReport *out, char **err);

#endif
