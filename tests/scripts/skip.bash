# skip.bash - sourced by script tests: a missing tool is a visible skip.
#
# skip_test MESSAGE: exit 77, which ctest shows as "Skipped" (SKIP_RETURN_CODE), or,
# when CI is set (.ci/test sets it; .ci/setup installs every tool), fail: in CI
# nothing may be skipped.
skip_test() {
  if [ -n "${CI:-}" ]; then
    echo "FAIL: $1 (CI installs it with .ci/setup; nothing may be skipped there)"
    exit 1
  fi
  echo "SKIP: $1"
  exit 77
}
